"""Reader for reports published as images of their pages: a PNG or JPEG per page, or a TIFF of one
or more pages. Each page is read as a scanned PDF page is (scan.py), after the same bounds:
an image declaring more pixels than any scan is refused before it is decoded, and a large page is
scaled down to the OCR resolution's size.
"""

from __future__ import annotations

import logging
from pathlib import Path

from ...model import Report, SourceFile
from ..checks import resolve_ocr_readings
from ..parsing import Line
from .common import LineImages, ReportError, lines_to_report, placed_to_lines, sha256_of
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


def image_lines(pages: list) -> tuple[list[Line], LineImages]:
    from .scan import read_scanned_pages

    return placed_to_lines(read_scanned_pages(pages))


def read_image_report(path: Path, display_path: str) -> Report:
    data = path.read_bytes()
    kind = image_kind(data[:16])
    if kind is None:
        raise ReportError(f"not an image: its content is not PNG, JPEG or TIFF (named {path.suffix})")
    pages = page_arrays(path)
    log.info("%s: OCR of %d image page(s)", path.name, len(pages))
    lines, images = image_lines(pages)
    if not any(line.text.strip() for line in lines):
        raise ReportError("image has no text that OCR can read")
    source = SourceFile(path=display_path, sha256=sha256_of(data), size=len(data), media_type=kind[0], pages=len(pages))
    report = lines_to_report(lines, source)
    report.ocr_pages = list(range(1, len(pages) + 1))
    resolve_ocr_readings(report, Rereader(images))
    return report
