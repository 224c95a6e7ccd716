"""Render the archive into the content folder: report pages, their JSON, and the browse pages.

A report is rendered in two steps: its own content, data and statistics while it is read
(`prepare_report`), and its page header once the whole archive is known (`render_report_page`).
The browse pages are rendered from the archive (`render_browse_pages`). Templates live in the
repository's `templates/` folder and run with StrictUndefined: a missing value is an error, not a
blank. Writing is the build's business (build.py), after every source has been read.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

import jinja2
import yaml

from .archive import (
    AgencyEntry,
    Archive,
    RegionEntry,
    ReportPage,
    kind_province_path,
    listing_group,
    province_code,
    relative_link,
    year_group_path,
)
from ..reading.checks import RULE_NAMES
from .comparisons import (
    FIGURES,
    Summary,
    agency_charts,
    agency_series,
    bar_chart,
    by_year,
    mix_chart,
    subtree_pages,
    summarize,
    top_received,
    yearly_summaries,
)
from .datasets import (
    CELL_KEYS,
    CELLS_CSV,
    DATA_DIR,
    JSON_FILE,
    REPORT_FIELDS,
    SCHEMA,
    SQLITE_FILE,
    WIDE_CSV,
    Downloads,
    StatsRow,
    report_stats,
)
from .escape import html_text, markdown_text
from ..forms import (
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
from .labels import layout_labels, media_label
from ..reading.metadata import KINDS_BY_SLUG
from ..model import CellStatus, Contact, Region, Report, StatTable
from ..parallel import map_in_processes
from ..reading.regions import UNRESOLVED, UNRESOLVED_NAME, region_chain
from .search_index import pack_blocks, report_text_blocks
from .table_views import TABLE2_ONLY_2019_ROWS, table_view
from ..reading.tables import read_number

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"
TABLE_CAPTIONS = {
    "二": "表二 主动公开政府信息情况（按原文排列）",
    "三": "表三 收到和处理政府信息公开申请情况（按原文排列）",
    "四": "表四 政府信息公开行政复议、行政诉讼情况（按原文排列）",
}
FORMAT_LABELS = {"2019": "2019 年版（国办公开办函〔2019〕60号）", "2021": "2021 年版（国办公开办函〔2021〕30号）"}
LATEST_ON_HOME = 10
LEVEL_CHILDREN_HEADING = {"province": "下辖市", "city": "下辖县（市、区）", "county": "", "unresolved": ""}


def is_number(text: str) -> bool:
    return read_number(text.strip()).status == CellStatus.NUMBER


def padded(rows: list[list[str]]) -> list[list[str]]:
    """Rows filled out with blank cells to the width of the widest, so the grid stays a grid."""
    width = max((len(row) for row in rows), default=0)
    return [row + [""] * (width - len(row)) for row in rows]


@functools.cache  # one per process: workers reuse it for every report
def template_environment(templates_dir: Path = TEMPLATES_DIR) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # output is Markdown; escaping is explicit through `md` and `h`
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(md=markdown_text, h=html_text, is_number=is_number, padded=padded)
    return env


# safe_dump's representer, run by libyaml when PyYAML has it (ten times faster on the statistics).
SAFE_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def front_matter(data: dict[str, Any]) -> str:
    """YAML front matter, always through the safe dumper so no report text can break out of it."""
    return yaml.dump(
        data, Dumper=SAFE_DUMPER, allow_unicode=True, sort_keys=False, default_flow_style=False, width=1000
    )


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


def dataclass_fields(value: Any) -> dict[str, Any]:
    """One level of a dataclass for the JSON encoder, which calls back for the levels below."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {name: getattr(value, name) for name in field_names(type(value))}
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def report_json(report: Report, pretty: bool = False) -> str:
    """Everything parsed from one report, as stable, sorted, compact JSON.

    Compact because Python's JSON encoder is only fast without indentation (C encoder), and the
    file is a download, not something people read raw; StrEnums encode as their string values."""
    return (
        json.dumps(report, default=dataclass_fields, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
    )


def region_label(region: Region) -> str:
    if not region.resolved:
        return "未确定"
    return " ".join(name for name in (region.province, region.city, region.county) if name)


TABLE_KEYS = {"二": "table_2", "三": "table_3", "四": "table_4"}


def statistics_front_matter(table: StatTable) -> dict[str, Any]:
    """A table's numbers as row → column → value; blank and uncertain cells are null, and the
    uncertain ones are listed, so that no reader mistakes a guess for a printed number."""
    values: dict[str, dict[str, int | float | None]] = {}
    for cell in table.cells:
        values.setdefault(cell.row, {})[cell.column] = cell.value if cell.status == CellStatus.NUMBER else None
    uncertain = [f"{cell.row}.{cell.column}" for cell in table.cells if cell.status == CellStatus.UNCERTAIN]
    return {"format": table.format, "values": values, "uncertain": uncertain}


def report_front_matter(page: ReportPage) -> dict[str, Any]:
    report = page.report
    return {
        "title": report.title,
        "page_kind": "report",
        "agency": report.agency,
        "agency_id": page.agency_id,
        "year": report.year,
        "format": report.format,
        "publication_date": report.publication_date,
        "kind": report.kind,
        "region": to_plain(report.region),
        "contact": to_plain(report.contact),
        "overridden": report.overridden,
        # From here on for readers of content/ only: the site build skips these (mkdocs_hooks.py).
        "source": to_plain(report.source),
        "provenance": to_plain(report.provenance),
        "sections": [{"number": s.number, "title": s.title} for s in report.sections],
        "checks_failed": [f.code for f in report.failed_checks],
        "findings": [{"code": f.code, "severity": f.severity.value} for f in report.findings],
    }


STR_TAG = "tag:yaml.org,2002:str"
RESOLVER = yaml.resolver.Resolver()


@functools.cache
def string_implicit(text: str) -> tuple[bool, bool]:
    """Whether the text may be written plain (or quoted) and still read back as a string: the
    question PyYAML's serializer asks of every scalar (so '2019' is quoted, `total` is not)."""
    return (
        RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) == STR_TAG,
        RESOLVER.resolve(yaml.ScalarNode, text, (False, True)) == STR_TAG,
    )


