"""Reading a scanned page: its tables cell by cell, its text line by line.

The page is measured first (scan_geometry.py: skew, rulings, cells, lines of text), then every
piece of text is cut out and recognised alone (ocr.recognise). A ruled table's row becomes one
line of tab-separated cells, exactly as a ruled table of a text PDF does (pdf.py), so the same
parser reads both; a cell without ink is blank and keeps its column, and a cell of a column of
numbers that OCR cannot read as one is marked unreadable (uncertain), never taken for a label.
"""

from __future__ import annotations

import logging
import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy

from ...model import CellStatus
from ..tables import UNREADABLE, lookalike_number, read_number, reads_as_number
from .common import PlacedLine, cell_text, is_table_row
from .ocr import Char
from .scan_geometry import (
    Box,
    Grid,
    GridCell,
    deskewed,
    grid_to_cells,
    ink_box,
    ink_of,
    masks_to_tables,
    ruling_masks,
    segments,
    significant,
    skew_angle,
    text_bands,
    to_gray,
    unit,
)

log = logging.getLogger(__name__)

# Sizes in points of an A4 page (turned into pixels by scan_geometry.unit).
LINE_HEIGHT = 16.0  # the ink of one line of body text at report sizes, with room to spare
SPECK = 3.0  # ink smaller than this both ways is dust, unless it stands beside text
PIECE_GAP = 2.0  # line heights of paper that split a line into pieces (a signature and its date)
PAD = 2.0  # paper kept around a piece of text cut out for the recogniser
INSET = 1.5  # a cell's edge left out, where its rulings' blur lies
MIN_SCORE = 0.5  # a line the recogniser is less sure of is noise (specks, a stamp's rim)
MAX_STRIP_CELL = 12  # a one-line cell longer than this many heights is read alone
VALUE_COLUMN_SHARE = 0.6  # a column of a table whose filled cells are mostly numbers holds values
WORDS = re.compile(r"[\u3400-\u9fff]{2}")  # two characters together: a header, not a misread number


@dataclass(frozen=True)
class Strip:
    """The one-line cells of a table row set side by side with paper between them, to be read as
    one line (the recogniser reads a lone digit far less surely than a line): the piece, and where
    each cell stands in it (column, left, right)."""

    piece: int
    cells: tuple[tuple[int, int, int], ...]
    gap: int


@dataclass(frozen=True)
class TableRow:
    """A row of a grid: its top, for each column the pieces of text of a cell of several lines
    starting there (None where a merged cell covers the position), and the strip of its cells of
    one line."""

    table: int
    top: float
    slots: tuple[tuple[int, ...] | None, ...]
    strip: Strip | None
    box: tuple[float, float, float, float] | None = None  # its band of the grid: left, top, right, bottom


@dataclass
class PageLayout:
    """What a page holds before recognition: the images of its pieces of text, and which piece
    goes where (a line of text is a list of pieces, a table row a list of cells)."""

    pieces: list[numpy.ndarray] = field(default_factory=list)
    lines: list[tuple[float, list[int]]] = field(default_factory=list)
    rows: list[TableRow] = field(default_factory=list)

    def add(self, images: list[numpy.ndarray]) -> tuple[int, ...]:
        start = len(self.pieces)
        self.pieces.extend(images)
        return tuple(range(start, len(self.pieces)))


@dataclass(frozen=True)
class Measures:
    """The page's sizes in pixels."""

    line_height: int
    pad: int
    inset: int
    speck: int
    piece_gap: int

    @classmethod
    def for_page(cls, scale: float) -> Measures:
        line_height = round(LINE_HEIGHT * scale)
        return cls(
            line_height,
            max(1, round(PAD * scale)),
            max(2, round(INSET * scale)),
            max(2, round(SPECK * scale)),
            round(PIECE_GAP * line_height),
        )


def crop(gray: numpy.ndarray, box: Box, pad: int) -> numpy.ndarray:
    height, width = gray.shape
    return gray[
        max(0, box.top - pad) : min(height, box.bottom + pad), max(0, box.left - pad) : min(width, box.right + pad)
    ]


def stacked_vertically(bands: list[tuple[int, int]], width: int, line_height: int) -> bool:
    """Text written top to bottom (a group label such as 三、本年度办理结果): three or more bands, each
    no taller than a character is wide."""
    return len(bands) >= 3 and width <= 1.6 * line_height and all(bottom - top <= 1.3 * width for top, bottom in bands)


