"""The conversion stage on a Dask cluster (issue 17): the same bytes as a build in one process,
a source past its time limit or one that kills its worker fails alone, and the cache is the one
place results travel through."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from build_scripts import pipeline
from build_scripts.build import BuildOptions, build
from build_scripts.cluster import ClusterChoice, TaskFailure, run_on_cluster
from build_scripts.conversion import (
    SECONDS_PER_BATCH,
    SECONDS_PER_TEXT_SOURCE,
    ConversionSettings,
    ConversionTask,
    batches_of,
    convert_into_cache,
    estimated_seconds,
)
from build_scripts.conversion_cache import ConversionCache, converter_version
from build_scripts.guard import Limits

from .conftest import SAMPLES
from .test_golden import files_below
from .test_hostile import PAGE, PAGE_TREE, tiny_pdf

ONE_PROCESS_AT_A_TIME = Limits(seconds=5, memory_mb=1500)


@pytest.fixture
def sources(samples_and_a_pdf: Path) -> Path:
    """The five samples, a printed PDF, and a PDF that loops forever in pdfminer."""
    (samples_and_a_pdf / "cycle.pdf").write_bytes(tiny_pdf([*PAGE_TREE, PAGE, b"5 0 R", b"4 0 R"]))
    return samples_and_a_pdf


def options_for(sources: Path, out: Path, **options: object) -> BuildOptions:
    return BuildOptions(
        source_dir=sources,
        content_dir=out / "content",
        site_dir=out / "site",
        index=False,
        limits=ONE_PROCESS_AT_A_TIME,
        dashboard=None,
        **options,
    )


def build_files(sources: Path, out: Path, **options: object) -> dict[str, bytes]:
    settings = options_for(sources, out, **options)
    result = build(settings)
    assert {outcome.source: outcome.reason for outcome in result.failed} == {
        "cycle.pdf": "took longer than the time limit of 5 s; stopped"
    }
    return {**files_below(out / "content"), **{f"site/{k}": v for k, v in files_below(out / "site").items()}}


def test_a_build_converted_on_a_local_cluster_is_byte_for_byte_a_build_in_one_process(
    sources: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    one_process = build_files(sources, tmp_path / "one", jobs=1)
    read_here: list[str] = []
    original = pipeline.read_uncached
    monkeypatch.setattr(pipeline, "read_uncached", lambda s, path: read_here.append(path.name) or original(s, path))
    cache = tmp_path / "cache"
    on_cluster = build_files(sources, tmp_path / "cluster", jobs=2, scheduler="local", cache_dir=cache)
    assert on_cluster == one_process
    # The workers converted everything; the build read nothing itself, not even the source that failed.
    assert read_here == []
    assert len(list(cache.rglob("*.pickle"))) == len(SAMPLES) + 1  # the failed source is not kept


def test_a_build_converts_on_the_cluster_at_the_address_it_is_given(sources: Path, tmp_path: Path) -> None:
    """A cluster already running (here one started by the test), named by its scheduler's address."""
    from distributed import LocalCluster

    (sources / "cycle.pdf").unlink()
    with LocalCluster(n_workers=1, threads_per_worker=1, dashboard_address=None) as cluster:
        settings = options_for(sources, tmp_path, scheduler=cluster.scheduler_address, cache_dir=tmp_path / "cache")
        result = build(settings)
        assert "convert" in cluster.scheduler.task_prefixes  # the sources were converted on that cluster
    assert len(result.published) == len(SAMPLES) + 1 and result.failed == []
    assert len(list((tmp_path / "cache").rglob("*.pickle"))) == len(SAMPLES) + 1


def test_dask_s_own_setting_names_the_cluster(monkeypatch: pytest.MonkeyPatch) -> None:
    import dask

    with dask.config.set({"scheduler-address": "tcp://10.0.0.5:8786"}):  # DASK_SCHEDULER_ADDRESS
        assert ClusterChoice().address() == "tcp://10.0.0.5:8786"
    assert ClusterChoice("local").address() is None
    assert ClusterChoice("tcp://192.168.1.2:8786").address() == "tcp://192.168.1.2:8786"


