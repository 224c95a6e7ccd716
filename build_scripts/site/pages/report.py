"""The report page, in two steps: its own content, data and statistics while it is read
(`prepare_report`), and its header once the whole archive is known (`render_report_page`).
"""

from __future__ import annotations

import dataclasses
import posixpath
from dataclasses import dataclass
from typing import Any

import jinja2

from ...model import Contact, Report
from ...parallel import map_in_processes
from ...reading.metadata import KINDS_BY_SLUG
from ..archive import AgencyEntry, Archive, ReportPage, listing_group
from ..crops import RowCrop
from ..datasets import (
    StatsRow,
    report_stats,
)
from ..key_figures import key_figures
from ..labels import CONTACT_LABELS, TABLE_CAPTIONS, format_label, layout_labels, region_label
from ..serialize import front_matter, report_description, report_front_matter, report_json, statistics_yaml
from ..table_views import TableView, table_view
from ..timeliness import timeliness
from ..urls import (
    href_between,
    kind_page_path,
    relative_link,
    report_original_path,
    year_group_path,
    year_page_path,
)
from .pieces import link_item, region_crumbs, source_summary


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
    stats: StatsRow  # its cells, compact, for the archive's downloads (datasets.py)
    description: str  # one sentence for the page's meta description, with its headline number


# Findings not listed under 解析提示: the maintainer's corrections have their own box, and problems of
# the maintainer's own files (a sidecar's invalid field) are for the build report only.
MAINTAINER_FINDINGS = frozenset({"override", "provenance-invalid"})


def metadata_only(report: Report) -> Report:
    sections = [dataclasses.replace(section, blocks=[]) for section in report.sections]
    return dataclasses.replace(report, preamble=[], sections=sections, statistics=[], cover_notice=None)


def default_data_name(report: Report) -> str:
    """The name of the report's JSON beside its page, unless the page is a second copy (archive.py)."""
    return f"{report.year}.json"


def table_views(report: Report, original: str) -> dict[str, TableView]:
    """Each statistical table laid out as the form; a PDF's link their pages in the original."""
    views = {table.number: table_view(table, report.findings) for table in report.statistics}
    if report.source.media_type == "application/pdf":
        for view in views.values():
            view.original = original
    return views


def crops_by_table(crops: list[RowCrop], stem: str) -> dict[str, list[dict[str, str]]]:
    """The row images of each table, for the template: href from the page, label, reason."""
    by_table: dict[str, list[dict[str, str]]] = {}
    for crop in crops:
        item = {"href": "../" + crop.file_name(stem), "label": crop.label, "why": crop.why, "page": str(crop.page)}
        by_table.setdefault(crop.table, []).append(item)
    return by_table


def original_href(original_path: str, linked_at: str | None = None) -> str:
    """The href of the report's original from its page, for raw HTML: beside the page's folder
    (the page `…/2024/` and its original `…/2024.pdf`), or at its published address when the
    site links it there (`linked_at`)."""
    return linked_at or "../" + posixpath.basename(original_path)


def prepare_report(
    env: jinja2.Environment,
    report: Report,
    pretty_json: bool = False,
    data_name: str | None = None,
    data_json: str | None = None,
    original: str | None = None,
    crops: list[RowCrop] | None = None,
) -> PreparedReport:
    """`data_json`: the report's JSON when the caller made it already (the build hashes it first,
    pipeline.render_report); `original`: the href of its original (original_href), which each
    table's pages link to; `crops`: the images of its scanned rows published beside it (crops.py),
    shown under their tables."""
    stats = report_stats(report)
    links = {
        "data": data_name or default_data_name(report),
        "original": original or original_href(report_original_path(f"{report.year}.md", report.source.path)),
    }
    body = env.get_template("report_body.md.j2").render(
        report=report,
        table_captions=TABLE_CAPTIONS,
        layout_names=layout_labels(report),
        views=table_views(report, links["original"]),
        key_figures=key_figures(report, stats),
        crops=crops_by_table(crops or [], posixpath.splitext(data_name or default_data_name(report))[0]),
        links=links,
    )
    return PreparedReport(
        metadata_only(report),
        body,
        statistics_yaml(report),
        data_json if data_json is not None else report_json(report, pretty_json),
        stats,
        report_description(report),
    )


def render_report_page(
    env: jinja2.Environment,
    page: ReportPage,
    prepared: PreparedReport,
    agency: AgencyEntry,
    original_linked: bool = False,
) -> str:
    """The report's page; `original_linked`: its original is not beside it but at its published
    address (the site's size budget)."""
    report = page.report
    data_name = page.data_path.rsplit("/", 1)[-1]
    crumbs = region_crumbs(page.path, report.region)
    crumbs.append(link_item(page.path, agency.name, agency.path))
    group_code, group_name = listing_group(report.region)
    year = report.year or 0
    return env.get_template("report.md.j2").render(
        front_matter=front_matter(report_front_matter(page, prepared.description)) + prepared.statistics_yaml,
        body=prepared.body,
        report=report,
        crumbs=crumbs,
        region_label=region_label(report.region),
        source_summary=source_summary(report),
        format_label=format_label(report.format),
        kind=link_item(page.path, KINDS_BY_SLUG[report.kind].label, kind_page_path(report.kind)),
        check_findings=report.failed_checks,
        other_findings=[f for f in report.findings if not f.is_check and f.code not in MAINTAINER_FINDINGS],
        overrides=[f for f in report.findings if f.code == "override"],
        neighbours=neighbour_links(page, agency),
        contact_parts=contact_parts(report.contact),
        links={
            "agency": relative_link(page.path, agency.path),
            "year": relative_link(page.path, year_page_path(year)),
            "year_group": link_item(page.path, group_name, year_group_path(year, group_code)),
            "data": data_name,
            "data_name": data_name,
            "original": report.provenance.url if original_linked else page.original_path.rsplit("/", 1)[-1],
            # the other year's report a cross-year check compares this one with (cross_year.py)
            "related": {f.related: href_between(page.path, f.related) for f in report.findings if f.related},
        },
        original_linked=original_linked,
        timeliness=timeliness(report),
    )


def report_files(
    env: jinja2.Environment,
    page: ReportPage,
    prepared: PreparedReport,
    agency: AgencyEntry,
    original_linked: bool = False,
) -> dict[str, str]:
    """A report's Markdown page and JSON data, keyed by content-relative path."""
    page_text = render_report_page(env, page, prepared, agency, original_linked)
    return {page.path: page_text, page.data_path: prepared.data_json}


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
