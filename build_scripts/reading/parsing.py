"""Small pure functions that turn the lines of a report into the parts of the model.

They know the official format (see the project's domain notes) but nothing about files: every
reader produces lines and hands them to this chain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Block, Box, CoverNotice, Section, Table

SECTION_NUMERALS = "一二三四五六"
TABLE_SECTIONS = {2: "二", 3: "三", 4: "四"}

# Words each section title contains, so that a table row such as "四、结转下年度继续办理" is never
# taken for the heading of section 四.
SECTION_KEYWORDS: dict[int, tuple[str, ...]] = {
    1: ("总体情况",),
    2: ("主动公开",),
    3: ("申请",),
    4: ("复议", "诉讼"),
    5: ("问题", "改进", "整改"),
    6: ("其他",),
}

SECTION_HEADING = re.compile(r"^([一二三四五六])\s*[、.．]\s*(\S.{0,40})$")
SUBHEADING = re.compile(r"^[（(]\s*[一二三四五六七八九十]{1,3}\s*[)）]\s*\S.{0,30}$")
# The ways a report's title is really printed: the agency first or the year first, 年 or 年度,
# 政府信息公开(工作)年度报告, 政府信息公开年报 or 政务公开年报.
TITLE_END = r"(?:政府信息公开|政务公开)(?:工作)?(?:年度)?(?:报告|年报)"
YEAR = r"(?P<year>(?:19|20)\d{2})\s*年度?"
TITLE = re.compile(rf"^(?P<agency>.*?){YEAR}{TITLE_END}$")
TITLE_YEAR_FIRST = re.compile(rf"^{YEAR}(?P<agency>.+?){TITLE_END}$")
TITLE_START = re.compile(
    r"^(?:.+?(?:19|20)\d{2}\s*年度?(?:政府信息公开|政务公开)|(?:19|20)\d{2}\s*年度?.{2,40}(?:政府信息公开|政务公开))"
)
# Markup that tools leave around a title or heading: Markdown's #, ** and list marks, quotes.
TITLE_MARKUP = re.compile(r"^[#>*\s]+|[*\s]+$|\*\*")
DATE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
CJK = "\u3400-\u4dbf\u4e00-\u9fff"
SPACE_NEXT_TO_CJK = re.compile(rf"(?<=[{CJK}])\s+|\s+(?=[{CJK}])")
ENDS_OPEN = re.compile(rf"[{CJK}A-Za-z0-9、，,）)》”]$")
STARTS_TEXT = re.compile(rf"^[{CJK}A-Za-z0-9“《]")
TITLE_SEARCH_LINES = 60
MIN_LENGTH_TO_CONTINUE = 20


@dataclass(frozen=True)
class Line:
    """One line of a source, with its 1-based number so that every part can say where it came from."""

    number: int
    text: str
    page: int | None = None  # the PDF page the line came from
    ruled: bool = False  # a row of a ruled PDF table, its cells separated by tabs
    layout: str | None = None  # a cell line whose layout its reader knows ("pipe-table", "run-together")
    box: Box | None = None  # where a PDF's text layer printed it (left, top, right, bottom)

    @property
    def stripped(self) -> str:
        return self.text.strip()  # str.strip takes the full-width space (U+3000) too

    @property
    def is_blank(self) -> bool:
        return not self.stripped

    @property
    def has_cells(self) -> bool:
        return "\t" in self.text


@dataclass(frozen=True)
class TitleMatch:
    index: int  # the line that ends the title
    first: int  # the line that starts it (the agency may stand on a line of its own)
    title: str
    agency: str
    year: int


# Kangxi radicals (U+2F00–U+2FDF) and CJK radical supplements (U+2E80–U+2EFF) that some PDF fonts
# emit instead of the ideographs they look like (so 行政复议 would not be found). NFKC is right for
# most Kangxi radicals, but not for all, and it would also rewrite full-width punctuation; so the
# mapping is built for these ranges only, with the exceptions fixed by hand.
RADICAL_EXCEPTIONS = {
    "⼾": "户",
    "⻔": "门",
    "⺠": "民",
    "⻓": "长",
    "⻅": "见",
    "⻋": "车",
    "⻙": "韦",
    "⻚": "页",
    "⻛": "风",
    "⻜": "飞",
    "⻝": "食",
    "⻢": "马",
    "⻥": "鱼",
    "⻦": "鸟",
    "⻨": "麦",
    "⻩": "黄",
    "⻬": "齐",
    "⻮": "齿",
    "⻰": "龙",
    "⻳": "龟",
    "⻆": "角",
    "⻈": "讠",
    "⻉": "贝",
    "⻘": "青",
}


def _radical_table() -> dict[int, str]:
    import unicodedata

    table: dict[int, str] = {}
    for code in range(0x2F00, 0x2FE0):
        mapped = unicodedata.normalize("NFKC", chr(code))
        if mapped != chr(code):
            table[code] = mapped
    table.update({ord(radical): ideograph for radical, ideograph in RADICAL_EXCEPTIONS.items()})
    return table


RADICALS = _radical_table()


def normalize_radicals(text: str) -> str:
    """Radical code points (⼀ ⾏ ⺠) as the ordinary ideographs (一 行 民)."""
    return text.translate(RADICALS)


def text_to_lines(text: str) -> list[Line]:
    """Split decoded text into numbered lines, whatever the line ends."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return [Line(number, raw) for number, raw in enumerate(text.split("\n"), start=1)]


