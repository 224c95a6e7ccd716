"""The home page, the national overview, the data-quality page and the about page."""

from __future__ import annotations

from collections.abc import Callable

import jinja2

from ...reading.regions import UNRESOLVED
from ..archive import Archive, ReportPage, province_code
from ..comparisons import (
    bar_chart,
    yearly_summaries,
)
from ..datasets import (
    StatsRow,
)
from ..feeds import newest_added
from ..labels import SITE_NAME
from ..serialize import front_matter
from ..urls import ABOUT, HOME, OVERVIEW, QUALITY, href_between, relative_link
from .pieces import link_item, report_label, summary_table

LATEST_ON_HOME = 10


def latest_reports(pages: list[ReportPage]) -> list[ReportPage]:
    """The newest reports: latest report year first, then latest publication date."""
    dated = sorted(pages, key=lambda p: (p.report.publication_date or "", p.path), reverse=True)
    return sorted(dated, key=lambda p: -(p.report.year or 0))[:LATEST_ON_HOME]


def recently_added(pages: list[ReportPage]) -> list[ReportPage]:
    """The reports that joined the archive last (the site's feed holds more)."""
    return newest_added(pages)[:LATEST_ON_HOME]


def render_home(env: jinja2.Environment, archive: Archive) -> str:
    return env.get_template("home.md.j2").render(
        front_matter=front_matter({"title": "首页", "page_kind": "home", "hide": ["toc"]}),
        counts={
            "reports": len(archive.pages),
            "agencies": len(archive.agencies),
            "provinces": sum(1 for entry in archive.provinces if entry.code != UNRESOLVED),
            "regions": len(archive.regions),
            "years": len(archive.years),
            "kinds": len(archive.kinds),
        },
        latest=[
            link_item(HOME, report_label(p), p.path, date=p.report.publication_date)
            for p in latest_reports(archive.pages)
        ],
        recent=[link_item(HOME, report_label(p), p.path, date=p.report.added) for p in recently_added(archive.pages)],
    )


def render_overview(env: jinja2.Environment, archive: Archive, stats: dict[str, StatsRow]) -> str:
    """The whole archive: totals by year, a chart of new applications, reports per province and year."""

    def province(code: str) -> tuple[str, str]:  # raw HTML: MkDocs leaves the link as it is
        return archive.regions[code].name, href_between(OVERVIEW, archive.regions[code].path)

    return render_overview_of(env, archive.pages, stats, province)


def render_overview_of(
    env: jinja2.Environment,
    pages: list[ReportPage],
    stats: dict[str, StatsRow],
    province: Callable[[str], tuple[str, str]],
) -> str:
    """The overview of these reports; `province(code)` gives a province's name and the href of its
    page (on this site, or on a partition's for the portal)."""
    yearly = yearly_summaries(pages, stats)
    years = sorted(year for year, _ in yearly)
    counts: dict[str, dict[int, int]] = {}
    for page in pages:
        by_province = counts.setdefault(province_code(page.report.region), {})
        by_province[page.report.year or 0] = by_province.get(page.report.year or 0, 0) + 1
    provinces = [
        {
            "label": province(code)[0],
            "link": province(code)[1],
            "counts": [per_year.get(year, 0) for year in years],
            "total": sum(per_year.values()),
        }
        for code, per_year in sorted(counts.items(), key=lambda item: (item[0] == UNRESOLVED, item[0]))
    ]
    return env.get_template("overview.md.j2").render(
        front_matter=front_matter({"title": "全国概览", "page_kind": "index"}),
        report_count=len(pages),
        summary_table=summary_table("全部报告各年度汇总", "年度", [(f"{y} 年", None, s) for y, s in yearly]),
        chart=bar_chart("全部报告的新收申请", [(f"{y} 年", s.received) for y, s in reversed(yearly)]),
        years=years,
        provinces=provinces,
    )


def render_quality(env: jinja2.Environment, archive: Archive) -> str:
    """Every report with failed checks or uncertain cells, with what is wrong."""
    entries = []
    failed_count = uncertain_count = 0
    for page in sorted(archive.pages, key=lambda p: p.path):
        problems = [f for f in page.report.findings if f.is_check or f.code == "cell-uncertain"]
        if not problems:
            continue
        failed_count += any(f.is_check for f in problems)
        uncertain_count += any(f.code == "cell-uncertain" for f in problems)
        entries.append(
            {
                "title": page.report.title,
                "href": href_between(QUALITY, page.path),
                "failed": sum(1 for f in problems if f.is_check),
                "uncertain": sum(1 for f in problems if f.code == "cell-uncertain"),
                "messages": [
                    {"text": f.message, "href": href_between(QUALITY, f.related) if f.related else ""} for f in problems
                ],
            }
        )
    return env.get_template("quality.md.j2").render(
        front_matter=front_matter({"title": "数据质量", "page_kind": "index"}),
        total=len(archive.pages),
        failed_count=failed_count,
        uncertain_count=uncertain_count,
        entries=entries,
    )


def render_about(env: jinja2.Environment, archive: Archive) -> str:
    """What the archive holds, how to cite a report or a number, the licences, how to report an error."""
    provinces = [
        {"label": entry.name, "link": relative_link(ABOUT, entry.path), "reports": entry.report_count}
        for entry in archive.provinces
    ]
    years = sorted(archive.years)
    example = latest_reports(archive.pages)[:1]
    return env.get_template("about.md.j2").render(
        front_matter=front_matter({"title": "关于本站", "page_kind": "about"}),
        reports=len(archive.pages),
        agencies=len(archive.agencies),
        provinces=provinces,
        first_year=years[0] if years else None,
        last_year=years[-1] if years else None,
        example=example[0].report if example else None,
        site_name=SITE_NAME,
    )
