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
from dataclasses import dataclass

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
    v = values.astype(np.uint64)
    return 1 + sum((v >= np.uint64(1 << (7 * k))).astype(np.int64) for k in range(1, 5))


def varints(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """LEB128 bytes of uint32 values, and the byte offset of each value (and the end, last)."""
    v = values.astype(np.uint64)
    lengths = varint_lengths(v)
    offsets = np.zeros(len(v) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    out = np.empty(int(offsets[-1]), dtype=np.uint8)
    for k in range(5):
        here = lengths > k
        if not here.any():
            break
        byte = (v[here] >> np.uint64(7 * k)) & np.uint64(0x7F)
        byte |= np.where(lengths[here] > k + 1, np.uint64(0x80), np.uint64(0))
        out[offsets[:-1][here] + k] = byte.astype(np.uint8)
    return out, offsets


def record_tokens(records: Sequence[SearchRecord]) -> tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...]]:
    """(tokens, documents, positions) of every pair, and of every unit, in document order."""
    pairs: list[list[np.ndarray]] = [[], [], []]
    units: list[list[np.ndarray]] = [[], [], []]
    for doc, record in enumerate(records):
        ids = record.unit_ids()
        filled = ids != 0
        at = np.flatnonzero(filled[:-1] & filled[1:])
        for family, positions, tokens in (
            (pairs, at, pair_tokens_array(ids[at], ids[at + 1])),
            (units, np.flatnonzero(filled), unit_tokens_array(ids[filled])),
        ):
            family[0].append(tokens)
            family[1].append(np.full(len(positions), doc, dtype=np.uint32))
            family[2].append(positions.astype(np.uint32))

    def joined(family: list[list[np.ndarray]]) -> tuple[np.ndarray, ...]:
        dtypes = (np.uint64, np.uint32, np.uint32)
        return tuple(
            np.concatenate(parts) if parts else np.empty(0, dtype) for parts, dtype in zip(family, dtypes, strict=True)
        )

    return joined(pairs), joined(units)


def build_postings(tokens: np.ndarray, docs: np.ndarray, positions: np.ndarray, all_positions: bool) -> Postings:
    """The postings lists of one family, from its postings in document order. With all_positions,
    each entry lists every position (pairs); otherwise the first one (units)."""
    if len(tokens) == 0:
        none = np.zeros(1, dtype=np.int64)
        return Postings(tokens, none[:0], np.empty(0, np.uint8), none, none, docs, none)
    order = np.argsort(tokens, kind="stable")  # stable: documents and positions stay in order
    tokens, docs, positions = tokens[order], docs[order], positions[order]
    count = len(tokens)
    new_entry = np.ones(count, dtype=bool)
    new_entry[1:] = (tokens[1:] != tokens[:-1]) | (docs[1:] != docs[:-1])
    entry_at = np.flatnonzero(new_entry)
    entries = len(entry_at)
    entry_tokens, entry_docs = tokens[entry_at], docs[entry_at]
    counts = np.diff(np.append(entry_at, count))
    new_list = np.ones(entries, dtype=bool)
    new_list[1:] = entry_tokens[1:] != entry_tokens[:-1]
    previous = np.empty(entries, dtype=np.int64)
    previous[0] = -1
    previous[1:] = entry_docs[:-1]
    previous[new_list] = -1
    doc_deltas = entry_docs.astype(np.int64) - previous
    if all_positions:
        deltas = positions.astype(np.int64)
        deltas[1:] -= positions[:-1]
        deltas[entry_at] = positions[entry_at]
        entry_index = np.cumsum(new_entry) - 1
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


def records_to_postings(records: Sequence[SearchRecord]) -> tuple[Postings, Postings]:
    """The pairs' postings (with positions) and the units' (first position only)."""
    pairs, units = record_tokens(records)
    return build_postings(*pairs, all_positions=True), build_postings(*units, all_positions=False)
