"""`convert`: turn the given source files into report pages and JSON, outside a full build: the
pipeline's reading, planning and rendering (pipeline.py), without browse pages, originals or
search records."""

from __future__ import annotations

from pathlib import Path

from .model import SourceOutcome
from .pipeline import Pipeline, PipelineSettings, RenderPlan, published_outcomes
from .reading.overrides import Overrides
from .site.archive import build_archive
from .site.cross_year import add_cross_year_findings


def convert(paths: list[Path], out_dir: Path, pretty_json: bool = False) -> list[SourceOutcome]:
    """Write each report's page and JSON under out_dir, laid out as in the site; return outcomes."""
    settings = PipelineSettings(root=None, overrides=Overrides(), pretty_json=pretty_json)
    with Pipeline(paths, settings) as pipeline:
        read = pipeline.read()
        archive = build_archive(read.reports)
        add_cross_year_findings(archive, read.stats)
        pipeline.render(RenderPlan(archive, out_dir, pretty_json=pretty_json))
    return sorted(published_outcomes(archive) + read.failures, key=lambda outcome: outcome.source)
