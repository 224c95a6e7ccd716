"""Property tests: random consistent tables, written in each layout real reports use, parse back
to the same numbers; one corrupted number gives exactly the findings of the rules it is part of."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from build_scripts.forms import (
    APPLICANT_COLUMNS,
    OTHER_HANDLING_2021,
    OUTCOME_ITEMS,
    TABLE3_COLUMN_KEYS,
    TABLE3_GROUPS,
    TABLE3_ROWS,
    TABLE4_COLUMN_KEYS,
    TABLE4_ROW_KEYS,
)
from build_scripts.model import CellStatus, StatTable
from build_scripts.reading.checks import check_statistics
from build_scripts.reading.parsing import lines_to_blocks, text_to_lines
from build_scripts.reading.tables import tables_to_statistics

LAYOUTS = ("tab-grid", "cell-per-line", "totals-only", "shuffled-blanks", "space-separated")
Grid = dict[tuple[str, str], int]


@dataclass(frozen=True)
class Case:
    fmt: str
    grid: Grid
    layout: str
    blanks: frozenset[tuple[str, str]]  # cells printed blank (not reported)


def table3_rows(fmt: str) -> list[str]:
    single = fmt == "2019"
    return [
        spec.key
        for spec in TABLE3_ROWS
        if not (single and spec.key in OTHER_HANDLING_2021) and not (not single and spec.key == "other_handling")
    ]


@st.composite
def consistent_table3(draw: st.DrawFn) -> tuple[str, Grid]:
    """Counts that satisfy all three rules of table 三."""
    fmt = draw(st.sampled_from(["2019", "2021"]))
    rows = table3_rows(fmt)
    items = [row for row in OUTCOME_ITEMS if row in rows]
    small = st.integers(min_value=0, max_value=40)
    grid: Grid = {}
    for column in APPLICANT_COLUMNS:
        for row in items:
            grid[(row, column)] = draw(st.one_of(st.just(0), small))
        total = sum(grid[(row, column)] for row in items)
        forward = draw(small)
        carried_over = draw(st.integers(min_value=0, max_value=total + forward))
        grid[("outcomes_total", column)] = total
        grid[("carried_forward", column)] = forward
        grid[("carried_over", column)] = carried_over
        grid[("received", column)] = total + forward - carried_over
    for row in rows:
        grid[(row, "total")] = sum(grid[(row, column)] for column in APPLICANT_COLUMNS)
    return fmt, grid


@st.composite
def cases(draw: st.DrawFn) -> Case:
    fmt, grid = draw(consistent_table3())
    layout = draw(st.sampled_from(LAYOUTS))
    blanks: set[tuple[str, str]] = set()
    if layout == "totals-only":
        blanks = {key for key in grid if key[1] != "total"}
    elif layout == "shuffled-blanks":
        zeros = sorted(key for key, value in grid.items() if value == 0)
        blanks = set(draw(st.lists(st.sampled_from(zeros), unique=True))) if zeros else set()
    return Case(fmt, grid, layout, frozenset(blanks))


def labels_of(key: str, first_in_group: bool) -> list[str]:
    """Label cells as the official form prints them in a tab grid."""
    spec = next(s for s in TABLE3_ROWS if s.key == key)
    if spec.group is None:
        return [spec.label]
    group = TABLE3_GROUPS.get(spec.group, "") if first_in_group and spec.group != "outcomes" else ""
    return [group, spec.label] if spec.group != "outcomes" else ["", spec.label]


def render_table3(case: Case, lead: list[bool], lead_with_blanks: bool = False) -> str:
    """The table as text. `lead` adds the blank position that merged label columns leave before
    the values (samples 000, 003); with blank cells that is ambiguous, so only on request."""
    if case.layout == "shuffled-blanks" and not lead_with_blanks:
        lead = [False]
    rows = table3_rows(case.fmt)
    header = (
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\t申请人情况\n"
        + "\t自然人\t法人或其他组织\t\t\t\t\t总计\n"
    )
    lines = []
    seen_groups: set[str] = set()
    for index, row in enumerate(rows):
        spec = next(s for s in TABLE3_ROWS if s.key == row)
        first = spec.group not in seen_groups
        seen_groups.add(spec.group or "")
        printed = ["" if (row, c) in case.blanks else str(case.grid[(row, c)]) for c in TABLE3_COLUMN_KEYS]
        labels = labels_of(row, first)
        if case.layout == "space-separated":
            lines.append(" ".join([labels[-1], *printed]))
        elif case.layout == "cell-per-line":
            cells = labels + [value or "\u3000" for value in printed]
            lines.append("\n".join("\t" + cell for cell in cells) + "\n")
        else:
            lines.append("\t".join(labels + ([""] if lead[index % len(lead)] else []) + printed))
    if case.layout == "space-separated":
        header = "申请人情况\n自然人 商业企业 科研机构 社会公益组织 法律服务机构 其他 总计\n"
    elif case.layout == "cell-per-line":
        header = "\t申请人情况\n\n\t自然人\n\t法人或其他组织\n\t总计\n\n"
    return header + "\n".join(lines) + "\n"


def parse(number: str, text: str) -> StatTable:
    blocks = lines_to_blocks(text_to_lines(text), number)
    statistics, _ = tables_to_statistics([block.table for block in blocks if block.table])
    assert len(statistics) == 1
    return statistics[0]


@settings(max_examples=150, deadline=None)
@given(cases(), st.lists(st.booleans(), min_size=1, max_size=5))
def test_table3_round_trip(case: Case, lead: list[bool]) -> None:
    if case.layout == "space-separated":
        case = Case(case.fmt, case.grid, case.layout, frozenset())  # blanks cannot be printed there
    stat = parse("三", render_table3(case, lead))
    assert stat.format == case.fmt
    assert stat.rows == table3_rows(case.fmt)
    for (row, column), value in case.grid.items():
        cell = stat.cell(row, column)
        assert cell is not None, (row, column)
        if (row, column) in case.blanks:
            assert (cell.status, cell.value) == (CellStatus.BLANK, None)
        else:
            assert (cell.status, cell.value) == (CellStatus.NUMBER, value), (row, column)
    assert check_statistics([stat]) == []


@settings(max_examples=150, deadline=None)
@given(cases(), st.lists(st.booleans(), min_size=1, max_size=5))
def test_ambiguous_tab_grid_is_uncertain_never_wrong(case: Case, lead: list[bool]) -> None:
    case = Case(case.fmt, case.grid, "shuffled-blanks", case.blanks)
    stat = parse("三", render_table3(case, lead, lead_with_blanks=True))
    for (row, column), value in case.grid.items():
        cell = stat.cell(row, column)
        expected = (CellStatus.BLANK, None) if (row, column) in case.blanks else (CellStatus.NUMBER, value)
        assert cell.status == CellStatus.UNCERTAIN or (cell.status, cell.value) == expected, (row, column)
    assert check_statistics([stat]) == []


def expected_findings(case: Case, row: str, column: str) -> set[tuple[str, str, str]]:
    """The rules a changed cell takes part in, where the report prints what they need."""
    printed = {key for key in case.grid if key not in case.blanks}
    found: set[tuple[str, str, str]] = set()
    rule1_rows = ("received", "carried_over", "outcomes_total", "carried_forward")
    if row in rule1_rows and all((r, column) in printed for r in rule1_rows):
        found.add(("check-1", "outcomes_total", column))
    items = [r for r in OUTCOME_ITEMS if r in table3_rows(case.fmt)]
    in_rule_2 = row in items or row == "outcomes_total"
    if in_rule_2 and ("outcomes_total", column) in printed and any((r, column) in printed for r in items):
        found.add(("check-2", "outcomes_total", column))
    if (row, "total") in printed and any((row, c) in printed for c in APPLICANT_COLUMNS):
        found.add(("check-3", row, "total"))
    return found


@settings(max_examples=150, deadline=None)
@given(cases(), st.data())
def test_one_corrupted_number_gives_exactly_its_findings(case: Case, data: st.DataObject) -> None:
    if case.layout == "space-separated":
        case = Case(case.fmt, case.grid, case.layout, frozenset())
    printed = sorted(key for key in case.grid if key not in case.blanks)
    row, column = data.draw(st.sampled_from(printed))
    delta = data.draw(st.sampled_from([-3, -1, 1, 2, 7]))
    corrupted = Case(case.fmt, {**case.grid, (row, column): case.grid[(row, column)] + delta}, case.layout, case.blanks)
    stat = parse("三", render_table3(corrupted, [False]))
    findings = check_statistics([stat])
    assert {(f.code, f.row, f.column) for f in findings} == expected_findings(case, row, column)
    assert len(findings) == len({(f.code, f.row, f.column) for f in findings})


TABLE4_HEADER = (
    "行政复议\t\t\t\t\t行政诉讼\n"
    "结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t未经复议直接起诉\t\t\t\t\t复议后起诉\n"
    "\t\t\t\t\t" + "\t".join(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2) + "\n"
)


@st.composite
def consistent_table4(draw: st.DrawFn) -> list[int]:
    numbers = []
    for _ in TABLE4_ROW_KEYS:
        four = draw(st.lists(st.integers(min_value=0, max_value=30), min_size=4, max_size=4))
        numbers += [*four, sum(four)]
    return numbers


@given(consistent_table4(), st.sampled_from(["tab-grid", "cell-per-line", "space-separated"]), st.data())
def test_table4_round_trip_and_corruption(numbers: list[int], layout: str, data: st.DataObject) -> None:
    def render(values: list[int]) -> str:
        if layout == "cell-per-line":
            return "\t行政复议\n\t行政诉讼\n\n" + "\n".join(f"\t{v}" for v in values) + "\n"
        if layout == "space-separated":
            return "行政复议 行政诉讼\n结果 维持 结果 纠正\n" + " ".join(map(str, values)) + "\n"
        return TABLE4_HEADER + "\t".join(map(str, values)) + "\n"

    stat = parse("四", render(numbers))
    keys = [(row, column) for row in TABLE4_ROW_KEYS for column in TABLE4_COLUMN_KEYS]
    assert [stat.value(row, column) for row, column in keys] == numbers
    assert check_statistics([stat]) == []
    position = data.draw(st.integers(min_value=0, max_value=14))
    corrupted = list(numbers)
    corrupted[position] += data.draw(st.sampled_from([-2, 1, 5]))
    findings = check_statistics([parse("四", render(corrupted))])
    row = keys[position][0]
    assert [(f.code, f.row, f.column) for f in findings] == [("check-4", row, "total")]
