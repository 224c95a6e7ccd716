"""The day each report joined the archive, kept across rebuilds (reading/ledger.py), and the Atom
feeds and 最近收录 list built from it (site/feeds.py) (issue 15)."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest

from build_scripts.reading.ledger import LedgerEntry, days_added, ledger_text, read_ledger
from build_scripts.site.feeds import FEED_SIZE

from .conftest import SAMPLES, build_into, source_folder

ATOM = "{http://www.w3.org/2005/Atom}"


def test_a_source_keeps_its_day_when_renamed_and_a_new_one_gets_today() -> None:
    entries = [LedgerEntry("old/a.txt", "aaa", "2025-03-01"), LedgerEntry("gone.txt", "ggg", "2024-01-01")]
    days, updated = days_added([("new/a.txt", "aaa"), ("b.txt", "bbb")], entries, date(2026, 12, 2))
    assert days == {"new/a.txt": "2025-03-01", "b.txt": "2026-12-02"}
    assert [(e.path, e.added) for e in updated] == [
        ("b.txt", "2026-12-02"),
        ("gone.txt", "2024-01-01"),  # a source removed and put back keeps its day
        ("new/a.txt", "2025-03-01"),
    ]


def test_a_damaged_ledger_line_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "added.csv"
    good = LedgerEntry("a.txt", "aaa", "2025-03-01")
    path.write_text(ledger_text([good]) + "b.txt,bbb,2025-02-30\n", encoding="utf-8")
    entries, problems = read_ledger(path)
    assert entries == [good] and problems == ["added.csv line 3: not a path, a SHA-256 and a date YYYY-MM-DD; ignored"]


def feed_entries(path: Path) -> list[tuple[str, str]]:
    root = ET.parse(path).getroot()
    return [(e.findtext(f"{ATOM}title"), e.findtext(f"{ATOM}updated")[:10]) for e in root.iter(f"{ATOM}entry")]


@pytest.mark.slow
def test_feeds_and_the_home_list_follow_the_day_added_across_rebuilds(tmp_path: Path, monkeypatch) -> None:
    source = source_folder(tmp_path / "reports", SAMPLES[:3])
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764547200")  # 2025-12-01
    options, _ = build_into(tmp_path / "one", source=source, index=False)
    first = feed_entries(options.site_dir / "feed.xml")
    assert {day for _, day in first} == {"2025-12-01"} and len(first) == 3
    shutil.copyfile(SAMPLES[3], source / SAMPLES[3].name)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01: a later build adds one report
    options, _ = build_into(tmp_path / "two", source=source, index=False)
    second = feed_entries(options.site_dir / "feed.xml")
    assert second[0][1] == "2026-01-01" and sorted(second[1:]) == sorted(first)  # the others kept their day
    assert len(second) <= FEED_SIZE
    home = (options.site_dir / "index.html").read_text(encoding="utf-8")
    assert "最近收录" in home and "2026-01-01 收录" in home
    assert 'type="application/atom+xml"' in home
    region = next((options.site_dir / "regions").glob("*/feed.xml"))
    assert ET.parse(region).getroot().tag == f"{ATOM}feed"
    page = (region.parent / "index.html").read_text(encoding="utf-8")
    assert '<link rel="alternate" type="application/atom+xml"' in page and 'href="feed.xml"' in page
