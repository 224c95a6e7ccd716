"""The whole build: read every source, write the content folder, run MkDocs, index with Pagefind,
and account for every source in the build report.

Like `mkdocs build`, it reads everything before it writes anything, and one bad source never
stops the build: it ends up in the build report with its reason.
"""

from __future__ import annotations

import contextlib
import json
import logging
import multiprocessing
import os
import posixpath
import shutil
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from .model import Finding, Report, Severity, SourceOutcome
from .parallel import KeepingWorkers, cycle_collection_paused, map_in_processes
from .reading.overrides import OVERRIDES_NAME, Overrides, apply_override_if_any, load_overrides, unmatched_problems
from .reading.provenance import is_sidecar
from .reading.readers import ReportError, read_report
from .site.archive import Archive, build_archive
from .site.datasets import StatsRow, dataset_files, write_binary_files
from .site.mkdocs_hooks import SHARD_VARIABLE
from .site.pages.browse import render_browse_pages
from .site.pages.environment import template_environment
from .site.pages.report import PreparedReport, default_data_name, prepare_report, report_files
from .site.search_index import SHARD_SIZE, record_name, render_record, report_facets, run_pagefind, write_facets
from .site.serialize import to_plain
from .site.urls import page_url

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parent.parent
GENERATED_MARKER = ".generated-by-build-scripts"
BUILD_REPORT_NAME = "build-report.json"
PROBLEM_SEVERITIES = (Severity.ERROR, Severity.WARNING)


class BuildError(Exception):
    """The build as a whole cannot go on (not one source: those are reported and skipped)."""


@dataclass(frozen=True)
class BuildOptions:
    source_dir: Path = REPO_ROOT / "reports"
    content_dir: Path = REPO_ROOT / "content"
    site_dir: Path = REPO_ROOT / "site"
    config_file: Path = REPO_ROOT / "mkdocs.yml"
    overrides_file: Path | None = None  # default: overrides.yaml in the source folder
    strict: bool = False
    index: bool = True
    jobs: int | None = None  # processes for conversion and MkDocs; None: one per core for a large archive
    search_shard_size: int = SHARD_SIZE  # reports per search index shard (search_index.py)

    @property
    def overrides_path(self) -> Path:
        return self.overrides_file or self.source_dir / OVERRIDES_NAME


@dataclass
class BuildResult:
    outcomes: list[SourceOutcome]
    override_problems: list[str] = field(default_factory=list)
    site_warnings: list[str] = field(default_factory=list)
    index_error: str | None = None
    # Seconds per stage, for benchmarks; never written to the (byte-identical) build report.
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def failed(self) -> list[SourceOutcome]:
        return [outcome for outcome in self.outcomes if outcome.status == "failed"]

    @property
    def problem_count(self) -> int:
        findings = sum(
            1 for outcome in self.outcomes for finding in outcome.findings if finding.severity in PROBLEM_SEVERITIES
        )
        extra = len(self.override_problems) + len(self.site_warnings) + (1 if self.index_error else 0)
        return len(self.failed) + findings + extra

    def exit_code(self, strict: bool) -> int:
        if self.index_error:
            return 1
        return 1 if strict and self.problem_count else 0


def write_text(path: Path, text: str) -> None:
    """Text as UTF-8 with \\n line ends on every platform (the site is byte-identical)."""
    path.write_text(text, encoding="utf-8", newline="\n")


def write_files(root: Path, files: dict[str, str]) -> None:
    """Every {relative path: text} below root, folders made once."""
    made: set[Path] = set()
    for relative, text in files.items():
        target = root / relative
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        write_text(target, text)


def discover_sources(source_dir: Path) -> list[Path]:
    """Every file below the source folder, hidden files and the overrides file aside, in a stable order."""
    if not source_dir.is_dir():
        raise BuildError(f"source folder {source_dir} does not exist")
    return sorted(
        path
        for path in source_dir.rglob("*")
        if path.is_file()
        and path != source_dir / OVERRIDES_NAME
        and not is_sidecar(path)
        and not any(part.startswith(".") for part in path.relative_to(source_dir).parts)
    )


def read_one_source(root: Path | None, path: Path) -> Report | SourceOutcome:
    """The report of one source, or its failed outcome with the reason."""
    display = path.relative_to(root).as_posix() if root else path.name
    try:
        return read_report(path, display)
    except ReportError as error:
        return SourceOutcome(display, "failed", None, str(error), [])
    except Exception as error:  # a reader bug must not take the other sources down with it
        log.exception("unexpected error while reading %s", display)
        return SourceOutcome(display, "failed", None, f"internal error: {error!r}", [])


@dataclass(frozen=True)
class PrepareSettings:
    """What every worker preparing reports needs (inherited when it forks)."""

    root: Path | None
    overrides: Overrides
    pretty_json: bool = False


