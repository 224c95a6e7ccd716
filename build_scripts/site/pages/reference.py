"""The data dictionary and the downloads page (数据下载)."""

from __future__ import annotations

from collections.abc import Callable

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
from ...reading.changes import CHANGE_KINDS, Change
from ...reading.checks import RULE_NAMES
from ...reading.metadata import KINDS_BY_SLUG
from ..archive import (
    Archive,
)
from ..datapackage import PACKAGE_FILE, archive_version
from ..datasets import CELL_KEYS, CHANGES_CSV, DOWNLOADS, REPORT_FIELDS, SCHEMA, SQLITE_FILE, Downloads
from ..serialize import front_matter
from ..table_views import TABLE2_ONLY_2019_ROWS
from ..urls import CHANGES, DATA_DIR, href_between


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


def human_size(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{max(1, round(size / 1024))} KB"


def render_data_page(env: jinja2.Environment, archive: Archive, downloads: Downloads) -> str:
    files = [
        {
            "name": download.name,
            "description": download.description,
            "size": human_size(len(downloads.files[f"{DATA_DIR}/{download.name}"])),
        }
        for download in DOWNLOADS
    ]
    return env.get_template("data.md.j2").render(
        front_matter=front_matter({"title": "数据下载", "page_kind": "index"}),
        files=files,
        report_count=len(archive.pages),
        cell_count=downloads.cell_count,
        schema=SCHEMA,
        sqlite_name=SQLITE_FILE,
        version=archive_version(archive, downloads),
        package_file=PACKAGE_FILE,
    )


CHANGE_LABELS = {"added": "新增", "corrected": "更正", "replaced": "更换来源文件", "moved": "改名", "removed": "撤下"}
RECENT_CHANGES = 200  # listed on the page, newest first; the download has every one


def change_days(changes: list[Change]) -> list[dict[str, object]]:
    """Each build day's counts of each kind of change, newest first."""
    days: dict[str, dict[str, object]] = {}
    for change in changes:
        counts = days.setdefault(change.day, {"day": change.day, **dict.fromkeys(CHANGE_KINDS, 0)})
        counts[change.change] = int(counts[change.change]) + 1  # type: ignore[call-overload]
    return [days[day] for day in sorted(days, reverse=True)]


def render_changes_page(
    env: jinja2.Environment, changes: list[Change], link: Callable[[str], str | None], portal: bool = False
) -> str:
    """The changelog; `link(report id)`: the href of a report still published, else None; the
    portal's has no download of its own (its partitions' data pages have theirs)."""
    recent = sorted(changes, key=lambda change: change.day, reverse=True)[:RECENT_CHANGES]  # stable: log order
    return env.get_template("changes.md.j2").render(
        front_matter=front_matter({"title": "更新记录", "page_kind": "index"}),
        csv_name=CHANGES_CSV,
        portal=portal,
        days=change_days(changes),
        total=len(changes),
        listed=len(recent),
        recent=[
            {
                "day": change.day,
                "change": change.change,
                "label": CHANGE_LABELS[change.change],
                "title": change.title,
                "link": None if change.change == "removed" else link(change.report),
                "path": change.path,
                "previous": change.previous,
            }
            for change in recent
        ],
    )


def changes_page_link(archive: Archive) -> Callable[[str], str | None]:
    """Links from the changelog to the reports this site publishes."""
    published = {page.path.removesuffix(".md") for page in archive.pages}
    return lambda report: href_between(CHANGES, report + ".md") if report in published else None
