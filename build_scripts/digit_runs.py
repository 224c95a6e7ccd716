"""Numbers run together: what crawlers make of a table row (`713000074` for 71, 3, 0, 0, 0, 0, 74).

A run is read only when exactly one way of cutting it into the row's cells satisfies the form's
sum rules (总计 equals the sum of its items); otherwise it stays uncertain. Nothing is guessed:
with no rule to hold a cut to (table 二's counts), only a run with exactly one possible cut (one
digit per cell, or one cell) is read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# (the positions of the items, the position of their total) within a row's values
SumRule = tuple[tuple[int, ...], int]
RUN = re.compile(r"^\d+(?:\.\d+)?$")
MAX_RUN_DIGITS = 64  # longer runs are not table rows; their cuts would take too long to count
MAX_READINGS = 2  # enough to know that a run has more than one reading


@dataclass(frozen=True)
class RunReading:
    """The readings of a row's runs that satisfy its rules (at most MAX_READINGS of them)."""

    readings: list[list[str]]
    runs: list[str]

    @property
    def unique(self) -> list[str] | None:
        return self.readings[0] if len(self.readings) == 1 else None


def is_run(text: str) -> bool:
    return bool(RUN.match(text))


def valid_part(text: str) -> bool:
    """A cut piece that can be a printed number: no leading zero, a decimal point inside."""
    if not text or text.startswith(".") or text.endswith("."):
        return False
    whole = text.split(".", 1)[0]
    return whole == "0" or not whole.startswith("0")


def number_of(text: str) -> float:
    return float(text)


def rules_hold(values: list[str], rules: list[SumRule]) -> bool:
    """Whether every rule whose positions are all filled holds for the values so far."""
    count = len(values)
    for items, total in rules:
        if total < count and all(item < count for item in items):
            expected = sum(number_of(values[item]) for item in items)
            if abs(number_of(values[total]) - expected) > 1e-9:
                return False
    return True


def cuts(runs: list[str], width: int, rules: list[SumRule]) -> Iterator[list[str]]:
    """Every way of cutting the runs, in order, into `width` numbers that keep the rules
    (each run gives at least one number; a space between runs is always a cut)."""

    def walk(run_index: int, offset: int, values: list[str]) -> Iterator[list[str]]:
        if run_index == len(runs):
            if len(values) == width:
                yield list(values)
            return
        run = runs[run_index]
        remaining_runs = len(runs) - run_index - 1
        for end in range(offset + 1, len(run) + 1):
            piece = run[offset:end]
            if not valid_part(piece):
                if len(piece) > 1 and piece[0] == "0" and piece[1].isdigit():
                    break  # a longer piece from this offset would start with 0 too
                continue
            values.append(piece)
            if len(values) + remaining_runs <= width and rules_hold(values, rules):
                if end == len(run):
                    yield from walk(run_index + 1, 0, values)
                else:
                    yield from walk(run_index, end, values)
            values.pop()

    yield from walk(0, 0, [])


def read_runs(runs: list[str], width: int, rules: list[SumRule]) -> RunReading:
    """The readings of a row printed as runs of digits, at most MAX_READINGS of them."""
    if not runs or any(not is_run(run) for run in runs) or sum(len(run) for run in runs) > MAX_RUN_DIGITS:
        return RunReading([], runs)
    found: list[list[str]] = []
    for reading in cuts(runs, width, rules):
        found.append(reading)
        if len(found) >= MAX_READINGS:
            break
    return RunReading(found, runs)


def row_sum_rule(width: int) -> list[SumRule]:
    """Table 三's rule 3: the last column (总计) is the sum of the others."""
    return [(tuple(range(width - 1)), width - 1)]


def grouped_sum_rules(groups: int, size: int) -> list[SumRule]:
    """Table 四's rule 4: in each group of `size`, the last is the sum of the others."""
    return [(tuple(range(start, start + size - 1)), start + size - 1) for start in range(0, groups * size, size)]
