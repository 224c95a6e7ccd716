"""Numbers stated in a report's text against its tables (build_scripts/reading/prose.py): a mismatch
quotes the sentence, a statement about anything else is never compared, and no sample or real
fixture gets a finding although their statements are compared."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from build_scripts.model import Block, Cell, CellStatus, Region, Report, Section, SourceFile, StatTable
from build_scripts.reading.prose import (
    PROSE_CHECK,
    STATEMENTS,
    about_this_year,
    clauses,
    prose_findings,
    table_figure,
    text_blocks,
)
from build_scripts.reading.readers import read_report

from .conftest import REAL_FIXTURES, REPORTS, WEB_FIXTURES, WORD_FIXTURES


def number(row: str, column: str, value: int | None) -> Cell:
    if value is None:
        return Cell(row, column, "", None, CellStatus.BLANK)
    return Cell(row, column, str(value), value, CellStatus.NUMBER)


def report(text: str, received: int | None = 42, carried: int | None = 3, review: int = 3, litigation=(1, 1)) -> Report:
    three = StatTable(
        "三",
        "2021",
        ["received", "carried_over"],
        [number("received", "total", received), number("carried_over", "total", carried)],
        "rows",
    )
    four = StatTable(
        "四",
        None,
        ["review", "litigation_direct", "litigation_after_review"],
        [
            number("review", "total", review),
            number("litigation_direct", "total", litigation[0]),
            number("litigation_after_review", "total", litigation[1]),
        ],
        "rows",
    )
    section = Section(1, "一、总体情况", [Block("paragraph", text, line=7)], 6)
    source = SourceFile("a.txt", "0" * 64, 1, "text/plain")
    region = Region("某省", "某市", "某县", "110101", resolved=True)
    title = "某县科学技术局2023年政府信息公开工作年度报告"
    return Report(source, title, "某县科学技术局", 2023, "2021", region, None, None, [], [section], [three, four])


def test_statements_that_agree_with_the_tables_are_no_finding() -> None:
    text = "2023年，全年新收政府信息公开申请42件，均按时答复。被申请行政复议3件，被提起行政诉讼2件。"
    assert prose_findings(report(text)) == []
    assert prose_findings(report("本年度共收到政府信息公开申请45件。")) == []  # 新收 42 plus 上年结转 3


def test_a_statement_the_table_contradicts_is_a_finding_that_quotes_it() -> None:
    [finding] = prose_findings(report("2023年，全年新收政府信息公开申请40件，均按时答复。"))
    assert (finding.code, finding.table, finding.row, finding.column) == (PROSE_CHECK, "三", "received", "total")
    assert (finding.printed, finding.expected, finding.line) == (40, 42, 7)
    assert "“全年新收政府信息公开申请40件”" in finding.message and "42" in finding.message
    [litigation] = prose_findings(report("被提起行政诉讼案件3起。"))
    assert (litigation.printed, litigation.expected, litigation.row) == (3, 2, None)  # 直接起诉 1 + 复议后起诉 1


@pytest.mark.parametrize(
    "text",
    [
        "2022年收到政府信息公开申请30件。",  # another year
        "收到政府信息公开申请30件，较上年增加5件。",  # the comparison is in another clause: still read
        "收到政府信息公开申请较上年增加30件。",
        "共收到政府信息公开申请50余件。",
        "收到政府信息公开申请约30件。",
        "其中收到政府信息公开申请30件。",
        "区政府办代表区政府受理政府信息公开申请17件。",
        "累计收到政府信息公开申请300件。",
        "办理政府信息公开申请30件。",
        "行政复议纠错1件，行政诉讼败诉0件。",
    ],
)
def test_statements_about_anything_else_are_never_compared(text: str) -> None:
    findings = prose_findings(report(text))
    if text.startswith("收到政府信息公开申请30件，较上年"):
        assert [f.printed for f in findings] == [30]  # its first clause says this year's number
    else:
        assert findings == []


def test_a_figure_the_table_does_not_print_is_not_compared() -> None:
    assert prose_findings(report("全年新收政府信息公开申请40件。", received=None)) == []
    assert table_figure(None, (("received", "total"),)) is None


@given(st.integers(1990, 2030).filter(lambda year: year != 2023), st.integers(0, 10_000))
def test_a_number_of_another_year_is_never_compared(year: int, count: int) -> None:
    assert prose_findings(report(f"{year}年收到政府信息公开申请{count}件。")) == []
    assert not about_this_year(f"{year}年收到政府信息公开申请{count}件", 2023)


SOURCES = [
    *sorted(REPORTS.glob("*.txt")),
    *REAL_FIXTURES,
    *(path for path in WEB_FIXTURES if path.name != "attachment-only.html"),
    *WORD_FIXTURES,
]


def test_no_sample_or_real_report_gets_a_finding_though_their_statements_are_compared() -> None:
    compared = 0
    for path in SOURCES:
        found = read_report(path, path.name)
        assert [f.message for f in found.findings if f.code == PROSE_CHECK] == [], path.name
        for block in text_blocks(found):
            for clause in clauses(block.text):
                for statement in STATEMENTS:
                    printed = table_figure(found.statistic(statement.table), statement.cells) is not None
                    read = about_this_year(clause, found.year) and statement.pattern.search(clause)
                    compared += bool(printed and read)
    assert compared >= 8  # 002's 0 and 0, 平潭 2022's 75 (74 + 1 carried), 2 and 1, 上海's 7 and 1,295 …
