"""Reader for reports published as PDF with a text layer.

The page text and pdfplumber's ruled tables are merged in reading order into numbered lines: a
row of a ruled table becomes one line of tab-separated cells (so the text pipeline reads it as a
grid, with merged cells left blank and vertical header text joined), everything else stays text.
Page numbers and running headers and footers are dropped. Where a table has no ruling, its rows
arrive as text split at spaces and the text path parses them.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from ...model import Box, Finding, Report, Severity, SourceFile
from ..checks import resolve_ocr_readings
from ..parsing import Line
from .common import (
    OLE_MAGIC,
    LineImages,
    PlacedLine,
    ReportError,
    cell_text,
    is_table_row,
    lines_to_report,
    placed_to_lines,
    sha256_of,
)
from .ocr import OCR_SCALE
from .pdf_bounds import bound_pdfminer_inflation, is_blank, oversized_image, render_scale
from .rereading import Rereader

log = logging.getLogger(__name__)
# pdfminer logs "Could not get FontBBox" for every Type 3 glyph; it says nothing about the report.
logging.getLogger("pdfminer").setLevel(logging.ERROR)

# Text layers that are garbage: CID codes that no font maps, or replacement characters.
CID = re.compile(r"\(cid:\d+\)")


def type3_font_box(spec) -> list[float]:
    """The box a Type 3 font's glyphs stand in, when the font leaves it out: one em of its glyph
    space (the inverse of its FontMatrix), a fifth of it below the baseline."""
    from pdfminer.pdftypes import list_value, resolve1

    matrix = [float(resolve1(value)) for value in list_value(spec.get("FontMatrix", [0.001, 0, 0, 0.001, 0, 0]))]
    em = 1 / abs(matrix[3]) if len(matrix) == 6 and matrix[3] else 1000.0
    return [0.0, -0.2 * em, em, 0.8 * em]


def read_type3_fonts_without_box() -> None:
    """pdfminer fails a whole page on a Type 3 font without the FontBBox the format requires (some
    tools that print reports leave it out); give such a font its glyph space's em instead, so its
    characters have a height and land in their table cells. Idempotent."""
    from pdfminer import pdffont

    if getattr(pdffont.PDFType3Font, "box_supplied", False):
        return
    original = pdffont.PDFType3Font.__init__

    def init(self, rsrcmgr, spec) -> None:
        if "FontBBox" not in spec and "FontDescriptor" not in spec:
            spec = {**spec, "FontBBox": type3_font_box(spec)}
        original(self, rsrcmgr, spec)

    pdffont.PDFType3Font.__init__ = init
    pdffont.PDFType3Font.box_supplied = True


def open_pdf(path: Path):
    """pdfplumber's document, or a ReportError that says what is wrong with the file."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    bound_pdfminer_inflation()
    read_type3_fonts_without_box()
    try:
        pdf = pdfplumber.open(path)
        pages = len(pdf.pages)
    except Exception as error:  # pdfminer raises many kinds of errors on broken files
        # pdfplumber wraps pdfminer's exception; the wrapped one says what is wrong.
        cause = error.args[0] if error.args and isinstance(error.args[0], Exception) else error
        if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError):
            raise ReportError("PDF is encrypted and cannot be opened without its password") from error
        if isinstance(cause, PDFSyntaxError):
            raise ReportError(f"not a readable PDF (truncated or damaged): {cause}") from error
        raise ReportError(f"not a readable PDF: {type(cause).__name__}: {cause}") from error
    if pages == 0:
        pdf.close()
        raise ReportError("PDF has no pages")
    return pdf


# How far (points) a ruling may run past another, or stop short of it, and still meet it.
OPEN_END = 3.0


def horizontal_rule(left: float, right: float, y: float) -> dict:
    """A rule as pdfplumber's table finder takes one (an explicit line)."""
    return {"object_type": "line", "x0": left, "x1": right, "top": y, "bottom": y, "width": right - left}


