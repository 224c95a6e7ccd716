"""Pieces several page families share: breadcrumbs, links, summary tables and rankings.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

import jinja2
import yaml

from ..archive import (
    AgencyEntry,
    Archive,
    RegionEntry,
    ReportPage,
    kind_province_path,
    listing_group,
    province_code,
    relative_link,
    year_group_path,
)
from ...reading.checks import RULE_NAMES
from ..comparisons import (
    FIGURES,
    Summary,
    agency_charts,
    agency_series,
    bar_chart,
    by_year,
    mix_chart,
    subtree_pages,
    summarize,
    top_received,
    yearly_summaries,
)
from ..datasets import (
    CELL_KEYS,
    CELLS_CSV,
    DATA_DIR,
    JSON_FILE,
    REPORT_FIELDS,
    SCHEMA,
    SQLITE_FILE,
    WIDE_CSV,
    Downloads,
    StatsRow,
    report_stats,
)
from ..escape import html_text, markdown_text
from ...forms import (
    OTHER_HANDLING_2021,
    TABLE2_2019_COLUMNS,
    TABLE2_2021_COLUMNS,
    TABLE2_COLUMNS,
    TABLE2_ITEMS,
    TABLE2_ROWS,
    TABLE3_COLUMNS,
    TABLE3_GROUPS,
    TABLE3_ROWS,
    TABLE4_COLUMNS,
    TABLE4_ROWS,
    TABLE_TITLES,
    Spec,
)
from ..labels import layout_labels, media_label
from ...reading.metadata import KINDS_BY_SLUG
from ...model import CellStatus, Contact, Region, Report, StatTable
from ...parallel import map_in_processes
from ...reading.regions import UNRESOLVED, UNRESOLVED_NAME, region_chain
from ..search_index import pack_blocks, report_text_blocks
from ..table_views import TABLE2_ONLY_2019_ROWS, table_view
from ...reading.tables import read_number



def region_label(region: Region) -> str:
    if not region.resolved:
        return "未确定"
    return " ".join(name for name in (region.province, region.city, region.county) if name)


def source_summary(report: Report) -> str:
    """What the published file is: kind, pages, size (“PDF，5 页，234.5 KB”)."""
    source = report.source
    parts = [media_label(source.media_type)]
    if source.pages:
        parts.append(f"{source.pages} 页")
    parts.append(f"{source.size / 1024:.1f} KB")
    return "，".join(parts)


def region_crumbs(from_page: str, region: Region) -> list[dict[str, str]]:
    crumbs = [{"label": "地区", "link": relative_link(from_page, "regions/index.md")}]
    for code, name, _level in region_chain(region):
        crumbs.append({"label": name, "link": relative_link(from_page, f"regions/{code}.md")})
    return crumbs


def link_item(from_page: str, label: str, to_page: str, **extra: Any) -> dict[str, Any]:
    return {"label": label, "link": relative_link(from_page, to_page), **extra}


def year_page_path(year: int) -> str:
    return f"years/{year}/index.md"


def kind_page_path(kind: str) -> str:
    return f"kinds/{kind}/index.md"


def report_label(page: ReportPage) -> str:
    return f"{page.report.year} 年：{page.report.title}"


def summary_table(caption: str, first: str, rows: list[tuple[str, str | None, Summary]]) -> dict[str, Any]:
    return {
        "caption": caption,
        "first": first,
        "rows": [{"label": label, "link": link, "summary": summary} for label, link, summary in rows],
    }


def ranking(from_page: str, heading: str, pages: list[ReportPage], stats: dict[str, StatsRow]) -> dict[str, Any]:
    items = [
        link_item(from_page, f"{page.report.agency} {page.report.year} 年报告", page.path, value=value)
        for page, value in top_received(pages, stats)
    ]
    return {"heading": heading, "entries": items}


NO_RANKING: dict[str, Any] = {"heading": "", "entries": []}
