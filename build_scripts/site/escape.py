"""Escaping of untrusted report text for each place it is written to.

Report text is data, never markup: a report that prints `<script>`, `**bold**` or `{{ x }}`
must show exactly those characters on the site.
"""

from __future__ import annotations

import html
import re

# The characters Python-Markdown accepts a backslash escape for (markdown.Markdown.ESCAPED_CHARS,
# plus those of the extensions this site enables). `<`, `>` and `&` are written as entities.
MARKDOWN_ESCAPABLE = re.compile(r"([\\`*_{}\[\]()#+\-.!])")


def markdown_text(text: str) -> str:
    """Text that Markdown renders as itself, with no formatting, links or HTML."""
    return html.escape(MARKDOWN_ESCAPABLE.sub(r"\\\1", text), quote=False)


def html_text(text: str) -> str:
    """Text safe inside HTML elements and quoted attributes."""
    if text.isalnum():  # letters and digits only (most cells of a table): nothing to escape
        return text
    return html.escape(text, quote=True)
