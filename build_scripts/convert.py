"""`convert`: turn the given source files into report pages and JSON, outside a full build."""

from __future__ import annotations

from pathlib import Path

from .archive import build_archive
from .build import published_outcomes, read_sources
from .model import SourceOutcome
from .writers import render_report_files, template_environment, write_files


def convert(paths: list[Path], out_dir: Path, pretty_json: bool = False) -> list[SourceOutcome]:
    """Write each report's page and JSON under out_dir, laid out as in the site; return outcomes."""
    reports, failures = read_sources(paths, root=None)
    archive = build_archive(reports)
    write_files(out_dir, render_report_files(template_environment(), archive, pretty_json=pretty_json))
    return sorted(published_outcomes(archive) + failures, key=lambda outcome: outcome.source)
