"""The conversion stage: every source the conversion cache does not hold yet is read into it, on a
Dask cluster, before the site is built; the site build then takes every report from the cache.

Only what is missing is sent: the build lists the cache once, hashes each source (its key) and
sends the sources whose key is not there. A worker reads its source as the build would (a reader
child under the time and memory limits, guard.py), writes the report to the cache and sends back
only whether it succeeded: the cache is the one place results travel through, so a cluster's
workers need to reach it (a shared folder, or object storage through fsspec) and the sources (the
same path on every machine). A source that failed is named with its reason and not read again by
the build that follows; a worker that died on a source fails that source alone (cluster.py).

A small amount of work is not worth a cluster's start (about two seconds): then this process
converts it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import pipeline
from .cluster import ClusterChoice, TaskFailure, run_on_cluster
from .conversion_cache import ConversionCache, converter_version
from .guard import Limits, read_within_limits, stop_readers
from .model import SourceOutcome
from .progress import Progress

log = logging.getLogger(__name__)

# Rough seconds to read one source, by kind: a text or Markdown file in milliseconds, anything else
# (PDFs, scans, web pages, Word) in about a second a page.
SECONDS_PER_TEXT_SOURCE = 0.005
SECONDS_PER_OTHER_SOURCE = 1.0
# A local cluster costs about two seconds to start and each task about a millisecond: below this
# much estimated work, the build's own workers convert what is missing.
SECONDS_WORTH_A_CLUSTER = 20.0
# A task costs the engine about two milliseconds (cluster.py): sources go to workers in batches of
# about this much estimated work.
SECONDS_PER_BATCH = 0.5
BATCHES_PER_WORKER = 8


@dataclass(frozen=True)
class ConversionTask:
    """One source to convert: where it is, the name the build shows, and where its report goes."""

    path: Path
    display: str
    key: str


@dataclass(frozen=True)
class ConversionSettings:
    """What every worker is sent once: where the sources and the cache are, the limits per
    source, and the converter the build expects (a worker that runs other code refuses)."""

    root: Path
    limits: Limits
    cache: ConversionCache
    converter: str


@dataclass(frozen=True)
class Converted:
    """What a worker sends back for one source: nothing but whether it is in the cache now."""

    display: str
    failure: str | None = None


@dataclass
class ConversionSummary:
    """Every source's cache key and each failure's reason, by display path, for the site build."""

    keys: dict[str, str] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)
    converted: int = 0


def source_keys(paths: Iterable[Path], root: Path, cache: ConversionCache) -> dict[Path, tuple[str, str | None]]:
    """Each source's display path and its cache key (None: it cannot be read to make one)."""
    keyed = {}
    digests = cache.digests()
    for path in paths:
        display = pipeline.display_path(root, path)
        keyed[path] = (display, cache.key(path, display, digests))
    digests.save()
    return keyed


def tasks_to_convert(keyed: dict[Path, tuple[str, str | None]], stored: set[str]) -> list[ConversionTask]:
    """The sources whose report the cache does not hold (a source without a key is left to the
    build, which names why it cannot be read)."""
    return [ConversionTask(path, display, key) for path, (display, key) in keyed.items() if key and key not in stored]


def task_seconds(task: ConversionTask) -> float:
    text = task.path.suffix.lower() in pipeline.BOUNDED_READERS
    return SECONDS_PER_TEXT_SOURCE if text else SECONDS_PER_OTHER_SOURCE


def estimated_seconds(tasks: list[ConversionTask]) -> float:
    return sum(task_seconds(task) for task in tasks)


def worth_a_cluster(choice: ClusterChoice, tasks: list[ConversionTask]) -> bool:
    """A cluster named (an address, or `local`) is always used; a local one is started only when
    there is more than one core and enough work."""
    if choice.scheduler or choice.address():
        return True
    return choice.local_workers() > 1 and estimated_seconds(tasks) >= SECONDS_WORTH_A_CLUSTER


