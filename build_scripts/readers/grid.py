"""Tables with merged cells (HTML rowspan/colspan, Word gridSpan/vMerge) as plain grids.

Both readers hand the table parser the same thing a ruled PDF table gives: one row of cells per
printed row, a merged cell's text in its first position and the positions it covers blank.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..parsing import Line
from .common import cell_text, is_table_row

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


def clamp_span(value: int) -> int:
    return max(1, min(value, MAX_SPAN))


def expand_spans(rows: list[list[SpanCell]]) -> list[list[str]]:
    """The grid of a table: every row as wide as the positions it covers, merged positions blank."""
    grid: list[list[str]] = []
    covered: dict[tuple[int, int], bool] = {}  # positions taken by a rowspan from a row above
    for row_index, row in enumerate(rows):
        cells: list[str] = []
        column = 0
        for cell in row:
            while covered.pop((row_index, column), False):
                cells.append("")
                column += 1
            if column >= MAX_COLUMNS:
                break
            colspan, rowspan = clamp_span(cell.colspan), clamp_span(cell.rowspan)
            cells.append(cell.text)
            cells.extend([""] * (colspan - 1))
            for below in range(1, rowspan):
                for offset in range(colspan):
                    covered[(row_index + below, column + offset)] = True
            column += colspan
        while covered.pop((row_index, column), False):
            cells.append("")
            column += 1
        grid.append(cells)
    return grid


def grid_to_lines(grid: list[list[str]], first_number: int) -> list[Line]:
    """The rows of a grid as numbered lines: table rows as ruled cell lines (as a ruled PDF table
    gives them), a row with a single cell of prose as a line of text."""
    lines = []
    for offset, cells in enumerate(grid):
        texts = [cell_text(cell) for cell in cells]
        number = first_number + offset
        if is_table_row(texts):
            lines.append(Line(number, "\t".join(texts), ruled=True))
        else:
            lines.append(Line(number, " ".join(text for text in texts if text)))
    return lines
