"""A scanned number read again, alone, when the form's rules say it may be misread.

A table row is first read as one line (scan.py); a number in a rule that fails is then cut out of
that line and read again by itself, at the height the recogniser was trained at. A reading that
differs is only an alternative: checks.resolve_ocr_readings takes it where the rules decide it,
with a finding, and leaves the cell uncertain otherwise.
"""

from __future__ import annotations

import numpy

from ...forms import TABLE3_COLUMN_KEYS, TABLE4_COLUMN_KEYS, TABLE4_ROW_KEYS
from ...model import Cell, CellStatus
from ..tables import lookalike_number, read_number
from .common import LineImages

TRAINED_HEIGHT = 48  # the recognition model's own input height

# Where a value stands in a scanned row of tables 三 and 四: the row's last positions, in the
# form's column order (table 四 prints its three rows as one line of 15 numbers).
VALUE_POSITIONS: dict[str, list[tuple[str | None, str]]] = {
    "三": [(None, column) for column in TABLE3_COLUMN_KEYS],
    "四": [(row, column) for row in TABLE4_ROW_KEYS for column in TABLE4_COLUMN_KEYS],
}


def position_of(number: str, cell: Cell, width: int) -> int | None:
    """The position of a cell in its printed row of `width` positions, if the row is a scanned one."""
    layout = VALUE_POSITIONS.get(number)
    if layout is None:
        return None
    key = (None, cell.column) if number == "三" else (cell.row, cell.column)
    if key not in layout or width < len(layout):
        return None
    return width - len(layout) + layout.index(key)


def readings_of(image: numpy.ndarray) -> list[int | float]:
    """The numbers a cell's image (with the paper around it in its row) reads as when read alone.
    More paper makes the recogniser read a lone digit as nothing."""
    from .ocr import recognise

    text, _score = recognise([image], TRAINED_HEIGHT)[0]
    reading = read_number(text)
    if reading.status == CellStatus.NUMBER and reading.value is not None:
        return [reading.value]
    value = lookalike_number(text)
    return [] if value is None else [value]


class Rereader:
    """Reads a cell of a scanned table again from its image."""

    def __init__(self, images: LineImages) -> None:
        self.images = images

    def __call__(self, number: str, cell: Cell) -> list[int | float]:
        row_images = self.images.get(cell.line or 0)
        if not row_images:
            return []
        position = position_of(number, cell, len(row_images))
        image = row_images[position] if position is not None else None
        if image is None:
            return []
        return [value for value in readings_of(image) if value != cell.value]
