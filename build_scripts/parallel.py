"""Spread per-report work over the machine's cores, keeping results in input order.

Forked workers inherit the shared state (the whole archive) from the parent without copying or
pickling it; only each item's result travels back. Used only for large builds (see build.py): a
small one is quicker in one process, and tests never fork while a browser thread is running.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
import multiprocessing.connection
import os
import signal
import traceback
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.reduction import ForkingPickler
from typing import Any, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

_shared: Any = None  # set in the parent just before forking; read by the workers

PR_SET_PDEATHSIG = 1  # linux/prctl.h


def end_with_parent(parent: int | None = None) -> None:
    """Have Linux kill this process as soon as its parent ends, however the parent ends (a kill
    -9 included): no worker, reader or MkDocs shard outlives the build. Call it first
    thing in a child, with the parent's pid when it is known (a parent that already ended is
    caught too). Elsewhere than Linux it does nothing; children end at the parent's orderly exit.
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if parent is not None and os.getppid() != parent:
        os._exit(1)  # the parent ended before the request was in place


def ending_with(parent: int) -> Callable[[], None]:
    """end_with_parent for a child that does not know its parent (a subprocess's preexec_fn)."""

    def end() -> None:
        end_with_parent(parent)

    return end


def _call(job: tuple[Callable[[Any, Any], Any], Any]) -> Any:
    function, item = job
    return function(_shared, item)


def map_in_processes(
    function: Callable[[Any, Item], Result], items: Sequence[Item], jobs: int, shared: Any = None
) -> list[Result]:
    """[function(shared, item) for item in items], computed by `jobs` forked processes."""
    global _shared
    if jobs <= 1 or len(items) < 2:
        return [function(shared, item) for item in items]
    _shared = shared
    gc.freeze()  # the workers' collector leaves the inherited objects alone (and unshared pages unwritten)
    pool = multiprocessing.get_context("fork").Pool(jobs, initializer=end_with_parent, initargs=(os.getpid(),))
    try:
        chunk = max(1, len(items) // (jobs * 16))
        results = pool.map(_call, [(function, item) for item in items], chunksize=chunk)
        # Done: the workers are told to finish, never terminated. Pool.terminate sends SIGTERM, and a
        # worker still starting loses it (CPython clears a forked child's pending signals as it
        # starts); it then waits for a task forever while terminate waits for it.
        pool.close()
        pool.join()
        return results
    except BaseException:  # stopping: SIGKILL cannot be lost, and no worker's work is wanted
        for worker in pool._pool:  # the pool has no kill of its own
            worker.kill()
        pool.terminate()
        raise
    finally:
        gc.unfreeze()
        _shared = None


@contextlib.contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """Python's cycle collector walks every live object on each full collection; with tens of
    thousands of reports in memory that was seconds of pure overhead, and the model holds no
    cycles (reference counting frees it)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class KeepingWorkers:
    """Forked workers that keep their own results between two rounds of work.

    Round one gives each worker every `jobs`-th item; `first(shared, item)` returns a public part,
    sent back to the parent, and a kept part, which stays in the worker. Round two runs
    `second(message, kept)` in every worker with the parent's message (the whole archive) and what
    that worker kept: the bulky part of each result never travels between processes. With one job
    everything runs in this process.
    """

    def __init__(self, jobs: int, first: Callable[[Any, Any], tuple[Any, Any]], shared: Any) -> None:
        self.jobs = jobs
        self.first = first
        self.shared = shared
        self.kept: dict[int, Any] = {}
        self.connections: list[Any] = []
        self.processes: list[Any] = []

    def run_first(self, items: Sequence[Any], on_progress: Callable[[int], None] | None = None) -> list[Any]:
        """Round one; `on_progress(done)` is called as items are done (by all workers together)."""
        progress = on_progress or (lambda done: None)
        if self.jobs <= 1:
            publics = []
            for index, item in enumerate(items):
                public, self.kept[index] = self.first(self.shared, item)
                publics.append(public)
                progress(index + 1)
            return publics
        context = multiprocessing.get_context("fork")
        gc.freeze()
        try:
            for worker in range(self.jobs):
                parent_end, child_end = context.Pipe()
                share = [(index, items[index]) for index in range(worker, len(items), self.jobs)]
                # The child closes the parent's ends it inherited, or it would never see them close.
                inherited = [parent_end, *self.connections]
                arguments = (os.getpid(), child_end, inherited, self.first, self.shared, share)
                process = context.Process(target=_keeping_worker, args=arguments)
                process.daemon = True  # never outlives a parent that stopped between the rounds
                process.start()
                child_end.close()
                self.connections.append(parent_end)
                self.processes.append(process)
        finally:
            gc.unfreeze()
        publics: list[Any] = [None] * len(items)
        done: dict[Any, int] = {}
        waiting = list(self.connections)
        while waiting:
            for connection in multiprocessing.connection.wait(waiting):
                status, value = connection.recv()
                if status == "done":  # a count of items done so far, from one worker
                    done[connection] = value
                    progress(sum(done.values()))
                    continue
                waiting.remove(connection)
                finished = _value(status, value)
                for index, public in finished:
                    publics[index] = public
                done[connection] = len(finished)  # the whole share, whether or not a count was sent
                progress(sum(done.values()))
        return publics

    def run_second(self, second: Callable[[Any, dict[int, Any]], None], message: Any) -> None:
        self.start_second(second, message)
        self.finish_second()

    def start_second(self, second: Callable[[Any, dict[int, Any]], None], message: Any) -> None:
        """Round two begins in the workers, while this process goes on (with one job: done here, now)."""
        if self.jobs <= 1:
            second(message, self.kept)
            return
        payload = ForkingPickler.dumps((second, message))  # once for every worker: it is the whole archive
        for connection in self.connections:
            connection.send_bytes(payload)

    def finish_second(self) -> None:
        """Wait for round two to end in every worker (a worker's error is raised here)."""
        try:
            for connection in self.connections:
                _received(connection)
        finally:
            self.close()

    def stop(self) -> None:
        """End the workers now (the build is stopping: Ctrl-C, SIGTERM or an error elsewhere)."""
        for process in self.processes:
            process.kill()
        self.close()

    def close(self) -> None:
        for connection in self.connections:
            connection.close()
        for process in self.processes:
            process.join()
        self.connections, self.processes = [], []


def _received(connection: Any) -> Any:
    return _value(*connection.recv())


def _value(status: str, value: Any) -> Any:
    if status == "error":
        raise RuntimeError(f"a worker process failed:\n{value}")
    return value


PROGRESS_MESSAGES = 20  # how often a worker says how far it is, over its share


def _keeping_worker(
    parent: int,
    connection: Any,
    inherited: list[Any],
    first: Callable[[Any, Any], tuple[Any, Any]],
    shared: Any,
    share: list,
) -> None:
    end_with_parent(parent)
    for other in inherited:
        other.close()
    try:
        kept: dict[int, Any] = {}
        publics = []
        every = max(1, len(share) // PROGRESS_MESSAGES)
        for count, (index, item) in enumerate(share, 1):
            public, kept[index] = first(shared, item)
            publics.append((index, public))
            if count % every == 0:
                connection.send(("done", count))
        connection.send(("ok", publics))
        second, message = connection.recv()
        second(message, kept)
        connection.send(("ok", None))
    except EOFError:
        pass  # the parent stopped between the rounds (another worker failed): nothing to report
    except BaseException:
        connection.send(("error", traceback.format_exc()))
    finally:
        connection.close()
