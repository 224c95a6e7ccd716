"""Images of the printed rows of a scanned report where a reader needs them: a row read by OCR
that holds an uncertain number, a number OCR's look-alikes were decided for (ocr-corrected), or a
number in a failed check. Each is cut from the original PDF at the row's position (its band
across the table, model.LinePosition), at build time, and published beside the report's page,
where the page shows it under its table, in a closed box that loads nothing until opened.
"""

from __future__ import annotations

import io
import posixpath
from dataclasses import dataclass
from pathlib import Path

from ..forms import TABLE_DIGITS
from ..model import Box, CellStatus, Report
from .search.text import stat_row_label

CROP_DPI = 110  # enough to read a printed number, small enough for a phone
CROP_MARGIN = 4.0  # points around the row's band: a scan's row may sit a little off its measure
JPEG_QUALITY = 60


@dataclass(frozen=True)
class RowCrop:
    table: str
    line: int
    page: int
    box: Box
    label: str  # the row's label, as the search index gives it (不予公开 · 属于国家秘密)
    why: str  # what makes the row worth seeing: 存疑, 经校正, 未通过核对

    def file_name(self, stem: str) -> str:
        """Beside the page: `2024.3-58.jpg` for table 三, source line 58 of the report `2024`."""
        return f"{stem}.{TABLE_DIGITS[self.table]}-{self.line}.jpg"


def rows_worth_seeing(report: Report) -> dict[tuple[str, str], str]:
    """(table, row) of the rows a reader should check against the scan, with the reason."""
    reasons: dict[tuple[str, str], str] = {}
    for finding in report.findings:
        if finding.table and finding.row and finding.code == "ocr-corrected":
            reasons.setdefault((finding.table, finding.row), "经校正")
        elif finding.table and finding.row and finding.is_check:
            reasons.setdefault((finding.table, finding.row), "未通过核对")
    for table in report.statistics:
        for cell in table.cells:
            if cell.status == CellStatus.UNCERTAIN:
                reasons[(table.number, cell.row)] = "存疑"
    return reasons


def row_crops(report: Report) -> list[RowCrop]:
    """The rows of the report's OCR pages worth an image, in table and line order, one per line."""
    if not report.ocr_pages or report.source.media_type != "application/pdf":
        return []
    reasons = rows_worth_seeing(report)
    crops: dict[tuple[str, int], RowCrop] = {}
    for table in report.statistics:
        positions = {position.line: position for position in table.positions}
        for cell in table.cells:
            why = reasons.get((table.number, cell.row))
            position = positions.get(cell.line or 0)
            if why is None or position is None or position.page not in report.ocr_pages:
                continue
            label = stat_row_label(table, cell.row)
            crop = RowCrop(table.number, position.line, position.page, position.box, label, why)
            crops.setdefault((table.number, position.line), crop)
    return list(crops.values())


def crop_region(box: Box, width: float, height: float) -> tuple[float, float, float, float]:
    """pypdfium2's crop (points cut from the left, bottom, right and top) that leaves the box and
    its margin."""
    left, top, right, bottom = box
    return (
        max(0.0, left - CROP_MARGIN),
        max(0.0, height - bottom - CROP_MARGIN),
        max(0.0, width - right - CROP_MARGIN),
        max(0.0, top - CROP_MARGIN),
    )


def render_crops(pdf: Path, crops: list[RowCrop], page_path: str) -> dict[str, bytes]:
    """{content path (crop_paths): JPEG bytes} of each row of the page's report, cut from the PDF."""
    import pypdfium2

    images = {}
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        for crop, path in zip(crops, crop_paths(page_path, crops), strict=True):
            page = document[crop.page - 1]
            region = crop_region(crop.box, *page.get_size())
            bitmap = page.render(scale=CROP_DPI / 72, crop=region, grayscale=True)
            buffer = io.BytesIO()
            bitmap.to_pil().save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True)
            images[path] = buffer.getvalue()
    finally:
        document.close()
    return images


def crop_paths(page_path: str, crops: list[RowCrop]) -> list[str]:
    """Where a page's row images are published (content paths, beside the page)."""
    stem = posixpath.splitext(page_path)[0]
    folder, name = posixpath.split(stem)
    return [posixpath.join(folder, crop.file_name(name)) for crop in crops]
