"""OCR for PDF pages without a usable text layer (scans, CID garbage).

RapidOCR on ONNX Runtime, on the CPU, with the models that ship inside the PyPI package: nothing
is downloaded at run time. The recognised text boxes are grouped into lines by their vertical
position; a table row becomes one line of space-separated cells, which the text path parses.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from statistics import median

from .pdf_bounds import render_scale

log = logging.getLogger(__name__)

RENDER_SCALE = 3.0  # 216 dpi: small table digits of a 150-dpi scan are read reliably (tried 1, 1.5, 2, 3)
MIN_SCORE = 0.5


@dataclass(frozen=True)
class TextBox:
    """One piece of recognised text and where it stands on the page (pixels)."""

    left: float
    top: float
    bottom: float
    text: str

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


@lru_cache(maxsize=1)
def ocr_engine():
    """The OCR engine, loaded once (its models load from the installed package)."""
    from rapidocr_onnxruntime import RapidOCR

    logging.getLogger("RapidOCR").setLevel(logging.WARNING)
    return RapidOCR()


def result_to_boxes(result: list | None) -> list[TextBox]:
    """RapidOCR's [(corner points, text, score)] as boxes, leaving out what it is unsure of."""
    boxes = []
    for points, text, score in result or []:
        if float(score) < MIN_SCORE or not text.strip():
            continue
        xs = [point[0] for point in points]
        ys = [point[1] for point in points]
        boxes.append(TextBox(min(xs), min(ys), max(ys), text.strip()))
    return boxes


def boxes_to_lines(boxes: list[TextBox]) -> list[tuple[float, str]]:
    """Boxes on one visual line, left to right, joined by spaces; lines top to bottom."""
    if not boxes:
        return []
    tolerance = median(box.bottom - box.top for box in boxes) / 2
    lines: list[list[TextBox]] = []
    for box in sorted(boxes, key=lambda box: box.middle):
        if lines and abs(box.middle - median(b.middle for b in lines[-1])) <= tolerance:
            lines[-1].append(box)
        else:
            lines.append([box])
    return [(min(b.top for b in line), " ".join(b.text for b in sorted(line, key=lambda b: b.left))) for line in lines]


def ocr_image(image) -> list[tuple[float, str]]:
    """The lines of a page image (an RGB array), top to bottom; tops in pixels."""
    result, _ = ocr_engine()(image)
    return boxes_to_lines(result_to_boxes(result))


def ocr_pdf_page(document, index: int) -> list[tuple[float, str]]:
    """The lines of page `index` of a pypdfium2 document, read from its image; tops in PDF points."""
    page = document[index]
    scale = render_scale(*page.get_size(), RENDER_SCALE)  # a huge page is rendered smaller
    return [(top / scale, text) for top, text in ocr_image(page.render(scale=scale).to_numpy())]
