"""Lay out a parsed table as the official form shows it: merged header cells, row groups, and the
printed values, so that the template only has to write the cells out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..forms import (
    OTHER_HANDLING_2021,
    TABLE2_FORM,
    TABLE2_ITEMS,
    TABLE2_ROWS,
    TABLE3_COLUMNS,
    TABLE3_GROUPS,
    TABLE3_ROWS,
    TABLE4_COLUMNS,
    TABLE4_ROW_KEYS,
    TABLE_DIGITS,
    TABLE_TITLES,
    table2_column_label,
    table2_row_label,
)
from ..model import Cell, CellStatus, Finding, StatTable
from .labels import table_format_label

# Rows of table 二 that only the 2019 form has.
TABLE2_ONLY_2019_ROWS = {"2019": frozenset(), "2021": frozenset({"other_services", "procurement"})}
FIRST_COLUMN_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


@dataclass(slots=True)  # not frozen: a report's views build hundreds, and a frozen init is twice as slow
class HeaderCell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    scope: str = "col"
    # Where a row label stands (archive.css keeps row labels in place while the numbers scroll
    # sideways): "at-0" the first column, "at-1" the second, "at-2" the third; "span-N" N columns.
    css: str = ""
    id: str = ""  # the target of a key figure's link (key_figures.py)


@dataclass(slots=True)
class ValueCell:
    text: str
    classes: str
    note: str | None
    colspan: int = 1
    id: str = ""  # the target of a key figure's link (key_figures.py)
    page: int | None = None  # the PDF page it was printed on


@dataclass
class ViewRow:
    headers: list[HeaderCell] = field(default_factory=list)
    values: list[ValueCell] = field(default_factory=list)
    css: str = ""
    page_break: int | None = None  # the PDF page this row begins, where the one before is on another


@dataclass
class TableView:
    number: str
    caption: str
    format_label: str
    head: list[list[HeaderCell]]
    body: list[ViewRow]
    # The same cells turned for a phone's width, where the form's layout cannot fit (table 四:
    # fifteen columns in a row become five rows of three); shown instead of it on narrow screens.
    narrow: TableView | None = None
    wide: bool = False  # wider than a phone: the numbers scroll sideways beside their row labels
    pages: tuple[int, ...] = ()  # the pages of a PDF its cells were printed on
    original: str = ""  # the href of the original PDF, which a row after a page break links to

    @property
    def anchor(self) -> str:
        """The id of the table, for links to it (key_figures.py)."""
        return table_anchor(self.number)


def value_cell(cell: Cell | None, failed: set[tuple[str, str]], colspan: int = 1) -> ValueCell:
    """A cell as printed: blank stays blank, an uncertain one is marked and says why."""
    if cell is None:
        return ValueCell("", "blank", "本报告未印此格", colspan)
    classes = [] if cell.status == CellStatus.NUMBER else [cell.status.value]
    if (cell.row, cell.column) in failed:
        classes.append("check-failed")
    return ValueCell(cell.printed, " ".join(classes), cell.note, colspan, page=cell.page)


def failed_cells(findings: list[Finding], number: str) -> set[tuple[str, str]]:
    return {(f.row, f.column) for f in findings if f.is_check and f.table == number and f.row and f.column}


def caption(number: str, table_format: str | None) -> tuple[str, str]:
    """The table's title and which form it follows (table 四 is the same in both forms)."""
    if number == "四":
        return f"表{number} {TABLE_TITLES[number]}", ""
    return f"表{number} {TABLE_TITLES[number]}", table_format_label(table_format)


def table2_view(table: StatTable, findings: list[Finding]) -> TableView:
    table_format = table.format or "2021"
    failed = failed_cells(findings, "二")
    width = 3
    body: list[ViewRow] = []
    for item, columns in TABLE2_FORM[table_format].items():
        rows = [
            spec for spec in TABLE2_ROWS if spec.group == item and spec.key not in TABLE2_ONLY_2019_ROWS[table_format]
        ]
        body.append(ViewRow(headers=[HeaderCell(TABLE2_ITEMS[item], colspan=width + 1, scope="colgroup")], css="item"))
        labels = [HeaderCell("信息内容", css="at-0")] + [
            HeaderCell(table2_column_label(table_format, c)) for c in columns
        ]
        if len(columns) < width:
            labels[-1] = HeaderCell(labels[-1].text, colspan=width - len(columns) + 1)
        body.append(ViewRow(headers=labels, css="labels"))
        for spec in rows:
            label = table2_row_label(table_format, spec.key)
            values = [value_cell(table.cell(spec.key, column), failed) for column in columns]
            if len(columns) < width:
                last = values[-1]
                values[-1] = ValueCell(last.text, last.classes, last.note, width - len(columns) + 1, page=last.page)
            body.append(ViewRow(headers=[HeaderCell(label, scope="row", css="at-0")], values=values))
    title, format_label = caption("二", table.format)
    return TableView("二", title, format_label, [], body)


def table3_row_keys(table: StatTable) -> list[str]:
    """The rows of the form this table follows: three （六） sub-rows (2021) or one (2019)."""
    three_rows = table.format == "2021"
    return [
        spec.key
        for spec in TABLE3_ROWS
        if (spec.key not in OTHER_HANDLING_2021 or three_rows) and (spec.key != "other_handling" or not three_rows)
    ]


TABLE3_SPECS = {spec.key: spec for spec in TABLE3_ROWS}


