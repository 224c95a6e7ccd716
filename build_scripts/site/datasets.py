"""The archive's numbers as downloads: every cell of tables 二, 三 and 四 of every report.

- `archive-reports.csv`: one row per report, one column per cell of the official forms (UTF-8 with
  a BOM, so that Excel reads the Chinese correctly);
- `archive-cells.csv.gz`: one row per printed cell (report, table, row, column, value, flags);
- `archive.json.gz`: every report with its metadata and cells;
- `archive.sqlite.gz`: the same as a SQLite database (tables in SCHEMA, documented on the site).

A cell is a number, blank (printed empty or "—": not reported, never the same as 0), uncertain
(the parser could not place a number with confidence: no value is given) or absent (the report's
form has no such cell, or the report has no such table). Everything is written in archive order
with no timestamps, so the same inputs give the same bytes.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..forms import (
    OTHER_HANDLING_2021,
    TABLE2_COLUMNS,
    TABLE2_FORM,
    TABLE2_ROWS,
    TABLE3_COLUMNS,
    TABLE3_ROWS,
    TABLE4_COLUMNS,
    TABLE4_ROWS,
    TABLE_DIGITS,
    table2_column_label,
)
from ..model import CellStatus, Report
from ..parallel import map_in_processes
from ..reading.metadata import KINDS_BY_SLUG
from .archive import Archive, ReportPage
from .labels import source_label
from .table_views import TABLE2_ONLY_2019_ROWS
from .urls import DATA_DIR, page_url
from .urls import report_id as page_path_id

WIDE_CSV = "archive-reports.csv"
CELLS_CSV = "archive-cells.csv.gz"
JSON_FILE = "archive.json.gz"
SQLITE_FILE = "archive.sqlite.gz"
CHANGES_CSV = "archive-changes.csv"

# What a report's cell holds, one character each in StatsRow.states.
NUMBER, BLANK, UNCERTAIN, ABSENT = "n", "b", "u", "."
STATE_OF = {CellStatus.NUMBER: NUMBER, CellStatus.BLANK: BLANK, CellStatus.UNCERTAIN: UNCERTAIN}


@dataclass(frozen=True)
class CellKey:
    """One cell of an official form, and the forms ("2019", "2021") it exists in."""

    table: str  # 二, 三, 四
    row: str
    column: str
    row_label: str
    column_label: str
    formats: tuple[str, ...]

    @property
    def name(self) -> str:
        """Its column name in the downloads: t3.received.total."""
        return f"t{TABLE_DIGITS[self.table]}.{self.row}.{self.column}"


def table2_formats(row: str, group: str | None, column: str) -> tuple[str, ...]:
    return tuple(
        form
        for form, items in TABLE2_FORM.items()
        if group in items and column in items[group] and row not in TABLE2_ONLY_2019_ROWS.get(form, ())
    )


def table3_formats(row: str) -> tuple[str, ...]:
    if row == "other_handling":
        return ("2019",)
    if row in OTHER_HANDLING_2021:
        return ("2021",)
    return ("2019", "2021")


def form_cells() -> tuple[CellKey, ...]:
    """Every cell of every official form, in the forms' order (table, row, column)."""
    keys = []
    for row in TABLE2_ROWS:
        for column in TABLE2_COLUMNS:
            formats = table2_formats(row.key, row.group, column.key)
            if formats:
                label = table2_column_label(formats[-1], column.key)
                keys.append(CellKey("二", row.key, column.key, row.label, label, tuple(sorted(formats))))
    for row in TABLE3_ROWS:
        keys += [CellKey("三", row.key, c.key, row.label, c.label, table3_formats(row.key)) for c in TABLE3_COLUMNS]
    for row in TABLE4_ROWS:
        keys += [CellKey("四", row.key, c.key, row.label, c.label, ("2019", "2021")) for c in TABLE4_COLUMNS]
    return tuple(keys)


CELL_KEYS = form_cells()
KEY_INDEX = {(key.table, key.row, key.column): index for index, key in enumerate(CELL_KEYS)}


@dataclass(frozen=True)
class StatsRow:
    """A report's cells, compact enough to send from a build worker: a value and a state per
    CELL_KEYS entry (a value only for numbers)."""

    values: tuple[int | float | None, ...]
    states: str


