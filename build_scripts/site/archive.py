"""Arrange the reports of a build into the archive: page paths, agencies, the region tree, years.

Paths are stable and ASCII: they depend only on a report's own division code, agency name and
year, never on which other reports exist (except two copies of the same agency-year, which are
told apart by their content hash, and two agency names of one division that read the same in
pinyin). Every listing page is bounded by the size of one province, city or county, never by the
size of the archive.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ..model import CellStatus, Finding, Region, Report, Severity
from ..reading.changes import Change
from ..reading.metadata import KINDS_BY_SLUG, agency_name_key
from ..reading.regions import UNRESOLVED, agency_short_name, region_chain
from .slugs import pinyin_slug
from .urls import (
    agency_page_path,
    region_page_path,
    report_data_path,
    report_original_path,
    report_page_path,
)


@dataclass(frozen=True)
class ReportPage:
    """A report and where it lives in the site."""

    report: Report
    path: str  # Markdown page, relative to the content folder
    agency_id: str

    @property
    def data_path(self) -> str:
        return report_data_path(self.path)

    @property
    def original_path(self) -> str:
        return report_original_path(self.path, self.report.source.path)


@dataclass
class AgencyEntry:
    """One agency across years. Its name is the one its newest report uses; `names` lists every
    spelling its reports used, newest first (renames the maintainer linked, abbreviations)."""

    id: str
    pages: list[ReportPage] = field(default_factory=list)  # newest first

    @property
    def path(self) -> str:
        return agency_page_path(self.id)

    @property
    def newest(self) -> Report:
        return self.pages[0].report

    @property
    def name(self) -> str:
        return self.newest.agency

    @property
    def region(self) -> Region:
        return self.newest.region

    @property
    def kind(self) -> str:
        return self.newest.kind

    @property
    def names(self) -> list[str]:
        return list(dict.fromkeys(page.report.agency for page in self.pages))

    def neighbours(self, page: ReportPage) -> tuple[ReportPage | None, ReportPage | None]:
        """The report of the nearest earlier and the nearest later year than this page's."""
        year = page.report.year or 0
        earlier = [p for p in self.pages if (p.report.year or 0) < year]
        later = [p for p in self.pages if (p.report.year or 0) > year]
        return (earlier[0] if earlier else None), (later[-1] if later else None)


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
        return region_page_path(self.code)


@dataclass
class Archive:
    pages: list[ReportPage]
    agencies: dict[str, AgencyEntry]
    regions: dict[str, RegionEntry]
    years: dict[int, list[ReportPage]]  # newest year first
    kinds: dict[str, list[str]]  # kind slug → agency ids, in KINDS order
    # Pages whose original is linked at its published address instead of copied beside them, to
    # keep the site within its size budget (site_size.originals_to_link).
    originals_linked: set[str] = field(default_factory=set)
    # The archive's changes, build by build, as far as they concern this site (reading/changes.py).
    changes: list[Change] = field(default_factory=list)

    @property
    def provinces(self) -> list[RegionEntry]:
        return [entry for entry in self.regions.values() if entry.parent is None]


def region_code(region: Region) -> str:
    return region.code if region.resolved and region.code else UNRESOLVED


def province_code(region: Region) -> str:
    return region_chain(region)[0][0]


def listing_group(region: Region) -> tuple[str, str]:
    """(code, name) of the group a report is listed under on year pages: its city, or its province
    for provincial agencies and counties directly under a province. Bounded by one city's size."""
    chain = region_chain(region)
    city = next(((code, name) for code, name, level in chain if level == "city"), None)
    return city or (chain[0][0], chain[0][1])


def agency_identity(report: Report) -> tuple[str, str]:
    """What makes two reports the same agency: the division and the name's key (see agency_name_key)."""
    return region_code(report.region), agency_name_key(agency_short_name(report.agency, report.region))


