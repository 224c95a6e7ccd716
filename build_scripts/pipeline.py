"""The one pipeline that `build`, `convert` and `stats` share: read every source, plan the archive,
then render each report.

1. **Read** (`read_source`, in workers that keep what they read): the reader for the file's
   form, then the maintainer's overrides. Only the report's metadata and its cells travel back.
2. **Plan** (`site.archive.build_archive`, in the parent): every page, and which copy of an
   agency-year is the report's page and which are second copies, decided before anything is
   rendered, so that no source is read twice.
3. **Render** (`render_kept`, in the same workers): each report's page, its JSON (with what the
   plan found, such as a duplicate), its original and its search record.

`stats` stops after reading; `convert` renders pages and JSON only; `build` adds the browse pages,
the downloads, MkDocs and the search index (build.py).
"""

from __future__ import annotations

import logging
import posixpath
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .conversion_cache import ConversionCache
from .guard import Limits, read_within_limits, stop_readers
from .model import Report, SourceOutcome
from .outputs import copy_file, write_files
from .parallel import KeepingWorkers, map_in_processes
from .progress import Progress
from .reading.overrides import Overrides, apply_override_if_any, unmatched_problems
from .reading.readers import ReportError, is_page_folder, read_report
from .reading.readers.image import zip_page_folder
from .reading.validate import build_day, dates_in_the_future
from .rendered_pages import render_key, rendered_bytes, rendered_path, reuse_previous
from .site.archive import Archive, ReportPage
from .site.crops import crop_paths, render_crops, row_crops
from .site.datasets import StatsRow, report_stats
from .site.pages.environment import template_environment
from .site.pages.report import metadata_only, original_href, prepare_report, report_files
from .site.search.record import record_bytes, report_record
from .site.serialize import report_json

log = logging.getLogger(__name__)


# Readers whose work is linear in a size they cap themselves (text and Markdown, MAX_TEXT_BYTES) run
# in the worker, under the time limit only: the reader child's round trip (the Report pickled back)
# would double their cost. Every other reader (PDF, OCR, web pages, Word) runs in the reader child,
# under both limits; so does every reader in a thread other than the main one (a cluster's worker),
# where the time limit's signal never arrives.
BOUNDED_READERS = frozenset({".txt", ".md", ".markdown"})


@dataclass(frozen=True)
class PipelineSettings:
    """What every worker needs (inherited when it forks): where the sources are, the maintainer's
    overrides, and whether the JSON is indented."""

    root: Path | None
    overrides: Overrides
    pretty_json: bool = False
    limits: Limits | None = field(default_factory=Limits)  # per source, in a reader child (guard.py); None: in-process
    today: date = field(default_factory=build_day)  # what "in the future" means for the dates read
    cache: ConversionCache | None = None  # reports already read, by what decided them (conversion_cache.py)
    # Sources the conversion stage (conversion.py) already failed, by display path, with the reason:
    # not read a second time.
    failed: Mapping[str, str] = field(default_factory=dict)
    keys: Mapping[str, str] = field(default_factory=dict)  # and the cache keys it computed, by display path


@dataclass(frozen=True)
class ReportSummary:
    """What reading sends to the parent: a report's metadata and its cells, compact."""

    report: Report
    stats: StatsRow


@dataclass
class ReadResult:
    """Every source read: the reports' summaries (in source order), the failures, and the entries of
    the overrides file that could not be used."""

    summaries: list[ReportSummary]
    failures: list[SourceOutcome]
    override_problems: list[str]

    @property
    def reports(self) -> list[Report]:
        return [summary.report for summary in self.summaries]

    @property
    def stats(self) -> dict[str, StatsRow]:
        return {summary.report.source.path: summary.stats for summary in self.summaries}


def out_of_memory(error: BaseException) -> bool:
    """Whether an error is, or was caused by, running out of memory (libraries wrap it)."""
    seen: list[BaseException] = []
    todo: list[BaseException] = [error]
    while todo:
        current = todo.pop()
        if isinstance(current, MemoryError) or "bad_alloc" in str(current):  # bad_alloc: C++ libraries (ONNX)
            return True
        seen.append(current)
        linked = [current.__cause__, current.__context__, *(a for a in current.args if isinstance(a, BaseException))]
        todo += [e for e in linked if e is not None and all(e is not s for s in seen)]
    return False