def prepare_one_source(settings: PrepareSettings, path: Path) -> PreparedReport | SourceOutcome:
    """Read one source, apply the maintainer's overrides, and render what needs only the report."""
    result = read_one_source(settings.root, path)
    if isinstance(result, SourceOutcome):
        return result
    apply_override_if_any(result, settings.overrides)
    return prepare_report(template_environment(), result, settings.pretty_json)


def prepare_sources(
    paths: list[Path], settings: PrepareSettings, jobs: int = 1
) -> tuple[dict[str, PreparedReport], list[SourceOutcome], list[str]]:
    """Every source prepared (by source path) or failed; and the problems of the overrides."""
    results = map_in_processes(prepare_one_source, paths, jobs, shared=settings)
    prepared = {result.report.source.path: result for result in results if isinstance(result, PreparedReport)}
    failures = [result for result in results if isinstance(result, SourceOutcome)]
    return prepared, failures, unmatched_problems(settings.overrides, set(prepared))


def prepare_second_copies(archive: Archive, prepared: dict[str, PreparedReport], settings: PrepareSettings) -> None:
    """A second copy of an agency-year is named by its hash (archive.py), so its content links to a
    differently named JSON and its data carries the duplicate finding: prepare it again (rare)."""
    for page in archive.pages:
        data_name = posixpath.basename(page.data_path)
        if data_name == default_data_name(page.report):
            continue
        path = (settings.root / page.report.source.path) if settings.root else Path(page.report.source.path)
        report = read_report(path, page.report.source.path)
        apply_override_if_any(report, settings.overrides)
        report.findings = list(page.report.findings)  # now including the duplicate finding
        prepared[page.report.source.path] = prepare_report(
            template_environment(), report, settings.pretty_json, data_name
        )


def read_sources(paths: list[Path], root: Path | None, jobs: int = 1) -> tuple[list[Report], list[SourceOutcome]]:
    """Reports from every source that can be read, and a failed outcome for each that cannot."""
    results = map_in_processes(read_one_source, paths, jobs, shared=root)
    reports = [result for result in results if isinstance(result, Report)]
    return reports, [result for result in results if isinstance(result, SourceOutcome)]


def published_outcomes(archive: Archive) -> list[SourceOutcome]:
    return [
        SourceOutcome(page.report.source.path, "published", page.path, None, list(page.report.findings))
        for page in archive.pages
    ]


def prepare_content_dir(content_dir: Path) -> None:
    """Empty the content folder, refusing to touch one that this build did not make."""
    if content_dir.exists():
        if any(content_dir.iterdir()) and not (content_dir / GENERATED_MARKER).exists():
            raise BuildError(f"{content_dir} holds files this build did not write; refusing to replace it")
        shutil.rmtree(content_dir)
    content_dir.mkdir(parents=True)
    (content_dir / GENERATED_MARKER).write_text("Generated by `python -m build_scripts build`; do not edit.\n")


@dataclass(frozen=True)
class PublishState:
    """What every worker publishing report pages needs (inherited when it forks)."""

    archive: Archive
    prepared: dict[str, PreparedReport]
    source_dir: Path
    content_dir: Path
    records_dir: Path | None  # where the search records go, when the site is indexed


def publish_one_report(state: PublishState, index: int) -> None:
    """Write one report's page and data, copy its original file beside them for readers to check,
    and write its search record."""
    page = state.archive.pages[index]
    prepared = state.prepared[page.report.source.path]
    env = template_environment()
    files = report_files(env, page, prepared, state.archive.agencies[page.agency_id])
    (state.content_dir / page.path).parent.mkdir(parents=True, exist_ok=True)
    for relative, text in files.items():
        write_text(state.content_dir / relative, text)
    shutil.copyfile(state.source_dir / page.report.source.path, state.content_dir / page.original_path)
    if state.records_dir is not None:
        record = render_record(env, page.report, page_url(page.path), prepared.search_blocks)
        write_text(state.records_dir / record_name(index), record)


def publish_prepared(state: PublishState, leave_out: frozenset[str] = frozenset()) -> None:
    """Write every report of the archive that this process prepared, except those left out."""
    for index, page in enumerate(state.archive.pages):
        source = page.report.source.path
        if source in state.prepared and source not in leave_out:
            publish_one_report(state, index)


@dataclass(frozen=True)
class ReportSummary:
    """What round one sends to the parent: a report's metadata and its cells, compact."""

    report: Report
    stats: StatsRow


