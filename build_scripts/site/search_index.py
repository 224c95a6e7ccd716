"""The search index: every report as a search record that Pagefind indexes, and the facets beside it.

Chinese has no spaces, and people type any part of a name or a term (伊川, 城市管理局, 复议). Pagefind
matches whole words and word prefixes, and its Chinese word segmentation differs between indexing
and the browser, so a word-based index misses what people type. Instead every run of text is cut
into units (one Chinese character, or one run of ASCII letters and digits) and indexed as
overlapping pairs of units, each written as digits: 伊川县 → "2031024029 2402935793 35793".
A query of k units becomes its k-1 pairs, and a report contains the query exactly when the pairs
stand at consecutive positions, which the search page checks (templates/theme/assets/
archive-search.js). Digits keep Pagefind from stemming, segmenting or splitting the words into
characters, so its matches are exact. The same cutting runs in the browser: the two must agree.

The records live outside the site: Pagefind reads them and writes its index into site/pagefind/,
and the facets file (site/pagefind/archive-facets.json) maps each indexed record to its year,
region, kind, format, source and checks, for the search page's filters and counts.

Pagefind's work for one query grows with the pages matched times the word entries matched, so a
term in every report costs the square of the archive's size. The records are therefore indexed
in shards of SHARD_SIZE reports: the first is the main bundle (site/pagefind/), the others
(site/pagefind/shard-N/) hold only their index and are merged into it by the search page, which
then does about SHARD_SIZE times the archive's size of work for a query.
"""

from __future__ import annotations

import bisect
import functools
import gzip
import json
import logging
import os
import posixpath
import re
import subprocess
import sys
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import jinja2

from ..forms import TABLE3_GROUPS, column_spec, row_spec, table2_column_label, table2_row_label
from ..model import Report, StatTable, Table
from ..parallel import ending_with
from ..reading.metadata import KINDS_BY_SLUG
from ..reading.tables import ITEM_NUMBER
from .labels import facet_province, form_label, source_label

log = logging.getLogger(__name__)

# Units: a run of ASCII letters and digits, or one Chinese character (the CJK unified ideographs,
# extension A and the compatibility block). Everything else (punctuation, symbols) ends a run.
UNIT_CLASSES = r"0-9a-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
PIECE = re.compile(rf"([0-9a-z]+)|([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])|(\s+)|([^\s{UNIT_CLASSES}]+)")
CODE_WIDTH = 5  # every code point of a unit as 5 decimal digits (all are below 100000)

FACETS_NAME = "archive-facets.json"
PAGEFIND_DIR = "pagefind"
# Pagefind's language for the records: they hold only digits and punctuation, so what matters is
# that the language neither segments nor stems digits.
INDEX_LANGUAGE = "en"

# Table labels are shared by every report: a hit in the prose must rank above a hit only in a table.
# 1/24 is the smallest weight Pagefind keeps (it stores weights in 24ths).
TABLE_WEIGHT = 0.05
METADATA_WEIGHT = 2.0


@functools.cache
def unit_code(unit: str) -> str:
    return "".join(f"{ord(character):0{CODE_WIDTH}d}" for character in unit)


# Full-width letters and digits (ＡＢＣ１２３) read as ASCII, and ASCII in lower case. One character
# for one, so the browser can map a match back onto the page's own text.
FOLD = {
    code: chr(code - 0xFEE0).lower()
    for code in [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)]
}
FOLD |= {code: chr(code).lower() for code in range(ord("A"), ord("Z") + 1)}


def normalize(text: str) -> str:
    """What both sides index and search: full-width letters and digits folded, ASCII lower case."""
    return text.translate(FOLD)


def segment_tokens(codes: list[str]) -> list[str]:
    """A run of unit codes as overlapping pairs, then its last unit alone, so that every unit
    begins a token and a one-unit query finds it by prefix."""
    return [*map(str.__add__, codes, codes[1:]), codes[-1]]