def side_by_side(images: list[numpy.ndarray], gap: int) -> tuple[numpy.ndarray, list[tuple[int, int]]]:
    """Images set in one row, centred on one line, with `gap` of paper before, between and after
    them; and where each stands (left, right)."""
    height = max(image.shape[0] for image in images)
    paper = int(numpy.percentile(numpy.concatenate([image.ravel() for image in images]), 95))
    row = numpy.full((height, sum(image.shape[1] for image in images) + gap * (len(images) + 1)), paper, numpy.uint8)
    places, left = [], gap
    for image in images:
        top = (height - image.shape[0]) // 2
        row[top : top + image.shape[0], left : left + image.shape[1]] = image
        places.append((left, left + image.shape[1]))
        left += image.shape[1] + gap
    return row, places


def strip_of(cells: list[tuple[int, numpy.ndarray]]) -> tuple[numpy.ndarray, tuple[tuple[int, int, int], ...], int]:
    """One-line cells (column, image) set side by side on one line, paper between them."""
    gap = max(4, round(0.6 * max(image.shape[0] for _, image in cells)))
    strip, places = side_by_side([image for _, image in cells], gap)
    return strip, tuple((column, left, right) for (column, _), (left, right) in zip(cells, places, strict=True)), gap


def cell_pieces(gray: numpy.ndarray, ink: numpy.ndarray, box: Box, measures: Measures) -> list[numpy.ndarray]:
    """The images of the lines of text in a cell's box of ink, top to bottom (one image for text
    written top to bottom)."""
    local = ink[box.top : box.bottom, box.left : box.right]
    bands = text_bands(local, measures.line_height)
    if stacked_vertically(bands, box.width, measures.line_height):
        characters = [
            crop(gray, Box(box.left, box.top + top, box.right, box.top + bottom), measures.pad) for top, bottom in bands
        ]
        return [side_by_side(characters, 4)[0]]  # characters written top to bottom, read as a line
    images = []
    for top, bottom in bands:
        columns = numpy.flatnonzero(local[top:bottom].any(axis=0))
        piece = Box(box.left + int(columns[0]), box.top + top, box.left + int(columns[-1]) + 1, box.top + bottom)
        images.append(crop(gray, piece, measures.pad))
    return images


def cell_ink(ink: numpy.ndarray, box: Box, inset: int) -> Box | None:
    """The box of the ink inside a cell (its edges left out), or None for a blank cell."""
    inner = Box(box.left + inset, box.top + inset, box.right - inset, box.bottom - inset)
    if inner.width <= 0 or inner.height <= 0:
        return None
    found = ink_box(ink[inner.top : inner.bottom, inner.left : inner.right])
    if found is None:
        return None
    return Box(inner.left + found.left, inner.top + found.top, inner.left + found.right, inner.top + found.bottom)


def lay_out_table(
    layout: PageLayout, table: int, gray: numpy.ndarray, ink: numpy.ndarray, grid: Grid, masks, measures: Measures
) -> None:
    """Every cell of a grid cut out; a row of the layout per row of the grid, a merged cell's text
    in the first position it covers."""
    horizontal, vertical = masks
    slots: dict[tuple[int, int], tuple[int, ...] | None] = {}
    one_line: dict[int, list[tuple[int, numpy.ndarray]]] = {}
    for cell in grid_to_cells(grid, horizontal, vertical, unit(max(gray.shape))):
        for row in range(cell.row, cell.row + cell.row_span):
            for column in range(cell.column, cell.column + cell.column_span):
                slots[(row, column)] = None  # covered by the merged cell
        found = cell_ink(ink, cell.box, measures.inset)
        split = split_by_columns(gray, ink, grid, cell, found, measures) if found is not None else {}
        if split:  # a ruling lost between numbers (a faint scan): each number in its own column
            for column, image in split.items():
                slots[(cell.row, column)] = ()
                one_line.setdefault(cell.row, []).append((column, image))
            continue
        pieces = [] if found is None else cell_pieces(gray, ink, found, measures)
        if len(pieces) == 1 and pieces[0].shape[1] <= MAX_STRIP_CELL * pieces[0].shape[0]:
            one_line.setdefault(cell.row, []).append((cell.column, pieces[0]))
            slots[(cell.row, cell.column)] = ()
        else:
            slots[(cell.row, cell.column)] = layout.add(pieces)
    for row in range(len(grid.rows) - 1):
        cells = tuple(slots.get((row, column)) for column in range(len(grid.columns) - 1))
        strip = None
        if row in one_line:
            image, places, gap = strip_of(one_line[row])
            strip = Strip(layout.add([image])[0], places, gap)
        band = (float(grid.box.left), float(grid.rows[row]), float(grid.box.right), float(grid.rows[row + 1]))
        layout.rows.append(TableRow(table, float(grid.rows[row]), cells, strip, band))


