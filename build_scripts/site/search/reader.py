"""The search index read back in Python: what the search page does, without the progressive
loading. The tests check the written index against the text with it, and the benchmarks use it."""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .bundle import MANIFEST_NAME, host_number, segment_path
from .text import query_segments
from .tokens import segment_tokens


def read_varint(data: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, at
        shift += 7


@dataclass(frozen=True)
class Entry:
    doc: int
    count: int
    positions: tuple[int, ...]  # every position (pairs) or the first (units)


def decode_list(data: bytes, base: int, all_positions: bool) -> list[Entry]:
    entries, at, doc = [], 0, base
    while at < len(data):
        delta, at = read_varint(data, at)
        count, at = read_varint(data, at)
        doc += delta
        positions = []
        for _ in range(count if all_positions else 1):
            value, at = read_varint(data, at)
            positions.append(value + (positions[-1] if positions else 0) if all_positions else value)
        entries.append(Entry(doc, count, tuple(positions)))
    return entries


class IndexReader:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.manifest = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
        # A partitioned archive's hosts, by their URLs from this folder: sibling sites' folders here.
        self.hosts = [folder / url for url in self.manifest.get("hosts", [])]

    def path(self, relative: str) -> Path:
        """Where a file of the index is: here, or in the folder of the host that holds it."""
        number = host_number(relative, len(self.hosts))
        return (self.folder if number is None else self.hosts[number]) / relative

    @cache  # noqa: B019 - one reader per test or benchmark
    def bucket(self, group: int, number: int) -> dict[int, tuple[int, bytes | list[int]]]:
        """token -> (documents, the whole list or the segments' bases)."""
        data = gzip.decompress(self.path(f"b/{group}-{number}.bin.gz").read_bytes())
        count, at = read_varint(data, 0)
        lists: dict[int, tuple[int, bytes | list[int]]] = {}
        for _ in range(count):
            token = int.from_bytes(data[at : at + 8], "little")
            docs, at = read_varint(data, at + 8)
            segments, at = read_varint(data, at)
            if segments == 0:
                size, at = read_varint(data, at)
                lists[token] = (docs, data[at : at + size])
                at += size
            else:
                bases, base = [], -1
                for _ in range(segments):
                    delta, at = read_varint(data, at)
                    base += delta
                    bases.append(base)
                lists[token] = (docs, bases)
        return lists

    def postings(self, token: int, all_positions: bool) -> list[Entry]:
        groups = self.manifest["groups"]
        group = token % groups
        found = self.bucket(group, (token // groups) % self.manifest["buckets"][group]).get(token)
        if found is None:
            return []
        _, content = found
        if isinstance(content, bytes):
            return decode_list(content, -1, all_positions)
        entries = []
        for number, base in enumerate(content):
            data = gzip.decompress(self.path(segment_path(token, number)).read_bytes())
            entries += decode_list(data, base, all_positions)
        return entries

    def segment_docs(self, units: list[str]) -> set[int]:
        tokens = segment_tokens(units)
        if len(units) == 1:
            return {entry.doc for entry in self.postings(tokens[0], all_positions=False)}
        lists = [{e.doc: set(e.positions) for e in self.postings(token, True)} for token in tokens]
        found = set()
        for doc, starts in lists[0].items():
            if all(doc in other for other in lists[1:]) and any(
                all(start + offset in other[doc] for offset, other in enumerate(lists[1:], start=1)) for start in starts
            ):
                found.add(doc)
        return found

    def search(self, query: str) -> set[int]:
        """The documents (numbers, newest first) that contain every segment of the query."""
        segments = query_segments(query)
        if not segments:
            return set()
        return set.intersection(*(self.segment_docs(units) for units in segments))