def text_to_chunks(text: str) -> list[str]:
    """Text as Pagefind's words: pair tokens of each run of units, and punctuation kept as it is
    (for the snippets) in chunks of its own. Whitespace joins units, except between two ASCII runs
    (`open data` stays two words)."""
    chunks: list[str] = []
    run: list[str] = []
    last_was_ascii = spaced = False
    for ascii_run, character, space, other in PIECE.findall(normalize(text)):
        if space:
            spaced = True
            continue
        if other:
            if run:
                chunks += segment_tokens(run)
                run = []
            chunks.append(other)
        elif ascii_run and spaced and last_was_ascii and run:
            chunks += segment_tokens(run)
            run = [unit_code(ascii_run)]
        else:
            run.append(unit_code(ascii_run or character))
        last_was_ascii = bool(ascii_run)
        spaced = False
    if run:
        chunks += segment_tokens(run)
    return chunks


def encode_text(text: str) -> str:
    return " ".join(text_to_chunks(text))


def is_token(chunk: str) -> bool:
    return chunk.isascii() and chunk.isdigit()


def query_segments(query: str) -> list[list[str]]:
    """A query as runs of units a report must contain unbroken: words split at spaces and
    punctuation, quotes only grouping. The search page does the same (querySegments)."""
    segments = []
    for term in re.sub(r'["“”]', " ", normalize(query)).split():
        units: list[str] = []
        for ascii_run, character, _space, other in PIECE.findall(term):
            if other:
                if units:
                    segments.append(units)
                units = []
            else:
                units.append(ascii_run or character)
        if units:
            segments.append(units)
    return segments


def segment_query_tokens(units: list[str]) -> list[str]:
    """The tokens to look up for one segment: its pairs, or its one unit (found by prefix)."""
    codes = [unit_code(unit) for unit in units]
    return codes if len(codes) == 1 else segment_tokens(codes)[:-1]


def decode_chunk(chunk: str) -> str:
    """The text a chunk stands for: a token's first unit, or punctuation as it is. Pagefind ends
    each block's last word with a full stop: that becomes a space."""
    if chunk.endswith(".") and is_token(chunk[:-1]):
        return decode_chunk(chunk[:-1]) + " "
    if not is_token(chunk):
        return chunk
    codes = [int(chunk[i : i + CODE_WIDTH]) for i in range(0, len(chunk), CODE_WIDTH)]
    if codes[0] >= 128:
        return chr(codes[0])
    first = []
    for code in codes:
        if code >= 128:
            break
        first.append(chr(code))
    return "".join(first)


def decode_text(encoded: str) -> str:
    """The normalized text back from its chunks, without whitespace (the snippets' source)."""
    return "".join(decode_chunk(chunk) for chunk in encoded.split())


@dataclass(frozen=True)
class SearchBlock:
    """One indexed element of a record: encoded text and its Pagefind weight (1 is prose)."""

    text: str
    weight: float = 1.0

    @property
    def in_table(self) -> bool:
        return self.weight == TABLE_WEIGHT

    @property
    def word_count(self) -> int:
        return len(self.text.split())


def table_text(table: Table) -> str:
    """A table as printed, cell by cell; the separators keep pairs from crossing cells."""
    return "；".join("，".join(cell for cell in row if cell.strip()) for row in table.rows)


def plain_label(label: str) -> str:
    """A row label without its numbering: （三）不予公开 → 不予公开, 1.属于国家秘密 → 属于国家秘密."""
    return ITEM_NUMBER.sub("", label)


def stat_row_label(table: StatTable, row: str) -> str:
    number = table.number
    if number == "二":
        return table2_row_label(table.format or "2021", row)
    spec = row_spec(number, row)
    group = TABLE3_GROUPS.get(spec.group or "") if number == "三" and spec.group != "outcomes" else None
    return " · ".join(plain_label(part) for part in (group, spec.label) if part)


def column_label(table: StatTable, column: str) -> str:
    if table.number == "二":  # the 2019 and 2021 forms name some columns of table 二 differently
        return table2_column_label(table.format or "2021", column)
    return column_spec(table.number, column).label


def stat_table_text(table: StatTable) -> str:
    """A parsed table as rows people can read in a search snippet: the row, then its values by
    column (table 三 by its 总计 only, the column a reader asks about): 不予公开 · 属于国家秘密：总计 3."""
    lines = []
    for row in table.rows:
        cells = [cell for cell in table.cells if cell.row == row and cell.printed.strip()]
        if table.number == "三":
            cells = [cell for cell in cells if cell.column == "total"]
        values = "，".join(f"{column_label(table, c.column)} {c.printed}" for c in cells)
        if values:
            lines.append(f"{stat_row_label(table, row)}：{values}")
    return "；".join(lines)


