"""Reader for reports saved as Markdown (`.md`, or a `.txt` that is Markdown): what PDF-to-Markdown
tools and note apps export.

`#` headings and `**bold**` become plain text; `|` pipe tables become rows of cells. PDF exports
cut tables apart: a row's label left as a line of text above its numbers, the tool's own caption
(`## 表三：…`) repeated between rows, page footers inside the table. So the short lines between
two rows of a table stay in the table as label rows, captions and page numbers are dropped, and
the table parser pairs labels and numbers by the order of the form. Rows that print fewer cells
than the form has columns are never padded: the exporter may have dropped any of them.
"""

from __future__ import annotations

import bisect
import re
from pathlib import Path

from ...model import Report, SourceFile
from ..parsing import Line, is_page_furniture, normalize_radicals, section_heading, text_to_lines
from .common import decode_report_bytes, lines_to_report, read_text_bytes, sha256_of

PIPE_ROW = re.compile(r"^\s*\|(.*)\|\s*$")
SEPARATOR_ROW = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
EMPHASIS = re.compile(r"\*\*|__|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])")
CAPTION = re.compile(r"^表\s*[一二三四1-4]\s*[：:.、]?")
MAX_LABEL_LENGTH = 40
LAYOUT = "pipe-table"
MAX_ROW_GAP = 30  # lines between two rows of one table cut apart by an exporter


def looks_like_markdown(text: str) -> bool:
    """Whether a text file is Markdown: pipe tables with separator rows, or `#` headings."""
    lines = text.splitlines()
    separators = sum(1 for line in lines if SEPARATOR_ROW.match(line) and "|" in line)
    headings = sum(1 for line in lines if HEADING.match(line))
    return separators >= 2 or headings >= 3


def plain(text: str) -> str:
    """A line without its Markdown marks (heading #, emphasis, escaped characters)."""
    text = HEADING.sub("", text)
    text = EMPHASIS.sub("", text)
    return re.sub(r"\\([\\`*_{}\[\]()#+\-.!|])", r"\1", text)


def pipe_cells(line: str) -> list[str] | None:
    match = PIPE_ROW.match(line)
    if not match or SEPARATOR_ROW.match(line):
        return None
    return [plain(cell).strip() for cell in re.split(r"(?<!\\)\|", match[1])]


def is_label_line(text: str) -> bool:
    """A short line between two rows of a table: a label the exporter took out of its row."""
    stripped = text.strip()
    return bool(stripped) and len(stripped) <= MAX_LABEL_LENGTH and "。" not in stripped


def markdown_to_lines(text: str) -> list[Line]:
    """Numbered lines of a Markdown report: text as text, table rows as cell lines."""
    raw = text_to_lines(text)
    kinds = [row_kind(line.text) for line in raw]
    rows = [index for index, kind in enumerate(kinds) if kind == "row"]
    lines: list[Line] = []
    for index, line in enumerate(raw):
        kind = kinds[index]
        inside = between_rows(rows, index)
        if kind == "separator":
            continue
        if kind == "row":
            cells = pipe_cells(line.text) or []
            lines.append(Line(line.number, normalize_radicals("\t".join(cells)), layout=LAYOUT))
            continue
        text = normalize_radicals(plain(line.text))
        if inside and (HEADING.match(line.text) and CAPTION.match(plain(line.text).strip())):
            continue  # the exporter's caption repeated inside a table
        if inside and is_page_furniture(Line(0, text)):
            continue
        if inside and is_label_line(text) and section_heading(Line(0, text), 0) is None:
            lines.append(Line(line.number, text.strip() + "\t", layout=LAYOUT))
            continue
        lines.append(Line(line.number, text))
    return lines


def row_kind(text: str) -> str:
    if SEPARATOR_ROW.match(text) and "|" in text:
        return "separator"
    return "row" if PIPE_ROW.match(text) else "text"


def between_rows(rows: list[int], index: int) -> bool:
    """Whether a line sits between two table rows close enough to belong to one table."""
    position = bisect.bisect_left(rows, index)
    return 0 < position < len(rows) and rows[position] - rows[position - 1] <= MAX_ROW_GAP


def read_markdown_report(path: Path, display_path: str) -> Report:
    data = read_text_bytes(path)
    source = SourceFile(path=display_path, sha256=sha256_of(data), size=len(data), media_type="text/markdown")
    return lines_to_report(markdown_to_lines(decode_report_bytes(data)), source)
