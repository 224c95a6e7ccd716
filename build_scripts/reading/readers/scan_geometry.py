"""The geometry of a scanned page: where its tables, cells and lines of text are.

OCR finds text but not the form's structure: read in order, a row with blank cells gives six numbers
for seven columns and nothing says which one is missing. So a scanned page is first measured, by
pure functions on its grey image (numpy and OpenCV, both installed with the OCR engine):

  gray → `skew_angle` → `deskewed` → `ink_of` → `ruling_masks` → `masks_to_tables` (each a `Grid` of
  ruling positions) → `grid_to_cells` (merged cells where a ruling is missing between positions)

and, for the text, `text_bands` (lines of ink, top to bottom). Each cell is then read alone, and a
cell with no ink is blank: the cell keeps its place whatever OCR makes of its neighbours. Sizes are
in pixels of the page as given; `unit` turns points into them for the page's density.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy

# Skew is searched within this many degrees; a scan turned further is not a sheet laid askew.
MAX_SKEW = 2.0
# A ruling is a straight run of ink at least this many points long: longer than any stroke of a
# character at report sizes (12 pt), shorter than the narrowest column or row of the forms.
MIN_RULING_LENGTH_H = 20.0
MIN_RULING_LENGTH_V = 14.0
# Rulings closer than this (points) are one ruling drawn thick, or doubled by blur.
RULING_MERGE = 3.0
# A ruling covers a cell's side when it runs along at least this share of it.
SIDE_COVERED = 0.6
# No table of the form has more positions than this (表三: about 30 × 10); a denser grid of lines
# is not a table to read cell by cell (a hatched figure, a hostile file), and its text is read as lines.
MAX_GRID_POSITIONS = 4000


@dataclass(frozen=True)
class Box:
    """A rectangle of the page in pixels: left, top, right, bottom."""

    left: int
    top: int
    right: int
    bottom: int

    @property
    def width(self) -> int:
        return self.right - self.left

    @property
    def height(self) -> int:
        return self.bottom - self.top


@dataclass(frozen=True)
class Grid:
    """One ruled table: its box and the y (`rows`) and x (`columns`) of its rulings, sorted. A
    ruling need not run the whole table: where one is missing between two positions, they are one
    merged cell (grid_to_cells asks the page's ruling masks)."""

    box: Box
    rows: tuple[int, ...]
    columns: tuple[int, ...]


@dataclass(frozen=True)
class GridCell:
    """A cell of a grid: the positions it starts at and covers, and its box on the page."""

    row: int
    column: int
    row_span: int
    column_span: int
    box: Box


def unit(page_height: int) -> float:
    """Pixels per point, for a page image of an A4 (or similar) sheet."""
    return page_height / 842.0


def to_gray(image: numpy.ndarray) -> numpy.ndarray:
    if image.ndim == 2:
        return image
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_RGBA2GRAY)
    return cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)


def ink_of(gray: numpy.ndarray) -> numpy.ndarray:
    """Ink as 1 and paper as 0: Otsu's threshold after a light blur, which takes out sensor noise
    and leaves shaded header cells (light grey) as paper."""
    smooth = cv2.GaussianBlur(gray, (3, 3), 0)
    _, ink = cv2.threshold(smooth, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return ink


def skew_angle(ink: numpy.ndarray) -> float:
    """The angle (degrees, counter-clockwise) the page's lines of text and rulings are turned by:
    the angle at which the ink's rows are sharpest (the projection profile's energy is highest),
    searched every 0.1° on half of the pixels measured, then every 0.02° on all of them."""
    ys, xs = numpy.nonzero(ink)
    if len(ys) < 100:
        return 0.0
    step = max(1, len(ys) // 150_000)  # enough ink to measure by, at a bounded cost
    ys, xs = ys[::step].astype(numpy.float64), xs[::step].astype(numpy.float64)
    height = ink.shape[0]

    def sharpness(angle: float, share: int) -> float:
        rows = ys[::share] - xs[::share] * numpy.tan(numpy.radians(angle))  # each pixel's row once turned back
        counts = numpy.bincount(numpy.clip(numpy.rint(rows) + height, 0, 3 * height).astype(numpy.int64))
        return float(numpy.dot(counts, counts))

    coarse = max(numpy.linspace(-MAX_SKEW, MAX_SKEW, round(MAX_SKEW * 20) + 1), key=lambda a: sharpness(a, 2))
    fine = max(numpy.linspace(coarse - 0.1, coarse + 0.1, 11), key=lambda a: sharpness(a, 1))
    return -round(float(fine), 2)  # rows fall to the right (y grows with x) when the page turned clockwise


def deskewed(gray: numpy.ndarray, angle: float) -> numpy.ndarray:
    """The page turned back by `angle`, the corners it uncovers filled with paper."""
    if abs(angle) < 0.05:
        return gray
    height, width = gray.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), -angle, 1.0)  # OpenCV: positive turns anticlockwise
    paper = int(numpy.percentile(gray, 90))
    return cv2.warpAffine(gray, matrix, (width, height), flags=cv2.INTER_LINEAR, borderValue=paper)


