"""The archive's own Markdown, converted straight to HTML, without Python-Markdown.

Every page of content/ is written by our templates, in a small fixed part of Markdown: headings,
paragraphs (with a trailing `{: .class }`), flat lists, links between our pages (with an inline
`{: .class }`), inline `<a>` tags, backslash escapes and entities, and blocks of our own HTML
between the marker comments of markdown_ext.py. Report text inside it is always escaped
(escape.markdown_text), so it can only ever be text.

Python-Markdown spends most of a page's time finding that out again: it tries every inline
pattern on every piece of text, and runs an HTML parser over the whole page. Here each page is
read once, line by line, and the HTML is what Python-Markdown (with mkdocs.yml's extensions and
MkDocs' link rewriting) makes of the same page, byte for byte: tests/test_dialect.py holds the
two side by side on every sample, fixture and golden page, and on generated report text.

Anything outside the dialect — a hand-edited page, a construct no template writes, a link to a
page that does not exist (MkDocs warns of it) — is not converted here: `to_html` returns None,
and the page goes through Python-Markdown as before. The hook that uses this is
mkdocs_hooks.on_page_markdown.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from markdown.extensions.toc import nest_toc_tokens, unique
from markdown.util import BLOCK_LEVEL_ELEMENTS

from .markdown_ext import END, START

# Python-Markdown's backslash escapes (Markdown.ESCAPED_CHARS).
ESCAPABLE = frozenset("\\`*_{}[]()>#+-.!")
BLOCK_TAGS = frozenset(BLOCK_LEVEL_ELEMENTS)

HEADING = re.compile(r"(#{1,6}) (\S(?:.*\S)?)")
LIST_ITEM = re.compile(r"- (\S.*)")
NUMBERED_ITEM = re.compile(r"(\d+)\. (\S.*)")
BLOCK_CLASS = re.compile(r"\{: \.([A-Za-z][\w-]*) \}")
# A line Python-Markdown might read as something else than text: a list, a quote, a rule, an
# underlined heading, a table's rule, an admonition, raw HTML, code (indented or fenced).
NOT_TEXT = re.compile(r"[ #>]|[-*+] |\d+\. |[=-]+$|[-*_ ]{3,}$|[-:| ]*-[-:| ]*$|!!!|<|- ?$|~~~|```")
# The inline pieces: an escape, a link with an optional `{: .class }`, a raw tag, an entity.
INLINE = re.compile(
    r"\\(?P<escaped>.)"
    r"|\[(?P<label>[^\[\]]*)\]\((?P<target>[^()\s<>\\&\x22]+)\)(?:\{: \.(?P<link_class>[A-Za-z][\w-]*) \})?"
    r"|(?P<tag></?[a-zA-Z][^<>@ ]*(?: [^<>]*)?>)"
    r"|(?P<entity>&(?:#[0-9]+|#x[0-9a-fA-F]+|[a-zA-Z0-9]+);)"
)
# Characters that start Markdown syntax the dialect does not write (emphasis, code, images, …).
UNSUPPORTED_TEXT = re.compile(r"[\\`*_\[\]{}<!]|  $")
TAG_ID = re.compile(r'\sid="([^"]*)"')
TAGS = re.compile(r"<[^>]*>")


class OutsideDialect(Exception):
    """The page uses Markdown this module does not write: Python-Markdown converts it."""


@dataclass
class Converted:
    """A page's HTML and what MkDocs keeps of its conversion."""

    html: str
    toc_tokens: list[dict[str, Any]]
    title: str | None  # the text of a first-element h1
    anchor_ids: set[str]
    # The anchors it links to, by the file linked (MkDocs validates them once every page is done).
    links_to_anchors: dict[Any, dict[str, str]] = field(default_factory=dict)


