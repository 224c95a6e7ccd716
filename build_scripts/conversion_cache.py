"""Convert each source once: what reading a source gave, kept under the hash of what decided it.

A report read from a source depends on the source's bytes (every page of a page folder), its
sidecar, the name the report shows it by, and the converter. The converter's part of the key is a
hash of the code that produced the result — the reading half of the package, the shared model and
forms, the division data — and the versions of the libraries that read PDFs, pages and images. A
hash of the code rather than version numbers kept by hand: no change can forget to bump one, at the
price of converting everything again after any change to reading (a comment included).

Only reports are kept. A source that failed is read again on the next build (its reason may be the
time limit, or a bug since fixed), and the maintainer's overrides are applied after the cache, so a
changed override converts nothing. An entry is written whole or not at all (a temporary file
renamed), and one that cannot be read back is a miss, never an error. Entries are pickles: the
cache folder is trusted as the code is, and never filled from anywhere else.

The cache is a folder, or any place fsspec reaches (`s3://bucket/conversions`, `gs://…`, an NFS
mount): the workers of a cluster write what they convert there, and the site build reads it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import uuid
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import fsspec

from .model import Report
from .reading.provenance import sidecar_path
from .reading.readers import is_page_folder
from .reading.readers.image import folder_digest

log = logging.getLogger(__name__)

PACKAGE = Path(__file__).resolve().parent
# What the reading half is made of: a change to any of it may change what a source reads as.
CONVERTER_FILES = ("model.py", "forms.py", "reading/**/*.py", "data/*.csv")
LIBRARIES = (
    "pdfplumber",
    "pdfminer.six",
    "pypdfium2",
    "rapidocr-onnxruntime",
    "onnxruntime",
    "opencv-python",
    "numpy",
    "lxml",
    "pillow",
)


def library_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "absent"


@lru_cache(maxsize=1)
def converter_version() -> str:
    """The hash of the converter: its code and data files, and its libraries' versions."""
    digest = hashlib.sha256()
    files = sorted({path for pattern in CONVERTER_FILES for path in PACKAGE.glob(pattern)})
    for path in files:
        digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for name in LIBRARIES:
        digest.update(f"{name}=={library_version(name)}\0".encode())
    return digest.hexdigest()


def content_digest(path: Path) -> str:
    """The SHA-256 of a source's content: a file's bytes, or a page folder's (image.folder_digest)."""
    if is_page_folder(path):
        return folder_digest([page for page in sorted(path.iterdir()) if page.is_file()])[0]
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


ENTRY_SUFFIX = ".pickle"


class ConversionCache:
    """Reports read from sources, one file each, named by their key, in a folder or at an fsspec
    URL. Picklable: a cluster's workers are sent the cache with their work."""

    def __init__(self, location: Path | str) -> None:
        self.location = str(location)
        self.fs, self.root = fsspec.core.url_to_fs(self.location)

    def __eq__(self, other: object) -> bool:  # one cache per place: a reader child serves it (guard.py)
        return isinstance(other, ConversionCache) and other.location == self.location

    def __hash__(self) -> int:
        return hash(self.location)

    def key(self, path: Path, display_path: str) -> str | None:
        """The key of what reading this source gives, or None when it cannot be read to make one (a
        pipe would block, a folder that is not a page folder has no content)."""
        if not (path.is_file() or is_page_folder(path)):
            return None
        try:
            parts = [converter_version(), display_path, content_digest(path)]
            sidecar = sidecar_path(path)
            parts.append(hashlib.sha256(sidecar.read_bytes()).hexdigest() if sidecar.is_file() else "")
        except OSError:
            return None
        return hashlib.sha256("\0".join(parts).encode()).hexdigest()

    def entry(self, key: str) -> str:
        return f"{self.root}/{key[:2]}/{key}{ENTRY_SUFFIX}"

    def stored_keys(self) -> set[str]:
        """Every key with an entry, listed at once (one listing, not a question per source: on
        object storage each question is a request)."""
        try:
            names = self.fs.find(self.root)
        except (FileNotFoundError, OSError):
            return set()
        return {name.rsplit("/", 1)[-1].removesuffix(ENTRY_SUFFIX) for name in names if name.endswith(ENTRY_SUFFIX)}

    def get(self, key: str) -> Report | None:
        try:
            with self.fs.open(self.entry(key), "rb") as file:
                found = pickle.load(file)
        except FileNotFoundError:
            return None
        except Exception as error:  # a damaged entry (a disk error, an old Python): read the source again
            log.warning("conversion cache entry %s unreadable (%s): converting again", key[:12], error)
            return None
        return found if isinstance(found, Report) else None

    def put(self, key: str, report: Report) -> None:
        """Write an entry whole or not at all: a temporary name, renamed (on object storage a
        write is whole by itself). Workers of a cluster may write the same entry at once: both
        write the same report."""
        target = self.entry(key)
        temporary = f"{target.rsplit('/', 1)[0]}/.{key}.{os.getpid()}.{uuid.uuid4().hex[:8]}"
        try:
            self.fs.makedirs(target.rsplit("/", 1)[0], exist_ok=True)
            with self.fs.open(temporary, "wb") as file:
                file.write(pickle.dumps(report, protocol=pickle.HIGHEST_PROTOCOL))
            self.fs.mv(temporary, target)
        except OSError as error:  # a full or read-only disk costs the next build time, nothing else
            log.warning("conversion cache not written (%s)", error)
            if self.fs.exists(temporary):
                self.fs.rm(temporary)
