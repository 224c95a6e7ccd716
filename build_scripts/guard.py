"""Each source is read in a small child process, under a time limit and a memory limit of its own.

A hostile or broken file can loop forever inside a library (a PDF whose page contents refer to
themselves) or ask for gigabytes (a decompression bomb). The reader child is killed when a source
takes longer than the time limit, and its address space is capped at the memory limit, so that
such a file fails alone, named, with the reason, and the next source is read by a fresh child.
The child is long-lived (one per worker, replaced only after a kill) and keeps nothing between
sources, so its cost does not grow with the archive. It ends with its parent, however the parent
ends, and its temporary files live in a scratch folder of its own that the parent removes when it
stops the child (a folder left by a build that was killed is removed by the next one).
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import multiprocessing.util
import os
import resource
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .parallel import end_with_parent

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limits:
    """What one source may take: a real report reads in seconds, a scanned page in a few."""

    seconds: float = 300.0
    memory_mb: int = 3072  # beyond what the reader inherits


Read = Callable[[Any, Path], Any]
Failure = Callable[[Path, str], Any]


def address_space() -> int:
    """The bytes of address space this process already holds (what it inherited when forked)."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


SCRATCH_PREFIX = "archive-reader-"


def remove_abandoned_scratch() -> None:
    """Scratch folders whose reader's parent no longer runs (a build that was killed)."""
    for folder in Path(tempfile.gettempdir()).glob(f"{SCRATCH_PREFIX}*-*"):
        owner = folder.name.removeprefix(SCRATCH_PREFIX).split("-")[0]
        if owner.isdigit() and not process_runs(int(owner)):
            shutil.rmtree(folder, ignore_errors=True)


def process_runs(pid: int) -> bool:
    """Whether a process runs (a zombie, ended but not yet reaped, does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # someone else's process
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True  # no /proc here: the signal said it exists
    return stat[stat.rindex(")") + 2 :][:1] not in ("Z", "X")


def serve(connection: Any, read: Read, shared: Any, memory_mb: int) -> None:
    """The child's loop: read each path it is sent and send back what was read. Its address space
    may grow by `memory_mb` beyond what it inherited (the libraries the build has loaded)."""
    limit = address_space() + memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    while True:
        try:
            path = connection.recv()
        except EOFError:
            return
        connection.send(read(shared, path))


class GuardedReader:
    """Reads sources in a child process of this process; `failure(path, reason)` makes the outcome
    of a source that was stopped."""

    def __init__(self, read: Read, shared: Any, limits: Limits, failure: Failure) -> None:
        self.read, self.shared, self.limits, self.failure = read, shared, limits, failure
        self.pid: int | None = None
        self.connection: Any = None
        self.scratch: Path | None = None

    def start(self) -> None:
        # os.fork, not multiprocessing.Process: the build's workers are daemons, which may not
        # start processes of their own through multiprocessing.
        remove_abandoned_scratch()
        parent = os.getpid()
        self.scratch = Path(tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{parent}-"))
        self.connection, child_end = multiprocessing.Pipe()
        pid = os.fork()
        if pid == 0:  # the child: serve until the parent's end closes, then leave at once
            try:
                end_with_parent(parent)
                tempfile.tempdir = str(self.scratch)
                self.connection.close()
                serve(child_end, self.read, self.shared, self.limits.memory_mb)
            finally:
                os._exit(0)
        child_end.close()
        self.pid = pid

    def stop(self) -> int | None:
        """Kill the child (if it still runs) and return its exit code."""
        code = None
        if self.pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            _, status = os.waitpid(self.pid, 0)
            code = os.waitstatus_to_exitcode(status)
            self.connection.close()
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)
        self.pid = self.connection = self.scratch = None
        return code

    def __call__(self, path: Path) -> Any:
        if self.pid is None:
            self.start()
        self.connection.send(path)
        if not self.connection.poll(self.limits.seconds):
            self.stop()
            return self.failure(path, over_time_reason(self.limits))
        try:
            return self.connection.recv()
        except (EOFError, OSError):
            return self.failure(path, died_reason(self.stop(), self.limits))


class TimeLimitExceeded(BaseException):
    """Raised in a source read in this process that ran past its time limit (a BaseException, so
    that a reader's `except Exception` cannot swallow it)."""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Stop what runs inside after `seconds` with TimeLimitExceeded: for sources read in this
    process (text and Markdown), whose reading is pure Python and so interruptible. Only the main
    thread receives signals; elsewhere nothing is limited."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: object) -> None:
        raise TimeLimitExceeded

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def read_within_limits(read: Read, shared: Hashable, item: Any, limits: Limits, failure: Failure, here: bool) -> Any:
    """read(shared, item) under the limits: in this thread under the time limit alone when `here`
    (a reader bounded by its own size cap) and this is the main thread, which alone receives the
    limit's signal; otherwise in this thread's reader child, under both limits."""
    if here and threading.current_thread() is threading.main_thread():
        try:
            with time_limit(limits.seconds):
                return read(shared, item)
        except TimeLimitExceeded:
            return failure(item, over_time_reason(limits))
    return guarded_reader(read, shared, limits, failure)(item)


def over_time_reason(limits: Limits) -> str:
    return f"took longer than the time limit of {limits.seconds:g} s; stopped"


def died_reason(exit_code: int | None, limits: Limits) -> str:
    """Why the reader child ended while reading a source, as far as its exit says."""
    how = f"signal {-exit_code}" if exit_code is not None and exit_code < 0 else f"exit code {exit_code}"
    return f"the reader stopped ({how}), most likely over the memory limit of {limits.memory_mb} MB"


_readers: dict[tuple[int, int, Hashable, Limits], GuardedReader] = {}


def guarded_reader(read: Read, shared: Hashable, limits: Limits, failure: Failure) -> GuardedReader:
    """This thread's reader child for these settings. A forked worker starts its own; so does each
    thread of a cluster's worker: a child ends with the thread that started it (PR_SET_PDEATHSIG),
    and two threads would mix their messages on one pipe. The settings are told apart by value:
    a cluster's worker is sent a copy of them with every task."""
    key = (os.getpid(), threading.get_ident(), shared, limits)
    reader = _readers.get(key)
    if reader is None:
        if not any(other[0] == key[0] for other in _readers):
            # Run as this process ends, a worker included (multiprocessing runs these there too).
            multiprocessing.util.Finalize(None, stop_readers, exitpriority=10)
        reader = _readers[key] = GuardedReader(read, shared, limits, failure)
    return reader


def stop_readers() -> None:
    """End this process's reader children and remove their scratch folders."""
    for key, reader in list(_readers.items()):
        if key[0] == os.getpid():
            reader.stop()
            del _readers[key]
