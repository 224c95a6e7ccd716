"""The search quality harness: every query of tests/search_queries.yaml run in headless Chromium
against a built site, measured for recall and precision.

    python -m tests.search_harness            # build the corpus, run every query, print the table
    python -m tests.search_harness --update   # also rewrite the expected reports from the oracle

The corpus is the default corpus (reports/) plus the synthetic corpus (SYNTHETIC reports). Each
query lists the reports it must return, by source name. The oracle says what a report contains:
its source text (cells of a table kept apart) with its agency, region and kind, folded as the
index folds it; `--update` writes the oracle's answer as the expected reports, to be reviewed in
the diff like a golden file. tests/test_search.py runs the same harness and holds the targets:
every expected report found, and no report in the top 3 that does not contain the query.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from build_scripts.build import BuildOptions, BuildResult
from build_scripts.reading.metadata import KINDS_BY_SLUG
from build_scripts.serve import serve_in_thread
from build_scripts.site.search.text import normalize, query_segments

from .benchmarks.synthetic_corpus import make_corpus
from .conftest import CHROMIUM, CHROMIUM_ARGS, REPO, SAMPLES, build_into, source_folder

QUERIES_FILE = REPO / "tests" / "search_queries.yaml"
SYNTHETIC = 144  # two counties, 18 agencies each, four years
SUB_PATH = "/archive/"
TOP = 10


@dataclass(frozen=True)
class Query:
    query: str
    kind: str
    expect: tuple[str, ...]


@dataclass(frozen=True)
class Outcome:
    query: Query
    found: tuple[str, ...]  # source names, best first
    recall: float
    precision_at_10: float
    top3_contain: bool


def load_queries(path: Path = QUERIES_FILE) -> list[Query]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [Query(item["query"], item["kind"], tuple(item.get("expect") or ())) for item in data["queries"]]


def build_corpus(folder: Path) -> tuple[BuildOptions, BuildResult]:
    source = folder / "reports"
    make_corpus(SYNTHETIC, source)
    source_folder(source, SAMPLES)
    return build_into(folder, source=source)


def source_key(name: str) -> str:
    """Short names for the query file: 000…004 for the samples, s000… for the synthetic reports."""
    match = re.fullmatch(r"synthetic_0*(\d+)\.txt", name)
    return f"s{int(match.group(1)):03d}" if match else name.split("_")[0]


def oracle_text(source_text: str, report: dict) -> str:
    """What a report contains, as a person would check it: its text with whitespace removed but
    table cells (tabs) kept apart, plus its agency, region and kind."""
    region = report["region"]
    extra = [report["agency"], *(region.get(part) or "" for part in ("province", "city", "county"))]
    extra.append(KINDS_BY_SLUG[report["kind"]].label)
    text = "|".join([source_text.replace("\t", "|"), *extra])
    return re.sub(r"\s+", "", normalize(text))


def oracle_texts(options: BuildOptions, result: BuildResult) -> dict[str, str]:
    texts = {}
    for outcome in result.outcomes:
        if outcome.status != "published" or not outcome.page:
            continue
        report = json.loads((options.content_dir / outcome.page).with_suffix(".json").read_text(encoding="utf-8"))
        source_text = (options.source_dir / outcome.source).read_text(encoding="utf-8-sig")
        texts[source_key(outcome.source)] = oracle_text(source_text, report)
    return texts


def contains(text: str, query: str) -> bool:
    segments = query_segments(query)
    return bool(segments) and all("".join(units) in text for units in segments)


def page_sources(result: BuildResult) -> dict[str, str]:
    """Report page URL (site-relative) -> short source name."""
    return {
        str(Path(outcome.page).with_suffix("")) + "/": source_key(outcome.source)
        for outcome in result.outcomes
        if outcome.status == "published" and outcome.page
    }


RUN_QUERY = """async (query) => {
  const engine = window.archiveSearch;
  const found = await engine.find(query);
  const { rows } = await engine.select(found, {}, "relevance");
  return engine.pages(rows);
}"""


def run_queries(page, site_url: str, queries: list[Query]) -> dict[str, list[str]]:
    """Every query through the search page's own engine; the result pages, best first."""
    page.goto(site_url + "search/")
    page.wait_for_function("window.archiveSearch !== undefined", timeout=30_000)
    return {query.query: page.evaluate(RUN_QUERY, query.query) for query in queries}


def measure(queries: list[Query], found_pages: dict[str, list[str]], sources: dict[str, str], texts: dict[str, str]):
    outcomes = []
    for query in queries:
        found = tuple(sources[url] for url in found_pages[query.query])
        expected = set(query.expect)
        recall = len(expected & set(found)) / len(expected) if expected else float(not found)
        top = found[:TOP]
        precision = sum(contains(texts[key], query.query) for key in top) / len(top) if top else 1.0
        top3 = all(contains(texts[key], query.query) for key in found[:3])
        outcomes.append(Outcome(query, found, recall, precision, top3))
    return outcomes


def format_table(outcomes: list[Outcome]) -> str:
    lines = [f"{'query':<24} {'kind':<10} {'expected':>8} {'found':>6} {'recall':>7} {'P@10':>6} top3"]
    for o in outcomes:
        lines.append(
            f"{o.query.query:<24} {o.query.kind:<10} {len(o.query.expect):>8} {len(o.found):>6} "
            f"{o.recall:>7.0%} {o.precision_at_10:>6.0%} {'ok' if o.top3_contain else 'NO'}"
        )
    full = sum(o.recall == 1 for o in outcomes)
    top3 = sum(o.top3_contain for o in outcomes)
    mean_precision = sum(o.precision_at_10 for o in outcomes) / len(outcomes)
    lines.append(
        f"{len(outcomes)} queries: every expected report found for {full}; top 3 all contain the query for "
        f"{top3}; mean precision in the top {TOP}: {mean_precision:.0%}"
    )
    return "\n".join(lines)


def expected_from_oracle(queries: list[Query], texts: dict[str, str]) -> list[Query]:
    return [Query(q.query, q.kind, tuple(k for k in sorted(texts) if contains(texts[k], q.query))) for q in queries]


def write_expectations(queries: list[Query], path: Path = QUERIES_FILE) -> None:
    """Rewrite the expected reports in place, keeping the file's header comment."""
    header = "".join(line for line in path.read_text(encoding="utf-8").splitlines(True) if line.startswith("#"))
    items = [{"query": q.query, "kind": q.kind, "expect": list(q.expect)} for q in queries]
    body = yaml.safe_dump({"queries": items}, allow_unicode=True, sort_keys=False, width=120, default_flow_style=None)
    path.write_text(header + body, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--update", action="store_true", help="rewrite the expected reports from the oracle")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    queries = load_queries()
    with tempfile.TemporaryDirectory() as folder:
        options, result = build_corpus(Path(folder))
        texts = oracle_texts(options, result)
        if args.update:
            queries = expected_from_oracle(queries, texts)
            write_expectations(queries)
        server, url = serve_in_thread(options.site_dir, base_path=SUB_PATH)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            found = run_queries(browser.new_page(), url, queries)
            browser.close()
        server.shutdown()
    outcomes = measure(queries, found, page_sources(result), texts)
    sys.stdout.write(format_table(outcomes) + "\n")
    return 0 if all(o.recall == 1 and o.top3_contain for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