def display_path(root: Path | None, path: Path) -> str:
    """How a source is named in the build report and the model: its path below the source folder."""
    return path.relative_to(root).as_posix() if root else path.name


def read_one_source(root: Path | None, path: Path) -> Report | SourceOutcome:
    """The report of one source, or its failed outcome with the reason."""
    display = display_path(root, path)
    if not (path.is_file() or is_page_folder(path)):  # a pipe would block the reader forever
        return SourceOutcome(display, "failed", None, "not a regular file (a pipe, socket, device or folder)", [])
    try:
        return read_report(path, display)
    except ReportError as error:
        return SourceOutcome(display, "failed", None, str(error), [])
    except Exception as error:  # a reader bug, or a library out of memory, must fail this source alone
        if out_of_memory(error):
            reason = "ran out of memory: over the memory limit for one source"
            return SourceOutcome(display, "failed", None, reason, [])
        log.exception("unexpected error while reading %s", display)
        return SourceOutcome(display, "failed", None, f"internal error: {error!r}", [])


def read_source(settings: PipelineSettings, path: Path) -> Report | SourceOutcome:
    """Step 1 for one source: read it (in a reader child under the time and memory limits), or take
    what reading it gave before from the cache, then apply the maintainer's overrides."""
    display = display_path(settings.root, path)
    if display in settings.failed:
        return SourceOutcome(display, "failed", None, settings.failed[display], [])
    cache = settings.cache
    key = (settings.keys.get(display) or cache.key(path, display)) if cache else None
    result = cache.get(key) if cache and key else None
    if result is None:
        result = read_uncached(settings, path)
        if cache and key and isinstance(result, Report):
            cache.put(key, result)
    if isinstance(result, Report):
        apply_override_if_any(result, settings.overrides)
        result.add_findings(dates_in_the_future(result, settings.today))
    return result


def read_uncached(settings: PipelineSettings, path: Path) -> Report | SourceOutcome:
    if settings.limits is None:
        return read_one_source(settings.root, path)
    bounded = path.suffix.lower() in BOUNDED_READERS
    return read_within_limits(read_one_source, settings.root, path, settings.limits, stopped_outcome(settings), bounded)


def stopped_outcome(settings: PipelineSettings) -> Callable[[Path, str], SourceOutcome]:
    def outcome(path: Path, reason: str) -> SourceOutcome:
        return SourceOutcome(display_path(settings.root, path), "failed", None, reason, [])

    return outcome


def read_to_keep(settings: PipelineSettings, path: Path) -> tuple[ReportSummary | SourceOutcome, Report | None]:
    """Step 1 in a worker: the summary goes to the parent, the whole report stays for step 3."""
    result = read_source(settings, path)
    if isinstance(result, SourceOutcome):
        return result, None
    summary = ReportSummary(metadata_only(result), report_stats(result))
    for table in result.statistics:  # a worker keeps every report it read until step 3
        table.forget_lookup()
    return summary, result


def read_sources(
    paths: list[Path], settings: PipelineSettings, jobs: int = 1
) -> tuple[list[Report], list[SourceOutcome]]:
    """Step 1 alone (for `stats`): every report read whole, and a failed outcome for each source
    that cannot be."""
    results = map_in_processes(read_source, paths, jobs, shared=settings)
    stop_readers()
    return [r for r in results if isinstance(r, Report)], [r for r in results if isinstance(r, SourceOutcome)]


@dataclass(frozen=True)
class RenderPlan:
    """What step 3 needs, sent to every worker: the planned archive and where to write."""

    archive: Archive
    out_dir: Path
    pretty_json: bool = False
    source_dir: Path | None = None  # copy each original beside its page (the site), or not (convert)
    indexed: bool = False  # write each report's search record beside its page (rendered_pages.rendered_path)
    previous_dir: Path | None = None  # the previous build's out_dir: files it holds unchanged are linked
    incremental: bool = False  # keep what each report's files were made from, to reuse them (rendered_pages.py)


def publish_original(source: Path, target: Path, previous: Path | None = None) -> None:
    """The source beside its page: a copy of the file (or a link to the previous build's copy of
    the same bytes), or a page folder's images in one zip."""
    if is_page_folder(source):
        zip_page_folder(source, target)
    else:
        copy_file(source, target, previous)


