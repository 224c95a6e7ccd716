"""Key figures of the reports, for comparisons across years: an agency's time series as a table and
as bar charts drawn at build time (inline SVG, no script).

A figure is one cell, or the sum of a few cells, that both official forms (2019 and 2021) share,
so a series never mixes the two forms' meanings. A figure is missing, never 0, when its cells are
all blank or absent, or when one of them is uncertain: a chart shows a gap and says why.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..reading.regions import region_chain
from .archive import AgencyEntry, Archive, ReportPage
from .datasets import CELL_KEYS, NUMBER, UNCERTAIN, StatsRow
from .labels import form_label

KEY_POSITION = {key.name: index for index, key in enumerate(CELL_KEYS)}


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    cells: tuple[str, ...]  # download column names whose sum it is


def total_of(group: str) -> tuple[str, ...]:
    return tuple(
        key.name for key in CELL_KEYS if key.table == "三" and key.row.startswith(group) and key.column == "total"
    )


FIGURES: tuple[Figure, ...] = (
    Figure("received", "新收申请", ("t3.received.total",)),
    Figure("disclosed", "予以公开", ("t3.disclosed.total",)),
    Figure("partly_disclosed", "部分公开", ("t3.partly_disclosed.total",)),
    Figure("withheld", "不予公开", total_of("withheld_")),
    Figure("unavailable", "无法提供", total_of("unavailable_")),
    Figure("not_processed", "不予处理", total_of("not_processed_")),
    Figure("outcomes_total", "办理结果总计", ("t3.outcomes_total.total",)),
    Figure("review", "行政复议", ("t4.review.total",)),
    Figure("litigation", "行政诉讼", ("t4.litigation_direct.total", "t4.litigation_after_review.total")),
    Figure("licensing", "行政许可决定", ("t2.licensing.decisions",)),
    Figure("penalties", "行政处罚决定", ("t2.penalties.decisions",)),
)
CHARTED = ("received", "review", "litigation")  # the figures drawn as charts on an agency page


def figure_states(stats: StatsRow, figure: Figure) -> list[str]:
    """The state of each cell the figure sums (NUMBER, BLANK, UNCERTAIN or ABSENT)."""
    return [stats.states[KEY_POSITION[name]] for name in figure.cells]


def figure_value(stats: StatsRow, figure: Figure) -> int | float | None:
    """The figure's number, or None when nothing was reported or a cell is uncertain. Within a
    sum, a blank cell counts as 0 once another cell has a number (as the consistency rules do)."""
    states = figure_states(stats, figure)
    if UNCERTAIN in states or NUMBER not in states:
        return None
    return sum(stats.values[KEY_POSITION[name]] or 0 for name, state in zip(figure.cells, states, strict=True))


@dataclass(frozen=True)
class SeriesRow:
    year: int
    form: str
    values: tuple[int | float | None, ...]  # one per FIGURES entry


def agency_series(agency: AgencyEntry, stats: dict[str, StatsRow]) -> list[SeriesRow]:
    """One row per report of the agency, oldest year first."""
    rows = []
    for page in sorted(agency.pages, key=lambda p: p.report.year or 0):
        row = stats[page.report.source.path]
        form = form_label(page.report.format)
        rows.append(SeriesRow(page.report.year or 0, form, tuple(figure_value(row, f) for f in FIGURES)))
    return rows


@dataclass(frozen=True)
class Bar:
    label: str
    value: int | float | None
    x: float
    y: float
    height: float


@dataclass(frozen=True)
class BarChart:
    """A bar chart laid out in SVG user units; the template draws it."""

    title: str
    width: int
    height: int
    baseline: float
    bar_width: float
    bars: tuple[Bar, ...]

    @property
    def has_gaps(self) -> bool:
        return any(bar.value is None for bar in self.bars)


CHART_HEIGHT = 160
PLOT_TOP, PLOT_BOTTOM = 22, 130  # room for the value above a bar and the year below
SLOT = 56


def bar_chart(title: str, points: list[tuple[str, int | float | None]]) -> BarChart:
    """Bars scaled to the largest value; a missing value gets no bar (a gap), and 0 a flat bar."""
    largest = max((value for _, value in points if value), default=0) or 1
    width = max(320, SLOT * len(points) + 20)
    bar_width = SLOT * 0.6
    bars = []
    for index, (label, value) in enumerate(points):
        height = (PLOT_BOTTOM - PLOT_TOP) * (value or 0) / largest
        x = 10 + SLOT * index + (SLOT - bar_width) / 2
        bars.append(Bar(label, value, round(x, 1), round(PLOT_BOTTOM - height, 1), round(height, 1)))
    return BarChart(title, width, CHART_HEIGHT, PLOT_BOTTOM, round(bar_width, 1), tuple(bars))


def agency_charts(series: list[SeriesRow]) -> list[BarChart]:
    charts = []
    for key in CHARTED:
        index = next(i for i, figure in enumerate(FIGURES) if figure.key == key)
        charts.append(bar_chart(FIGURES[index].label, [(f"{row.year}", row.values[index]) for row in series]))
    return charts


# ---- Summaries of a group of reports: a region, a year, the whole archive ----

SHARED = ("disclosed", "partly_disclosed", "withheld")  # outcome shares, of 办理结果总计
FIGURE_INDEX = {figure.key: index for index, figure in enumerate(FIGURES)}


@dataclass(frozen=True)
class Summary:
    """Totals of a group of reports. Sums cover the reports that give the figure; the outcome
    shares cover the reports that give both the outcome and 办理结果总计."""

    reports: int
    failed_checks: int  # reports with at least one failed consistency check
    received: int | float | None
    reporting: int  # reports that give 新收申请
    outcomes_total: int | float | None
    shares: tuple[float | None, ...]  # one per SHARED entry, 0..1

    @property
    def received_per_report(self) -> str:
        """New applications per report that gives the figure, to one decimal."""
        return "" if self.received is None or not self.reporting else f"{self.received / self.reporting:,.1f}"

    def share_text(self, index: int) -> str:
        share = self.shares[index]
        return "" if share is None else f"{share:.0%}"


def summarize(pages: list[ReportPage], stats: dict[str, StatsRow]) -> Summary:
    received: list[int | float] = []
    outcome_totals: list[int | float] = []
    parts: dict[str, list[tuple[int | float, int | float]]] = {key: [] for key in SHARED}
    failed = 0
    for page in pages:
        row = stats[page.report.source.path]
        failed += bool(page.report.failed_checks)
        value = figure_value(row, FIGURES[FIGURE_INDEX["received"]])
        if value is not None:
            received.append(value)
        total = figure_value(row, FIGURES[FIGURE_INDEX["outcomes_total"]])
        if total is not None:
            outcome_totals.append(total)
            for key in SHARED:
                part = figure_value(row, FIGURES[FIGURE_INDEX[key]])
                if part is not None:
                    parts[key].append((part, total))
    shares = []
    for key in SHARED:
        denominator = sum(total for _, total in parts[key])
        shares.append(sum(part for part, _ in parts[key]) / denominator if denominator else None)
    return Summary(
        reports=len(pages),
        failed_checks=failed,
        received=sum(received) if received else None,
        reporting=len(received),
        outcomes_total=sum(outcome_totals) if outcome_totals else None,
        shares=tuple(shares),
    )


def by_year(pages: list[ReportPage]) -> dict[int, list[ReportPage]]:
    """The pages grouped by report year, newest first."""
    groups: dict[int, list[ReportPage]] = {}
    for page in pages:
        groups.setdefault(page.report.year or 0, []).append(page)
    return dict(sorted(groups.items(), reverse=True))


def yearly_summaries(pages: list[ReportPage], stats: dict[str, StatsRow]) -> list[tuple[int, Summary]]:
    return [(year, summarize(group, stats)) for year, group in by_year(pages).items()]


RANKED = 10


def top_received(pages: list[ReportPage], stats: dict[str, StatsRow]) -> list[tuple[ReportPage, int | float]]:
    """The reports with the most new applications (新收申请), most first; ties by archive order."""
    figure = FIGURES[FIGURE_INDEX["received"]]
    valued = [(page, figure_value(stats[page.report.source.path], figure)) for page in pages]
    ranked = sorted(((p, v) for p, v in valued if v is not None), key=lambda item: -item[1])
    return ranked[:RANKED]


def subtree_pages(archive: Archive) -> dict[str, list[ReportPage]]:
    """Every region's reports, its sub-regions' included."""
    pages: dict[str, list[ReportPage]] = {code: [] for code in archive.regions}
    for page in archive.pages:
        for code, _name, _level in region_chain(page.report.region):
            pages[code].append(page)
    return pages


# ---- The outcome mix of an agency's years, as 100 % stacked bars ----

MIX = (("disclosed", "予以公开"), ("partly_disclosed", "部分公开"), ("withheld", "不予公开"))
MIX_OTHER = "其他结果"  # 无法提供, 不予处理, 其他处理: the rest of 办理结果总计


@dataclass(frozen=True)
class Segment:
    label: str
    value: int | float
    y: float
    height: float


@dataclass(frozen=True)
class StackedBar:
    label: str
    x: float
    segments: tuple[Segment, ...]  # empty: the year's mix is unknown (a gap)


@dataclass(frozen=True)
class StackedChart:
    title: str
    width: int
    height: int
    baseline: float
    bar_width: float
    legend: tuple[str, ...]
    bars: tuple[StackedBar, ...]

    @property
    def has_gaps(self) -> bool:
        return any(not bar.segments for bar in self.bars)


def outcome_mix(row: SeriesRow) -> list[tuple[str, int | float]] | None:
    """The year's outcomes as (label, count) adding up to 办理结果总计, or None if not all known."""
    total = row.values[FIGURE_INDEX["outcomes_total"]]
    parts = [(label, row.values[FIGURE_INDEX[key]]) for key, label in MIX]
    if not total or any(value is None for _, value in parts):
        return None
    other = total - sum(value for _, value in parts)
    return [*parts, (MIX_OTHER, other)] if other >= 0 else None


def mix_chart(series: list[SeriesRow]) -> StackedChart:
    width = max(320, SLOT * len(series) + 20)
    bar_width = SLOT * 0.6
    bars = []
    for index, row in enumerate(series):
        x = round(10 + SLOT * index + (SLOT - bar_width) / 2, 1)
        mix = outcome_mix(row)
        segments = []
        if mix:
            total = sum(value for _, value in mix)
            top = PLOT_BOTTOM
            for label, value in mix:
                height = (PLOT_BOTTOM - PLOT_TOP) * value / total
                top -= height
                segments.append(Segment(label, value, round(top, 1), round(height, 1)))
        bars.append(StackedBar(f"{row.year}", x, tuple(segments)))
    legend = (*(label for _, label in MIX), MIX_OTHER)
    return StackedChart("办理结果构成", width, CHART_HEIGHT, PLOT_BOTTOM, round(bar_width, 1), legend, tuple(bars))
