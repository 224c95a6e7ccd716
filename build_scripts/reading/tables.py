"""Tables 二, 三 and 四 as data: rows of printed cells → cells keyed by canonical row and column.

A chain of small functions, as the tables come: `read_number` for one printed cell, `split_row`
for the label and the value positions of a row, `align_slots` to place a row's values in the
form's columns, then one `cells_to_table*` per table. Where values cannot be placed with
confidence, the cells keep what was printed and are marked uncertain with the reason; nothing is
ever made up.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass

from ..forms import (
    OTHER_HANDLING_2021,
    TABLE2_2019_COLUMNS,
    TABLE2_2021_COLUMNS,
    TABLE2_COLUMNS,
    TABLE2_ROWS,
    TABLE3_COLUMN_KEYS,
    TABLE3_COLUMNS,
    TABLE3_ROW_KEYS,
    TABLE3_ROWS,
    TABLE4_COLUMN_KEYS,
    TABLE4_ROW_KEYS,
    Spec,
    row_spec,
)
from ..model import Cell, CellStatus, Finding, Severity, StatTable, Table
from .digit_runs import Group, grouped_sum_rules, is_run, read_runs, row_sum_rule, unruled

# What the downloads hold exactly (SQLite INTEGER, JSON numbers read as 64-bit): a printed number
# beyond it is kept as printed and marked uncertain, never an overflow or `Infinity`.
MAX_MAGNITUDE = 2**63 - 1
FULLWIDTH = str.maketrans("０１２３４５６７８９．，＋－", "0123456789.,+-")
NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
# Marks that stand for "nothing printed here": kept as printed, read as blank, never as 0.
BLANK_MARKS = frozenset({"-", "—", "——", "–", "/", "／", "\\", "、"})
# A cell that OCR read as digits and their look-alikes only ("O", "l0", "0.", "B"): a number it could
# not read, uncertain in its column, never part of the row's label (checks.resolve_ocr_readings
# decides it by the form's rules).
DIGIT_LOOKALIKES = str.maketrans("OoDQ〇lI|i!BSsZzgqbG", "0000011111855229966")
DIGIT_LIKE = re.compile(r"^[\d,.OoDQ〇lI|i!BSsZzgqbG'\"“”‘’`·]+$")
# What OCR puts before a number position it could not read (scan.py): the cell is uncertain.
UNREADABLE = "□"
ITEM_NUMBER = re.compile(r"^[（(]?[一二三四五六七八九十\d]{1,2}[)）]?[.、．]?")


@dataclass(frozen=True)
class Reading:
    """What one printed cell says: a number, nothing, or something that is not a number."""

    printed: str
    value: int | float | None
    status: CellStatus
    note: str | None = None  # why a number is uncertain (too large to hold); None for text


@dataclass(frozen=True)
class RowParts:
    """A printed row split into its label (the text cells, joined) and its value positions."""

    line: int
    label: str
    slots: list[str]

    @property
    def has_numbers(self) -> bool:
        return any(reads_as_number(slot) for slot in self.slots)

    @property
    def has_unread_numbers(self) -> bool:
        """Value positions holding numbers OCR could not read ("□", "O"): the row's own values,
        uncertain, never taken for a row printed without numbers."""
        return any(read_number(slot).note for slot in self.slots)

    @property
    def has_blank_cells(self) -> bool:
        """A row printed with its cells, all of them left blank (a ruled row, or blanks as spaces)."""
        return bool(self.slots) and all(read_number(slot).status == CellStatus.BLANK for slot in self.slots)


@dataclass(frozen=True)
class Placement:
    """A row's values placed in the form's columns, with a note when the placement is a guess."""

    readings: list[Reading]
    uncertain_note: str | None = None
    note: str | None = None


@functools.lru_cache(maxsize=8192)  # the same few texts ("0", "", "1" …) fill most cells
def read_number(printed: str) -> Reading:
    """Read a printed cell: "1,234", "+2", "-3", "232.4586", full-width digits; blank stays blank."""
    text = printed.translate(FULLWIDTH).replace(" ", "").strip()
    if not text or text in BLANK_MARKS:
        return Reading(printed, None, CellStatus.BLANK)
    if text.startswith(UNREADABLE):
        return Reading(printed, None, CellStatus.UNCERTAIN, f"OCR 无法读出的数字（读作“{text[1:]}”）")
    if not NUMBER.match(text):
        if DIGIT_LIKE.match(text) and lookalike_number(text) is not None:
            return Reading(printed, None, CellStatus.UNCERTAIN, f"“{printed}”不是数字，可能是识别有误的数字")
        return Reading(printed, None, CellStatus.UNCERTAIN)
    plain = text.replace(",", "").lstrip("+")
    value: int | float = float(plain) if "." in plain else int(plain)
    if (isinstance(value, float) and not math.isfinite(value)) or abs(value) > MAX_MAGNITUDE:
        return Reading(
            printed, None, CellStatus.UNCERTAIN, f"数值“{printed}”超出可存储的范围（绝对值至多 2⁶³−1），不作读取"
        )
    return Reading(printed, value, CellStatus.NUMBER)


def lookalike_number(printed: str) -> int | float | None:
    """The number a cell of digit look-alikes most likely shows ("O" → 0, "l2" → 12, "0." → 0), or
    None. Only an alternative reading: the form's rules decide whether it is taken."""
    text = printed.removeprefix(UNREADABLE).translate(FULLWIDTH).replace(" ", "").translate(DIGIT_LOOKALIKES)
    text = text.strip(".,'\"“”‘’`·")
    if not NUMBER.match(text):
        return None
    plain = text.replace(",", "")
    return float(plain) if "." in plain else int(plain)


