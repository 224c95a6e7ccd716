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

import contextlib
import hashlib
import logging
import os
import pickle
import re
import sqlite3
import uuid
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import fsspec
from fsspec.implementations.local import LocalFileSystem

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
CONVERTER_DIGITS = 16
# A converter's folder; two digits: an entry folder of the layout before converter folders.
CONVERTER_FOLDER = re.compile(f"[0-9a-f]{{{CONVERTER_DIGITS}}}|[0-9a-f]{{2}}")
DIGESTS_NAME = "source-digests.sqlite"
Stamp = tuple[int, int, int, int]


def stamp_of(path: Path) -> Stamp:
    """What changes whenever a file's bytes may have: its size, its times (the inode's change time
    too, which no program can set back) and its inode."""
    status = path.stat()
    return (status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino)


class SourceDigests:
    """The content digest of each source, remembered with its stamp (stamp_of): a source whose
    stamp is unchanged is not read again to be hashed, as git's index does. On an archive of PDFs
    hashing everything was the largest part of a rebuild's conversion stage. Kept in an SQLite
    file beside a local cache (a cache on object storage keeps none: its workers' files are not
    this machine's); only the sources seen by the last build are kept."""

    def __init__(self, file: Path | None) -> None:
        self.file = file
        self.known: dict[str, tuple[Stamp, str]] = {}
        self.seen: dict[str, tuple[Stamp, str]] = {}
        if file is not None and file.is_file():
            try:
                with contextlib.closing(sqlite3.connect(file)) as database:
                    rows = database.execute("SELECT path, size, mtime, ctime, inode, digest FROM digests")
                    self.known = {row[0]: ((row[1], row[2], row[3], row[4]), row[5]) for row in rows}
            except sqlite3.Error as error:  # damaged: every source is hashed again
                log.warning("source digests %s unreadable (%s): hashing every source", file, error)

    def digest(self, path: Path) -> str:
        if is_page_folder(path):
            return content_digest(path)
        name, stamp = str(path.absolute()), stamp_of(path)
        known = self.known.get(name)
        digest = known[1] if known and known[0] == stamp else content_digest(path)
        self.seen[name] = (stamp, digest)
        return digest

    def save(self) -> None:
        """Write what this build saw, whole or not at all (a new file renamed)."""
        if self.file is None or self.seen == self.known:
            return
        temporary = self.file.with_name(f".{self.file.name}.{os.getpid()}")
        try:
            temporary.unlink(missing_ok=True)
            with contextlib.closing(sqlite3.connect(temporary)) as database, database:
                database.execute("CREATE TABLE digests (path TEXT PRIMARY KEY, size, mtime, ctime, inode, digest)")
                rows = ((name, *stamp, digest) for name, (stamp, digest) in sorted(self.seen.items()))
                database.executemany("INSERT INTO digests VALUES (?, ?, ?, ?, ?, ?)", rows)
            os.replace(temporary, self.file)
        except (OSError, sqlite3.Error) as error:  # the next build hashes again, nothing else
            log.warning("source digests not written (%s)", error)
            temporary.unlink(missing_ok=True)


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

    def digests(self) -> SourceDigests:
        """The sources' remembered digests, kept beside a cache on this machine's disk."""
        if not isinstance(self.fs, LocalFileSystem):
            return SourceDigests(None)
        try:
            Path(self.root).mkdir(parents=True, exist_ok=True)
        except OSError:  # a read-only place: every source is hashed
            return SourceDigests(None)
        return SourceDigests(Path(self.root) / DIGESTS_NAME)

    def key(self, path: Path, display_path: str, digests: SourceDigests | None = None) -> str | None:
        """The key of what reading this source gives, or None when it cannot be read to make one (a
        pipe would block, a folder that is not a page folder has no content)."""
        if not (path.is_file() or is_page_folder(path)):
            return None
        try:
            digest = digests.digest(path) if digests else content_digest(path)
            parts = [converter_version(), display_path, digest]
            sidecar = sidecar_path(path)
            parts.append(hashlib.sha256(sidecar.read_bytes()).hexdigest() if sidecar.is_file() else "")
        except OSError:
            return None
        return hashlib.sha256("\0".join(parts).encode()).hexdigest()

    def converter_folder(self) -> str:
        """Entries live in a folder per converter (the first 16 digits of its hash)."""
        return f"{self.root}/{converter_version()[:CONVERTER_DIGITS]}"

    def entry(self, key: str) -> str:
        return f"{self.converter_folder()}/{key[:2]}/{key}{ENTRY_SUFFIX}"

    def stored_keys(self) -> set[str]:
        """Every key with an entry of this converter, listed at once (one listing, not a question
        per source: on object storage each question is a request)."""
        try:
            names = self.fs.find(self.converter_folder())
        except (FileNotFoundError, OSError):
            return set()
        return {name.rsplit("/", 1)[-1].removesuffix(ENTRY_SUFFIX) for name in names if name.endswith(ENTRY_SUFFIX)}

    def drop_older_converters(self) -> None:
        """Remove the entries of every other converter: after a change to reading none of them is
        read again, and without this each change would add a copy of the archive. The entries of
        sources that are gone are kept: a build of another folder (a few files tried out) must not
        empty the cache of the archive."""
        current = converter_version()[:CONVERTER_DIGITS]
        try:
            names = self.fs.ls(self.root, detail=False)
        except (FileNotFoundError, OSError):
            return
        for name in names:
            folder = name.rstrip("/").rsplit("/", 1)[-1]
            if folder != current and CONVERTER_FOLDER.fullmatch(folder) and self.fs.isdir(name):
                try:
                    self.fs.rm(name, recursive=True)
                except OSError as error:
                    log.warning("an older converter's entries (%s) not removed: %s", folder, error)

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
