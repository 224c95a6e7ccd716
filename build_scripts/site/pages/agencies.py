"""The agency pages (one per agency, its years, figures and charts), the agency index and the
agency-kind pages.
"""

from __future__ import annotations

from typing import Any

import jinja2

from ...model import Region
from ...reading.metadata import KINDS_BY_SLUG
from ...reading.regions import UNRESOLVED, UNRESOLVED_NAME
from ..archive import AgencyEntry, Archive, province_code
from ..comparisons import (
    FIGURES,
    agency_charts,
    agency_series,
    mix_chart,
)
from ..datasets import (
    StatsRow,
)
from ..feeds import FEED_NAME
from ..labels import region_label
from ..serialize import front_matter
from ..urls import AGENCIES_INDEX, kind_page_path, kind_province_path
from .pieces import link_item, region_crumbs, report_label


def agency_item(from_page: str, agency: AgencyEntry) -> dict[str, Any]:
    return link_item(
        from_page,
        agency.name,
        agency.path,
        count=len(agency.pages),
        reports=[link_item(from_page, f"{p.report.year} 年", p.path) for p in agency.pages],
    )


def render_agency_page(env: jinja2.Environment, agency: AgencyEntry, stats: dict[str, StatsRow]) -> str:
    path = agency.path
    crumbs = region_crumbs(path, agency.region)
    series = agency_series(agency, stats)
    return env.get_template("agency.md.j2").render(
        front_matter=front_matter(
            {
                "title": agency.name,
                "page_kind": "agency",
                "agency_id": agency.id,
                "feed": FEED_NAME,
                "description": f"{agency.name}（{region_label(agency.region)}）历年的政府信息公开工作年度报告"
                f"（{len(agency.pages):,} 份）和主要数字的变化。",
            }
        ),
        crumbs=crumbs,
        agency=agency,
        other_names=agency.names[1:],
        kind=link_item(path, KINDS_BY_SLUG[agency.kind].label, kind_page_path(agency.kind)),
        reports=[link_item(path, report_label(p), p.path) for p in agency.pages],
        year_checks=year_checks(agency),
        figures=FIGURES,
        series=series,
        charts=agency_charts(series) if len(series) > 1 else [],
        stacked=mix_chart(series) if len(series) > 1 else None,
    )


def year_checks(agency: AgencyEntry) -> list[dict]:
    """The agency's broken cross-year rules (site/cross_year.py), each once (as the later
    report holds it), newest first, with links to both reports."""
    pages = {page.path: page for page in agency.pages}
    checks = []
    for page in agency.pages:
        for finding in page.report.findings:
            other = pages.get(finding.related or "")
            if other is not None and (other.report.year or 0) < (page.report.year or 0):
                later = link_item(agency.path, report_label(page), page.path)
                earlier = link_item(agency.path, report_label(other), other.path)
                checks.append({"message": finding.message, "later": later, "earlier": earlier})
    return checks


def province_name(region: Region) -> str:
    return region.province if region.resolved and region.province else UNRESOLVED_NAME


def group_by_province(agency_ids: list[str], archive: Archive) -> dict[str, list[AgencyEntry]]:
    groups: dict[str, list[AgencyEntry]] = {}
    for agency_id in agency_ids:
        agency = archive.agencies[agency_id]
        groups.setdefault(province_code(agency.region), []).append(agency)
    return dict(sorted(groups.items(), key=lambda item: (item[0] == UNRESOLVED, item[0])))


def render_agencies_index(env: jinja2.Environment, archive: Archive) -> str:
    """Agencies by kind (each kind's page splits by province) and by province (the region pages)."""
    path = AGENCIES_INDEX
    kinds = [
        link_item(path, KINDS_BY_SLUG[slug].label, kind_page_path(slug), count=len(ids))
        for slug, ids in archive.kinds.items()
    ]
    provinces = group_by_province(list(archive.agencies), archive)
    return env.get_template("agencies.md.j2").render(
        front_matter=front_matter({"title": "按机构浏览", "page_kind": "index"}),
        total=len(archive.agencies),
        kinds=kinds,
        provinces=[
            link_item(path, archive.regions[code].name, archive.regions[code].path, count=len(items))
            for code, items in provinces.items()
        ],
    )


def render_kind_pages(env: jinja2.Environment, archive: Archive, slug: str) -> dict[str, str]:
    """A kind's page (provinces with counts) and one page per province listing its agencies."""
    kind = KINDS_BY_SLUG[slug]
    index_path = kind_page_path(slug)
    provinces = group_by_province(archive.kinds[slug], archive)
    files = {
        index_path: env.get_template("kind.md.j2").render(
            front_matter=front_matter({"title": f"{kind.label}机构", "page_kind": "kind", "kind": slug}),
            crumbs=[link_item(index_path, "机构", AGENCIES_INDEX)],
            heading=f"{kind.label}机构",
            summary=f"共 {len(archive.kinds[slug])} 个机构，按所在省份分列。",
            words="、".join(kind.words) or "不属于以上任何一类",
            provinces=[
                link_item(index_path, archive.regions[code].name, kind_province_path(slug, code), count=len(items))
                for code, items in provinces.items()
            ],
            agencies=[],
        )
    }
    for code, agencies in provinces.items():
        path = kind_province_path(slug, code)
        name = archive.regions[code].name
        files[path] = env.get_template("kind.md.j2").render(
            front_matter=front_matter({"title": f"{name} {kind.label}机构", "page_kind": "kind", "kind": slug}),
            crumbs=[link_item(path, "机构", AGENCIES_INDEX), link_item(path, f"{kind.label}机构", index_path)],
            heading=f"{name} {kind.label}机构",
            summary=f"共 {len(agencies)} 个机构。",
            words="",
            provinces=[],
            agencies=[dict(agency_item(path, agency), place=region_label(agency.region)) for agency in agencies],
        )
    return files
