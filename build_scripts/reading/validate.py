"""Checks on an assembled report. They return findings and never raise: a report with problems is
still published, and the problems go to the build report."""

from __future__ import annotations

from ..model import Finding, Report, Severity
from .parsing import SECTION_NUMERALS, TABLE_SECTIONS


def missing_sections(report: Report) -> list[Finding]:
    present = {section.number for section in report.sections}
    return [
        Finding("section-missing", Severity.WARNING, f"section {SECTION_NUMERALS[number - 1]} not found")
        for number in range(1, 7)
        if number not in present
    ]


def missing_tables(report: Report) -> list[Finding]:
    present = {table.number for table in report.tables}
    return [
        Finding("table-missing", Severity.WARNING, f"table {numeral} (section {numeral}) not found")
        for numeral in TABLE_SECTIONS.values()
        if numeral not in present
    ]


def unknown_format(report: Report) -> list[Finding]:
    if report.format:
        return []
    message = "format (2019 or 2021) could not be told from the labels of table 二"
    return [Finding("format-unknown", Severity.WARNING, message)]


# The 政府信息公开条例 took effect on 1 May 2008; the first annual reports are for 2008.
FIRST_REPORT_YEAR = 2008


def implausible_dates(report: Report) -> list[Finding]:
    """A report year before the regulation, or after the year the report was published in (a
    report for year Y is published in Y+1): a misread title or date, never corrected silently."""
    findings = []
    if report.year is not None and report.year < FIRST_REPORT_YEAR:
        message = f"report year {report.year} is before {FIRST_REPORT_YEAR}, the first year of these reports"
        findings.append(Finding("year-implausible", Severity.WARNING, message))
    published = int(report.publication_date[:4]) if report.publication_date else None
    if report.year is not None and published is not None and report.year > published:
        message = f"report year {report.year} is after its publication date {report.publication_date}"
        findings.append(Finding("year-after-publication", Severity.WARNING, message))
    return findings


def validate_report(report: Report) -> list[Finding]:
    """Every finding about a report's structure, in a stable order."""
    return missing_sections(report) + missing_tables(report) + unknown_format(report) + implausible_dates(report)
