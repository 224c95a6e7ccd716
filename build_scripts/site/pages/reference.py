"""The data dictionary and the downloads page (数据下载)."""

from __future__ import annotations

import jinja2

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
from ...reading.checks import RULE_NAMES
from ...reading.metadata import KINDS_BY_SLUG
from ..archive import (
    Archive,
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
)
from ..serialize import front_matter
from ..table_views import TABLE2_ONLY_2019_ROWS


def spec_formats(number: str, spec: Spec, kind: str) -> str:
    """Which forms a row or column exists in, for the data dictionary."""
    only_2019 = {"other_handling"} | TABLE2_ONLY_2019_ROWS["2021"] | TABLE2_2019_COLUMNS
    only_2021 = set(OTHER_HANDLING_2021) | TABLE2_2021_COLUMNS
    if number == "四" or (kind == "column" and number == "三"):
        return "2019、2021"
    if spec.key in only_2019:
        return "2019（2021 年后仍有报告沿用）" if spec.key == "other_handling" else "2019"
    return "2021" if spec.key in only_2021 else "2019、2021"


def dictionary_table(number: str, rows: tuple[Spec, ...], columns: tuple[Spec, ...], groups: dict) -> dict:
    return {
        "number": number,
        "title": TABLE_TITLES[number],
        "rows": [
            {
                "key": s.key,
                "label": s.label,
                "group": groups.get(s.group or "", ""),
                "formats": spec_formats(number, s, "row"),
            }
            for s in rows
        ],
        "columns": [{"key": s.key, "label": s.label, "formats": spec_formats(number, s, "column")} for s in columns],
    }


def render_dictionary(env: jinja2.Environment) -> str:
    return env.get_template("dictionary.md.j2").render(
        front_matter=front_matter({"title": "数据说明", "page_kind": "index"}),
        rules=list(RULE_NAMES.values()),
        tables=[
            dictionary_table("二", TABLE2_ROWS, TABLE2_COLUMNS, TABLE2_ITEMS),
            dictionary_table("三", TABLE3_ROWS, TABLE3_COLUMNS, TABLE3_GROUPS),
            dictionary_table("四", TABLE4_ROWS, TABLE4_COLUMNS, {}),
        ],
        kinds=[
            {"slug": kind.slug, "label": kind.label, "words": "、".join(kind.words) or "（以上均不符合）"}
            for kind in KINDS_BY_SLUG.values()
        ],
        report_fields=REPORT_FIELDS,
        cell_keys=CELL_KEYS,
    )


DOWNLOAD_DESCRIPTIONS = {
    WIDE_CSV: "宽表：每份报告一行，报告信息之后每格一列（UTF-8 带 BOM，Excel 可直接打开）",
    CELLS_CSV: "长表（gzip 压缩）：每份报告印出的每格一行：报告、表、行、列、数值、空白、存疑",
    JSON_FILE: "JSON（gzip 压缩）：每份报告的信息与各格数值，及各格的官方标签",
    SQLITE_FILE: "SQLite 数据库（gzip 压缩）：reports、cell_keys、cells、findings、agencies、regions 六张表，结构见下",
}


def human_size(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{max(1, round(size / 1024))} KB"


def render_data_page(env: jinja2.Environment, archive: Archive, downloads: Downloads) -> str:
    files = [
        {
            "name": name,
            "description": DOWNLOAD_DESCRIPTIONS[name],
            "size": human_size(len(downloads.files[f"{DATA_DIR}/{name}"])),
        }
        for name in (WIDE_CSV, CELLS_CSV, JSON_FILE, SQLITE_FILE)
    ]
    return env.get_template("data.md.j2").render(
        front_matter=front_matter({"title": "数据下载", "page_kind": "index"}),
        files=files,
        report_count=len(archive.pages),
        cell_count=downloads.cell_count,
        schema=SCHEMA,
        sqlite_name=SQLITE_FILE,
    )
