"""Every record's tokens sorted into postings lists, with numpy: the work grows with the text, not
with the number of distinct tokens, and never runs a Python loop per posting.

Two families share the index, told apart by the token's hash (tokens.py):
- a pair of units: for each document holding it, [document delta, count, positions as deltas];
  positions prove that a query's pairs stand in a row;
- one unit alone: for each document, [document delta, count, first position]; a one-unit query
  needs no positions, only whether the first one is before the document's tables.
Values are LEB128 varints. Documents are numbered newest first (bundle.py), so the start of every
list holds the newest reports, which the search page shows first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .record import SearchRecord
from .tokens import pair_tokens_array, unit_tokens_array


@dataclass(frozen=True)
class Postings:
    """One family's postings lists, all in one byte buffer, in token order."""

    tokens: np.ndarray  # uint64, sorted: one per list
    docs: np.ndarray  # how many documents each list holds
    data: np.ndarray  # uint8: every list, one after the other
    list_starts: np.ndarray  # byte offset of each list in data (and the end, last)
    entry_starts: np.ndarray  # byte offset of each document's entry in data (and the end, last)
    entry_docs: np.ndarray  # the document of each entry
    first_entries: np.ndarray  # the first entry of each list (and the number of entries, last)

    def list_bytes(self, index: int) -> bytes:
        return self.data[self.list_starts[index] : self.list_starts[index + 1]].tobytes()


def varint_lengths(values: np.ndarray) -> np.ndarray:
    lengths = np.ones(len(values), dtype=np.uint8)
    for k in range(1, 5):
        lengths += values >= (1 << (7 * k))
    return lengths