def scalar_text(value: str | int | float | None) -> tuple[str, tuple[bool, bool]]:
    if isinstance(value, str):
        return value, string_implicit(value)
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value], (True, False)
    if isinstance(value, int):
        return str(value), (True, False)
    return yaml.SafeDumper(None).represent_float(value).value, (True, False)


def yaml_events(value: Any) -> Iterator[yaml.Event]:
    if isinstance(value, dict):
        yield yaml.MappingStartEvent(None, None, True, flow_style=False)
        for key, item in value.items():
            yield from yaml_events(key)
            yield from yaml_events(item)
        yield yaml.MappingEndEvent()
    elif isinstance(value, list):
        yield yaml.SequenceStartEvent(None, None, True, flow_style=False)
        for item in value:
            yield from yaml_events(item)
        yield yaml.SequenceEndEvent()
    else:
        text, implicit = scalar_text(value)
        yield yaml.ScalarEvent(None, None, implicit, text)


def numbers_yaml(data: dict[str, Any]) -> str:
    """What `front_matter` writes for data made of our own keys and numbers, byte for byte (a test
    holds them equal), but emitted from events: the safe dumper's node graph and its resolver
    call per scalar were a quarter of the time spent preparing a report."""
    events = [yaml.StreamStartEvent(), yaml.DocumentStartEvent(explicit=False)]
    events += [*yaml_events(data), yaml.DocumentEndEvent(explicit=False), yaml.StreamEndEvent()]
    return yaml.emit(events, Dumper=SAFE_DUMPER, allow_unicode=True, width=1000)


def statistics_yaml(report: Report) -> str:
    """The last key of a report's front matter, dumped on its own while the report is prepared.

    Last, with the other keys for readers of content/ that the site build skips. The front
    matter is this dump appended to the dump of the other keys: two mappings of distinct top-level
    keys, both written by PyYAML's emitter, make one mapping."""
    return numbers_yaml({"statistics": {TABLE_KEYS[t.number]: statistics_front_matter(t) for t in report.statistics}})


def source_summary(report: Report) -> str:
    """What the published file is: kind, pages, size (“PDF，5 页，234.5 KB”)."""
    source = report.source
    parts = [media_label(source.media_type)]
    if source.pages:
        parts.append(f"{source.pages} 页")
    parts.append(f"{source.size / 1024:.1f} KB")
    return "，".join(parts)