def vertical_rulings_within(page, box: tuple) -> list[dict]:
    """The page's vertical rulings that reach into a box. A rule drawn as a thin rectangle also has
    sides a fraction of a point long: those are not rulings."""
    left, top, right, bottom = box
    return [
        e
        for e in page.edges
        if e["orientation"] == "v"
        and e["height"] > OPEN_END
        and left - 1 <= e["x0"] <= right + 1
        and e["bottom"] >= top - 1
        and e["top"] <= bottom + 1
    ]


def implied_rulings(page, table) -> list[dict]:
    """Horizontal rules a table's vertical rulings imply but the page does not draw: a table
    continued from the page before is often printed without its top rule (Chromium, Word), and
    without one its first row is no row at all; the same holds for a last row without its bottom
    rule. Vertical rulings that run past the first or last horizontal one close the table there."""
    left, top, right, bottom = table.bbox
    verticals = vertical_rulings_within(page, table.bbox)
    if not verticals:
        return []
    ends = (min(e["top"] for e in verticals), max(e["bottom"] for e in verticals))
    return [horizontal_rule(left, right, y) for y in ends if y < top - OPEN_END or y > bottom + OPEN_END]


def statistical_tables(page) -> list:
    """The page's ruled tables that have more than one column, with the rules a page break left out
    put back (implied_rulings)."""
    tables = page.find_tables()
    implied = [line for table in tables for line in implied_rulings(page, table)]
    if implied:
        tables = page.find_tables({"explicit_horizontal_lines": implied})
    return [table for table in tables if table.rows and len(table.rows[0].cells) > 1]


def rounded_box(box: tuple) -> Box:
    return tuple(round(float(edge), 1) for edge in box)  # type: ignore[return-value]


def row_band(table, row) -> Box:
    """A table row's band across its table: from the row's top to the bottom of its shortest cell
    (a cell merged down over the rows below would stretch the row's own box over them)."""
    bottom = min(cell[3] for cell in row.cells if cell is not None)
    return rounded_box((table.bbox[0], row.bbox[1], table.bbox[2], bottom))


def page_lines(page) -> list[PlacedLine]:
    """The lines of one page in reading order: text outside tables, and table rows as cell lines."""
    tables = statistical_tables(page)
    placed: list[PlacedLine] = []
    outside = page
    for table in tables:
        rows = table.extract()
        for row_cells, row in zip(rows, table.rows, strict=True):
            cells = [cell_text(cell) for cell in row_cells]
            top, box = row.bbox[1], row_band(table, row)
            if is_table_row([None if cell is None else text for cell, text in zip(row_cells, cells, strict=True)]):
                placed.append(PlacedLine(top, "\t".join(cells), ruled=True, box=box))
            else:
                for offset, text in enumerate(" ".join(cell for cell in row_cells if cell).split("\n")):
                    placed.append(PlacedLine(top + offset * 0.01, text.strip(), ruled=False, box=box))
        outside = outside.outside_bbox(table.bbox)
    for line in outside.extract_text_lines():
        box = rounded_box((line["x0"], line["top"], line["x1"], line["bottom"]))
        placed.append(PlacedLine(line["top"], line["text"], ruled=False, box=box))
    return sorted(placed, key=lambda line: line.top)


def looks_garbled(text: str) -> bool:
    """A text layer of CID codes or replacement characters, which no reader can use."""
    if not text.strip():
        return False
    bad = len(CID.findall(text)) * 5 + text.count("\ufffd")
    return bad > 0.2 * len(text)


def needs_ocr(lines: list[PlacedLine]) -> bool:
    text = "\n".join(line.text for line in lines)
    return not text.strip() or looks_garbled(text)


