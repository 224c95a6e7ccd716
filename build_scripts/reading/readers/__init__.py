"""One reader per input format, chosen by the file's type; each returns the same `Report`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ...model import Report
from ..provenance import apply_sidecar
from .common import ReportError
from .html import read_html_report
from .image import image_kind, is_page_folder, read_image_report, read_page_folder_report
from .markdown import read_markdown_report
from .pdf import read_pdf_report
from .text import read_text_report
from .word import read_word_report

Reader = Callable[[Path, str], Report]

READERS: dict[str, Reader] = {
    ".txt": read_text_report,
    ".pdf": read_pdf_report,
    ".html": read_html_report,
    ".htm": read_html_report,
    ".shtml": read_html_report,
    ".md": read_markdown_report,
    ".markdown": read_markdown_report,
    ".docx": read_word_report,
    ".doc": read_word_report,
    ".wps": read_word_report,
    ".png": read_image_report,
    ".jpg": read_image_report,
    ".jpeg": read_image_report,
    ".tif": read_image_report,
    ".tiff": read_image_report,
}

# Formats that later readers will handle; until then they are reported, never silently skipped.
PLANNED = {".ofd": "OFD"}


def reader_for(path: Path) -> Reader:
    """The reader for a source file, by its content where that is unmistakable (an image saved
    under another name is read as the image it is), else by its name; or a ReportError that says
    why there is none. A folder named `….pages` is a report of one image file per page."""
    if is_page_folder(path):
        return read_page_folder_report
    with path.open("rb") as file:
        head = file.read(16)
    if not head:
        raise ReportError("empty file")
    if image_kind(head):
        return read_image_report
    suffix = path.suffix.lower()
    if suffix in READERS:
        return READERS[suffix]
    if suffix in PLANNED:
        raise ReportError(f"{PLANNED[suffix]} files are not supported yet (no reader for {suffix})")
    raise ReportError(f"unsupported file type {suffix or '(none)'}; supported: {', '.join(sorted(READERS))}")


def read_report(path: Path, display_path: str) -> Report:
    """Read one source file into a Report, or raise ReportError with the reason it cannot be read;
    the provenance in a sidecar file beside it (`<file>.meta.yaml`) is added."""
    report = reader_for(path)(path, display_path)
    apply_sidecar(report, path)
    return report


__all__ = ["READERS", "ReportError", "is_page_folder", "read_report", "reader_for"]
