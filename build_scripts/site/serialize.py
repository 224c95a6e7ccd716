"""Front matter and JSON of a report, byte-stable: YAML as the safe dumper writes it (from events,
held equal to it by a test), and JSON with sorted keys.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
from enum import Enum
from typing import Any

import yaml

from ..model import Cell, CellStatus, Report, StatTable
from .archive import (
    ReportPage,
)
from .labels import thousands

# The safe dumper, with libyaml's emitter when PyYAML has it.
SAFE_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def front_matter(data: dict[str, Any]) -> str:
    """YAML front matter as the safe dumper writes it (`yaml.dump(data, Dumper=SAFE_DUMPER,
    allow_unicode=True, sort_keys=False, default_flow_style=False, width=1000)`), byte for byte
    (tests/test_mkdocs_hooks.py holds them equal for any text), so no report text can break out
    of it: its emitter, given the events its serializer would give it. Made straight from the plain data
    (dicts, lists, text, numbers), without safe_dump's node graph and its representer, which took
    three times as long (a report's statistics are hundreds of scalars)."""
    events: list[yaml.Event] = [yaml.StreamStartEvent(), yaml.DocumentStartEvent(explicit=False)]
    yaml_events_into(data, events)
    events += [yaml.DocumentEndEvent(explicit=False), yaml.StreamEndEvent()]
    return yaml.emit(events, Dumper=SAFE_DUMPER, allow_unicode=True, width=1000)


def to_plain(value: Any) -> Any:
    """Dataclasses and enums as plain JSON/YAML values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list | tuple):
        return [to_plain(item) for item in value]
    return value


@functools.cache
def field_names(kind: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(kind))


# A table's cells in the JSON: one array each, its values in this order (the table's `cell_fields`).
CELL_FIELDS = field_names(Cell)


def cell_array(cell: Cell) -> list[Any]:
    return [getattr(cell, name) for name in CELL_FIELDS]


def dataclass_fields(value: Any) -> dict[str, Any]:
    """One level of a dataclass for the JSON encoder, which calls back for the levels below. A
    table's cells are arrays under the names in its `cell_fields`: a third of the bytes of an
    object per cell (keys written hundreds of times a report), and a third of the time to write."""
    if isinstance(value, StatTable):
        fields = {name: getattr(value, name) for name in field_names(StatTable)}
        return {**fields, "cells": [cell_array(cell) for cell in value.cells], "cell_fields": CELL_FIELDS}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {name: getattr(value, name) for name in field_names(type(value))}
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def report_json(report: Report, pretty: bool = False) -> str:
    """Everything parsed from one report, as stable, sorted, compact JSON.

    Compact because Python's JSON encoder is only fast without indentation (C encoder), and the
    file is a download, not something people read raw; StrEnums encode as their string values.
    `pretty` (convert --pretty-json, the golden files) indents it, a cell to a line, for diffs."""
    if pretty:
        text = json.dumps(report, default=dataclass_fields, ensure_ascii=False, sort_keys=True, indent=1)
        return CELL_LINES.sub(lambda m: LINE_BREAK.sub(" ", m.group(0)), text) + "\n"
    return (
        json.dumps(report, default=dataclass_fields, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
    )


# An array of scalars that json.dumps(indent=1) spread over lines: a cell's values, on one line.
LINE_BREAK = re.compile(r"\n\s*")  # never inside a JSON string, which escapes its newlines
CELL_LINES = re.compile(r'\[\n(?:\s*(?:"(?:[^"\\\n]|\\.)*"|[-\w.+]+),?\n)+\s*\]')


TABLE_KEYS = {"二": "table_2", "三": "table_3", "四": "table_4"}


def statistics_front_matter(table: StatTable) -> dict[str, Any]:
    """A table's numbers as row → column → value; blank and uncertain cells are null, and the
    uncertain ones are listed, so that no reader mistakes a guess for a printed number."""
    values: dict[str, dict[str, int | float | None]] = {}
    for cell in table.cells:
        values.setdefault(cell.row, {})[cell.column] = cell.value if cell.status == CellStatus.NUMBER else None
    uncertain = [f"{cell.row}.{cell.column}" for cell in table.cells if cell.status == CellStatus.UNCERTAIN]
    return {"format": table.format, "values": values, "uncertain": uncertain}


def report_description(report: Report) -> str:
    """One sentence for search engines and link previews: whose report, which year, the headline
    number when it was read."""
    year = f" {report.year} 年度" if report.year else ""
    text = f"{report.agency or '未知机构'}{year}政府信息公开工作年度报告的全文、统计表和数据"
    table = report.statistic("三")
    received = table.value("received", "total") if table else None
    if isinstance(received, int):
        text += f"：本年新收政府信息公开申请 {thousands(received)} 件"
    return text + "。"


def report_front_matter(page: ReportPage, description: str) -> dict[str, Any]:
    report = page.report
    return {
        # What the theme's templates use (main.html and its partials): all MkDocs parses.
        "title": report.title,
        "page_kind": "report",
        "agency": report.agency,
        "year": report.year,
        "description": description,  # the page's meta description: report_description
        "sha256": report.source.sha256,  # for the citation line
        # From here on for readers of content/ only: the site build skips these (mkdocs_hooks.py).
        "source": to_plain(report.source),
        "agency_id": page.agency_id,
        "format": report.format,
        "publication_date": report.publication_date,
        "kind": report.kind,
        "region": to_plain(report.region),
        "contact": to_plain(report.contact),
        "overridden": report.overridden,
        "provenance": to_plain(report.provenance),
        "sections": [{"number": s.number, "title": s.title} for s in report.sections],
        "checks_failed": [f.code for f in report.failed_checks],
        "findings": [{"code": f.code, "severity": f.severity.value} for f in report.findings],
    }


STR_TAG = "tag:yaml.org,2002:str"


RESOLVER = yaml.resolver.Resolver()


@functools.lru_cache(maxsize=65536)
def string_implicit(text: str) -> tuple[bool, bool]:
    """Whether the text may be written plain (or quoted) and still read back as a string: the
    question PyYAML's serializer asks of every scalar (so '2019' is quoted, `total` is not)."""
    return (
        RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) == STR_TAG,
        RESOLVER.resolve(yaml.ScalarNode, text, (False, True)) == STR_TAG,
    )


