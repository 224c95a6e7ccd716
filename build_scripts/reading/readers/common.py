"""What every reader shares: decoding, hashing, and assembling a Report from numbered lines."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ...model import Box, Report, SourceFile
from ..assemble import report_from_lines
from ..parsing import Line, is_page_furniture, normalize_radicals

# In a ruled table, a row with one filled cell is a row of the table only when it is one of the
# form's own item headings; otherwise it is a line of prose that a page frame happens to enclose.
TABLE_HEADING_CELL = re.compile(r"^第.{1,4}条第.{1,6}项$")
NUMBER_CELL = re.compile(r"^[+-]?[\d,.]+$")


# A source with none of the three tables is published (with findings) only when it has most of the
# six sections: a report whose tables are images; fewer is a page that merely mentions a report.
MIN_SECTIONS_WITHOUT_TABLES = 4


@dataclass(frozen=True)
class PlacedLine:
    """A line of a page with its vertical position, so text and table rows can be merged in order;
    a ruled line is a table row, its cells separated by tabs."""

    top: float
    text: str
    ruled: bool
    # A scanned table row's cell images, one per position (None where there is none to read
    # again), so a number that breaks the form's rules can be read again (rereading.py).
    images: tuple = field(default=(), compare=False, repr=False)
    box: Box | None = field(default=None, compare=False)  # left, top, right, bottom (a text layer's)


# The images of scanned table rows by line number, for reading a cell again.
LineImages = dict[int, tuple]


class ReportError(Exception):
    """A source that cannot become a report; the message says why, for the build report."""


# A report's text is tens of kilobytes; a text source larger than this is not a report, and reading
# it would only make a page of megabytes.
# The first bytes of an OLE compound file: a Word 97–2003 .doc or a WPS .wps.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_TEXT_BYTES = 5 * 1024 * 1024


def read_text_bytes(path: Path) -> bytes:
    """The bytes of a text source (plain text, Markdown), refused past MAX_TEXT_BYTES."""
    size = path.stat().st_size
    if size > MAX_TEXT_BYTES:
        raise ReportError(
            f"text of {size / 2**20:.0f} MB is larger than any report ({MAX_TEXT_BYTES // 2**20} MB at most)"
        )
    return path.read_bytes()


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def decode_report_bytes(data: bytes) -> str:
    """Text of a report in any encoding real sites use: UTF-8 (with or without BOM) or GB18030."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as error:
        raise ReportError(f"text is neither UTF-8 nor GB18030 (byte {error.start})") from error


def lines_to_report(lines: list[Line], source: SourceFile) -> Report:
    report = report_from_lines(lines, source)
    if report is None:
        raise ReportError("no report title (…年政府信息公开工作年度报告) found near the top")
    if not report.sections:
        raise ReportError("none of the six numbered sections (一、总体情况 …) found")
    if not report.statistics and len(report.sections) < MIN_SECTIONS_WITHOUT_TABLES:
        found = "、".join(section.title for section in report.sections)
        raise ReportError(
            f"not a report: no statistical table and only {len(report.sections)} of the six sections ({found})"
        )
    return report


def cell_text(cell: str | None) -> str:
    """A cell's text on one line: wrapped labels and vertical header text (三/、/本/年…) joined."""
    if not cell:
        return ""
    parts = [part.strip() for part in cell.split("\n")]
    return re.sub(r"(?<=[\u3400-\u9fff、（）()])\s+(?=[\u3400-\u9fff、（）()])", "", " ".join(parts)).strip()


def is_table_row(cells: list[str | None]) -> bool:
    """A row of a statistical table, rather than a paragraph or heading caught in a page frame.
    `cells` are the row's texts, None where a merged cell from the left or above covers the position:
    a row whose only text stands beside empty cells of its own is a row of the form left blank."""
    filled = [cell for cell in cells if cell]
    if len(filled) >= 2:
        return True
    if not filled:
        return False
    text = re.sub(r"\s+", "", filled[0])
    empty_cells = sum(1 for cell in cells if cell is not None and not cell)
    return bool(TABLE_HEADING_CELL.match(text) or NUMBER_CELL.match(text)) or empty_cells >= 2


RUNNING_LINE_SHARE = 0.5
MIN_PAGES_FOR_RUNNING_LINES = 3


def comparable(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def running_lines(pages: list[list[PlacedLine]]) -> set[str]:
    """Lines that repeat at the top or bottom of most pages: running headers and footers."""
    if len(pages) < MIN_PAGES_FOR_RUNNING_LINES:
        return set()
    counts: Counter[str] = Counter()
    for lines in pages:
        edges = {comparable(line.text) for line in lines[:2] + lines[-2:] if not line.ruled}
        counts.update(edge for edge in edges if edge)
    return {text for text, count in counts.items() if count >= RUNNING_LINE_SHARE * len(pages)}


def placed_to_lines(pages: list[list[PlacedLine]]) -> tuple[list[Line], LineImages]:
    """Numbered lines of every page in order, radicals normalised, page furniture and running
    headers and footers removed; and the cell images of scanned table rows by line number."""
    running = running_lines(pages)
    lines: list[Line] = []
    images: LineImages = {}
    for page, placed in ((number, line) for number, page_lines in enumerate(pages, 1) for line in page_lines):
        text = normalize_radicals(placed.text)
        candidate = Line(0, text)
        if is_page_furniture(candidate) or (not placed.ruled and comparable(text) in running):
            continue
        lines.append(Line(len(lines) + 1, text, page, ruled=placed.ruled, box=placed.box))
        if placed.images:
            images[len(lines)] = placed.images
    return lines, images
