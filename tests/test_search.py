"""Search in headless Chromium: the query set's recall and precision (tests/search_harness.py), the
browser cutting text as the build does, filters with counts, sorting, snippets and highlighting."""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from collections.abc import Iterator

import pytest

from build_scripts.site.search.text import query_segments, text_runs
from build_scripts.site.search.tokens import segment_tokens

from . import search_harness as harness
from .conftest import SAMPLES

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple]:
    options, result = harness.build_corpus(tmp_path_factory.mktemp("search"))
    server, url = harness.serve_in_thread(options.site_dir, base_path=harness.SUB_PATH)
    yield options, result, url
    server.shutdown()


def reports_by_source(options, result) -> dict[str, dict]:
    return {
        harness.source_key(o.source): json.loads((options.content_dir / o.page).with_suffix(".json").read_text())
        for o in result.outcomes
        if o.status == "published"
    }


def test_every_query_finds_every_expected_report_and_only_reports_that_contain_it(page, corpus) -> None:
    options, result, url = corpus
    queries = harness.load_queries()
    assert len(queries) >= 60
    assert {q.kind for q in queries} >= {"agency", "legal", "place", "number", "spaced", "quoted", "absent"}
    texts = harness.oracle_texts(options, result)
    assert harness.expected_from_oracle(queries, texts) == queries, "expectations drifted: run --update, review"
    found = harness.run_queries(page, url, queries)
    outcomes = harness.measure(queries, found, harness.page_sources(result), texts)
    table = harness.format_table(outcomes)
    print(table)
    assert all(o.recall == 1 for o in outcomes), table
    assert all(o.top3_contain for o in outcomes), table
    assert all(o.precision_at_10 == 1 for o in outcomes), table


def random_texts(count: int) -> list[str]:
    rng = random.Random(6)
    alphabet = "伊川县城市管理局行政复议公开年度ABCxyz0123４５ \t\u3000，。（）、.-|：²√"
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(count)]


def test_the_browser_cuts_text_and_queries_as_the_build_does(page, corpus) -> None:
    _, _, url = corpus
    page.goto(url + "search/")
    page.wait_for_function("window.archiveSearch !== undefined")
    texts = [path.read_text(encoding="utf-8-sig")[:3000] for path in SAMPLES] + random_texts(300)
    module = url + "assets/archive-search.js"
    runs = page.evaluate(
        "async ([module, texts]) => { const m = await import(module); return texts.map(m.textRuns); }",
        [module, texts],
    )
    segments = page.evaluate(
        "async ([module, texts]) => { const m = await import(module); return texts.map(m.querySegments); }",
        [module, texts],
    )
    assert runs == [text_runs(text) for text in texts]
    assert segments == [query_segments(text) for text in texts]
    units = [units for text in texts for units in query_segments(text)]
    tokens = page.evaluate(
        "async ([module, units]) => { const m = await import(module);"
        " return units.map((u) => m.segmentTokens(u).map(String)); }",
        [module, units],
    )
    assert tokens == [[str(token) for token in segment_tokens(u)] for u in units]


def wait_for_highlighting(page) -> None:
    # As for the search: the body is missing for a moment while the report loads.
    page.wait_for_function("document.body && document.body.dataset.highlighted !== undefined")


def wait_for_search(page, runs: int = 1) -> None:
    # The body is missing for a moment while a new page loads.
    page.wait_for_function(f"document.body && Number(document.body.dataset.searchDone || 0) >= {runs}", timeout=30_000)


def test_filters_without_a_query_browse_with_counts_per_value(page, corpus) -> None:
    options, result, url = corpus
    reports = reports_by_source(options, result).values()
    province, year = "宁夏回族自治区", 2023
    in_province = Counter(r["region"]["province"] for r in reports)[province]
    expected = sum(1 for r in reports if r["region"]["province"] == province and r["year"] == year)
    index_requests = []
    postings = re.compile("search-index/[bs]/")
    page.on("request", lambda request: postings.search(request.url) and index_requests.append(request.url))
    page.goto(url + f"search/?province={province}&year={year}")
    wait_for_search(page)
    assert page.inner_text(".archive-search-status") == f"共 {expected} 份报告（已筛选）。"
    assert index_requests == [], "browsing by filters alone needs no word index"
    options_text = page.locator("select[name=province] option").all_inner_texts()
    assert f"{province}（{sum(1 for r in reports if r['region']['province'] == province and r['year'] == year)}）" in (
        options_text
    )
    page.select_option("select[name=year]", "")
    wait_for_search(page, 2)
    assert page.inner_text(".archive-search-status") == f"共 {in_province} 份报告（已筛选）。"
    assert f"province={province}" in page.url.replace(
        "%E5%AE%81%E5%A4%8F%E5%9B%9E%E6%97%8F%E8%87%AA%E6%B2%BB%E5%8C%BA", province
    )
    cities = page.locator("select[name=city] option").all_inner_texts()
    assert any(city.startswith("固原市（") for city in cities), cities
    metas = page.locator(".archive-search-result-meta").all_inner_texts()
    assert metas and all(province in meta for meta in metas)


def test_a_query_with_a_filter_sorted_by_year(page, corpus) -> None:
    _, _, url = corpus
    page.goto(url + "search/?q=城市管理局&province=云南省&sort=year")
    wait_for_search(page)
    metas = page.locator(".archive-search-result-meta").all_inner_texts()
    assert len(metas) == 4 and all("云南省" in meta for meta in metas)
    years = [int(meta.split(" 年")[0].split(" · ")[-1]) for meta in metas]
    assert years == sorted(years, reverse=True)