def test_a_cluster_needs_the_cache_to_hand_over_its_reports(sources: Path, tmp_path: Path) -> None:
    from build_scripts.outputs import BuildError

    options = BuildOptions(source_dir=sources, content_dir=tmp_path / "c", site_dir=tmp_path / "s", scheduler="local")
    with pytest.raises(BuildError, match="--scheduler needs --cache"):
        build(options)


POISON = "poison"


def exit_on_poison(shared: str, batch: list[str]) -> list[str]:
    """A task that kills its worker process when its batch holds the poison."""
    if POISON in batch:
        os._exit(1)
    return [f"{shared}{item}" for item in batch]


def test_a_task_that_kills_its_worker_fails_alone_and_the_run_goes_on() -> None:
    choice = ClusterChoice("local", workers=2, dashboard=None)
    items = [f"{n:02d}" for n in range(40)]
    batches = [items[n : n + 4] for n in range(0, 40, 4)]
    batches[3].insert(2, POISON)
    results = dict(run_on_cluster(choice, exit_on_poison, "done:", batches, key_of=str))
    assert sorted(results) == [*items, POISON]
    assert {item: results[item] for item in items} == {item: f"done:{item}" for item in items}
    assert isinstance(results[POISON], TaskFailure)
    assert "its worker died 3 times while running it" in results[POISON].reason


def test_sources_travel_in_batches_of_about_half_a_second_of_work(tmp_path: Path) -> None:
    texts = [ConversionTask(tmp_path / f"{n}.txt", f"{n}.txt", f"t{n}") for n in range(1000)]
    pdfs = [ConversionTask(tmp_path / f"{n}.pdf", f"{n}.pdf", f"p{n}") for n in range(3)]
    batches = batches_of(texts + pdfs, workers=2)
    assert [task for batch in batches for task in batch] == texts + pdfs  # each once, in order
    assert all(estimated_seconds(batch) <= 1.0 for batch in batches)
    assert batches[-3:] == [[pdf] for pdf in pdfs]  # a PDF is work enough alone
    assert len(batches) >= 2 * 8  # at least eight batches a worker: they finish together
    assert batches_of([], workers=2) == []


@given(st.lists(st.sampled_from([".txt", ".md", ".pdf", ".html", ".docx"]), max_size=300), st.integers(1, 16))
def test_batches_hold_every_source_once_in_order_and_a_heavy_one_alone(suffixes: list[str], workers: int) -> None:
    tasks = [ConversionTask(Path(f"{n}{suffix}"), f"{n}{suffix}", f"{n:064d}") for n, suffix in enumerate(suffixes)]
    batches = batches_of(tasks, workers)
    assert [task for batch in batches for task in batch] == tasks
    assert all(batch for batch in batches)
    for batch in batches:
        assert len(batch) == 1 or estimated_seconds(batch) < SECONDS_PER_BATCH + SECONDS_PER_TEXT_SOURCE


def test_a_worker_running_another_converter_refuses(tmp_path: Path) -> None:
    shutil.copy(SAMPLES[0], tmp_path / "report.txt")
    cache = ConversionCache(tmp_path / "cache")
    task = ConversionTask(tmp_path / "report.txt", "report.txt", "k" * 64)
    other = ConversionSettings(tmp_path, ONE_PROCESS_AT_A_TIME, cache, converter="another")
    assert "another version of the converter" in (convert_into_cache(other, task).failure or "")
    same = ConversionSettings(tmp_path, ONE_PROCESS_AT_A_TIME, cache, converter=converter_version())
    assert convert_into_cache(same, task).failure is None
    assert cache.stored_keys() == {task.key}


def test_the_cache_may_live_wherever_fsspec_reaches(tmp_path: Path) -> None:
    """Object storage as the workers of a cluster would share it (fsspec's memory store stands
    for it here): entries written, listed once and read back."""
    from build_scripts.reading.readers import read_report

    report = read_report(SAMPLES[0], SAMPLES[0].name)
    cache = ConversionCache("memory://conversions-test")
    assert cache.stored_keys() == set()
    cache.put("ab" + "0" * 62, report)
    assert cache.stored_keys() == {"ab" + "0" * 62}
    assert cache.get("ab" + "0" * 62) == report
    assert cache.get("cd" + "0" * 62) is None
