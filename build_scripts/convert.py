"""`convert`: turn the given source files into report pages and JSON, outside a full build."""

from __future__ import annotations

from pathlib import Path

from .build import PrepareSettings, prepare_second_copies, prepare_sources, published_outcomes, write_files
from .model import SourceOutcome
from .reading.overrides import Overrides
from .site.archive import build_archive
from .site.pages.environment import template_environment
from .site.pages.report import render_report_files


def convert(paths: list[Path], out_dir: Path, pretty_json: bool = False) -> list[SourceOutcome]:
    """Write each report's page and JSON under out_dir, laid out as in the site; return outcomes."""
    settings = PrepareSettings(root=None, overrides=Overrides(), pretty_json=pretty_json)
    prepared, failures, _ = prepare_sources(paths, settings)
    archive = build_archive([item.report for item in prepared.values()])
    prepare_second_copies(archive, prepared, settings)
    write_files(out_dir, render_report_files(template_environment(), archive, prepared))
    return sorted(published_outcomes(archive) + failures, key=lambda outcome: outcome.source)