def varints(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """LEB128 bytes of values below 2**35, and the byte offset of each value (and the end, last)."""
    v = values.astype(np.uint64, copy=False)
    lengths = varint_lengths(v)
    offsets = np.zeros(len(v) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    out = np.empty(int(offsets[-1]), dtype=np.uint8)
    starts = offsets[:-1]
    for k in range(5):
        here = np.flatnonzero(lengths > k) if k else slice(None)
        chunk = v[here] >> np.uint64(7 * k)
        byte = (chunk & np.uint64(0x7F)).astype(np.uint8)
        byte[chunk > 0x7F] |= 0x80
        out[starts[here] + k] = byte
        if k + 1 < 5 and not (lengths > k + 1).any():
            break
    return out, offsets


@dataclass
class Family:
    """One family's postings before sorting: token, document, position of each (pairs), or of
    each (unit, document) with its count and first position (units)."""

    tokens: list[np.ndarray] = field(default_factory=list)
    docs: list[np.ndarray] = field(default_factory=list)
    positions: list[np.ndarray] = field(default_factory=list)
    counts: list[np.ndarray] = field(default_factory=list)

    def add(self, doc: int, tokens: np.ndarray, positions: np.ndarray, counts: np.ndarray | None = None) -> None:
        self.tokens.append(tokens)
        self.docs.append(np.full(len(tokens), doc, dtype=np.uint32))
        self.positions.append(positions.astype(np.uint32))
        if counts is not None:
            self.counts.append(counts.astype(np.uint32))

    def joined(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
        """The postings in four arrays; the per-document ones are let go as each is joined, so
        that the family is never held twice."""

        def join(parts: list[np.ndarray], dtype: type) -> np.ndarray:
            whole = np.concatenate(parts) if parts else np.empty(0, dtype)
            parts.clear()
            return whole

        counts = join(self.counts, np.uint32) if self.counts else None
        return join(self.tokens, np.uint64), join(self.docs, np.uint32), join(self.positions, np.uint32), counts


def record_tokens(records: Sequence[SearchRecord], first_doc: int = 0) -> tuple[Family, Family]:
    """Every pair with its position, and every unit of each document once, with its count and
    first position, in document order (the first record is document `first_doc`)."""
    pairs, units = Family(), Family()
    for doc, record in enumerate(records, start=first_doc):
        ids = record.unit_ids()
        filled = ids != 0
        at = np.flatnonzero(filled[:-1] & filled[1:])
        pairs.add(doc, pair_tokens_array(ids[at], ids[at + 1]), at)
        where = np.flatnonzero(filled)
        distinct, first, counts = distinct_units(ids[where])
        units.add(doc, unit_tokens_array(distinct), where[first], counts)
    return pairs, units


LOW_32 = np.uint64(0xFFFFFFFF)


def stable_order(tokens: np.ndarray) -> np.ndarray:
    """np.argsort(tokens, kind="stable"), in half the time: numpy's stable sort of 64-bit keys is a
    merge sort, its plain sort a vectorised quicksort. Sorted plainly first, then each run of equal
    tokens by position, as one sort of (run number, position) packed in 64 bits."""
    if len(tokens) >= 1 << 32:
        return np.argsort(tokens, kind="stable")
    order = np.argsort(tokens)
    ordered = tokens[order]
    runs = np.zeros(len(tokens), dtype=np.uint64)
    np.not_equal(ordered[1:], ordered[:-1], out=runs[1:], casting="unsafe")
    keys = np.cumsum(runs, dtype=np.uint64) << np.uint64(32)
    keys |= order.astype(np.uint64)
    keys.sort()
    return (keys & LOW_32).astype(np.intp)


def distinct_units(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """np.unique(ids, return_index=True, return_counts=True) in half the time (stable_order): each
    distinct unit, where it first stands and how often."""
    order = stable_order(ids)
    ordered = ids[order]
    first = np.ones(len(ids), dtype=bool)
    first[1:] = ordered[1:] != ordered[:-1]
    starts = np.flatnonzero(first)
    return ordered[starts], order[starts], np.diff(np.append(starts, len(ids)))


def build_postings(tokens: np.ndarray, docs: np.ndarray, positions: np.ndarray, counts: np.ndarray | None) -> Postings:
    """The postings lists of one family, from its postings in document order: with counts (units),
    one entry each, [document delta, count, first position]; without (pairs), one entry per token
    and document, [document delta, count, every position as deltas]."""
    if len(tokens) == 0:
        none = np.zeros(1, dtype=np.int64)
        return Postings(tokens, none[:0], np.empty(0, np.uint8), none, none, docs, none)
    order = stable_order(tokens)  # stable: documents and positions stay in order
    tokens, docs, positions = tokens[order], docs[order], positions[order]
    count = len(tokens)
    all_positions = counts is None
    if all_positions:
        new_entry = np.ones(count, dtype=bool)
        new_entry[1:] = (tokens[1:] != tokens[:-1]) | (docs[1:] != docs[:-1])
        entry_at = np.flatnonzero(new_entry)
        counts = np.diff(np.append(entry_at, count))
    else:
        counts, entry_at = counts[order], np.arange(count)
    entries = len(entry_at)
    entry_tokens, entry_docs = tokens[entry_at], docs[entry_at]
    new_list = np.ones(entries, dtype=bool)
    new_list[1:] = entry_tokens[1:] != entry_tokens[:-1]
    previous = np.empty(entries, dtype=np.int64)
    previous[0] = -1
    previous[1:] = entry_docs[:-1]
    previous[new_list] = -1
    doc_deltas = entry_docs - previous
    if all_positions:  # as deltas within the entry
        deltas = positions.astype(np.int64)
        deltas[1:] -= positions[:-1]
        deltas[entry_at] = positions[entry_at]
        entry_index = np.repeat(np.arange(entries), counts)
        values = np.empty(count + 2 * entries, dtype=np.int64)
        values[np.arange(count) + 2 * (entry_index + 1)] = deltas
        value_starts = entry_at + 2 * np.arange(entries)
        values[value_starts] = doc_deltas
        values[value_starts + 1] = counts
    else:
        values = np.empty(3 * entries, dtype=np.int64)
        values[0::3], values[1::3], values[2::3] = doc_deltas, counts, positions[entry_at]
        value_starts = 3 * np.arange(entries)
    data, offsets = varints(values)
    entry_starts = np.append(offsets[value_starts], offsets[-1])
    first_entries = np.append(np.flatnonzero(new_list), entries)
    return Postings(
        tokens=entry_tokens[new_list],
        docs=np.diff(first_entries),
        data=data,
        list_starts=entry_starts[first_entries],
        entry_starts=entry_starts,
        entry_docs=entry_docs,
        first_entries=first_entries,
    )


# Postings sorted at a time: the sort's working arrays take about 60 bytes a posting, so that
# the archive is sorted in groups of tokens (token modulo the group count) in bounded memory, one
# group per process at a time. Until then each group's postings wait on disk (Spill), so that
# memory holds the postings of one batch of documents, not of the archive. Small groups are also
# the fast ones: groups of 20 million postings spent a third of their time in the kernel, zeroing
# the fresh pages of each new array; at a million (60 MB of arrays) malloc reuses its memory and
# 10,000 reports index in 40 % less CPU.
POSTINGS_PER_GROUP = 1_000_000
FAMILIES = ("pairs", "units")
ARRAYS = (("tokens", np.uint64), ("docs", np.uint32), ("positions", np.uint32), ("counts", np.uint32))


def group_count(unit_count: int) -> int:
    """How many groups the postings are sorted in, from the archive's units alone (a bound on its
    pairs, and on its distinct units per document), never from the processes: the index is the
    same bytes however many build it."""
    return max(1, -(-unit_count // POSTINGS_PER_GROUP))


@dataclass(frozen=True)
class Spill:
    """Each group's postings of each family, appended to files batch by batch in document order."""

    folder: Path
    groups: int

    def path(self, family: str, group: int, array: str) -> Path:
        return self.folder / f"{family}-{group}.{array}"

    def add(self, family: str, joined: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]) -> None:
        tokens = joined[0]
        # Small integers: numpy's stable sort of them is a radix sort, ten times a 64-bit one's speed.
        group_of = (tokens % np.uint64(self.groups)).astype(np.uint16 if self.groups < 1 << 16 else np.uint64)
        order = np.argsort(group_of, kind="stable")  # stable: documents stay in order within a group
        cuts = np.searchsorted(group_of[order], np.arange(self.groups + 1))
        for (name, _), values in zip(ARRAYS, joined, strict=True):
            if values is None:
                continue
            ordered = values[order]
            for group in range(self.groups):
                with self.path(family, group, name).open("ab") as handle:
                    ordered[cuts[group] : cuts[group + 1]].tofile(handle)

    def load(self, family: str, group: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
        def read(name: str, dtype: type) -> np.ndarray | None:
            path = self.path(family, group, name)
            return np.fromfile(path, dtype=dtype) if path.exists() else np.empty(0, dtype)

        tokens, docs, positions, counts = (read(name, dtype) for name, dtype in ARRAYS)
        return tokens, docs, positions, counts if family == "units" else None


def group_families(spill: Spill, group: int) -> list[Postings]:
    """One group's postings lists: the pairs' (with positions), then the units' (first position)."""
    return [build_postings(*spill.load(family, group)) for family in FAMILIES]