def read_into_cache(shared: tuple[Path, ConversionCache], job: tuple[Path, str]) -> str | None:
    """Read one source and put its report in the cache: the reason it failed, or None. Run in the
    reader child, the report goes from there to the cache and never through a pipe."""
    root, cache = shared
    path, key = job
    result = pipeline.read_one_source(root, path)
    if isinstance(result, SourceOutcome):
        return result.reason or "failed"
    cache.put(key, result)
    return None


def convert_into_cache(settings: ConversionSettings, task: ConversionTask) -> Converted:
    """Convert one source into the cache under the limits, as the build reads it (pipeline.read_uncached)."""
    if converter_version() != settings.converter:
        return Converted(task.display, "the worker runs another version of the converter than the build")
    bounded = task.path.suffix.lower() in pipeline.BOUNDED_READERS
    shared, job = (settings.root, settings.cache), (task.path, task.key)
    return Converted(
        task.display, read_within_limits(read_into_cache, shared, job, settings.limits, stopped_reason, bounded)
    )


def stopped_reason(job: tuple[Path, str], reason: str) -> str:
    return reason


def convert_batch(settings: ConversionSettings, batch: list[ConversionTask]) -> list[Converted]:
    return [convert_into_cache(settings, task) for task in batch]


def batches_of(tasks: list[ConversionTask], workers: int) -> list[list[ConversionTask]]:
    """Tasks in batches of about SECONDS_PER_BATCH of work (a PDF alone, text files by the
    hundred), and at least BATCHES_PER_WORKER batches a worker, so that all finish together."""
    most = max(1, len(tasks) // (BATCHES_PER_WORKER * workers))
    batches: list[list[ConversionTask]] = []
    batch: list[ConversionTask] = []
    seconds = 0.0
    for task in tasks:
        if task_seconds(task) >= SECONDS_PER_BATCH:  # work enough alone
            batches += [batch, [task]] if batch else [[task]]
            batch, seconds = [], 0.0
            continue
        batch.append(task)
        seconds += task_seconds(task)
        if len(batch) >= most or seconds >= SECONDS_PER_BATCH:
            batches.append(batch)
            batch, seconds = [], 0.0
    return [*batches, batch] if batch else batches


def worker_died_reason(failure: TaskFailure) -> str:
    return f"the worker converting it stopped: {failure.reason}"


def convert_missing(
    paths: list[Path], root: Path, cache: ConversionCache, limits: Limits, choice: ClusterChoice
) -> ConversionSummary:
    """Convert every source the cache lacks, on a cluster or (when that is not worth it) in this
    process; every source's key and every failure, for the site build."""
    keyed = source_keys(paths, root, cache)
    summary = ConversionSummary(keys={display: key for display, key in keyed.values() if key})
    cache.drop_older_converters()
    tasks = tasks_to_convert(keyed, cache.stored_keys())
    log.info("conversion: %s of %s sources in the cache", f"{len(paths) - len(tasks):,}", f"{len(paths):,}")
    if not tasks:
        return summary
    progress = Progress("converting", len(tasks))
    settings = ConversionSettings(root, limits, cache, converter_version())
    if worth_a_cluster(choice, tasks):
        batches = batches_of(tasks, choice.local_workers())
        results = run_on_cluster(choice, convert_batch, settings, batches, key_of=lambda task: task.key)
    else:
        results = ((task, convert_into_cache(settings, task)) for task in tasks)
    for task, result in results:
        failure = worker_died_reason(result) if isinstance(result, TaskFailure) else result.failure
        if failure is None:
            summary.converted += 1
        else:
            summary.failed[task.display] = failure
        progress.update(progress.done + 1, failed=len(summary.failed))
    stop_readers()  # the reader children of this process, when it converted itself
    progress.finish(f"{summary.converted:,} converted, {len(summary.failed):,} failed")
    return summary