def ruling_masks(ink: numpy.ndarray, scale: float) -> tuple[numpy.ndarray, numpy.ndarray]:
    """Horizontal and vertical rulings: straight runs of ink longer than any character's stroke that
    meet a ruling of the other direction at an end (a table's rulings meet; the strokes of bold text
    or of characters written top to bottom, which can line up as long, do not)."""
    h_length, v_length = max(8, round(MIN_RULING_LENGTH_H * scale)), max(8, round(MIN_RULING_LENGTH_V * scale))
    horizontal = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (h_length, 1)))
    vertical = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, v_length)))
    reach = max(2, round(RULING_MERGE * scale))
    return meeting(horizontal, vertical, reach, axis=0), meeting(vertical, horizontal, reach, axis=1)


def meeting(mask: numpy.ndarray, other: numpy.ndarray, reach: int, axis: int) -> numpy.ndarray:
    """The runs of `mask` (horizontal for axis 0, vertical for 1) with an end within `reach` of
    `other`."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    near = cv2.dilate(other, numpy.ones((2 * reach + 1, 2 * reach + 1), numpy.uint8))
    keep = numpy.zeros(count, bool)
    for label in range(1, count):
        left, top, width, height, _ = stats[label]
        if axis == 0:
            middle = top + height // 2
            ends = [(middle, left), (middle, left + width - 1)]
        else:
            middle = left + width // 2
            ends = [(top, middle), (top + height - 1, middle)]
        keep[label] = any(near[y, x] for y, x in ends)
    return keep[labels].astype(numpy.uint8)


def positions(mask: numpy.ndarray, axis: int, merge: int) -> list[int]:
    """Where rulings stand across `axis` (0: y of horizontal rulings, 1: x of vertical ones): the
    middles of runs of rows (or columns) that hold ruling pixels, runs closer than `merge` joined."""
    return [(start + end - 1) // 2 for start, end in runs(mask.any(axis=1 - axis), merge - 1)]


def masks_to_tables(horizontal: numpy.ndarray, vertical: numpy.ndarray, scale: float) -> list[Grid]:
    """The page's ruled tables: groups of connected rulings with at least two of each direction.
    A table whose vertical rulings run on past its first or last horizontal one (a table continued
    from the page before, printed without a top rule) is closed there."""
    merge = max(2, round(RULING_MERGE * scale))
    joined = cv2.dilate(horizontal | vertical, numpy.ones((merge, merge), numpy.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    tables = []
    for label in range(1, count):
        left, top, width, height, _ = stats[label]
        if width < 50 * scale or height < 20 * scale:
            continue
        box = Box(int(left), int(top), int(left + width), int(top + height))
        area = (slice(box.top, box.bottom), slice(box.left, box.right))
        rows = positions(horizontal[area], 0, merge)
        columns = positions(vertical[area], 1, merge)
        if len(columns) < 2 or len(rows) < 1:
            continue
        rows = close_open_ends(rows, box.height, merge)
        if len(rows) < 2 or (len(rows) - 1) * (len(columns) - 1) > MAX_GRID_POSITIONS:
            continue
        tables.append(Grid(box, tuple(box.top + row for row in rows), tuple(box.left + column for column in columns)))
    return sorted(tables, key=lambda grid: grid.box.top)


def close_open_ends(rows: list[int], height: int, merge: int) -> list[int]:
    """Rows of a table with an edge added where its vertical rulings run past the last ruling."""
    if rows[0] > 2 * merge:
        rows = [0, *rows]
    if height - 1 - rows[-1] > 2 * merge:
        rows = [*rows, height - 1]
    return rows


def covers(mask: numpy.ndarray, fixed: int, start: int, end: int, axis: int, reach: int) -> bool:
    """Whether a ruling (of `mask`) runs along most of the stretch start–end at `fixed`: along x for
    a horizontal ruling (axis 0), along y for a vertical one (axis 1). `reach` allows for residual
    skew and for the ruling's thickness."""
    inner_start, inner_end = start + (end - start) // 5, end - (end - start) // 5
    if inner_end <= inner_start:
        return False
    if axis == 0:
        band = mask[max(0, fixed - reach) : fixed + reach + 1, inner_start:inner_end]
        along = band.any(axis=0)
    else:
        band = mask[inner_start:inner_end, max(0, fixed - reach) : fixed + reach + 1]
        along = band.any(axis=1)
    return bool(along.size) and along.mean() >= SIDE_COVERED


