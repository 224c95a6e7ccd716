"""Checks on an assembled report. They return findings and never raise: a report with problems is
still published, and the problems go to the build report."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime

from ..model import Finding, Report, Severity
from .parsing import SECTION_NUMERALS, TABLE_SECTIONS


def missing_sections(report: Report) -> list[Finding]:
    present = {section.number for section in report.sections}
    return [
        Finding("section-missing", Severity.WARNING, f"未找到第{SECTION_NUMERALS[number - 1]}部分")
        for number in range(1, 7)
        if number not in present
    ]


def missing_tables(report: Report) -> list[Finding]:
    present = {table.number for table in report.tables}
    return [
        Finding("table-missing", Severity.WARNING, f"未找到表{numeral}（第{numeral}部分的统计表）")
        for numeral in TABLE_SECTIONS.values()
        if numeral not in present
    ]


def unknown_format(report: Report) -> list[Finding]:
    if report.format:
        return []
    message = "无法从表二的栏目名称判断报告采用 2019 年版还是 2021 年版格式"
    return [Finding("format-unknown", Severity.WARNING, message)]


# The 政府信息公开条例 took effect on 1 May 2008; the first annual reports are for 2008.
FIRST_REPORT_YEAR = 2008


def implausible_dates(report: Report) -> list[Finding]:
    """A report year before the regulation, or after the year the report was published in (a
    report for year Y is published in Y+1): a misread title or date, never corrected silently."""
    findings = []
    if report.year is not None and report.year < FIRST_REPORT_YEAR:
        message = f"报告年度 {report.year} 早于 {FIRST_REPORT_YEAR} 年，即此类年度报告的第一个年度"
        findings.append(Finding("year-implausible", Severity.WARNING, message))
    published = int(report.publication_date[:4]) if report.publication_date else None
    if report.year is not None and published is not None and report.year > published:
        message = f"报告年度 {report.year} 晚于其印发日期 {report.publication_date}"
        findings.append(Finding("year-after-publication", Severity.WARNING, message))
    return findings


# The first report year each official form is used for (domain.md): the 2019 form from 2019; the
# 2021 form from 2021, and already by some reports for 2020, published early in 2021.
FORM_FIRST_YEARS = {"2019": 2019, "2021": 2020}


def year_before_its_form(report: Report) -> list[Finding]:
    """A report year before the form its tables are in was issued: the year or the tables misread."""
    first = FORM_FIRST_YEARS.get(report.format or "")
    if report.year is None or first is None or report.year >= first:
        return []
    message = f"报告年度 {report.year} 早于其统计表所用的 {report.format} 年版格式（自 {first} 年度起使用）"
    return [Finding("year-before-form", Severity.WARNING, message)]


def validate_report(report: Report) -> list[Finding]:
    """Every finding about a report's structure, in a stable order."""
    return (
        missing_sections(report)
        + missing_tables(report)
        + unknown_format(report)
        + implausible_dates(report)
        + year_before_its_form(report)
    )


def build_day() -> date:
    """The day the build runs, or the day SOURCE_DATE_EPOCH names (reproducible builds: a build of
    the same inputs on another day then gives the same findings)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC).date()
    return date.today()


def dates_in_the_future(report: Report, today: date) -> list[Finding]:
    """Dates after the day of the build, and a report year not yet begun: misread or mistyped,
    since a report is published after its year (checked on the report as finally read, with
    the page's provenance and the maintainer's overrides)."""
    findings = []
    if report.year is not None and report.year > today.year:
        message = f"报告年度 {report.year} 尚未开始（本次构建日期为 {today.isoformat()}）"
        findings.append(Finding("date-in-future", Severity.WARNING, message))
    dated = {
        "印发日期": report.publication_date,
        "网页发布日期": report.provenance.published,
        "获取日期": report.provenance.retrieved,
    }
    for name, value in dated.items():
        if value and value[:10] > today.isoformat():  # YYYY-MM-DD compares as text
            message = f"{name} {value} 晚于本次构建日期 {today.isoformat()}"
            findings.append(Finding("date-in-future", Severity.WARNING, message))
    return findings
