"""The downloads described so that they can be cited and read by programs: `data/datapackage.json`,
a Frictionless Data Package (https://datapackage.org) listing every download with its size, its
SHA-256 and, for the CSV files, every column with its type and meaning.

The package carries the archive's version: the day the newest report joined the archive (the
ledger's day, reading/ledger.py) and the first twelve hex digits of a hash of every download's
bytes, e.g. `2026-12-07+3fa2b1c4d5e6`. Both come from the inputs, never from the clock, so the
same archive always has the same version, and any change to any number changes it.
"""

from __future__ import annotations

import hashlib
import json

from .archive import Archive
from .datasets import (
    CELL_KEYS,
    CELLS_CSV,
    CHANGE_COLUMNS,
    CHANGES_CSV,
    DOWNLOADS,
    JSON_FILE,
    REPORT_FIELDS,
    SCHEMA,
    SQLITE_FILE,
    WIDE_CSV,
    Downloads,
)
from .urls import DATA_DIR

PACKAGE_FILE = "datapackage.json"
PACKAGE_NAME = "zhengfu-xinxi-gongkai-niandu-baogao"
LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0",
}
FIELD_TYPES = {"TEXT": "string", "INTEGER": "integer", "NUMERIC": "number"}
# The long CSV's columns (datasets.CELL_COLUMNS), typed and described.
CELL_FIELDS = (
    ("report_id", "string", "报告编号（见 archive-reports.csv）"),
    ("table", "string", "表：二、三或四"),
    ("row", "string", "行键（见数据说明）"),
    ("column", "string", "列键（见数据说明）"),
    ("value", "number", "数值；空白或存疑时为空"),
    ("blank", "integer", "1：报告此格空白（未填报，不同于 0）"),
    ("uncertain", "integer", "1：未能可靠读出此格"),
)


def archive_date(archive: Archive) -> str:
    """The day the newest report joined the archive (YYYY-MM-DD; 0000-00-00 with none known)."""
    return max((page.report.added for page in archive.pages if page.report.added), default="0000-00-00")


def content_hash(files: dict[str, bytes]) -> str:
    """A SHA-256 over every download, by name and bytes, in name order."""
    digest = hashlib.sha256()
    for name, data in sorted(files.items()):
        digest.update(f"{name}\0{len(data)}\0".encode() + hashlib.sha256(data).digest())
    return digest.hexdigest()


def archive_version(archive: Archive, downloads: Downloads) -> str:
    return f"{archive_date(archive)}+{content_hash(downloads.files)[:12]}"


def fields(columns: tuple[tuple[str, str, str], ...]) -> list[dict[str, str]]:
    return [{"name": name, "type": kind, "description": description} for name, kind, description in columns]


def wide_fields() -> list[dict[str, str]]:
    """The wide CSV's columns: the reports' metadata, then one per cell of the forms."""
    metadata = tuple((name, FIELD_TYPES[kind], text) for name, kind, text in REPORT_FIELDS)
    cells = tuple(
        (key.name, "number", f"表{key.table}“{key.row_label}”·“{key.column_label}”（{'、'.join(key.formats)} 年版）")
        for key in CELL_KEYS
    )
    return fields(metadata + cells)


def resources(downloads: Downloads) -> list[dict]:
    """Every download, in the order the data page lists them."""
    described = {download.name: download.description for download in DOWNLOADS}
    extra = {
        WIDE_CSV: {
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8-sig",
            "schema": {"fields": wide_fields()},
        },
        CELLS_CSV: {
            "format": "csv",
            "mediatype": "text/csv",
            "compression": "gz",
            "encoding": "utf-8",
            "schema": {"fields": fields(CELL_FIELDS)},
        },
        JSON_FILE: {"format": "json", "mediatype": "application/json", "compression": "gz", "encoding": "utf-8"},
        CHANGES_CSV: {
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8-sig",
            "schema": {"fields": fields(tuple((name, "string", text) for name, text in CHANGE_COLUMNS))},
        },
        SQLITE_FILE: {
            "format": "sqlite",
            "mediatype": "application/vnd.sqlite3",
            "compression": "gz",
            "sqlite_tables": [{"name": table.name, "description": table.description} for table in SCHEMA],
        },
    }
    listed = []
    for download in DOWNLOADS:
        data = downloads.files[f"{DATA_DIR}/{download.name}"]
        entry = {
            "name": download.name.replace(".", "-"),  # unique, lower-case, as the standard asks
            "path": download.name,
            "description": described[download.name],
            "bytes": len(data),
            "hash": f"sha256:{hashlib.sha256(data).hexdigest()}",
        }
        listed.append(entry | extra[download.name])
    return listed


def datapackage(archive: Archive, downloads: Downloads, site_url: str = "") -> dict:
    version = archive_version(archive, downloads)
    package: dict = {
        "name": PACKAGE_NAME,
        "title": "政府信息公开工作年度报告：统计表数据",
        "description": (
            f"{len(archive.pages):,} 份政府信息公开工作年度报告的表二、表三、表四，逐格解析；"
            "空白（未填报）与 0、存疑的格分开标注。"
        ),
        "version": version,
        "created": f"{archive_date(archive)}T00:00:00Z" if archive_date(archive)[0] != "0" else None,
        "licenses": [LICENSE],
        "resources": resources(downloads),
    }
    if site_url:
        package["homepage"] = site_url
    return {key: value for key, value in package.items() if value is not None}


def datapackage_file(archive: Archive, downloads: Downloads, site_url: str = "") -> dict[str, bytes]:
    """`data/datapackage.json`, by its path below the content folder."""
    text = json.dumps(datapackage(archive, downloads, site_url), ensure_ascii=False, indent=2) + "\n"
    return {f"{DATA_DIR}/{PACKAGE_FILE}": text.encode("utf-8")}
