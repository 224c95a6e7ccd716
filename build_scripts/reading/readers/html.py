"""Reader for reports published as web pages: the article page of an agency's site, saved as
`.html`, `.htm` or `.shtml`, or only the article's fragment.

Such a page carries far more than the report: menus, search forms, an info box, share buttons, a
相关链接 box listing other reports, sidebars, a footer. Only the article is read: the smallest
element that holds the report's numbered section headings. Its paragraphs become lines of text and
its `<table>`s grids of cells (rowspan and colspan expanded), which the text path parses as it
parses a ruled PDF table. What the page says about itself (address, date, 索引号) is kept as the
report's provenance; nothing else from around the article reaches the report.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

from ...model import Provenance, Report, SourceFile
from ..parsing import SECTION_NUMERALS, Line, find_title, normalize_radicals, section_heading
from ..provenance import day_in, first_of, http_url
from .common import ReportError, lines_to_report, sha256_of
from .grid import SpanCell, expand_spans, grid_to_lines

log = logging.getLogger(__name__)

MAX_PAGE_BYTES = 20 * 1024 * 1024  # a saved article page is well under 1 MB; more is not a report page
DECLARED_CHARSET = re.compile(rb"""(?:charset|encoding)\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
# Every Chinese encoding sites declare is a subset of GB18030, which also decodes what GB2312 pages
# really hold (characters outside GB2312 written by GBK editors).
CHINESE_ENCODINGS = {"gb2312", "gbk", "gb18030", "gb_2312-80", "x-gbk", "cp936", "euc-cn", "hz-gb-2312"}
SKIPPED_TAGS = {"script", "style", "noscript", "template", "iframe", "button", "select", "textarea", "object"}
BLOCK_TAGS = {
    "p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "article", "main",
    "header", "footer", "blockquote", "pre", "dd", "dt", "dl", "center", "form", "hr", "address", "figure",
    "figcaption", "caption", "body",
}  # fmt: skip
XML_PROLOG = re.compile(r"^\s*<\?xml[^>]*\?>")
# Boxes a CMS may put inside the article's own container: share buttons, related links, print and
# close links, previous / next article. They are never part of the report.
FURNITURE = re.compile(
    r"share|fenxiang|related|xglj|xgwz|dayin|pagination|toolbar|footer|sidebar"
    r"|(?<![a-z])(?:prev|next|close|print|tools)(?![a-z])",
    re.IGNORECASE,
)
FURNITURE_TEXT = re.compile(r"^(?:相关链接|相关文章|相关阅读|分享到|【?打印本页|【?关闭窗口|上一篇|下一篇)")
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
MIN_SECTIONS_FOR_ARTICLE = 3
INFO_FIELDS = {
    "index_number": re.compile(r"索\s*引\s*号\s*[:：]\s*([A-Za-z0-9][A-Za-z0-9/_.\-－—]*[A-Za-z0-9])"),
    "published": re.compile(r"(?:发布|公开|成文)(?:日期|时间)\s*[:：]\s*((?:19|20)\d{2}[-./年]\d{1,2}[-./月]\d{1,2})"),
    "publisher": re.compile(r"(?:发布|公开)机构\s*[:：]\s*([\u3400-\u9fff（）()]{2,40})"),
}
URL_METAS = ("og:url", "url", "pageurl", "canonical")
DATE_METAS = ("pubdate", "publishdate", "firstpublishedtime", "article:published_time", "releasedate")
TITLE_METAS = ("articletitle", "og:title", "title")
ATTACHMENT = re.compile(r"\.(pdf|docx?|wps|ofd|xlsx?|zip|rar)(?:$|[?#])", re.IGNORECASE)


@dataclass(frozen=True)
class PageMeta:
    """What the page says about itself, outside the article."""

    titles: list[str]
    url: str | None
    published: str | None
    index_number: str | None
    publisher: str | None


def declared_encoding(head: bytes) -> str | None:
    """The encoding a page declares in its meta tag or XML prolog, if any."""
    match = DECLARED_CHARSET.search(head)
    return match[1].decode("ascii").lower() if match else None