def numbers_fingerprint(stats: StatsRow) -> str:
    """Twelve hex digits that change when any of a report's numbers (or blanks) does: what the
    changelog calls a correction (reading/changes.py)."""
    return hashlib.sha256(repr((stats.values, stats.states)).encode("utf-8")).hexdigest()[:12]


def report_stats(report: Report) -> StatsRow:
    values: list[int | float | None] = [None] * len(CELL_KEYS)
    states = [ABSENT] * len(CELL_KEYS)
    for table in report.statistics:
        for cell in table.cells:
            index = KEY_INDEX.get((table.number, cell.row, cell.column))
            if index is None:
                continue
            states[index] = STATE_OF[cell.status]
            values[index] = cell.value if cell.status == CellStatus.NUMBER else None
    return StatsRow(tuple(values), "".join(states))


def report_id(page: ReportPage) -> str:
    return page_path_id(page.path)


# The reports' metadata columns, in the downloads' order, with what each holds.
REPORT_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("report_id", "TEXT", "报告编号：报告页面的路径，如 reports/410329/chengshiguanliju/2020"),
    ("url", "TEXT", "报告页面（相对于网站根目录）"),
    ("data_url", "TEXT", "该报告全部解析结果的 JSON（相对于网站根目录）"),
    ("title", "TEXT", "报告标题"),
    ("agency_id", "TEXT", "机构编号（同一机构各年度相同）"),
    ("agency", "TEXT", "机构名称（报告所用）"),
    ("kind", "TEXT", "机构类型"),
    ("year", "INTEGER", "报告年度"),
    ("format", "TEXT", "报表格式：2019 或 2021；空为未能识别"),
    ("publication_date", "TEXT", "发布日期（YYYY-MM-DD），空为报告未载明"),
    ("region_code", "TEXT", "行政区划代码；空为未能确定"),
    ("province", "TEXT", "省级"),
    ("city", "TEXT", "地级"),
    ("county", "TEXT", "县级"),
    ("source_file", "TEXT", "来源文件名"),
    ("source_type", "TEXT", "来源文件类型：PDF、网页、Word 文档、文本等；扫描件注明“含扫描页”"),
    ("source_url", "TEXT", "报告的发布网址（原文链接）；空为未知"),
    ("source_index_number", "TEXT", "政府信息公开目录的索引号；空为未知"),
    ("source_retrieved", "TEXT", "原文获取日期（YYYY-MM-DD）；空为未知"),
    ("source_sha256", "TEXT", "来源文件的 SHA-256"),
    ("checks_failed", "INTEGER", "未通过的勾稽关系校验条数"),
    ("uncertain_cells", "INTEGER", "不确定的单元格数"),
)


def report_metadata(page: ReportPage, stats: StatsRow) -> dict[str, str | int | None]:
    report, region = page.report, page.report.region
    return {
        "report_id": report_id(page),
        "url": page_url(page.path),
        "data_url": page.data_path,
        "title": report.title,
        "agency_id": page.agency_id,
        "agency": report.agency,
        "kind": KINDS_BY_SLUG[report.kind].label,
        "year": report.year,
        "format": report.format,
        "publication_date": report.publication_date,
        "region_code": region.code if region.resolved else None,
        "province": region.province if region.resolved else None,
        "city": region.city if region.resolved else None,
        "county": region.county if region.resolved else None,
        "source_file": report.source.path,
        "source_type": source_label(report),
        "source_url": report.provenance.url,
        "source_index_number": report.provenance.index_number,
        "source_retrieved": report.provenance.retrieved,
        "source_sha256": report.source.sha256,
        "checks_failed": len(report.failed_checks),
        "uncertain_cells": stats.states.count(UNCERTAIN),
    }


def text(value: object) -> str:
    return "" if value is None else str(value)


# Text that a spreadsheet would take for a formula (=cmd, +1, -1, @SUM …, a leading tab or return).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value: object) -> str:
    """A metadata value for the CSV downloads: text that starts like a formula gets a leading `'`,
    as spreadsheet users expect, so that Excel shows it instead of running it (numbers stay numbers)."""
    shown = text(value)
    return "'" + shown if isinstance(value, str) and shown.startswith(FORMULA_START) else shown


