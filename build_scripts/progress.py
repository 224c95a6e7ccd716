"""Progress of the build's long stages, for the maintainer watching it: a bar redrawn in place on
a terminal, plain lines at every tenth in a log or CI, where a redrawn line would be noise.
Written to the log (stderr); nothing of it reaches the site.
"""

from __future__ import annotations

import logging
import sys
import time
from typing import TextIO

log = logging.getLogger("build_scripts.progress")

BAR_WIDTH = 24


def on_terminal(stream: TextIO) -> bool:
    return hasattr(stream, "isatty") and stream.isatty()


class Progress:
    """`update(done)` as work is done (`failed`: how many of those failed); `finish()` at the end
    says how long it took. Each line says what is done, what failed, what remains and the rate."""

    def __init__(self, stage: str, total: int, stream: TextIO | None = None) -> None:
        self.stage, self.total = stage, total
        self.stream = stream or sys.stderr
        self.bar = on_terminal(self.stream) and log.isEnabledFor(logging.INFO)
        self.started = time.monotonic()
        self.tenths_said = -1
        self.done = 0
        self.failed = 0

    def counts(self) -> str:
        seconds = time.monotonic() - self.started
        rate = f", {self.done / seconds:,.1f}/s" if seconds > 0 and self.done else ""
        failed = f", {self.failed:,} failed" if self.failed else ""
        return f"{self.done:,}/{self.total:,}{failed}, {self.total - self.done:,} left{rate}"

    def update(self, done: int, failed: int = 0) -> None:
        self.done, self.failed = done, failed
        if self.total <= 0:
            return
        if self.bar:
            filled = BAR_WIDTH * done // self.total
            self.stream.write(f"\r{self.stage} [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {self.counts()}   ")
            self.stream.flush()
            return
        tenths = 10 * done // self.total
        if tenths > self.tenths_said and done < self.total:
            self.tenths_said = tenths
            log.info("%s: %s", self.stage, self.counts())

    def finish(self, note: str = "") -> None:
        if self.bar:
            self.stream.write("\r" + " " * (len(self.stage) + BAR_WIDTH + 80) + "\r")
            self.stream.flush()
        seconds = time.monotonic() - self.started
        count = f"{self.total:,} " if self.total else ""
        log.info("%s: %sdone in %.1f s%s", self.stage, count, seconds, f" ({note})" if note else "")


def stage(name: str) -> Progress:
    """A stage whose steps are not counted: only its end and duration are said."""
    log.info("%s …", name)
    return Progress(name, 0)
