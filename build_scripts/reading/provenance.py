"""Where a report was published: the address, the date it was retrieved and its 索引号.

Readers take what a page says about itself (provenance.origin = "page" or "crawl"); the
maintainer may add or correct it in a sidecar file beside the source (`<file>.meta.yaml`) or in
`overrides.yaml`. Every value is checked: an address must be http(s), a date YYYY-MM-DD.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from ..model import Finding, Provenance, Report, Severity

SIDECAR_SUFFIX = ".meta.yaml"
MAX_SIDECAR_BYTES = 64 * 1024
URL = re.compile(r"^https?://[^\s<>\"'`]+$")
INDEX_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/_.\-－—]{0,80}$")
FIELDS = ("url", "retrieved", "index_number", "published")


DAY_IN_TEXT = re.compile(r"((?:19|20)\d{2})[-./年](\d{1,2})[-./月](\d{1,2})")


def http_url(value: str | None) -> str | None:
    """The value, when it is an http(s) address with nothing a link could break out with."""
    text = (value or "").strip()
    return text if URL.match(text) else None


def day_in(text: str | None) -> str | None:
    """The first date written in a text (2025-03-10 15:35, 2025年3月10日), as YYYY-MM-DD."""
    match = DAY_IN_TEXT.search(text or "")
    if not match:
        return None
    year, month, day = (int(part) for part in match.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year}-{month:02d}-{day:02d}"


def first_of(values: Iterable[str | None]) -> str | None:
    return next((value for value in values if value), None)


def checked_url(value: Any) -> str:
    url = http_url(value) if isinstance(value, str) else None
    if url is None:
        raise ValueError("must be an http:// or https:// address")
    return url


def checked_day(value: Any) -> str:
    text = value.isoformat() if isinstance(value, date) else str(value)
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise ValueError("must be a date written YYYY-MM-DD") from None


def checked_index_number(value: Any) -> str:
    if not isinstance(value, str | int) or not INDEX_NUMBER.match(str(value).strip()):
        raise ValueError("must be an 索引号 such as 11350128MB1234567X/2025-00012")
    return str(value).strip()


CHECKERS = {
    "url": checked_url,
    "retrieved": checked_day,
    "index_number": checked_index_number,
    "published": checked_day,
}


class PlainLoader(yaml.SafeLoader):
    """The safe loader without timestamps: a date stays the text it was written as, so that one
    impossible date (2024-02-30) is one invalid field, not an unreadable file. Aliases (`*name`)
    are refused: a few hundred bytes of them expand to gigabytes ("billion laughs")."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed here", mark)
        return super().compose_node(parent, index)


PlainLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_plain_yaml(text: str) -> Any:
    return yaml.load(text, Loader=PlainLoader)


def sidecar_path(source: Path) -> Path:
    return source.with_name(source.name + SIDECAR_SUFFIX)


def is_sidecar(path: Path) -> bool:
    return path.name.endswith(SIDECAR_SUFFIX)


def sidecar_source(sidecar: Path) -> Path:
    """The source file a sidecar describes (report.pdf for report.pdf.meta.yaml)."""
    return sidecar.with_name(sidecar.name.removesuffix(SIDECAR_SUFFIX))


def checked_fields(entry: Any, where: str) -> tuple[dict[str, str], list[str]]:
    """The valid provenance fields of a mapping, and a problem for each invalid one."""
    if not isinstance(entry, dict):
        return {}, [f"{where}: expected a mapping of {', '.join(FIELDS)}"]
    values: dict[str, str] = {}
    problems = []
    for name, value in entry.items():
        if name not in CHECKERS:
            problems.append(f"{where}: unknown field {name!r} (known: {', '.join(FIELDS)})")
            continue
        try:
            values[str(name)] = CHECKERS[name](value)
        except ValueError as error:
            problems.append(f"{where}: {name} {error}; not applied")
    return values, problems


def read_sidecar(source: Path) -> tuple[dict[str, str], list[str]]:
    """The provenance the maintainer wrote beside a source, if any, and what was wrong with it."""
    path = sidecar_path(source)
    if not path.is_file():
        return {}, []
    if path.stat().st_size > MAX_SIDECAR_BYTES:
        return {}, [f"{path.name}: larger than {MAX_SIDECAR_BYTES // 1024} KB; not read"]
    try:
        data = load_plain_yaml(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError, OSError, ValueError) as error:  # ValueError: 2024-02-30
        return {}, [f"{path.name} cannot be read: {error}"]
    return checked_fields(data, path.name)


def with_fields(provenance: Provenance, values: dict[str, str], origin: str) -> Provenance:
    """The provenance with the given fields set, its origin naming who set them."""
    if not values:
        return provenance
    origins = [part for part in (provenance.origin, origin) if part]
    return replace(provenance, **values, origin="+".join(dict.fromkeys(origins)))


def apply_sidecar(report: Report, source: Path) -> None:
    """Add the sidecar's provenance to a report just read; its problems become findings."""
    values, problems = read_sidecar(source)
    report.provenance = with_fields(report.provenance, values, "sidecar")
    report.add_findings([Finding("provenance-invalid", Severity.WARNING, problem) for problem in problems])