def decode_page(data: bytes) -> str:
    """The text of a page: its declared encoding when that decodes it, else UTF-8, else GB18030."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    declared = declared_encoding(data[:4096])
    tried = []
    if declared:
        tried.append("gb18030" if declared in CHINESE_ENCODINGS else declared)
    tried += ["utf-8", "gb18030"]
    for encoding in dict.fromkeys(tried):
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("gb18030", errors="replace")  # a few broken bytes must not lose the report


def parse_page(text: str):
    """The page as an lxml tree (entities are not expanded, nothing is fetched)."""
    import lxml.html

    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True, default_doctype=False)
    text = XML_PROLOG.sub("", text, count=1)  # lxml takes no encoding declaration in decoded text
    try:
        root = lxml.html.document_fromstring(text, parser=parser)
    except Exception as error:  # lxml raises ParserError and ValueError on empty or binary input
        raise ReportError(f"not a readable web page: {error}") from error
    if root is None:
        raise ReportError("not a readable web page")
    return root


def is_hidden(element) -> bool:
    return element.tag in SKIPPED_TAGS or bool(HIDDEN_STYLE.search(element.get("style") or ""))


def collapsed(text: str | None) -> str:
    """Text with every run of spaces (ASCII, no-break, full-width) as one space, trimmed."""
    return re.sub(r"[\s\u00a0\u3000]+", " ", text or "").strip()


def is_furniture(element) -> bool:
    """A box of page furniture inside the article: by its class or id, or by how its text starts."""
    names = f"{element.get('class') or ''} {element.get('id') or ''}"
    if FURNITURE.search(names):
        return True
    return element.tag in BLOCK_TAGS and bool(FURNITURE_TEXT.match((element.text or "").strip()))


def visible_text(element) -> str:
    """The element's text without scripts, styles and hidden parts, runs of space collapsed."""
    parts: list[str] = []

    def walk(node) -> None:
        if not isinstance(node.tag, str) or is_hidden(node):
            return
        if node.text:
            parts.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(element)
    return collapsed("".join(parts))


def heading_elements(root) -> dict[int, object]:
    """For each section number, the first visible element whose own text opens that section."""
    found: dict[int, object] = {}

    def walk(node) -> None:
        if not isinstance(node.tag, str) or is_hidden(node) or len(found) == 6:
            return
        for text in (node.text, *(child.tail for child in node)):
            stripped = (text or "").replace("\u00a0", " ").strip()
            if (
                stripped
                and stripped[0] in SECTION_NUMERALS
                and (heading := section_heading(Line(0, stripped[:200]), 0))
            ):
                found.setdefault(heading[0], node)
        for child in node:
            walk(child)

    walk(root)
    return found


def common_ancestor(elements: list) -> object:
    """The deepest element that holds all the given ones."""
    chains = [[*list(element.iterancestors())[::-1], element] for element in elements]
    shared = None
    for level in zip(*chains, strict=False):
        if any(node is not level[0] for node in level):
            break
        shared = level[0]
    return shared


def find_article(root) -> object | None:
    """The element that holds the report: the deepest one around its section headings."""
    headings = heading_elements(root)
    if len(headings) < MIN_SECTIONS_FOR_ARTICLE:
        return None
    article = common_ancestor(list(headings.values()))
    # A heading that is itself a table cell (a report laid out in one table) is read as a whole.
    while article is not None and article.tag in {"p", "span", "font", "strong", "b", "td", "tr", "tbody", "table"}:
        article = article.getparent()
    return article


def table_grid(table) -> list[list[str]]:
    """A `<table>`'s rows of cells, spans expanded (nested tables read as their cells' text)."""
    rows: list[list[SpanCell]] = []
    for row in table.iter("tr"):
        if next(row.iterancestors("table")) is not table:
            continue
        cells = [
            SpanCell(cell_lines(cell), span_of(cell, "rowspan"), span_of(cell, "colspan"))
            for cell in row
            if cell.tag in ("td", "th")
        ]
        rows.append(cells)
    return expand_spans(rows)


def span_of(cell, name: str) -> int:
    match = re.match(r"\s*(\d+)", cell.get(name) or "")
    return int(match[1]) if match else 1


def cell_lines(cell) -> str:
    """A cell's text with its paragraphs and line breaks as newlines (joined again by cell_text)."""
    return "\n".join(element_texts(cell))


def element_texts(element) -> list[str]:
    """The lines of text of an element: a new line at every block element or `<br>`."""
    lines: list[str] = [""]

    def newline() -> None:
        if lines[-1].strip():
            lines.append("")

    def walk(node) -> None:
        if not isinstance(node.tag, str) or is_hidden(node):
            return
        block = node.tag in BLOCK_TAGS or node.tag in ("table", "tr", "td", "th")
        if block:
            newline()
        if node.text:
            lines[-1] += node.text
        for child in node:
            walk(child)
            if child.tail:
                lines[-1] += child.tail
        if block:
            newline()

    walk(element)
    return [clean for line in lines if (clean := re.sub(r"[ \t\u00a0]+", " ", line).strip())]


