"""The maintainer's corrections: `overrides.yaml` in the source folder sets any metadata field of a
report, and links agencies that were renamed. Overrides win over what was parsed, and every one
applied is listed in the build report; a bad entry is reported and skipped, never fatal.

    sources:
      002_7e335010be635ecf.txt:        # path relative to the source folder
        region: "350505"               # division code
        publication_date: "2021-01-12"
    agencies:                          # agency id → the id it continues (renamed agency)
      410329-kejiju: 410329-kejigongxinju
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..model import Contact, Finding, Report, Severity
from .metadata import KINDS_BY_SLUG, derive_kind
from .provenance import checked_day, checked_index_number, checked_url, load_plain_yaml, with_fields
from .regions import division_to_region, load_divisions, resolve_region

OVERRIDES_NAME = "overrides.yaml"
# As archive.py makes them: the division code (or "unresolved"), then the agency name's pinyin.
AGENCY_ID = re.compile(r"^(?:\d{6}|unresolved)-[a-z0-9]+(?:-[a-z0-9]+)*$")
REGION_FINDINGS = ("region-unknown", "region-ambiguous")


@dataclass(frozen=True)
class MetadataOverride:
    """The fields the maintainer sets for one source; None leaves the parsed value."""

    title: str | None = None
    agency: str | None = None
    year: int | None = None
    publication_date: str | None = None
    region: str | None = None  # 6-digit division code
    kind: str | None = None  # slug of an agency kind
    format: str | None = None  # "2019" | "2021"
    agency_id: str | None = None
    contact: Contact | None = None
    url: str | None = None  # provenance: where the report was published
    retrieved: str | None = None
    index_number: str | None = None

    def set_fields(self) -> list[str]:
        return [f.name for f in dataclasses.fields(self) if getattr(self, f.name) is not None]


@dataclass
class Overrides:
    sources: dict[str, MetadataOverride] = field(default_factory=dict)
    agency_links: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # entries that could not be used, with why


def checked_text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("must be non-empty text")
    return value.strip()


def checked_year(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1990 <= value <= 2100:
        raise ValueError("must be a year such as 2023")
    return value


def checked_region(value: Any) -> str:
    code = str(value)
    if code not in load_divisions().by_code:
        raise ValueError(f"{code!r} is not a division code in the shipped list")
    return code


def checked_kind(value: Any) -> str:
    if value not in KINDS_BY_SLUG:
        raise ValueError(f"must be one of {', '.join(sorted(KINDS_BY_SLUG))}")
    return str(value)


def checked_format(value: Any) -> str:
    if str(value) not in ("2019", "2021"):
        raise ValueError('must be "2019" or "2021"')
    return str(value)


def checked_agency_id(value: Any) -> str:
    if not isinstance(value, str) or not AGENCY_ID.match(value):
        raise ValueError("must be an agency id as in its URL, e.g. 410329-kejigongxinju")
    return value


def checked_contact(value: Any) -> Contact:
    names = {f.name for f in dataclasses.fields(Contact)}
    if not isinstance(value, dict) or not value or set(value) - names:
        raise ValueError(f"must be a mapping with some of {', '.join(sorted(names))}")
    return Contact(**{name: checked_text(text) for name, text in value.items()})


CHECKERS = {
    "title": checked_text,
    "agency": checked_text,
    "year": checked_year,
    "publication_date": checked_day,
    "region": checked_region,
    "kind": checked_kind,
    "format": checked_format,
    "agency_id": checked_agency_id,
    "contact": checked_contact,
    "url": checked_url,
    "retrieved": checked_day,
    "index_number": checked_index_number,
}
PROVENANCE_FIELDS = ("url", "retrieved", "index_number")


def entry_to_override(source: str, entry: Any, problems: list[str]) -> MetadataOverride:
    """The valid fields of one source's entry; each invalid one becomes a problem."""
    if not isinstance(entry, dict):
        problems.append(f"overrides for {source}: expected a mapping of fields")
        return MetadataOverride()
    values: dict[str, Any] = {}
    for name, value in entry.items():
        if name not in CHECKERS:
            problems.append(f"overrides for {source}: unknown field {name!r} (known: {', '.join(CHECKERS)})")
            continue
        try:
            values[name] = CHECKERS[name](value)
        except ValueError as error:
            problems.append(f"overrides for {source}: {name} {error}; not applied")
    return MetadataOverride(**values)


