"""Reader for crawlers' text dumps of a report page: a metadata header (标题, 发布时间, 原文链接 …),
then the page's text with everything run together: headings into their paragraphs
(`一、总体情况 2024年，…`) and a table's cells into runs of digits (`规章000行政规范性文件8855698`).

The header becomes the report's provenance and title. The text is cut again where the report's
own structure says: before each numbered section heading, and in the table sections before
every row label of the official form; a row's digits stay one run, which the table parser reads
only where the form's sum rules allow exactly one reading (digit_runs.py).
"""

from __future__ import annotations

import re

from ...model import Provenance, Report, SourceFile
from ..parsing import Line, normalize_radicals, section_heading
from ..provenance import day_in, first_of, http_url
from .common import ReportError, lines_to_report

HEADER_FIELD = re.compile(
    r"^\s*(标题|题目|发布时间|发布日期|成文日期|原文链接|原文地址|链接|网址|URL|url|来源|发布机构|索引号|文号|栏目|抓取时间|采集时间)\s*[:：]\s*(.*)$"
)
BODY_SEPARATOR = re.compile(r"^\s*[=\-#*]{3,}\s*(正文|内容|全文)?\s*[=\-#*]*\s*$")
MIN_HEADER_FIELDS = 2
HEADER_LINES = 20
SECTION_START = re.compile(r"[一二三四五六]\s*[、.．]")
# Where a row of a run-together table starts: the form's item headings and row numbers.
TABLE2_ROW_NAMES = "|".join(
    (
        "规章",
        "(?:行政)?规范性文件",
        "行政许可",
        "其他对外管理服务事项",
        "行政处罚",
        "行政强制",
        "行政事业性收费",
        "政府集中采购",
    )
)
ROW_START = re.compile(
    rf"第二十条|信息内容|{TABLE2_ROW_NAMES}|(?<!第)[一二三四](?=、)|(?<!第)[（(][一二三四五六七][)）]"
    r"|(?<!\.)\d(?=[.．][\u4e00-\u9fff])"
)
TABLE_SECTIONS = (2, 3, 4)
LAYOUT = "run-together"


def crawl_header(lines: list[str]) -> tuple[dict[str, str], int] | None:
    """The metadata header of a crawler's dump and the index of the body's first line, if any."""
    fields: dict[str, str] = {}
    for index, line in enumerate(lines[:HEADER_LINES]):
        match = HEADER_FIELD.match(line)
        if match:
            fields.setdefault(match[1], match[2].strip())
        elif BODY_SEPARATOR.match(line) and len(fields) >= MIN_HEADER_FIELDS:
            return fields, index + 1
    return None


def is_crawl_dump(text: str) -> bool:
    return crawl_header(text.splitlines()) is not None


def split_sections(text: str) -> list[str]:
    """A run-in text cut before each numbered section heading, in order (一 … 六)."""
    pieces: list[str] = []
    start = 0
    current = 0
    for match in SECTION_START.finditer(text):
        found = section_heading(Line(0, text[match.start() : match.start() + 200]), current)
        if found is None or match.start() == 0:
            continue
        pieces.append(text[start : match.start()].strip())
        start = match.start()
        current = found[0]
    pieces.append(text[start:].strip())
    return [piece for piece in pieces if piece]


ITEM_NUMBER = re.compile(r"^\d[.．]")
# A label, then the numbers that follow it (one run, or several kept apart by spaces).
LABEL_AND_NUMBERS = re.compile(r"(\D+)((?:\s*\d+(?:\.\d+)?)+)?")


def piece_rows(piece: str) -> list[tuple[str, list[str]]]:
    """(label, numbers) of each row in one piece of table text ("规章000行政规范性文件8855698")."""
    number = ITEM_NUMBER.match(piece)
    prefix = number[0] if number else ""
    rows = []
    for match in LABEL_AND_NUMBERS.finditer(piece[len(prefix) :]):
        label = (prefix + match[1]).strip()
        prefix = ""
        rows.append((label, (match[2] or "").split()))
    return rows


def table_rows(text: str) -> list[str]:
    """A run-together table as cell lines: each row label, then its digits (one run, or numbers
    apart where spaces kept them apart); a row's number (`2.`) goes with its label."""
    starts = [0] + [match.start() for match in ROW_START.finditer(text) if match.start() > 0]
    rows = []
    for begin, end in zip(starts, [*starts[1:], len(text)], strict=True):
        for label, values in piece_rows(text[begin:end].strip()):
            if label and len(values) > 1:  # spaced numbers under a header: a row of their own
                rows += [label + "\t", "\t".join(values)]
            elif values:
                rows.append("\t".join([label, *values]))
            else:  # a header: its labels were kept apart by spaces
                rows.append("\t".join(label.split()) + "\t")
    return rows


def section_lines(piece: str) -> list[tuple[str, str | None]]:
    """(text, layout) lines of one section: its heading, then prose, or a table's rows."""
    found = section_heading(Line(0, piece), 0)
    if found is None or found[0] not in TABLE_SECTIONS:
        return [(piece, None)]
    _, heading, rest = found
    return [(heading, None)] + [(row, LAYOUT) for row in table_rows(rest)]


def dump_to_lines(body: list[str], first_number: int) -> list[Line]:
    """Numbered lines of a dump's body, each long line cut at its sections and table rows."""
    lines: list[Line] = []
    for raw in body:
        for piece in split_sections(raw.strip()) or [""]:
            for text, layout in section_lines(piece):
                lines.append(Line(first_number + len(lines), normalize_radicals(text), layout=layout))
    return lines


def header_provenance(fields: dict[str, str]) -> Provenance:
    url = first_of(http_url(fields.get(name)) for name in ("原文链接", "原文地址", "链接", "网址", "URL", "url"))
    published = first_of(day_in(fields.get(name)) for name in ("发布时间", "发布日期", "成文日期"))
    retrieved = first_of(day_in(fields.get(name)) for name in ("抓取时间", "采集时间"))
    return Provenance(
        url=url,
        retrieved=retrieved,
        index_number=fields.get("索引号") or None,
        published=published,
        publisher=fields.get("发布机构") or None,
        origin="crawl",
    )


def crawl_to_report(text: str, source: SourceFile) -> Report:
    raw = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    header = crawl_header(raw)
    if header is None:
        raise ReportError("not a crawler's dump: no metadata header (标题, 发布时间, 原文链接 …) before the text")
    fields, body_start = header
    title = fields.get("标题") or fields.get("题目") or ""
    lines = [Line(1, normalize_radicals(title))] if title else []
    lines += dump_to_lines(raw[body_start:], len(lines) + 1)
    report = lines_to_report(lines, source)
    report.provenance = header_provenance(fields)
    if not report.publication_date and report.provenance.published:
        report.publication_date = report.provenance.published
    return report
