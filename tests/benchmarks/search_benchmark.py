"""What a search costs a reader: time and bytes to the first results and to the complete count.

    python -m tests.benchmarks.search_benchmark 10000          # build N synthetic reports, measure
    python -m tests.benchmarks.search_benchmark 100000 --partitions 10000  # partitions and a portal
    python -m tests.benchmarks.search_benchmark 100000 --index-only
    python -m tests.benchmarks.search_benchmark --site SITE    # measure an existing build

For each site, headless Chromium opens the search page, waits for it to be ready, then submits a
rare word, a phrase found in every report and a two-character query, each in a fresh browser
context (nothing cached), five times (the median is shown). Times run from the navigation to
`search/?q=…` to the first results shown and to the search complete, so they include loading the
page (measured alone in the first row); bytes are what the local server sent of the index
(search-index/, wherever it is hosted). `--partitions SIZE` builds the reports as partitions of at
most SIZE reports and a portal (site_benchmark.partition_plan), serves them side by side and
searches from the portal, whose index's segments and texts the partitions host. `--index-only`
skips the site build: the reports are read and indexed as the build does, and the index is served
with the search page of a small built site.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

from build_scripts.reading.readers import read_report
from build_scripts.serve import serve_in_thread
from build_scripts.site.search.bundle import INDEX_DIR, IndexedDocument, write_search_index
from build_scripts.site.search.record import read_record, record_bytes, report_record

from ..conftest import CHROMIUM, CHROMIUM_ARGS, build_into
from ..search_harness import SUB_PATH
from .site_benchmark import MemorySampler, stage_peaks, synthetic_sources
from .synthetic_corpus import make_corpus

COMMON_PHRASE = "本机关不掌握相关政府信息"
TWO_CHARACTERS = "公开"


def build_synthetic(count: int, folder: Path, partition_size: int | None = None) -> Path:
    plan_file = synthetic_sources(count, folder, partition_size)
    with MemorySampler() as sampler:
        start = time.perf_counter()
        options, result = build_into(folder, source=folder / "reports", partitions=plan_file)
    timings = result.timings
    peaks = stage_peaks(sampler, start, result)
    stages = ", ".join(f"{name} {timings[name]:.1f} s / {peaks[name] / 1e9:.1f} GB" for name in peaks)
    print(f"built {count:,} reports in {timings['total']:.0f} s ({stages})")
    return options.site_dir


def indexed_report(path: Path) -> tuple[bytes, IndexedDocument]:
    report = read_report(path, path.name)
    return record_bytes(report_record(report)), IndexedDocument.of(report, f"reports/{path.stem}/")


def index_only(count: int, folder: Path) -> Path:
    """A small built site whose search index is replaced by the index of `count` reports."""
    site = build_synthetic(100, folder / "small")
    make_corpus(count, folder / "reports")
    start = time.perf_counter()
    with ProcessPoolExecutor() as pool:
        read = list(pool.map(indexed_report, sorted((folder / "reports").iterdir()), chunksize=64))
    print(f"read {count:,} reports in {time.perf_counter() - start:.0f} s")
    shutil.rmtree(site / INDEX_DIR)
    start = time.perf_counter()
    summary = write_search_index(site, [doc for _, doc in read], [read_record(data) for data, _ in read])
    megabytes = {part: round(size / 2**20, 1) for part, size in summary.bytes_by_part.items()}
    print(
        f"indexed {count:,} reports in {time.perf_counter() - start:.0f} s: {summary.lists:,} lists, "
        f"{summary.buckets:,} buckets, {summary.segments:,} segments, MiB {megabytes}"
    )
    return site


def portal_of(site: Path) -> str | None:
    """The folder of a partitioned build's portal (the site whose index names hosts), or None for
    a site of its own."""
    if (site / "index.html").is_file():
        return None
    for manifest in sorted(site.glob(f"*/{INDEX_DIR}/index.json")):
        if "hosts" in json.loads(manifest.read_text(encoding="utf-8")):
            return manifest.parent.parent.name
    raise ValueError(f"{site} holds neither a site nor a partitioned build's portal")


def rare_word(site: Path) -> str:
    """The county of the newest report: about one report in seventy of the synthetic corpus."""
    first = json.loads(gzip.decompress((site / INDEX_DIR / "docs" / "0.json.gz").read_bytes()))[0]
    return first[3].split()[-1]


def measure_query(browser, url: str, query: str) -> tuple[float, int, float, int, int]:
    """(seconds to first results, index KiB by then, seconds to complete, KiB by then, found), the
    search page opened with the query in a fresh context; times from the navigation's start, so
    they include loading the page itself (the first row says how long that takes alone)."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    sent: list[tuple[float, int]] = []
    page.on(
        "requestfinished",
        lambda request: (
            INDEX_DIR in request.url and sent.append((time.perf_counter(), request.sizes()["responseBodySize"]))
        ),
    )
    start = time.perf_counter()
    page.goto(url + "search/?" + urlencode({"q": query}), wait_until="commit")
    page.wait_for_function("Number(document.body?.dataset.searchFirst || 0) >= 1", timeout=600_000, polling=5)
    first = time.perf_counter()
    first_bytes = sum(size for at, size in sent if at <= first)
    page.wait_for_function("Number(document.body.dataset.searchDone || 0) >= 1", timeout=600_000)
    done = time.perf_counter()
    status = page.inner_text(".archive-search-status")
    found = int(re.sub(r"\D", "", status.split("找到")[1].split("份")[0]) or 0) if "找到" in status else 0
    context.close()
    return first - start, first_bytes // 1024, done - start, sum(size for _, size in sent) // 1024, found