def prepare_to_publish(
    settings: PrepareSettings, path: Path
) -> tuple[ReportSummary | SourceOutcome, PreparedReport | None]:
    """Round one in a worker: the report's metadata and cells for the archive; the prepared report stays."""
    result = prepare_one_source(settings, path)
    if isinstance(result, SourceOutcome):
        return result, None
    return ReportSummary(result.report, result.stats), result


@dataclass(frozen=True)
class PublishMessage:
    """Round two, sent to every worker: the archive, where to write, and what the parent writes."""

    archive: Archive
    source_dir: Path
    content_dir: Path
    records_dir: Path | None
    written_by_parent: frozenset[str]  # second copies, prepared again by the parent


def publish_kept(message: PublishMessage, kept: dict[int, PreparedReport | None]) -> None:
    """Round two in a worker: write the pages of the reports this worker prepared."""
    prepared = {item.report.source.path: item for item in kept.values() if item is not None}
    state = PublishState(message.archive, prepared, message.source_dir, message.content_dir, message.records_dir)
    publish_prepared(state, leave_out=message.written_by_parent)


def build_epoch(reports: list[Report]) -> int:
    """A fixed build date for MkDocs (sitemap), from the inputs: the day after the newest report year."""
    years = [report.year for report in reports if report.year]
    day = date(max(years) + 1, 1, 1) if years else date(2000, 1, 1)
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


class WarningCollector(logging.Handler):
    """Collects the warnings MkDocs logs, so they reach the build report."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


# MkDocs logs this for every sharded build; the shards are exactly what a clean build would write.
DIRTY_BUILD_WARNING = "A 'dirty' build is being performed"
# Below this many pages one MkDocs process is quicker than starting several.
PAGES_PER_EXTRA_PROCESS = 400


def mkdocs_in_this_process(config_file: str, docs_dir: str, site_dir: str, epoch: int, shard: str | None) -> list[str]:
    """One MkDocs build (of one shard, see mkdocs_hooks.py); returns the warnings it logged."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    collector = WarningCollector()
    mkdocs_logger = logging.getLogger("mkdocs")
    mkdocs_logger.addHandler(collector)
    variables = {"SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH") or str(epoch), "NO_MKDOCS_2_WARNING": "1"}
    variables[SHARD_VARIABLE] = shard or ""
    saved = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)  # NO_MKDOCS_2_WARNING: Material 9.8 prints an end-of-life banner otherwise
    try:
        config = load_config(config_file=config_file, docs_dir=docs_dir, site_dir=site_dir)
        mkdocs_build(config, dirty=shard is not None)
    finally:
        mkdocs_logger.removeHandler(collector)
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return [message for message in collector.messages if not message.startswith(DIRTY_BUILD_WARNING)]


