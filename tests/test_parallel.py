"""The worker processes of a large build: results in input order, kept results used in round two,
and a failure in a worker stops the build with its traceback instead of hanging or vanishing."""

from __future__ import annotations

from pathlib import Path

import pytest

from build_scripts.parallel import KeepingWorkers, map_in_processes


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
