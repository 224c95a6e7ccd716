"""The search records' coding (build_scripts/site/search_index.py): every part of the text a person may
type is found at consecutive positions, and the text comes back from the index for snippets."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from build_scripts.site.search_index import (
    decode_text,
    encode_text,
    normalize,
    query_segments,
    segment_query_tokens,
    text_to_chunks,
    unit_code,
)

CJK = "伊川县城市管理局行政复议依申请公开不予洛阳政府信息年度报告发展改革委员会和"
TEXT = st.text(alphabet=CJK + "abcXYZ0123４５ \t\n\u3000，。（）、.-|：" + "²√", max_size=60)


def test_a_name_is_coded_as_overlapping_pairs_and_its_last_character() -> None:
    codes = [unit_code(c) for c in "伊川县"]
    assert text_to_chunks("伊川县") == [codes[0] + codes[1], codes[1] + codes[2], codes[2]]


def test_punctuation_ends_a_run_and_is_kept_for_snippets() -> None:
    assert text_to_chunks("复议，诉讼")[2:3] == ["，"]
    assert decode_text(encode_text("行政复议，行政诉讼（2023年）")) == "行政复议，行政诉讼（2023年）"


def test_ascii_runs_are_one_unit_and_full_width_digits_are_ascii() -> None:
    assert (
        text_to_chunks("２０２３年")
        == text_to_chunks("2023年")
        == [unit_code("2023") + unit_code("年"), unit_code("年")]
    )
    assert text_to_chunks("PDF") == [unit_code("pdf")]


def test_space_between_two_ascii_words_keeps_them_apart_but_joins_chinese() -> None:
    assert text_to_chunks("open data") == [unit_code("open"), unit_code("data")]
    assert text_to_chunks("2023 年") == text_to_chunks("2023年")


@given(TEXT)
def test_the_text_comes_back_from_its_chunks_without_whitespace(text: str) -> None:
    assert decode_text(encode_text(text)) == re.sub(r"\s+", "", normalize(text))


def contiguous_runs(text: str) -> list[str]:
    """The stretches of Chinese characters a query could be taken from (no spaces, no punctuation)."""
    return re.findall(rf"[{CJK}]+", text)


@given(TEXT, st.data())
def test_every_part_of_the_text_is_found_at_consecutive_positions(text: str, data: st.DataObject) -> None:
    runs = contiguous_runs(text)
    if not runs:
        return
    run = data.draw(st.sampled_from(runs))
    start = data.draw(st.integers(0, len(run) - 1))
    query = run[start : data.draw(st.integers(start + 1, len(run)))]
    [units] = query_segments(query)
    tokens = segment_query_tokens(units)
    chunks = text_to_chunks(text)
    if len(units) == 1:
        assert any(chunk.startswith(tokens[0]) for chunk in chunks)
    else:
        assert any(chunks[i : i + len(tokens)] == tokens for i in range(len(chunks)))


@given(TEXT)
def test_a_report_without_the_query_never_has_its_pairs_in_a_row(text: str) -> None:
    query = "城市管理局"
    chunks = text_to_chunks(text)
    tokens = segment_query_tokens(query_segments(query)[0])
    in_a_row = any(chunks[i : i + len(tokens)] == tokens for i in range(len(chunks)))
    assert in_a_row == (query in re.sub(r"\s+", "", text))


def test_query_words_split_at_spaces_and_punctuation_and_quotes_only_group() -> None:
    assert query_segments("伊川 城市管理") == [["伊", "川"], ["城", "市", "管", "理"]]
    assert query_segments("“城市管理局”") == query_segments('"城市管理局"') == [list("城市管理局")]
    assert query_segments("2023年,PDF") == [["2023", "年"], ["pdf"]]
    assert query_segments("  ，。 ") == []
