"""Key figures of the reports, for comparisons across years: an agency's time series as a table and
as bar charts drawn at build time (inline SVG, no script).

A figure is one cell, or the sum of a few cells, that both official forms (2019 and 2021) share,
so a series never mixes the two forms' meanings. A figure is missing, never 0, when its cells are
all blank or absent, or when one of them is uncertain: a chart shows a gap and says why.
"""

from __future__ import annotations

from dataclasses import dataclass

from .archive import AgencyEntry
from .datasets import CELL_KEYS, NUMBER, UNCERTAIN, StatsRow

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


def figure_value(stats: StatsRow, figure: Figure) -> int | float | None:
    """The figure's number, or None when nothing was reported or a cell is uncertain. Within a
    sum, a blank cell counts as 0 once another cell has a number (as the consistency rules do)."""
    states = [stats.states[KEY_POSITION[name]] for name in figure.cells]
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
        form = f"{page.report.format} 年版" if page.report.format else "未能识别"
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
