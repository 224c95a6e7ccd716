"""The files of the search index (site/search-index/), written from every report's record.

- `index.json`: how many documents and buckets, and how the files are cut; tiny, read first.
- `b/G-N.bin.gz`: bucket N of group G. The postings are sorted a group of tokens at a time (token
  modulo the group count, from the archive's size: postings.group_count), and each group has the
  buckets its lists need; a token of group G is in bucket (token // groups) modulo G's bucket
  count (both in the manifest). A short list is in its bucket whole; a long one is there as its
  segments' first documents, and each segment is a file of its own (`s/HH/HASH-K.bin.gz`), cut
  newest documents first and doubling in size from FIRST_SEGMENT bytes: a query's first results
  need the first, small, segments only.
- `docs/N.json.gz`: what a result shows (page, title, agency, region, year, kind), DOCS_PER_PACK
  documents a file.
- `facets.json.gz`: every document's filters (province, city, year …) and where its tables start,
  for the counts and the filters, which may complete after the first results.
- `text/N/DOC.txt.gz`: each document's text as its snippet is cut from.

Documents are numbered newest first (then in archive order), so that every list starts with the
reports the search page shows first. Bucket format (varints; a hash is 8 bytes, little-endian):
    lists; then per list: hash, documents, segments (0: whole here), then
    whole: byte length, the list | segmented: per segment, the delta of its base (the document
    before its first; -1 before the list's first) from the previous segment's
"""

from __future__ import annotations

import gzip
import json
import logging
import math
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from ...model import Report
from ...parallel import map_in_processes
from ...reading.metadata import KINDS_BY_SLUG
from ..labels import facet_province, form_label, source_label
from ..urls import INDEX_DIR
from .postings import FAMILIES, Postings, Spill, group_count, group_families, record_tokens
from .record import SearchRecord, records_in_order, unit_count
from .text import region_text

log = logging.getLogger(__name__)

MANIFEST_NAME = "index.json"
FORMAT = 2  # 2: buckets by group of tokens
INLINE_MAX = 1024  # a list up to this many bytes stays in its bucket
BUCKET_TARGET = 4096  # bytes of whole lists per bucket, on average
FIRST_SEGMENT = 2048  # a long list's first segment; each next one is twice as long, up to:
MAX_SEGMENT = 64 * 1024
DOCS_PER_PACK = 100
DOCS_PER_BATCH = 1000  # records read, cut into postings and put on disk at a time (postings.Spill)
TEXTS_PER_FOLDER = 1000


def varint(value: int) -> bytes:
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


@dataclass(frozen=True)
class Facets:
    """What the search page filters and counts by, for one report."""

    province: str
    city: str
    year: int
    kind: str
    form: str
    source: str
    checks: str


FACET_FIELDS = ("province", "city", "kind", "form", "source", "checks")


def report_facets(report: Report) -> Facets:
    region = report.region
    province = facet_province(region)
    city = f"{province} {region.city}" if region.resolved and region.city else f"{province} —"
    return Facets(
        province=province,
        city=city,
        year=report.year or 0,
        kind=KINDS_BY_SLUG[report.kind].label,
        form=form_label(report.format),
        source=source_label(report),
        checks="有校验未通过" if report.failed_checks else "校验全部通过",
    )


@dataclass(frozen=True)
class IndexedDocument:
    """One report as a search result shows it and as the filters count it."""

    page: str  # its page's URL, relative to the site
    title: str
    agency: str
    region: str
    kind: str
    facets: Facets

    @property
    def year(self) -> int:
        return self.facets.year

    @classmethod
    def of(cls, report: Report, page: str) -> IndexedDocument:
        kind = KINDS_BY_SLUG[report.kind].label
        return cls(page, report.title, report.agency, region_text(report), kind, report_facets(report))


def newest_first(documents: Sequence[IndexedDocument]) -> list[int]:
    """The archive's documents in search order: the newest year first, then archive order."""
    return sorted(range(len(documents)), key=lambda index: (-documents[index].year, index))


@dataclass(frozen=True)
class IndexHost:
    """A site that holds a share of the index of a partitioned archive (partitions.py): its
    index folder here, and that folder's URL from the index's own folder (relative or absolute)."""

    folder: Path
    url: str


def host_number(relative: str, hosts: int) -> int | None:
    """Which host holds a file of the index: a segment by its folder (the hash's first byte), a
    text by its folder (the document number's thousands); None: the index's own folder (the
    manifest, buckets, docs packs and facets, which every query needs first, stay together)."""
    part, _, rest = relative.partition("/")
    if not hosts or part not in ("s", "text"):
        return None
    folder = rest.split("/", 1)[0]
    return (int(folder, 16) if part == "s" else int(folder)) % hosts