def assign_agency_ids(reports: list[Report], links: dict[str, str] | None = None) -> dict[str, str]:
    """The agency id of each report (by source path): `<division code>-<pinyin of the name key>`.

    Different names that read the same in pinyin get -2, -3 … in key order. An id the maintainer
    set on a report wins, and links in the overrides file map an old id to the one it continues."""
    keys = sorted({agency_identity(report) for report in reports})
    taken: dict[str, int] = defaultdict(int)
    ids: dict[tuple[str, str], str] = {}
    for code, key in keys:
        base = f"{code}-{pinyin_slug(key)}"
        taken[base] += 1
        ids[(code, key)] = base if taken[base] == 1 else f"{base}-{taken[base]}"
    links = links or {}
    result: dict[str, str] = {}
    for report in reports:
        agency_id = report.agency_id or ids[agency_identity(report)]
        result[report.source.path] = links.get(agency_id, agency_id)
    return result


# Of the forms one report is published in, the page first (the main publication), then its
# attachments; text saved by other tools last.
MEDIA_PREFERENCE = (
    "text/html",
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
)


def copy_preference(report: Report) -> tuple[int, int, int]:
    """Which copy of an agency-year gets the page: the one read with the fewest problems (failed
    checks, uncertain cells), then one that says where it was published, then by its form."""
    problems = len(report.failed_checks) + sum(
        1 for table in report.statistics for cell in table.cells if cell.status == CellStatus.UNCERTAIN
    )
    media = report.source.media_type
    rank = MEDIA_PREFERENCE.index(media) if media in MEDIA_PREFERENCE else len(MEDIA_PREFERENCE)
    return problems, 0 if report.provenance.url else 1, rank


def plan_pages(reports: list[Report], links: dict[str, str] | None = None) -> list[ReportPage]:
    """Every report's page; a second copy of an agency-year is named by its hash and flagged."""
    ids = assign_agency_ids(reports, links)
    pages: list[ReportPage] = []
    seen: set[str] = set()
    order = sorted(reports, key=lambda r: (ids[r.source.path], r.year or 0, copy_preference(r), r.source.path))
    for report in order:
        agency_id = ids[report.source.path]
        code, slug = agency_id.split("-", 1)
        path = report_page_path(code, slug, report.year)
        if path in seen:
            message = f"已有另一份来源文件是{report.agency} {report.year} 年度的报告，本文件作为第二份副本发布"
            report.add_findings([Finding("duplicate-report", Severity.WARNING, message)])
        copy = 1
        while path in seen:  # a second copy, or another byte-identical one: a page of its own
            path = report_page_path(code, slug, report.year, copy_of=report.source.sha256, copy_number=copy)
            copy += 1
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


def newest_first(page: ReportPage) -> tuple[int, str]:
    return -(page.report.year or 0), page.path


def build_archive(reports: list[Report], links: dict[str, str] | None = None) -> Archive:
    pages = plan_pages(reports, links)
    agencies: dict[str, AgencyEntry] = {}
    years: dict[int, list[ReportPage]] = defaultdict(list)
    for page in pages:
        agencies.setdefault(page.agency_id, AgencyEntry(page.agency_id)).pages.append(page)
        years[page.report.year or 0].append(page)
    for agency in agencies.values():
        agency.pages.sort(key=newest_first)
    # An agency is filed where its newest report places it (a renamed county moves it along).
    regions: dict[str, RegionEntry] = {}
    for page in pages:
        add_region_chain(regions, page.report.region)
    for agency in agencies.values():
        lowest = regions[region_chain(agency.region)[-1][0]]
        lowest.agency_ids.append(agency.id)
    for entry in regions.values():
        entry.children.sort()
        entry.agency_ids.sort(key=lambda agency_id: (agencies[agency_id].name, agency_id))
    for year_pages in years.values():
        year_pages.sort(key=lambda p: (region_code(p.report.region), p.report.agency, p.path))
    kinds: dict[str, list[str]] = {slug: [] for slug in KINDS_BY_SLUG}
    for agency in sorted(agencies.values(), key=lambda a: (a.region.code or UNRESOLVED, a.name, a.id)):
        kinds[agency.kind].append(agency.id)
    return Archive(
        pages=pages,
        agencies=dict(sorted(agencies.items())),
        regions=dict(sorted(regions.items())),
        years=dict(sorted(years.items(), reverse=True)),
        kinds={slug: ids for slug, ids in kinds.items() if ids},
    )
