"""What the maintainer sees while a build runs (issue 15): progress per stage, and a build report
in the terminal that lists only the sources needing attention."""

from __future__ import annotations

import io
import logging
import re

from build_scripts.build import MAX_LISTED, BuildResult, build_report_text
from build_scripts.model import Finding, Severity, SourceOutcome
from build_scripts.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_in_a_log_progress_is_a_line_at_every_tenth(caplog) -> None:
    caplog.set_level(logging.INFO, logger="build_scripts.progress")
    progress = Progress("reading sources", 1000, stream=io.StringIO())
    for done in range(1, 1001):
        progress.update(done)
    progress.finish()
    lines = [record.getMessage() for record in caplog.records]
    assert re.fullmatch(r"reading sources: 1/1,000, 999 left, [\d,.]+/s", lines[0])
    assert re.fullmatch(r"reading sources: 100/1,000, 900 left, [\d,.]+/s", lines[1])
    assert len(lines) == 11 and lines[-1].startswith("reading sources: 1,000 done in ")


def test_progress_says_what_failed_and_what_is_left(caplog) -> None:
    caplog.set_level(logging.INFO, logger="build_scripts.progress")
    progress = Progress("converting", 40, stream=io.StringIO())
    progress.update(30, failed=3)
    assert re.fullmatch(r"converting: 30/40, 3 failed, 10 left, [\d,.]+/s", caplog.records[-1].getMessage())


def test_on_a_terminal_progress_is_a_bar_redrawn_in_place(caplog) -> None:
    caplog.set_level(logging.INFO, logger="build_scripts.progress")
    terminal = Terminal()
    progress = Progress("reading sources", 10, stream=terminal)
    progress.update(5)
    assert re.fullmatch(r"\rreading sources \[#{12}\.{12}\] 5/10, 5 left, [\d,.]+/s   ", terminal.getvalue())
    assert caplog.records == []  # no line per step: the bar is redrawn


def outcome(name: str, status: str = "published", problem: bool = False) -> SourceOutcome:
    findings = [Finding("section-missing", Severity.WARNING, "未找到第六部分")] if problem else []
    info = [Finding("region-alias", Severity.INFO, "“平潭综合实验区”不是行政区划名称")]
    return SourceOutcome(name, status, f"{name}.md" if status == "published" else None, "broken", findings + info)


def test_the_terminal_report_lists_only_the_sources_that_need_attention() -> None:
    outcomes = [outcome(f"fine-{n:03d}.txt") for n in range(500)]
    outcomes += [outcome(f"bad-{n:03d}.pdf", "failed") for n in range(MAX_LISTED + 7)]
    outcomes.append(outcome("gap.txt", problem=True))
    text = build_report_text(BuildResult(outcomes=outcomes))
    assert "fine-" not in text and "region-alias" not in text  # clean sources and info findings
    assert "gap.txt" not in text  # the 51st and later that need attention are counted, not listed
    assert text.count("FAILED") == MAX_LISTED and "… and 8 more sources that need attention" in text
    assert text.splitlines()[-1] == "558 sources: 501 published, 57 failed, problems: 58"
    quiet = build_report_text(BuildResult(outcomes=[outcome("a.txt")]))
    assert quiet.splitlines()[0] == "  every source was published without a problem"