@dataclass
class IndexSummary:
    documents: int = 0
    lists: int = 0
    buckets: int = 0
    segments: int = 0
    bytes_by_part: dict[str, int] = field(default_factory=dict)  # by folder: b, s, docs, text
    hosts: Sequence[Path] = ()  # the folders that share the segments and texts (IndexHost)

    def add(self, other: IndexSummary) -> None:
        """Count another part of the index's files (a group's, written by another process)."""
        self.lists += other.lists
        self.segments += other.segments
        for part, size in other.bytes_by_part.items():
            self.bytes_by_part[part] = self.bytes_by_part.get(part, 0) + size

    def write(self, folder: Path, relative: str, data: bytes) -> None:
        """Write one file of the index (in its host's folder), counting its bytes under its part."""
        number = host_number(relative, len(self.hosts))
        path = (folder if number is None else self.hosts[number]) / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        part = relative.split("/", 1)[0]
        self.bytes_by_part[part] = self.bytes_by_part.get(part, 0) + len(data)


def segment_cuts(entry_offsets: np.ndarray) -> list[int]:
    """Where a long list's segments start, as entry numbers: the first at most FIRST_SEGMENT bytes
    (or one entry), each next one at most twice as long, up to MAX_SEGMENT. entry_offsets: each
    entry's byte offset from the list's start, and its end, last."""
    cuts = [0]
    entries = len(entry_offsets) - 1
    target = FIRST_SEGMENT
    while True:
        cut = int(np.searchsorted(entry_offsets, entry_offsets[cuts[-1]] + target, side="right")) - 1
        cut = max(cut, cuts[-1] + 1)
        if cut >= entries:
            return cuts
        cuts.append(cut)
        target = min(2 * target, MAX_SEGMENT)


def segment_path(token: int, segment: int) -> str:
    name = f"{token:016x}"
    return f"s/{name[:2]}/{name}-{segment}.bin.gz"


