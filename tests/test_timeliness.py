"""Timeliness (build_scripts/site/timeliness.py): the deadline of each kind of agency, which date
decides, what a report's date alone can and cannot show, the real fixtures, and a built site's
report and region pages."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from build_scripts.model import Provenance, Region, Report, SourceFile
from build_scripts.reading.readers import read_report
from build_scripts.site.timeliness import (
    DEPARTMENT_RULE,
    GOVERNMENT_RULE,
    LATE,
    NO_DEADLINE,
    NO_KIND,
    NO_YEAR,
    NOT_ASSESSED,
    NOT_ASSESSED_TEXTS,
    ON_TIME,
    UNKNOWN,
    summarize_timeliness,
    timeliness,
)

from .conftest import REAL_FIXTURES, REPORTS, build_into


def report(
    agency: str, kind: str, year: int | None = 2023, printed: str | None = None, page: str | None = None
) -> Report:
    source = SourceFile(f"{agency}.txt", "0" * 64, 1, "text/plain")
    region = Region("某省", "某市", "某县", "110101", resolved=True)
    found = Report(source, f"{agency}{year}年报告", agency, year, "2021", region, printed, None, [], [], kind=kind)
    return dataclasses.replace(found, provenance=Provenance(published=page))


def test_departments_publish_by_31_january_and_governments_by_31_march() -> None:
    department = timeliness(report("某县科学技术局", "science-technology", page="2024-01-31"))
    assert (department.status, department.deadline, department.rule) == (ON_TIME, "2024-01-31", DEPARTMENT_RULE)
    late = timeliness(report("某县科学技术局", "science-technology", page="2024-02-01"))
    assert (late.status, late.days_late) == (LATE, 1)
    government = timeliness(report("某县人民政府", "government", page="2024-03-31"))
    assert (government.status, government.deadline, government.rule) == (ON_TIME, "2024-03-31", GOVERNMENT_RULE)
    office = timeliness(report("某县人民政府办公室", "government", page="2024-03-31"))
    assert (office.status, office.deadline, office.days_late) == (
        LATE,
        "2024-01-31",
        60,
    )  # a department of its government
    township = timeliness(report("某镇人民政府", "township", page="2025-12-31"))
    assert (township.status, township.not_assessed) == (NOT_ASSESSED, NO_DEADLINE)
    no_year = timeliness(report("某县科学技术局", "science-technology", year=None, page="2025-12-31"))
    assert (no_year.status, no_year.not_assessed) == (NOT_ASSESSED, NO_YEAR)
    # A zone's 管委会 may answer for its area as a government does: no guessed deadline.
    zone = timeliness(report("平潭综合实验区", "other", page="2025-03-10"))
    assert (zone.status, zone.not_assessed, zone.text) == (NOT_ASSESSED, NO_KIND, NOT_ASSESSED_TEXTS[NO_KIND])


def test_the_page_date_decides_and_the_report_date_can_only_show_lateness() -> None:
    both = timeliness(report("某县财政局", "finance", printed="2024-03-01", page="2024-01-20"))
    assert (both.status, both.evidence, both.date) == (ON_TIME, "网页发布日期", "2024-01-20")
    dated_late = timeliness(report("某县财政局", "finance", printed="2024-02-10"))
    assert (dated_late.status, dated_late.evidence, dated_late.days_late) == (LATE, "印发日期", 10)
    dated_in_time = timeliness(report("某县财政局", "finance", printed="2024-01-10"))
    assert (dated_in_time.status, dated_in_time.evidence) == (UNKNOWN, "印发日期")
    assert "不知网页发布日期" in dated_in_time.text
    assert timeliness(report("某县财政局", "finance")).status == UNKNOWN
    assert timeliness(report("某县财政局", "finance", printed="2024-13-45")).status == UNKNOWN  # not a date


def test_a_regions_summary_counts_every_status() -> None:
    reports = [
        report("某县财政局", "finance", page="2024-01-20"),
        report("某县民政局", "civil-affairs", page="2024-02-20"),
        report("某县司法局", "justice"),
        report("某镇人民政府", "township"),
    ]
    summary = summarize_timeliness(reports)
    assert (summary.on_time, summary.late, summary.unknown, summary.not_assessed) == (1, 1, 1, 1)
    assert "按时公布 1 份，逾期 1 份，无法判断 1 份" in summary.text and "另有 1 份不作判断" in summary.text
    assert summarize_timeliness([report("某镇人民政府", "township")]).text == ""


@pytest.mark.parametrize("path", REAL_FIXTURES, ids=lambda p: p.name)
def test_the_real_reports_are_judged_by_their_own_dates(path: Path) -> None:
    found = read_report(path, path.name)
    result = timeliness(found)
    if result.status == NOT_ASSESSED:  # 平潭综合实验区: a zone's 管委会, no guessed deadline
        assert found.kind == "other" and result.not_assessed == NO_KIND
    elif found.provenance.published:  # the page's own date decides
        assert result.evidence == "网页发布日期" and result.date == found.provenance.published
        assert result.status == (ON_TIME if result.date <= result.deadline else LATE)
    else:
        assert result.status in {UNKNOWN, LATE}
    if path.name == "shanghai-office-2019.fragment.html":  # its page says 2020-01-31: the last day
        assert (result.status, result.deadline, result.rule) == (ON_TIME, "2020-01-31", DEPARTMENT_RULE)
    if path.name.startswith("pingtan"):
        assert result.status == NOT_ASSESSED


STATUS_WORDS = {"按时公布": ON_TIME, "逾期": LATE, "无法判断": UNKNOWN, "不判断": NOT_ASSESSED, "未规定": NOT_ASSESSED}
SUMMARY = re.compile(r"按时公布 (\d+) 份，逾期 (\d+) 份，无法判断 (\d+) 份")


def test_report_pages_say_it_and_province_pages_add_it_up(tmp_path: Path) -> None:
    options, result = build_into(tmp_path, REPORTS)
    statuses = []
    for outcome in result.published:
        page = (options.content_dir / outcome.page).read_text(encoding="utf-8")
        [line] = re.findall(r"^- 公布时限：(.*)$", page, re.M)
        statuses += [status for word, status in STATUS_WORDS.items() if word in line]
    assert len(statuses) == len(result.published)
    # Every report lies in exactly one province (or the unresolved group): their pages add up to it.
    totals = [0, 0, 0]
    for folder in (options.site_dir / "regions").iterdir():
        if folder.is_dir() and not re.fullmatch(r"\d{2}(?!0000)\d{4}", folder.name):
            found = SUMMARY.search((folder / "index.html").read_text(encoding="utf-8"))
            totals = [a + int(b) for a, b in zip(totals, found.groups(), strict=True)] if found else totals
    assert totals == [statuses.count(ON_TIME), statuses.count(LATE), statuses.count(UNKNOWN)]
    assert sum(totals) > 0