def csv_text(rows: Iterable[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(rows)
    return buffer.getvalue()


def wide_rows(pages: list[ReportPage], stats: dict[str, StatsRow]) -> Iterator[list[str]]:
    """The header, then one row per report: metadata, then every cell (empty unless a number)."""
    yield [name for name, _, _ in REPORT_FIELDS] + list(CELL_NAMES)
    for page in pages:
        row = stats[page.report.source.path]
        metadata = report_metadata(page, row)
        yield [spreadsheet_text(metadata[name]) for name, _, _ in REPORT_FIELDS] + [text(value) for value in row.values]


CELL_NAMES = tuple(key.name for key in CELL_KEYS)


def printed_cells(
    pages: list[ReportPage], stats: dict[str, StatsRow]
) -> Iterator[tuple[int, str, int, int | float | None, int, int]]:
    """Every cell a report prints (a number, blank or uncertain): the report's position and id,
    the cell's position in CELL_KEYS, its value, and its blank and uncertain flags."""
    for number, page in enumerate(pages):
        row, rid = stats[page.report.source.path], report_id(page)
        for index, state in enumerate(row.states):
            if state != ABSENT:
                yield number, rid, index, row.values[index], int(state == BLANK), int(state == UNCERTAIN)


CELL_COLUMNS = ["report_id", "table", "row", "column", "value", "blank", "uncertain"]


def csv_fields(fields: list[str]) -> str:
    """Fields as the csv module writes them within a line (a trailing empty field keeps a lone
    empty field from being quoted as a line of its own would be)."""
    return csv_text([[*fields, ""]])[: -len(",\r\n")]


def cell_lines(pages: list[ReportPage], stats: dict[str, StatsRow]) -> Iterator[str]:
    """The long table's lines, as the csv module writes its rows (tests/test_datasets.py): the
    report's id and each cell's table, row and column are quoted once each, not once per cell (a
    national archive prints tens of millions); a value and a flag are numbers, never quoted."""
    yield csv_text([CELL_COLUMNS])
    keys = [csv_fields([key.table, key.row, key.column]) for key in CELL_KEYS]
    for page in pages:
        row, rid = stats[page.report.source.path], csv_fields([report_id(page)])
        for index, state in enumerate(row.states):
            if state != ABSENT:
                flags = f"{int(state == BLANK)},{int(state == UNCERTAIN)}"
                yield f"{rid},{keys[index]},{text(row.values[index])},{flags}\r\n"


def json_document(pages: list[ReportPage], stats: dict[str, StatsRow]) -> dict:
    reports = []
    for page in pages:
        row = stats[page.report.source.path]
        entry: dict = dict(report_metadata(page, row))
        entry["cells"] = {n: v for n, v, s in zip(CELL_NAMES, row.values, row.states, strict=True) if s == NUMBER}
        entry["blank"] = [n for n, s in zip(CELL_NAMES, row.states, strict=True) if s == BLANK]
        entry["uncertain"] = [n for n, s in zip(CELL_NAMES, row.states, strict=True) if s == UNCERTAIN]
        reports.append(entry)
    return {"cells": [cell_key_entry(key) for key in CELL_KEYS], "reports": reports}


def cell_key_entry(key: CellKey) -> dict:
    return {
        "name": key.name,
        "table": key.table,
        "row": key.row,
        "column": key.column,
        "row_label": key.row_label,
        "column_label": key.column_label,
        "formats": list(key.formats),
    }


@dataclass(frozen=True)
class SqlTable:
    name: str
    description: str
    columns: tuple[tuple[str, str, str], ...]  # name, SQLite type, what it holds
    primary_key: str | None = None

    def create(self) -> str:
        columns = [
            f"{name} {kind}{' PRIMARY KEY' if name == self.primary_key else ''}" for name, kind, _ in self.columns
        ]
        return f"CREATE TABLE {self.name} ({', '.join(columns)})"


SCHEMA: tuple[SqlTable, ...] = (
    SqlTable(
        "reports",
        "每份报告一行；report_no 连接 cells 与 findings",
        (("report_no", "INTEGER", "报告序号（本数据库内）"), *REPORT_FIELDS),
        "report_no",
    ),
    SqlTable(
        "cell_keys",
        "官方表格的每一格一行；cell_no 连接 cells",
        (
            ("cell_no", "INTEGER", "格序号（本数据库内）"),
            ("name", "TEXT", "下载文件中的列名，如 t3.received.total"),
            ("table_no", "TEXT", "表：二、三或四"),
            ("row_key", "TEXT", "行键（见数据说明）"),
            ("column_key", "TEXT", "列键（见数据说明）"),
            ("row_label", "TEXT", "行的官方标签"),
            ("column_label", "TEXT", "列的官方标签"),
            ("formats", "TEXT", "有此格的格式：2019、2021"),
        ),
        "cell_no",
    ),
    SqlTable(
        "cells",
        "每份报告印出的每一格一行",
        (
            ("report_no", "INTEGER", "报告序号"),
            ("cell_no", "INTEGER", "格序号"),
            ("value", "NUMERIC", "数值；空白或不确定时为 NULL"),
            ("blank", "INTEGER", "1：报告此格空白（未填报，不同于 0）"),
            ("uncertain", "INTEGER", "1：未能可靠读出此格"),
        ),
    ),
    SqlTable(
        "findings",
        "每条校验发现一行（勾稽关系校验未通过等）",
        (
            ("report_no", "INTEGER", "报告序号"),
            ("code", "TEXT", "发现类型，如 check-rule-1"),
            ("severity", "TEXT", "error、warning 或 info"),
            ("table_no", "TEXT", "表"),
            ("row_key", "TEXT", "行"),
            ("column_key", "TEXT", "列"),
            ("printed", "NUMERIC", "报告印出的数"),
            ("expected", "NUMERIC", "按勾稽关系应为的数"),
            ("message", "TEXT", "说明"),
        ),
    ),
    SqlTable(
        "agencies",
        "每个机构一行（同一机构跨年度）",
        (
            ("agency_id", "TEXT", "机构编号"),
            ("name", "TEXT", "最新报告所用名称"),
            ("kind", "TEXT", "机构类型"),
            ("region_code", "TEXT", "行政区划代码"),
            ("report_count", "INTEGER", "报告份数"),
        ),
        "agency_id",
    ),
    SqlTable(
        "regions",
        "报告涉及的每个行政区划一行",
        (
            ("region_code", "TEXT", "行政区划代码"),
            ("province", "TEXT", "省级"),
            ("city", "TEXT", "地级"),
            ("county", "TEXT", "县级"),
        ),
        "region_code",
    ),
)


def sqlite_rows(archive: Archive, stats: dict[str, StatsRow]) -> dict[str, list[tuple]]:
    pages = archive.pages
    reports = [(n, *report_metadata(p, stats[p.report.source.path]).values()) for n, p in enumerate(pages, start=1)]
    keys = [
        (n, k.name, k.table, k.row, k.column, k.row_label, k.column_label, "、".join(k.formats))
        for n, k in enumerate(CELL_KEYS, start=1)
    ]
    # Report and cell numbers count from 1, as SQLite's own row ids do.
    cells = [
        (number + 1, index + 1, value, blank, uncertain)
        for number, _, index, value, blank, uncertain in printed_cells(pages, stats)
    ]
    findings = [
        (n, f.code, str(f.severity), f.table, f.row, f.column, f.printed, f.expected, f.message)
        for n, p in enumerate(pages, start=1)
        for f in p.report.findings
    ]
    return {
        "reports": reports,
        "cell_keys": keys,
        "cells": cells,
        "findings": findings,
        "agencies": agency_rows(archive),
        "regions": region_rows(pages),
    }


def agency_rows(archive: Archive) -> list[tuple]:
    """The `agencies` table (SCHEMA), by agency id."""
    return [
        (a.id, a.name, KINDS_BY_SLUG[a.kind].label, a.region.code if a.region.resolved else None, len(a.pages))
        for a in sorted(archive.agencies.values(), key=lambda agency: agency.id)
    ]


def region_rows(pages: list[ReportPage]) -> list[tuple]:
    """The `regions` table (SCHEMA): every division the reports name, by code."""
    return sorted({(r.code, r.province, r.city, r.county) for r in (p.report.region for p in pages) if r.resolved})


SCHEMA_BY_NAME = {table.name: table for table in SCHEMA}


def sqlite_bytes(archive: Archive, stats: dict[str, StatsRow]) -> bytes:
    """The database file's bytes: written to a temporary file, in one transaction, in order."""
    rows = sqlite_rows(archive, stats)
    handle, name = tempfile.mkstemp(suffix=".sqlite")
    os.close(handle)
    try:
        connection = sqlite3.connect(name)
        with connection:
            for table in SCHEMA:
                connection.execute(table.create())
                marks = ", ".join("?" * len(table.columns))
                connection.executemany(f"INSERT INTO {table.name} VALUES ({marks})", rows[table.name])
        connection.close()
        return Path(name).read_bytes()
    finally:
        os.unlink(name)


def gzipped(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=6, mtime=0)


@dataclass(frozen=True)
class Downloads:
    files: dict[str, bytes]  # by path relative to the content folder
    cell_count: int  # cells printed by all reports


def wide_csv(archive: Archive, stats: dict[str, StatsRow]) -> bytes:
    return "\ufeff".encode() + csv_text(wide_rows(archive.pages, stats)).encode("utf-8")


def cells_csv(archive: Archive, stats: dict[str, StatsRow]) -> bytes:
    return gzipped("".join(cell_lines(archive.pages, stats)).encode("utf-8"))


def json_file(archive: Archive, stats: dict[str, StatsRow]) -> bytes:
    document = json.dumps(json_document(archive.pages, stats), ensure_ascii=False, separators=(",", ":"))
    return gzipped(document.encode("utf-8"))


def sqlite_file(archive: Archive, stats: dict[str, StatsRow]) -> bytes:
    return gzipped(sqlite_bytes(archive, stats))


CHANGE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("day", "构建日期（YYYY-MM-DD）"),
    ("change", "变更：added 新增、corrected 数字更正、replaced 更换来源文件（数字未变）、moved 改名、removed 撤下"),
    ("report_id", "报告编号（报告页面的路径）"),
    ("title", "报告标题"),
    ("source_file", "来源文件名"),
    ("source_sha256", "来源文件的 SHA-256"),
    ("previous_source_file", "改名前的来源文件名（moved）"),
)


def changes_csv(archive: Archive, stats: dict[str, StatsRow]) -> bytes:
    """The archive's changelog, oldest first, as a spreadsheet reads it."""
    rows = [[name for name, _ in CHANGE_COLUMNS]]
    for change in archive.changes:
        fields = (change.day, change.change, change.report, change.title, change.path, change.sha256, change.previous)
        rows.append([spreadsheet_text(value) for value in fields])
    return "\ufeff".encode() + csv_text(rows).encode("utf-8")


@dataclass(frozen=True)
class Download:
    """One download of the archive's data: its file name, what builds it, and what the 数据下载 page
    says of it. A new format is one more entry in DOWNLOADS."""

    name: str
    build: Callable[[Archive, dict[str, StatsRow]], bytes]
    description: str
    weight: int  # how long it takes to build, relatively: the heaviest start first


# In the order the 数据下载 page lists them.
DOWNLOADS: tuple[Download, ...] = (
    Download(WIDE_CSV, wide_csv, "宽表：每份报告一行，报告信息之后每格一列（UTF-8 带 BOM，Excel 可直接打开）", 2),
    Download(CELLS_CSV, cells_csv, "长表（gzip 压缩）：每份报告印出的每格一行：报告、表、行、列、数值、空白、存疑", 3),
    Download(JSON_FILE, json_file, "JSON（gzip 压缩）：每份报告的信息与各格数值，及各格的官方标签", 1),
    Download(CHANGES_CSV, changes_csv, "变更记录：每次构建新增、更正、更换、撤下的报告（UTF-8 带 BOM）", 0),
    Download(
        SQLITE_FILE,
        sqlite_file,
        "SQLite 数据库（gzip 压缩）：reports、cell_keys、cells、findings、agencies、regions 六张表，结构见下",
        4,
    ),
)
DOWNLOADS_BY_NAME = {download.name: download for download in DOWNLOADS}


def build_one(state: tuple[Archive, dict[str, StatsRow]], name: str) -> bytes:
    return DOWNLOADS_BY_NAME[name].build(*state)


def dataset_files(archive: Archive, stats: dict[str, StatsRow], jobs: int = 1) -> Downloads:
    """Every download of the archive's data, each built in its own process when there are cores
    (the heaviest first, so that the processes finish together)."""
    names = [download.name for download in sorted(DOWNLOADS, key=lambda download: -download.weight)]
    built = map_in_processes(build_one, names, jobs, shared=(archive, stats))
    files = {f"{DATA_DIR}/{name}": data for name, data in zip(names, built, strict=True)}
    cell_count = sum(len(row.states) - row.states.count(ABSENT) for row in stats.values())
    return Downloads(dict(sorted(files.items())), cell_count)
