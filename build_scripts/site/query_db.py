"""The database the SQL page (查询) queries in the reader's browser, by HTTP range requests, without
downloading it whole.

It holds one row per report (its metadata, its key figures (comparisons.FIGURES) and every cell
of the forms as a column, as the wide CSV has them), and the download's `agencies` and `regions`
tables, with the indexes its example queries need: a query that filters on an index's leading
columns reads a few pages of the file, not the file. What it leaves to the download
`archive.sqlite.gz`: which empty cells are blank and which uncertain, and the findings.

Where it is served: GitHub Pages answers a HEAD request for a file with its gzip-compressed length
while a range request gets the uncompressed bytes (github/pages-gem#952, 2025), which breaks an
engine that learns the file's length from HEAD. So the file is published in chunks of fixed size
(`data/sql/db.0000`, …) with a config that gives the database's length (`data/sql/config.json`):
the engine (sql.js-httpvfs, sql_engine.py) then makes only range GETs, each within one chunk, and
no chunk comes near a host's file-size limit.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..model import Region
from .archive import Archive, ReportPage
from .comparisons import FIGURES, figure_value
from .datasets import (
    CELL_KEYS,
    NUMBER,
    REPORT_FIELDS,
    SCHEMA_BY_NAME,
    CellKey,
    SqlTable,
    StatsRow,
    agency_rows,
    region_rows,
    report_metadata,
)
from .urls import DATA_DIR

QUERY_DIR = f"{DATA_DIR}/sql"
QUERY_CONFIG = f"{QUERY_DIR}/config.json"
CHUNK_PREFIX = "db."
CHUNK_DIGITS = 4
CHUNK_SIZE = 4 * 1024 * 1024  # bytes per published chunk
PAGE_SIZE = 4096  # SQLite's page, and the engine's unit of reading

QUERY_REPORT_FIELDS = (
    "report_id",
    "url",
    "title",
    "agency_id",
    "agency",
    "kind",
    "year",
    "format",
    "publication_date",
    "region_code",
    "province",
    "city",
    "county",
    "source_url",
    "checks_failed",
    "uncertain_cells",
)
FIELD_COLUMNS = {name: (name, kind, text) for name, kind, text in REPORT_FIELDS}


def cell_column(name: str) -> str:
    """A cell's column in the database: its download name with `_` for `.` (t3_received_total),
    so that SQL needs no quotes around it."""
    return name.replace(".", "_")


def cell_description(key: CellKey) -> str:
    return f"表{key.table}“{key.row_label}”·“{key.column_label}”（空：未填报、存疑或该格式无此格）"


QUERY_SCHEMA: tuple[SqlTable, ...] = (
    SqlTable(
        "reports",
        "每份报告一行：报告信息与主要数字（数字为空表示报告未填报或未能可靠读出，不是 0）",
        (
            ("report_no", "INTEGER", "报告序号（本数据库内）"),
            *(FIELD_COLUMNS[name] for name in QUERY_REPORT_FIELDS),
            *((figure.key, "NUMERIC", f"{figure.label}（{' + '.join(figure.cells)}）") for figure in FIGURES),
            *((cell_column(key.name), "NUMERIC", cell_description(key)) for key in CELL_KEYS),
        ),
        "report_no",
    ),
    SCHEMA_BY_NAME["agencies"],  # as in the download: join `regions` for the province
    SCHEMA_BY_NAME["regions"],
)


@dataclass(frozen=True)
class QueryIndex:
    name: str
    table: str
    columns: tuple[str, ...]
    serves: str  # which queries it makes cheap, for the page

    def create(self) -> str:
        return f"CREATE INDEX {self.name} ON {self.table} ({', '.join(self.columns)})"


QUERY_INDEXES: tuple[QueryIndex, ...] = (
    QueryIndex("reports_by_place_year", "reports", ("province", "year", "withheld"), "某省某年按不予公开排序"),
    QueryIndex(
        "reports_trend",
        "reports",
        ("province", "year", "received", "withheld", "review", "litigation"),
        "某省历年合计（覆盖索引：不读表）",
    ),
    QueryIndex(
        "reports_by_city", "reports", ("city", "year", "received", "withheld", "review", "litigation"), "某市历年合计"
    ),
    QueryIndex("reports_by_year_kind", "reports", ("year", "kind", "received", "withheld"), "某年按机构类型汇总"),
    QueryIndex("reports_by_agency", "reports", ("agency_id", "year"), "某机构历年"),
    QueryIndex("agencies_by_name", "agencies", ("name",), "按机构全名查找"),
)


def report_row(number: int, page: ReportPage, stats: StatsRow) -> tuple:
    metadata = report_metadata(page, stats)
    return (
        number,
        *(metadata[name] for name in QUERY_REPORT_FIELDS),
        *(figure_value(stats, figure) for figure in FIGURES),
        *(value if state == NUMBER else None for value, state in zip(stats.values, stats.states, strict=True)),
    )


def region_of(page: ReportPage) -> Region:
    return page.report.region if page.report.region.resolved else Region()


def report_rows(archive: Archive, stats: dict[str, StatsRow]) -> list[tuple]:
    """One row per report, stored in (province, year) order, so that the rows a query of one
    province reads lie together in the file (fewer pages fetched)."""
    pages = sorted(archive.pages, key=lambda page: (region_of(page).province or "", page.report.year or 0, page.path))
    return [report_row(number, page, stats[page.report.source.path]) for number, page in enumerate(pages, start=1)]


def database_bytes(tables: dict[str, Iterable[tuple]]) -> bytes:
    """The database file: pages of PAGE_SIZE, every table then its indexes, statistics for the
    query planner (ANALYZE), compacted. The same rows give the same bytes."""
    handle, name = tempfile.mkstemp(suffix=".sqlite3")
    os.close(handle)
    try:
        connection = sqlite3.connect(name)
        connection.execute(f"PRAGMA page_size = {PAGE_SIZE}")
        connection.execute("PRAGMA journal_mode = OFF")
        with connection:
            for table in QUERY_SCHEMA:
                connection.execute(table.create())
                marks = ", ".join("?" * len(table.columns))
                connection.executemany(f"INSERT INTO {table.name} VALUES ({marks})", tables[table.name])
            for index in QUERY_INDEXES:
                connection.execute(index.create())
        connection.execute("ANALYZE")
        connection.execute("VACUUM")
        connection.close()
        return Path(name).read_bytes()
    finally:
        os.unlink(name)


def chunk_path(number: int) -> str:
    return f"{QUERY_DIR}/{CHUNK_PREFIX}{number:0{CHUNK_DIGITS}d}"


def chunked(database: bytes, chunk_size: int = CHUNK_SIZE) -> dict[str, bytes]:
    """The database as the files the engine reads, and its config (lengths, page size, names)."""
    starts = range(0, len(database), chunk_size)
    chunks = {chunk_path(number): database[start : start + chunk_size] for number, start in enumerate(starts)}
    config = {
        "serverMode": "chunked",
        "requestChunkSize": PAGE_SIZE,
        "databaseLengthBytes": len(database),
        "serverChunkSize": chunk_size,
        "urlPrefix": CHUNK_PREFIX,
        "suffixLength": CHUNK_DIGITS,
    }
    return {**chunks, QUERY_CONFIG: json.dumps(config, sort_keys=True).encode("utf-8")}


@dataclass(frozen=True)
class QueryDatabase:
    files: dict[str, bytes]  # content path: the chunks and the config
    size: int  # the database's bytes


def query_database(archive: Archive, stats: dict[str, StatsRow]) -> QueryDatabase:
    tables = {
        "reports": report_rows(archive, stats),
        "agencies": agency_rows(archive),
        "regions": region_rows(archive.pages),
    }
    database = database_bytes(tables)
    return QueryDatabase(chunked(database), len(database))


# ---- The example queries the page offers, on this archive's own largest province and year ----


@dataclass(frozen=True)
class ExampleQuery:
    title: str
    sql: str


def sql_text(value: str) -> str:
    """A text literal for SQL (names come from the archive; a quote is doubled)."""
    return "'" + value.replace("'", "''") + "'"


@dataclass(frozen=True)
class ExampleSubjects:
    """What the example queries are about: the archive's largest province, its largest city, the
    year with most reports, the agency with most reports."""

    province: str
    city: str | None
    year: int
    agency_id: str
    agency: str


def example_subjects(archive: Archive) -> ExampleSubjects | None:
    regions = [region_of(page) for page in archive.pages]
    provinces = Counter(region.province for region in regions if region.province)
    years = Counter(page.report.year for page in archive.pages if page.report.year)
    if not provinces or not years:
        return None
    province = provinces.most_common(1)[0][0]
    cities = Counter(region.city for region in regions if region.province == province and region.city)
    year = max(year for year, count in years.items() if count == max(years.values()))
    agency = max(archive.agencies.values(), key=lambda entry: (len(entry.pages), entry.id))
    city = cities.most_common(1)[0][0] if cities else None
    return ExampleSubjects(province, city, year, agency.id, agency.name)


def example_queries(subjects: ExampleSubjects | None) -> list[ExampleQuery]:
    tables = ExampleQuery("数据库里的表", "SELECT name, sql FROM sqlite_master WHERE type = 'table'")
    if subjects is None:
        return [tables]
    province, year = sql_text(subjects.province), subjects.year
    examples = [
        ExampleQuery(
            f"{subjects.province} {year} 年不予公开最多的 10 个机关",
            "SELECT agency AS 机关, city AS 城市, withheld AS 不予公开, received AS 新收申请\nFROM reports\n"
            f"WHERE province = {province} AND year = {year} AND withheld IS NOT NULL\n"
            "ORDER BY withheld DESC\nLIMIT 10",
        ),
        ExampleQuery(
            f"{subjects.province} {year} 年以“属于国家秘密”不予公开的机关",
            "SELECT agency AS 机关, city AS 城市, t3_withheld_state_secret_total AS 属于国家秘密,\n"
            "       withheld AS 不予公开\n"
            f"FROM reports\nWHERE province = {province} AND year = {year} AND t3_withheld_state_secret_total > 0\n"
            "ORDER BY t3_withheld_state_secret_total DESC",
        ),
        ExampleQuery(
            f"{subjects.province}历年的趋势",
            "SELECT year AS 年度, COUNT(*) AS 报告数, SUM(received) AS 新收申请, SUM(withheld) AS 不予公开,\n"
            "       SUM(review) AS 行政复议, SUM(litigation) AS 行政诉讼\nFROM reports\n"
            f"WHERE province = {province}\nGROUP BY year\nORDER BY year",
        ),
        ExampleQuery(
            f"{year} 年各类机关的新收申请",
            "SELECT kind AS 机构类型, COUNT(*) AS 报告数, SUM(received) AS 新收申请,\n"
            "       ROUND(AVG(received), 1) AS 平均每份, SUM(withheld) AS 不予公开\nFROM reports\n"
            f"WHERE year = {year}\nGROUP BY kind\nORDER BY 新收申请 DESC",
        ),
        ExampleQuery(
            f"{subjects.agency}历年的数字",
            "SELECT year AS 年度, received AS 新收申请, disclosed AS 予以公开, withheld AS 不予公开,\n"
            "       review AS 行政复议, litigation AS 行政诉讼, url AS 报告页面\nFROM reports\n"
            f"WHERE agency_id = {sql_text(subjects.agency_id)}\nORDER BY year",
        ),
    ]
    if subjects.city:
        examples.insert(
            2,
            ExampleQuery(
                f"{subjects.city}历年的趋势",
                "SELECT year AS 年度, COUNT(*) AS 报告数, SUM(received) AS 新收申请, SUM(withheld) AS 不予公开\n"
                f"FROM reports\nWHERE city = {sql_text(subjects.city)}\nGROUP BY year\nORDER BY year",
            ),
        )
    return [*examples, tables]
