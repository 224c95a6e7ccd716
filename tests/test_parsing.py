"""Parsing functions, with hypothesis generating the layouts real reports use."""

from __future__ import annotations

import html
import re

import markdown
from hypothesis import given, settings
from hypothesis import strategies as st

from build_scripts.reading.parsing import (
    Line,
    find_title,
    lines_to_blocks,
    lines_to_sections,
    remove_spaces_next_to_cjk,
    table_lines_to_rows,
    text_to_lines,
)
from build_scripts.site.escape import html_text, markdown_text

CJK_TEXT = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=1, max_size=12)
CELL = st.one_of(
    st.just(""),
    st.integers(min_value=-999, max_value=99999).map(str),
    st.decimals(min_value=0, max_value=10000, places=4, allow_nan=False).map(str),
    CJK_TEXT,
)
GRID = st.lists(st.lists(CELL, min_size=1, max_size=16), min_size=1, max_size=30)


def tidy(rows: list[list[str]]) -> list[list[str]]:
    """What the parser promises: trailing blank cells and blank rows dropped."""
    result = []
    for row in rows:
        while row and not row[-1]:
            row = row[:-1]
        if any(row):
            result.append(row)
    return result


def as_lines(text: str) -> list[Line]:
    return text_to_lines(text)


@given(GRID)
def test_tab_grid_round_trip(rows: list[list[str]]) -> None:
    # A first column left blank in every row makes every line "\tcell": that is read as sample
    # 002's one-cell-per-line layout, so the generated grid always fills its first column.
    rows = [["x", *row] for row in rows]
    text = "\n".join("\t".join(row) for row in rows)
    parsed, layout = table_lines_to_rows(as_lines(text + "\t"))
    assert layout == "tab-grid"
    assert [cells for _, cells in parsed] == tidy(rows)
    assert [number for number, _ in parsed] == list(range(1, len(rows) + 1))


@given(GRID, st.sampled_from(["", "\u3000"]))
def test_cell_per_line_round_trip(rows: list[list[str]], blank: str) -> None:
    # Sample 002's layout: each cell on its own line after a tab, blanks as full-width spaces,
    # rows separated by an empty line.
    text = "\n\n".join("\n".join("\t" + (cell or blank) for cell in row) for row in rows)
    parsed, layout = table_lines_to_rows(as_lines(text))
    assert layout == "cell-per-line"
    assert [cells for _, cells in parsed] == tidy(rows)


AGENCY_WORDS = CJK_TEXT.filter(lambda text: "关于印发" not in text)  # that phrase marks a cover notice


@given(AGENCY_WORDS, st.integers(min_value=2000, max_value=2099), st.sampled_from(["", " "]), st.booleans())
def test_title_found_whatever_the_spacing(agency: str, year: int, space: str, with_du: bool) -> None:
    agency = "某县" + agency + "局"
    title = f"{agency}{space}{year}{space}年{'度' if with_du else ''}政府信息公开{space}工作年度报告"
    found = find_title(as_lines(f"\n\n{title}\n\n一、总体情况\n"))
    assert found is not None
    assert (found.agency, found.year, found.index) == (agency, year, 2)


def test_cover_notice_title_is_not_the_report_title() -> None:
    notice = "某局关于印发\n2020年度政府信息公开工作年度报告的通知\n\n"
    lines = as_lines(notice + "某局2020年度政府信息公开工作年度报告\n")
    found = find_title(lines)
    assert found is not None and found.index == 3


def test_table_rows_are_not_section_headings() -> None:
    text = (
        "一、总体情况\n正文。\n三、收到和处理政府信息公开申请情况\n"
        "四、结转下年度继续办理\t0\t0\n四、政府信息公开行政复议、行政诉讼情况\n"
    )
    _, sections = lines_to_sections(as_lines(text))
    assert [number for number, _, _ in sections] == [1, 3, 4]
    assert sections[2][1].stripped == "四、政府信息公开行政复议、行政诉讼情况"


def test_subheading_and_long_numbered_paragraph() -> None:
    text = "（一）主动公开\n（一）提高认识。进一步明确重点领域公开的主体。\n"
    kinds = [block.kind for block in lines_to_blocks(as_lines(text), None)]
    assert kinds == ["heading", "paragraph"]


def test_signature_line_is_not_joined_to_the_text_before_it() -> None:
    text = "需要说明的其他事项：无需说明的事项在此列出并且没有句号\n 某局综合股                    2021年1月12日印发\n"
    blocks = lines_to_blocks(as_lines(text), None)
    assert len(blocks) == 2


def test_stray_spaces_between_chinese_characters_are_removed() -> None:
    assert remove_spaces_next_to_cjk("平罗县科学技术局 2021 年政府信息公开 工作年度报告") == (
        "平罗县科学技术局2021年政府信息公开工作年度报告"
    )


def rendered_text(markdown_source: str) -> str:
    """The text a reader sees after Markdown renders the source (tags dropped, entities decoded)."""
    rendered = markdown.markdown(markdown_source, extensions=["attr_list", "admonition", "toc"])
    return html.unescape(re.sub(r"<[^>]+>", "", rendered))


PIECES = [*"<>&\"'`*_{}[]()#+-.!|\\~=^:/ ab1中文", "<script>", "{{ x }}", "{% if %}", "&amp;", "1. "]
UNTRUSTED = (
    st.lists(
        st.sampled_from(PIECES),
        min_size=1,
        max_size=25,
    )
    .map("".join)
    .map(str.strip)
    .filter(bool)
)


@settings(max_examples=300)
@given(UNTRUSTED)
def test_markdown_escape_shows_text_exactly(text: str) -> None:
    text = re.sub(r"\s+", " ", text)
    assert rendered_text(markdown_text(text)).strip() == text


@given(UNTRUSTED)
def test_html_escape_leaves_no_markup(text: str) -> None:
    escaped = html_text(text)
    assert "<" not in escaped and ">" not in escaped and '"' not in escaped
    assert html.unescape(escaped) == text