def reads_as_number(printed: str) -> bool:
    return read_number(printed).status == CellStatus.NUMBER


# A value printed with its unit ("251000元"): a value position, read as uncertain (the form's unit
# may differ: 采购总金额 is in 万元), never taken for part of the row's label.
NUMBER_WITH_UNIT = re.compile(r"^[+-]?\d[\d,.]*\s*(?:万元|元|件|个|条|项|次)$")


def is_label_cell(cell: str) -> bool:
    reading = read_number(cell) if cell else None
    is_text = reading is not None and reading.status == CellStatus.UNCERTAIN and reading.note is None
    return is_text and not NUMBER_WITH_UNIT.match(cell.strip())


def split_row(cells: list[str], line: int) -> RowParts:
    """The label is every cell up to the last text cell; the value positions are the cells after it."""
    last_label = max((index for index, cell in enumerate(cells) if is_label_cell(cell)), default=-1)
    label = re.sub(r"\s+", "", "".join(cells[: last_label + 1]))
    return RowParts(line=line, label=label, slots=cells[last_label + 1 :])


def table_rows(table: Table) -> list[RowParts]:
    return [split_row(cells, line) for cells, line in zip(table.rows, table.row_lines, strict=True)]


def all_equal_numbers(slots: list[str], width: int) -> Reading | None:
    """The one value of a row that prints it more often than the form has columns (sample 004)."""
    readings = [read_number(slot) for slot in slots if slot]
    if len(readings) < width or any(r.status != CellStatus.NUMBER for r in readings):
        return None
    values = {r.value for r in readings}
    return readings[0] if len(values) == 1 else None


def printed_slots(slots: list[str]) -> str:
    """The cells of a row as printed, for a note people read: an empty cell says so."""
    return "、".join(slot.strip() or "空" for slot in slots)


