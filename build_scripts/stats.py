"""`stats`: how much of each report's tables was read — cells, numbers, blanks, uncertain cells —
and which consistency checks failed. For judging the parser on a set of inputs."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .model import CellStatus, Report
from .pipeline import PipelineSettings, read_sources
from .reading.overrides import Overrides


@dataclass(frozen=True)
class TableStats:
    source: str
    tables: str
    cells: int
    numbers: int
    blank: int
    uncertain: int
    checks_failed: list[str]


def report_stats(report: Report) -> TableStats:
    cells = [cell for table in report.statistics for cell in table.cells]
    count = {status: sum(cell.status == status for cell in cells) for status in CellStatus}
    return TableStats(
        source=report.source.path,
        tables="".join(table.number for table in report.statistics) or "-",
        cells=len(cells),
        numbers=count[CellStatus.NUMBER],
        blank=count[CellStatus.BLANK],
        uncertain=count[CellStatus.UNCERTAIN],
        checks_failed=[f"{finding.code}:{finding.row}.{finding.column}" for finding in report.failed_checks],
    )


def pad(text: str, width: int) -> str:
    """Left-justify by display width: Chinese characters take two terminal columns."""
    shown = sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
    return text + " " * max(width - shown, 0)


def stats_table(paths: list[Path]) -> tuple[str, bool]:
    """The stats of every file as a text table, and whether every file could be read."""
    reports, failures = read_sources(paths, PipelineSettings(root=None, overrides=Overrides()))
    rows = [report_stats(report) for report in sorted(reports, key=lambda r: r.source.path)]
    header = (
        f"{pad('source', 40)} {pad('tables', 6)} {'cells':>6} {'numbers':>7} {'blank':>6} {'uncertain':>9}  "
        "checks failed"
    )
    lines = [header]
    for row in rows:
        failed = ", ".join(row.checks_failed) or "-"
        lines.append(
            f"{pad(row.source, 40)} {pad(row.tables, 6)} {row.cells:>6} {row.numbers:>7} {row.blank:>6} "
            f"{row.uncertain:>9}  {failed}"
        )
    totals = [sum(getattr(row, name) for row in rows) for name in ("cells", "numbers", "blank", "uncertain")]
    checks = sum(len(row.checks_failed) for row in rows)
    lines.append(
        f"{pad(f'total ({len(rows)} reports)', 40)} {pad('', 6)} {totals[0]:>6} {totals[1]:>7} {totals[2]:>6} "
        f"{totals[3]:>9}  {checks} failed"
    )
    lines += [f"FAILED {failure.source}: {failure.reason}" for failure in failures]
    return "\n".join(lines), not failures
