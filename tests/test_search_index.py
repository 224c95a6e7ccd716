"""The search index (build_scripts/site/search/): the text cut into units as people type them, and
the written index read back finding exactly the documents that contain a query."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from build_scripts.site.search import bundle, postings
from build_scripts.site.search.bundle import Facets, IndexedDocument, newest_first, segment_cuts, write_search_index
from build_scripts.site.search.postings import varints
from build_scripts.site.search.reader import IndexReader, read_varint
from build_scripts.site.search.record import ASCII_UNIT, blocks_record, read_record, record_bytes, text_units
from build_scripts.site.search.text import SearchBlock, normalize, query_segments, snippet_text, text_runs
from build_scripts.site.search.tokens import pair_tokens_array, segment_tokens, splitmix64, splitmix64_array, unit_id

CJK = "伊川县城市管理局行政复议依申请公开不予洛阳政府信息年度报告发展改革委员会和"
TEXT = st.text(alphabet=CJK + "abcXYZ0123４５ \t\n\u3000，。（）、.-|：" + "²√", max_size=60)


def test_a_text_is_cut_into_runs_of_units() -> None:
    assert text_runs("伊川县，城管") == [["伊", "川", "县"], ["城", "管"]]
    assert text_runs("２０２３年") == text_runs("2023 年") == [["2023", "年"]]
    assert text_runs("PDF") == [["pdf"]]
    assert text_runs("open data") == [["open"], ["data"]]


def test_query_words_split_at_spaces_and_punctuation_and_quotes_only_group() -> None:
    assert query_segments("伊川 城市管理") == [["伊", "川"], ["城", "市", "管", "理"]]
    assert query_segments("“城市管理局”") == query_segments('"城市管理局"') == [list("城市管理局")]
    assert query_segments("2023年,PDF") == [["2023", "年"], ["pdf"]]
    assert query_segments("  ，。 ") == []


def test_a_snippet_keeps_the_text_and_one_space_between_ascii_words() -> None:
    assert snippet_text(" 伊川 县  open  data 2023 年 ") == "伊川县open data 2023年"
    assert snippet_text("<b> {{ x }}  总计 3") == "<b> {{ x }} 总计3"


@given(st.lists(st.integers(0, 2**32 - 1), max_size=50))
def test_varints_are_leb128(values: list[int]) -> None:
    import numpy as np

    data, offsets = varints(np.array(values, dtype=np.uint64))
    at, decoded = 0, []
    for _ in values:
        value, at = read_varint(bytes(data), at)
        decoded.append(value)
    assert decoded == values and offsets[-1] == len(data) == at


@given(st.lists(st.integers(0, 2**64 - 1), max_size=8), st.lists(st.integers(0, 7), max_size=300))
def test_the_postings_order_is_numpy_s_stable_sort(values: list[int], picks: list[int]) -> None:
    """Tokens that repeat, as in every group of postings: equal ones keep their order."""
    import numpy as np

    tokens = np.array([values[pick % len(values)] for pick in picks] if values else [], dtype=np.uint64)
    assert postings.stable_order(tokens).tolist() == np.argsort(tokens, kind="stable").tolist()


@given(st.integers(0, 2**64 - 1), st.integers(0, 2**64 - 1))
def test_the_array_hashes_are_the_scalar_hashes(a: int, b: int) -> None:
    import numpy as np

    assert int(splitmix64_array(np.array([a], dtype=np.uint64))[0]) == splitmix64(a)
    pair = pair_tokens_array(np.array([unit_id("伊")], dtype=np.uint64), np.array([unit_id("2023")], dtype=np.uint64))
    assert int(pair[0]) == segment_tokens(["伊", "2023"])[0]


def runs_to_units(runs: list[list[str]], ascii_runs: dict[str, int]) -> list[int]:
    """A record's units as the record format defines them, one unit at a time."""
    units: list[int] = []
    for run in runs:
        for unit in run:
            units.append(ASCII_UNIT | ascii_runs.setdefault(unit, len(ascii_runs)) if unit.isascii() else ord(unit))
        units.append(0)
    return units


@given(st.lists(TEXT, max_size=4))
def test_a_record_s_units_are_its_text_runs(texts: list[str]) -> None:
    """The record's units, read off the whole text in a few passes, are its runs unit by unit."""
    fast: dict[str, int] = {}
    reference: dict[str, int] = {}
    for text in texts:
        assert text_units(text, fast).tolist() == runs_to_units(text_runs(text), reference)
    assert fast == reference


@given(TEXT)
def test_a_record_survives_its_file(text: str) -> None:
    record = blocks_record([SearchBlock(text), SearchBlock("表格", in_table=True)])
    again = read_record(record_bytes(record))
    assert again.units.tolist() == record.units.tolist() and again.ascii_runs == record.ascii_runs
    assert again.tables_start == record.tables_start and again.snippet_gz == record.snippet_gz


def test_segments_start_small_and_double() -> None:
    offsets = list(range(0, 200_000, 100))  # entries of 100 bytes
    import numpy as np

    cuts = segment_cuts(np.array(offsets))
    sizes = [offsets[b] - offsets[a] for a, b in itertools.pairwise(cuts)]
    assert bundle.FIRST_SEGMENT - 100 < sizes[0] <= bundle.FIRST_SEGMENT
    assert 2 * bundle.FIRST_SEGMENT - 100 < sizes[1] <= 2 * bundle.FIRST_SEGMENT
    assert bundle.MAX_SEGMENT - 100 < max(sizes) <= bundle.MAX_SEGMENT
    assert segment_cuts(np.array([0, 10, 5000, 5010])) == [0, 1, 2], "an entry longer than a segment is one alone"