def align_slots(slots: list[str], width: int, *, merged_label_columns: bool, positional: bool) -> Placement:
    """Place a row's printed values in `width` columns.

    - exactly `width` positions: one value per column;
    - more: first drop blank positions left of the values that come from merged label columns;
      a row that prints the same number in every position (extra or repeated columns) gives that
      number to every column; otherwise the placement is uncertain;
    - fewer: in a tab grid the cells count from the left and the missing ones are blank; in text
      split at spaces the blanks have vanished, so the placement is uncertain.
    """
    slots = list(slots)
    if merged_label_columns:
        while len(slots) > width and not slots[0]:
            slots.pop(0)
    while len(slots) > width and not slots[-1]:  # cells of a ruled row merged into the last value
        slots.pop()
    readings = [read_number(slot) for slot in slots]
    if len(slots) == width:
        return Placement(readings)
    if len(slots) > width:
        repeated = all_equal_numbers(slots, width)
        if repeated is not None:
            note = f"此行印有 {len([s for s in slots if s])} 个数值，多于 {width} 列，且数值全部相同"
            return Placement([repeated] * width, note=note)
        why = f"此行印有 {len(slots)} 个数值位置，而表格只有 {width} 列，无法确定对应关系"
        why += f"（原文各格：{printed_slots(slots)}）"
        return Placement(readings[:width], uncertain_note=why)
    padded = readings + [Reading("", None, CellStatus.BLANK)] * (width - len(slots))
    if positional:
        return Placement(padded)
    why = f"此行只印有 {len(slots)} 个数值位置，而表格有 {width} 列，无法确定对应关系"
    why += f"（原文各格：{printed_slots(slots)}）"
    return Placement(padded, uncertain_note=why)


def place_runs(slots: list[str], width: int, rules: list[Group]) -> Placement:
    """Place a row printed as runs of digits (a crawler's text: 713000074): the one reading that
    keeps the form's sum rules, or uncertain when there is none or more than one."""
    filled = [slot for slot in slots if slot]
    if len(filled) == width or not filled or not all(is_run(slot) for slot in filled):
        return align_slots(slots, width, merged_label_columns=False, positional=False)
    found = read_runs(filled, rules)
    printed = " ".join(filled)
    if found.unique:
        how = "总计等于各项之和" if any(group.summed for group in rules) else "只有这一种拆分"
        note = f"原文数字连写为“{printed}”，只有一种读法符合表格（{how}）：{'、'.join(found.unique)}"
        return Placement([read_number(piece) for piece in found.unique], note=note)
    why = "有多种读法" if found.readings else "没有符合表格勾稽关系的读法"
    blank = Reading("", None, CellStatus.BLANK)
    note = f"原文数字连写为“{printed}”，{why}，无法确定各格数值"
    return Placement([blank] * width, uncertain_note=note)


def place_row(slots: list[str], width: int, layout: str, rules: list[Group], *, merged: bool) -> Placement:
    """A row's values in `width` columns, by the rules of its layout."""
    if layout == "run-together":
        return place_runs(slots, width, rules)
    return align_slots(slots, width, merged_label_columns=merged, positional=is_positional(layout))


def placed_cells(keys: list[tuple[str, str]], placement: Placement, line: int) -> list[Cell]:
    """Cells for (row, column) keys from a placement; an uncertain placement marks every cell."""
    cells = []
    for (row, column), reading in zip(keys, placement.readings, strict=True):
        status = reading.status
        value = reading.value
        note = placement.uncertain_note
        if note:
            status = CellStatus.UNCERTAIN
        elif status == CellStatus.UNCERTAIN:
            note = reading.note or f"不是数字：“{reading.printed}”"
        else:
            note = placement.note
        cells.append(Cell(row, column, reading.printed, value, status, note, line))
    return cells


def row_keys(row: str, columns: tuple[str, ...] | list[str]) -> list[tuple[str, str]]:
    return [(row, column) for column in columns]


def blank_cells(row: str, columns: tuple[str, ...] | list[str], line: int) -> list[Cell]:
    return [Cell(row, column, "", None, CellStatus.BLANK, None, line) for column in columns]


def uncertain_findings(number: str, cells: list[Cell]) -> list[Finding]:
    """One finding per reason for uncertain cells; it names the row when only one row has it."""
    rows_by_note: dict[str, list[Cell]] = {}
    for cell in cells:
        if cell.status == CellStatus.UNCERTAIN and cell.note:
            rows_by_note.setdefault(cell.note, []).append(cell)
    findings = []
    for note, found in rows_by_note.items():
        rows = list(dict.fromkeys(cell.row for cell in found))
        where = f"表{number}“{row_spec(number, rows[0]).label}”" if len(rows) == 1 else f"表{number}"
        row = rows[0] if len(rows) == 1 else None
        findings.append(Finding("cell-uncertain", Severity.WARNING, f"{where}：{note}", found[0].line, number, row))
    return findings


# ---- Table 三 -------------------------------------------------------------------------------


