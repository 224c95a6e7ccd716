"""The region pages: the region tree (province → city → county) and one page per region."""

from __future__ import annotations

from typing import Any

import jinja2

from ...reading.regions import UNRESOLVED
from ..archive import Archive, RegionEntry, ReportPage
from ..comparisons import (
    by_year,
    summarize,
)
from ..datasets import (
    StatsRow,
)
from ..feeds import FEED_NAME
from ..labels import children_heading
from ..serialize import front_matter
from ..timeliness import summarize_timeliness
from ..urls import REGIONS_INDEX, relative_link
from .agencies import agency_item
from .pieces import NO_RANKING, link_item, ranking, summary_table


def region_comparisons(path: str, name: str, pages: list[ReportPage], stats: dict[str, StatsRow]) -> dict[str, Any]:
    """A region's totals by year, and the reports of its latest year with the most applications."""
    groups = by_year(pages)
    if not groups:
        return {"summary_table": None, "ranking": NO_RANKING}
    rows = [(f"{year} 年", None, summarize(group, stats)) for year, group in groups.items()]
    latest_year, latest_pages = next(iter(groups.items()))
    return {
        "summary_table": summary_table(f"{name}各年度汇总", "年度", rows),
        "ranking": ranking(path, f"{latest_year} 年度新收申请最多的报告", latest_pages, stats),
    }


def render_region_page(
    env: jinja2.Environment, archive: Archive, entry: RegionEntry, subtree: list[ReportPage], stats: dict[str, StatsRow]
) -> str:
    path = entry.path
    chain = []
    parent = entry.parent
    while parent:
        chain.insert(0, archive.regions[parent])
        parent = archive.regions[parent].parent
    crumbs = [{"label": "地区", "link": relative_link(path, REGIONS_INDEX)}]
    crumbs += [{"label": up.name, "link": relative_link(path, up.path)} for up in chain]
    children = [archive.regions[code] for code in entry.children]
    agencies = [archive.agencies[agency_id] for agency_id in entry.agency_ids]
    return env.get_template("regions.md.j2").render(
        front_matter=front_matter(
            {
                "title": entry.name,
                "page_kind": "region",
                "code": entry.code,
                "feed": FEED_NAME,
                # the whole chain: several counties share a name (鼓楼区), their pages must not
                "description": f"{''.join(up.name for up in [*chain, entry])}各级行政机关的政府信息公开工作年度报告"
                f"（{entry.report_count:,} 份），按机构和年度排列，附各年度汇总。",
            }
        ),
        crumbs=crumbs,
        heading=entry.name,
        summary=f"共 {entry.report_count:,} 份报告。{summarize_timeliness(page.report for page in subtree).text}",
        children_heading=children_heading(entry.level),
        children=[link_item(path, c.name, c.path, count=c.report_count) for c in children],
        agencies=[agency_item(path, agency) for agency in agencies],
        **region_comparisons(path, entry.name, subtree, stats),
    )


def render_regions_index(env: jinja2.Environment, archive: Archive) -> str:
    path = REGIONS_INDEX
    provinces = sorted(archive.provinces, key=lambda entry: (entry.code == UNRESOLVED, entry.code))
    return env.get_template("regions.md.j2").render(
        front_matter=front_matter({"title": "按地区浏览", "page_kind": "index"}),
        crumbs=[],
        heading="按地区浏览",
        summary=f"共 {len(archive.pages)} 份报告，分布在 {len(archive.regions)} 个地区。",
        children_heading="省、自治区、直辖市",
        children=[link_item(path, p.name, p.path, count=p.report_count) for p in provinces],
        agencies=[],
        summary_table=None,
        ranking=NO_RANKING,
    )
