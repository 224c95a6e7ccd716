"""One report's search record: its units in order and the text its snippets come from, made where
the report is rendered (in parallel) and kept beside its page, so that an unchanged report is never
cut again. The index (postings.py) is made from every record at once.

The units are a uint32 array: a Chinese character's code point, an ASCII run as ASCII_UNIT | its
place in the record's list of ASCII runs, and 0 between two runs (a query never spans a 0). A
unit's position is its place in the array; the tables start at `tables_start`.
"""

from __future__ import annotations

import gzip
import struct
from collections.abc import Iterable
from dataclasses import dataclass

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
