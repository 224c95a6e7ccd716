"""The compare page (对比): every agency's key figures across years, and the page that lists the
provinces, kinds and figures to pick from.

The page (templates/compare.md.j2, assets/archive-compare.js) loads, for a province the reader
opens, its list of agencies (`data/compare/<province>.json`: names, kinds, places), and for an
agency the reader picks, the figures of its city's agencies (`data/compare/<province>/<city>.json`;
a provincial agency's are under the province's own code). A reader on a phone so downloads a
province's names and a city's numbers, never the archive, and neither grows with the archive's
other provinces. A figure is a number, or null where the report did not give it or a cell of it is
uncertain (never 0 for a blank, comparisons.figure_value). Only each agency-year's main copy is listed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from ..reading.regions import region_chain
from .archive import AgencyEntry, Archive, listing_group
from .comparisons import FIGURES, figure_value
from .cross_year import is_main_copy
from .datasets import StatsRow
from .labels import form_label
from .urls import DATA_DIR, page_url

COMPARE_DIR = f"{DATA_DIR}/compare"


def province_file(code: str) -> str:
    return f"{COMPARE_DIR}/{code}.json"


def figures_file(province: str, group: str) -> str:
    return f"{COMPARE_DIR}/{province}/{group}.json"


def agency_province(agency: AgencyEntry) -> tuple[str, str]:
    """(code, name) of the province the agency is listed under (未确定 when unresolved)."""
    code, name, _level = region_chain(agency.region)[0]
    return code, name


def agency_place(agency: AgencyEntry) -> str:
    """The agency's division below its province (城市 · 县区), for telling namesakes apart."""
    return " ".join(name for _code, name, _level in region_chain(agency.region)[1:])


def agency_city(agency: AgencyEntry) -> str:
    return next((name for _code, name, level in region_chain(agency.region) if level == "city"), "")


def agency_years(agency: AgencyEntry, stats: dict[str, StatsRow]) -> list[list]:
    """[year, form, report URL, [figure values]] of each main report, oldest first."""
    pages = sorted((p for p in agency.pages if p.report.year and is_main_copy(p)), key=lambda p: p.report.year)
    rows = []
    for page in pages:
        cells = stats[page.report.source.path]
        values = [figure_value(cells, figure) for figure in FIGURES]
        rows.append([page.report.year, form_label(page.report.format), page_url(page.path), values])
    return rows


def agency_listing(agency: AgencyEntry, group: str, years: int) -> dict:
    """What the province's list says of an agency: enough to pick it, and where its figures are."""
    return {
        "id": agency.id,
        "name": agency.name,
        "kind": agency.kind,
        "city": agency_city(agency),
        "place": agency_place(agency),
        "group": group,
        "years": years,
    }


def agency_figures(agency: AgencyEntry, stats: dict[str, StatsRow]) -> dict:
    return {"page": page_url(agency.path), "years": agency_years(agency, stats)}


def compact_json(data: object) -> bytes:
    # Text from reports stays data: json escapes it, and the page inserts it as text, never as HTML.
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False).encode("utf-8")


@dataclass(frozen=True)
class ProvinceFile:
    code: str
    name: str
    agencies: int
    path: str  # content path of its JSON


def compared_agencies(archive: Archive) -> dict[str, tuple[str, list[AgencyEntry]]]:
    """{province code: (name, agencies)} of the agencies with a main report of a known year, in
    archive order."""
    provinces: dict[str, tuple[str, list[AgencyEntry]]] = {}
    for agency in archive.agencies.values():
        if any(page.report.year and is_main_copy(page) for page in agency.pages):
            code, name = agency_province(agency)
            provinces.setdefault(code, (name, []))[1].append(agency)
    return dict(sorted(provinces.items()))


def province_listing(archive: Archive) -> list[ProvinceFile]:
    """The provinces the compare page offers, each with its file."""
    return [
        ProvinceFile(code, name, len(agencies), province_file(code))
        for code, (name, agencies) in compared_agencies(archive).items()
    ]


def compare_files(archive: Archive, stats: dict[str, StatsRow]) -> dict[str, bytes]:
    """{content path: bytes}: each province's list of agencies, and each city's figures."""
    files = {}
    for code, (name, agencies) in compared_agencies(archive).items():
        listed, groups = [], {}
        for agency in agencies:
            group = listing_group(agency.region)[0]
            figures = agency_figures(agency, stats)
            groups.setdefault(group, {})[agency.id] = figures
            listed.append(agency_listing(agency, group, len(figures["years"])))
        files[province_file(code)] = compact_json({"code": code, "name": name, "agencies": listed})
        for group, figures in sorted(groups.items()):
            files[figures_file(code, group)] = compact_json({"agencies": figures})
    return files
