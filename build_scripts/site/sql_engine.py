"""The SQL page's engine: SQLite compiled to WebAssembly, reading the database by HTTP range
requests (sql.js-httpvfs, Apache-2.0, from npm). It is not kept in this repository: `make site`
installs the pinned version once into .cache/ (`python -m build_scripts install-engine`, which
checks the package against its registry checksum), and the build publishes its files beside the
SQL page with their licence. Nothing is loaded from another host at run time.
"""

from __future__ import annotations

import base64
import hashlib
import io
import logging
import os
import shutil
import tarfile
import urllib.request
from pathlib import Path

log = logging.getLogger(__name__)

ENGINE_NAME = "sql.js-httpvfs"
ENGINE_VERSION = "0.8.12"
# The registry's own integrity string for this version (`npm view sql.js-httpvfs@0.8.12 dist.integrity`).
ENGINE_INTEGRITY = "sha512-lcEBc2q0psFRfdCx8Di22oUIkkv5MUIaVO/fGCj/Jjx6YQDKVylQEcjd7NSSbmINHTRwVkm/vWP8uuevT7Rkkw=="
# The package's files the page needs, and their names on the site.
ENGINE_FILES = {
    "package/dist/index.js": "index.js",
    "package/dist/sqlite.worker.js": "sqlite.worker.js",
    "package/dist/sql-wasm.wasm": "sql-wasm.wasm",
    "package/LICENSE": "LICENSE.txt",
}
ENGINE_DIR = Path(__file__).resolve().parents[2] / ".cache" / "engines" / f"{ENGINE_NAME}-{ENGINE_VERSION}"
ENGINE_ASSETS = "assets/sql"  # where the site serves them
ENGINE_WARNING = (
    f"the SQL page cannot query: its engine ({ENGINE_NAME} {ENGINE_VERSION}) is not installed "
    "(`make site` installs it, or `python -m build_scripts install-engine`)"
)


def tarball_url() -> str:
    # npm's own setting of another registry (a mirror), as npm spells it in the environment.
    registry = os.environ.get("npm_config_registry", "https://registry.npmjs.org/").rstrip("/")  # noqa: SIM112
    return f"{registry}/{ENGINE_NAME}/-/{ENGINE_NAME}-{ENGINE_VERSION}.tgz"


def matches_integrity(data: bytes, integrity: str | None = None) -> bool:
    algorithm, _, digest = (integrity or ENGINE_INTEGRITY).partition("-")
    return base64.b64encode(hashlib.new(algorithm, data).digest()).decode() == digest


def unpack_engine(tarball: bytes, folder: Path) -> None:
    """The engine's files from the package into `folder` (written beside it, then moved in)."""
    if not matches_integrity(tarball):
        raise ValueError(f"{ENGINE_NAME} {ENGINE_VERSION}: the download does not match its registry checksum")
    staging = folder.with_name(folder.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        for member, name in ENGINE_FILES.items():
            extracted = archive.extractfile(member)
            if extracted is None:
                raise ValueError(f"{ENGINE_NAME} {ENGINE_VERSION}: {member} is missing from the package")
            (staging / name).write_bytes(extracted.read())
    shutil.rmtree(folder, ignore_errors=True)
    staging.rename(folder)


def install_engine(folder: Path | None = None) -> Path:
    folder = folder or ENGINE_DIR
    if all((folder / name).is_file() for name in ENGINE_FILES.values()):
        return folder
    url = tarball_url()
    log.info("downloading %s %s from %s", ENGINE_NAME, ENGINE_VERSION, url)
    with urllib.request.urlopen(url, timeout=120) as response:
        unpack_engine(response.read(), folder)
    return folder


def engine_files(folder: Path | None = None) -> dict[str, bytes] | None:
    """{site path: bytes} of the installed engine, or None when it is not installed."""
    folder = folder or ENGINE_DIR
    paths = {f"{ENGINE_ASSETS}/{name}": folder / name for name in ENGINE_FILES.values()}
    if not all(path.is_file() for path in paths.values()):
        return None
    return {site_path: path.read_bytes() for site_path, path in sorted(paths.items())}