def remove_spaces_next_to_cjk(text: str) -> str:
    """Drop the stray spaces that PDF extraction leaves between Chinese characters."""
    return SPACE_NEXT_TO_CJK.sub("", text).strip()


SPACE_INSIDE_CJK = re.compile(rf"(?<=[{CJK}，。、；：“”《》（）])[ \t\u3000]+(?=[{CJK}，。、；：“”《》（）])")


def join_broken_words(text: str) -> str:
    """Prose without the spaces PDF extraction puts between Chinese characters (政府信息公开 工作)."""
    return SPACE_INSIDE_CJK.sub("", text)


SPACES = re.compile(r"\s+")  # \s takes the full-width space (U+3000) too


def collapse_spaces(text: str) -> str:
    return SPACES.sub(" ", text).strip()


def match_title(text: str) -> re.Match[str] | None:
    """A title in either order ("某局2024年…报告", "2024年某局…报告"), never the 印发 notice's."""
    if "关于印发" in text:
        return None
    return TITLE.match(text) or TITLE_YEAR_FIRST.match(text)


def title_text(line: Line) -> str:
    """A line as a title candidate: no Markdown marks, no stray spaces between Chinese characters."""
    return remove_spaces_next_to_cjk(TITLE_MARKUP.sub("", line.stripped))


def find_title(lines: list[Line]) -> TitleMatch | None:
    """The first line (or two) that reads like "<agency><year>年政府信息公开工作年度报告"."""
    texts = [
        (index, title_text(line))
        for index, line in enumerate(lines[:TITLE_SEARCH_LINES])
        if not line.has_cells and not line.is_blank
    ]
    for position, (index, title) in enumerate(texts):
        match = match_title(title)
        if match:
            agency = match["agency"].strip()
            if not agency and position:  # the agency on a line of its own above "2024年…报告"
                first, previous = texts[position - 1]
                return TitleMatch(index, first, previous + title, previous, int(match["year"]))
            return TitleMatch(index, index, title, agency, int(match["year"]))
        if position + 1 < len(texts) and TITLE_START.match(title):  # a title wrapped onto a second line
            last, rest = texts[position + 1]
            match = match_title(title + rest)
            if match and match["agency"].strip():
                return TitleMatch(last, index, title + rest, match["agency"].strip(), int(match["year"]))
    return None


def find_date(text: str) -> str | None:
    """The last printed date in a text, as ISO yyyy-mm-dd (the signature date comes last)."""
    dates = DATE.findall(text)
    if not dates:
        return None
    year, month, day = dates[-1]
    return f"{year}-{int(month):02d}-{int(day):02d}"


def lines_to_cover_notice(lines: list[Line]) -> CoverNotice | None:
    """What stands before the report title: the 印发 notice, kept as printed, and its date."""
    kept = [collapse_spaces(line.stripped) for line in lines if not line.is_blank]
    if not kept:
        return None
    return CoverNotice(lines=kept, date=find_date("\n".join(kept)))


HEADING_START = re.compile(r"^([一二三四五六])\s*[、.．]\s*")
# Where a heading run into its text ends: after 情况 or 事项, or at the first space or punctuation.
HEADING_END = re.compile(r"情况|事项|(?=[\s，。：:；])")
RUN_IN_HEADING_LENGTH = 40
RUN_ON = re.compile(r"[，。；：]")


def section_number(line: Line, after: int) -> int | None:
    """The section a heading line opens, if it is the heading of a later section than `after`."""
    found = section_heading(line, after)
    return found[0] if found else None


