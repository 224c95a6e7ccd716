"""Comparisons (build_scripts/site/comparisons.py): key figures, agency time series and their charts, the
charts' data equal to the table beside them and to the reports' own numbers."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from build_scripts.site.comparisons import FIGURES, KEY_POSITION, bar_chart, figure_value
from build_scripts.site.datasets import ABSENT, BLANK, CELL_KEYS, NUMBER, UNCERTAIN, StatsRow

from .benchmarks.synthetic_corpus import make_corpus
from .conftest import SAMPLES, build_into, source_folder


def stats_with(cells: dict[str, tuple[int | None, str]]) -> StatsRow:
    values: list[int | None] = [None] * len(CELL_KEYS)
    states = [ABSENT] * len(CELL_KEYS)
    for name, (value, state) in cells.items():
        values[KEY_POSITION[name]], states[KEY_POSITION[name]] = value, state
    return StatsRow(tuple(values), "".join(states))


LITIGATION = next(figure for figure in FIGURES if figure.key == "litigation")


def test_a_figure_sums_its_cells_and_a_blank_beside_a_number_counts_as_zero() -> None:
    row = stats_with({"t4.litigation_direct.total": (3, NUMBER), "t4.litigation_after_review.total": (None, BLANK)})
    assert figure_value(row, LITIGATION) == 3


def test_a_figure_is_missing_when_nothing_was_reported_or_a_cell_is_uncertain() -> None:
    assert figure_value(stats_with({"t4.litigation_direct.total": (None, BLANK)}), LITIGATION) is None
    assert figure_value(stats_with({}), LITIGATION) is None
    uncertain = {"t4.litigation_direct.total": (3, NUMBER), "t4.litigation_after_review.total": (None, UNCERTAIN)}
    assert figure_value(stats_with(uncertain), LITIGATION) is None


def test_a_missing_value_is_a_gap_and_zero_a_flat_bar() -> None:
    chart = bar_chart("新收申请", [("2021", 10), ("2022", None), ("2023", 0), ("2024", 5)])
    heights = [bar.height for bar in chart.bars]
    assert heights[0] > heights[3] > heights[2] == 0
    assert chart.bars[1].value is None and chart.has_gaps


class SeriesAndCharts(HTMLParser):
    """The series table (one dict per row, keyed by header) and each chart's (label, value) pairs."""

    def __init__(self) -> None:
        super().__init__()
        self.headers: list[str] = []
        self.rows: list[list[str]] = []
        self.charts: dict[str, list[tuple[str, str]]] = {}
        self.in_series = False
        self.cell: list[str] | None = None
        self.chart: str | None = None

    def handle_starttag(self, tag: str, attrs) -> None:
        attributes = dict(attrs)
        if tag == "div" and "archive-series" in (attributes.get("class") or ""):
            self.in_series = True
        elif tag == "svg" and "data-chart" in attributes:
            self.chart = attributes["data-chart"]
            self.charts[self.chart] = []
        elif tag == "g" and self.chart is not None:
            self.charts[self.chart].append((attributes["data-label"], attributes["data-value"]))
        elif self.in_series and tag == "tr":
            self.rows.append([])
        elif self.in_series and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self.in_series = False
        elif tag == "svg":
            self.chart = None
        elif tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append("".join(self.cell).strip())
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)

    def table(self) -> list[dict[str, str]]:
        header, *body = [row for row in self.rows if row]
        return [dict(zip(header, row, strict=True)) for row in body]


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("comparisons")
    make_corpus(8, folder / "reports")
    source_folder(folder / "reports", SAMPLES)
    return build_into(folder, source=folder / "reports")


def agency_pages(site: Path) -> list[tuple[Path, SeriesAndCharts]]:
    """Every agency page with its series table and charts parsed."""
    pages = []
    for page in sorted((site / "agencies").glob("*/index.html")):
        parsed = SeriesAndCharts()
        parsed.feed(page.read_text(encoding="utf-8"))
        pages.append((page, parsed))
    return pages


def test_each_chart_shows_the_numbers_of_the_table_beside_it(archive) -> None:
    options, _ = archive
    charted = 0
    for page, parsed in agency_pages(options.site_dir):
        table = parsed.table()
        for title, points in parsed.charts.items():
            assert points == [(row["年度"], row[title].replace(",", "")) for row in table], (page, title)
            charted += 1
    assert charted >= 6  # two synthetic agencies over four years, three charts each


def report_figures(report: dict) -> dict[str, int | float | None]:
    """The key figures computed straight from a report's JSON, independently of StatsRow."""
    cells = {
        f"t{'二三四'.index(t['number']) + 2}.{c['row']}.{c['column']}": c
        for t in report["statistics"]
        for c in (dict(zip(t["cell_fields"], cell, strict=True)) for cell in t["cells"])
    }
    figures = {}
    for figure in FIGURES:
        found = [cells[name] for name in figure.cells if name in cells]
        numbers = [c["value"] for c in found if c["status"] == "number"]
        uncertain = any(c["status"] == "uncertain" for c in found)
        figures[figure.label] = None if uncertain or not numbers else sum(numbers)
    return figures


def test_the_series_holds_each_reports_own_numbers(archive) -> None:
    options, result = archive
    by_year = {}
    for outcome in result.outcomes:
        report = json.loads((options.content_dir / outcome.page).with_suffix(".json").read_text(encoding="utf-8"))
        agency_dir = re.sub(r"^reports/(\d+)/([^/]+)/.*$", r"\1-\2", outcome.page)
        by_year[(agency_dir, str(report["year"]))] = report_figures(report)
    checked = 0
    for page, parsed in agency_pages(options.site_dir):
        for row in parsed.table():
            expected = by_year[(page.parent.name, row["年度"])]
            assert {label: row[label].replace(",", "") for label in expected} == {  # 1,272: as shown
                label: "" if value is None else str(value) for label, value in expected.items()
            }
            checked += 1
    assert checked == len(result.outcomes)


