"""An archive published as several sites: partitions by region, and a national portal.

One GitHub Pages site holds at most 1 GB, about 10,000 reports with text originals (README,
Publishing). A larger archive is cut by region into partitions, each a whole site of its reports,
and a portal: the national home, overview, browse entry points and the search over every report.
The plan is a YAML file the maintainer writes (`build --partitions partitions.yaml`):

    portal: {title: 全国, site_url: https://example.github.io/archive/}
    partitions:
      - {name: north, title: 华北, regions: ["11", "12", "13", "14", "15"]}
      - {name: rest, title: 其他地区, rest: true}

A partition takes the reports whose division code starts with one of its prefixes (the longest
prefix wins, so "1301" can be cut out of "13"); the partition marked `rest` takes every other
report. Without a `site_url`, sites link to each other as siblings (`../north/`): right when they
are served side by side, as `build` writes them (site/<name>/) and as GitHub publishes the project
sites of one account (<account>.github.io/<repository>/).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urljoin

import yaml

from .model import Report
from .outputs import BuildError
from .site.archive import region_code
from .site.urls import page_url

PORTAL_NAME = "portal"
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")  # a folder name and a URL part, as a repository's


@dataclass(frozen=True)
class SiteAddress:
    """Where one of the sites is published: its folder name below the site root, and its URL when
    known (else its siblings reach it as ../name/)."""

    name: str
    title: str
    site_url: str = ""

    def base_from(self, page: str | None = None) -> str:
        """The URL of this site's root, from a page of a sibling site (its content path; None: from
        that site's root)."""
        if self.site_url:
            return self.site_url if self.site_url.endswith("/") else self.site_url + "/"
        up = posixpath.relpath(".", page_url(page) or ".") if page else "."
        return posixpath.normpath(posixpath.join(up, "..", self.name)) + "/"

    def page_from(self, page: str | None, target: str) -> str:
        """The URL of a page of this site (its content path), from a page of a sibling site."""
        return self.base_from(page) + page_url(target)


@dataclass(frozen=True)
class Partition(SiteAddress):
    regions: tuple[str, ...] = ()  # division-code prefixes
    rest: bool = False  # takes every report no other partition takes


@dataclass(frozen=True)
class PartitionPlan:
    portal: SiteAddress
    partitions: tuple[Partition, ...]

    def addressed(self, portal_url: str) -> PartitionPlan:
        """The plan with the portal at `portal_url` where the file gives it no address (the Pages
        workflow's ARCHIVE_SITE_URL), and each partition without one beside it, at ../name/."""
        url = self.portal.site_url or portal_url
        if not url:
            return self
        url = url if url.endswith("/") else url + "/"
        partitions = tuple(
            partition if partition.site_url else replace(partition, site_url=urljoin(url, f"../{partition.name}/"))
            for partition in self.partitions
        )
        return PartitionPlan(replace(self.portal, site_url=url), partitions)

    def partition_of(self, code: str) -> Partition | None:
        """The partition of a report of this division code (or "unresolved")."""
        best: tuple[int, Partition] | None = None
        for partition in self.partitions:
            for prefix in partition.regions:
                if code.startswith(prefix) and (best is None or len(prefix) > best[0]):
                    best = (len(prefix), partition)
        if best:
            return best[1]
        return next((partition for partition in self.partitions if partition.rest), None)

    def assign(self, reports: Sequence[Report]) -> tuple[dict[str, list[Report]], list[Report]]:
        """Each partition's reports (in the given order), and the reports no partition takes."""
        assigned: dict[str, list[Report]] = {partition.name: [] for partition in self.partitions}
        left: list[Report] = []
        for report in reports:
            partition = self.partition_of(region_code(report.region))
            if partition is None:
                left.append(report)
            else:
                assigned[partition.name].append(report)
        return assigned, left


def text_field(entry: dict, name: str, where: str) -> str:
    value = entry.get(name, "")
    if not isinstance(value, str):
        raise BuildError(f"{where}: {name} must be text")
    return value.strip()


def site_name(entry: dict, where: str, default: str = "") -> str:
    name = text_field(entry, "name", where) or default
    if not NAME_PATTERN.match(name):
        raise BuildError(f"{where}: name {name!r} must be lower-case letters, digits and '-' (a folder and URL part)")
    return name


def read_partition(entry: object, number: int) -> Partition:
    where = f"partitions[{number}]"
    if not isinstance(entry, dict):
        raise BuildError(f"{where} must be a mapping (name, title, regions or rest)")
    regions = entry.get("regions", [])
    if not isinstance(regions, list) or not all(isinstance(code, str | int) for code in regions):
        raise BuildError(f'{where}: regions must be a list of division-code prefixes, such as "11" or "1301"')
    prefixes = tuple(str(code).strip() for code in regions)
    if any(not re.fullmatch(r"\d{1,6}", prefix) for prefix in prefixes):
        raise BuildError(f"{where}: a region prefix is one to six digits of a division code")
    rest = entry.get("rest", False) is True
    if not prefixes and not rest:
        raise BuildError(f"{where}: give its regions, or mark it `rest: true`")
    name = site_name(entry, where)
    title = text_field(entry, "title", where) or name
    return Partition(name, title, text_field(entry, "site_url", where), prefixes, rest)


def plan_from_data(data: object) -> PartitionPlan:
    """The plan in a partitions file's data; a BuildError says what is wrong with it."""
    if not isinstance(data, dict) or not isinstance(data.get("partitions"), list) or not data["partitions"]:
        raise BuildError("a partitions file holds `partitions:`, a list of at least one partition")
    portal_entry = data.get("portal") or {}
    if not isinstance(portal_entry, dict):
        raise BuildError("portal: must be a mapping (title, site_url)")
    portal = SiteAddress(
        site_name(portal_entry, "portal", PORTAL_NAME),
        text_field(portal_entry, "title", "portal") or "全国",
        text_field(portal_entry, "site_url", "portal"),
    )
    partitions = tuple(read_partition(entry, number) for number, entry in enumerate(data["partitions"]))
    names = [portal.name, *(partition.name for partition in partitions)]
    if len(set(names)) != len(names):
        raise BuildError(f"every site needs a name of its own: {', '.join(sorted(names))}")
    if sum(partition.rest for partition in partitions) > 1:
        raise BuildError("at most one partition takes the rest (`rest: true`)")
    prefixes = [prefix for partition in partitions for prefix in partition.regions]
    twice = sorted({prefix for prefix in prefixes if prefixes.count(prefix) > 1})
    if twice:
        raise BuildError(f"a region prefix belongs to one partition only: {', '.join(twice)}")
    return PartitionPlan(portal, partitions)


def load_partition_plan(path: Path) -> PartitionPlan:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise BuildError(f"the partitions file {path} cannot be read: {error}") from error
    return plan_from_data(data)
