"""What a report is searched by, and how text and queries are cut into units.

Chinese has no spaces, and people type any part of a name or a term (伊川, 城市管理局, 复议). So
text is cut into units (one Chinese character, or one run of ASCII letters and digits) and a
report contains a query when the query's units stand in a row in one run of its text. Punctuation
ends a run; whitespace joins units, except between two ASCII runs (`open data` stays two words).
The search page cuts queries the same way (archive-search.js): tests/test_search.py holds them equal.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from ...forms import TABLE3_GROUPS, column_spec, row_spec, table2_column_label, table2_row_label
from ...model import Cell, Report, StatTable, Table
from ...reading.metadata import KINDS_BY_SLUG
from ...reading.tables import ITEM_NUMBER

# Units: a run of ASCII letters and digits, or one Chinese character (the CJK unified ideographs,
# extension A and the compatibility block). Everything else (punctuation, symbols) ends a run.
CHINESE_CLASSES = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
UNIT_CLASSES = rf"0-9a-z{CHINESE_CLASSES}"
PIECE = re.compile(rf"([0-9a-z]+)|([{CHINESE_CLASSES}])|(\s+)|([^\s{UNIT_CLASSES}]+)")

# Full-width letters and digits (ＡＢＣ１２３) read as ASCII, and ASCII in lower case. One character
# for one, so that a match in the folded text is at the same place in the text as printed.
FOLD = {
    code: chr(code - 0xFEE0).lower()
    for code in [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)]
}
FOLD |= {code: chr(code).lower() for code in range(ord("A"), ord("Z") + 1)}
SPACES = re.compile(r"\s+")
# The characters FOLD changes, as a regular-expression class.
FOLDING_CLASS = re.escape("".join(sorted(map(chr, FOLD))))
FOLDED = re.compile(f"[{FOLDING_CLASS}]+")


def normalize(text: str) -> str:
    """What both sides index and search: full-width letters and digits folded, ASCII lower case."""
    # Only the stretches that fold go through translate, which looks every character up.
    return FOLDED.sub(lambda match: match[0].translate(FOLD), text)


def text_runs(text: str) -> list[list[str]]:
    """The runs of units of a text, in order: a query must stand within one of them."""
    runs: list[list[str]] = []
    run: list[str] = []
    last_was_ascii = spaced = False
    for ascii_run, character, space, other in PIECE.findall(normalize(text)):
        if space:
            spaced = True
            continue
        if other or (ascii_run and spaced and last_was_ascii):
            if run:
                runs.append(run)
            run = [ascii_run] if ascii_run else []
        else:
            run.append(ascii_run or character)
        last_was_ascii = bool(ascii_run)
        spaced = False
    if run:
        runs.append(run)
    return runs


def query_segments(query: str) -> list[list[str]]:
    """A query as runs of units a report must contain unbroken: words split at spaces and
    punctuation, quotes only grouping. The search page does the same (querySegments)."""
    segments = []
    for term in re.sub(r'["“”]', " ", normalize(query)).split():
        units: list[str] = []
        for ascii_run, character, _space, other in PIECE.findall(term):
            if other:
                if units:
                    segments.append(units)
                units = []
            else:
                units.append(ascii_run or character)
        if units:
            segments.append(units)
    return segments


# Characters that are ASCII units before folding (normalize): ASCII, and what folds to it.
ASCII_CLASSES = rf"0-9a-z{FOLDING_CLASS}"
# Whitespace between two units, not both ASCII: it joins them (伊川 县 is searched as 伊川县).
JOINING_SPACE = re.compile(
    rf"(?<=[{CHINESE_CLASSES}])\s+(?=[{CHINESE_CLASSES}{ASCII_CLASSES}])|(?<=[{ASCII_CLASSES}])\s+(?=[{CHINESE_CLASSES}])"
)


def snippet_text(text: str) -> str:
    """A block as the search page shows it in snippets and finds the query in it: whitespace that
    joins units (伊川 县 reads as 伊川县) dropped, any other kept as one space."""
    return SPACES.sub(" ", JOINING_SPACE.sub("", text.strip()))


# ---- a report's searchable text -------------------------------------------------------------------


@dataclass(frozen=True)
class SearchBlock:
    """One stretch of a report's searchable text; a hit only in its tables ranks below a hit in
    its own words, since every report shares the tables' labels."""

    text: str
    in_table: bool = False