def page_summary_rows(path: Path) -> tuple[list[dict[str, str]], dict[str, list[tuple[str, str]]]]:
    """The rows of a page's summary table, keyed by header, and its charts."""

    class Summary(SeriesAndCharts):
        def handle_starttag(self, tag: str, attrs) -> None:
            if tag == "div" and "archive-summary" in (dict(attrs).get("class") or ""):
                self.in_series = True
                return
            super().handle_starttag(tag, attrs)

    parsed = Summary()
    parsed.feed(path.read_text(encoding="utf-8"))
    return parsed.table(), parsed.charts


def reports_in(options, result, province: str | None = None) -> list[dict]:
    reports = []
    for outcome in result.outcomes:
        report = json.loads((options.content_dir / outcome.page).with_suffix(".json").read_text(encoding="utf-8"))
        if province is None or report["region"].get("province") == province:
            reports.append(report)
    return reports


def test_a_province_page_totals_its_reports_by_year(archive) -> None:
    options, result = archive
    rows, _ = page_summary_rows(options.site_dir / "regions" / "410000" / "index.html")  # 河南省: three samples
    reports = reports_in(options, result, "河南省")
    expected = {}
    for report in reports:
        year = expected.setdefault(f"{report['year']} 年", {"报告": 0, "新收申请": []})
        year["报告"] += 1
        received = report_figures(report)["新收申请"]
        if received is not None:
            year["新收申请"].append(received)
    assert {row["年度"]: (int(row["报告"]), row["新收申请"]) for row in rows} == {
        year: (values["报告"], str(sum(values["新收申请"])) if values["新收申请"] else "")
        for year, values in expected.items()
    }


def test_the_overview_chart_shows_the_numbers_of_its_table(archive) -> None:
    options, result = archive
    rows, charts = page_summary_rows(options.site_dir / "overview" / "index.html")
    [points] = charts.values()
    assert points == [(row["年度"], row["新收申请"]) for row in reversed(rows)]
    assert sum(int(row["报告"]) for row in rows) == len(result.outcomes)


def test_the_average_counts_only_the_reports_that_give_the_figure(archive) -> None:
    options, result = archive
    rows, _ = page_summary_rows(options.site_dir / "overview" / "index.html")
    given: dict[str, list] = {}
    for report in reports_in(options, result):
        value = report_figures(report)["新收申请"]
        given.setdefault(f"{report['year']} 年", [])
        if value is not None:
            given[f"{report['year']} 年"].append(value)
    assert {row["年度"]: row["每份报告平均新收申请"] for row in rows} == {
        year: f"{sum(values) / len(values):.1f}" if values else "" for year, values in given.items()
    }


def stacked_segments(path: Path) -> dict[str, dict[str, str]]:
    """Each year's outcome mix as drawn: year -> segment label -> count."""
    bars: dict[str, dict[str, str]] = {}

    class Stacked(HTMLParser):
        year: str | None = None

        def handle_starttag(self, tag: str, attrs) -> None:
            attributes = dict(attrs)
            if tag == "g" and "data-label" in attributes:
                self.year = attributes["data-label"]
            elif tag == "rect" and "data-segment" in attributes and self.year:
                bars.setdefault(self.year, {})[attributes["data-segment"]] = attributes["data-value"]

        def handle_startendtag(self, tag: str, attrs) -> None:
            self.handle_starttag(tag, attrs)

    text = path.read_text(encoding="utf-8")
    start = text.find("data-stacked=")
    Stacked().feed(text[text.rfind("<svg", 0, start) : text.find("</svg>", start)])
    return bars


def test_the_outcome_mix_shows_the_numbers_of_the_table(archive) -> None:
    options, _ = archive
    checked = 0
    for page, parsed in agency_pages(options.site_dir):
        if not parsed.charts:
            continue
        drawn = stacked_segments(page)
        for row in parsed.table():
            parts = {label: row[label] for label in ("予以公开", "部分公开", "不予公开")}
            other = int(row["办理结果总计"]) - sum(int(value) for value in parts.values())
            assert drawn[row["年度"]] == {**parts, "其他结果": str(other)}
            checked += 1
    assert checked >= 8


def test_figures_outside_the_tables_have_thousands_separators_and_a_dash_says_why() -> None:
    from build_scripts.site.comparisons import Summary
    from build_scripts.site.labels import thousands
    from build_scripts.site.pages.environment import template_environment
    from build_scripts.site.pages.pieces import summary_table

    assert [thousands(v) for v in (12345, 1234.5, 18651.06, 0, None)] == ["12,345", "1,234.5", "18,651.06", "0", ""]
    summary = Summary(
        reports=1200, failed_checks=3, received=45678, reporting=1000, outcomes_total=None, shares=(None, 0.25, None)
    )
    html = (
        template_environment()
        .get_template("summary_table.html.j2")
        .render(summary_table=summary_table("汇总", "年度", [("2024 年", None, summary)]))
    )
    cells = re.findall(r"<td[^>]*>(.*?)</td>", html)
    assert cells[:4] == ["1,200", "45,678", "45.7", ""] and cells[-1] == "3"
    assert html.count("无法计算：没有报告同时填报此项和办理结果总计") == 4 and '<td class="num">25%</td>' in html