def section_heading(line: Line, after: int) -> tuple[int, str, str] | None:
    """(number, heading, rest) when the line opens a later section than `after`: a heading on its
    own line, or one run into its text ("一、总体情况 2024年，…", as crawlers and some pages print it)."""
    if line.has_cells:
        return None
    text = line.stripped
    match = SECTION_HEADING.match(text)
    heading, rest = text, ""
    if not match or RUN_ON.search(match[2]):  # a sentence follows: a heading run into its text
        start = HEADING_START.match(text)
        end = HEADING_END.search(text, start.end()) if start else None
        if not start or not end or end.end() - start.end() > RUN_IN_HEADING_LENGTH or end.end() == start.end():
            return None
        heading, rest = text[: end.end()], text[end.end() :].strip()
        match = SECTION_HEADING.match(heading)
        if not match:
            return None
    number = SECTION_NUMERALS.index(match[1]) + 1
    title = match[2]
    if number <= after or "。" in title:
        return None
    if not any(word in title for word in SECTION_KEYWORDS[number]):
        return None
    return number, heading, rest


def lines_to_sections(lines: list[Line]) -> tuple[list[Line], list[tuple[int, Line, list[Line]]]]:
    """Split the body into the preamble and the numbered sections, each with its own lines."""
    preamble: list[Line] = []
    sections: list[tuple[int, Line, list[Line]]] = []
    current = 0
    for line in lines:
        found = section_heading(line, current)
        if found is not None:
            number, heading, rest = found
            sections.append((number, Line(line.number, heading, line.page), [Line(line.number, rest, line.page)]))
            current = number
        elif sections:
            sections[-1][2].append(line)
        else:
            preamble.append(line)
    return preamble, sections


def is_subheading(line: Line) -> bool:
    text = line.stripped
    return not line.has_cells and bool(SUBHEADING.match(text)) and "。" not in text


def continues_paragraph(previous: str, line: Line) -> bool:
    """Whether a line carries on a paragraph that a page or line break cut in the middle."""
    text = line.stripped
    if len(previous) < MIN_LENGTH_TO_CONTINUE or not ENDS_OPEN.search(previous):
        return False
    return bool(STARTS_TEXT.match(text)) and not looks_like_signature(line)


def looks_like_signature(line: Line) -> bool:
    """A signature or date line ("某局综合股      2021年1月12日印发"), which never continues prose."""
    text = line.stripped
    if re.search(r"\s{4,}", line.text.strip()):
        return True
    ends_with_date = re.search(DATE.pattern + r"\s*(印发)?$", text)
    return bool(ends_with_date) and not re.search(r"[。，,；;]", text)


Row = tuple[int, list[str]]  # (line number, cells)
PAGE_FURNITURE = re.compile(r"^(?:[-—–]\s*\d{1,3}\s*[-—–]|第\s*\d{1,3}\s*页(?:\s*[，,/]?\s*共\s*\d{1,3}\s*页)?)$")
PROSE_LENGTH = 40


def is_page_furniture(line: Line) -> bool:
    """Page numbers left in the text by PDF extraction ("- 3 -", "第 3 页")."""
    return bool(PAGE_FURNITURE.match(line.stripped))


def is_spaced_table_line(line: Line) -> bool:
    """In a table section without tabs (text of a PDF), whether a line is part of the table, not prose."""
    text = line.stripped
    return bool(text) and not (len(text) > PROSE_LENGTH and "。" in text)


def table_lines_to_rows(lines: list[Line]) -> tuple[list[Row], str]:
    """Cells of a table block with the line of each row, and which layout the source used."""
    lines = [line for line in lines if not is_page_furniture(line)]
    if not any(line.has_cells for line in lines):
        rows = [(line.number, [_clean_cell(cell) for cell in line.stripped.split()]) for line in lines]
        return _tidy_rows(rows), "space-separated"
    known = {line.layout for line in lines if not line.is_blank}
    if len(known) == 1 and None not in known:  # the reader says how its cells are laid out
        rows = [(line.number, [_clean_cell(cell) for cell in line.text.split("\t")]) for line in lines]
        return _tidy_rows(rows), known.pop() or ""
    if any(line.ruled for line in lines) and all(line.ruled for line in lines if not line.is_blank):
        # A ruled table's cells sit in fixed columns: blank cells at the end of a row are kept.
        return [(line.number, [_clean_cell(cell) for cell in line.text.split("\t")]) for line in lines], "ruled"
    one_cell_per_line = all(
        line.text.startswith("\t") and line.text.count("\t") == 1 for line in lines if line.text.strip()
    )
    if one_cell_per_line:
        return _cell_per_line_rows(lines), "cell-per-line"
    rows = [(line.number, [_clean_cell(cell) for cell in line.text.split("\t")]) for line in lines if not line.is_blank]
    return _tidy_rows(rows), "tab-grid"


