"""The Jinja2 environment every page is rendered in: templates from the repository's `templates/`
folder, StrictUndefined (a missing value is an error, not a blank), and the escaping filters.
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



TEMPLATES_DIR = Path(__file__).resolve().parents[3] / "templates"


def is_number(text: str) -> bool:
    return read_number(text.strip()).status == CellStatus.NUMBER


def padded(rows: list[list[str]]) -> list[list[str]]:
    """Rows filled out with blank cells to the width of the widest, so the grid stays a grid."""
    width = max((len(row) for row in rows), default=0)
    return [row + [""] * (width - len(row)) for row in rows]


@functools.cache  # one per process: workers reuse it for every report
def template_environment(templates_dir: Path = TEMPLATES_DIR) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # output is Markdown; escaping is explicit through `md` and `h`
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(md=markdown_text, h=html_text, is_number=is_number, padded=padded)
    return env
