"""Each report against the same agency's report of the year before: what one year hands on, the
next must take up.

Two rules, checked where both reports print both numbers (a blank or uncertain cell is never
compared, and a year with no report breaks no rule):

- **Table 三, per applicant column:** this year's 二、上年结转政府信息公开申请数量 equals last year's
  四、结转下年度继续办理 (the requests still open at the end of last year).
- **Table 二, on the 2019 form (both years):** for every item that counts projects (行政许可,
  其他对外管理服务事项, 行政处罚, 行政强制, 行政事业性收费), this year's 上一年项目数量 equals last year's
  上一年项目数量 plus its 本年增/减 (the number at the end of last year). The 2021 form no longer
  prints project counts.

A broken rule is a check finding on both reports, naming both numbers and linking the other
report (`Finding.related`), so it shows in each page's list of failed checks, on the agency's
page and on the data-quality page. The numbers stay as printed. Only each year's main copy is
compared (a second copy of an agency-year is flagged as such, see archive.plan_pages).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..forms import APPLICANT_COLUMNS, TABLE2_ROWS, column_spec, row_spec, table2_row_label
from ..model import Finding, Severity
from ..reading.checks import same
from .archive import Archive, ReportPage
from .datasets import KEY_INDEX, NUMBER, StatsRow
from .labels import thousands

Number = int | float

CARRIED_OVER = "check-carried-over"
PREVIOUS_ITEMS = "check-previous-items"
RULE_NAMES = {
    CARRIED_OVER: "跨年度核对（本年“上年结转”＝上一年度“结转下年度继续办理”）",
    PREVIOUS_ITEMS: "跨年度核对（本年“上一年项目数量”＝上一年度的“上一年项目数量”加“本年增/减”）",
}
# Table 二's rows that count projects on the 2019 form (items （五）（六）（八）).
PROJECT_ROWS = tuple(spec.key for spec in TABLE2_ROWS if spec.group in ("item_5", "item_6", "item_8"))


@dataclass(frozen=True)
class YearPair:
    """An agency's main reports of two consecutive years, with their cells."""

    earlier: ReportPage
    later: ReportPage
    earlier_cells: StatsRow
    later_cells: StatsRow


def number(cells: StatsRow, table: str, row: str, column: str) -> Number | None:
    """A cell's value when it is a printed number, else None (blank, uncertain, absent)."""
    index = KEY_INDEX.get((table, row, column))
    if index is None or cells.states[index] != NUMBER:
        return None
    return cells.values[index]


def is_main_copy(page: ReportPage) -> bool:
    return not any(finding.code == "duplicate-report" for finding in page.report.findings)


def year_pairs(archive: Archive, stats: dict[str, StatsRow]) -> list[YearPair]:
    """Every agency's main reports of consecutive years, oldest pair first."""
    pairs = []
    for agency in archive.agencies.values():
        by_year = {p.report.year: p for p in agency.pages if p.report.year and is_main_copy(p)}
        for year in sorted(by_year):
            earlier = by_year.get(year - 1)
            if earlier is not None:
                later = by_year[year]
                cells = stats[earlier.report.source.path], stats[later.report.source.path]
                pairs.append(YearPair(earlier, later, *cells))
    return pairs


@dataclass(frozen=True)
class Mismatch:
    """One broken rule of a pair: the later report's cell and number, the earlier report's cell
    and what it hands on, and how each is named in a message."""

    rule: str
    table: str
    later_key: tuple[str, str]
    later_value: Number
    later_text: str
    earlier_key: tuple[str, str]
    earlier_value: Number
    earlier_text: str


def mismatch_findings(pair: YearPair, mismatch: Mismatch) -> tuple[Finding, Finding]:
    """The same mismatch on each report, in the same words (both years named), each marking its
    own cell and linking the other's page."""
    later, earlier = pair.later.report, pair.earlier.report
    message = (
        f"{RULE_NAMES[mismatch.rule]}未通过：{later.year} 年度报告{mismatch.later_text}为 "
        f"{thousands(mismatch.later_value)}，{earlier.year} 年度报告{mismatch.earlier_text}为 "
        f"{thousands(mismatch.earlier_value)}"
    )

    def on(key: tuple[str, str], value: Number, other: Number, related: str) -> Finding:
        row, column = key
        return Finding(
            mismatch.rule,
            Severity.WARNING,
            message,
            table=mismatch.table,
            row=row,
            column=column,
            printed=value,
            expected=other,
            related=related,
        )

    return (
        on(mismatch.later_key, mismatch.later_value, mismatch.earlier_value, pair.earlier.path),
        on(mismatch.earlier_key, mismatch.earlier_value, mismatch.later_value, pair.later.path),
    )


def year_end_count(cells: StatsRow, row: str) -> Number | None:
    """A project count at the end of a report's year (2019 form): 上一年项目数量 plus 本年增/减."""
    previous, change = number(cells, "二", row, "previous"), number(cells, "二", row, "change")
    return previous + change if previous is not None and change is not None else None


def carried_over_mismatches(pair: YearPair) -> list[Mismatch]:
    """Table 三: this year's 上年结转 against last year's 结转下年度继续办理, per applicant column."""
    mismatches = []
    for column in [*APPLICANT_COLUMNS, "total"]:
        later = number(pair.later_cells, "三", "carried_over", column)
        earlier = number(pair.earlier_cells, "三", "carried_forward", column)
        if later is None or earlier is None or same(later, earlier):
            continue
        label = f"（{column_spec('三', column).label}）"
        later_text = f"“{row_spec('三', 'carried_over').label}”{label}"
        earlier_text = f"“{row_spec('三', 'carried_forward').label}”{label}"
        keys = ("carried_over", column), ("carried_forward", column)
        mismatches.append(Mismatch(CARRIED_OVER, "三", keys[0], later, later_text, keys[1], earlier, earlier_text))
    return mismatches


def previous_items_mismatches(pair: YearPair) -> list[Mismatch]:
    """Table 二 (both years on the 2019 form): this year's 上一年项目数量 against last year's count."""
    if pair.earlier.report.format != "2019" or pair.later.report.format != "2019":
        return []
    mismatches = []
    for row in PROJECT_ROWS:
        later = number(pair.later_cells, "二", row, "previous")
        earlier = year_end_count(pair.earlier_cells, row)
        if later is None or earlier is None or same(later, earlier):
            continue
        label = table2_row_label("2019", row)
        later_text = f"“{label}”的“上一年项目数量”"
        earlier_text = f"“{label}”的“上一年项目数量”加“本年增/减”"
        key = (row, "previous")
        mismatches.append(Mismatch(PREVIOUS_ITEMS, "二", key, later, later_text, key, earlier, earlier_text))
    return mismatches


def cross_year_findings(archive: Archive, stats: dict[str, StatsRow]) -> dict[str, list[Finding]]:
    """Every broken cross-year rule, as findings by the page path of the report they belong to."""
    found: dict[str, list[Finding]] = {}
    for pair in year_pairs(archive, stats):
        for mismatch in carried_over_mismatches(pair) + previous_items_mismatches(pair):
            on_later, on_earlier = mismatch_findings(pair, mismatch)
            found.setdefault(pair.later.path, []).append(on_later)
            found.setdefault(pair.earlier.path, []).append(on_earlier)
    return found


def add_cross_year_findings(archive: Archive, stats: dict[str, StatsRow]) -> int:
    """Add the findings to the reports of the archive's pages (before they are rendered);
    returns how many were added."""
    found = cross_year_findings(archive, stats)
    for page in archive.pages:
        page.report.add_findings(found.get(page.path, []))
    return sum(len(findings) for findings in found.values())
