"""The archive's Markdown converted without Python-Markdown (build_scripts/site/dialect.py) is
Python-Markdown's HTML, byte for byte: on every golden report page (samples and real fixtures),
on every page of a built site as MkDocs renders it (links, contents, title, anchors), and on
generated report text. Outside the dialect it converts nothing, and Python-Markdown does."""

from __future__ import annotations

import collections
from functools import cache
from pathlib import Path
from typing import Any

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mkdocs.config import load_config
from mkdocs.structure.files import get_files
from mkdocs.structure.pages import Page
from mkdocs.utils.meta import get_data

from build_scripts.build import BuildOptions, BuildResult
from build_scripts.site import dialect, mkdocs_hooks
from build_scripts.site.escape import markdown_text
from build_scripts.site.markdown_ext import END, START

from .conftest import REPO

GOLDEN_PAGES = sorted((REPO / "tests" / "golden").rglob("*.md"))


@cache
def mkdocs_config(docs_dir: str = str(REPO / "templates")) -> Any:
    return load_config(str(REPO / "mkdocs.yml"), docs_dir=docs_dir, site_dir=str(Path(docs_dir).parent / "_site"))


def slugify() -> Any:
    return mkdocs_config().mdx_configs["toc"]["slugify"]


def unchanged_link(path: str) -> tuple[str, str]:
    return path, path  # links as Python-Markdown leaves them without MkDocs


def python_markdown(source: str) -> markdown.Markdown:
    """Python-Markdown with mkdocs.yml's extensions, after converting `source` (in `.html`)."""
    config = mkdocs_config()
    md = markdown.Markdown(extensions=config.markdown_extensions, extension_configs=config.mdx_configs)
    md.html = md.convert(source)  # type: ignore[attr-defined]
    return md


def convert(source: str) -> dialect.Converted | None:
    return dialect.to_html(source, unchanged_link, slugify())


def test_the_dialect_is_mkdocs_yml_s_markdown() -> None:
    config = mkdocs_config()
    assert dialect.speaks_dialect(config.markdown_extensions, config.mdx_configs)
    assert not dialect.speaks_dialect([*config.markdown_extensions, "footnotes"], config.mdx_configs)
    assert not dialect.speaks_dialect(config.markdown_extensions, {"toc": {"permalink": True}})


@pytest.mark.parametrize("path", GOLDEN_PAGES, ids=lambda p: str(p.relative_to(REPO / "tests" / "golden")))
def test_every_golden_report_page_converts_as_python_markdown(path: Path) -> None:
    """Real reports' text (fixtures of every input form) and the samples', as the build writes them."""
    source, _ = get_data(path.read_text(encoding="utf-8"))
    converted = convert(source)
    assert converted is not None, "a report page the build writes is outside the dialect"
    expected = python_markdown(source)
    assert converted.html == expected.html  # type: ignore[attr-defined]
    assert converted.toc_tokens == expected.toc_tokens  # type: ignore[attr-defined]


def toc_entries(toc: Any) -> list[tuple[str, str, int, list[Any]]]:
    return [(item.title, item.id, item.level, toc_entries(item.children)) for item in toc]


def rendered_both_ways(page: Any, config: Any, files: Any) -> tuple[tuple[Any, ...], tuple[Any, ...]] | None:
    """What Page.render leaves on a page, by Python-Markdown and through the hook (None: the hook
    left the page to Python-Markdown)."""
    page.read_source(config)
    mkdocs_hooks.on_page_markdown(page.markdown, page=page, config=config, files=files)
    if "render" not in vars(page):
        return None
    page.render(config, files)
    by_dialect = (page.content, toc_entries(page.toc), page.title, page.present_anchor_ids, page.links_to_anchors)
    del page.render
    Page.render(page, config, files)
    by_markdown = (page.content, toc_entries(page.toc), page.title, page.present_anchor_ids, page.links_to_anchors)
    return by_dialect, by_markdown