def article_lines(article) -> list[Line]:
    """The article as numbered lines: each text block a line of text, each table its grid's rows as
    ruled cell lines, a blank line after a table so that the text resumes as text."""
    lines: list[Line] = []

    def add(text: str, ruled: bool = False) -> None:
        lines.append(Line(len(lines) + 1, normalize_radicals(text), ruled=ruled))

    def inline_only(node) -> bool:
        return not any(
            isinstance(child.tag, str) and (child.tag in BLOCK_TAGS or child.tag == "table")
            for child in node.iterdescendants()
        )

    def walk(node) -> None:
        if not isinstance(node.tag, str) or is_hidden(node) or (node is not article and is_furniture(node)):
            return
        if node.tag == "table" and node.find(".//table") is None:
            for line in grid_to_lines(table_grid(node), 0):
                add(line.text, ruled=line.ruled)
            add("")
            return
        if inline_only(node):
            for text in element_texts(node):
                add(text)
            return
        if collapsed(node.text):
            add(collapsed(node.text))
        for child in node:
            walk(child)
            if collapsed(child.tail):
                add(collapsed(child.tail))

    walk(article)
    return lines


def meta_values(root) -> dict[str, str]:
    """The page's `<meta name|property=… content=…>` values, by lower-case name."""
    values: dict[str, str] = {}
    for meta in root.iter("meta"):
        name = (meta.get("name") or meta.get("property") or meta.get("itemprop") or "").strip().lower()
        content = (meta.get("content") or "").strip()
        if name and content and name not in values:
            values[name] = content
    return values


def page_meta(root, article) -> PageMeta:
    """Title candidates, address, date, 索引号 and publisher, from the meta tags and the info box."""
    metas = meta_values(root)
    canonical = next(
        (link.get("href") for link in root.iter("link") if (link.get("rel") or "").lower() == "canonical"), None
    )
    url = first_of([http_url(canonical), *(http_url(metas.get(name)) for name in URL_METAS)])
    outside = text_outside(root, article)
    info = {name: (match[1] if (match := pattern.search(outside)) else None) for name, pattern in INFO_FIELDS.items()}
    published = first_of(day_in(metas.get(name)) for name in DATE_METAS)
    titles = [metas[name] for name in TITLE_METAS if metas.get(name)]
    titles += [visible_text(heading) for tag in ("h1", "h2") for heading in root.iter(tag) if heading is not article]
    title_tag = root.find(".//title")
    if title_tag is not None and title_tag.text:
        titles.append(re.split(r"[_|｜]| - ", title_tag.text.strip())[0])
    return PageMeta(
        titles=[title for title in titles if title],
        url=url,
        published=published or day_in(info["published"]),
        index_number=info["index_number"],
        publisher=metas.get("contentsource") or info["publisher"],
    )


def text_outside(root, article) -> str:
    """The page's visible text except the article's (where the info box is)."""
    body = root.find("body")
    if body is None:
        return ""
    if article is None:
        return visible_text(body)
    parent = article.getparent()
    if parent is None:
        return ""
    index = list(parent).index(article)
    tail = article.tail
    parent.remove(article)
    try:
        return visible_text(body)
    finally:
        parent.insert(index, article)
        article.tail = tail


def attachment_links(root) -> list[str]:
    """Links to attached files (PDF, Word, OFD …), by their visible name or address."""
    found = []
    for link in root.iter("a"):
        href = link.get("href") or ""
        if ATTACHMENT.search(href):
            found.append(visible_text(link) or href.rsplit("/", 1)[-1])
    return list(dict.fromkeys(found))


def with_title(lines: list[Line], meta: PageMeta) -> list[Line]:
    """The article's lines, headed by the page's title when the article does not print one."""
    if find_title(lines) is not None:
        return lines
    for title in meta.titles:
        candidate = [Line(0, normalize_radicals(title)), *lines]
        if find_title([*candidate[:1], Line(1, "")]) is not None:
            return [Line(index + 1, line.text, line.page, line.ruled) for index, line in enumerate(candidate)]
    return lines


def read_html_report(path: Path, display_path: str) -> Report:
    data = path.read_bytes()
    if len(data) > MAX_PAGE_BYTES:
        raise ReportError(
            f"web page of {len(data) / 1e6:.0f} MB is larger than any report page "
            f"({MAX_PAGE_BYTES // 2**20} MB at most)"
        )
    if not data.strip():
        raise ReportError("empty file")
    root = parse_page(decode_page(data))
    article = find_article(root)
    meta = page_meta(root, article)
    if article is None:
        attachments = attachment_links(root)
        if attachments:
            raise ReportError(
                f"the page holds no report text; the report is in its attachment: {'、'.join(attachments[:3])}"
            )
        raise ReportError("no report in the page: none of the six numbered sections (一、总体情况 …) found")
    lines = article_lines(article)
    source = SourceFile(path=display_path, sha256=sha256_of(data), size=len(data), media_type="text/html")
    report = lines_to_report(with_title(lines, meta), source)
    found = {
        "url": meta.url,
        "published": meta.published,
        "index_number": meta.index_number,
        "publisher": meta.publisher,
    }
    if any(found.values()):
        report.provenance = Provenance(**found, origin="page")
    if not report.publication_date and meta.published:
        report.publication_date = meta.published
    return report