def table3_headers(key: str, keys: list[str], shown: set[str]) -> list[HeaderCell]:
    """Row headers of one row of table 三, opening each merged group on its first row."""
    spec = TABLE3_SPECS[key]
    if spec.group is None:
        return [HeaderCell(spec.label, colspan=3, scope="row", css="at-0 span-3")]
    headers: list[HeaderCell] = []
    if "outcomes" not in shown:  # 三、本年度办理结果 spans every row that has a group
        shown.add("outcomes")
        size = sum(1 for k in keys if TABLE3_SPECS[k].group is not None)
        headers.append(HeaderCell(TABLE3_GROUPS["outcomes"], rowspan=size, scope="rowgroup", css="at-0 group"))
    if spec.group == "outcomes":
        return [*headers, HeaderCell(spec.label, colspan=2, scope="row", css="at-1 span-2")]
    if spec.group not in shown:
        shown.add(spec.group)
        size = sum(1 for k in keys if TABLE3_SPECS[k].group == spec.group)
        anchor = WITHHELD_ANCHOR if spec.group == "withheld" else ""
        headers.append(HeaderCell(TABLE3_GROUPS[spec.group], rowspan=size, scope="rowgroup", css="at-1", id=anchor))
    return [*headers, HeaderCell(spec.label, scope="row", css="at-2")]


KEY_CELLS = {("三", row, "total") for row in ("received", "disclosed", "partly_disclosed")}


def table_anchor(number: str) -> str:
    """The id of a table, for links to it (key_figures.py)."""
    return f"t{TABLE_DIGITS[number]}"


def cell_anchor(number: str, row: str, column: str) -> str:
    """The id of a cell in the form's layout of a table (key_figures.py links to it)."""
    return f"{table_anchor(number)}-{row}-{column}"


WITHHELD_ANCHOR = cell_anchor("三", "withheld", "group")  # the header of the （三）不予公开 rows


def key_cell(cell: ValueCell, number: str, row: str, column: str) -> ValueCell:
    """A cell a key figure links to, with its id (only in the form's layout: ids are unique)."""
    if (number, row, column) not in KEY_CELLS:
        return cell
    return ValueCell(cell.text, cell.classes, cell.note, cell.colspan, cell_anchor(number, row, column), cell.page)


def table3_view(table: StatTable, findings: list[Finding]) -> TableView:
    failed = failed_cells(findings, "三")
    head = [
        [
            HeaderCell(FIRST_COLUMN_NOTE, rowspan=3, colspan=3, css="at-0 span-3 corner"),
            HeaderCell("申请人情况", colspan=7, scope="colgroup"),
        ],
        [
            HeaderCell("自然人", rowspan=2),
            HeaderCell("法人或其他组织", colspan=5, scope="colgroup"),
            HeaderCell("总计", rowspan=2),
        ],
        [HeaderCell(spec.label) for spec in TABLE3_COLUMNS if spec.group == "legal_person"],
    ]
    keys = table3_row_keys(table)
    shown: set[str] = set()
    body = [
        ViewRow(
            headers=table3_headers(key, keys, shown),
            values=[
                key_cell(value_cell(table.cell(key, spec.key), failed), "三", key, spec.key) for spec in TABLE3_COLUMNS
            ],
        )
        for key in keys
    ]
    title, format_label = caption("三", table.format)
    return TableView("三", title, format_label, head, body, wide=True)


def table4_view(table: StatTable, findings: list[Finding]) -> TableView:
    failed = failed_cells(findings, "四")
    labels = [HeaderCell(spec.label) for spec in TABLE4_COLUMNS]
    head = [
        [HeaderCell("行政复议", colspan=5, scope="colgroup"), HeaderCell("行政诉讼", colspan=10, scope="colgroup")],
        [HeaderCell(label.text, rowspan=2) for label in labels]
        + [
            HeaderCell("未经复议直接起诉", colspan=5, scope="colgroup"),
            HeaderCell("复议后起诉", colspan=5, scope="colgroup"),
        ],
        labels + labels,
    ]
    values = [value_cell(table.cell(row, spec.key), failed) for row in TABLE4_ROW_KEYS for spec in TABLE4_COLUMNS]
    title, format_label = caption("四", table.format)
    return TableView("四", title, format_label, head, [ViewRow(values=values)], table4_turned(table, failed))


def table4_turned(table: StatTable, failed: set[tuple[str, str]]) -> TableView:
    """Table 四 for a phone: a row per result (结果维持 … 总计), a column per kind of case."""
    head = [
        [
            HeaderCell("结果", rowspan=2, css="at-0"),
            HeaderCell("行政复议", rowspan=2),
            HeaderCell("行政诉讼", colspan=2),
        ],
        [HeaderCell("未经复议直接起诉"), HeaderCell("复议后起诉")],
    ]
    body = [
        ViewRow(
            headers=[HeaderCell(spec.label, scope="row", css="at-0")],
            values=[value_cell(table.cell(row, spec.key), failed) for row in TABLE4_ROW_KEYS],
        )
        for spec in TABLE4_COLUMNS
    ]
    title, format_label = caption("四", table.format)
    return TableView("四", title, format_label, head, body)


VIEWS = {"二": table2_view, "三": table3_view, "四": table4_view}


def table_view(table: StatTable, findings: list[Finding]) -> TableView:
    view = VIEWS[table.number](table, findings)
    view.pages = tuple(sorted({cell.page for cell in table.cells if cell.page}))
    if len(view.pages) > 1:
        mark_page_breaks(view.body)
    return view


def mark_page_breaks(rows: list[ViewRow]) -> None:
    """The rows of a table printed over several pages that begin a page, so that each links there."""
    previous = None
    for row in rows:
        page = next((value.page for value in row.values if value.page), None)
        if page and previous and page != previous:
            row.page_break = page
        previous = page or previous
