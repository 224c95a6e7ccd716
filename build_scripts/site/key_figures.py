"""The numbers people come for, at the top of each report and linked to their cells: new
applications, disclosed, partly disclosed, withheld, administrative reviews and lawsuits (the key
figures of comparisons.py, with the same rule for blank and uncertain cells), and whether the
tables pass their consistency rules. A number that cannot be given is "—" with the reason, never 0.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Report
from .comparisons import FIGURES, Figure, figure_states, figure_value
from .datasets import NUMBER, UNCERTAIN, StatsRow
from .labels import thousands
from .table_views import WITHHELD_ANCHOR, cell_anchor, table_anchor

# The figures shown, and the cell or table each one links to (ids given by table_views.py).
SHOWN = {
    "received": cell_anchor("三", "received", "total"),
    "disclosed": cell_anchor("三", "disclosed", "total"),
    "partly_disclosed": cell_anchor("三", "partly_disclosed", "total"),
    "withheld": WITHHELD_ANCHOR,
    "review": table_anchor("四"),
    "litigation": table_anchor("四"),
}


@dataclass(frozen=True)
class KeyFigure:
    label: str
    text: str  # the number with thousands separators, or "—"
    reason: str | None  # why there is no number
    anchor: str  # the id of the cell or table it comes from ("" for none)


def why_missing(stats: StatsRow, figure: Figure) -> str:
    states = figure_states(stats, figure)
    if UNCERTAIN in states:
        return "数字存疑"
    return "原文未填" if NUMBER not in states else "无法计算"


def key_figures(report: Report, stats: StatsRow) -> list[KeyFigure]:
    figures = []
    for figure in (f for f in FIGURES if f.key in SHOWN):
        value = figure_value(stats, figure)
        if value is None:
            figures.append(KeyFigure(figure.label, "—", why_missing(stats, figure), SHOWN[figure.key]))
        else:
            figures.append(KeyFigure(figure.label, thousands(value), None, SHOWN[figure.key]))
    failed = len(report.failed_checks)
    if not report.statistics:
        figures.append(KeyFigure("勾稽核对", "—", "未找到统计表", ""))
    else:
        checks = f"{failed} 项未通过" if failed else "通过"
        figures.append(KeyFigure("勾稽核对", checks, None, "report-checks" if failed else ""))
    return figures
