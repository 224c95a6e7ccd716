"""Each report page rendered once: what a report's files were made from is kept beside them, and a
rebuild that would make them from the same things links the previous build's files instead.

A report's page, JSON, original and search record are made from the report (with what planning
added), its place in the archive (its page, and its agency's other pages, which the page lists)
and the code and templates that render them. The hash of all of these — the report as its JSON
(every field of the model; made for the site anyway, where its repr cost as much again), the
page as its repr and what it shows of its agency, the code as bytes — is written beside the page
in a dotfile (MkDocs leaves dotfiles out of the site), on the file's first line; the report's
search record follows it, as the index's input is not part of content/ (one file, not two: a
large build makes a file per report fewer). When the previous build's hash is the same, its files are linked into
the new content folder (outputs.link), keeping their time, so MkDocs' dirty build does not render
the page either.

The JSON (sorted keys) and the repr of the model's dataclasses are their value, field by field (a
pickle would also depend on which objects happen to be shared), so the hash is the same in every
process and every build.
"""

from __future__ import annotations

import hashlib
import posixpath
import shutil
from functools import lru_cache
from pathlib import Path

from .conversion_cache import library_version
from .outputs import link
from .site.archive import AgencyEntry, ReportPage

PACKAGE = Path(__file__).resolve().parent
TEMPLATES = PACKAGE.parent / "templates"
RENDERER_LIBRARIES = ("jinja2", "pyyaml", "pypinyin")


@lru_cache(maxsize=1)
def renderer_version() -> str:
    """The hash of every module of the package and every template (a change anywhere renders
    every page again: simpler than knowing which code a page went through)."""
    digest = hashlib.sha256()
    files = sorted([*PACKAGE.rglob("*.py"), *PACKAGE.glob("data/*"), *(p for p in TEMPLATES.rglob("*") if p.is_file())])
    for path in files:
        digest.update(path.relative_to(PACKAGE.parent).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for name in RENDERER_LIBRARIES:
        digest.update(f"{name}=={library_version(name)}\0".encode())
    return digest.hexdigest()


def render_key(report_json: str, page: ReportPage, agency: AgencyEntry, options: tuple[object, ...]) -> str:
    """The hash of what a report's files are made from: the report as its JSON (every field of
    the model, and the file the page links to anyway), its page as its repr, what the page shows
    of its agency (agency_view), and `options`, the plan's switches."""
    digest = hashlib.sha256(renderer_version().encode())
    digest.update(b"\0" + report_json.encode("utf-8") + b"\0")
    digest.update(repr((page, agency_view(agency), options)).encode("utf-8"))
    return digest.hexdigest()


def agency_view(agency: AgencyEntry) -> tuple[object, ...]:
    """What a report's page takes from its agency (pages/report.py: its name and page, and the
    year and page of its other reports, for the links to the years before and after), not the
    repr of every other report, which cost more than the rest of the key. Any change of what
    the page takes is a change of the code, which renders every page again (renderer_version)."""
    return agency.id, agency.name, agency.path, [(p.path, p.report.year) for p in agency.pages]


def beside(page: ReportPage, suffix: str) -> str:
    """A dotfile beside the page's Markdown (`reports/…/.2023.md.rendered`)."""
    folder, name = posixpath.split(page.path)
    return posixpath.join(folder, f".{name}{suffix}")


def rendered_path(page: ReportPage) -> str:
    return beside(page, ".rendered")


KEY_LINE_SIZE = 65  # a sha256 in hex and a line end


def rendered_bytes(key: str, record: bytes = b"") -> bytes:
    """The dotfile: the key on the first line, then the search record (search/record.py), if any."""
    return key.encode("ascii") + b"\n" + record


def made_with(path: Path, key: str) -> bool:
    """Whether a rendered file holds this key."""
    try:
        with path.open("rb") as handle:
            return handle.read(KEY_LINE_SIZE) == key.encode("ascii") + b"\n"
    except OSError:
        return False


def reuse_previous(previous: Path, out: Path, page: ReportPage, key: str, names: list[str]) -> bool:
    """Link a page's files (`names`, below the content folder, and its rendered file) from the
    previous build when it made them from the same things. False when there is nothing to reuse,
    and then nothing was linked."""
    if not made_with(previous / rendered_path(page), key):
        return False
    every = [*names, rendered_path(page)]
    if not all((previous / name).is_file() for name in every):
        return False
    for name in every:
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        if not link(previous / name, out / name):
            shutil.copyfile(previous / name, out / name)
    return True