def report_text_blocks(report: Report) -> Iterator[SearchBlock]:
    """The report's own text in reading order: cover notice, preamble, sections; tables weigh less."""
    if report.cover_notice:
        yield SearchBlock(encode_text(" ".join(report.cover_notice.lines)))
    parsed = {table.number: table for table in report.statistics}
    written: set[str] = set()
    for section in [None, *report.sections]:
        blocks = report.preamble if section is None else section.blocks
        if section is not None:
            yield SearchBlock(encode_text(section.title))
        for block in blocks:
            if block.table is None:
                if block.text:
                    yield SearchBlock(encode_text(block.text))
            elif block.table.number not in parsed:
                yield SearchBlock(encode_text(table_text(block.table)), TABLE_WEIGHT)
            elif block.table.number not in written:  # a table cut by a page: its parsed rows once
                written.add(block.table.number)
                yield SearchBlock(encode_text(stat_table_text(parsed[block.table.number])), TABLE_WEIGHT)


def region_text(report: Report) -> str:
    region = report.region
    return " ".join(part for part in (region.province, region.city, region.county) if part)


def metadata_text(report: Report) -> str:
    """What a person may search for that the text might not say: agency, place, year, kind."""
    parts = [report.agency, region_text(report), f"{report.year}年" if report.year else ""]
    parts.append(KINDS_BY_SLUG[report.kind].label)
    return "；".join(part for part in parts if part)


def pack_blocks(blocks: Iterable[SearchBlock]) -> bytes:
    """Blocks compressed for the trip between the two build rounds (a tenth of their size)."""
    data = json.dumps([[block.text, block.weight] for block in blocks], ensure_ascii=False)
    return zlib.compress(data.encode("utf-8"), 1)


def unpack_blocks(packed: bytes) -> list[SearchBlock]:
    return [SearchBlock(text, weight) for text, weight in json.loads(zlib.decompress(packed))]


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


def render_record(env: jinja2.Environment, report: Report, url: str, packed_blocks: bytes) -> str:
    """The HTML page Pagefind indexes for one report: its prose, metadata and title, then its
    tables. Where the tables start (in Pagefind's word positions, one per chunk) is in the record's
    metadata, so that the search page can rank a hit in the report's own words above a hit only in
    the tables, whichever shard each came from."""
    blocks = unpack_blocks(packed_blocks)
    prose = [block for block in blocks if not block.in_table]
    title = SearchBlock(encode_text(report.title))
    metadata = SearchBlock(encode_text(metadata_text(report)), METADATA_WEIGHT)
    return env.get_template("search_record.html.j2").render(
        report=report,
        url=url,
        region=region_text(report),
        kind=KINDS_BY_SLUG[report.kind].label,
        prose=prose,
        metadata=metadata,
        title=title,
        tables=[block for block in blocks if block.in_table],
        tables_start=sum(block.word_count for block in [*prose, metadata, title]),
    )


RECORD_DIGITS = 6
# A power of ten, so that a shard's records share a name prefix. Each shard adds its own index
# chunks to a query's download, and saves Pagefind work that grows with the square of its size:
# at 10,000 reports one bundle downloaded 40 % less than ten shards and took 50 % longer to
# search (tests/benchmarks/search_benchmark.py), so shards start above 10,000.
SHARD_SIZE = 10_000
# What a shard's bundle keeps: the main bundle's code and WebAssembly serve every shard.
SHARD_KEEPS = ("pagefind-entry.json", "index", "fragment", "filter", "*.pf_meta")


def record_name(index: int) -> str:
    return f"{index:0{RECORD_DIGITS}d}.html"


