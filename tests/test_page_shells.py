"""Pages made from their shape's shell (build_scripts/site/page_shells.py) are byte for
byte the pages Jinja renders: on the samples with hostile titles, and on generated values."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import escape
from mkdocs.structure.toc import AnchorLink, TableOfContents

from build_scripts.site import page_shells
from build_scripts.site.page_shells import ShellTemplate, marker, output_to_shell

from .conftest import REPORTS, build_into

HOSTILE_TITLE = '<script>alert("x")</script> {{ x }} & =cmd 卫辉市科技和工业信息化局2023年政府信息公开工作年度报告'


def test_markers_are_found_raw_and_escaped_and_filled_as_each_was() -> None:
    output = f"<title>{escape(marker('m.title'))}</title><main>{marker('content', heading=True)}</main>"
    shell = output_to_shell(output, {"m.title", "content"})
    assert shell is not None
    filled = shell.fill({"m.title": "a < b & 'c'", "content": "<h1>x</h1>"})
    assert filled == "<title>a &lt; b &amp; &#39;c&#39;</title><main><h1>x</h1></main>"


def test_a_marker_in_any_other_form_leaves_the_shape_to_jinja() -> None:
    assert output_to_shell(f"<a title='{marker('m.title').upper()}'>", {"m.title"}) is None
    assert output_to_shell("<p>%01title%3C%26%01</p>\x01", {"title"}) is None


@dataclass
class FakeFile:
    src_uri: str


@dataclass
class FakePage:
    """What the templates read of a report page."""

    title: str
    content: str
    meta: dict
    toc: TableOfContents
    url: str = "reports/410781/kejiju/2023/"
    canonical_url: str | None = None
    previous_page: object = None
    next_page: object = None
    edit_url: object = None
    parent: object = None
    is_homepage: bool = False
    file: FakeFile = field(default_factory=lambda: FakeFile("reports/410781/kejiju/2023.md"))


# Values raw and escaped, in attributes and text, tested and printed (a stand-in for main.html).
TEMPLATE = """<title>{{ page.meta.title | e }} - 档案</title>
<meta name="description" content="{{ page.meta.description | e }}">
{% if page.toc | first is defined %}<a href="{{ (page.toc | first).url }}">跳到</a>{% endif %}
<nav>{% for item in page.toc %}<a href="{{ item.url }}">{{ item.title }}</a>
{% for c in item.children %}<a href="{{ c.url | e }}">{{ c.title | e }}</a>{% endfor %}{% endfor %}</nav>
{% if "\\u003ch1" not in page.content %}<h1>{{ page.title | e }}</h1>{% endif %}{{ page.content }}
<p>{{ page.meta.agency | e }}{% if page.meta.year %}（{{ page.meta.year }} 年度）{% endif %}，
{{ (page.canonical_url or ("/" ~ page.url)) | e }}</p>"""

piece = st.sampled_from([*"报告<>&\"'{}%=\x01 \\/#", "年度", "<h1>", "{{ x }}"])
text = st.lists(piece, max_size=8).map("".join)


def toc_of(titles: list[str]) -> TableOfContents:
    items = []
    for number, title in enumerate(titles):
        item = AnchorLink(title, f"id-{number}{title[:3]}", 2)
        item.children = [AnchorLink(title + "子", f"c{number}", 3)] if number % 2 else []
        items.append(item)
    return TableOfContents(items)


@settings(max_examples=300, deadline=None)
@given(
    pages=st.lists(
        st.tuples(text, text, text, st.one_of(st.none(), st.integers(2008, 2030)), st.lists(text, max_size=3), text),
        min_size=1,
        max_size=6,
    )
)
def test_pages_from_shells_are_the_pages_jinja_renders(pages: list[tuple]) -> None:
    template = jinja2.Environment().from_string(TEMPLATE)
    shells = ShellTemplate(template)
    markers = 0  # pages holding a marker's character: rendered by Jinja
    for title, description, agency, year, headings, content in pages:
        meta = {"title": title, "page_kind": "report", "description": description, "agency": agency, "year": year}
        page = FakePage(title, content, meta, toc_of(headings))
        context = {"page": page, "base_url": "../../../.."}
        assert shells.render(context) == template.render(context)
        markers += "\x01" in "".join([title, description, agency, content, *headings])
    assert shells.filled == len(pages) - markers


def test_a_template_that_computes_with_a_value_leaves_its_shape_to_jinja() -> None:
    template = jinja2.Environment().from_string("{% if page.meta.year > 2019 %}新{% endif %}{{ page.meta.year + 1 }}")
    shells = ShellTemplate(template)
    for year in (2018, 2024):
        page = FakePage("t", "<p>x</p>", {"title": "t", "page_kind": "report", "year": year}, toc_of([]))
        assert shells.render({"page": page}) == template.render({"page": page})
    assert shells.filled == 0 and list(shells.shells.values()) == [None]


def test_shapes_beyond_the_bound_are_rendered_by_jinja(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(page_shells, "MAX_SHAPES", 2)
    template = jinja2.Environment().from_string(TEMPLATE)
    shells = ShellTemplate(template)
    for count in range(5):  # a table of contents of another outline each time: five shapes
        page = FakePage("t", "<p>x</p>", {"title": "t", "page_kind": "report"}, toc_of(["节"] * count))
        assert shells.render({"page": page}) == template.render({"page": page})
    assert len(shells.shells) == 2 and shells.filled == 2


def test_other_pages_are_rendered_by_jinja() -> None:
    template = jinja2.Environment().from_string(TEMPLATE)
    shells = ShellTemplate(template)
    page = FakePage("首页", "<p>x</p>", {"title": "首页", "page_kind": "home"}, toc_of([]))
    assert shells.render({"page": page}) == template.render({"page": page})
    assert shells.shells == {}


def page_kind(page: Path) -> str | None:
    found = re.search(r"^page_kind: (\S+)$", page.read_text(encoding="utf-8"), re.M)
    return found[1] if found else None


def test_the_site_built_with_shells_is_the_site_jinja_renders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "reports"
    shutil.copytree(REPORTS, source)
    hostile = source / "hostile.txt"
    sample = (REPORTS / "003_184eb3a1fc423fbd.txt").read_text(encoding="utf-8")
    title = next(line for line in sample.splitlines() if "年度报告" in line)
    hostile.write_text(sample.replace(title, HOSTILE_TITLE, 1), encoding="utf-8")
    filled = []
    fill = page_shells.Shell.fill
    monkeypatch.setattr(page_shells.Shell, "fill", lambda shell, values: filled.append(1) or fill(shell, values))
    with_shells, result = build_into(tmp_path / "shells", source=source, index=False)
    assert result.site_warnings == [] and len(result.published) == 6
    kinds = [page_kind(path) for path in with_shells.content_dir.rglob("*.md")]
    assert kinds.count("report") == 6 and kinds.count("agency") > 0 and kinds.count("region") > 0
    # every page of those families, the one MkDocs process being this one
    assert len(filled) == sum(kind in page_shells.SHELL_PAGE_KINDS for kind in kinds)
    monkeypatch.setenv(page_shells.SHELLS_VARIABLE, "0")
    before = len(filled)
    by_jinja, _ = build_into(tmp_path / "jinja", source=source, index=False)
    assert len(filled) == before
    site, expected = with_shells.site_dir, by_jinja.site_dir
    pages = sorted(path.relative_to(expected) for path in expected.rglob("*.html"))
    assert pages == sorted(path.relative_to(site) for path in site.rglob("*.html"))
    assert [page for page in pages if (site / page).read_bytes() != (expected / page).read_bytes()] == []
    assert any("&lt;script&gt;alert" in page.read_text(encoding="utf-8") for page in site.glob("reports/**/index.html"))
