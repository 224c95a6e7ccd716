"""The pages a reader works with in the browser: the compare page (对比), over the files
compare.py writes (on this site, or for the portal on the partitions' sites), and the SQL page
(在线查询), over the database query_db.py writes and the engine sql_engine.py installs."""

from __future__ import annotations

import dataclasses
import posixpath
from dataclasses import dataclass

import jinja2

from ...reading.metadata import KINDS_BY_SLUG
from ..archive import Archive
from ..compare import ProvinceFile
from ..comparisons import CHARTED, FIGURES
from ..datasets import CELL_KEYS, SQLITE_FILE, SqlTable
from ..query_db import (
    QUERY_CONFIG,
    QUERY_INDEXES,
    QUERY_SCHEMA,
    QueryDatabase,
    cell_column,
    example_queries,
    example_subjects,
)
from ..serialize import front_matter
from ..sql_engine import ENGINE_ASSETS, ENGINE_NAME, ENGINE_VERSION
from ..urls import SQL_PAGE, page_url
from .reference import human_size

MAX_COMPARED = 12  # agencies in one comparison (archive-compare.js MAX_AGENCIES)
DEFAULT_FIGURES = ("received", "withheld", *CHARTED[1:])


@dataclass(frozen=True)
class ProvinceOption:
    """A province the reader can open: its key in the page's address, its label, its file's href."""

    key: str
    label: str
    href: str


def href_to_file(page: str, path: str) -> str:
    """An href from a page to a file of the same site (raw HTML: MkDocs does not rewrite it)."""
    return posixpath.relpath(path, page_url(page) or ".")


def province_options(page: str, provinces: list[ProvinceFile]) -> list[ProvinceOption]:
    return [ProvinceOption(p.code, f"{p.name}（{p.agencies} 个机构）", href_to_file(page, p.path)) for p in provinces]


def render_compare_page(env: jinja2.Environment, provinces: list[ProvinceOption]) -> str:
    return env.get_template("compare.md.j2").render(
        front_matter=front_matter({"title": "机构对比", "page_kind": "compare", "hide": ["toc"]}),
        provinces=provinces,
        kinds=list(KINDS_BY_SLUG.values()),
        figures=FIGURES,
        default_figures=DEFAULT_FIGURES,
        max_agencies=MAX_COMPARED,
    )


MAX_BYTES_READ = 32 * 1024 * 1024  # a query that would read more stops, saying why
CELL_COLUMNS_ROW = (
    "t2_…、t3_…、t4_…",
    "NUMERIC",
    "表二、三、四的每一格各一列，列名即下载文件中的列名（点换成下划线，如 t3_received_total、"
    "t4_review_total）；各格的官方标签见数据说明。空：未填报、存疑或该格式无此格",
)


def shown_table(table: SqlTable) -> SqlTable:
    """A table as the page describes it: the hundreds of cell columns in one line."""
    cells = {cell_column(key.name) for key in CELL_KEYS}
    columns = tuple(column for column in table.columns if column[0] not in cells)
    if len(columns) == len(table.columns):
        return table
    return dataclasses.replace(table, columns=(*columns, CELL_COLUMNS_ROW))


def render_sql_page(
    env: jinja2.Environment, archive: Archive, database: QueryDatabase, engine: dict[str, bytes] | None
) -> str:
    """The SQL page; `engine`: the engine's files as published, None when it is not installed."""
    return env.get_template("sql.md.j2").render(
        front_matter=front_matter({"title": "在线查询", "page_kind": "sql", "hide": ["toc"]}),
        report_count=len(archive.pages),
        agency_count=len(archive.agencies),
        database_size=human_size(database.size),
        engine=engine is not None,
        engine_size=human_size(sum(len(data) for data in (engine or {}).values())),
        engine_name=ENGINE_NAME,
        engine_version=ENGINE_VERSION,
        engine_href=href_to_file(SQL_PAGE, ENGINE_ASSETS) + "/",
        engine_license=f"{ENGINE_ASSETS}/LICENSE.txt",
        config_href=href_to_file(SQL_PAGE, QUERY_CONFIG),
        max_bytes=MAX_BYTES_READ,
        max_bytes_text=human_size(MAX_BYTES_READ),
        examples=example_queries(example_subjects(archive)),
        schema=[shown_table(table) for table in QUERY_SCHEMA],
        indexes=QUERY_INDEXES,
        sqlite_name=SQLITE_FILE,
    )