def process_count(options: BuildOptions, item_count: int) -> int:
    """How many processes to use: as asked, or one per core once there is enough work for them."""
    if options.jobs:
        return options.jobs
    return max(1, min(os.cpu_count() or 1, item_count // PAGES_PER_EXTRA_PROCESS))


def run_mkdocs(options: BuildOptions, epoch: int, page_count: int) -> list[str]:
    """Build the site with MkDocs into site_dir, in one process per core for a large site; return
    the warnings it logged."""
    paths = (str(options.config_file), str(options.content_dir.resolve()), str(options.site_dir.resolve()))
    count = process_count(options, page_count)
    if count == 1:
        return mkdocs_in_this_process(*paths, epoch, None)
    if options.site_dir.exists():
        shutil.rmtree(options.site_dir)  # a sharded build does not clean the folder itself
    options.site_dir.mkdir(parents=True)
    shards = [f"{index}/{count}" for index in range(count)]
    with ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("spawn")) as pool:
        results = pool.map(mkdocs_in_this_process, *zip(*[(*paths, epoch, shard) for shard in shards], strict=True))
        return [message for messages in results for message in messages]


# Files the theme and Pagefind ship that no page of this site loads. Material's bundle is not used
# (see templates/theme/main.html) and fetches polyfills from a CDN; Pagefind's ready-made UIs are
# replaced by the archive's own search page.
UNUSED_ASSETS = (
    "assets/javascripts",
    "pagefind/pagefind-ui.js",
    "pagefind/pagefind-ui.css",
    "pagefind/pagefind-modular-ui.js",
    "pagefind/pagefind-modular-ui.css",
    "pagefind/pagefind-component-ui.js",
    "pagefind/pagefind-component-ui.css",
    "pagefind/pagefind-highlight.js",  # the report pages mark matches with the archive's own script
)


def prune_unused_assets(site_dir: Path) -> None:
    for relative in UNUSED_ASSETS:
        path = site_dir / relative
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


def build_report_data(result: BuildResult) -> dict[str, object]:
    outcomes = sorted(result.outcomes, key=lambda outcome: outcome.source)
    severities = [finding.severity.value for outcome in outcomes for finding in outcome.findings]
    return {
        "summary": {
            "sources": len(outcomes),
            "published": len(outcomes) - len(result.failed),
            "failed": len(result.failed),
            "findings": {severity.value: severities.count(severity.value) for severity in Severity},
            "override_problems": len(result.override_problems),
            "site_warnings": len(result.site_warnings),
        },
        "sources": [to_plain(outcome) for outcome in outcomes],
        "override_problems": result.override_problems,
        "site_warnings": result.site_warnings,
        "index_error": result.index_error,
    }


def write_build_report(result: BuildResult, site_dir: Path) -> Path:
    path = site_dir / BUILD_REPORT_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(build_report_data(result), ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    path.write_text(text, encoding="utf-8")
    return path


def format_findings(findings: list[Finding]) -> list[str]:
    return [f"    {finding.severity.value}: [{finding.code}] {finding.message}" for finding in findings]


def build_report_text(result: BuildResult) -> str:
    """The build report as people read it in the terminal."""
    lines = []
    for outcome in sorted(result.outcomes, key=lambda outcome: outcome.source):
        if outcome.status == "published":
            lines.append(f"  ok      {outcome.source} -> {outcome.page}")
        else:
            lines.append(f"  FAILED  {outcome.source}: {outcome.reason}")
        lines.extend(format_findings(outcome.findings))
    lines.extend(f"  overrides problem: {message}" for message in result.override_problems)
    lines.extend(f"  site warning: {message}" for message in result.site_warnings)
    if result.index_error:
        lines.append(f"  search index FAILED: {result.index_error}")
    published = len(result.outcomes) - len(result.failed)
    lines.append(
        f"{len(result.outcomes)} sources: {published} published, {len(result.failed)} failed, "
        f"problems: {result.problem_count}"
    )
    return "\n".join(lines)


def build(options: BuildOptions) -> BuildResult:
    """Read all sources, write content/, build site/, index it, and write the build report."""
    clock = start = time.perf_counter()
    timings: dict[str, float] = {}

    def lap(stage: str) -> None:
        nonlocal clock
        timings[stage] = time.perf_counter() - clock
        clock = time.perf_counter()

    sources = discover_sources(options.source_dir)
    # The search records are read by Pagefind and then removed: they are not part of the site.
    records_dir = Path(tempfile.mkdtemp(prefix="archive-search-records-")) if options.index else None
    overrides = load_overrides(options.overrides_path)
    settings = PrepareSettings(options.source_dir, overrides)
    workers = KeepingWorkers(process_count(options, len(sources)), prepare_to_publish, settings)
    with cycle_collection_paused(), contextlib.closing(workers):
        results = workers.run_first(sources)
        summaries = [result for result in results if isinstance(result, ReportSummary)]
        reports = [summary.report for summary in summaries]
        stats = {summary.report.source.path: summary.stats for summary in summaries}
        failures = [result for result in results if isinstance(result, SourceOutcome)]
        override_problems = unmatched_problems(overrides, {report.source.path for report in reports})
        lap("prepare")
        archive = build_archive(reports, overrides.agency_links)
        second_copies: dict[str, PreparedReport] = {}
        prepare_second_copies(archive, second_copies, settings)
        downloads = dataset_files(archive, stats, process_count(options, len(archive.pages)))
        browse_pages = render_browse_pages(archive, stats, downloads)
        lap("browse")
        prepare_content_dir(options.content_dir)  # everything has been read: now write
        write_files(options.content_dir, browse_pages)
        write_binary_files(options.content_dir, downloads.files)
        message = PublishMessage(
            archive, options.source_dir, options.content_dir, records_dir, frozenset(second_copies)
        )
        workers.run_second(publish_kept, message)
        publish_prepared(PublishState(archive, second_copies, options.source_dir, options.content_dir, records_dir))
        lap("publish")
    result = BuildResult(outcomes=published_outcomes(archive) + failures, override_problems=override_problems)
    result.timings = timings
    result.timings["convert"] = time.perf_counter() - start
    clock = time.perf_counter()
    result.site_warnings = run_mkdocs(options, build_epoch(reports), len(archive.pages) + len(browse_pages))
    result.timings["mkdocs"] = time.perf_counter() - clock
    if records_dir is not None:
        clock = time.perf_counter()
        shard_size = options.search_shard_size
        result.index_error = run_pagefind(records_dir, options.site_dir, len(archive.pages), shard_size)
        if result.index_error is None:
            write_facets(options.site_dir, [report_facets(page.report) for page in archive.pages], shard_size)
        shutil.rmtree(records_dir)
        result.timings["pagefind"] = time.perf_counter() - clock
    prune_unused_assets(options.site_dir)
    write_build_report(result, options.site_dir)
    return result
