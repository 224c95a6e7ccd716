"""A Python-Markdown extension that passes the archive's own pre-rendered HTML blocks through
untouched, without running them through Python-Markdown's HTML block parser.

The statistical tables are several hundred cells of HTML per report; parsing them back in
Markdown took two thirds of MkDocs' time. The blocks are written by our templates between two
marker comments, with every value already escaped; report text can never produce a marker,
because its `<` is always written as `&lt;`.

It also switches off the inline syntax the generated pages never use (reference links, images,
autolinks, hard line breaks): every page is written by our templates, so the dialect is ours to
choose, and Python-Markdown tries each inline pattern on every piece of text of every page.
Report text cannot produce any of these anyway: its brackets are escaped and `<` is `&lt;`.

Enabled in mkdocs.yml as `build_scripts.markdown_ext`.
"""

from __future__ import annotations

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

START = "<!-- archive:html -->"
END = "<!-- /archive:html -->"


class PrerenderedHtml(Preprocessor):
    """Replace each marked block by a placeholder for the stored HTML, in a paragraph of its own."""

    def run(self, lines: list[str]) -> list[str]:
        output: list[str] = []
        block: list[str] | None = None
        for line in lines:
            if block is None and line.strip() == START:
                block = []
            elif block is not None and line.strip() == END:
                output += ["", self.md.htmlStash.store("\n".join(block)), ""]
                block = None
            elif block is not None:
                block.append(line)
            else:
                output.append(line)
        if block is not None:  # an unclosed marker: keep the text as it was
            output += [START, *block]
        return output


UNUSED_INLINE_PATTERNS = (
    "reference",
    "image_link",
    "image_reference",
    "short_reference",
    "short_image_ref",
    "autolink",
    "automail",
    "linebreak",
)


class PrerenderedHtmlExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # Before the raw HTML block parser (priority 20), after whitespace normalisation (30).
        md.preprocessors.register(PrerenderedHtml(md), "archive_prerendered_html", 25)
        for name in UNUSED_INLINE_PATTERNS:
            if name in md.inlinePatterns:
                md.inlinePatterns.deregister(name)


def makeExtension(**kwargs: object) -> PrerenderedHtmlExtension:
    return PrerenderedHtmlExtension(**kwargs)