def shard_bundles(record_count: int, shard_size: int = SHARD_SIZE) -> list[tuple[str, str]]:
    """(bundle folder relative to the site, glob of its records) for each shard."""
    digits = len(str(shard_size)) - 1
    if shard_size != 10**digits:
        raise ValueError(f"the shard size must be a power of ten, not {shard_size}")
    count = max(1, -(-record_count // shard_size))
    return [
        (PAGEFIND_DIR if n == 0 else f"{PAGEFIND_DIR}/shard-{n}", f"{n:0{RECORD_DIGITS - digits}d}{'?' * digits}.html")
        for n in range(count)
    ]


def run_pagefind_once(records_dir: Path, glob: str, output: Path) -> str | None:
    command = [sys.executable, "-m", "pagefind", "--site", str(records_dir), "--output-path", str(output)]
    command += ["--glob", glob, "--force-language", INDEX_LANGUAGE]
    completed = subprocess.run(
        command, capture_output=True, text=True, check=False, preexec_fn=ending_with(os.getpid())
    )
    log.debug("pagefind output:\n%s", completed.stdout)
    if completed.returncode != 0:
        return f"pagefind exited with {completed.returncode}: {completed.stderr.strip() or completed.stdout.strip()}"
    if not (output / "pagefind-entry.json").exists():
        return f"pagefind finished but wrote no {output.name}/pagefind-entry.json"
    return None


def keep_index_only(bundle: Path) -> None:
    for path in bundle.iterdir():
        if not any(path.match(pattern) for pattern in SHARD_KEEPS):
            path.unlink()


def run_pagefind(records_dir: Path, site_dir: Path, record_count: int, shard_size: int = SHARD_SIZE) -> str | None:
    """Index the records into site/pagefind/ and its shards; an error message, or None."""
    for folder, glob in shard_bundles(record_count, shard_size):
        output = site_dir / folder
        error = run_pagefind_once(records_dir, glob, output)
        if error:
            return error
        if folder != PAGEFIND_DIR:
            keep_index_only(output)
    return None


def read_fragment(path: Path) -> dict:
    """A Pagefind fragment: gzip, a signature, then JSON."""
    data = gzip.decompress(path.read_bytes())
    return json.loads(data[len(b"pagefind_dcd") :])


@dataclass(frozen=True)
class IndexedRecord:
    id: str  # Pagefind's page hash, the id of its search results
    tables_start: int  # the word position where the record's tables begin


def indexed_records(site_dir: Path) -> dict[int, IndexedRecord]:
    """Which Pagefind page holds which record, by record number, read back from the fragments."""
    records = {}
    for path in sorted((site_dir / PAGEFIND_DIR).glob("**/fragment/*.pf_fragment")):
        fragment = read_fragment(path)
        number = int(posixpath.basename(fragment["url"]).split(".")[0])
        records[number] = IndexedRecord(path.name.removesuffix(".pf_fragment"), int(fragment["meta"]["tables"]))
    return records


def facets_data(facets: list[Facets], records: dict[int, IndexedRecord], shard_size: int = SHARD_SIZE) -> dict:
    """Every indexed report in archive order: its Pagefind id and facets, as columns of small
    numbers into sorted value lists (compact, and the same bytes for the same inputs); and the
    index bundles with the first row of each. The page itself is in the record's metadata, loaded
    only for the results shown."""
    indexed = [i for i in range(len(facets)) if i in records]
    bundles = shard_bundles(len(facets), shard_size)
    bundle_rows = [bisect.bisect_left(indexed, n * shard_size) for n in range(len(bundles))]
    values = {name: sorted({getattr(facets[i], name) for i in indexed}) for name in FACET_FIELDS}
    positions = {name: {value: n for n, value in enumerate(labels)} for name, labels in values.items()}
    columns = {name: [positions[name][getattr(facets[i], name)] for i in indexed] for name in FACET_FIELDS}
    return {
        "ids": [records[i].id for i in indexed],
        "tables": [records[i].tables_start for i in indexed],
        "year": [facets[i].year for i in indexed],
        "values": values,
        "columns": columns,
        "bundles": [f"{folder}/" for folder, _ in bundles],
        "bundle_rows": bundle_rows,
    }


def write_facets(site_dir: Path, facets: list[Facets], shard_size: int = SHARD_SIZE) -> None:
    """The facets file, plain and gzip-compressed (fetched by browsers that can decompress), with
    the shard bundles the search page merges into the main one."""
    data = facets_data(facets, indexed_records(site_dir), shard_size)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
    target = site_dir / PAGEFIND_DIR / FACETS_NAME
    target.write_bytes(text)
    target.with_name(FACETS_NAME + ".gz").write_bytes(gzip.compress(text, compresslevel=9, mtime=0))
