"""What a search costs a reader: bytes downloaded and time, for the first and a later query.

    python -m tests.benchmarks.search_benchmark 1000 10000      # build N synthetic reports each
    python -m tests.benchmarks.search_benchmark --site SITE     # measure an existing build

For each site, headless Chromium opens the search page with a first query (page, script, Pagefind,
its index chunks, the facets and the snippets of the results shown), then types later queries.
Bytes are what the local server sent (uncompressed HTML, CSS and JS; the index and facets are
gzip files already); times include the browser's work, on this machine.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from build_scripts.serve import serve_in_thread
from build_scripts.site.search_index import SHARD_SIZE

from ..conftest import CHROMIUM, CHROMIUM_ARGS, build_into
from ..search_harness import SUB_PATH
from .synthetic_corpus import make_corpus

FIRST_QUERY = "城市管理局"
LATER_QUERIES = ("行政复议", "伊川 科技", "2023年", "本机关不掌握相关政府信息")


def build_synthetic(count: int, folder: Path, shard_size: int) -> Path:
    make_corpus(count, folder / "reports")
    options, result = build_into(folder, source=folder / "reports", search_shard_size=shard_size)
    timings = result.timings
    total = sum(timings.get(stage, 0) for stage in ("convert", "mkdocs", "pagefind"))
    print(f"built {count} reports in {total:.0f} s (Pagefind {timings.get('pagefind', 0):.0f} s)")
    return options.site_dir


def wait_for_runs(page, runs: int) -> None:
    page.wait_for_function(f"Number(document.body.dataset.searchDone || 0) >= {runs}", timeout=120_000)


def measure_site(site_dir: Path) -> list[tuple[str, int, int, float]]:
    """(query, requests, bytes, seconds) for the first query and each later one."""
    from playwright.sync_api import sync_playwright

    server, url = serve_in_thread(site_dir, base_path=SUB_PATH)
    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 390, "height": 844})
        sent: list[int] = []
        page.on("requestfinished", lambda request: sent.append(request.sizes()["responseBodySize"]))
        start = time.perf_counter()
        page.goto(url + f"search/?q={FIRST_QUERY}")
        wait_for_runs(page, 1)
        rows.append((f"first: {FIRST_QUERY}", len(sent), sum(sent), time.perf_counter() - start))
        for runs, query in enumerate(LATER_QUERIES, start=2):
            sent.clear()
            start = time.perf_counter()
            page.fill(".archive-search-input", query)
            page.press(".archive-search-input", "Enter")
            wait_for_runs(page, runs)
            rows.append((f"later: {query}", len(sent), sum(sent), time.perf_counter() - start))
        sent.clear()
        start = time.perf_counter()
        page.goto(url + "search/?province=云南省&year=2023")
        wait_for_runs(page, 1)
        rows.append(("first, filters only", len(sent), sum(sent), time.perf_counter() - start))
        browser.close()
    server.shutdown()
    return rows


def print_rows(label: str, rows: list[tuple[str, int, int, float]]) -> None:
    print(f"\n{label}")
    print(f"{'query':<24} {'requests':>8} {'KiB':>8} {'seconds':>8}")
    for query, requests, size, seconds in rows:
        print(f"{query:<24} {requests:>8} {size / 1024:>8.0f} {seconds:>8.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("counts", nargs="*", type=int, help="synthetic reports to build and measure")
    parser.add_argument("--site", type=Path, help="measure an existing built site instead")
    parser.add_argument("--shard-size", type=int, default=SHARD_SIZE, help="reports per index shard (power of ten)")
    args = parser.parse_args()
    if args.site:
        print_rows(str(args.site), measure_site(args.site))
    for count in args.counts:
        with tempfile.TemporaryDirectory() as folder:
            site = build_synthetic(count, Path(folder), args.shard_size)
            print_rows(f"{count} synthetic reports, index shards of {args.shard_size}", measure_site(site))
    return 0


if __name__ == "__main__":
    sys.exit(main())
