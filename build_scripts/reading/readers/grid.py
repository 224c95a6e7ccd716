"""Tables with merged cells (HTML rowspan/colspan, Word gridSpan/vMerge) as plain grids.

Both readers hand the table parser the same thing a ruled PDF table gives: one row of cells per
printed row, a merged cell's text in its first position and the positions it covers blank. A
chain of small steps: `place_spans` (where each cell starts and how far it reaches),
`align_under_headers` (a value that spans two positions under a header that spans two others,
as table 二 of the 2019 form is often drawn, goes to the header it stands under), then
`placed_to_grid` and `grid_to_lines`.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..parsing import Line
from ..tables import reads_as_number
from .common import cell_text

# A merged cell never covers more than this many rows or columns of a real report's table; a file
# that claims more (colspan="100000") would only make the grid huge.
MAX_SPAN = 64
MAX_COLUMNS = 256


@dataclass(frozen=True)
class SpanCell:
    """One cell as the source declares it: its text and how many rows and columns it covers."""

    text: str
    rowspan: int = 1
    colspan: int = 1


@dataclass(frozen=True)
class Placed:
    """A cell at its place in the grid: its first column and how many columns it covers."""

    start: int
    span: int
    text: str

    @property
    def end(self) -> int:
        return self.start + self.span


def clamp_span(value: int) -> int:
    return max(1, min(value, MAX_SPAN))


def place_spans(rows: list[list[SpanCell]]) -> list[list[Placed]]:
    """Each row's own cells at their grid columns, skipping the columns that a rowspan from a row
    above still covers."""
    placed_rows: list[list[Placed]] = []
    covered: set[tuple[int, int]] = set()
    for row_index, row in enumerate(rows):
        placed: list[Placed] = []
        column = 0
        for cell in row:
            while (row_index, column) in covered:
                column += 1
            if column >= MAX_COLUMNS:
                break
            colspan, rowspan = clamp_span(cell.colspan), clamp_span(cell.rowspan)
            placed.append(Placed(column, colspan, cell.text))
            covered.update(
                (row_index + below, column + offset) for below in range(1, rowspan) for offset in range(colspan)
            )
            column += colspan
        placed_rows.append(placed)
    return placed_rows


def is_number_text(text: str) -> bool:
    return reads_as_number(cell_text(text))


def is_header(row: list[Placed]) -> bool:
    """A row of column labels: two or more filled cells, none of them a number."""
    filled = [cell for cell in row if cell_text(cell.text)]
    return len(filled) >= 2 and not any(is_number_text(cell.text) for cell in filled)


def aligned(row: list[Placed], header: list[Placed]) -> list[Placed] | None:
    """The row's cells re-cut to the header's columns, one position each: each header column takes
    the one cell that starts under it. None when the row does not fit the header that way."""
    result = []
    for index, column in enumerate(header):
        starting = [cell for cell in row if column.start <= cell.start < column.end]
        if len(starting) > 1:
            return None
        result.append(Placed(index, 1, starting[0].text if starting else ""))
    return result


def align_under_headers(rows: list[list[Placed]]) -> list[list[Placed]]:
    """Rows of numbers whose merged cells do not line up with their header's merged cells, placed
    under the header columns they start in (本年新公开数量 over two positions, its value over one)."""
    header: list[Placed] | None = None
    result = []
    for row in rows:
        if is_header(row):
            header = row
        elif header and needs_alignment(row, header):
            row = aligned(row, header) or row
        result.append(row)
    return result


def needs_alignment(row: list[Placed], header: list[Placed]) -> bool:
    """Whether a row of numbers under a header has merged cells (its own, or its header's) whose
    covered positions would otherwise read as cells of their own."""
    if not any(is_number_text(cell.text) for cell in row) or not (tiles(row) and tiles(header)):
        return False
    if row[-1].end != header[-1].end:
        return False
    return any(cell.span > 1 for cell in [*row, *header])


def tiles(row: list[Placed]) -> bool:
    """Whether a row's own cells cover its columns from the first, with no gap a rowspan left."""
    position = 0
    for cell in row:
        if cell.start != position:
            return False
        position = cell.end
    return bool(row)


def placed_to_grid(rows: list[list[Placed]]) -> list[list[str]]:
    """Every row as wide as the positions it covers: a cell's text at its start, the rest blank."""
    grid = []
    for row in rows:
        width = max((cell.end for cell in row), default=0)
        cells = [""] * width
        for cell in row:
            cells[cell.start] = cell.text
        grid.append(cells)
    return grid


def expand_spans(rows: list[list[SpanCell]]) -> list[list[str]]:
    """The grid of a table: merged positions blank, values under the headers they belong to."""
    return placed_to_grid(align_under_headers(place_spans(rows)))


def grid_to_lines(grid: list[list[str]], first_number: int) -> list[Line]:
    """The rows of a grid as numbered, ruled cell lines (as a ruled PDF table gives them); a table
    of one column is a frame around text, and its rows are lines of text."""
    texts = [[cell_text(cell) for cell in row] for row in grid]
    is_frame = all(sum(1 for text in row if text) <= 1 for row in texts) and not any(
        is_number_text(text) for row in texts for text in row
    )
    if is_frame:  # a table around text (a report laid out in one cell): its paragraphs, line by line
        paragraphs = [part.strip() for row in grid for cell in row for part in cell.split("\n") if part.strip()]
        return [Line(first_number + offset, text) for offset, text in enumerate(paragraphs)]
    return [Line(first_number + offset, "\t".join(row), ruled=True) for offset, row in enumerate(texts)]