def region_crumbs(from_page: str, region: Region) -> list[dict[str, str]]:
    crumbs = [{"label": "地区", "link": relative_link(from_page, "regions/index.md")}]
    for code, name, _level in region_chain(region):
        crumbs.append({"label": name, "link": relative_link(from_page, f"regions/{code}.md")})
    return crumbs


def link_item(from_page: str, label: str, to_page: str, **extra: Any) -> dict[str, Any]:
    return {"label": label, "link": relative_link(from_page, to_page), **extra}


def year_page_path(year: int) -> str:
    return f"years/{year}/index.md"


def kind_page_path(kind: str) -> str:
    return f"kinds/{kind}/index.md"


CONTACT_LABELS = {
    "office": "联系部门",
    "address": "地址",
    "postcode": "邮编",
    "phone": "电话",
    "email": "电子邮箱",
    "website": "网址",
}


def contact_parts(contact: Contact | None) -> list[dict[str, str]]:
    if contact is None:
        return []
    return [
        {"label": label, "value": getattr(contact, name)}
        for name, label in CONTACT_LABELS.items()
        if getattr(contact, name)
    ]


def neighbour_links(page: ReportPage, agency: AgencyEntry) -> dict[str, dict[str, Any] | None]:
    earlier, later = agency.neighbours(page)
    return {
        "previous": link_item(page.path, f"{earlier.report.year} 年", earlier.path) if earlier else None,
        "next": link_item(page.path, f"{later.report.year} 年", later.path) if later else None,
    }


@dataclass(frozen=True)
class PreparedReport:
    """A report rendered as far as it can be without the rest of the archive: its own content,
    its data and the statistics part of its front matter. `report` keeps the metadata only (no
    blocks, tables or cells), which is all the archive and the page header need."""

    report: Report
    body: str
    statistics_yaml: str
    data_json: str
    search_blocks: bytes  # the report's text coded for the search index (search_index.py), packed
    stats: StatsRow  # its cells, compact, for the archive's downloads (datasets.py)


def metadata_only(report: Report) -> Report:
    sections = [dataclasses.replace(section, blocks=[]) for section in report.sections]
    return dataclasses.replace(report, preamble=[], sections=sections, statistics=[], cover_notice=None)


def default_data_name(report: Report) -> str:
    """The name of the report's JSON beside its page, unless the page is a second copy (archive.py)."""
    return f"{report.year}.json"


def prepare_report(
    env: jinja2.Environment, report: Report, pretty_json: bool = False, data_name: str | None = None
) -> PreparedReport:
    body = env.get_template("report_body.md.j2").render(
        report=report,
        table_captions=TABLE_CAPTIONS,
        layout_names=layout_labels(report),
        views={table.number: table_view(table, report.findings) for table in report.statistics},
        links={"data": data_name or default_data_name(report)},
    )
    return PreparedReport(
        metadata_only(report),
        body,
        statistics_yaml(report),
        report_json(report, pretty_json),
        pack_blocks(report_text_blocks(report)),
        report_stats(report),
    )


def render_report_page(env: jinja2.Environment, page: ReportPage, prepared: PreparedReport, agency: AgencyEntry) -> str:
    report = page.report
    data_name = page.data_path.rsplit("/", 1)[-1]
    crumbs = region_crumbs(page.path, report.region)
    crumbs.append(link_item(page.path, agency.name, agency.path))
    group_code, group_name = listing_group(report.region)
    year = report.year or 0
    return env.get_template("report.md.j2").render(
        front_matter=front_matter(report_front_matter(page)) + prepared.statistics_yaml,
        body=prepared.body,
        report=report,
        crumbs=crumbs,
        region_label=region_label(report.region),
        source_summary=source_summary(report),
        format_label=FORMAT_LABELS.get(report.format or "", "未能识别"),
        kind=link_item(page.path, KINDS_BY_SLUG[report.kind].label, kind_page_path(report.kind)),
        check_findings=report.failed_checks,
        other_findings=[f for f in report.findings if not f.is_check and f.code != "override"],
        overrides=[f for f in report.findings if f.code == "override"],
        neighbours=neighbour_links(page, agency),
        contact_parts=contact_parts(report.contact),
        links={
            "agency": relative_link(page.path, agency.path),
            "year": relative_link(page.path, year_page_path(year)),
            "year_group": link_item(page.path, group_name, year_group_path(year, group_code)),
            "data": data_name,
            "data_name": data_name,
            "original": page.original_path.rsplit("/", 1)[-1],
        },
    )


