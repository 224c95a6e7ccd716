"""One report's search record: its units in order and the text its snippets come from, made where
the report is rendered (in parallel) and kept beside its page, so that an unchanged report is never
cut again. The index (postings.py) reads them in batches (RecordFiles).

The units are a uint32 array: a Chinese character's code point, an ASCII run as ASCII_UNIT | its
place in the record's list of ASCII runs, and 0 between two runs (a query never spans a 0). A
unit's position is its place in the array; the tables start at `tables_start`.
"""

from __future__ import annotations

import gzip
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import overload

import numpy as np

from ...model import Report
from .text import SearchBlock, report_text_blocks, snippet_text, text_runs
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
    units: list[int] = []
    ascii_runs: dict[str, int] = {}
    snippets: list[str] = []
    tables_start = None
    for block in blocks:
        if block.in_table and tables_start is None:
            tables_start = len(units)
        for run in text_runs(block.text):
            for unit in run:
                units.append(ASCII_UNIT | ascii_runs.setdefault(unit, len(ascii_runs)) if unit.isascii() else ord(unit))
            units.append(0)
        snippets.append(snippet_text(block.text))
    text = "\n".join(snippet for snippet in snippets if snippet)
    return SearchRecord(
        np.array(units, dtype=np.uint32),
        tuple(ascii_runs),
        len(units) if tables_start is None else tables_start,
        gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0),
    )


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

    def __init__(self, paths: Sequence[Path]) -> None:
        self.paths = list(paths)

    def __len__(self) -> int:
        return len(self.paths)

    @overload
    def __getitem__(self, index: int) -> SearchRecord: ...
    @overload
    def __getitem__(self, index: slice) -> RecordFiles: ...
    def __getitem__(self, index: int | slice) -> SearchRecord | RecordFiles:
        if isinstance(index, slice):
            return RecordFiles(self.paths[index])
        return read_record(self.paths[index].read_bytes())

    def in_order(self, order: Sequence[int]) -> RecordFiles:
        return RecordFiles([self.paths[i] for i in order])

    def unit_count(self) -> int:
        """Every record's number of units, from the files' headers alone."""
        total = 0
        for path in self.paths:
            with path.open("rb") as handle:
                total += HEADER.unpack(handle.read(HEADER.size))[2]
        return total


def records_in_order(records: Sequence[SearchRecord], order: Sequence[int]) -> Sequence[SearchRecord]:
    return records.in_order(order) if isinstance(records, RecordFiles) else [records[i] for i in order]


def unit_count(records: Sequence[SearchRecord]) -> int:
    if isinstance(records, RecordFiles):
        return records.unit_count()
    return sum(len(record.units) for record in records)
