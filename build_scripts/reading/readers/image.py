"""Reader for reports published as images of their pages: a TIFF of one or more pages, a PNG or
JPEG of a one-page report, or a folder named `….pages` holding one image file per page (read in
the order of their names, page 2 before page 10). Each page is read as a scanned PDF page is
(scan.py), after the same bounds:
an image declaring more pixels than any scan is refused before it is decoded, and a large page is
scaled down to the OCR resolution's size.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import replace
from pathlib import Path

from ...model import Report, SourceFile
from ..checks import resolve_ocr_readings
from .common import ReportError, lines_to_report, placed_to_lines, sha256_of
from .ocr import OCR_DPI
from .pdf_bounds import MAX_IMAGE_PIXELS, MAX_RENDER_PIXELS
from .rereading import Rereader

log = logging.getLogger(__name__)

# What an image file is, told by its first bytes (a file's name can lie: a PNG saved as .pdf).
IMAGE_SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": ("image/png", "PNG"),
    b"\xff\xd8\xff": ("image/jpeg", "JPEG"),
    b"II*\x00": ("image/tiff", "TIFF"),
    b"MM\x00*": ("image/tiff", "TIFF"),
}


def image_kind(head: bytes) -> tuple[str, str] | None:
    """(media type, name) of an image file from its first bytes, or None if it is not one."""
    return next((kind for magic, kind in IMAGE_SIGNATURES.items() if head.startswith(magic)), None)


# A page is read at the density the PDF path renders scans at (an A4 page at OCR_DPI): a 150-dpi
# scan is enlarged to it (the geometry's sizes assume it), a larger one reduced.
OCR_PAGE_PIXELS = round(8.27 * 11.69 * OCR_DPI**2)


def ocr_scale(width: int, height: int) -> float:
    scale = (OCR_PAGE_PIXELS / max(1, width * height)) ** 0.5
    scale = min(scale, (MAX_RENDER_PIXELS / max(1, width * height)) ** 0.5, 3.0)
    return 1.0 if 0.9 <= scale <= 1.1 else scale


def page_arrays(path: Path) -> list:
    """Each page of the image as a grey array for OCR, at most MAX_RENDER_PIXELS."""
    from PIL import Image, ImageSequence, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = None  # the bound is checked below, with the reader's own message
    try:
        image = Image.open(path)  # reads the header only: nothing is decoded yet
    except (UnidentifiedImageError, OSError) as error:
        raise ReportError(f"not a readable image (damaged or truncated): {type(error).__name__}") from None
    width, height = image.size
    if width * height > MAX_IMAGE_PIXELS:
        raise ReportError(f"图像为 {width:,} × {height:,} 像素，大于任何扫描件，未做 OCR")
    import numpy

    pages = []
    try:
        for frame in ImageSequence.Iterator(image):
            page = frame.convert("L")
            scale = ocr_scale(page.width, page.height)
            if scale != 1:
                page = page.resize((round(page.width * scale), round(page.height * scale)), Image.Resampling.LANCZOS)
            pages.append(numpy.asarray(page))
    except (OSError, ValueError) as error:
        raise ReportError(f"not a readable image (damaged or truncated): {type(error).__name__}") from None
    return pages


def pages_to_report(name: str, pages: list, source: SourceFile) -> Report:
    """The report that page images (grey arrays) show, read as scanned pages are."""
    from .scan import read_scanned_pages

    log.info("%s: OCR of %d image page(s)", name, len(pages))
    # Positions are given in PDF points (model.LinePosition); an image's pixels have no such page.
    pages_read = [[replace(line, box=None) for line in page] for page in read_scanned_pages(pages)]
    lines, images = placed_to_lines(pages_read)
    if not any(line.text.strip() for line in lines):
        raise ReportError("image has no text that OCR can read")
    report = lines_to_report(lines, source)
    report.ocr_pages = list(range(1, len(pages) + 1))
    resolve_ocr_readings(report, Rereader(images))
    return report


def read_image_report(path: Path, display_path: str) -> Report:
    data = path.read_bytes()
    kind = image_kind(data[:16])
    if kind is None:
        raise ReportError(f"not an image: its content is not PNG, JPEG or TIFF (named {path.suffix})")
    pages = page_arrays(path)
    source = SourceFile(path=display_path, sha256=sha256_of(data), size=len(data), media_type=kind[0], pages=len(pages))
    return pages_to_report(path.name, pages, source)


# A report scanned as one image file per page: its pages in a folder named like this.
PAGE_FOLDER_SUFFIX = ".pages"
MAX_PAGE_FILES = 200  # more pages than any report has


def is_page_folder(path: Path) -> bool:
    return path.suffix.lower() == PAGE_FOLDER_SUFFIX and path.is_dir() and not path.is_symlink()


def natural_key(name: str) -> list:
    """Page 2 before page 10: runs of digits compared as numbers."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def page_files(folder: Path) -> list[Path]:
    """The page images of a page folder in page order, or a ReportError that says what is wrong."""
    entries = sorted(
        (entry for entry in folder.iterdir() if not entry.name.startswith(".")), key=lambda e: natural_key(e.name)
    )
    if not entries:
        raise ReportError("empty file: the page folder holds no page images")
    if len(entries) > MAX_PAGE_FILES:
        raise ReportError(
            f"the page folder holds {len(entries)} files, more than any report's pages ({MAX_PAGE_FILES})"
        )
    for entry in entries:
        if entry.is_symlink() or not entry.is_file():
            raise ReportError(f"the page folder holds {entry.name}, which is not a file")
        with entry.open("rb") as file:
            if image_kind(file.read(16)) is None:
                raise ReportError(f"the page folder holds {entry.name}, which is not a PNG, JPEG or TIFF image")
    return entries


def folder_digest(files: list[Path]) -> tuple[str, int]:
    """The SHA-256 of a page folder (each page's name and bytes, in order) and its size in bytes."""
    digest = hashlib.sha256()
    size = 0
    for path in files:
        data = path.read_bytes()
        digest.update(path.name.encode() + b"\0" + len(data).to_bytes(8, "big") + data)
        size += len(data)
    return digest.hexdigest(), size


def read_page_folder_report(path: Path, display_path: str) -> Report:
    files = page_files(path)
    pages = [array for file in files for array in page_arrays(file)]
    sha256, size = folder_digest(files)
    with files[0].open("rb") as file:
        media_type = (image_kind(file.read(16)) or ("image/png", ""))[0]
    source = SourceFile(path=display_path, sha256=sha256, size=size, media_type=media_type, pages=len(pages))
    return pages_to_report(path.name, pages, source)


def zip_page_folder(folder: Path, target: Path) -> None:
    """A page folder published as one download: its pages in a zip, the same bytes on every build
    (names in page order, a fixed date, stored: the images are compressed already)."""
    import zipfile

    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_STORED) as archive:
        for path in page_files(folder):
            info = zipfile.ZipInfo(path.name, date_time=(1980, 1, 1, 0, 0, 0))
            archive.writestr(info, path.read_bytes())