def _cell_per_line_rows(lines: list[Line]) -> list[Row]:
    rows: list[Row] = []
    current: list[str] = []
    first_line = 0
    for line in lines:
        if line.text.startswith("\t"):
            if not current:
                first_line = line.number
            current.append(_clean_cell(line.text[1:]))
        elif current:
            rows.append((first_line, current))
            current = []
    if current:
        rows.append((first_line, current))
    return _tidy_rows(rows)


def _clean_cell(cell: str) -> str:
    return collapse_spaces(cell)


def _tidy_rows(rows: list[Row]) -> list[Row]:
    """Drop trailing empty cells and rows with nothing in them."""
    tidy = []
    for number, cells in rows:
        while cells and not cells[-1]:
            cells = cells[:-1]
        if any(cells):
            tidy.append((number, cells))
    return tidy


def take_table_lines(lines: list[Line], start: int, spaced: bool) -> int:
    """Index just past the table block that starts at `start` (cells, and blank lines between them)."""
    end = start
    index = start
    while index < len(lines):
        line = lines[index]
        if line.has_cells or (spaced and is_spaced_table_line(line)):
            end = index + 1
        elif not line.is_blank:
            break
        index += 1
    return end


def starts_table(line: Line, table_number: str | None, section_has_tabs: bool) -> bool:
    if line.has_cells:
        return True
    return bool(table_number) and not section_has_tabs and is_spaced_table_line(line)


def paragraph_tail(paragraph: list[str]) -> str:
    """The end of a paragraph, as long as `continues_paragraph` looks at (its last character, and
    whether it is long enough): joining the whole paragraph at every line made long hard-wrapped
    prose cost the square of its length."""
    tail: list[str] = []
    length = 0
    for text in reversed(paragraph):
        tail.append(text)
        length += len(text)
        if length >= MIN_LENGTH_TO_CONTINUE:
            break
    return "".join(reversed(tail))


def lines_to_blocks(lines: list[Line], table_number: str | None) -> list[Block]:
    """Paragraphs, sub-headings and tables of one section, in order.

    Tables are found by their tab characters; in the table sections (二, 三, 四) of a text without
    any tabs (as extracted from a PDF), the short lines are the table's rows split at spaces."""
    blocks: list[Block] = []
    paragraph: list[str] = []
    paragraph_line = 0
    index = 0
    section_has_tabs = any(line.has_cells for line in lines)
    spaced = bool(table_number) and not section_has_tabs

    def flush() -> None:
        nonlocal paragraph
        if paragraph:
            text = join_broken_words(collapse_spaces("".join(paragraph)))
            blocks.append(Block(kind="paragraph", text=text, line=paragraph_line))
            paragraph = []

    while index < len(lines):
        line = lines[index]
        if starts_table(line, table_number, section_has_tabs):
            flush()
            end = take_table_lines(lines, index, spaced)
            rows, layout = table_lines_to_rows(lines[index:end])
            if rows:
                table = Table(
                    number=table_number or "",
                    rows=[cells for _, cells in rows],
                    row_lines=[number for number, _ in rows],
                    layout=layout,
                    line=line.number,
                )
                blocks.append(Block(kind="table", table=table, line=line.number))
            index = end
            continue
        if line.is_blank or is_page_furniture(line):
            index += 1
            continue
        if is_subheading(line):
            flush()
            blocks.append(
                Block(kind="heading", text=join_broken_words(collapse_spaces(line.stripped)), line=line.number)
            )
        elif paragraph and continues_paragraph(paragraph_tail(paragraph), line):
            paragraph.append(line.stripped)
        else:
            flush()
            paragraph = [line.stripped]
            paragraph_line = line.number
        index += 1
    flush()
    return blocks


def build_section(number: int, heading: Line, lines: list[Line]) -> Section:
    title = collapse_spaces(heading.stripped)
    blocks = lines_to_blocks(lines, TABLE_SECTIONS.get(number))
    return Section(number=number, title=title, blocks=blocks, line=heading.number)