def scalar_text(value: str | int | float | None) -> tuple[str, tuple[bool, bool]]:
    """A scalar as SafeRepresenter writes it, and its implicit flags as the serializer sets them."""
    if isinstance(value, str):
        return value, string_implicit(value)
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value], (True, False)
    if isinstance(value, int):
        return str(value), (True, False)
    if isinstance(value, float):
        return yaml.SafeDumper(None).represent_float(value).value, (True, False)
    raise TypeError(f"{type(value).__name__} is not plain data for front matter")


MAPPING_START = yaml.MappingStartEvent(None, None, True, flow_style=False)
MAPPING_END = yaml.MappingEndEvent()
SEQUENCE_START = yaml.SequenceStartEvent(None, None, True, flow_style=False)
SEQUENCE_END = yaml.SequenceEndEvent()
SHARED_TEXT_LENGTH = 40  # keys and labels; longer text (a title) is seldom written twice


def scalar_event(value: str | int | float | None) -> yaml.ScalarEvent:
    if isinstance(value, float) or (isinstance(value, str) and len(value) > SHARED_TEXT_LENGTH):
        return new_scalar_event(value)  # floats not shared: 0.0 and -0.0 are equal keys of a cache
    return shared_scalar_event(value, type(value))


def new_scalar_event(value: str | int | float | None) -> yaml.ScalarEvent:
    text, implicit = scalar_text(value)
    return yaml.ScalarEvent(None, None, implicit, text)


@functools.lru_cache(maxsize=4096)
def shared_scalar_event(value: str | int | None, kind: type) -> yaml.ScalarEvent:
    """One event per distinct scalar, shared (the emitters only read events): the row and column
    keys and the small numbers recur in every table. `kind` keeps 1 and True apart."""
    return new_scalar_event(value)


def yaml_events_into(value: Any, events: list[yaml.Event]) -> None:
    """The events of safe_dump's serializer for plain data, block style (the emitter itself
    writes an empty collection in flow style, as for safe_dump)."""
    if isinstance(value, dict):
        events.append(MAPPING_START)
        for key, item in value.items():
            events.append(scalar_event(key))
            yaml_events_into(item, events)
        events.append(MAPPING_END)
    elif isinstance(value, list):
        events.append(SEQUENCE_START)
        for item in value:
            yaml_events_into(item, events)
        events.append(SEQUENCE_END)
    else:
        events.append(scalar_event(value))


def statistics_yaml(report: Report) -> str:
    """The last key of a report's front matter, dumped on its own while the report is prepared.

    Last, with the other keys for readers of content/ that the site build skips. The front
    matter is this dump appended to the dump of the other keys: two mappings of distinct top-level
    keys, both written by PyYAML's emitter, make one mapping."""
    return front_matter({"statistics": {TABLE_KEYS[t.number]: statistics_front_matter(t) for t in report.statistics}})
