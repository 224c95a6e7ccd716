"""The year pages: each year split by province and city, and the index of years."""

from __future__ import annotations

from typing import Any

import jinja2

from ...reading.regions import UNRESOLVED
from ..archive import Archive, ReportPage, listing_group, province_code
from ..comparisons import (
    Summary,
    summarize,
)
from ..datasets import (
    StatsRow,
)
from ..labels import region_label
from ..serialize import front_matter
from ..urls import YEARS_INDEX, year_group_path, year_page_path
from .pieces import link_item, ranking, summary_table


def render_year_pages(
    env: jinja2.Environment, archive: Archive, year: int, stats: dict[str, StatsRow]
) -> dict[str, str]:
    """A year's page (provinces → cities with counts) and one page per city listing its reports."""
    index_path = year_page_path(year)
    groups: dict[tuple[str, str], list[ReportPage]] = {}
    for page in archive.years[year]:
        groups.setdefault(listing_group(page.report.region), []).append(page)
    by_province: dict[str, list[dict[str, Any]]] = {}
    files: dict[str, str] = {}
    for (code, name), pages in sorted(groups.items(), key=lambda item: (item[0][0] == UNRESOLVED, item[0][0])):
        path = year_group_path(year, code)
        province = province_code(pages[0].report.region)
        by_province.setdefault(province, []).append(link_item(index_path, name, path, count=len(pages)))
        files[path] = env.get_template("year.md.j2").render(
            front_matter=front_matter({"title": f"{name} {year} 年度报告", "page_kind": "year", "year": year}),
            crumbs=[link_item(path, "年度", YEARS_INDEX), link_item(path, f"{year} 年", index_path)],
            heading=f"{name} {year} 年度报告",
            summary=f"共 {len(pages)} 份报告。",
            provinces=[],
            reports=[link_item(path, p.report.title, p.path, place=region_label(p.report.region)) for p in pages],
            summary_table=None,
            ranking=ranking(path, "新收申请最多的报告", pages, stats),
        )
    files[index_path] = env.get_template("year.md.j2").render(
        front_matter=front_matter({"title": f"{year} 年度报告", "page_kind": "year", "year": year}),
        crumbs=[link_item(index_path, "年度", YEARS_INDEX)],
        heading=f"{year} 年度报告",
        summary=f"共 {len(archive.years[year])} 份报告，按所在省份和市分列。",
        provinces=[
            {"label": archive.regions[code].name, "groups": items}
            for code, items in sorted(by_province.items(), key=lambda item: (item[0] == UNRESOLVED, item[0]))
        ],
        reports=[],
        summary_table=summary_table(f"{year} 年度各省汇总", "省份", province_summaries(archive, year, stats)),
        ranking=ranking(index_path, "新收申请最多的报告", archive.years[year], stats),
    )
    return files


def province_summaries(
    archive: Archive, year: int, stats: dict[str, StatsRow]
) -> list[tuple[str, str | None, Summary]]:
    groups: dict[str, list[ReportPage]] = {}
    for page in archive.years[year]:
        groups.setdefault(province_code(page.report.region), []).append(page)
    ordered = sorted(groups.items(), key=lambda item: (item[0] == UNRESOLVED, item[0]))
    return [(archive.regions[code].name, None, summarize(pages, stats)) for code, pages in ordered]


def render_years_index(env: jinja2.Environment, archive: Archive) -> str:
    path = YEARS_INDEX
    return env.get_template("years.md.j2").render(
        front_matter=front_matter({"title": "按年度浏览", "page_kind": "index"}),
        years=[
            link_item(path, f"{year} 年", year_page_path(year), count=len(pages))
            for year, pages in archive.years.items()
        ],
    )
