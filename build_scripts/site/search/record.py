"""One report's search record: its units in order and the text its snippets come from, made where
the report is rendered (in parallel) and kept beside its page, so that an unchanged report is never
cut again. The index (postings.py) reads them in batches (RecordFiles).

The units are a uint32 array: a Chinese character's code point, an ASCII run as ASCII_UNIT | its
place in the record's list of ASCII runs, and 0 between two runs (a query never spans a 0). A
unit's position is its place in the array; the tables start at `tables_start`.
"""

from __future__ import annotations

import gzip
import re
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import overload

import numpy as np

from ...model import Report
from .text import UNIT_CLASSES, SearchBlock, normalize, report_text_blocks, snippet_text
from .tokens import unit_id

MAGIC = b"ASR1"
HEADER = struct.Struct("<4sIII")  # magic, where the tables start, units, bytes of the ASCII runs
ASCII_UNIT = 1 << 31


@dataclass(frozen=True)
class SearchRecord:
    units: np.ndarray  # uint32, see above
    ascii_runs: tuple[str, ...]
    tables_start: int
    snippet_gz: bytes  # the searchable text as the snippets show it, gzip-compressed

    def unit_ids(self) -> np.ndarray:
        """The units as the tokens hash them (tokens.unit_id), 0 staying 0 between runs."""
        ids = self.units.astype(np.uint64)
        flagged = (self.units & ASCII_UNIT) != 0
        if flagged.any():
            hashes = np.array([unit_id(run) for run in self.ascii_runs], dtype=np.uint64)
            ids[flagged] = hashes[self.units[flagged] & ~np.uint32(ASCII_UNIT)]
        return ids


def report_record(report: Report) -> SearchRecord:
    return blocks_record(report_text_blocks(report))


def blocks_record(blocks: Iterable[SearchBlock]) -> SearchRecord:
    """The record of some text: its units, runs apart, and its snippet text, blocks apart."""
    texts: list[str] = []
    table_texts: list[str] = []  # from the first table block on
    for block in blocks:
        (table_texts if block.in_table or table_texts else texts).append(block.text)
    ascii_runs: dict[str, int] = {}
    # NUL ends a run (it is no unit): the blocks' runs stay apart, as when cut one by one.
    units = text_units("\0".join(texts), ascii_runs)
    table_units = text_units("\0".join(table_texts), ascii_runs)
    snippets = (snippet_text(text) for text in [*texts, *table_texts])
    text = "\n".join(snippet for snippet in snippets if snippet)
    return SearchRecord(
        np.concatenate([units, table_units]),
        tuple(ascii_runs),
        len(units),
        gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0),
    )


# The passes of text_units: a space between two ASCII runs ends a run, any other joins; whatever
# is no unit ends a run (NUL); each ASCII run is then one character (SOH) standing for it.
SPACE_BETWEEN_RUNS = re.compile(r"(?<=[0-9a-z])\s+(?=[0-9a-z])")
SPACE = re.compile(r"\s+")
NOT_UNIT = re.compile(rf"[^{UNIT_CLASSES}]+")
ASCII_RUN = re.compile(r"[0-9a-z]+")


def text_units(text: str, ascii_runs: dict[str, int]) -> np.ndarray:
    """The units of `text` as text_runs cuts it, each run followed by a 0; new ASCII runs are
    added to `ascii_runs`. The same as a loop over text_runs (tests/test_search_index.py), in a
    few regular-expression passes instead of a Python step for every character."""
    cut = NOT_UNIT.sub("\0", SPACE.sub("", SPACE_BETWEEN_RUNS.sub("\0", normalize(text))))
    runs = ASCII_RUN.findall(cut)
    codes = np.frombuffer(ASCII_RUN.sub("\1", cut).encode("utf-32-le"), dtype=np.uint32).copy()
    if runs:
        numbers = np.array([ascii_runs.setdefault(run, len(ascii_runs)) for run in runs], dtype=np.uint32)
        codes[codes == 1] = numbers | np.uint32(ASCII_UNIT)
    after_unit = np.concatenate(([False], codes[:-1] != 0))
    units = codes[(codes != 0) | after_unit]  # one 0 after each run, none before the first
    return np.append(units, np.uint32(0)) if len(units) and units[-1] != 0 else units


def record_bytes(record: SearchRecord) -> bytes:
    runs = "\n".join(record.ascii_runs).encode("ascii")
    header = HEADER.pack(MAGIC, record.tables_start, len(record.units), len(runs))
    return header + record.units.astype("<u4").tobytes() + runs + record.snippet_gz


def read_record(data: bytes) -> SearchRecord:
    magic, tables_start, count, runs_size = HEADER.unpack_from(data)
    if magic != MAGIC:
        raise ValueError("not a search record")
    start = HEADER.size
    units = np.frombuffer(data, dtype="<u4", count=count, offset=start).astype(np.uint32)
    runs_start = start + 4 * count
    runs = data[runs_start : runs_start + runs_size].decode("ascii")
    return SearchRecord(units, tuple(runs.split("\n")) if runs else (), tables_start, data[runs_start + runs_size :])


class RecordFiles(Sequence[SearchRecord]):
    """Records read from their files when needed, so that the index of a large archive never holds
    them all at once."""

    def __init__(self, paths: Sequence[Path], offset: int = 0) -> None:
        self.paths = list(paths)
        self.offset = offset  # where the record starts in each file (after a rendered file's key line)

    def __len__(self) -> int:
        return len(self.paths)

    @overload
    def __getitem__(self, index: int) -> SearchRecord: ...
    @overload
    def __getitem__(self, index: slice) -> RecordFiles: ...
    def __getitem__(self, index: int | slice) -> SearchRecord | RecordFiles:
        if isinstance(index, slice):
            return RecordFiles(self.paths[index], self.offset)
        return read_record(self.paths[index].read_bytes()[self.offset :])

    def in_order(self, order: Sequence[int]) -> RecordFiles:
        return RecordFiles([self.paths[i] for i in order], self.offset)

    def unit_count(self) -> int:
        """Every record's number of units, from the files' headers alone."""
        total = 0
        for path in self.paths:
            with path.open("rb") as handle:
                handle.seek(self.offset)
                total += HEADER.unpack(handle.read(HEADER.size))[2]
        return total


def records_in_order(records: Sequence[SearchRecord], order: Sequence[int]) -> Sequence[SearchRecord]:
    return records.in_order(order) if isinstance(records, RecordFiles) else [records[i] for i in order]


def unit_count(records: Sequence[SearchRecord]) -> int:
    if isinstance(records, RecordFiles):
        return records.unit_count()
    return sum(len(record.units) for record in records)
