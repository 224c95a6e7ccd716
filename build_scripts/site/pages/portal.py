"""The portal of a partitioned archive (partitions.py): the national home with every partition and
its provinces, the national overview, the regions entry point, the search over every report, the
compare page over every partition's agencies and the data dictionary. Every report, region and
download stays on its partition's site; the portal links there (raw HTML: MkDocs would check a
Markdown link against the portal's own pages).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import jinja2

from ...partitions import Partition
from ...reading.changes import Change
from ...reading.regions import UNRESOLVED
from ..archive import Archive, ReportPage
from ..compare import province_listing
from ..datasets import StatsRow
from ..feeds import portal_feed_file
from ..serialize import front_matter
from ..urls import CHANGES, COMPARE, DATA_INDEX, DICTIONARY, HOME, OVERVIEW, REGIONS_INDEX, SEARCH
from .home import latest_reports, recently_added, render_overview_of
from .pieces import report_label
from .reference import render_changes_page, render_dictionary
from .tools import ProvinceOption, render_compare_page

# The portal's navigation: its own pages only (the partitions' browse pages are linked from them).
PORTAL_NAV = (
    ("首页", HOME),
    ("按地区", REGIONS_INDEX),
    ("全国概览", OVERVIEW),
    ("机构对比", COMPARE),
    ("搜索", SEARCH),
    ("数据下载", DATA_INDEX),
    ("更新记录", CHANGES),
    ("数据说明", DICTIONARY),
)


@dataclass(frozen=True)
class PartitionSite:
    """A partition and the archive of its reports, as its own site was built from it."""

    address: Partition
    archive: Archive


def every_page(sites: Sequence[PartitionSite]) -> list[ReportPage]:
    return [page for site in sites for page in site.archive.pages]


def site_of_page(sites: Sequence[PartitionSite]) -> dict[str, PartitionSite]:
    """The partition each report page is on, by the page's path."""
    return {page.path: site for site in sites for page in site.archive.pages}


def partition_entries(page: str, sites: Sequence[PartitionSite]) -> list[dict[str, Any]]:
    """Each partition with its counts, its provinces and the links to them, from a portal page."""
    entries = []
    for site in sites:
        provinces = sorted(site.archive.provinces, key=lambda entry: (entry.code == UNRESOLVED, entry.code))
        entries.append(
            {
                "title": site.address.title,
                "link": site.address.page_from(page, HOME),
                "data_link": site.address.page_from(page, DATA_INDEX),
                "reports": len(site.archive.pages),
                "agencies": len(site.archive.agencies),
                "provinces": [
                    {"label": p.name, "link": site.address.page_from(page, p.path), "reports": p.report_count}
                    for p in provinces
                ],
            }
        )
    return entries


def report_links(page: str, pages: list[tuple[PartitionSite, ReportPage]], day: str) -> list[dict[str, Any]]:
    return [
        {
            "label": report_label(report_page),
            "link": site.address.page_from(page, report_page.path),
            "date": getattr(report_page.report, day),
        }
        for site, report_page in pages
    ]


def render_portal_home(env: jinja2.Environment, sites: Sequence[PartitionSite]) -> str:
    site_of = site_of_page(sites)
    pages = every_page(sites)
    provinces = {entry.code for site in sites for entry in site.archive.provinces if entry.code != UNRESOLVED}
    years = {year for site in sites for year in site.archive.years}
    return env.get_template("portal.md.j2").render(
        front_matter=front_matter({"title": "首页", "page_kind": "home", "hide": ["toc"]}),
        counts={
            "reports": len(pages),
            "agencies": sum(len(site.archive.agencies) for site in sites),
            "provinces": len(provinces),
            "years": len(years),
            "sites": len(sites),
        },
        partitions=partition_entries(HOME, sites),
        latest=report_links(HOME, [(site_of[p.path], p) for p in latest_reports(pages)], "publication_date"),
        recent=report_links(HOME, [(site_of[p.path], p) for p in recently_added(pages)], "added"),
    )


def render_portal_regions(env: jinja2.Environment, sites: Sequence[PartitionSite]) -> str:
    return env.get_template("portal_regions.md.j2").render(
        front_matter=front_matter({"title": "按地区浏览", "page_kind": "index"}),
        partitions=partition_entries(REGIONS_INDEX, sites),
    )


def render_portal_data(env: jinja2.Environment, sites: Sequence[PartitionSite]) -> str:
    return env.get_template("portal_data.md.j2").render(
        front_matter=front_matter({"title": "数据下载", "page_kind": "index"}),
        partitions=partition_entries(DATA_INDEX, sites),
    )


def render_portal_overview(env: jinja2.Environment, sites: Sequence[PartitionSite], stats: dict[str, StatsRow]) -> str:
    """The national overview; a province links to its page on the first partition that holds it."""
    holder: dict[str, tuple[str, str]] = {}
    for site in sites:
        for entry in site.archive.provinces:
            holder.setdefault(entry.code, (entry.name, site.address.page_from(OVERVIEW, entry.path)))
    return render_overview_of(env, every_page(sites), stats, holder.__getitem__)


def portal_province_options(sites: Sequence[PartitionSite]) -> list[ProvinceOption]:
    """Every partition's provinces, their files on the partition's site; a province split between
    partitions is offered once for each, named with the partition."""
    options = []
    for site in sites:
        for province in province_listing(site.archive):
            href = site.address.base_from(COMPARE) + province.path
            label = f"{province.name}（{site.address.title} · {province.agencies} 个机构）"
            options.append(ProvinceOption(f"{site.address.name}.{province.code}", label, href))
    return options


def portal_changes_link(sites: Sequence[PartitionSite]) -> Callable[[str], str | None]:
    """Links from the portal's changelog to each report still published, on its partition's site."""
    site_of = {page.path.removesuffix(".md"): site for site in sites for page in site.archive.pages}
    return lambda report: site_of[report].address.page_from(CHANGES, report + ".md") if report in site_of else None


def render_portal_pages(
    env: jinja2.Environment, sites: Sequence[PartitionSite], stats: dict[str, StatsRow], changes: list[Change]
) -> dict[str, str]:
    """Every page of the portal's content folder, keyed by relative path, sorted."""
    files = {
        HOME: render_portal_home(env, sites),
        REGIONS_INDEX: render_portal_regions(env, sites),
        OVERVIEW: render_portal_overview(env, sites, stats),
        SEARCH: env.get_template("search.md.j2").render(
            front_matter=front_matter({"title": "搜索", "page_kind": "search", "hide": ["toc"]}), portal=True
        ),
        DICTIONARY: render_dictionary(env),
        DATA_INDEX: render_portal_data(env, sites),
        COMPARE: render_compare_page(env, portal_province_options(sites)),
        CHANGES: render_changes_page(env, changes, portal_changes_link(sites), portal=True),
    }
    return dict(sorted(files.items()))


def portal_feed(sites: Sequence[PartitionSite], site_url: str) -> dict[str, str]:
    """The portal's feed: the reports added last to every partition, each linked on its own site."""
    site_of = site_of_page(sites)
    return portal_feed_file(
        every_page(sites), lambda page: site_of[page.path].address.page_from(None, page.path), site_url
    )
