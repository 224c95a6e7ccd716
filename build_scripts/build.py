"""The whole build: read every source, write the content folder, run MkDocs, write the search index,
and account for every source in the build report.

Like `mkdocs build`, it reads everything before it writes anything, and one bad source never
stops the build: it ends up in the build report with its reason.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import json
import logging
import multiprocessing
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from .cluster import ClusterChoice
from .conversion import ConversionSummary, convert_missing
from .conversion_cache import ConversionCache, library_version
from .guard import Limits
from .model import Finding, Report, Severity, SourceOutcome
from .outputs import BUILD_REPORT_NAME, BuildError, BuildFolders, SiteFolders, link, mark_generated, write_files
from .parallel import cycle_collection_paused, end_with_parent
from .partitions import Partition, PartitionPlan, load_partition_plan
from .pipeline import Pipeline, PipelineSettings, RenderPlan, published_outcomes
from .progress import stage
from .reading.changes import CHANGES_NAME, Change, Published, new_changes, read_changes, write_changes
from .reading.ledger import LEDGER_NAME, days_added, read_ledger, write_ledger
from .reading.overrides import OVERRIDES_NAME, load_overrides
from .reading.provenance import is_sidecar, sidecar_source
from .reading.readers import is_page_folder
from .reading.validate import build_day
from .rendered_pages import KEY_LINE_SIZE, rendered_path
from .site.archive import Archive, build_archive, region_code
from .site.compare import compare_files
from .site.cross_year import add_cross_year_findings
from .site.datapackage import datapackage_file
from .site.datasets import StatsRow, dataset_files, numbers_fingerprint
from .site.feeds import feed_files
from .site.labels import SITE_NAME
from .site.mkdocs_process import SiteSettings, mkdocs_in_this_process
from .site.pages.browse import render_browse_pages
from .site.pages.environment import template_environment
from .site.pages.portal import PORTAL_NAV, PartitionSite, portal_feed, render_portal_pages
from .site.query_db import query_database
from .site.search.bundle import IndexedDocument, IndexHost
from .site.search.index_process import index_in_child
from .site.search.record import RecordFiles
from .site.serialize import to_plain
from .site.sql_engine import ENGINE_WARNING, engine_files
from .site.urls import INDEX_DIR, page_url, report_id
from .site_size import GITHUB_PAGES_LIMIT_MB, MB, Original, SiteSize, budget_warning, measure_site, originals_to_link

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CACHE_DIR = REPO_ROOT / ".cache" / "conversions"  # ignored by git; `build --cache` moves it
PROBLEM_SEVERITIES = (Severity.ERROR, Severity.WARNING)


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
    limits: Limits = field(default_factory=Limits)  # what one source may take to read (guard.py)
    # Where reports already read are kept (conversion_cache.py): a folder or an fsspec URL; None:
    # every source is read again.
    cache_dir: Path | str | None = None
    # Where sources missing from the cache are converted (cluster.py): None, a local Dask cluster
    # when the work is worth one; "local"; or a scheduler's address ("tcp://…").
    scheduler: str | None = None
    dashboard: str | None = ":8787"  # a local cluster's dashboard address; None: none
    size_budget_mb: float = GITHUB_PAGES_LIMIT_MB  # a larger site is a site warning (site_size.py)
    # The archive as several sites (partitions.py): site/<name>/ for each partition and the portal.
    partitions: Path | None = None
    # Originals copied beside their pages, or linked at their published address: "auto" links the
    # largest when the site would not fit its budget otherwise (site_size.originals_to_link).
    originals: str = "auto"
    # Where the site is published (canonical URLs, the sitemap, citations); the Pages workflow sets
    # ARCHIVE_SITE_URL. Empty: URLs relative to the site, no sitemap entries.
    site_url: str = field(default_factory=lambda: os.environ.get("ARCHIVE_SITE_URL", ""))
    # Where readers report an error (the repository's issues); the Pages workflow sets it.
    feedback_url: str = field(default_factory=lambda: os.environ.get("ARCHIVE_FEEDBACK_URL", ""))

    @property
    def overrides_path(self) -> Path:
        return self.overrides_file or self.source_dir / OVERRIDES_NAME


@dataclass
class BuildResult:
    outcomes: list[SourceOutcome]
    override_problems: list[str] = field(default_factory=list)
    site_warnings: list[str] = field(default_factory=list)
    index_error: str | None = None
    # Each site's size by part, measured once it is built: the site's (""), or each partition's
    # and the portal's by name.
    sizes: dict[str, SiteSize] = field(default_factory=dict)
    # By site, the sources whose original is linked at its published address instead of copied.
    originals_linked: dict[str, list[str]] = field(default_factory=dict)
    # Seconds per stage, for benchmarks; never written to the (byte-identical) build report.
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def failed(self) -> list[SourceOutcome]:
        return [outcome for outcome in self.outcomes if outcome.status == "failed"]

    @property
    def skipped(self) -> list[SourceOutcome]:
        return [outcome for outcome in self.outcomes if outcome.status == "skipped"]

    @property
    def published(self) -> list[SourceOutcome]:
        return [outcome for outcome in self.outcomes if outcome.status == "published"]

    @property
    def problem_count(self) -> int:
        findings = sum(
            1 for outcome in self.outcomes for finding in outcome.findings if finding.severity in PROBLEM_SEVERITIES
        )
        extra = len(self.override_problems) + len(self.site_warnings) + (1 if self.index_error else 0)
        extra += sum(1 for outcome in self.skipped if outcome.reason != HIDDEN_REASON)  # hidden files are normal
        return len(self.failed) + findings + extra

    def exit_code(self, strict: bool) -> int:
        if self.index_error:
            return 1
        return 1 if strict and self.problem_count else 0


HIDDEN_REASON = "hidden (its name starts with a dot): left out"


def skipped(source_dir: Path, path: Path, reason: str) -> SourceOutcome:
    return SourceOutcome(path.relative_to(source_dir).as_posix(), "skipped", None, reason, [])


def skip_reason(source_dir: Path, path: Path) -> str | None:
    """Why an entry below the source folder is not a source to read, if it is not."""
    if path.name.startswith("."):
        return HIDDEN_REASON
    if path.is_symlink():
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):
            return "a link that leads nowhere (broken, or a loop)"
        if source_dir.resolve() not in target.parents:
            return f"a link to {target}, outside the source folder"
    if not (path.is_file() or is_page_folder(path)):
        return "not a regular file (a pipe, socket or device)"
    if not os.access(path, os.R_OK):
        return "cannot be read (permission denied)"
    return None


def survey_sources(source_dir: Path) -> tuple[list[Path], list[SourceOutcome]]:
    """Every file below the source folder to read, in a stable order, and every other entry with
    the reason it is skipped: nothing below the folder goes unaccounted for. The overrides file and
    sidecars beside their sources are the maintainer's, not sources."""
    if not source_dir.is_dir():
        raise BuildError(f"source folder {source_dir} does not exist")
    sources: list[Path] = []
    skips: list[SourceOutcome] = []

    def unreadable(error: OSError) -> None:
        skips.append(skipped(source_dir, Path(error.filename), f"folder cannot be read: {error.strerror}"))

    for folder, folders, files in os.walk(source_dir, onerror=unreadable):
        here = Path(folder)
        for name in sorted(folders):
            path = here / name
            if name.startswith(".") or path.is_symlink():
                folders.remove(name)  # not walked into: a hidden folder, or a link to one
                skips.append(skipped(source_dir, path, skip_reason(source_dir, path) or HIDDEN_REASON))
            elif is_page_folder(path):
                folders.remove(name)  # one source: a report of one image file per page
                reason = skip_reason(source_dir, path)
                if reason:
                    skips.append(skipped(source_dir, path, reason))
                else:
                    sources.append(path)
        for name in sorted(files):
            path = here / name
            if path in (source_dir / OVERRIDES_NAME, source_dir / LEDGER_NAME, source_dir / CHANGES_NAME) or (
                is_sidecar(path) and sidecar_source(path).exists()
            ):
                continue
            reason = skip_reason(source_dir, path)
            if reason is None and is_sidecar(path):
                reason = "a sidecar (.meta.yaml) without the source file it describes"
            if reason:
                skips.append(skipped(source_dir, path, reason))
            else:
                sources.append(path)
    return sorted(sources), sorted(skips, key=lambda outcome: outcome.source)