class BundleWriter:
    """Writes one group's lists of both families into the group's buckets and their segment files.
    A token of group g (token modulo the groups) is in its bucket (token // groups) modulo the
    group's bucket count, the file b/g-N.bin.gz."""

    def __init__(
        self, folder: Path, families: Sequence[Postings], hosts: Sequence[Path] = (), group: int = 0, groups: int = 1
    ) -> None:
        self.folder = folder
        self.families = families
        self.summary = IndexSummary(hosts=hosts)
        self.group = group
        self.groups = groups

    def bucket_count(self) -> int:
        whole = 0
        for postings in self.families:
            sizes = np.diff(postings.list_starts)
            whole += int(sizes[sizes <= INLINE_MAX].sum()) + 12 * int((sizes <= INLINE_MAX).sum())
        return max(1, math.ceil(whole / BUCKET_TARGET))

    def list_entry(self, postings: Postings, index: int) -> bytes:
        token = int(postings.tokens[index])
        head = token.to_bytes(8, "little") + varint(int(postings.docs[index]))
        start, end = int(postings.list_starts[index]), int(postings.list_starts[index + 1])
        if end - start <= INLINE_MAX:
            return head + varint(0) + varint(end - start) + postings.list_bytes(index)
        first, last = int(postings.first_entries[index]), int(postings.first_entries[index + 1])
        offsets = postings.entry_starts[first : last + 1] - start
        cuts = segment_cuts(offsets)
        bases = [-1] + [int(postings.entry_docs[first + cut - 1]) for cut in cuts[1:]]
        body = varint(len(cuts)) + b"".join(varint(b - a) for a, b in zip([-1, *bases], bases, strict=False))
        for number, (cut, next_cut) in enumerate(zip(cuts, [*cuts[1:], last - first], strict=True)):
            segment = postings.data[start + int(offsets[cut]) : start + int(offsets[next_cut])]
            self.summary.write(self.folder, segment_path(token, number), gzip_bytes(segment.tobytes()))
            self.summary.segments += 1
        return head + body

    def write(self) -> None:
        buckets = self.bucket_count()
        keyed = [
            ((int(token) // self.groups) % buckets, int(token), family, index)
            for family, postings in enumerate(self.families)
            for index, token in enumerate(postings.tokens)
        ]
        keyed.sort()
        at = 0
        for bucket in range(buckets):
            entries = []
            while at < len(keyed) and keyed[at][0] == bucket:
                _, _, family, index = keyed[at]
                entries.append(self.list_entry(self.families[family], index))
                at += 1
            data = gzip_bytes(varint(len(entries)) + b"".join(entries))
            self.summary.write(self.folder, f"b/{self.group}-{bucket}.bin.gz", data)
        self.summary.lists = len(keyed)
        self.summary.buckets = buckets


def gzip_bytes(data: bytes, level: int = 6) -> bytes:
    """Every file of the index is a gzip file (about half the bytes of the postings), which the
    page decompresses itself: hosts serve it the same way, compressed or not in transit."""
    return gzip.compress(data, compresslevel=level, mtime=0)


def json_bytes(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def facets_data(documents: Sequence[IndexedDocument], tables: Sequence[int]) -> dict:
    """Every document's facets as columns of small numbers into sorted value lists (compact, and
    the same bytes for the same inputs), its year, and where its tables start."""
    facets = [document.facets for document in documents]
    values = {name: sorted({getattr(f, name) for f in facets}) for name in FACET_FIELDS}
    positions = {name: {value: n for n, value in enumerate(labels)} for name, labels in values.items()}
    return {
        "values": values,
        "columns": {name: [positions[name][getattr(f, name)] for f in facets] for name in FACET_FIELDS},
        "year": [f.year for f in facets],
        "tables": list(tables),
    }


def document_row(document: IndexedDocument) -> list[object]:
    return [document.page, document.title, document.agency, document.region, document.year, document.kind]


@dataclass(frozen=True)
class GroupJob:
    """What a process needs to write groups of the index (sent once, when it forks)."""

    spill: Spill
    folder: Path
    hosts: tuple[Path, ...]


def write_group(job: GroupJob, group: int) -> IndexSummary:
    """Sort one group's postings and write its buckets and segments; what it wrote."""
    writer = BundleWriter(job.folder, group_families(job.spill, group), job.hosts, group, job.spill.groups)
    writer.write()
    return writer.summary


def write_search_index(
    site_dir: Path,
    documents: Sequence[IndexedDocument],
    records: Sequence[SearchRecord],
    jobs: int = 1,
    hosts: Sequence[IndexHost] = (),
) -> IndexSummary:
    """Index the documents (in archive order, each with its record) into site/search-index/, the
    postings sorted and written group by group by `jobs` processes; with hosts, the segments and
    texts are theirs (host_number). Memory holds one batch of records, and one group per process:
    the postings wait on disk in between (postings.Spill)."""
    order = newest_first(documents)
    documents = [documents[i] for i in order]
    records = records_in_order(records, order)
    folder = site_dir / INDEX_DIR
    folder.mkdir(parents=True, exist_ok=True)
    summary = IndexSummary(hosts=[host.folder for host in hosts])
    tables: list[int] = []
    groups = group_count(unit_count(records))
    with tempfile.TemporaryDirectory(prefix=".search-postings-", dir=site_dir) as scratch:
        spill = Spill(Path(scratch), groups)
        for start in range(0, len(records), DOCS_PER_BATCH):
            batch = [records[i] for i in range(start, min(start + DOCS_PER_BATCH, len(records)))]
            for family, tokens in zip(FAMILIES, record_tokens(batch, first_doc=start), strict=True):
                spill.add(family, tokens.joined())
            for number, record in enumerate(batch, start=start):
                summary.write(folder, f"text/{number // TEXTS_PER_FOLDER}/{number}.txt.gz", record.snippet_gz)
                tables.append(record.tables_start)
        job = GroupJob(spill, folder, tuple(summary.hosts))
        written = map_in_processes(write_group, range(groups), min(jobs, groups), shared=job)
    for part in written:
        summary.add(part)
    summary.buckets = sum(part.buckets for part in written)
    for start in range(0, len(documents), DOCS_PER_PACK):
        rows = [document_row(d) for d in documents[start : start + DOCS_PER_PACK]]
        summary.write(folder, f"docs/{start // DOCS_PER_PACK}.json.gz", gzip_bytes(json_bytes(rows)))
    summary.write(folder, "facets.json.gz", gzip_bytes(json_bytes(facets_data(documents, tables))))
    summary.documents = len(documents)
    manifest: dict[str, object] = {
        "format": FORMAT,
        "documents": len(documents),
        "groups": groups,
        "buckets": [part.buckets for part in written],
        "docs_per_pack": DOCS_PER_PACK,
        "texts_per_folder": TEXTS_PER_FOLDER,
    }
    if hosts:
        manifest["hosts"] = [host.url for host in hosts]
    summary.write(folder, MANIFEST_NAME, json_bytes(manifest))
    log.info("search index: %s", {name: value for name, value in asdict(summary).items() if name != "hosts"})
    return summary
