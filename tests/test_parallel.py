"""The worker processes of a large build: results in input order, kept results used in round two,
and a failure in a worker stops the build with its traceback instead of hanging or vanishing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from build_scripts.parallel import KeepingWorkers, map_in_processes

from .conftest import REPO


def square(offset: int, item: int) -> int:
    return item * item + offset


def split(offset: int, item: int) -> tuple[int, str]:
    if item == 13:
        raise ValueError("unlucky item")
    return item + offset, f"kept-{item}"


def write_kept(folder: Path, kept: dict[int, str]) -> None:
    for index, value in kept.items():
        (folder / f"{index}.txt").write_text(value, encoding="utf-8")


@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_map_keeps_the_order(jobs: int) -> None:
    assert map_in_processes(square, list(range(50)), jobs, shared=1) == [n * n + 1 for n in range(50)]


@pytest.mark.parametrize("jobs", [1, 2])
def test_what_a_worker_keeps_is_used_in_round_two(tmp_path: Path, jobs: int) -> None:
    workers = KeepingWorkers(jobs, split, 100)
    assert workers.run_first(list(range(10))) == [n + 100 for n in range(10)]
    workers.run_second(write_kept, tmp_path)
    assert sorted(path.read_text(encoding="utf-8") for path in tmp_path.iterdir()) == sorted(
        f"kept-{n}" for n in range(10)
    )


def test_a_failing_worker_stops_the_build_with_its_traceback() -> None:
    workers = KeepingWorkers(2, split, 0)
    with pytest.raises(RuntimeError, match="unlucky item"):
        workers.run_first(list(range(20)))
    workers.close()


@pytest.mark.parametrize("jobs", [1, 3])
def test_round_one_reports_progress_up_to_every_item(jobs: int) -> None:
    seen: list[int] = []
    workers = KeepingWorkers(jobs, split, 0)
    items = [n for n in range(200) if n != 13]
    assert workers.run_first(items, seen.append) == items
    workers.close()
    assert seen == sorted(seen) and seen[-1] == len(items) and len(seen) >= 10


STRESS = """
import signal, sys, threading
from build_scripts import parallel
from build_scripts.cli import stop_on_terminate

def square(shared, x):
    return x * x

signal.signal(signal.SIGTERM, stop_on_terminate)  # as the command line sets it
ballast = [str(i) for i in range(3_000_000)]  # a parent as large as a build's forks slowly
done = []
def run():
    for _ in range(600):
        assert parallel.map_in_processes(square, [1, 2], 2) == [1, 4]
        done.append(1)
thread = threading.Thread(target=run, daemon=True)
thread.start()
thread.join(100)
print(len(done))
"""


def test_a_pool_that_has_finished_never_waits_for_a_worker_forever() -> None:
    """Pool.terminate's SIGTERM is lost by a worker still starting, which then waits for a task
    forever (this hung a build in CI, and the old code hung here within a few hundred rounds)."""
    completed = subprocess.run([sys.executable, "-c", STRESS], capture_output=True, text=True, timeout=150, cwd=REPO)
    assert completed.stdout.strip() == "600", completed.stderr
