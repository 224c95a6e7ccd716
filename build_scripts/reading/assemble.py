"""Assemble a Report from numbered lines: title, cover notice, sections, region and format."""

from __future__ import annotations

from dataclasses import replace

from ..model import Block, Contact, LinePosition, Report, SourceFile, StatTable
from .checks import check_statistics
from .metadata import derive_kind, text_to_contact
from .parsing import (
    Line,
    build_section,
    find_date,
    find_title,
    lines_to_blocks,
    lines_to_cover_notice,
    lines_to_sections,
)
from .prose import prose_findings
from .regions import resolve_region
from .tables import tables_to_statistics
from .validate import validate_report

CONTEXT_LINES = 80


def context_text(lines: list[Line]) -> str:
    """The text that names a report's place besides the agency: cover notice, title, preamble."""
    return "\n".join(line.stripped for line in lines[:CONTEXT_LINES])


def signature_date(blocks: list[Block]) -> str | None:
    """The date in the signature line at the end of the report, if it has one."""
    for block in reversed(blocks[-2:]):
        if block.kind == "paragraph" and len(block.text) < 60:
            return find_date(block.text)
    return None


def contact_of(preamble: list[Block], last_blocks: list[Block]) -> Contact | None:
    """Contact details from the preamble, where the format puts them, else from the last section."""
    for blocks in (preamble, last_blocks):
        contact = text_to_contact("\n".join(block.text for block in blocks if block.kind == "paragraph"))
        if contact:
            return contact
    return None


def report_format(statistics: list[StatTable]) -> str | None:
    """The report's format: that of table 二, whose columns differ most between the two forms."""
    formats = {table.number: table.format for table in statistics if table.format}
    return formats.get("二") or formats.get("三")


def with_positions(table: StatTable, lines: dict[int, Line]) -> StatTable:
    """The table with each cell's PDF page, and where each of its lines was printed, looked up
    from the lines its cells came from."""
    numbers = sorted({cell.line for cell in table.cells if cell.line in lines})
    if not any(lines[number].page for number in numbers):
        return table
    cells = [replace(cell, page=lines[cell.line].page if cell.line in lines else None) for cell in table.cells]
    positions = tuple(
        LinePosition(number, line.page, line.box)
        for number in numbers
        if (line := lines[number]).page and line.box is not None
    )
    return replace(table, cells=cells, positions=positions)


def report_from_lines(lines: list[Line], source: SourceFile) -> Report | None:
    """A Report from the lines of a source, or None when no report title can be found."""
    title = find_title(lines)
    if title is None:
        return None
    cover = lines_to_cover_notice(lines[: title.first])
    preamble_lines, section_parts = lines_to_sections(lines[title.index + 1 :])
    sections = [build_section(number, heading, body) for number, heading, body in section_parts]
    tables = [block.table for section in sections for block in section.blocks if block.table]
    statistics, table_findings = tables_to_statistics(tables)
    by_number = {line.number: line for line in lines}
    statistics = [with_positions(table, by_number) for table in statistics]
    region, region_findings = resolve_region(title.agency, context_text(lines))
    last_blocks = sections[-1].blocks if sections else []
    preamble = lines_to_blocks(preamble_lines, None)
    report = Report(
        source=source,
        title=title.title,
        agency=title.agency,
        year=title.year,
        format=report_format(statistics),
        region=region,
        publication_date=(cover.date if cover else None) or signature_date(last_blocks),
        cover_notice=cover,
        preamble=preamble,
        sections=sections,
        statistics=statistics,
        contact=contact_of(preamble, last_blocks),
        kind=derive_kind(title.agency, region),
    )
    checks = check_statistics(statistics) + prose_findings(report)
    report.add_findings(region_findings + validate_report(report) + table_findings + checks)
    return report
