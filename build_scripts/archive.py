"""Arrange the reports of a build into the archive: page paths, agencies, the region tree, years.

Paths are stable and ASCII: they depend only on a report's own division code, agency name and
year, never on which other reports exist (except two copies of the same agency-year, which are
told apart by their content hash).
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from dataclasses import dataclass, field

from .model import Finding, Region, Report, Severity
from .regions import PLACEHOLDER_NAMES, load_divisions
from .slugs import pinyin_slug

UNRESOLVED = "unresolved"
UNRESOLVED_NAME = "地区未确定"


@dataclass(frozen=True)
class ReportPage:
    """A report and where it lives in the site."""

    report: Report
    path: str  # Markdown page, relative to the content folder
    agency_id: str

    @property
    def data_path(self) -> str:
        return posixpath.splitext(self.path)[0] + ".json"

    @property
    def original_path(self) -> str:
        """Where the published source file is copied, beside the page (…/2024.pdf)."""
        return posixpath.splitext(self.path)[0] + posixpath.splitext(self.report.source.path)[1].lower()


@dataclass
class AgencyEntry:
    id: str
    name: str
    region: Region
    pages: list[ReportPage] = field(default_factory=list)

    @property
    def path(self) -> str:
        return f"agencies/{self.id}.md"


@dataclass
class RegionEntry:
    code: str
    name: str
    level: str  # "province" | "city" | "county" | "unresolved"
    parent: str | None
    children: list[str] = field(default_factory=list)
    agency_ids: list[str] = field(default_factory=list)
    report_count: int = 0

    @property
    def path(self) -> str:
        return f"regions/{self.code}.md"


@dataclass
class Archive:
    pages: list[ReportPage]
    agencies: dict[str, AgencyEntry]
    regions: dict[str, RegionEntry]
    years: dict[int, list[ReportPage]]

    @property
    def provinces(self) -> list[RegionEntry]:
        return [entry for entry in self.regions.values() if entry.parent is None]


def region_code(region: Region) -> str:
    return region.code if region.resolved and region.code else UNRESOLVED


def region_chain(region: Region) -> list[tuple[str, str, str]]:
    """(code, name, level) from province down to the agency's own division, placeholders left out."""
    if not region.resolved or not region.code:
        return [(UNRESOLVED, UNRESOLVED_NAME, UNRESOLVED)]
    divisions = load_divisions()
    chain = divisions.ancestors(divisions.by_code[region.code])
    return [(d.code, d.name, d.level) for d in reversed(chain) if d.name not in PLACEHOLDER_NAMES]


def agency_short_name(agency: str, region: Region) -> str:
    """The agency name without the place names it starts with (伊川县城市管理局 → 城市管理局)."""
    names = sorted((name for _, name, _ in region_chain(region)), key=len, reverse=True)
    stripped = True
    while stripped:
        stripped = False
        for name in names:
            if agency.startswith(name) and len(agency) > len(name):
                agency = agency[len(name) :]
                stripped = True
    return agency


def assign_agency_ids(reports: list[Report]) -> dict[tuple[str, str], str]:
    """An id per (division code, agency name); homophones in one division get -2, -3 … by name order."""
    keys = sorted({(region_code(r.region), r.agency) for r in reports})
    taken: dict[str, int] = defaultdict(int)
    ids: dict[tuple[str, str], str] = {}
    regions = {(region_code(r.region), r.agency): r.region for r in reports}
    for code, agency in keys:
        base = f"{code}-{pinyin_slug(agency_short_name(agency, regions[(code, agency)]))}"
        taken[base] += 1
        ids[(code, agency)] = base if taken[base] == 1 else f"{base}-{taken[base]}"
    return ids


def plan_pages(reports: list[Report]) -> list[ReportPage]:
    """Every report's page; a second copy of an agency-year is named by its hash and flagged."""
    ids = assign_agency_ids(reports)
    pages: list[ReportPage] = []
    seen: set[str] = set()
    for report in sorted(reports, key=lambda r: (region_code(r.region), r.agency, r.year or 0, r.source.path)):
        agency_id = ids[(region_code(report.region), report.agency)]
        code, slug = agency_id.split("-", 1)
        path = f"reports/{code}/{slug}/{report.year}.md"
        if path in seen:
            path = f"reports/{code}/{slug}/{report.year}-{report.source.sha256[:8]}.md"
            message = f"another source already gives {report.agency} {report.year}; published as a second copy"
            report.findings.append(Finding("duplicate-report", Severity.WARNING, message))
        seen.add(path)
        pages.append(ReportPage(report=report, path=path, agency_id=agency_id))
    return pages


def add_region_chain(regions: dict[str, RegionEntry], region: Region) -> RegionEntry:
    """Make sure every level of a region has an entry; return the lowest one."""
    parent: str | None = None
    entry: RegionEntry | None = None
    for code, name, level in region_chain(region):
        entry = regions.setdefault(code, RegionEntry(code=code, name=name, level=level, parent=parent))
        if parent is not None and code not in regions[parent].children:
            regions[parent].children.append(code)
        entry.report_count += 1
        parent = code
    assert entry is not None
    return entry


def build_archive(reports: list[Report]) -> Archive:
    pages = plan_pages(reports)
    agencies: dict[str, AgencyEntry] = {}
    regions: dict[str, RegionEntry] = {}
    years: dict[int, list[ReportPage]] = defaultdict(list)
    for page in pages:
        report = page.report
        agency = agencies.setdefault(page.agency_id, AgencyEntry(page.agency_id, report.agency, report.region))
        agency.pages.append(page)
        lowest = add_region_chain(regions, report.region)
        if page.agency_id not in lowest.agency_ids:
            lowest.agency_ids.append(page.agency_id)
        years[report.year or 0].append(page)
    for agency in agencies.values():
        agency.pages.sort(key=lambda p: (-(p.report.year or 0), p.path))
    for entry in regions.values():
        entry.children.sort()
        entry.agency_ids.sort(key=lambda agency_id: (agencies[agency_id].name, agency_id))
    for year_pages in years.values():
        year_pages.sort(key=lambda p: (region_code(p.report.region), p.report.agency, p.path))
    return Archive(
        pages=pages,
        agencies=dict(sorted(agencies.items())),
        regions=dict(sorted(regions.items())),
        years=dict(sorted(years.items(), reverse=True)),
    )


def relative_link(from_page: str, to_page: str) -> str:
    """A Markdown link target from one content page to another (MkDocs turns it into a URL)."""
    return posixpath.relpath(to_page, posixpath.dirname(from_page) or ".")
