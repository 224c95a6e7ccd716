"""Cross-year reconciliation (build_scripts/site/cross_year.py) on generated pairs of years: consistent,
broken in one column, a missing year, the 2019 form's project counts, blanks and second copies; then
on a built site, where the findings reach both report pages, the agency page and the quality page."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from build_scripts.forms import APPLICANT_COLUMNS
from build_scripts.model import Finding, Region, Report, Severity, SourceFile
from build_scripts.site.archive import build_archive
from build_scripts.site.cross_year import CARRIED_OVER, PREVIOUS_ITEMS, PROJECT_ROWS, cross_year_findings
from build_scripts.site.datasets import ABSENT, BLANK, CELL_KEYS, KEY_INDEX, NUMBER, StatsRow

from .benchmarks.synthetic_corpus import make_corpus
from .conftest import build_into

COLUMNS = [*APPLICANT_COLUMNS, "total"]


def report(year: int, form: str = "2021", name: str = "某县科学技术局", copy: str = "") -> Report:
    source = SourceFile(f"{name}-{year}{copy}.txt", f"{year}{copy}".ljust(64, "0"), 100, "text/plain")
    region = Region("某省", "某市", "某县", "110101", resolved=True)
    return Report(source, f"{name}{year}年政府信息公开工作年度报告", name, year, form, region, None, None, [], [])


def cells(values: dict[tuple[str, str, str], int | None]) -> StatsRow:
    """A report's cells: a number, or None for a blank; every other cell absent."""
    numbers: list[int | None] = [None] * len(CELL_KEYS)
    states = [ABSENT] * len(CELL_KEYS)
    for key, value in values.items():
        numbers[KEY_INDEX[key]], states[KEY_INDEX[key]] = value, NUMBER if value is not None else BLANK
    return StatsRow(tuple(numbers), "".join(states))


def table3(carried_over: list[int | None], carried_forward: list[int | None]) -> dict:
    values = {("三", "carried_over", c): v for c, v in zip(COLUMNS, carried_over, strict=True)}
    return values | {("三", "carried_forward", c): v for c, v in zip(COLUMNS, carried_forward, strict=True)}


def findings_of(reports: list[Report], stats: dict[str, StatsRow]) -> dict[int, list[Finding]]:
    """The cross-year findings by the year of the report they are on."""
    archive = build_archive(reports)
    found = cross_year_findings(archive, stats)
    return {page.report.year: found.get(page.path, []) for page in archive.pages}


counts = st.lists(st.integers(0, 50), min_size=len(COLUMNS), max_size=len(COLUMNS))


@given(counts, counts, counts)
def test_consecutive_years_that_hand_on_their_open_requests_break_no_rule(first, second, third) -> None:
    years = [report(2021), report(2022), report(2023)]
    stats = {
        years[0].source.path: cells(table3([0] * len(COLUMNS), first)),
        years[1].source.path: cells(table3(first, second)),
        years[2].source.path: cells(table3(second, third)),
    }
    assert findings_of(years, stats) == {2021: [], 2022: [], 2023: []}


@given(counts, st.integers(0, len(COLUMNS) - 1), st.integers(1, 9))
def test_one_column_broken_is_one_finding_on_each_report(forward, column, off) -> None:
    earlier, later = report(2022), report(2023)
    carried = list(forward)
    carried[column] += off
    stats = {earlier.source.path: cells(table3(forward, forward)), later.source.path: cells(table3(carried, forward))}
    found = findings_of([earlier, later], stats)
    [on_later], [on_earlier] = found[2023], found[2022]
    assert on_later.code == on_earlier.code == CARRIED_OVER and on_later.severity == Severity.WARNING
    assert (on_later.row, on_later.column, on_later.printed, on_later.expected) == (
        "carried_over",
        COLUMNS[column],
        forward[column] + off,
        forward[column],
    )
    assert (on_earlier.row, on_earlier.column, on_earlier.printed, on_earlier.expected) == (
        "carried_forward",
        COLUMNS[column],
        forward[column],
        forward[column] + off,
    )
    assert on_later.message == on_earlier.message  # both years named, the same words on both pages
    assert "2023 年度报告" in on_later.message and "2022 年度报告" in on_later.message
    assert on_later.related.endswith("2022.md") and on_earlier.related.endswith("2023.md")


