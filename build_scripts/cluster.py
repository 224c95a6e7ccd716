"""Run one function over many items on a Dask distributed cluster: a local one by default, or the
one at an address (`build --scheduler tcp://…`, or Dask's own DASK_SCHEDULER_ADDRESS).

Why Dask distributed rather than Ray: it is a pure-Python install from PyPI with nothing else to
run, a local cluster is started in-process, a remote one is an address, it moves a task whose
worker died to another worker and names the task once that happened too often (KilledWorker), and
its dashboard shows every task as it runs (with bokeh installed). What it runs here is plain
independent tasks, so nothing of Ray's actors or object store would be used.

Results come back as they finish, each with its item; at most a window of tasks is submitted at a
time, so that a million items cost the scheduler no more memory than a few thousand. A task whose
worker died (a kill, the operating system out of memory) runs again on another worker; a batch
that died too often is split and each item tried alone, and an item whose worker died three times
comes back as a TaskFailure with the reason. The run goes on.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

import dask
from distributed import Client, KilledWorker, LocalCluster, WorkerPlugin, as_completed

from .parallel import end_with_parent

log = logging.getLogger(__name__)

Item = TypeVar("Item")

LOCAL = "local"  # --scheduler local: a cluster on this machine, even for a little work
# A task whose worker died runs again elsewhere, up to twice; a third death fails it. Each worker
# holds one task at a time (saturation 1.0, one thread), so a death blames the task that caused it,
# not others queued behind it.
ALLOWED_FAILURES = 2
WORKER_SATURATION = 1.0
TASKS_IN_FLIGHT_PER_THREAD = 8  # batches queued a worker thread: none waits on a round trip; the scheduler stays small
TASK_PREFIX = "convert"  # how the dashboard names the group of tasks


@dataclass(frozen=True)
class ClusterChoice:
    """Where to run: `scheduler` None (a local cluster, when the work is worth one), LOCAL, or a
    scheduler's address; a local cluster's worker processes (None: one per core) and dashboard
    address (None: no dashboard)."""

    scheduler: str | None = None
    workers: int | None = None
    dashboard: str | None = ":8787"

    def address(self) -> str | None:
        """The scheduler to connect to, if any: as given, or from Dask's configuration (its
        environment variable DASK_SCHEDULER_ADDRESS)."""
        if self.scheduler == LOCAL:
            return None
        if self.scheduler:
            return self.scheduler
        return dask.config.get("scheduler-address", None)

    def local_workers(self) -> int:
        return self.workers or os.cpu_count() or 1


@dataclass(frozen=True)
class TaskFailure:
    """A task that did not return: its worker died, or the engine lost it."""

    reason: str


class EndWithBuild(WorkerPlugin):
    """Dask worker plugin: a local cluster's worker process ends with the build that started it,
    however the build ends (parallel.end_with_parent)."""

    name = "end-with-build"

    def setup(self, worker: Any) -> None:  # runs in the worker's process
        end_with_parent()


@contextlib.contextmanager
def connected(choice: ClusterChoice) -> Iterator[Any]:
    """A client of the chosen cluster, closed (with a local cluster) on the way out."""
    address = choice.address()
    settings = {
        "distributed.scheduler.allowed-failures": ALLOWED_FAILURES,
        "distributed.scheduler.worker-saturation": WORKER_SATURATION,
    }
    with dask.config.set(settings):
        if address:
            cluster, client = None, Client(address)
            log.info("conversion on the Dask cluster at %s (dashboard: %s)", address, client.dashboard_link)
        else:
            cluster = LocalCluster(
                n_workers=choice.local_workers(),
                threads_per_worker=1,
                processes=True,
                dashboard_address=choice.dashboard,
                silence_logs=logging.ERROR,
            )
            client = Client(cluster)
            client.register_plugin(EndWithBuild())
            dashboard = client.dashboard_link if choice.dashboard else "off"
            workers = len(cluster.workers)
            log.info("conversion on a local Dask cluster of %d workers (dashboard: %s)", workers, dashboard)
    try:
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def task_result(future: Any) -> Any:
    """What a finished task returned, or a TaskFailure saying why it has nothing: its worker died
    too often, or the task raised (a bug: readers fail their source themselves), or the engine
    lost it. A result lost with a worker after the task ended is computed again by the engine."""
    try:
        return future.result()
    except KilledWorker:
        return TaskFailure(f"its worker died {ALLOWED_FAILURES + 1} times while running it (killed, or out of memory)")
    except Exception as error:
        return TaskFailure(f"internal error: {error!r}")


def run_on_cluster(
    choice: ClusterChoice,
    function: Callable[[Any, list[Item]], list[Any]],
    shared: Any,
    batches: Sequence[list[Item]],
    key_of: Callable[[Item], str],
) -> Iterator[tuple[Item, Any]]:
    """(item, its result or a TaskFailure) for every item, as each batch finishes; function(shared,
    batch) returns a result per item. Items travel in batches because a task costs the engine
    about two milliseconds (more than a text source takes to read); a batch whose worker died is
    split, each item tried alone, so that a source that kills its worker fails alone."""
    with connected(choice) as client:
        window = TASKS_IN_FLIGHT_PER_THREAD * (sum(client.nthreads().values()) or 1)
        task = partial(function, shared)  # sent to each worker once, not with every batch
        waiting = list(reversed(batches))
        submitted: dict[str, list[Item]] = {}
        finished = as_completed()

        def submit(count: int) -> None:
            while waiting and count > 0:
                batch = waiting.pop()
                key = f"{TASK_PREFIX}-{key_of(batch[0])}-{len(batch)}"  # a batch tried again alone has a new key
                submitted[key] = batch
                finished.add(client.submit(task, batch, key=key, pure=False))
                count -= 1

        submit(window)
        for future in finished:
            batch = submitted.pop(future.key)
            result = task_result(future)
            future.release()
            if isinstance(result, TaskFailure) and len(batch) > 1:
                waiting.extend([item] for item in reversed(batch))
            elif isinstance(result, TaskFailure):
                yield batch[0], result
            else:
                yield from zip(batch, result, strict=True)
            submit(window - len(submitted))
