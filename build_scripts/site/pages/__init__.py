"""The site's pages, one module per page family, rendered from the archive.

Each module renders its family through the templates in `templates/` and returns
{content path: text}; writing them is the build's business.
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
from ..serialize import front_matter
from .environment import template_environment
from .regions import render_region_page, render_regions_index
from .agencies import render_agencies_index, render_agency_page, render_kind_pages
from .years import render_year_pages, render_years_index
from .home import render_home, render_overview, render_quality
from .reference import render_data_page, render_dictionary


def render_browse_pages(
    archive: Archive,
    stats: dict[str, StatsRow],
    downloads: Downloads | None = None,
    env: jinja2.Environment | None = None,
) -> dict[str, str]:
    """Every page of the content folder besides the reports, keyed by relative path, sorted."""
    env = env or template_environment()
    files = {"index.md": render_home(env, archive)}
    if downloads is not None:
        files[f"{DATA_DIR}/index.md"] = render_data_page(env, archive, downloads)
    files["search.md"] = env.get_template("search.md.j2").render(
        front_matter=front_matter({"title": "搜索", "page_kind": "search", "hide": ["toc"]})
    )
    files["data-dictionary.md"] = render_dictionary(env)
    files["overview.md"] = render_overview(env, archive, stats)
    files["quality.md"] = render_quality(env, archive)
    files["regions/index.md"] = render_regions_index(env, archive)
    subtrees = subtree_pages(archive)
    for entry in archive.regions.values():
        files[entry.path] = render_region_page(env, archive, entry, subtrees[entry.code], stats)
    files["agencies/index.md"] = render_agencies_index(env, archive)
    for agency in archive.agencies.values():
        files[agency.path] = render_agency_page(env, agency, stats)
    for slug in archive.kinds:
        files.update(render_kind_pages(env, archive, slug))
    files["years/index.md"] = render_years_index(env, archive)
    for year in archive.years:
        files.update(render_year_pages(env, archive, year, stats))
    return dict(sorted(files.items()))