REPEATS = 5


def page_alone(browser, url: str) -> float:
    """Seconds from navigation to the search page ready (its script run, the index's manifest read)."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    start = time.perf_counter()
    page.goto(url + "search/", wait_until="commit")
    page.wait_for_function("window.archiveSearch !== undefined", timeout=60_000, polling=5)
    seconds = time.perf_counter() - start
    context.close()
    return seconds


def median_run(runs: list[tuple[float, int, float, int, int]]) -> tuple[float, int, float, int, int]:
    """The run with the median time to the first results."""
    return sorted(runs)[len(runs) // 2]


def measure_site(site_dir: Path) -> list[tuple[str, tuple[float, int, float, int, int]]]:
    from playwright.sync_api import sync_playwright

    server, url = serve_in_thread(site_dir, base_path=SUB_PATH)
    portal = portal_of(site_dir)
    if portal:  # the sites side by side, searched from the portal
        site_dir, url = site_dir / portal, f"{url}{portal}/"
    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        alone = sorted(page_alone(browser, url) for _ in range(REPEATS))[REPEATS // 2]
        rows.append(("the page alone (no query)", (alone, 0, alone, 0, 0)))
        for label, query in (
            ("rare word", rare_word(site_dir)),
            ("phrase in every report", COMMON_PHRASE),
            ("two characters", TWO_CHARACTERS),
        ):
            runs = [measure_query(browser, url, query) for _ in range(REPEATS)]
            rows.append((f"{label}: {query}", median_run(runs)))
        browser.close()
    server.shutdown()
    return rows


def print_rows(label: str, rows: list[tuple[str, tuple[float, int, float, int, int]]]) -> None:
    print(f"\n{label}")
    print(f"{'query':<34} {'first ms':>8} {'first KiB':>9} {'done s':>7} {'done KiB':>9} {'found':>7}")
    for query, (first, first_kib, done, done_kib, found) in rows:
        print(f"{query:<34} {first * 1000:>8.0f} {first_kib:>9} {done:>7.2f} {done_kib:>9} {found:>7}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("counts", nargs="*", type=int, help="synthetic reports to build and measure")
    parser.add_argument("--site", type=Path, help="measure an existing built site instead")
    parser.add_argument("--index-only", action="store_true", help="index the reports without building their site")
    parser.add_argument("--partitions", type=int, metavar="SIZE", help="build partitions of at most SIZE reports")
    args = parser.parse_args()
    if args.site:
        print_rows(str(args.site), measure_site(args.site))
    for count in args.counts:
        with tempfile.TemporaryDirectory() as folder:
            if args.index_only:
                site = index_only(count, Path(folder))
            else:
                site = build_synthetic(count, Path(folder), args.partitions)
            label = f", partitions of at most {args.partitions:,}" if args.partitions else ""
            print_rows(f"{count:,} synthetic reports{label}", measure_site(site))
    return 0


if __name__ == "__main__":
    sys.exit(main())