def data_to_overrides(data: Any) -> Overrides:
    overrides = Overrides()
    if data is None:
        return overrides
    if not isinstance(data, dict) or set(data) - {"sources", "agencies"}:
        overrides.problems.append("overrides file: expected top-level keys 'sources' and/or 'agencies'")
        return overrides
    for source, entry in sorted((data.get("sources") or {}).items()):
        overrides.sources[str(source)] = entry_to_override(str(source), entry, overrides.problems)
    for old_id, new_id in sorted((data.get("agencies") or {}).items()):
        try:
            overrides.agency_links[checked_agency_id(old_id)] = checked_agency_id(new_id)
        except ValueError as error:
            overrides.problems.append(f"overrides: agency link {old_id} → {new_id}: {error}; not applied")
    return overrides


def load_overrides(path: Path) -> Overrides:
    """The overrides file, or no overrides when it does not exist; problems are collected, not raised."""
    if not path.exists():
        return Overrides()
    if not path.is_file():
        return Overrides(problems=[f"overrides file {path.name} is not a file; not read"])
    try:
        data = load_plain_yaml(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError, ValueError, OSError) as error:  # ValueError: 2021-02-30
        return Overrides(problems=[f"overrides file {path.name} cannot be read: {error}"])
    return data_to_overrides(data)


def report_context(report: Report) -> str:
    """The text that may name the report's place: title, cover notice and preamble."""
    cover = report.cover_notice.lines if report.cover_notice else []
    return "\n".join([report.title, *cover, *(block.text for block in report.preamble)])


# How the maintainer's corrections are named on the report page (维护者更正).
FIELD_LABELS = {
    "title": "标题",
    "agency": "机构名称",
    "year": "报告年度",
    "publication_date": "印发日期",
    "format": "报告格式",
    "agency_id": "机构编号",
    "contact": "联系方式",
    "region": "地区",
    "kind": "机构类型",
    "url": "原文链接",
    "retrieved": "获取日期",
    "index_number": "索引号",
}


def shown(value: Any) -> str:
    if value is None:
        return "无"
    if isinstance(value, Contact):
        return "、".join(str(v) for v in dataclasses.asdict(value).values() if v)
    return str(value)


def apply_override(report: Report, override: MetadataOverride) -> None:
    """Set the overridden fields on the report, re-derive what depends on them, and note each one."""
    old = {name: getattr(report, name, getattr(report.provenance, name, None)) for name in override.set_fields()}
    provenance = {name: getattr(override, name) for name in PROVENANCE_FIELDS if getattr(override, name) is not None}
    report.provenance = with_fields(report.provenance, provenance, "override")
    for name in ("title", "agency", "year", "publication_date", "format", "agency_id", "contact"):
        if getattr(override, name) is not None:
            setattr(report, name, getattr(override, name))
    if override.region is not None:
        report.region = division_to_region(load_divisions().by_code[override.region], load_divisions())
    elif override.agency is not None:
        report.region, region_findings = resolve_region(report.agency, report_context(report))
        report.replace_findings(REGION_FINDINGS, region_findings)
    if override.region is not None:
        old["region"] = old["region"].code if old["region"] and old["region"].resolved else "未确定"
        report.replace_findings(REGION_FINDINGS, [])
    report.kind = override.kind or derive_kind(report.agency, report.region)
    for name, previous in old.items():
        value = getattr(override, name)
        message = f"{FIELD_LABELS.get(name, name)}更正为“{shown(value)}”（原文读取为“{shown(previous)}”）"
        report.add_findings([Finding("override", Severity.INFO, message)])
    report.overridden = override.set_fields()


def apply_override_if_any(report: Report, overrides: Overrides) -> None:
    override = overrides.sources.get(report.source.path)
    if override is not None and override.set_fields():
        apply_override(report, override)


def unmatched_problems(overrides: Overrides, sources_read: set[str]) -> list[str]:
    """The problems of the file itself, and one for each entry that matches no source read."""
    unmatched = [
        f"overrides for {source}: no such source report was read; not applied"
        for source in overrides.sources
        if source not in sources_read
    ]
    return overrides.problems + unmatched


def apply_overrides(reports: list[Report], overrides: Overrides) -> list[str]:
    """Apply every source's overrides; return the problems, including entries that match no source."""
    for report in reports:
        apply_override_if_any(report, overrides)
    return unmatched_problems(overrides, {report.source.path for report in reports})