def test_every_page_of_a_built_site_is_what_mkdocs_would_render(
    built_site: tuple[BuildOptions, BuildResult],
) -> None:
    options, _ = built_site
    config = load_config(str(REPO / "mkdocs.yml"), docs_dir=str(options.content_dir), site_dir=str(options.site_dir))
    files = get_files(config)
    converted: collections.Counter[str] = collections.Counter()
    for file in files.documentation_pages():
        both = rendered_both_ways(Page(None, file, config), config, files)
        family = file.src_uri.split("/")[0]
        converted[family] += both is not None
        if both is not None:
            assert both[0] == both[1], file.src_uri
    pages = collections.Counter(file.src_uri.split("/")[0] for file in files.documentation_pages())
    # Every report page and every browse page family; the few hand-written-style pages (about,
    # the data dictionary, the downloads) may use Markdown outside the dialect.
    for family in ("reports", "agencies", "regions", "years", "kinds", "index.md", "search.md", "overview.md"):
        assert converted[family] == pages[family] > 0, family


def test_outside_the_dialect_nothing_is_converted() -> None:
    assert convert("一段 **强调** 的文字") is None
    assert convert("`代码`") is None
    assert convert("    缩进的代码") is None
    assert convert("标题\n===") is None
    assert convert("- 一\n\n- 二") is None  # a loose list
    assert convert("2. 从二开始") is None
    assert convert("<div>未标记的 HTML</div>") is None
    assert convert(f"{START}\n<div>未闭合</div>") is None
    assert dialect.to_html("[缺失的页面](missing.md)", lambda path: None, slugify()) is None


def test_marked_html_passes_verbatim_and_links_resolve() -> None:
    table = '<div class="t">\n<table><tr><td id="x">1</td></tr></table>\n\n</div>'
    source = f"# 标题\n\n[机构](../a.md#t3){{: .crumb }} › 2024 年\n\n{START}\n{table}\n{END}"
    converted = dialect.to_html(source, lambda path: (path, "../../a/"), slugify())
    assert converted is not None
    assert table in converted.html
    assert '<a class="crumb" href="../../a/#t3">机构</a>' in converted.html
    assert converted.links_to_anchors == {"../a.md": {"t3": "../a.md#t3"}}
    assert converted.title == "标题" and converted.anchor_ids == {"标题"}


# Report text: CJK, the characters Markdown and HTML give meaning to, spaces and line ends.
CJK = "政府信息公开年报表一二三（）、。：；“”《》0123456789"
REPORT_TEXT = st.text(alphabet=st.sampled_from(list(CJK + " abcXYZ\\`*_{}[]()#+-.!<>&|~=:;'\"\n")), max_size=60)
PLAIN_TEXT = st.text(alphabet=st.sampled_from(list(CJK)), min_size=1, max_size=40)


def report_page(title: str, paragraphs: list[str], items: list[str], heading: str) -> str:
    """A page as the templates write report text into it: every piece escaped."""
    lines = [f"# {markdown_text(title)}", ""]
    for paragraph in paragraphs:
        lines += [markdown_text(paragraph), ""]
    lines += [f"- [{markdown_text(item)}](page.md)" for item in items]
    lines += ["", f"## {markdown_text(heading)}", "", f"{START}", "<p>表</p>", f"{END}"]
    return "\n".join(lines)


@settings(max_examples=300, deadline=None)
@given(REPORT_TEXT, st.lists(REPORT_TEXT, max_size=3), st.lists(REPORT_TEXT, max_size=3), REPORT_TEXT)
def test_report_text_converts_as_python_markdown_or_not_at_all(
    title: str, paragraphs: list[str], items: list[str], heading: str
) -> None:
    source = report_page(title, paragraphs, items, heading)
    converted = convert(source)
    if converted is not None:
        expected = python_markdown(source)
        assert converted.html == expected.html  # type: ignore[attr-defined]
        assert converted.toc_tokens == expected.toc_tokens  # type: ignore[attr-defined]


@settings(max_examples=100, deadline=None)
@given(PLAIN_TEXT, st.lists(PLAIN_TEXT, min_size=1, max_size=3), st.lists(PLAIN_TEXT, max_size=3), PLAIN_TEXT)
def test_ordinary_report_text_is_in_the_dialect(
    title: str, paragraphs: list[str], items: list[str], heading: str
) -> None:
    source = report_page(title, paragraphs, items, heading)
    converted = convert(source)
    assert converted is not None
    assert converted.html == python_markdown(source).html  # type: ignore[attr-defined]
