"""A rebuild redoes only what changed (issue 17): files of content/ that come out the same are links
to the previous build's, and MkDocs renders only the pages whose Markdown changed; the result is
byte for byte a clean build, and the site people use is never written through a link."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from build_scripts import build as build_module
from build_scripts.build import BuildOptions, build, page_destination
from build_scripts.model import Report
from build_scripts.reading.readers import read_report
from build_scripts.rendered_pages import render_key
from build_scripts.site.archive import build_archive
from build_scripts.site.serialize import report_json

from .conftest import SAMPLES, rendered_reports, source_folder
from .test_golden import files_below

KEPT, CHANGED, REMOVED = SAMPLES[1], SAMPLES[2], SAMPLES[3]


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    return source_folder(tmp_path / "reports", SAMPLES[:4])


def options(sources: Path, out: Path, **extra: object) -> BuildOptions:
    settings = {"index": False, "jobs": 1, "cache_dir": out.parent / "cache", "dashboard": None, **extra}
    return BuildOptions(source_dir=sources, content_dir=out / "content", site_dir=out / "site", **settings)


def everything(settings: BuildOptions) -> dict[str, bytes]:
    site = {f"site/{name}": data for name, data in files_below(settings.site_dir).items()}
    return {**files_below(settings.content_dir), **site}


def page_files(settings: BuildOptions, page: str) -> tuple[Path, Path]:
    return settings.content_dir / page, settings.site_dir / page_destination(page)


def page_of(settings: BuildOptions, source: str) -> str:
    import json

    report = json.loads((settings.site_dir / "build-report.json").read_text(encoding="utf-8"))
    return next(entry["page"] for entry in report["sources"] if entry["source"] == source)


def inode(path: Path) -> int:
    return path.stat().st_ino


def test_a_rebuild_renders_only_what_changed_and_is_a_clean_build(
    sources: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = options(sources, tmp_path / "out", index=True)  # the search records of kept reports too
    build(settings)
    kept = page_files(settings, page_of(settings, KEPT.name))
    changed = page_files(settings, page_of(settings, CHANGED.name))
    before = {path: inode(path) for path in (*kept, *changed)}
    sitemap = (settings.site_dir / "sitemap.xml.gz").read_bytes()  # its time is the build date

    shutil.copy(SAMPLES[4], sources / SAMPLES[4].name)  # added
    (sources / REMOVED.name).unlink()
    text = (sources / CHANGED.name).read_text(encoding="utf-8")
    assert "本报告" in text
    (sources / CHANGED.name).write_text(text.replace("本报告", "本年度报告", 1), encoding="utf-8")
    rendered = rendered_reports(monkeypatch)
    build(settings)

    assert sorted(rendered) == sorted([CHANGED.name, SAMPLES[4].name])  # the kept reports were not rendered
    assert [inode(path) for path in kept] == [before[path] for path in kept]  # carried over, not made again
    assert all(inode(path) != before[path] for path in changed)  # made again
    # A newer year came in, so the build date moved: no page shows it (build.site_fingerprint).
    assert (settings.site_dir / "sitemap.xml.gz").read_bytes() != sitemap
    clean = options(sources, tmp_path / "clean", cache_dir=None, index=True)
    build(clean)
    assert everything(settings) == everything(clean)


def test_a_change_to_how_pages_are_made_renders_every_page(sources: Path, tmp_path: Path) -> None:
    """In MkDocs shards over two processes, as a large archive is built."""
    settings = options(sources, tmp_path / "out", jobs=2)
    build(settings)
    kept = page_files(settings, page_of(settings, KEPT.name))[1]
    before = inode(kept)
    moved = options(sources, tmp_path / "out", jobs=2, site_url="https://archive.example.org/")
    build(moved)  # the site's address is in every page (its canonical URL)
    assert inode(kept) != before
    clean = options(sources, tmp_path / "clean", jobs=2, cache_dir=None, site_url="https://archive.example.org/")
    build(clean)
    assert everything(moved) == everything(clean)
    hidden = [name for name in files_below(moved.site_dir) if name.rpartition("/")[2].startswith(".")]
    assert hidden == [".generated-by-build-scripts", ".site-fingerprint"]  # what pages are made from stays out


def test_a_rebuild_that_fails_leaves_the_previous_site_untouched(
    sources: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = options(sources, tmp_path / "out", index=True)
    build(settings)
    published = everything(settings)
    text = (sources / CHANGED.name).read_text(encoding="utf-8")
    assert "本报告" in text
    (sources / CHANGED.name).write_text(text.replace("本报告", "本年度报告", 1), encoding="utf-8")

    def failing(*args: object) -> None:
        raise RuntimeError("stopped after MkDocs")

    monkeypatch.setattr(build_module, "finish_site", failing)
    with pytest.raises(RuntimeError, match="stopped after MkDocs"):
        build(settings)  # after MkDocs rewrote the changed page in the new site, and the index
    assert everything(settings) == published


def test_a_report_page_is_made_again_when_its_agency_gains_a_year_not_when_another_year_changes() -> None:
    """The render key holds what the page shows of its agency: its other years' pages (the links
    to the years before and after), not their contents."""
    report = read_report(KEPT, KEPT.name)
    year = report.year or 2020
    earlier = dataclasses.replace(report, year=year - 1, source=dataclasses.replace(report.source, path="earlier.txt"))

    def key_of_kept(*others: Report) -> str:
        archive = build_archive([report, *others])
        page = next(p for p in archive.pages if p.report is report)
        return render_key(report_json(report), page, archive.agencies[page.agency_id], ())

    alone = key_of_kept()
    with_earlier = key_of_kept(earlier)
    assert with_earlier != alone  # the page now links to the year before
    retitled = dataclasses.replace(earlier, title=earlier.title + "（修订）")
    assert key_of_kept(retitled) == with_earlier  # what the page does not show of that year