def report_label(page: ReportPage) -> str:
    return f"{page.report.year} 年：{page.report.title}"


def summary_table(caption: str, first: str, rows: list[tuple[str, str | None, Summary]]) -> dict[str, Any]:
    return {
        "caption": caption,
        "first": first,
        "rows": [{"label": label, "link": link, "summary": summary} for label, link, summary in rows],
    }


def ranking(from_page: str, heading: str, pages: list[ReportPage], stats: dict[str, StatsRow]) -> dict[str, Any]:
    items = [
        link_item(from_page, f"{page.report.agency} {page.report.year} 年报告", page.path, value=value)
        for page, value in top_received(pages, stats)
    ]
    return {"heading": heading, "entries": items}


NO_RANKING: dict[str, Any] = {"heading": "", "entries": []}


def region_comparisons(path: str, name: str, pages: list[ReportPage], stats: dict[str, StatsRow]) -> dict[str, Any]:
    """A region's totals by year, and the reports of its latest year with the most applications."""
    groups = by_year(pages)
    if not groups:
        return {"summary_table": None, "ranking": NO_RANKING}
    rows = [(f"{year} 年", None, summarize(group, stats)) for year, group in groups.items()]
    latest_year, latest_pages = next(iter(groups.items()))
    return {
        "summary_table": summary_table(f"{name}各年度汇总", "年度", rows),
        "ranking": ranking(path, f"{latest_year} 年度新收申请最多的报告", latest_pages, stats),
    }


def render_region_page(
    env: jinja2.Environment, archive: Archive, entry: RegionEntry, subtree: list[ReportPage], stats: dict[str, StatsRow]
) -> str:
    path = entry.path
    chain = []
    parent = entry.parent
    while parent:
        chain.insert(0, archive.regions[parent])
        parent = archive.regions[parent].parent
    crumbs = [{"label": "地区", "link": relative_link(path, "regions/index.md")}]
    crumbs += [{"label": up.name, "link": relative_link(path, up.path)} for up in chain]
    children = [archive.regions[code] for code in entry.children]
    agencies = [archive.agencies[agency_id] for agency_id in entry.agency_ids]
    return env.get_template("regions.md.j2").render(
        front_matter=front_matter({"title": entry.name, "page_kind": "region", "code": entry.code}),
        crumbs=crumbs,
        heading=entry.name,
        summary=f"共 {entry.report_count} 份报告。",
        children_heading=LEVEL_CHILDREN_HEADING[entry.level] or "下级地区",
        children=[link_item(path, c.name, c.path, count=c.report_count) for c in children],
        agencies=[agency_item(path, agency) for agency in agencies],
        **region_comparisons(path, entry.name, subtree, stats),
    )


def agency_item(from_page: str, agency: AgencyEntry) -> dict[str, Any]:
    return link_item(
        from_page,
        agency.name,
        agency.path,
        count=len(agency.pages),
        reports=[link_item(from_page, f"{p.report.year} 年", p.path) for p in agency.pages],
    )


def render_regions_index(env: jinja2.Environment, archive: Archive) -> str:
    path = "regions/index.md"
    provinces = sorted(archive.provinces, key=lambda entry: (entry.code == UNRESOLVED, entry.code))
    return env.get_template("regions.md.j2").render(
        front_matter=front_matter({"title": "按地区浏览", "page_kind": "index"}),
        crumbs=[],
        heading="按地区浏览",
        summary=f"共 {len(archive.pages)} 份报告，分布在 {len(archive.regions)} 个地区。",
        children_heading="省、自治区、直辖市",
        children=[link_item(path, p.name, p.path, count=p.report_count) for p in provinces],
        agencies=[],
        summary_table=None,
        ranking=NO_RANKING,
    )