def split_by_columns(
    gray: numpy.ndarray, ink: numpy.ndarray, grid: Grid, cell: GridCell, found: Box, measures: Measures
) -> dict[int, numpy.ndarray]:
    """A merged cell of one line whose pieces of text stand apart under different columns of the
    grid (the columns other rows' rulings draw): each piece, by the column its middle stands in.
    Empty when the cell is one piece of text, as a merged header or label is."""
    if cell.column_span < 2 or cell.row_span > 1:
        return {}
    local = ink[found.top : found.bottom, found.left : found.right]
    if len(text_bands(local, measures.line_height)) != 1:
        return {}
    pieces = segments(local, max(2, measures.line_height // 2))
    if len(pieces) < 2:
        return {}
    columns: dict[int, numpy.ndarray] = {}
    for left, right in pieces:
        middle = found.left + (left + right) / 2
        column = next(
            (
                c
                for c in range(cell.column, cell.column + cell.column_span)
                if grid.columns[c] <= middle < grid.columns[c + 1]
            ),
            None,
        )
        if column is None or column in columns:
            return {}  # two pieces in one column: words of one text, not numbers lost apart
        columns[column] = crop(gray, Box(found.left + left, found.top, found.left + right, found.bottom), measures.pad)
    return columns


def lay_out_text(layout: PageLayout, gray: numpy.ndarray, ink: numpy.ndarray, measures: Measures) -> None:
    """The lines of text outside the tables, each cut into its pieces."""
    for top, bottom in text_bands(ink, measures.line_height):
        pieces = [
            crop(gray, Box(left, top, right, bottom), measures.pad)
            for left, right in segments(ink[top:bottom], measures.piece_gap)
        ]
        layout.lines.append((float(top), list(layout.add(pieces))))


def ruling_halo(horizontal: numpy.ndarray, vertical: numpy.ndarray, reach: int) -> numpy.ndarray:
    """The rulings with the blur around them: a ruling's edge left in a cell reads as a character."""
    import cv2

    size = 2 * (reach // 2) + 1
    across_h = cv2.dilate(horizontal, numpy.ones((size, 1), numpy.uint8))
    across_v = cv2.dilate(vertical, numpy.ones((1, size), numpy.uint8))
    return across_h | across_v


def page_layout(gray: numpy.ndarray, ink: numpy.ndarray | None = None) -> PageLayout:
    """The pieces of text of a (deskewed) grey page and where each belongs; `ink` is the page's
    ink when it is known already."""
    scale = unit(max(gray.shape))
    measures = Measures.for_page(scale)
    ink = ink_of(gray) if ink is None else ink
    horizontal, vertical = ruling_masks(ink, scale)
    tables = masks_to_tables(horizontal, vertical, scale)
    text = significant(ink & ~ruling_halo(horizontal, vertical, measures.inset), measures.speck)
    layout = PageLayout()
    for index, grid in enumerate(tables):
        lay_out_table(layout, index, gray, text, grid, (horizontal, vertical), measures)
    outside = text.copy()
    for grid in tables:
        outside[grid.box.top : grid.box.bottom + 1, grid.box.left : grid.box.right + 1] = 0
    lay_out_text(layout, gray, outside, measures)
    return layout


def value_columns(rows: list[list[str]]) -> set[int]:
    """Columns of a table whose filled cells are mostly numbers."""
    columns = set()
    for column in range(max((len(row) for row in rows), default=0)):
        filled = [row[column] for row in rows if column < len(row) and row[column]]
        numbers = sum(1 for text in filled if reads_as_number(text))
        if numbers >= 2 and numbers >= VALUE_COLUMN_SHARE * len(filled):
            columns.add(column)
    return columns


def value_text(text: str, score: float) -> str:
    """A cell of a column of numbers as the parser should see it: a number, a blank mark, a label
    (the column's header), digit look-alikes (decided later by the rules), or marked unreadable
    (a number read with too little confidence, or not read as one)."""
    if not text:
        return UNREADABLE  # ink that the recogniser read nothing from
    if WORDS.search(text):
        return text
    if score >= MIN_SCORE and (reads_as_number(text) or lookalike_number(text) is not None):
        return text
    if score >= MIN_SCORE and read_number(text).status == CellStatus.BLANK:
        return text
    return UNREADABLE + text


def strip_cells(strip: Strip, chars: list[Char]) -> dict[int, tuple[str, float]]:
    """The text and confidence of each cell of a strip, from where its characters were read; a cell
    of which nothing was read has no text and no confidence."""
    found: dict[int, list[Char]] = {column: [] for column, _, _ in strip.cells}
    for char in chars:
        for column, left, right in strip.cells:
            if left - strip.gap / 2 <= char.x < right + strip.gap / 2:
                found[column].append(char)
                break
    return {
        column: ("".join(char.text for char in read).strip(), min((char.score for char in read), default=0.0))
        for column, read in found.items()
    }


def row_readings(row: TableRow, chars: list[list[Char]]) -> list[tuple[str, float] | None]:
    """Each position of a table row: its text and confidence, ("", 1) for a blank cell, None where a
    merged cell covers it."""
    from_strip = strip_cells(row.strip, chars[row.strip.piece]) if row.strip else {}
    readings: list[tuple[str, float] | None] = []
    for column, slot in enumerate(row.slots):
        if slot is None:
            readings.append(None)
        elif column in from_strip:
            readings.append(from_strip[column])
        elif slot:
            lines = ["".join(char.text for char in chars[index]) for index in slot]
            score = min((char.score for index in slot for char in chars[index]), default=0.0)
            readings.append((cell_text("\n".join(lines)), score))
        else:
            readings.append(("", 1.0))
    return readings


def table_lines(layout: PageLayout, chars: list[list[Char]]) -> list[PlacedLine]:
    """The rows of the page's tables as lines of tab-separated cells."""
    lines: list[PlacedLine] = []
    for table in sorted({row.table for row in layout.rows}):
        rows = [row for row in layout.rows if row.table == table]
        readings = [row_readings(row, chars) for row in rows]
        texts = [[reading[0] if reading else "" for reading in row] for row in readings]
        values = value_columns(texts)
        for row, cells, read in zip(rows, texts, readings, strict=True):
            for column, reading in enumerate(read):
                if reading and has_ink(row, column) and (column in values or not reading[0]):
                    cells[column] = value_text(*reading)  # ink never reads as a blank cell
            if is_table_row([None if slot is None else text for slot, text in zip(row.slots, cells, strict=True)]):
                images = cell_images(layout, row)
                lines.append(PlacedLine(row.top, "\t".join(cells), ruled=True, images=images, box=row.box))
            else:
                lines.extend(
                    PlacedLine(row.top + offset * 0.01, text, ruled=False, box=row.box)
                    for offset, text in enumerate(filter(None, cells))
                )
    return lines


def cell_images(layout: PageLayout, row: TableRow) -> tuple[numpy.ndarray | None, ...]:
    """Each position's image as it stood in the row's strip (None for a cell read on its own)."""
    images: list[numpy.ndarray | None] = [None] * len(row.slots)
    if row.strip:
        strip = layout.pieces[row.strip.piece]
        for column, left, right in row.strip.cells:
            images[column] = strip[:, max(0, left - row.strip.gap // 2) : right + row.strip.gap // 2]
    return tuple(images)


def has_ink(row: TableRow, column: int) -> bool:
    return bool(row.slots[column]) or bool(row.strip and any(place[0] == column for place in row.strip.cells))


def mean_score(chars: list[Char]) -> float:
    return sum(char.score for char in chars) / len(chars) if chars else 0.0


def text_lines(layout: PageLayout, chars: list[list[Char]]) -> list[PlacedLine]:
    """The lines of prose; a piece the recogniser is unsure of as a whole is noise (specks, a
    stamp's rim), while one unsure character does not cost its line."""
    lines = []
    for top, indexes in layout.lines:
        readings = [("".join(char.text for char in chars[index]), mean_score(chars[index])) for index in indexes]
        text = " ".join(text for text, score in readings if text and score >= MIN_SCORE)
        if text.strip():
            lines.append(PlacedLine(top, text, ruled=False))
    return lines


def read_scanned_page(image: numpy.ndarray) -> list[PlacedLine]:
    """The lines of a scanned page image (RGB or grey) in reading order, tops in its pixels."""
    from .ocr import recognise_characters

    gray = to_gray(image)
    ink = ink_of(gray)
    angle = skew_angle(ink)
    log.debug("page turned by %.2f°", angle)
    straight = deskewed(gray, angle)
    layout = page_layout(straight, ink if straight is gray else None)
    chars = recognise_characters(layout.pieces)
    return sorted(text_lines(layout, chars) + table_lines(layout, chars), key=lambda line: line.top)


def read_scanned_pages(images: list[numpy.ndarray]) -> list[list[PlacedLine]]:
    """Every page, pages in parallel over the machine's cores (the recogniser runs on one thread
    per call and releases the GIL while it runs)."""
    workers = max(1, min(len(images), len(os.sched_getaffinity(0))))
    if workers == 1:
        return [read_scanned_page(image) for image in images]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(read_scanned_page, images))