def ocr_lines(path: Path, indexes: list[int]) -> dict[int, list[PlacedLine]]:
    """Lines read by OCR from the images of the given pages (tops in PDF points), the pages in
    parallel."""
    import pypdfium2

    from .scan import read_scanned_pages

    document = pypdfium2.PdfDocument(str(path))
    try:
        scales = [render_scale(*document[index].get_size(), OCR_SCALE) for index in indexes]
        images = [
            document[index].render(scale=scale, grayscale=True).to_numpy()
            for index, scale in zip(indexes, scales, strict=True)
        ]
    finally:
        document.close()
    pages = read_scanned_pages(images)
    # A row's box is measured on the straightened page: within a degree or two of the page's own.
    return {
        index: [
            PlacedLine(line.top / scale, line.text, line.ruled, line.images, points(line.box, scale)) for line in lines
        ]
        for index, scale, lines in zip(indexes, scales, pages, strict=True)
    }


def points(box: Box | None, scale: float) -> Box | None:
    """A box in a rendered page's pixels as PDF points."""
    return None if box is None else rounded_box(tuple(edge / scale for edge in box))


def pages_for_ocr(pdf, pages: list[list[PlacedLine]]) -> tuple[list[int], list[str]]:
    """The pages (indexes) that need OCR and can have it, and why others that need it cannot.
    Pages that draw nothing are neither: there is nothing to read on them."""
    wanted, refused = [], []
    for index, lines in enumerate(pages):
        page = pdf.pages[index]
        if not needs_ocr(lines) or is_blank(page):
            continue
        reason = oversized_image(page)
        if reason:
            refused.append(f"第 {index + 1} 页：{reason}，未做 OCR")
        else:
            wanted.append(index)
    return wanted, refused


def pdf_to_lines(pdf, path: Path) -> tuple[list[Line], LineImages, list[int], list[str]]:
    """Numbered lines of the whole document, furniture removed, the cell images of its scanned table
    rows, the pages that needed OCR, and the pages OCR was refused for (with the reason)."""
    pages = [page_lines(page) for page in pdf.pages]
    scanned, refused = pages_for_ocr(pdf, pages)
    if scanned:
        log.info("%s: OCR of %d page(s) without a usable text layer", path.name, len(scanned))
        for index, lines in ocr_lines(path, scanned).items():
            pages[index] = lines
    if not any(line.text.strip() for lines in pages for line in lines):
        if refused:
            raise ReportError(f"PDF has no text layer, and OCR was refused: {'; '.join(refused[:3])}")
        if not scanned:
            raise ReportError(f"PDF has no text: its {len(pages)} page(s) are blank")
        raise ReportError("PDF has no text, not even by OCR")
    lines, images = placed_to_lines(pages)
    return lines, images, [index + 1 for index in scanned], refused


# What a file named .pdf is when it is not one, told by its first bytes.
NOT_PDF_SIGNATURES = (
    (b"PK\x03\x04", "a zip archive (a Word .docx, or another zipped file)"),
    (OLE_MAGIC[:4], "a Word 97–2003 or WPS document"),
    (b"<", "a web page or other markup"),
    (b"{\\rtf", "an RTF document"),
)


def not_a_pdf(head: bytes) -> str | None:
    """Why a file is not a PDF, when its first bytes say so (a PDF may have bytes before %PDF)."""
    if b"%PDF" in head:
        return None
    stripped = head.lstrip()
    kind = next((name for magic, name in NOT_PDF_SIGNATURES if stripped.startswith(magic)), None)
    return f"not a PDF: {kind}" if kind else "not a PDF: no %PDF header in its first bytes"


def read_pdf_report(path: Path, display_path: str) -> Report:
    data = path.read_bytes()
    problem = not_a_pdf(data[:1024])
    if problem:
        raise ReportError(problem)
    pdf = open_pdf(path)
    try:
        lines, images, ocr_pages, ocr_refused = pdf_to_lines(pdf, path)
        page_count = len(pdf.pages)
    finally:
        pdf.close()
    source = SourceFile(
        path=display_path,
        sha256=sha256_of(data),
        size=len(data),
        media_type="application/pdf",
        pages=page_count,
    )
    report = lines_to_report(lines, source)
    report.add_findings([Finding("ocr-refused", Severity.WARNING, reason) for reason in ocr_refused])
    if ocr_pages:
        report.ocr_pages = ocr_pages
        resolve_ocr_readings(report, Rereader(images))
    return report