def contains(text: str, query: str) -> bool:
    """The oracle: every segment of the query stands unbroken in one run of the text."""
    runs = text_runs(text)
    return all(
        any(run[i : i + len(units)] == units for run in runs for i in range(len(run)))
        for units in query_segments(query)
    )


def index_texts(folder: Path, texts: list[str], jobs: int = 1) -> tuple[IndexReader, list[int]]:
    documents = [
        IndexedDocument(f"d{i}/", "t", "a", "r", "k", Facets("p", "c", 2020 + i % 3, "k", "f", "s", "ok"))
        for i in range(len(texts))
    ]
    write_search_index(folder, documents, [blocks_record([SearchBlock(text)]) for text in texts], jobs)
    return IndexReader(folder / bundle.INDEX_DIR), newest_first(documents)


QUERIES = ["伊川", "城市管理", "公", "abc", "2023", "复议", "年度公开", "x", "伊川 城市", "县城", "0123年", "局行政复"]


@pytest.mark.parametrize("tiny", [False, True])
def test_the_index_finds_exactly_the_documents_that_contain_a_query(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tiny: bool
) -> None:
    """With the real sizes, and with tiny ones, where every list of any length is in segments and
    the postings are sorted in groups of tokens."""
    if tiny:
        monkeypatch.setattr(postings, "POSTINGS_PER_GROUP", 5000)
        monkeypatch.setattr(bundle, "INLINE_MAX", 16)
        monkeypatch.setattr(bundle, "FIRST_SEGMENT", 16)
        monkeypatch.setattr(bundle, "MAX_SEGMENT", 64)
    import random

    rng = random.Random(3)
    alphabet = "伊川县城市管理局行政复议公开年度ABCxyz0123４５ ，。"
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 300))) for _ in range(400)]
    reader, order = index_texts(tmp_path, texts)
    assert tiny == (len(list((tmp_path / bundle.INDEX_DIR / "s").rglob("*.bin.gz"))) > 1000)
    for query in QUERIES:
        expected = {i for i, text in enumerate(texts) if contains(text, query)}
        assert {order[doc] for doc in reader.search(query)} == expected, query


@settings(max_examples=30, deadline=None)
@given(st.lists(TEXT, min_size=1, max_size=8), st.data())
def test_any_part_of_any_text_is_found_in_it(tmp_path_factory, texts: list[str], data: st.DataObject) -> None:
    runs = [m for text in texts for m in re.findall(rf"[{CJK}]+", normalize(text))]
    if not runs:
        return
    run = data.draw(st.sampled_from(runs))
    start = data.draw(st.integers(0, len(run) - 1))
    query = run[start : data.draw(st.integers(start + 1, len(run)))]
    reader, order = index_texts(tmp_path_factory.mktemp("index"), texts)
    expected = {i for i, text in enumerate(texts) if contains(text, query)}
    assert expected and {order[doc] for doc in reader.search(query)} == expected


def test_the_index_is_the_same_bytes_whatever_the_processes_and_groups(tmp_path: Path, monkeypatch) -> None:
    import random

    rng = random.Random(5)
    texts = ["".join(rng.choice(CJK + "0123 ，") for _ in range(rng.randint(0, 300))) for _ in range(300)]
    monkeypatch.setattr(postings, "POSTINGS_PER_GROUP", 7000)  # several groups, and batches of documents
    monkeypatch.setattr(bundle, "DOCS_PER_BATCH", 70)
    index_texts(tmp_path / "one", texts)
    index_texts(tmp_path / "two", texts, jobs=2)
    assert json.loads((tmp_path / "one" / bundle.INDEX_DIR / "index.json").read_text())["groups"] > 1

    def files(root: Path) -> dict[str, bytes]:
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}

    assert files(tmp_path / "one") == files(tmp_path / "two")


def index_beside(tmp_path: Path, site: Path) -> tuple[object, object]:
    """The index process of the build (build.index_beside_mkdocs) for an empty archive whose site
    folder is `site`: what waiting for it gives, or raises."""
    from build_scripts.build import BuildOptions, SiteBuild, index_beside_mkdocs, site_settings
    from build_scripts.outputs import SiteFolders
    from build_scripts.site.archive import build_archive

    options = BuildOptions(source_dir=tmp_path, content_dir=tmp_path / "content", site_dir=site, index=True)
    folders = SiteFolders(tmp_path / "content", site, None, None)
    sites = [SiteBuild("", build_archive([], {}), folders, site_settings(options, folders))]
    with index_beside_mkdocs(options, sites, None) as written:
        assert written is not None
        try:
            return written(), None
        except RuntimeError as error:
            return None, error


def test_the_index_written_beside_mkdocs_reports_what_went_wrong(tmp_path: Path) -> None:
    """The index runs in a process of its own while MkDocs builds: its result, a problem it
    reports (the build report's index error) and a failure it did not expect all come back."""
    message, error = index_beside(tmp_path, tmp_path / "site")
    assert message is None and error is None
    assert (tmp_path / "site" / "search-index" / "index.json").is_file()
    (tmp_path / "blocked").write_text("a file where the site folder should be")
    message, error = index_beside(tmp_path, tmp_path / "blocked")
    assert error is None and str(message).startswith("the search index could not be written")


@given(st.lists(st.integers(0, 2**64 - 1), max_size=8), st.lists(st.integers(0, 7), max_size=300))
def test_a_record_s_distinct_units_are_numpy_s_unique(values: list[int], picks: list[int]) -> None:
    import numpy as np

    ids = np.array([values[pick % len(values)] for pick in picks] if values else [], dtype=np.uint64)
    expected = np.unique(ids, return_index=True, return_counts=True)
    assert [part.tolist() for part in postings.distinct_units(ids)] == [part.tolist() for part in expected]