def render_report(plan: RenderPlan, page_index: int, report: Report) -> None:
    """Step 3 for one report: its page and JSON with what the plan found, its original, its record
    (or, in an incremental build, the previous build's when they were made from the same things)."""
    page = plan.archive.pages[page_index]
    agency = plan.archive.agencies[page.agency_id]
    report.findings = list(page.report.findings)  # including what planning added (a duplicate)
    report.added = page.report.added  # the ledger's day, known to the parent only
    copied = plan.source_dir is not None and page.path not in plan.archive.originals_linked
    crops = row_crops(report) if plan.source_dir is not None else []  # cut from the source (crops.py)
    data_json = report_json(report, plan.pretty_json)  # every field of the report: what its key hashes
    rendered = plan.incremental or plan.indexed  # the key (and the record) beside the page: rendered_pages.py
    options = (plan.pretty_json, plan.source_dir is not None, plan.indexed, copied)
    key = render_key(data_json, page, agency, options) if rendered else ""
    if plan.incremental and plan.previous_dir:
        names = [page.path, page.data_path, *([page.original_path] if copied else []), *crop_paths(page.path, crops)]
        if reuse_previous(plan.previous_dir, plan.out_dir, page, key, names):
            return
    env = template_environment()
    linked = page.path in plan.archive.originals_linked
    original = original_href(page.original_path, report.provenance.url if linked else None)
    data_name = posixpath.basename(page.data_path)
    prepared = prepare_report(env, report, plan.pretty_json, data_name, data_json, original, crops)
    files = report_files(env, page, prepared, agency, original_linked=linked)
    if crops:
        files.update(render_crops(plan.source_dir / report.source.path, crops, page.path))
    if rendered:  # the search record is what the index is made from (build.write_index)
        files[rendered_path(page)] = rendered_bytes(key, record_bytes(report_record(report)) if plan.indexed else b"")
    write_files(plan.out_dir, files, plan.previous_dir)
    if copied:
        previous = plan.previous_dir / page.original_path if plan.previous_dir else None
        publish_original(plan.source_dir / page.report.source.path, plan.out_dir / page.original_path, previous)


def render_kept(plans: Sequence[RenderPlan], kept: dict[int, Report | None]) -> None:
    """Step 3 in a worker: render the reports this worker read, each in the plan (the site, or the
    partition of a partitioned build) that holds it."""
    for plan in plans:
        index_of = page_indexes(plan.archive.pages)
        for report in kept.values():
            if report is not None and report.source.path in index_of:
                render_report(plan, index_of[report.source.path], report)


def page_indexes(pages: list[ReportPage]) -> dict[str, int]:
    return {page.report.source.path: index for index, page in enumerate(pages)}


class Pipeline:
    """Steps 1 and 3 in the same workers (step 2 runs in between, in the parent), so that what a
    worker read never travels: use as `with Pipeline(…) as pipeline: pipeline.read(); …; pipeline.render(plan)`."""

    def __init__(self, paths: list[Path], settings: PipelineSettings, jobs: int = 1) -> None:
        self.paths = paths
        self.settings = settings
        self.workers = KeepingWorkers(jobs, read_to_keep, settings)

    def __enter__(self) -> Pipeline:
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        if kind is None:
            self.workers.close()
        else:  # stopping (an error, Ctrl-C, SIGTERM): the workers' results are no longer wanted
            self.workers.stop()
        stop_readers()  # this process's reader children (the workers' end with them)

    def read(self) -> ReadResult:
        progress = Progress("reading sources", len(self.paths))
        results = self.workers.run_first(self.paths, progress.update)
        progress.finish()
        summaries = [result for result in results if isinstance(result, ReportSummary)]
        failures = [result for result in results if isinstance(result, SourceOutcome)]
        sources = {summary.report.source.path for summary in summaries}
        return ReadResult(summaries, failures, unmatched_problems(self.settings.overrides, sources))

    def render(self, *plans: RenderPlan) -> None:
        """Step 3, once: every plan's reports (a partitioned build has a plan per partition)."""
        self.start_render(*plans)
        self.finish_render()

    def start_render(self, *plans: RenderPlan) -> None:
        """Step 3 begins in the workers; this process is free for other work until finish_render."""
        self.workers.start_second(render_kept, plans)

    def finish_render(self) -> None:
        self.workers.finish_second()


def published_outcomes(archive: Archive) -> list[SourceOutcome]:
    return [
        SourceOutcome(page.report.source.path, "published", page.path, None, list(page.report.findings))
        for page in archive.pages
    ]
