"""Pieces several page families share: breadcrumbs, links, summary tables and rankings."""

from __future__ import annotations

from typing import Any

from ...model import Region, Report
from ...reading.regions import region_chain
from ..archive import ReportPage
from ..comparisons import (
    Summary,
    top_received,
)
from ..datasets import (
    StatsRow,
)
from ..labels import media_label
from ..urls import REGIONS_INDEX, region_page_path, relative_link


def source_summary(report: Report) -> str:
    """What the published file is: kind, pages, size (“PDF，5 页，234.5 KB”)."""
    source = report.source
    parts = [media_label(source.media_type)]
    if source.pages:
        parts.append(f"{source.pages} 页")
    parts.append(f"{source.size / 1024:.1f} KB")
    return "，".join(parts)


def region_crumbs(from_page: str, region: Region) -> list[dict[str, str]]:
    crumbs = [{"label": "地区", "link": relative_link(from_page, REGIONS_INDEX)}]
    for code, name, _level in region_chain(region):
        crumbs.append({"label": name, "link": relative_link(from_page, region_page_path(code))})
    return crumbs


def link_item(from_page: str, label: str, to_page: str, **extra: Any) -> dict[str, Any]:
    return {"label": label, "link": relative_link(from_page, to_page), **extra}


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