def is_table3_header(label: str) -> bool:
    """The head of table 三 (自然人 … 总计): it names columns, not a row, though it holds 总计."""
    return sum(1 for spec in TABLE3_COLUMNS if spec.matches(label)) >= 2


# Reports print the same few dozen labels: each is matched against the form once per process.
@functools.lru_cache(maxsize=4096)
def table3_row_named(label: str) -> str | None:
    """The row of table 三 whose words a label holds (None for the table's head)."""
    if is_table3_header(label):
        return None
    return next((spec.key for spec in TABLE3_ROWS if spec.matches(label)), None)


def match_table3_row(label: str, previous: str | None) -> str | None:
    """The row of table 三 a label names, by meaning rather than exact wording."""
    if not label:
        return None
    row = table3_row_named(label)
    if row is not None or is_table3_header(label):
        return row
    # "3.其他" is the third sub-row of （六） in the 2021 form: known only by where it stands.
    if ITEM_NUMBER.sub("", label) == "其他" and previous in ("other_no_correction", "other_unpaid_fee"):
        return "other_other"
    return None


# Stands for the values of a row label that could not be paired with any line of numbers.
UNPAIRED = RowParts(line=0, label="", slots=[])


def pair_rows_with_values(parts: list[RowParts]) -> tuple[list[tuple[str, RowParts | None]], list[Finding]]:
    """Each row key with the printed row that holds its values.

    Most layouts print a row's label and numbers on one line. Text taken from a PDF may print
    the numbers on the line before or after a (wrapped) label; those are paired in the order of
    the form, which never changes. When the counts disagree nothing is paired by guesswork."""
    direct: list[tuple[str, RowParts | None]] = []
    pending_keys: list[str] = []
    pending_values: list[RowParts] = []
    previous: str | None = None
    order: list[str] = []
    for part in parts:
        key = match_table3_row(part.label, previous)
        if key in order:
            key = None  # a repeated label (a header repeated after a page break) adds nothing
        if key and (part.has_numbers or part.has_blank_cells or part.has_unread_numbers):
            direct.append((key, part))
        elif key:
            pending_keys.append(key)
        elif part.has_numbers or part.has_unread_numbers:
            pending_values.append(part)
        if key:
            order.append(key)
            previous = key
    findings: list[Finding] = []
    if len(pending_keys) == len(pending_values):
        paired = list(zip(pending_keys, pending_values, strict=True))
        direct.extend((key, part) for key, part in paired)
    elif not pending_values:
        direct.extend((key, None) for key in pending_keys)  # rows printed with no numbers at all
    else:
        message = f"表三：{len(pending_keys)} 个行名与 {len(pending_values)} 行数字分开印刷，数量不符，未作配对"
        findings.append(Finding("rows-unpaired", Severity.WARNING, message, pending_values[0].line, "三"))
        direct.extend((key, UNPAIRED) for key in pending_keys)
    rank = {key: index for index, key in enumerate(order)}
    return sorted(direct, key=lambda pair: rank[pair[0]]), findings


def table3_format(keys: list[str]) -> str | None:
    if any(key in OTHER_HANDLING_2021 for key in keys):
        return "2021"
    if "other_handling" in keys:
        return "2019"
    return None


def is_total_only(slots: list[str], width: int) -> bool:
    """A row that prints one number, in its last position, and nothing else (only 总计 filled)."""
    filled = [slot for slot in slots if slot]
    return len(slots) >= width and len(filled) == 1 and slots[-1] == filled[0]


# Layouts that lose the places of blank cells: text split at spaces, and tables exported to
# Markdown by PDF tools (a row that prints fewer cells than the form has lost some on the way).
UNPOSITIONED_LAYOUTS = frozenset({"space-separated", "pipe-table", "run-together"})


def is_positional(layout: str) -> bool:
    """Whether a layout keeps blank cells in place (a tab grid does; text split at spaces does not)."""
    return layout not in UNPOSITIONED_LAYOUTS