def render_agency_page(env: jinja2.Environment, agency: AgencyEntry, stats: dict[str, StatsRow]) -> str:
    path = agency.path
    crumbs = region_crumbs(path, agency.region)
    series = agency_series(agency, stats)
    return env.get_template("agency.md.j2").render(
        front_matter=front_matter({"title": agency.name, "page_kind": "agency", "agency_id": agency.id}),
        crumbs=crumbs,
        agency=agency,
        other_names=agency.names[1:],
        kind=link_item(path, KINDS_BY_SLUG[agency.kind].label, kind_page_path(agency.kind)),
        reports=[link_item(path, report_label(p), p.path) for p in agency.pages],
        figures=FIGURES,
        series=series,
        charts=agency_charts(series) if len(series) > 1 else [],
        stacked=mix_chart(series) if len(series) > 1 else None,
    )


def province_name(region: Region) -> str:
    return region.province if region.resolved and region.province else UNRESOLVED_NAME


def group_by_province(agency_ids: list[str], archive: Archive) -> dict[str, list[AgencyEntry]]:
    groups: dict[str, list[AgencyEntry]] = {}
    for agency_id in agency_ids:
        agency = archive.agencies[agency_id]
        groups.setdefault(province_code(agency.region), []).append(agency)
    return dict(sorted(groups.items(), key=lambda item: (item[0] == UNRESOLVED, item[0])))


def render_agencies_index(env: jinja2.Environment, archive: Archive) -> str:
    """Agencies by kind (each kind's page splits by province) and by province (the region pages)."""
    path = "agencies/index.md"
    kinds = [
        link_item(path, KINDS_BY_SLUG[slug].label, kind_page_path(slug), count=len(ids))
        for slug, ids in archive.kinds.items()
    ]
    provinces = group_by_province(list(archive.agencies), archive)
    return env.get_template("agencies.md.j2").render(
        front_matter=front_matter({"title": "按机构浏览", "page_kind": "index"}),
        total=len(archive.agencies),
        kinds=kinds,
        provinces=[
            link_item(path, archive.regions[code].name, archive.regions[code].path, count=len(items))
            for code, items in provinces.items()
        ],
    )


def render_kind_pages(env: jinja2.Environment, archive: Archive, slug: str) -> dict[str, str]:
    """A kind's page (provinces with counts) and one page per province listing its agencies."""
    kind = KINDS_BY_SLUG[slug]
    index_path = kind_page_path(slug)
    provinces = group_by_province(archive.kinds[slug], archive)
    files = {
        index_path: env.get_template("kind.md.j2").render(
            front_matter=front_matter({"title": f"{kind.label}机构", "page_kind": "kind", "kind": slug}),
            crumbs=[link_item(index_path, "机构", "agencies/index.md")],
            heading=f"{kind.label}机构",
            summary=f"共 {len(archive.kinds[slug])} 个机构，按所在省份分列。",
            words="、".join(kind.words) or "不属于以上任何一类",
            provinces=[
                link_item(index_path, archive.regions[code].name, kind_province_path(slug, code), count=len(items))
                for code, items in provinces.items()
            ],
            agencies=[],
        )
    }
    for code, agencies in provinces.items():
        path = kind_province_path(slug, code)
        name = archive.regions[code].name
        files[path] = env.get_template("kind.md.j2").render(
            front_matter=front_matter({"title": f"{name} {kind.label}机构", "page_kind": "kind", "kind": slug}),
            crumbs=[link_item(path, "机构", "agencies/index.md"), link_item(path, f"{kind.label}机构", index_path)],
            heading=f"{name} {kind.label}机构",
            summary=f"共 {len(agencies)} 个机构。",
            words="",
            provinces=[],
            agencies=[dict(agency_item(path, agency), place=region_label(agency.region)) for agency in agencies],
        )
    return files