def test_a_missing_year_a_blank_and_a_second_copy_are_never_compared() -> None:
    broken = cells(table3([5] * len(COLUMNS), [1] * len(COLUMNS)))
    a2021, a2023 = report(2021), report(2023)  # no 2022: 2021 and 2023 are not consecutive
    assert findings_of([a2021, a2023], {a2021.source.path: broken, a2023.source.path: broken}) == {2021: [], 2023: []}
    blank = cells(table3([None] * len(COLUMNS), [1] * len(COLUMNS)))
    b2022, b2023 = report(2022), report(2023)
    assert findings_of([b2022, b2023], {b2022.source.path: broken, b2023.source.path: blank}) == {2022: [], 2023: []}
    # A second copy of 2023 (its source sorts after the main copy's) is not compared with 2022.
    main, copy, before = report(2023), report(2023, copy="z"), report(2022)
    consistent = cells(table3([1] * len(COLUMNS), [1] * len(COLUMNS)))
    stats = {main.source.path: consistent, before.source.path: consistent, copy.source.path: broken}
    archive = build_archive([main, copy, before])
    found = cross_year_findings(archive, stats)
    assert all(not found.get(page.path) for page in archive.pages)


def table2(previous: int | None, change: int | None) -> dict:
    return {("二", row, "previous"): previous for row in PROJECT_ROWS} | {
        ("二", row, "change"): change for row in PROJECT_ROWS
    }


def test_project_counts_on_the_2019_form_carry_last_years_count_plus_its_change() -> None:
    earlier, later = report(2019, "2019"), report(2020, "2019")
    stats = {earlier.source.path: cells(table2(10, 3)), later.source.path: cells(table2(13, -2))}
    assert findings_of([earlier, later], stats) == {2019: [], 2020: []}
    stats[later.source.path] = cells(table2(12, 0))
    found = findings_of([earlier, later], stats)
    assert {f.code for f in found[2020]} == {PREVIOUS_ITEMS} and len(found[2020]) == len(PROJECT_ROWS)
    assert {(f.printed, f.expected) for f in found[2020]} == {(12, 13)}
    assert {(f.printed, f.expected) for f in found[2019]} == {(13, 12)}
    # The 2021 form prints no project counts: a 2019-form year before a 2021-form year is not compared.
    on_2021 = report(2020, "2021")
    stats[on_2021.source.path] = cells(table2(12, 0))
    assert findings_of([earlier, on_2021], stats) == {2019: [], 2020: []}


def test_a_broken_carry_over_shows_on_both_pages_the_agency_page_and_the_quality_page(tmp_path: Path) -> None:
    source = tmp_path / "reports"
    make_corpus(8, source)  # two agencies, 2021–2024 each, every year taking up what the last handed on
    later = source / "synthetic_000002.txt"  # the first agency's 2023 report
    text = later.read_text(encoding="utf-8")
    row = re.search(r"^(二、上年结转政府信息公开申请数量\t\t)(\d+)((?:\t\d+){5})\t(\d+)$", text, re.M)
    assert row is not None
    edited = f"{row[1]}{int(row[2]) + 7}{row[3]}\t{int(row[4]) + 7}"  # 自然人 and 总计 7 more
    later.write_text(text.replace(row[0], edited), encoding="utf-8")
    options, result = build_into(tmp_path, source)
    found = {o.source: [f for f in o.findings if f.code == CARRIED_OVER] for o in result.published}
    assert {(f.column, f.printed - f.expected) for f in found["synthetic_000002.txt"]} == {
        ("natural_person", 7),
        ("total", 7),
    }
    assert {(f.column, f.printed - f.expected) for f in found["synthetic_000001.txt"]} == {
        ("natural_person", -7),
        ("total", -7),
    }
    assert [name for name, findings in found.items() if findings] == ["synthetic_000001.txt", "synthetic_000002.txt"]
    page = {o.source: options.site_dir / o.page.removesuffix(".md") / "index.html" for o in result.published}
    later_html, earlier_html = page["synthetic_000002.txt"].read_text(), page["synthetic_000001.txt"].read_text()
    assert later_html.count('href="../2022/">查看该年度报告') == 2 and '../2024/">查看该年度报告' not in later_html
    assert earlier_html.count('href="../2023/">查看该年度报告') == 2
    agency_pages = [p.read_text() for p in (options.site_dir / "agencies").rglob("index.html")]
    with_checks = [p for p in agency_pages if '<h2 id="跨年度核对">' in p or "跨年度核对</h2>" in p]
    assert len(with_checks) == 1 and with_checks[0].count("2023 年度报告“二、上年结转") == 2
    quality = (options.site_dir / "quality" / "index.html").read_text()
    assert quality.count("查看该年度报告") == 4