def table3_placer(parts: list[RowParts], layout: str):
    """How the rows of this table 三 place their values, judged from all of its rows at once.

    - Every row prints only its last cell (sample 001): that number is the 总计.
    - Some rows show a blank position from merged label columns before their values (samples 000,
      003): then a row of exactly seven positions that starts blank could be that merged column
      followed by six values, or a blank 自然人 followed by seven: it is marked uncertain.
    """
    width = len(TABLE3_COLUMN_KEYS)
    if layout == "run-together":
        return lambda slots: place_runs(slots, width, row_sum_rule(width))
    positional = is_positional(layout)
    blank = Reading("", None, CellStatus.BLANK)
    if positional and parts and all(is_total_only(part.slots, width) for part in parts):
        return lambda slots: Placement([blank] * (width - 1) + [read_number(slots[-1])])
    merged_column = (
        positional and layout != "ruled" and any(len(part.slots) > width and not part.slots[0] for part in parts)
    )

    def place(slots: list[str]) -> Placement:
        placement = align_slots(slots, width, merged_label_columns=True, positional=positional)
        if merged_column and len(slots) <= width and slots and not slots[0] and not placement.uncertain_note:
            why = (
                "此行首格空白，可能是合并的标签列，也可能是未填报的第一列，"
                f"无法确定对应关系（原文各格：{printed_slots(slots)}）"
            )
            return Placement(placement.readings, uncertain_note=why)
        return placement

    return place


def cells_to_table3(table: Table) -> tuple[StatTable | None, list[Finding]]:
    parts = table_rows(table)
    start = next((i for i, part in enumerate(parts) if match_table3_row(part.label, None) == "received"), None)
    if start is None:
        return None, [
            Finding(
                "table-unread", Severity.WARNING, "表三：未找到“一、本年新收政府信息公开申请数量”一行", table.line, "三"
            )
        ]
    pairs, findings = pair_rows_with_values(parts[start:])
    place = table3_placer([part for _, part in pairs if part and part is not UNPAIRED], table.layout)
    cells: list[Cell] = []
    for key, part in pairs:
        if part is None:
            cells += blank_cells(key, TABLE3_COLUMN_KEYS, table.line)
        elif part is UNPAIRED:
            why = "此行的数字与行名分开印刷，且数字行与行名数量不符，无法确定哪一行数字属于此行"
            cells += [
                Cell(key, column, "", None, CellStatus.UNCERTAIN, why, table.line) for column in TABLE3_COLUMN_KEYS
            ]
        else:
            cells += placed_cells(row_keys(key, TABLE3_COLUMN_KEYS), place(part.slots), part.line)
    keys = [key for key, _ in pairs]
    table_format = table3_format(keys)
    if table_format == "2021" and all(c.status == CellStatus.BLANK for c in cells if c.row == "other_handling"):
        # "（六）其他处理" on a row of its own above its three items is the group's label, not a row
        cells = [cell for cell in cells if cell.row != "other_handling"]
        keys = [key for key in keys if key != "other_handling"]
    findings += missing_rows("三", keys, expected_table3_rows(table_format))
    method = "order" if any(part and part is not UNPAIRED and not part.label for _, part in pairs) else "rows"
    rows = [key for key in TABLE3_ROW_KEYS if key in keys]
    return StatTable("三", table_format, rows, cells, method), findings + uncertain_findings("三", cells)


def expected_table3_rows(table_format: str | None) -> list[str]:
    single = table_format != "2021"
    return [
        key
        for key in TABLE3_ROW_KEYS
        if not (single and key in OTHER_HANDLING_2021) and not (not single and key == "other_handling")
    ]


def missing_rows(number: str, present: list[str], expected: list[str]) -> list[Finding]:
    missing = [key for key in expected if key not in present]
    if not missing:
        return []
    return [
        Finding(
            "rows-missing",
            Severity.WARNING,
            f"表{number}：未找到以下各行：{'、'.join(row_spec(number, key).label for key in missing)}",
            None,
            number,
        )
    ]


# ---- Table 四 -------------------------------------------------------------------------------