def prose_and_table_text(report: dict) -> tuple[str, str]:
    prose, tables = [], []
    for block in report["preamble"] + [b for s in report["sections"] for b in s["blocks"]]:
        if block.get("table"):
            tables.append("|".join("|".join(row) for row in block["table"]["rows"]))
        else:
            prose.append(block["text"])
    return "".join(prose), "".join(tables)


@pytest.mark.parametrize("query", ["予以公开", "规章"])  # both table labels, and in some reports' prose
def test_a_hit_in_the_prose_ranks_above_a_hit_only_in_the_tables(page, corpus, query: str) -> None:
    options, result, url = corpus
    sources = harness.page_sources(result)
    split = {key: prose_and_table_text(report) for key, report in reports_by_source(options, result).items()}
    page.goto(url + "search/")
    page.wait_for_function("window.archiveSearch !== undefined")
    ranked = [sources[u] for u in page.evaluate(harness.RUN_QUERY, query)]
    in_prose = [query in split[key][0] for key in ranked]
    assert any(in_prose) and not all(in_prose)
    assert in_prose == sorted(in_prose, reverse=True), "every prose hit must come before every table-only hit"


def test_snippets_mark_the_match_and_the_report_highlights_it(page, corpus) -> None:
    _, _, url = corpus
    page.goto(url + "search/?q=本机关不掌握")
    wait_for_search(page)
    first = page.locator(".archive-search-result").first
    assert first.locator(".archive-search-result-excerpt mark").first.inner_text() == "本机关不掌握"
    with page.expect_navigation():
        first.locator(".archive-search-result-title").click()
    wait_for_highlighting(page)
    marks = page.locator("mark.archive-highlight")
    assert marks.count() >= 1 and set(marks.all_inner_texts()) == {"本机关不掌握"}
    box = page.locator("mark.archive-highlight-first").bounding_box()
    assert box is not None and 0 <= box["y"] <= page.viewport_size["height"]
    assert page.failed_requests == []


def test_search_loads_nothing_from_other_hosts_and_fits_a_phone(page, corpus) -> None:
    _, _, url = corpus
    page.goto(url + "search/?q=行政复议")
    wait_for_search(page)
    assert page.requested_hosts == {url.split("/")[2]}
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.click(".archive-search-more")
    page.wait_for_function("document.querySelectorAll('.archive-search-result').length > 10")
    assert page.failed_requests == []


FIRST_HITS = """async ([module, query]) => {
  const m = await import(module);
  const engine = window.archiveSearch;
  const steps = [];
  const segments = (n) => performance.getEntriesByType("resource").filter((e) => e.name.includes("search-index/s/"));
  await m.findInIndex(engine.index, m.querySegments(query), (hits, covered) =>
    steps.push({ hits: hits.length, covered, segments: segments().map((e) => e.name.split("-").pop()) }));
  return { steps, size: engine.index.size };
}"""


def test_a_word_in_every_report_shows_its_first_results_from_the_first_segments(page, corpus) -> None:
    _, result, url = corpus
    page.goto(url + "search/")
    page.wait_for_function("window.archiveSearch !== undefined")
    outcome = page.evaluate(FIRST_HITS, [url + "assets/archive-search.js", "公开"])
    steps, size = outcome["steps"], outcome["size"]
    assert size == len(result.published) and sum(step["hits"] for step in steps) == size
    assert len(steps) >= 3 and steps[0]["hits"] > 0 and steps[0]["covered"] < size / 4, steps
    assert set(steps[0]["segments"]) == {"0.bin.gz"}, "the first results need the lists' first segments only"
    assert steps[-1]["covered"] == size - 1


def test_a_query_found_only_apart_suggests_its_words(page, corpus) -> None:
    _, _, url = corpus
    page.goto(url + "search/?q=伊川城市管理")
    wait_for_search(page)
    assert page.inner_text(".archive-search-status").startswith("没有找到包含“伊川城市管理”的报告")
    suggestion = page.locator(".archive-search-suggestion")
    assert suggestion.inner_text() == "伊川 城市 管理"
    with page.expect_navigation():  # the link opens a new search page; wait for it, not the old one
        suggestion.click()
    wait_for_search(page)
    assert page.inner_text(".archive-search-status").startswith("“伊川 城市 管理”：找到")
    assert page.locator(".archive-search-result").count() > 0


def test_a_snippet_shows_where_the_words_of_the_query_meet(page, corpus) -> None:
    _, _, url = corpus
    page.goto(url + "search/")
    page.wait_for_function("window.archiveSearch !== undefined")
    text = "科技" + "无关的文字" * 40 + "伊川县科技和工信局" + "其他" * 60
    parts = page.evaluate(
        "async ([module, text]) => (await import(module)).snippetParts(text, ['伊川', '科技'])",
        [url + "assets/archive-search.js", text],
    )
    marked = [part for part, is_mark in parts if is_mark]
    assert marked == ["伊川", "科技"]
    assert "".join(part for part, _ in parts).startswith("…")


def test_a_table_hit_reads_as_row_and_value_and_the_report_leads_back(page, corpus) -> None:
    _, _, url = corpus
    page.goto(url + "search/?q=属于国家秘密")
    wait_for_search(page)
    assert page.title().startswith("“属于国家秘密”的搜索结果 - ")
    excerpt = page.locator(".archive-search-result-excerpt").first.inner_text()
    assert re.search(r"不予公开 · 属于国家秘密：总计 \d", excerpt), excerpt
    assert "|" not in excerpt
    results_address = page.url
    with page.expect_navigation():
        page.locator(".archive-search-result-title").first.click()
    wait_for_highlighting(page)
    back = page.locator(".archive-back-to-search a")
    assert back.inner_text() == "‹ 返回“属于国家秘密”的搜索结果" and back.get_attribute("href") == results_address
    with page.expect_navigation():
        back.click()
    wait_for_search(page)
    assert page.locator(".archive-search-result").count() >= 1
