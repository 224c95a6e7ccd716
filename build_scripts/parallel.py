"""Spread per-report work over the machine's cores, keeping results in input order.

Forked workers inherit the shared state (the whole archive) from the parent without copying or
pickling it; only each item's result travels back. Used only for large builds (see build.py): a
small one is quicker in one process, and tests never fork while a browser thread is running.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

_shared: Any = None  # set in the parent just before forking; read by the workers


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
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            chunk = max(1, len(items) // (jobs * 16))
            return pool.map(_call, [(function, item) for item in items], chunksize=chunk)
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
