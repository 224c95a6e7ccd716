"""Spread per-report work over the machine's cores, keeping results in input order.

Forked workers inherit the shared state (the whole archive) from the parent without copying or
pickling it; only each item's result travels back. Used only for large builds (see build.py): a
small one is quicker in one process, and tests never fork while a browser thread is running.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
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
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            chunk = max(1, len(items) // (jobs * 16))
            return pool.map(_call, [(function, item) for item in items], chunksize=chunk)
    finally:
        _shared = None