def render_year_pages(
    env: jinja2.Environment, archive: Archive, year: int, stats: dict[str, StatsRow]
) -> dict[str, str]:
    """A year's page (provinces → cities with counts) and one page per city listing its reports."""
    index_path = year_page_path(year)
    groups: dict[tuple[str, str], list[ReportPage]] = {}
    for page in archive.years[year]:
        groups.setdefault(listing_group(page.report.region), []).append(page)
    by_province: dict[str, list[dict[str, Any]]] = {}
    files: dict[str, str] = {}
    for (code, name), pages in sorted(groups.items(), key=lambda item: (item[0][0] == UNRESOLVED, item[0][0])):
        path = year_group_path(year, code)
        province = province_code(pages[0].report.region)
        by_province.setdefault(province, []).append(link_item(index_path, name, path, count=len(pages)))
        files[path] = env.get_template("year.md.j2").render(
            front_matter=front_matter({"title": f"{name} {year} 年度报告", "page_kind": "year", "year": year}),
            crumbs=[link_item(path, "年度", "years/index.md"), link_item(path, f"{year} 年", index_path)],
            heading=f"{name} {year} 年度报告",
            summary=f"共 {len(pages)} 份报告。",
            provinces=[],
            reports=[link_item(path, p.report.title, p.path, place=region_label(p.report.region)) for p in pages],
            summary_table=None,
            ranking=ranking(path, "新收申请最多的报告", pages, stats),
        )
    files[index_path] = env.get_template("year.md.j2").render(
        front_matter=front_matter({"title": f"{year} 年度报告", "page_kind": "year", "year": year}),
        crumbs=[link_item(index_path, "年度", "years/index.md")],
        heading=f"{year} 年度报告",
        summary=f"共 {len(archive.years[year])} 份报告，按所在省份和市分列。",
        provinces=[
            {"label": archive.regions[code].name, "groups": items}
            for code, items in sorted(by_province.items(), key=lambda item: (item[0] == UNRESOLVED, item[0]))
        ],
        reports=[],
        summary_table=summary_table(f"{year} 年度各省汇总", "省份", province_summaries(archive, year, stats)),
        ranking=ranking(index_path, "新收申请最多的报告", archive.years[year], stats),
    )
    return files


def province_summaries(
    archive: Archive, year: int, stats: dict[str, StatsRow]
) -> list[tuple[str, str | None, Summary]]:
    groups: dict[str, list[ReportPage]] = {}
    for page in archive.years[year]:
        groups.setdefault(province_code(page.report.region), []).append(page)
    ordered = sorted(groups.items(), key=lambda item: (item[0] == UNRESOLVED, item[0]))
    return [(archive.regions[code].name, None, summarize(pages, stats)) for code, pages in ordered]


def render_years_index(env: jinja2.Environment, archive: Archive) -> str:
    path = "years/index.md"
    return env.get_template("years.md.j2").render(
        front_matter=front_matter({"title": "按年度浏览", "page_kind": "index"}),
        years=[
            link_item(path, f"{year} 年", year_page_path(year), count=len(pages))
            for year, pages in archive.years.items()
        ],
    )


def latest_reports(archive: Archive) -> list[ReportPage]:
    """The newest reports: latest report year first, then latest publication date."""
    dated = sorted(archive.pages, key=lambda p: (p.report.publication_date or "", p.path), reverse=True)
    return sorted(dated, key=lambda p: -(p.report.year or 0))[:LATEST_ON_HOME]


def render_home(env: jinja2.Environment, archive: Archive) -> str:
    return env.get_template("home.md.j2").render(
        front_matter=front_matter({"title": "首页", "page_kind": "home", "hide": ["toc"]}),
        counts={
            "reports": len(archive.pages),
            "agencies": len(archive.agencies),
            "provinces": sum(1 for entry in archive.provinces if entry.code != UNRESOLVED),
            "regions": len(archive.regions),
            "years": len(archive.years),
            "kinds": len(archive.kinds),
        },
        latest=[
            link_item("index.md", report_label(p), p.path, date=p.report.publication_date)
            for p in latest_reports(archive)
        ],
    )


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


def render_overview(env: jinja2.Environment, archive: Archive, stats: dict[str, StatsRow]) -> str:
    """The whole archive: totals by year, a chart of new applications, reports per province and year."""
    path = "overview.md"
    yearly = yearly_summaries(archive.pages, stats)
    years = sorted(year for year, _ in yearly)
    counts: dict[str, dict[int, int]] = {}
    for page in archive.pages:
        by_province = counts.setdefault(province_code(page.report.region), {})
        by_province[page.report.year or 0] = by_province.get(page.report.year or 0, 0) + 1
    provinces = [
        {
            "label": archive.regions[code].name,
            "link": relative_link(path, archive.regions[code].path),
            "counts": [per_year.get(year, 0) for year in years],
            "total": sum(per_year.values()),
        }
        for code, per_year in sorted(counts.items(), key=lambda item: (item[0] == UNRESOLVED, item[0]))
    ]
    return env.get_template("overview.md.j2").render(
        front_matter=front_matter({"title": "全国概览", "page_kind": "index"}),
        report_count=len(archive.pages),
        summary_table=summary_table("全部报告各年度汇总", "年度", [(f"{y} 年", None, s) for y, s in yearly]),
        chart=bar_chart("全部报告的新收申请", [(f"{y} 年", s.received) for y, s in reversed(yearly)]),
        years=years,
        provinces=provinces,
    )


