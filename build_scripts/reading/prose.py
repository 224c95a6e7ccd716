"""Numbers a report states in its text, checked against its own tables.

Three statements are read, each tied to one figure of the tables:

- 收到 / 新收 / 受理 …申请 N 件 — table 三, 一、本年新收政府信息公开申请数量, 总计 (or that plus
  二、上年结转: many reports count the requests carried over among those "received");
- 行政复议（案件）N 件 / 起 — table 四, 行政复议 总计;
- 行政诉讼（案件）N 件 / 起 — table 四, 行政诉讼 总计 (未经复议直接起诉 plus 复议后起诉).

A report says many numbers about other things, so a statement is read only from a clause (text
between two of ，。；) in which nothing points elsewhere: another year than the report's, a
comparison or change (上年, 同比, 较, 增加, 下降 …, a percentage), a part of a whole (其中, 含,
结转, 涉及), an approximation (约, 余, 近, 累计), another count (办理, 答复, 办结, 处理), or another
body's share (代表: 区政府办代表区政府受理 17 件, in a report whose table counts 95). The
number must follow the words directly (50余件 is never read). A table figure is compared only when
the table prints it. A mismatch is a finding that quotes the clause; the numbers stay as printed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..model import Block, CellStatus, Finding, Report, Severity, StatTable

PROSE_CHECK = "check-prose"
CLAUSE = re.compile(r"[^，,。；;！？!?\n]+")
OTHER_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
ELSEWHERE = re.compile(
    r"上年|去年|上一年|前年|同比|环比|较|相比|增加|减少|增长|下降|回落|上升|持平|%|％|其中|含|结转|涉及|"
    r"约|余|近|累计|历年|办理|答复|办结|处理|以来|代表"
)


@dataclass(frozen=True)
class Statement:
    """A kind of statement: its pattern, and the table cells whose sum it states."""

    name: str  # as the finding names the table figure
    pattern: re.Pattern[str]
    table: str
    cells: tuple[tuple[str, str], ...]  # (row, column), summed
    also: tuple[tuple[str, str], ...] = ()  # cells whose sum the statement may state instead


STATEMENTS = (
    Statement(
        "表三“一、本年新收政府信息公开申请数量”总计",
        re.compile(r"(?:新收|收到|受理)[^0-9]{0,12}?申请(?:数量)?(?:共|合计|总计)?为?\s*(\d+)\s*件"),
        "三",
        (("received", "total"),),
        (("received", "total"), ("carried_over", "total")),
    ),
    Statement(
        "表四“行政复议”总计",
        re.compile(r"行政复议(?:案件|申请)?(?:共|合计)?为?\s*(\d+)\s*(?:件|起|宗|个)"),
        "四",
        (("review", "total"),),
    ),
    Statement(
        "表四“行政诉讼”总计（未经复议直接起诉与复议后起诉之和）",
        re.compile(r"行政诉讼(?:案件)?(?:共|合计)?为?\s*(\d+)\s*(?:件|起|宗|个)"),
        "四",
        (("litigation_direct", "total"), ("litigation_after_review", "total")),
    ),
)


def clauses(text: str) -> Iterator[str]:
    for match in CLAUSE.finditer(text):
        clause = match.group(0).strip()
        if clause:
            yield clause


def about_this_year(clause: str, year: int | None) -> bool:
    """Whether nothing in the clause points to another year, a comparison, a part or a guess."""
    if ELSEWHERE.search(clause):
        return False
    return all(int(found) == year for found in OTHER_YEAR.findall(clause))


def table_figure(table: StatTable | None, cells: tuple[tuple[str, str], ...]) -> int | float | None:
    """The sum of the cells when the table prints it: every cell a number or blank, at least one a
    number (a blank beside a printed number counts as 0, as in the form's own checks)."""
    if table is None:
        return None
    found = [table.cell(row, column) for row, column in cells]
    if any(cell is None or cell.status == CellStatus.UNCERTAIN for cell in found):
        return None
    numbers = [cell.value for cell in found if cell is not None and cell.value is not None]
    return sum(numbers) if numbers else None  # only a number has a value; a blank has none


def text_blocks(report: Report) -> Iterator[Block]:
    yield from (block for block in report.preamble if block.kind == "paragraph")
    for section in report.sections:
        yield from (block for block in section.blocks if block.kind == "paragraph")


def number_text(value: int | float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def quoted(clause: str, limit: int = 60) -> str:
    return clause if len(clause) <= limit else clause[:limit] + "…"


def prose_findings(report: Report) -> list[Finding]:
    """Every statement of the text that its table contradicts."""
    findings = []
    for block in text_blocks(report):
        for clause in clauses(block.text):
            if not about_this_year(clause, report.year):
                continue
            for statement in STATEMENTS:
                for match in statement.pattern.finditer(clause):
                    stated = int(match.group(1))
                    table = report.statistic(statement.table)
                    expected = table_figure(table, statement.cells)
                    alternative = table_figure(table, statement.also) if statement.also else None
                    if expected is None or any(
                        figure is not None and abs(stated - figure) < 1e-6 for figure in (expected, alternative)
                    ):
                        continue
                    row, column = statement.cells[0] if len(statement.cells) == 1 else (None, None)
                    message = f"正文与统计表不符：正文“{quoted(clause)}”，而{statement.name}为 {number_text(expected)}"
                    findings.append(
                        Finding(
                            PROSE_CHECK,
                            Severity.WARNING,
                            message,
                            line=block.line,
                            table=statement.table,
                            row=row,
                            column=column,
                            printed=stated,
                            expected=expected,
                        )
                    )
    return findings
