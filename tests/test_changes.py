"""The archive's changelog (reading/changes.py): what each build adds to it, that a build which
changes nothing adds nothing, and a site's 更新记录 page and download after sources were added,
corrected and removed."""

from __future__ import annotations

import csv
import io
import shutil
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from build_scripts.reading.changes import (
    CHANGES_NAME,
    Change,
    Published,
    changes_text,
    live_sources,
    new_changes,
    read_changes,
)

from .conftest import SAMPLES, build_into, source_folder

DAY1, DAY2 = date(2025, 3, 1), date(2025, 4, 1)


def source(path: str, sha: str = "s1", numbers: str = "n1", added: str = "") -> Published:
    return Published(path, sha, numbers, f"reports/110000/x/{path}", f"{path} 报告", added)


def kinds(changes: list[Change]) -> list[tuple[str, str]]:
    return [(change.change, change.path) for change in changes]


def test_each_kind_of_change_is_told_apart() -> None:
    first = new_changes([source("a", added="2025-01-05"), source("b", "s2"), source("c", "s3")], [], DAY1)
    assert kinds(first) == [("added", "a"), ("added", "b"), ("added", "c")]
    assert first[0].day == "2025-01-05" and first[1].day == DAY1.isoformat()  # as the ledger dates it
    now = [source("a", numbers="n2"), source("b", "s2b"), source("d", "s3")]  # c renamed to d
    second = new_changes(now, first, DAY2)
    assert kinds(second) == [("corrected", "a"), ("replaced", "b"), ("moved", "d")]
    assert second[2].previous == "c" and {change.day for change in second} == {DAY2.isoformat()}
    third = new_changes([source("a", numbers="n2")], first + second, DAY2)
    assert kinds(third) == [("removed", "b"), ("removed", "d")]
    assert third[0].numbers == "" and third[0].title == "b 报告"
    back = new_changes(
        [source("a", numbers="n2"), source("b", "s2b", added="2025-01-05")], first + second + third, DAY2
    )
    assert kinds(back) == [("added", "b")] and back[0].day == DAY2.isoformat()  # restored: dated today


published_sets = st.lists(
    st.builds(
        source,
        st.sampled_from(["a.pdf", "b.html", "c.txt", "d.docx"]),
        st.sampled_from(["s1", "s2", "s3"]),
        st.sampled_from(["n1", "n2"]),
    ),
    max_size=4,
    unique_by=lambda published: published.path,
)


@given(st.lists(published_sets, min_size=1, max_size=5))
def test_a_build_that_changes_nothing_adds_nothing_and_the_log_follows_the_sources(builds) -> None:
    log: list[Change] = []
    for published in builds:
        log += new_changes(published, log, DAY1)
        assert new_changes(published, log, DAY2) == []  # the same sources again: no change
        live = live_sources(log)
        assert {path: (c.sha256, c.numbers) for path, c in live.items()} == {
            p.path: (p.sha256, p.numbers) for p in published
        }


def test_the_log_reads_back_and_a_damaged_line_is_a_problem(tmp_path: Path) -> None:
    log = new_changes([source("a"), source("b", "s2")], [], DAY1)
    path = tmp_path / CHANGES_NAME
    path.write_text(changes_text(log) + "2025-02-30,added,x,y,z,r,t,\n" + "2025-02-01,vanished,x,y,z,r,t,\n")
    read, problems = read_changes(path)
    assert read == log and len(problems) == 2


def one_number_more(text: str) -> str:
    """The text with the first number of its tables (a line of cells) one larger."""
    lines = text.split("\n")
    for index, line in enumerate(lines):
        cells = line.split("\t")
        numeric = [position for position, cell in enumerate(cells) if cell.strip().isdigit()]
        if len(cells) > 2 and numeric:
            cells[numeric[0]] = str(int(cells[numeric[0]]) + 1)
            lines[index] = "\t".join(cells)
            return "\n".join(lines)
    raise AssertionError("no table line")


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    return source_folder(tmp_path / "reports", SAMPLES[:3])


def test_a_site_lists_what_was_added_corrected_and_removed(sources: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764547200")  # 2025-12-01
    build_into(tmp_path / "first", source=sources)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1765152000")  # 2025-12-08
    shutil.copy(SAMPLES[3], sources / SAMPLES[3].name)
    (sources / SAMPLES[0].name).unlink()
    (sources / SAMPLES[1].name).write_text(one_number_more(SAMPLES[1].read_text(encoding="utf-8")), encoding="utf-8")
    options, result = build_into(tmp_path / "second", source=sources)
    assert result.site_warnings == [] or all("SQL" in warning for warning in result.site_warnings)

    log, problems = read_changes(sources / CHANGES_NAME)
    assert problems == []
    latest = [(change.change, change.path) for change in log if change.day == "2025-12-08"]
    assert sorted(latest) == sorted(
        [("added", SAMPLES[3].name), ("corrected", SAMPLES[1].name), ("removed", SAMPLES[0].name)]
    )
    html = (options.site_dir / "changes" / "index.html").read_text(encoding="utf-8")
    assert "<td>2025-12-08</td>" in html and html.index("2025-12-08") < html.index("2025-12-01")
    rows = list(csv.DictReader(io.StringIO((options.site_dir / "data" / "archive-changes.csv").read_text("utf-8-sig"))))
    assert [(row["day"], row["change"], row["source_file"]) for row in rows] == [(c.day, c.change, c.path) for c in log]
    # A report still published is linked; a removed one is named only.
    removed = next(change for change in log if change.change == "removed")
    corrected = next(change for change in log if change.change == "corrected")
    assert f'href="../{corrected.report}/"' in html and f'href="../{removed.report}/"' not in html

    # Building again from the same folder changes nothing: the same page.
    again, _ = build_into(tmp_path / "third", source=sources)
    assert (again.site_dir / "changes" / "index.html").read_bytes() == html.encode("utf-8")
    assert read_changes(sources / CHANGES_NAME)[0] == log