def discover_sources(source_dir: Path) -> list[Path]:
    """Every file below the source folder to read, in a stable order (survey_sources)."""
    return survey_sources(source_dir)[0]


def build_epoch(reports: list[Report]) -> int:
    """A fixed build date for MkDocs (sitemap), from the inputs: the day after the newest report year."""
    years = [report.year for report in reports if report.year]
    day = date(max(years) + 1, 1, 1) if years else date(2000, 1, 1)
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


# Below this many pages one MkDocs process is quicker than starting several.
PAGES_PER_EXTRA_PROCESS = 400


def site_url_with_slash(url: str) -> str:
    return url if not url or url.endswith("/") else url + "/"


def process_count(options: BuildOptions, item_count: int) -> int:
    """How many processes to use: as asked, or one per core once there is enough work for them."""
    if options.jobs:
        return options.jobs
    return max(1, min(os.cpu_count() or 1, item_count // PAGES_PER_EXTRA_PROCESS))


FINGERPRINT_NAME = ".site-fingerprint"
# What a page's HTML is made from besides its Markdown: the configuration, the theme and the hooks.
SITE_CODE = (
    "templates/**/*",
    "build_scripts/site/mkdocs_hooks.py",
    "build_scripts/site/markdown_ext.py",
    "build_scripts/site/dialect.py",
)
SITE_LIBRARIES = ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions", "jinja2")


def site_fingerprint(settings: SiteSettings) -> str:
    """The hash of everything but its Markdown that a page's HTML depends on. A previous site with
    another fingerprint gives nothing to the next build. The build date is not in it: only the
    sitemap, made by every build, shows it (tests/test_incremental.py adds a newer year to prove it)."""
    digest = hashlib.sha256(Path(settings.config_file).read_bytes())
    for path in sorted({path for pattern in SITE_CODE for path in REPO_ROOT.glob(pattern) if path.is_file()}):
        digest.update(path.relative_to(REPO_ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    for name in SITE_LIBRARIES:
        digest.update(f"{name}=={library_version(name)}\0".encode())
    # Its address, names and links, which every page shows; not where this build writes.
    digest.update(repr(dataclasses.replace(settings, docs_dir="", site_dir="")).encode())
    return digest.hexdigest()


def page_destination(relative: str) -> str:
    """Where MkDocs (use_directory_urls) writes what it makes from a file of content/."""
    if not relative.endswith(".md"):
        return relative
    folder, _, name = relative[:-3].rpartition("/")
    if name == "index":
        return f"{folder}/index.html" if folder else "index.html"
    return f"{folder}/{name}/index.html" if folder else f"{name}/index.html"


def seed_site(previous: Path | None, content: Path, site: Path, fingerprint: str) -> int:
    """Start the new site with the previous site's files made from each file of content/ (hard
    links), when the previous site was made the same way. MkDocs' dirty build then renders only
    the pages whose Markdown is newer than their HTML: those written by this build, since an
    unchanged file of content/ is a link to the previous one, with its time (outputs.write_bytes).
    A page whose content is gone is not carried over. Returns how many files were carried over."""
    if previous is None or not (previous / FINGERPRINT_NAME).is_file():
        return 0
    if (previous / FINGERPRINT_NAME).read_text(encoding="utf-8") != fingerprint:
        return 0
    made: set[Path] = set()
    seeded = 0
    for folder, folders, files in os.walk(content):
        folders[:] = [name for name in folders if not name.startswith(".")]
        for name in files:
            if name.startswith("."):
                continue
            destination = page_destination((Path(folder) / name).relative_to(content).as_posix())
            old = previous / destination
            if not old.is_file():
                continue
            target = site / destination
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            seeded += link(old, target)
    return seeded


def run_mkdocs(settings: SiteSettings, folders: SiteFolders, epoch: int, processes: int) -> list[str]:
    """Build one site with MkDocs from its new content into its new site folder, in `processes`
    processes, starting from the previous site's unchanged pages; return the warnings it logged."""
    fingerprint = site_fingerprint(settings)
    seeded = seed_site(folders.previous_site, folders.content, folders.site, fingerprint)
    log.info("MkDocs: %s unchanged files taken from the previous site", f"{seeded:,}")
    folders.site.mkdir(parents=True, exist_ok=True)
    (folders.site / FINGERPRINT_NAME).write_text(fingerprint, encoding="utf-8")
    if processes == 1:
        return mkdocs_in_this_process(settings, epoch, None)
    shards = [(settings, epoch, f"{index}/{processes}") for index in range(processes)]
    # A pool that kills its processes on the way out (after the results, or when stopping), each
    # ending with this process (parallel.end_with_parent) even when it is killed.
    context = multiprocessing.get_context("spawn")
    with context.Pool(processes, initializer=end_with_parent, initargs=(os.getpid(),)) as pool:
        results = pool.starmap(mkdocs_in_this_process, shards)
    return [message for messages in results for message in messages]


# Files the theme ships that no page of this site loads: Material's bundle is not used (see
# templates/theme/main.html) and fetches polyfills from a CDN.
UNUSED_ASSETS = ("assets/javascripts",)


def robots_txt(site_url: str) -> str:
    """Every page may be indexed; the sitemap is named when the site's address is known (robots.txt
    takes only absolute sitemap URLs)."""
    lines = ["User-agent: *", "Allow: /"]
    if site_url:
        lines.append(f"Sitemap: {site_url_with_slash(site_url)}sitemap.xml")
    return "\n".join(lines) + "\n"


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
            "published": len(result.published),
            "failed": len(result.failed),
            "skipped": len(result.skipped),
            "findings": {severity.value: severities.count(severity.value) for severity in Severity},
            "override_problems": len(result.override_problems),
            "site_warnings": len(result.site_warnings),
        },
        "sources": [to_plain(outcome) for outcome in outcomes],
        "override_problems": result.override_problems,
        "site_warnings": result.site_warnings,
        "index_error": result.index_error,
        "site_size": site_sizes_data(result.sizes),
        # Not copied beside their pages but linked at their published address (--originals).
        "originals_linked": {name: sources for name, sources in sorted(result.originals_linked.items())},
    }


def site_sizes_data(sizes: dict[str, SiteSize]) -> dict[str, object] | None:
    if set(sizes) == {""}:
        return sizes[""].to_plain()
    return {name: size.to_plain() for name, size in sorted(sizes.items())} or None


def write_build_report(result: BuildResult, site_dir: Path) -> Path:
    path = site_dir / BUILD_REPORT_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(build_report_data(result), ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    path.write_text(text, encoding="utf-8")
    return path


def format_findings(findings: list[Finding]) -> list[str]:
    return [f"    {finding.severity.value}: [{finding.code}] {finding.message}" for finding in findings]


# The terminal lists this many sources that need attention; the build report file lists them all.
MAX_LISTED = 50


def needs_attention(outcome: SourceOutcome) -> bool:
    """A source the maintainer should look at: failed, skipped (not merely hidden), or published
    with a warning or an error (an info finding, such as an area standing for a division, is not)."""
    if outcome.status == "failed" or (outcome.status == "skipped" and outcome.reason != HIDDEN_REASON):
        return True
    return any(finding.severity in PROBLEM_SEVERITIES for finding in outcome.findings)


def outcome_lines(outcome: SourceOutcome) -> list[str]:
    if outcome.status == "published":
        head = f"  ok      {outcome.source} -> {outcome.page}"
    elif outcome.status == "skipped":
        head = f"  skipped {outcome.source}: {outcome.reason}"
    else:
        head = f"  FAILED  {outcome.source}: {outcome.reason}"
    shown = [finding for finding in outcome.findings if finding.severity in PROBLEM_SEVERITIES]
    return [head, *format_findings(shown)]


def build_report_text(result: BuildResult, report_path: Path | None = None) -> str:
    """The build report as people read it in the terminal: only the sources that need attention
    (at most MAX_LISTED of them), the site's own problems, and the totals; every source with every
    finding is in the build report file."""
    attention = [o for o in sorted(result.outcomes, key=lambda o: o.source) if needs_attention(o)]
    lines = [line for outcome in attention[:MAX_LISTED] for line in outcome_lines(outcome)]
    if len(attention) > MAX_LISTED:
        where = report_path or BUILD_REPORT_NAME
        lines.append(f"  … and {len(attention) - MAX_LISTED:,} more sources that need attention: see {where}")
    lines.extend(f"  overrides problem: {message}" for message in result.override_problems)
    lines.extend(f"  site warning: {message}" for message in result.site_warnings)
    if result.index_error:
        lines.append(f"  search index FAILED: {result.index_error}")
    for name, size in sorted(result.sizes.items()):
        lines.append(f"  site size{f' ({name})' if name else ''}: {size.summary()}")
    for name, sources in sorted(result.originals_linked.items()):
        lines.append(
            f"  originals linked, not copied{f' ({name})' if name else ''}: {len(sources):,} (at their published "
            "address, to keep the site within its budget; listed in the build report file)"
        )
    skipped = f", {len(result.skipped):,} skipped" if result.skipped else ""
    lines.append(
        f"{len(result.outcomes) - len(result.skipped):,} sources: {len(result.published):,} published, "
        f"{len(result.failed):,} failed{skipped}, problems: {result.problem_count:,}"
    )
    if not attention:
        lines.insert(0, "  every source was published without a problem")
    return "\n".join(lines)


def record_days_added(ledger: Path, reports: list[Report]) -> list[str]:
    """Give each report the day its source joined the archive, adding new sources to the ledger
    with the day of the build; the problems of the ledger file."""
    entries, problems = read_ledger(ledger)
    days, updated = days_added([(r.source.path, r.source.sha256) for r in reports], entries, build_day())
    for report in reports:
        report.added = days[report.source.path]
    problem = write_ledger(ledger, updated)
    return problems + ([problem] if problem else [])


def record_changes(log: Path, sites: list[SiteBuild], stats: dict[str, StatsRow]) -> tuple[list[Change], list[str]]:
    """The archive's changelog with this build's changes appended (and written back to the source
    folder); the problems of the log file."""
    changes, problems = read_changes(log)
    published = [
        Published(
            page.report.source.path,
            page.report.source.sha256,
            numbers_fingerprint(stats[page.report.source.path]),
            report_id(page.path),
            page.report.title,
            page.report.added or "",
        )
        for site in sites
        for page in site.archive.pages
    ]
    changes = changes + new_changes(published, changes, build_day())
    problem = write_changes(log, changes)
    return changes, problems + ([problem] if problem else [])


def site_changes(changes: list[Change], site: SiteBuild, plan: PartitionPlan | None) -> list[Change]:
    """The changes of one site's reports: all of them, or a partition's (by the division code in
    the report's id, as its reports are assigned)."""
    if plan is None or site.address is None:
        return changes
    mine = []
    for change in changes:
        code = change.report.split("/")[1] if change.report.count("/") >= 2 else ""
        partition = plan.partition_of(code)
        if partition is not None and partition.name == site.name:
            mine.append(change)
    return mine


@dataclass
class SiteBuild:
    """One site this build makes: the whole archive's, or a partition's (`address`)."""

    name: str  # its folder below the build's site folder ("": the build's site folder itself)
    archive: Archive
    folders: SiteFolders
    settings: SiteSettings
    address: Partition | None = None
    browse_pages: dict[str, str] = field(default_factory=dict)

    @property
    def page_count(self) -> int:
        return len(self.archive.pages) + len(self.browse_pages)


def site_settings(options: BuildOptions, folders: SiteFolders, **extra: Any) -> SiteSettings:
    return SiteSettings(
        str(options.config_file),
        str(folders.content),
        str(folders.site),
        site_url_with_slash(extra.pop("site_url", options.site_url)),
        options.feedback_url,
        **extra,
    )


def partition_settings(
    options: BuildOptions, folders: SiteFolders, plan: PartitionPlan, partition: Partition
) -> SiteSettings:
    """A partition links to the portal, and searches with the portal's index (the whole archive's)."""
    portal = plan.portal.base_from()
    return site_settings(
        options,
        folders,
        site_url=partition.site_url,
        site_name=f"{SITE_NAME} · {partition.title}",
        portal_url=portal,
        portal_title=plan.portal.title,
        search_index=f"{portal}{INDEX_DIR}/",
    )


def plan_sites(
    options: BuildOptions,
    folders: BuildFolders,
    reports: list[Report],
    agency_links: dict[str, str],
    plan: PartitionPlan | None,
) -> tuple[list[SiteBuild], list[SourceOutcome]]:
    """The sites to build and their archives: one, or one per partition, with the reports that no
    partition takes (skipped, with the reason)."""
    if plan is None:
        whole = folders.site_folders()
        return [SiteBuild("", build_archive(reports, agency_links), whole, site_settings(options, whole))], []
    assigned, left = plan.assign(reports)
    sites = []
    for partition in plan.partitions:
        site_folders = folders.site_folders(partition.name)
        settings = partition_settings(options, site_folders, plan, partition)
        archive = build_archive(assigned[partition.name], agency_links)
        sites.append(SiteBuild(partition.name, archive, site_folders, settings, partition))
    reason = "in no partition: its region ({}) is in no partition's regions, and no partition takes the rest"
    unplaced = [
        SourceOutcome(r.source.path, "skipped", None, reason.format(region_code(r.region)), list(r.findings))
        for r in left
    ]
    return sites, unplaced


def plan_originals(options: BuildOptions, archive: Archive) -> None:
    """Decide which originals the site links at their published address instead of copying."""
    originals = [
        Original(page.path, page.report.source.size, bool(page.report.provenance.url)) for page in archive.pages
    ]
    archive.originals_linked = originals_to_link(originals, int(options.size_budget_mb * MB), options.originals)


def render_plan(options: BuildOptions, site: SiteBuild) -> RenderPlan:
    """How one site's reports are rendered, its originals decided first (copied, or linked)."""
    plan_originals(options, site.archive)
    return RenderPlan(
        site.archive,
        site.folders.content,
        source_dir=options.source_dir,
        indexed=options.index,
        previous_dir=site.folders.previous_content,
        incremental=True,
    )


def write_site_content(
    options: BuildOptions, site: SiteBuild, stats: dict[str, StatsRow], engine: dict[str, bytes] | None
) -> None:
    """Plan one site's browse pages and downloads and write them into its content folder."""
    archive, folders = site.archive, site.folders
    downloads = dataset_files(archive, stats, process_count(options, len(archive.pages)))
    database = query_database(archive, stats)
    site.browse_pages = render_browse_pages(archive, stats, downloads, database, engine)
    previous = folders.previous_content  # its unchanged files are linked, not written again
    write_files(folders.content, site.browse_pages, previous)
    write_files(folders.content, compare_files(archive, stats), previous)
    write_files(folders.content, database.files, previous)
    write_files(folders.content, engine or {}, previous)
    write_files(folders.content, feed_files(archive, site.settings.site_url), previous)
    write_files(folders.content, downloads.files, previous)
    write_files(folders.content, datapackage_file(archive, downloads, site.settings.site_url), previous)


def indexed_documents(site: SiteBuild, root_of: Callable[[str], str]) -> tuple[list[IndexedDocument], list[Path]]:
    """A site's reports as the index lists them (`root_of(path)`: a page's URL from the index's
    site), with their records' files, which rendering left beside the pages."""
    records = [site.folders.content / rendered_path(page) for page in site.archive.pages]
    documents = [IndexedDocument.of(page.report, root_of(page.path)) for page in site.archive.pages]
    return documents, records


def index_inputs(sites: list[SiteBuild]) -> tuple[list[IndexedDocument], list[Path], list[IndexHost]]:
    """What the search index is made from: every report page as the index lists it, its record's
    file, and (partitioned) the partitions' sites that host a share of the index."""
    documents: list[IndexedDocument] = []
    records: list[Path] = []
    hosts = []
    for site in sites:
        address = site.address
        # A result's page: on this site, or on a partition's, from the portal's root.
        link = page_url if address is None else functools.partial(address.page_from, None)
        site_documents, site_records = indexed_documents(site, link)
        documents += site_documents
        records += site_records
        if address is not None:  # the partition's share, and its URL from the portal's index folder
            url = address.base_from(f"{INDEX_DIR}/index.md") + f"{INDEX_DIR}/"
            hosts.append(IndexHost(site.folders.site / INDEX_DIR, url))
    return documents, records, hosts


@contextlib.contextmanager
def index_beside_mkdocs(
    options: BuildOptions, sites: list[SiteBuild], portal: SiteBuild | None
) -> Iterator[Callable[[], str | None] | None]:
    """The search index written in a process of its own while MkDocs builds the sites, on the CPU
    MkDocs leaves: it reads only the records in content/ and writes only search-index/, which
    MkDocs never touches. Yields the wait for its error message (None: no index asked); a build
    stopping before that kills it."""
    if not options.index:
        yield None
        return
    index_site = portal.folders.site if portal else sites[0].folders.site
    documents, records, hosts = index_inputs(sites)
    jobs = process_count(options, len(documents))
    # Spawned, not forked: this process runs the threads of MkDocs' pools. Not a pool's daemon
    # either: the index forks workers of its own for a large archive.
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    arguments = (os.getpid(), sender, index_site, documents, RecordFiles(records, KEY_LINE_SIZE), hosts, jobs)
    process = context.Process(target=index_in_child, args=arguments)
    process.start()
    sender.close()

    def written() -> str | None:
        try:
            status, message = receiver.recv()
        except EOFError:
            status, message = "ok", f"the search index could not be written: its process ended ({process.exitcode})"
        process.join()
        if status == "error":
            raise RuntimeError(f"the search index process failed:\n{message}")
        return message

    try:
        yield written
    finally:
        if process.is_alive():  # the build stopped before the index was done
            process.kill()
            process.join()
        receiver.close()


def build_portal(
    options: BuildOptions,
    folders: BuildFolders,
    plan: PartitionPlan,
    sites: list[SiteBuild],
    stats: dict[str, StatsRow],
    changes: list[Change],
) -> SiteBuild:
    """The portal's content: national home, regions, overview, search, dictionary, changelog."""
    portal_folders = folders.site_folders(plan.portal.name)
    settings = site_settings(
        options,
        portal_folders,
        site_url=plan.portal.site_url,
        site_name=f"{SITE_NAME} · {plan.portal.title}",
        nav=PORTAL_NAV,
    )
    partitions = [PartitionSite(site.address, site.archive) for site in sites if site.address]
    pages = render_portal_pages(template_environment(), partitions, stats, changes)
    write_files(portal_folders.content, pages, portal_folders.previous_content)
    write_files(portal_folders.content, portal_feed(partitions, settings.site_url), portal_folders.previous_content)
    empty = build_archive([], {})
    return SiteBuild(plan.portal.name, empty, portal_folders, settings, browse_pages=pages)


def build_in(
    options: BuildOptions,
    folders: BuildFolders,
    sources: list[Path],
    lap: Callable[[str], None],
    plan: PartitionPlan | None = None,
) -> BuildResult:
    """The build's stages, writing into the new folders (the search records only when indexed)."""
    overrides = load_overrides(options.overrides_path)
    cache = ConversionCache(options.cache_dir) if options.cache_dir else None
    converted = ConversionSummary()
    if cache is not None:
        cluster = ClusterChoice(options.scheduler, options.jobs, options.dashboard)
        converted = convert_missing(sources, options.source_dir, cache, options.limits, cluster)
        lap("conversion")
    settings = PipelineSettings(
        options.source_dir,
        overrides,
        limits=options.limits,
        cache=cache,
        failed=converted.failed,
        keys=converted.keys,
    )
    with cycle_collection_paused(), Pipeline(sources, settings, process_count(options, len(sources))) as pipeline:
        read = pipeline.read()
        read.override_problems.extend(record_days_added(options.source_dir / LEDGER_NAME, read.reports))
        lap("prepare")
        stats = read.stats
        planning = stage("planning pages and downloads")
        sites, unplaced = plan_sites(options, folders, read.reports, overrides.agency_links, plan)
        for site in sites:  # within each site (an agency whose reports two partitions share: in each)
            add_cross_year_findings(site.archive, stats)
        # Everything read: the workers write the reports while this process writes the rest, on
        # the core the workers leave. They wait until then, so only what their pages show comes
        # first (the changelog is not on a report's page, nor in what its key hashes).
        pipeline.start_render(*[render_plan(options, site) for site in sites])
        changes, problems = record_changes(options.source_dir / CHANGES_NAME, sites, stats)
        read.override_problems.extend(problems)
        for site in sites:
            site.archive.changes = site_changes(changes, site, plan)
        engine = engine_files()  # the SQL page's, published with each site (None: not installed)
        for site in sites:
            write_site_content(options, site, stats, engine)
        portal = build_portal(options, folders, plan, sites, stats, changes) if plan else None
        pages = sum(len(site.archive.pages) for site in sites)
        planning.finish(f"{pages:,} report pages, {sum(len(site.browse_pages) for site in sites):,} browse pages")
        lap("browse")
        writing = stage("writing content")
        pipeline.finish_render()
        writing.finish()
        lap("publish")
    outcomes = [outcome for site in sites for outcome in published_outcomes(site.archive)]
    result = BuildResult(outcomes=outcomes + read.failures + unplaced, override_problems=read.override_problems)
    if engine is None:
        result.site_warnings.append(ENGINE_WARNING)
    for site in sites:
        linked = site.archive.originals_linked
        if linked:
            sources = [page.report.source.path for page in site.archive.pages if page.path in linked]
            result.originals_linked[site.name] = sorted(sources)
    epoch = build_epoch(read.reports)
    with index_beside_mkdocs(options, sites, portal) as index_written:
        clock = time.perf_counter()
        for site in [*sites, *([portal] if portal else [])]:
            progress = stage(f"MkDocs{f' ({site.settings.site_name})' if plan else ''}: {site.page_count:,} pages")
            warnings = run_mkdocs(site.settings, site.folders, epoch, process_count(options, site.page_count))
            result.site_warnings += [f"{site.name}: {w}" if plan else w for w in warnings]
            progress.finish()
        result.timings["mkdocs"] = time.perf_counter() - clock
        if index_written is not None:
            clock = time.perf_counter()  # what is left of the index once MkDocs is done
            indexing = stage(f"search index: {pages:,} reports")
            result.index_error = index_written()
            indexing.finish()
            result.timings["index"] = time.perf_counter() - clock
    for site in [*sites, *([portal] if portal else [])]:
        finish_site(options, site, result)
    return result


def finish_site(options: BuildOptions, site: SiteBuild, result: BuildResult) -> None:
    """The last touches of one built site, and its size against the budget."""
    prune_unused_assets(site.folders.site)
    (site.folders.site / "robots.txt").write_text(robots_txt(site.settings.site_url), encoding="utf-8")
    size = measure_site(site.folders.site, options.size_budget_mb)
    result.sizes[site.name] = size
    warning = budget_warning(size)
    if warning:
        result.site_warnings.append(f"{site.name}: {warning}" if site.name else warning)


def build(options: BuildOptions) -> BuildResult:
    """Read all sources, write content/, build site/, index it, and write the build report."""
    clock = start = time.perf_counter()
    timings: dict[str, float] = {}

    def lap(stage: str) -> None:
        nonlocal clock
        timings[stage] = time.perf_counter() - clock
        clock = time.perf_counter()

    if options.scheduler and not options.cache_dir:
        raise BuildError("a cluster's workers hand over what they convert through the cache: --scheduler needs --cache")
    sources, skips = survey_sources(options.source_dir)
    with BuildFolders(options.source_dir, options.content_dir, options.site_dir) as folders:
        plan = load_partition_plan(options.partitions).addressed(options.site_url) if options.partitions else None
        result = build_in(options, folders, sources, lap, plan)
        result.outcomes += skips
        result.timings = {
            **timings,
            **result.timings,
            "convert": timings.get("conversion", 0.0) + timings["publish"] + timings["browse"] + timings["prepare"],
        }
        mark_generated(folders.site)  # a sharded MkDocs build starts from an empty folder
        write_build_report(result, folders.site)
        folders.publish()
    result.timings["total"] = time.perf_counter() - start
    return result