def render_quality(env: jinja2.Environment, archive: Archive) -> str:
    """Every report with failed checks or uncertain cells, with what is wrong."""
    entries = []
    failed_count = uncertain_count = 0
    for page in sorted(archive.pages, key=lambda p: p.path):
        problems = [f for f in page.report.findings if f.is_check or f.code == "cell-uncertain"]
        if not problems:
            continue
        failed_count += any(f.is_check for f in problems)
        uncertain_count += any(f.code == "cell-uncertain" for f in problems)
        entries.append(
            {
                "title": page.report.title,
                "link": relative_link("quality.md", page.path),
                "messages": [f.message for f in problems],
            }
        )
    return env.get_template("quality.md.j2").render(
        front_matter=front_matter({"title": "数据质量", "page_kind": "index"}),
        total=len(archive.pages),
        failed_count=failed_count,
        uncertain_count=uncertain_count,
        entries=entries,
    )


def report_files(
    env: jinja2.Environment, page: ReportPage, prepared: PreparedReport, agency: AgencyEntry
) -> dict[str, str]:
    """A report's Markdown page and JSON data, keyed by content-relative path."""
    return {page.path: render_report_page(env, page, prepared, agency), page.data_path: prepared.data_json}


def render_one_report(
    state: tuple[jinja2.Environment, Archive, dict[str, PreparedReport]], index: int
) -> dict[str, str]:
    env, archive, prepared = state
    page = archive.pages[index]
    return report_files(env, page, prepared[page.report.source.path], archive.agencies[page.agency_id])


def render_report_files(
    env: jinja2.Environment, archive: Archive, prepared: dict[str, PreparedReport], jobs: int = 1
) -> dict[str, str]:
    """Every report's Markdown page and JSON data, keyed by content-relative path."""
    state = (env, archive, prepared)
    rendered = map_in_processes(render_one_report, range(len(archive.pages)), jobs, shared=state)
    return {path: text for files in rendered for path, text in files.items()}


def render_browse_pages(
    archive: Archive,
    stats: dict[str, StatsRow],
    downloads: Downloads | None = None,
    env: jinja2.Environment | None = None,
) -> dict[str, str]:
    """Every page of the content folder besides the reports, keyed by relative path, sorted."""
    env = env or template_environment()
    files = {"index.md": render_home(env, archive)}
    if downloads is not None:
        files[f"{DATA_DIR}/index.md"] = render_data_page(env, archive, downloads)
    files["search.md"] = env.get_template("search.md.j2").render(
        front_matter=front_matter({"title": "搜索", "page_kind": "search", "hide": ["toc"]})
    )
    files["data-dictionary.md"] = render_dictionary(env)
    files["overview.md"] = render_overview(env, archive, stats)
    files["quality.md"] = render_quality(env, archive)
    files["regions/index.md"] = render_regions_index(env, archive)
    subtrees = subtree_pages(archive)
    for entry in archive.regions.values():
        files[entry.path] = render_region_page(env, archive, entry, subtrees[entry.code], stats)
    files["agencies/index.md"] = render_agencies_index(env, archive)
    for agency in archive.agencies.values():
        files[agency.path] = render_agency_page(env, agency, stats)
    for slug in archive.kinds:
        files.update(render_kind_pages(env, archive, slug))
    files["years/index.md"] = render_years_index(env, archive)
    for year in archive.years:
        files.update(render_year_pages(env, archive, year, stats))
    return dict(sorted(files.items()))


def write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8", newline="\n")


def write_files(root: Path, files: dict[str, str]) -> None:
    made: set[Path] = set()
    for relative, text in files.items():
        target = root / relative
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        write_text(target, text)
