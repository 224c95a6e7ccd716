"""Whether a report was published by the deadline the regulation sets.

The rule, from 《中华人民共和国政府信息公开条例》 (revised 2019, 国务院令第711号):

- 第四十九条第一款: 县级以上人民政府部门 publish their report on the year before by **31 January**.
- 第四十九条第二款: 县级以上地方人民政府 (their report, published by the office in charge of
  government information disclosure) by **31 March**. (第五十条 lists what a report contains.)
- Townships and sub-districts (乡镇人民政府, 街道办事处) have no deadline in the regulation: not assessed.

A government is an agency of the "government" kind whose name ends in 人民政府; its office (办公室,
办公厅) is a department, as is every agency of a department's kind (教育, 财政 …). An agency whose
kind could not be told ("other": a 管委会 of a zone, which may answer for its area as a
government does, or a body of its own) is not assessed rather than held to a guessed deadline.

The evidence: the date the publishing page itself gives (网页发布日期, `provenance.published`)
decides. Without it, the date printed on the report (印发日期) can only show that a report was
late — a report dated after the deadline cannot have been published before it — and one dated
before the deadline is "unknown": when it went online is not known.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from ..model import Report

DEPARTMENT_RULE = "《政府信息公开条例》第四十九条第一款"
GOVERNMENT_RULE = "《政府信息公开条例》第四十九条第二款"
ON_TIME, LATE, UNKNOWN, NOT_ASSESSED = "on_time", "late", "unknown", "not_assessed"
NO_DEADLINE, NO_KIND, NO_YEAR = "township", "kind", "year"
NOT_ASSESSED_TEXTS = {
    NO_DEADLINE: "乡镇、街道的报告，《政府信息公开条例》未规定公布时限",
    NO_KIND: "未能确定机构类别（政府或部门），不判断公布时限",
    NO_YEAR: "未能读出报告年度，不判断公布时限",
}


@dataclass(frozen=True)
class Timeliness:
    status: str  # ON_TIME, LATE, UNKNOWN or NOT_ASSESSED
    not_assessed: str = ""  # why not: NO_DEADLINE (townships), NO_KIND or NO_YEAR
    deadline: str | None = None  # YYYY-MM-DD
    rule: str | None = None  # the article that sets the deadline
    evidence: str | None = None  # "网页发布日期" or "印发日期": the date the status rests on
    date: str | None = None
    days_late: int | None = None

    @property
    def text(self) -> str:
        """The report page's line, in Chinese."""
        if self.status == NOT_ASSESSED:
            return NOT_ASSESSED_TEXTS[self.not_assessed]
        deadline = f"{self.deadline} 前（{self.rule}）"
        if self.status == ON_TIME:
            return f"应于 {deadline}公布；按时公布（{self.evidence} {self.date}）"
        if self.status == LATE:
            return f"应于 {deadline}公布；逾期 {self.days_late} 天（{self.evidence} {self.date}）"
        if self.evidence:
            return f"应于 {deadline}公布；无法判断（只知{self.evidence} {self.date}，不知网页发布日期）"
        return f"应于 {deadline}公布；无法判断（不知公布日期）"


def deadline_of(report: Report) -> tuple[date, str] | str:
    """The last day the report may be published and the article that says so, or why there is
    none to hold it to."""
    if report.year is None:
        return NO_YEAR
    if report.kind == "township":
        return NO_DEADLINE
    if report.kind == "other":
        return NO_KIND
    if report.kind == "government" and report.agency.endswith("人民政府"):
        return date(report.year + 1, 3, 31), GOVERNMENT_RULE
    return date(report.year + 1, 1, 31), DEPARTMENT_RULE


def parsed(day: str | None) -> date | None:
    try:
        return date.fromisoformat(day) if day else None
    except ValueError:
        return None


def timeliness(report: Report) -> Timeliness:
    found = deadline_of(report)
    if isinstance(found, str):
        return Timeliness(NOT_ASSESSED, not_assessed=found)
    deadline, rule = found
    due = {"deadline": deadline.isoformat(), "rule": rule}
    published, printed = parsed(report.provenance.published), parsed(report.publication_date)
    if published is not None:
        evidence, day = "网页发布日期", published
    elif printed is not None:
        evidence, day = "印发日期", printed
    else:
        return Timeliness(UNKNOWN, **due)
    if day > deadline:
        return Timeliness(LATE, **due, evidence=evidence, date=day.isoformat(), days_late=(day - deadline).days)
    if published is not None:
        return Timeliness(ON_TIME, **due, evidence=evidence, date=day.isoformat())
    return Timeliness(UNKNOWN, **due, evidence=evidence, date=day.isoformat())


@dataclass(frozen=True)
class TimelinessSummary:
    """How many reports of a region were published on time, late, or cannot be told, and how
    many have no deadline (townships)."""

    on_time: int
    late: int
    unknown: int
    not_assessed: int

    @property
    def text(self) -> str:
        """A region page's sentence, in Chinese (empty when no report there has a deadline)."""
        if not self.on_time + self.late + self.unknown:
            return ""
        text = (
            f"按《政府信息公开条例》第四十九条的公布时限：按时公布 {self.on_time:,} 份，逾期 {self.late:,} 份，"
            f"无法判断 {self.unknown:,} 份（不知网页发布日期）"
        )
        if not self.not_assessed:
            return text + "。"
        return text + f"；另有 {self.not_assessed:,} 份不作判断（乡镇、街道，或机构类别不明）。"


def summarize_timeliness(reports: Iterable[Report]) -> TimelinessSummary:
    counts = Counter(timeliness(report).status for report in reports)
    return TimelinessSummary(counts[ON_TIME], counts[LATE], counts[UNKNOWN], counts[NOT_ASSESSED])