def cells_to_table4(table: Table) -> tuple[StatTable | None, list[Finding]]:
    """The one data row of 15 numbers: 行政复议, then the two kinds of 行政诉讼, five numbers each."""
    parts = table_rows(table)
    data = [part for part in parts if not part.label and part.has_numbers]
    if not data:
        return None, [Finding("table-unread", Severity.WARNING, "表四：未找到数据行", table.line, "四")]
    slots = [slot for part in data for slot in part.slots]
    keys = [(row, column) for row in TABLE4_ROW_KEYS for column in TABLE4_COLUMN_KEYS]
    rules = grouped_sum_rules(len(TABLE4_ROW_KEYS), len(TABLE4_COLUMN_KEYS))
    placement = place_row(slots, len(keys), table.layout, rules, merged=False)
    cells = placed_cells(keys, placement, data[0].line)
    return StatTable("四", None, list(TABLE4_ROW_KEYS), cells, "rows"), uncertain_findings("四", cells)


# ---- Table 二 -------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def match_spec(specs: tuple[Spec, ...], text: str) -> str | None:
    return next((spec.key for spec in specs if spec.matches(text)), None)


def label_cells(cells: list[str]) -> list[str]:
    return [cell for cell in cells if is_label_cell(cell)]


def table2_format(columns: set[str], labels: str) -> str | None:
    is_2021 = bool(columns & TABLE2_2021_COLUMNS) or "本年处理决定" in labels or "本年收费金额" in labels
    is_2019 = bool(columns & TABLE2_2019_COLUMNS)
    if is_2021 != is_2019:
        return "2021" if is_2021 else "2019"
    return None


def cells_to_table2(table: Table) -> tuple[StatTable | None, list[Finding]]:
    """Rows under header rows of column labels (tab grid, text), or one row per number in the
    three-column 信息内容 / 统计项目 / 数量 layout (sample 002)."""
    is_positional(table.layout)
    columns: list[str] = []
    current_row: str | None = None
    cells: list[Cell] = []
    labels_seen: list[str] = []
    for raw, line in zip(table.rows, table.row_lines, strict=True):
        part = split_row(raw, line)
        texts = label_cells(raw)
        labels_seen += texts
        column_keys = [key for key in (match_spec(TABLE2_COLUMNS, text) for text in texts) if key]
        row_key = next((key for key in (match_spec(TABLE2_ROWS, text) for text in texts) if key), None)
        if row_key:
            current_row = row_key
        if column_keys and not part.has_numbers:
            columns = column_keys
        elif row_key and (part.has_numbers or part.has_blank_cells) and not column_keys and columns:
            placement = place_row(part.slots, len(columns), table.layout, unruled(len(columns)), merged=False)
            cells += placed_cells(row_keys(row_key, columns), placement, line)
        elif len(column_keys) == 1 and part.has_numbers and current_row:
            placement = align_slots(part.slots, 1, merged_label_columns=False, positional=True)
            cells += placed_cells(row_keys(current_row, column_keys), placement, line)
    if not cells:
        return None, [Finding("table-unread", Severity.WARNING, "表二：未找到数据行", table.line, "二")]
    table_format = table2_format({cell.column for cell in cells}, " ".join(labels_seen))
    rows = [spec.key for spec in TABLE2_ROWS if any(cell.row == spec.key for cell in cells)]
    ordered = sorted(cells, key=lambda c: (rows.index(c.row), [s.key for s in TABLE2_COLUMNS].index(c.column)))
    return StatTable("二", table_format, rows, ordered, "rows"), uncertain_findings("二", ordered)


PARSERS = {"二": cells_to_table2, "三": cells_to_table3, "四": cells_to_table4}


def merge_tables(tables: list[Table]) -> Table:
    """The blocks of one section as one table (a table can be cut by a blank line or a page)."""
    first = tables[0]
    return Table(
        number=first.number,
        rows=[row for table in tables for row in table.rows],
        row_lines=[line for table in tables for line in table.row_lines],
        layout=first.layout,
        line=first.line,
    )


def tables_to_statistics(tables: list[Table]) -> tuple[list[StatTable], list[Finding]]:
    """Every statistical table of a report, parsed; and the findings made on the way."""
    statistics: list[StatTable] = []
    findings: list[Finding] = []
    for number, parser in PARSERS.items():
        blocks = [table for table in tables if table.number == number]
        if not blocks:
            continue
        parsed, found = parser(merge_tables(blocks))
        findings += found
        if parsed is not None:
            statistics.append(parsed)
    return statistics, findings
