"""Numbers run together: what crawlers make of a table row (`713000074` for 71, 3, 0, 0, 0, 0, 74).

A run is read only when exactly one way of cutting it into the row's cells satisfies the form's
sum rules (总计 equals the sum of its items); otherwise it stays uncertain. Nothing is guessed:
with no rule to hold a cut to (table 二's counts), only a run with exactly one possible cut (one
digit per cell, or one cell) is read.

The search is bounded: a row is cut group by group (table 三: one group of six items and their
总计; table 四: three groups of four and their 总计), a group's total is computed from its items
and only compared with the digits that follow, and the readings from each position are memoised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

RUN = re.compile(r"^\d+(?:\.\d+)?$")
MAX_RUN_DIGITS = 64  # longer runs are not table rows
MAX_PART_DIGITS = 8  # no count in these tables has more digits
MAX_READINGS = 2  # enough to know that a run has more than one reading


@dataclass(frozen=True)
class Group:
    """Consecutive cells of a row: `size` of them, the last the sum of the others when `summed`."""

    size: int
    summed: bool


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
    if not text or len(text) > MAX_PART_DIGITS + 3 or text.startswith(".") or text.endswith("."):
        return False
    whole = text.split(".", 1)[0]
    return whole == "0" or not whole.startswith("0")


def number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


def row_sum_rule(width: int) -> list[Group]:
    """Table 三's rule 3: the last column (总计) is the sum of the others."""
    return [Group(width, True)]


def grouped_sum_rules(groups: int, size: int) -> list[Group]:
    """Table 四's rule 4: in each group of `size`, the last is the sum of the others."""
    return [Group(size, True)] * groups


def unruled(width: int) -> list[Group]:
    """Cells with no rule between them (table 二's counts)."""
    return [Group(1, False)] * width


def read_runs(runs: list[str], groups: list[Group]) -> RunReading:
    """The readings of a row printed as runs of digits (a space between runs is always a cut)."""
    digits = "".join(runs)
    if not runs or any(not is_run(run) for run in runs) or len(digits) > MAX_RUN_DIGITS:
        return RunReading([], runs)
    cuts, position = set(), 0
    for run in runs[:-1]:
        position += len(run)
        cuts.add(position)
    return RunReading(readings_from(digits, frozenset(cuts), tuple(groups)), runs)


def readings_from(digits: str, cuts: frozenset[int], groups: tuple[Group, ...]) -> list[list[str]]:
    @cache
    def solve(start: int, group: int) -> tuple[tuple[str, ...], ...]:
        if group == len(groups):
            return ((),) if start == len(digits) else ()
        found: list[tuple[str, ...]] = []
        for parts, end in group_cuts(digits, cuts, start, groups[group]):
            for rest in solve(end, group + 1):
                found.append((*parts, *rest))
                if len(found) >= MAX_READINGS:
                    return tuple(found)
        return tuple(found)

    return [list(reading) for reading in solve(0, 0)]


def group_cuts(digits: str, cuts: frozenset[int], start: int, group: Group):
    """Every way to read one group from `start`: (its parts, where the next group starts)."""
    items = group.size - 1 if group.summed else group.size

    def pieces(position: int, left: int, taken: tuple[str, ...]):
        if left == 0:
            yield taken, position
            return
        for end in range(position + 1, min(len(digits), position + MAX_PART_DIGITS) + 1):
            if any(position < cut < end for cut in cuts):
                break  # a printed space separates the digits: a part never spans it
            piece = digits[position:end]
            # a total is at least as long as any of its items, and every item left needs a digit
            if group.summed and end + (left - 1) + end - position > len(digits):
                break
            if valid_part(piece):
                yield from pieces(end, left - 1, (*taken, piece))
            elif len(piece) > 1 and piece[0] == "0":
                break  # every longer piece from here starts with 0 too

    for parts, position in pieces(start, items, ()):
        if not group.summed:
            yield parts, position
            continue
        total = number_text(sum(float(part) for part in parts))
        end = position + len(total)
        if digits[position:end] == total and not any(position < cut < end for cut in cuts):
            yield (*parts, total), end
