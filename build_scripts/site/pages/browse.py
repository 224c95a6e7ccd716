"""Every browse page of the site, rendered from the archive by the page families' modules.

Each module renders its family through the templates in `templates/` and returns
{content path: text}; writing them is the build's business.
"""

from __future__ import annotations

import jinja2

from ..archive import (
    Archive,
)
from ..compare import province_listing
from ..comparisons import (
    subtree_pages,
)
from ..datasets import Downloads, StatsRow
from ..query_db import QueryDatabase
from ..serialize import front_matter
from ..urls import (
    ABOUT,
    AGENCIES_INDEX,
    CHANGES,
    COMPARE,
    DATA_INDEX,
    DICTIONARY,
    HOME,
    OVERVIEW,
    QUALITY,
    REGIONS_INDEX,
    SEARCH,
    SQL_PAGE,
    YEARS_INDEX,
)
from .agencies import render_agencies_index, render_agency_page, render_kind_pages
from .environment import template_environment
from .home import render_about, render_home, render_overview, render_quality
from .reference import changes_page_link, render_changes_page, render_data_page, render_dictionary
from .regions import render_region_page, render_regions_index
from .tools import province_options, render_compare_page, render_sql_page
from .years import render_year_pages, render_years_index


def render_browse_pages(
    archive: Archive,
    stats: dict[str, StatsRow],
    downloads: Downloads | None = None,
    database: QueryDatabase | None = None,
    engine: dict[str, bytes] | None = None,
    env: jinja2.Environment | None = None,
) -> dict[str, str]:
    """Every page of the content folder besides the reports, keyed by relative path, sorted. The
    pages of the downloads and of the SQL database come with the files they describe."""
    env = env or template_environment()
    files = {HOME: render_home(env, archive)}
    if downloads is not None:
        files[DATA_INDEX] = render_data_page(env, archive, downloads)
    if database is not None:
        files[SQL_PAGE] = render_sql_page(env, archive, database, engine)
    files[COMPARE] = render_compare_page(env, province_options(COMPARE, province_listing(archive)))
    files[SEARCH] = env.get_template("search.md.j2").render(
        front_matter=front_matter({"title": "搜索", "page_kind": "search", "hide": ["toc"]}), portal=False
    )
    files[DICTIONARY] = render_dictionary(env)
    files[CHANGES] = render_changes_page(env, archive.changes, changes_page_link(archive))
    files[OVERVIEW] = render_overview(env, archive, stats)
    files[QUALITY] = render_quality(env, archive)
    files[ABOUT] = render_about(env, archive)
    files[REGIONS_INDEX] = render_regions_index(env, archive)
    subtrees = subtree_pages(archive)
    for entry in archive.regions.values():
        files[entry.path] = render_region_page(env, archive, entry, subtrees[entry.code], stats)
    files[AGENCIES_INDEX] = render_agencies_index(env, archive)
    for agency in archive.agencies.values():
        files[agency.path] = render_agency_page(env, agency, stats)
    for slug in archive.kinds:
        files.update(render_kind_pages(env, archive, slug))
    files[YEARS_INDEX] = render_years_index(env, archive)
    for year in archive.years:
        files.update(render_year_pages(env, archive, year, stats))
    return dict(sorted(files.items()))