@dataclass
class Links:
    """How a page's relative links become URLs: `resolve(path)` gives the file a link names and
    its URL from the page, or None when there is no such file. It keeps what MkDocs keeps of the
    page's links and tags: the anchors linked to, and the ids of inline tags."""

    resolve: Callable[[str], tuple[Any, str] | None]
    links_to_anchors: dict[Any, dict[str, str]] = field(default_factory=dict)
    tag_ids: set[str] = field(default_factory=set)

    def url(self, target: str) -> str:
        if ":" in target or target.startswith(("/", "?", "#")):
            raise OutsideDialect(target)  # external, absolute or on this page: no template writes these
        path, _, anchor = target.partition("#")
        found = self.resolve(path)
        if found is None:
            raise OutsideDialect(target)  # MkDocs warns of it: let it
        file, url = found
        if anchor:
            self.links_to_anchors.setdefault(file, {}).setdefault(anchor, target)
            return f"{url}#{anchor}"
        return url

    def tag(self, tag: str) -> str:
        self.tag_ids.update(TAG_ID.findall(tag))
        return tag


def attribute(value: str) -> str:
    """An attribute's value as Python-Markdown's serializer escapes it."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def text_to_html(text: str) -> str:
    """Plain text as Python-Markdown's serializer writes it."""
    if UNSUPPORTED_TEXT.search(text):
        raise OutsideDialect(text)
    return text.replace("&", "&amp;").replace(">", "&gt;")


def inline_to_html(text: str, links: Links) -> str:
    """One paragraph's, item's or heading's text."""
    parts: list[str] = []
    position = 0
    for match in INLINE.finditer(text):
        parts.append(text_to_html(text[position : match.start()]))
        position = match.end()
        if match["escaped"] is not None:
            parts.append(escaped_to_html(match["escaped"]))
        elif match["target"] is not None:
            parts.append(link_to_html(match["label"], match["target"], match["link_class"], links))
        else:
            parts.append(links.tag(match["tag"]) if match["tag"] else match["entity"])
    parts.append(text_to_html(text[position:]))
    return "".join(parts)


def escaped_to_html(character: str) -> str:
    if character not in ESCAPABLE:
        raise OutsideDialect(character)
    return html.escape(character, quote=False)


def link_to_html(label: str, target: str, css_class: str | None, links: Links) -> str:
    href = attribute(links.url(target))
    attributes = f' class="{css_class}" href="{href}"' if css_class else f' href="{href}"'
    return f"<a{attributes}>{inline_to_html(label, links)}</a>"


@dataclass
class Headings:
    """The page's headings as the toc extension numbers and lists them."""

    slugify: Callable[[str, str], str]
    used_ids: set[str] = field(default_factory=set)
    counters: dict[str, int] = field(default_factory=dict)
    tokens: list[dict[str, Any]] = field(default_factory=list)

    def to_html(self, level: int, inner: str) -> str:
        name = " ".join(TAGS.sub("", inner).split())
        anchor = unique(self.slugify(html.unescape(name), "-"), self.used_ids, self.counters)
        self.tokens.append({"level": level, "id": anchor, "name": name, "html": inner, "data-toc-label": ""})
        return f'<h{level} id="{attribute(anchor)}">{inner}</h{level}>'


def lines_to_blocks(lines: list[str]) -> list[tuple[str, list[str]]]:
    """("html", lines) for each marked block of our HTML, ("text", lines) for each run of lines
    between blank lines."""
    blocks: list[tuple[str, list[str]]] = []
    current: list[str] = []
    marked: list[str] | None = None
    for line in lines:
        if marked is not None:
            if line.strip() == END:
                blocks.append(("html", marked))
                marked = None
            else:
                marked.append(line)
        elif line.strip() == START:
            blocks.append(("text", current))
            current, marked = [], []
        elif line.strip():
            current.append(line)
        else:
            blocks.append(("text", current))
            current = []
    if marked is not None:
        raise OutsideDialect("an unclosed marker")
    blocks.append(("text", current))
    return [(kind, block) for kind, block in blocks if kind == "html" or block]


def raw_block_to_html(lines: list[str]) -> str:
    """Our own HTML, as it was written; Python-Markdown puts it in a paragraph unless it starts
    with a block-level tag."""
    if any(not line.strip() and line for line in lines):
        raise OutsideDialect("a line of spaces")  # Python-Markdown would empty it
    block = "\n".join(lines)
    tag = re.match(r"</?([^ >]+)", block)
    block_level = tag is not None and (tag[1][0] in "!?@%" or tag[1].lower().rstrip("/") in BLOCK_TAGS)
    return block if block_level else f"<p>{block}</p>"


