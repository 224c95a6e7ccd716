"""The four consistency rules (勾稽关系) of the official form, run on the parsed tables.

A rule is checked only where the report gives the numbers it needs: a column or row with no
printed number at all is "not reported" and is skipped, and a sum treats a blank item as 0 only
when its total and at least one of its items are printed. Uncertain cells are never checked.
A broken rule is a finding; the numbers stay as printed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

from ..forms import (
    APPLICANT_COLUMNS,
    OUTCOME_ITEMS,
    TABLE3_COLUMN_KEYS,
    TABLE3_ROW_KEYS,
    TABLE4_COLUMN_KEYS,
    TABLE4_ROW_KEYS,
    column_spec,
    row_spec,
)
from ..model import Cell, CellStatus, Finding, Report, Severity, StatTable
from .tables import lookalike_number, uncertain_findings

RULE_NAMES = {
    "check-1": "勾稽关系一（一＋二＝三（七）总计＋四）",
    "check-2": "勾稽关系二（三（七）总计＝（一）至（六）各项之和）",
    "check-3": "勾稽关系三（每行总计＝六类申请人之和）",
    "check-4": "勾稽关系四（复议、诉讼总计＝维持＋纠正＋其他＋尚未审结）",
}

Number = int | float


def statuses(table: StatTable, keys: Iterable[tuple[str, str]]) -> list[CellStatus | None]:
    return [cell.status if (cell := table.cell(row, column)) else None for row, column in keys]


def checkable_sum(table: StatTable, keys: list[tuple[str, str]]) -> Number | None:
    """The sum of printed items, blanks as 0; None when any is uncertain or none is printed."""
    found = statuses(table, keys)
    if CellStatus.UNCERTAIN in found or CellStatus.NUMBER not in found:
        return None
    return sum(table.value(row, column) or 0 for row, column in keys)


def same(a: Number, b: Number) -> bool:
    return abs(a - b) < 1e-6


def finding(rule: str, table: str, row: str, column: str, printed: Number, expected: Number, text: str) -> Finding:
    message = f"{RULE_NAMES[rule]}未通过：{text}"
    return Finding(rule, Severity.WARNING, message, None, table, row, column, printed, expected)


def check_rule_1(table: StatTable) -> list[Finding]:
    """For every applicant column: 一 + 二 = 三（七）总计 + 四."""
    findings = []
    for column in TABLE3_COLUMN_KEYS:
        values = [table.value(row, column) for row in ("received", "carried_over", "outcomes_total", "carried_forward")]
        if any(value is None for value in values):
            continue
        received, carried_over, total, carried_forward = values
        if not same(received + carried_over, total + carried_forward):
            label = column_spec("三", column).label
            text = f"{label}列 一＋二＝{received + carried_over}，三（七）总计＋四＝{total + carried_forward}"
            findings.append(
                finding(
                    "check-1", "三", "outcomes_total", column, total + carried_forward, received + carried_over, text
                )
            )
    return findings


def check_rule_2(table: StatTable) -> list[Finding]:
    """（七）总计 = the sum of every item of （一）–（六）, per column."""
    findings = []
    items = [row for row in OUTCOME_ITEMS if row in table.rows]
    for column in TABLE3_COLUMN_KEYS:
        total = table.value("outcomes_total", column)
        expected = checkable_sum(table, [(row, column) for row in items])
        if total is None or expected is None or same(total, expected):
            continue
        label = column_spec("三", column).label
        text = f"{label}列（七）总计印为 {total}，（一）至（六）各项之和为 {expected}"
        findings.append(finding("check-2", "三", "outcomes_total", column, total, expected, text))
    return findings


def check_rule_3(table: StatTable) -> list[Finding]:
    """In every row of table 三, 总计 = the sum of the six applicant columns."""
    findings = []
    for row in [key for key in TABLE3_ROW_KEYS if key in table.rows]:
        total = table.value(row, "total")
        expected = checkable_sum(table, [(row, column) for column in APPLICANT_COLUMNS])
        if total is None or expected is None or same(total, expected):
            continue
        text = f"“{row_spec('三', row).label}”一行总计印为 {total}，六类申请人之和为 {expected}"
        findings.append(finding("check-3", "三", row, "total", total, expected, text))
    return findings


def check_rule_4(table: StatTable) -> list[Finding]:
    """In table 四, each 总计 = 维持 + 纠正 + 其他 + 尚未审结."""
    findings = []
    for row in TABLE4_ROW_KEYS:
        total = table.value(row, "total")
        expected = checkable_sum(table, [(row, column) for column in TABLE4_COLUMN_KEYS[:-1]])
        if total is None or expected is None or same(total, expected):
            continue
        text = f"{row_spec('四', row).label}总计印为 {total}，四项之和为 {expected}"
        findings.append(finding("check-4", "四", row, "total", total, expected, text))
    return findings


def check_statistics(statistics: list[StatTable]) -> list[Finding]:
    """Every rule on every table it applies to, in rule order."""
    findings: list[Finding] = []
    by_number = {table.number: table for table in statistics}
    if "三" in by_number:
        table = by_number["三"]
        findings += check_rule_1(table) + check_rule_2(table) + check_rule_3(table)
    if "四" in by_number:
        findings += check_rule_4(by_number["四"])
    return findings


def cells_of_finding(finding: Finding) -> list[tuple[str, str]]:
    """The cells that take part in the equation a check finding is about."""
    if finding.code == "check-1":
        rows = ("received", "carried_over", "outcomes_total", "carried_forward")
        return [(row, finding.column or "") for row in rows]
    if finding.code == "check-2":
        return [(row, finding.column or "") for row in (*OUTCOME_ITEMS, "outcomes_total")]
    if finding.code == "check-3":
        return [(finding.row or "", column) for column in TABLE3_COLUMN_KEYS]
    if finding.code == "check-4":
        return [(finding.row or "", column) for column in TABLE4_COLUMN_KEYS]
    return []


OCR_NOTE = "由 OCR 识别的数字，且所在的勾稽关系未通过，可能识别有误"
Key = tuple[str, str]


def failing_cells(table: StatTable) -> set[Key]:
    """The cells of every rule the table breaks."""
    return {cell for finding in check_statistics([table]) for cell in cells_of_finding(finding)}


def with_values(table: StatTable, values: dict[Key, Number]) -> StatTable:
    """The table with the given cells read as those numbers."""
    cells = [
        replace(cell, value=values[key], status=CellStatus.NUMBER)
        if (key := (cell.row, cell.column)) in values
        else cell
        for cell in table.cells
    ]
    return replace(table, cells=cells)


def pinned_by_rules(table: StatTable, values: dict[Key, Number]) -> dict[Key, Number]:
    """The alternative readings the rules decide: with all of them in place, a reading is taken when
    every rule holds for its cell and a rule would break if the cell held any other number (so a
    rule was checked with it, not skipped). Readings not taken make their rules unchecked, so the
    rest are decided again without them."""
    taken = dict(values)
    while taken:
        trial = with_values(table, taken)
        failing = failing_cells(trial)
        rejected = {
            key
            for key, value in taken.items()
            if key in failing or key not in failing_cells(with_values(trial, {key: value + 1}))
        }
        if not rejected:
            break
        taken = {key: value for key, value in taken.items() if key not in rejected}
    return taken


# Reads a cell of a scanned table again from its image: the numbers it reads as, other than its own.
Rereader = Callable[[str, Cell], list[Number]]


def corrected_cell(cell: Cell, value: Number) -> Cell:
    how = "读作" if cell.status == CellStatus.UNCERTAIN else "先读作"
    again = "" if cell.status == CellStatus.UNCERTAIN else f"，单独重读为 {value}"
    note = f"OCR {how}“{cell.printed}”{again}，按勾稽关系读作 {value}"
    return replace(cell, value=value, status=CellStatus.NUMBER, note=note)


def alternative_readings(table: StatTable, reread: Rereader | None) -> dict[Key, Number]:
    """Other readings of doubtful OCR cells: the digit that look-alikes resemble ("O" → 0), and for
    numbers in a rule that fails, what their image reads as when read again alone."""
    alternatives = {
        (cell.row, cell.column): value
        for cell in table.cells
        if cell.status == CellStatus.UNCERTAIN and (value := lookalike_number(cell.printed)) is not None
    }
    if reread is None:
        return alternatives
    failing = failing_cells(with_values(table, alternatives))
    for cell in table.cells:
        if cell.status == CellStatus.NUMBER and (cell.row, cell.column) in failing:
            found = reread(table.number, cell)
            if found:
                alternatives[(cell.row, cell.column)] = found[0]
    return alternatives


def resolve_alternatives(table: StatTable, reread: Rereader | None) -> tuple[StatTable, list[Finding]]:
    """Doubtful OCR cells read as their alternative where the form's rules decide it, each with a
    finding; look-alikes the rules do not decide stay uncertain, and numbers in a rule that still
    fails are left to distrust_ocr_numbers_that_fail_checks."""
    alternatives = alternative_readings(table, reread)
    taken = pinned_by_rules(table, alternatives) if alternatives else {}
    if not taken:
        return table, []
    cells = [
        corrected_cell(cell, taken[key]) if (key := (cell.row, cell.column)) in taken else cell for cell in table.cells
    ]
    findings = [
        Finding(
            "ocr-corrected",
            Severity.INFO,
            f"表{table.number}：{cell.note}",
            cell.line,
            table.number,
            cell.row,
            cell.column,
            expected=cell.value,
        )
        for cell in cells
        if (cell.row, cell.column) in taken
    ]
    return replace(table, cells=cells), findings


def resolve_ocr_readings(report: Report, reread: Rereader | None = None) -> None:
    """A report read by OCR, its doubtful numbers settled by the form's rules: alternative readings
    the rules decide are taken (with a finding), and numbers in a rule that still fails become
    uncertain. Never a confident number the rules did not decide."""
    corrections: list[Finding] = []
    for index, table in enumerate(report.statistics):
        report.statistics[index], found = resolve_alternatives(table, reread)
        corrections += found
    if corrections:
        uncertain = [
            finding for table in report.statistics for finding in uncertain_findings(table.number, table.cells)
        ]
        report.replace_findings(
            ("cell-uncertain", *RULE_NAMES), uncertain + check_statistics(report.statistics) + corrections
        )
    distrust_ocr_numbers_that_fail_checks(report)


def distrust_ocr_numbers_that_fail_checks(report: Report) -> None:
    """Numbers read by OCR that break a rule may be misread: their cells become uncertain."""
    for index, table in enumerate(report.statistics):
        doubtful = {cell for f in report.findings if f.table == table.number for cell in cells_of_finding(f)}
        if not doubtful:
            continue
        cells = [
            replace(cell, status=CellStatus.UNCERTAIN, note=OCR_NOTE)
            if (cell.row, cell.column) in doubtful and cell.status == CellStatus.NUMBER
            else cell
            for cell in table.cells
        ]
        report.statistics[index] = replace(table, cells=cells)