def grid_to_cells(grid: Grid, horizontal: numpy.ndarray, vertical: numpy.ndarray, scale: float) -> list[GridCell]:
    """The grid's cells, positions not divided by a ruling merged into one cell (as the form merges
    its headers and group labels), in reading order."""
    reach = max(2, round(RULING_MERGE * scale))
    rows, columns = grid.rows, grid.columns
    n_rows, n_columns = len(rows) - 1, len(columns) - 1
    parent = list(range(n_rows * n_columns))

    def find(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    for row in range(n_rows):
        for column in range(n_columns):
            here = row * n_columns + column
            if column + 1 < n_columns and not covers(vertical, columns[column + 1], rows[row], rows[row + 1], 1, reach):
                parent[find(here + 1)] = find(here)
            if row + 1 < n_rows and not covers(
                horizontal, rows[row + 1], columns[column], columns[column + 1], 0, reach
            ):
                parent[find(here + n_columns)] = find(here)
    groups: dict[int, list[tuple[int, int]]] = {}
    for row in range(n_rows):
        for column in range(n_columns):
            groups.setdefault(find(row * n_columns + column), []).append((row, column))
    cells = []
    for members in groups.values():
        first_row, last_row = min(r for r, _ in members), max(r for r, _ in members)
        first_column, last_column = min(c for _, c in members), max(c for _, c in members)
        box = Box(columns[first_column], rows[first_row], columns[last_column + 1], rows[last_row + 1])
        cells.append(GridCell(first_row, first_column, last_row - first_row + 1, last_column - first_column + 1, box))
    return sorted(cells, key=lambda cell: (cell.row, cell.column))


def runs(profile: numpy.ndarray, min_gap: int) -> list[tuple[int, int]]:
    """Stretches where `profile` is true, stretches separated by fewer than `min_gap` falses joined."""
    found: list[list[int]] = []
    for index in numpy.flatnonzero(profile):
        if found and index - found[-1][1] <= min_gap + 1:
            found[-1][1] = int(index)
        else:
            found.append([int(index), int(index)])
    return [(first, last + 1) for first, last in found]


def significant(ink: numpy.ndarray, min_size: int) -> numpy.ndarray:
    """The ink without specks: components neither as tall nor as wide as `min_size` are dropped,
    unless they sit next to larger ink (a decimal point, a comma)."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if count <= 1:
        return ink
    large = (stats[:, cv2.CC_STAT_WIDTH] >= min_size) | (stats[:, cv2.CC_STAT_HEIGHT] >= min_size)
    large[0] = False
    kept = large[labels]
    if not kept.any():
        return numpy.zeros_like(ink)
    near = cv2.dilate(kept.astype(numpy.uint8), numpy.ones((2 * min_size + 1, 2 * min_size + 1), numpy.uint8))
    return (ink.astype(bool) & (kept | near.astype(bool))).astype(numpy.uint8)


def ink_box(ink: numpy.ndarray) -> Box | None:
    """The box around all ink of an area, or None when it holds none."""
    ys, xs = numpy.nonzero(ink)
    if not len(ys):
        return None
    return Box(int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1)


def text_bands(ink: numpy.ndarray, line_height: int) -> list[tuple[int, int]]:
    """Lines of text of an area, top to bottom, as (top, bottom): rows of ink separated by paper.
    Strokes of one character (三, 二) can stand apart by a gap, so a band lower than half a line
    is joined to its nearer neighbour when together they stay within a line's height."""
    bands = runs(ink.any(axis=1), 0)
    joined: list[tuple[int, int]] = []
    for top, bottom in bands:
        if (
            joined
            and bottom - joined[-1][0] <= line_height * 1.25
            and (bottom - top < line_height / 2 or joined[-1][1] - joined[-1][0] < line_height / 2)
        ):
            joined[-1] = (joined[-1][0], bottom)
        else:
            joined.append((top, bottom))
    return joined


def segments(ink: numpy.ndarray, gap: int) -> list[tuple[int, int]]:
    """Pieces of one line of text, left to right, separated by at least `gap` of paper."""
    return runs(ink.any(axis=0), gap)