def text_block_to_html(lines: list[str], links: Links, headings: Headings, after_list: bool) -> list[str]:
    """A run of non-blank lines: headings, a list, or a paragraph."""
    for index, line in enumerate(lines):  # a heading ends the paragraph before it
        heading = HEADING.fullmatch(line)
        if heading:
            before = text_block_to_html(lines[:index], links, headings, after_list) if index else []
            level, text = len(heading[1]), heading[2]
            if text.endswith("#") and not text.endswith("\\#"):
                raise OutsideDialect(line)  # closing hashes
            after = text_block_to_html(lines[index + 1 :], links, headings, False) if index + 1 < len(lines) else []
            return [*before, headings.to_html(level, inline_to_html(text, links)), *after]
    for tag, pattern in (("ul", LIST_ITEM), ("ol", NUMBERED_ITEM)):
        items = [pattern.fullmatch(line) for line in lines]
        if all(items):
            if after_list:
                raise OutsideDialect("a list after a list: Python-Markdown makes one loose list")
            if tag == "ol" and items[0] and items[0][1] != "1":
                raise OutsideDialect("a numbered list not starting at 1")
            texts = [item[item.lastindex or 0] for item in items if item]
            return [f"<{tag}>", *(f"<li>{inline_to_html(text, links)}</li>" for text in texts), f"</{tag}>"]
    return [paragraph_to_html(lines, links)]


def paragraph_to_html(lines: list[str], links: Links) -> str:
    css_class = BLOCK_CLASS.fullmatch(lines[-1]) if len(lines) > 1 else None
    if css_class:
        lines = lines[:-1]
    for line in lines:
        if NOT_TEXT.match(line) or line != line.rstrip():
            raise OutsideDialect(line)
    inner = inline_to_html("\n".join(lines), links)
    return f'<p class="{css_class[1]}">{inner}</p>' if css_class else f"<p>{inner}</p>"


# The Markdown extensions (mkdocs.yml, with MkDocs' own) whose output this module reproduces.
EXTENSIONS = ("toc", "tables", "fenced_code", "attr_list", "admonition", "build_scripts.site.markdown_ext")


def speaks_dialect(extensions: list[Any], configs: dict[str, dict[str, Any]]) -> bool:
    """True when MkDocs is configured as this module expects: other extensions, or permalinks on
    headings, would change the HTML."""
    return tuple(extensions) == EXTENSIONS and not configs.get("toc", {}).get("permalink")


def to_html(
    source: str, resolve: Callable[[str], tuple[Any, str] | None], slugify: Callable[[str, str], str]
) -> Converted | None:
    """The page's Markdown (front matter removed) as HTML, or None when it is not in the dialect."""
    if any(character in source for character in "\t\r\x02\x03"):
        return None  # Python-Markdown rewrites these before reading
    links = Links(resolve)
    headings = Headings(slugify)
    parts: list[str] = []
    previous = ""
    try:
        for kind, lines in lines_to_blocks(source.split("\n")):
            if kind == "html":
                parts.append(raw_block_to_html(lines))
            else:
                parts += text_block_to_html(lines, links, headings, after_list=previous in ("</ul>", "</ol>"))
            previous = parts[-1] if parts else ""  # Python-Markdown joins a list to a list before it
    except OutsideDialect:
        return None
    title = headings.tokens[0]["name"] if parts and parts[0].startswith("<h1") else None
    anchor_ids = {token["id"] for token in headings.tokens} | links.tag_ids
    return Converted("\n".join(parts), nest_toc_tokens(headings.tokens), title, anchor_ids, links.links_to_anchors)


def page_links(src_uri: str, page_url: str, files: Any) -> Callable[[str], tuple[Any, str] | None]:
    """MkDocs' link rewriting for links to files that exist: the target's URL relative to the
    page's own (mkdocs.structure.pages._RelativePathTreeprocessor)."""
    from mkdocs.utils import get_relative_url

    folder = posixpath.dirname(src_uri)
    by_uri = files.src_uris  # what Files.get_file_from_path looks in, a normalized posix path being its key

    def resolve(path: str) -> tuple[Any, str] | None:
        target = by_uri.get(posixpath.normpath(posixpath.join(folder, path)))
        if target is None or target.inclusion.is_excluded():
            return None
        return target, get_relative_url(target.url, page_url)

    return resolve