def table_text(table: Table) -> str:
    """A table as printed, cell by cell; the separators keep runs from crossing cells."""
    return "；".join("，".join(cell for cell in row if cell.strip()) for row in table.rows)


def plain_label(label: str) -> str:
    """A row label without its numbering: （三）不予公开 → 不予公开, 1.属于国家秘密 → 属于国家秘密."""
    return ITEM_NUMBER.sub("", label)


def stat_row_label(table: StatTable, row: str) -> str:
    return row_label(table.number, table.format, row)


# Labels are the form's, the same in every report: each is made once (a report's tables name
# some two hundred cells).
@functools.lru_cache(maxsize=4096)
def row_label(number: str, form: str | None, row: str) -> str:
    if number == "二":
        return table2_row_label(form or "2021", row)
    spec = row_spec(number, row)
    group = TABLE3_GROUPS.get(spec.group or "") if number == "三" and spec.group != "outcomes" else None
    return " · ".join(plain_label(part) for part in (group, spec.label) if part)


@functools.lru_cache(maxsize=4096)
def column_label(number: str, form: str | None, column: str) -> str:
    if number == "二":  # the 2019 and 2021 forms name some columns of table 二 differently
        return table2_column_label(form or "2021", column)
    return column_spec(number, column).label


def stat_table_text(table: StatTable) -> str:
    """A parsed table as rows people can read in a search snippet: the row, then its values by
    column (table 三 by its 总计 only, the column a reader asks about): 不予公开 · 属于国家秘密：总计 3."""
    lines = []
    by_row: dict[str, list[Cell]] = {}
    for cell in table.cells:
        if cell.printed.strip() and (table.number != "三" or cell.column == "total"):
            by_row.setdefault(cell.row, []).append(cell)
    for row in table.rows:
        cells = by_row.get(row, [])
        values = "，".join(f"{column_label(table.number, table.format, c.column)} {c.printed}" for c in cells)
        if values:
            lines.append(f"{stat_row_label(table, row)}：{values}")
    return "；".join(lines)


def region_text(report: Report) -> str:
    region = report.region
    return " ".join(part for part in (region.province, region.city, region.county) if part)


def metadata_text(report: Report) -> str:
    """What a person may search for that the text might not say: agency, place, year, kind."""
    parts = [report.agency, region_text(report), f"{report.year}年" if report.year else ""]
    parts.append(KINDS_BY_SLUG[report.kind].label)
    return "；".join(part for part in parts if part)


def report_text_blocks(report: Report) -> Iterator[SearchBlock]:
    """The report's own text in reading order (cover notice, preamble, sections), its metadata and
    title, then its tables: a table cut by a page counts once, as its parsed rows."""
    tables: list[SearchBlock] = []
    if report.cover_notice:
        yield SearchBlock(" ".join(report.cover_notice.lines))
    parsed = {table.number: table for table in report.statistics}
    written: set[str] = set()
    for section in [None, *report.sections]:
        if section is not None:
            yield SearchBlock(section.title)
        for block in report.preamble if section is None else section.blocks:
            if block.table is None:
                if block.text:
                    yield SearchBlock(block.text)
            elif block.table.number not in parsed:
                tables.append(SearchBlock(table_text(block.table), in_table=True))
            elif block.table.number not in written:
                written.add(block.table.number)
                tables.append(SearchBlock(stat_table_text(parsed[block.table.number]), in_table=True))
    yield SearchBlock(metadata_text(report))
    yield SearchBlock(report.title)
    yield from tables
