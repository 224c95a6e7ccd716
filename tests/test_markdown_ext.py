"""The extension that lets the build's own pre-rendered HTML through Python-Markdown untouched."""

from __future__ import annotations

import markdown

from build_scripts.site.escape import markdown_text
from build_scripts.site.markdown_ext import END, START


def render(source: str) -> str:
    return markdown.markdown(source, extensions=["build_scripts.site.markdown_ext"])


def test_marked_block_is_output_verbatim() -> None:
    table = '<div class="t">\n<table>\n<tr><td>**0**</td><td>&lt;b&gt;</td></tr>\n\n</table>\n</div>'
    html = render(f"前文\n\n{START}\n{table}\n{END}\n\n后文")
    assert table in html
    assert html.startswith("<p>前文</p>") and html.endswith("<p>后文</p>")


def test_unclosed_marker_changes_nothing_it_should_not() -> None:
    html = render(f"{START}\n*强调*")
    assert "<em>强调</em>" in html


def test_report_text_cannot_open_a_marked_block() -> None:
    hostile = f"{START}\n<script>alert(1)</script>\n{END}"
    html = render("\n".join(markdown_text(line) for line in hostile.split("\n")))
    assert "<script>" not in html and "&lt;script&gt;" in html
