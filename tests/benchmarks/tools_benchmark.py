"""What the compare page (机构对比) and the SQL page (在线查询) cost a reader, on archives of 10,000
and 100,000 reports: for the compare page, the largest province's list of agencies and the
largest city's figures (what picking a province and an agency downloads); for the SQL page, the
bytes of the page and its engine, and for each example query the bytes of the database it reads
and its time.

    python -m tests.benchmarks.tools_benchmark             # 10,000 and 100,000 reports
    python -m tests.benchmarks.tools_benchmark 100000

The database is made by the build's own code (query_db.database_bytes, chunked) from synthetic
rows: real divisions, about seven reports an agency (2019–2025), random figures. It replaces the
database of a small built site (the sample reports), which supplies the page and the engine; the
site is served under a sub-path with range requests, as GitHub Pages serves it. Headless Chromium
types each of query_db.example_queries (about the synthetic database's largest province, city,
year and agency) into the page, in one browser context, as a reader would; "read" is what the
engine fetched of the database (its own count), "sent" what the server sent of data/sql/.
"""

from __future__ import annotations

import argparse
import gzip
import random
import sys
import tempfile
from collections import Counter
from pathlib import Path

from build_scripts.reading.metadata import KINDS_BY_SLUG
from build_scripts.reading.regions import load_divisions
from build_scripts.serve import serve_in_thread
from build_scripts.site.compare import compact_json
from build_scripts.site.comparisons import FIGURES
from build_scripts.site.datasets import CELL_KEYS
from build_scripts.site.query_db import (
    CHUNK_SIZE,
    QUERY_DIR,
    QUERY_REPORT_FIELDS,
    ExampleSubjects,
    chunked,
    database_bytes,
    example_queries,
)

from ..conftest import build_into, headless_chromium

SUB_PATH = "/archive/"
YEARS = range(2019, 2026)


def synthetic_tables(reports: int, seed: int = 7) -> tuple[dict[str, list[tuple]], ExampleSubjects]:
    """Rows of the query database for about `reports` reports, and the subjects of its examples."""
    rng = random.Random(seed)
    divisions = load_divisions()
    counties = sorted((d for d in divisions.by_code.values() if d.level == "county"), key=lambda d: d.code)
    kinds = [kind.label for kind in KINDS_BY_SLUG.values()]
    agencies, rows = [], []
    number = 0
    while number < reports:
        county = rng.choice(counties)
        chain = {d.level: d.name for d in divisions.ancestors(county)}
        kind = rng.choice(kinds)
        agency_id = f"{county.code}-a{len(agencies)}"
        name = f"{county.name}{kind}"
        first = rng.choice(YEARS)
        years = [year for year in YEARS if year >= first][: reports - number]
        agencies.append(
            (
                agency_id,
                name,
                kind,
                chain.get("province"),
                chain.get("city"),
                county.name,
                years[0],
                years[-1],
                len(years),
            )
        )
        for year in years:
            number += 1
            path = f"reports/{county.code}/a{len(agencies)}/{year}"
            metadata = {
                "report_id": path,
                "url": path + "/",
                "title": f"{name}{year}年政府信息公开工作年度报告",
                "agency_id": agency_id,
                "agency": name,
                "kind": kind,
                "year": year,
                "format": "2021" if year >= 2020 else "2019",
                "publication_date": f"{year + 1}-01-{rng.randint(10, 31)}",
                "region_code": county.code,
                "province": chain.get("province"),
                "city": chain.get("city"),
                "county": county.name,
                "source_url": f"https://www.example.gov.cn/zwgk/{county.code}/{year}/{number}.html",
                "checks_failed": int(rng.random() < 0.1),
                "uncertain_cells": 0,
            }
            figures = [rng.randint(0, 500) if rng.random() > 0.05 else None for _ in FIGURES]
            # Every cell of the forms: most are not in the report's form or are blank, most others 0.
            cells = [None if rng.random() < 0.6 else rng.choice((0, 0, 0, rng.randint(1, 50))) for _ in CELL_KEYS]
            rows.append((number, *(metadata[name] for name in QUERY_REPORT_FIELDS), *figures, *cells))
    rows.sort(
        key=lambda row: (
            row[QUERY_REPORT_FIELDS.index("province") + 1] or "",
            row[QUERY_REPORT_FIELDS.index("year") + 1],
            row[1],
        )
    )
    rows = [(n, *row[1:]) for n, row in enumerate(rows, start=1)]
    province = Counter(a[3] for a in agencies for _ in range(a[8])).most_common(1)[0][0]
    city = Counter(a[4] for a in agencies if a[3] == province for _ in range(a[8])).most_common(1)[0][0]
    longest = max(agencies, key=lambda a: a[8])
    subjects = ExampleSubjects(province, city, 2023, longest[0], longest[1])
    codes = {(a[3], a[4], a[5]): a[0].split("-")[0] for a in agencies}
    tables = {
        "reports": rows,
        "agencies": sorted((a[0], a[1], a[2], a[0].split("-")[0], a[8]) for a in agencies),
        "regions": sorted({(code, *place) for place, code in codes.items()}),
        "listed": sorted(agencies),  # as the compare page lists them: with province, city and county
    }
    return tables, subjects


def compare_files_sizes(tables: dict[str, list[tuple]]) -> list[tuple[str, int, int, int]]:
    """(what, agencies, bytes, gzip bytes) of the compare page's largest province list and largest
    city figures file, made by compare.compact_json from entries shaped as compare.py makes them."""
    position = {name: index + 1 for index, name in enumerate(QUERY_REPORT_FIELDS)}
    figures_at = len(QUERY_REPORT_FIELDS) + 1
    years: dict[str, list[list]] = {}
    for row in tables["reports"]:
        entry = [
            row[position["year"]],
            "2021 年版",
            row[position["url"]],
            list(row[figures_at : figures_at + len(FIGURES)]),
        ]
        years.setdefault(row[position["agency_id"]], []).append(entry)
    provinces: dict[str, list[dict]] = {}
    cities: dict[str, dict[str, dict]] = {}
    for agency_id, name, kind, province, city, county, *_ in tables["listed"]:
        listed = {
            "id": agency_id,
            "name": name,
            "kind": kind,
            "city": city or "",
            "place": " ".join(filter(None, [city, county])),
            "group": agency_id[:4] + "00",
            "years": len(years[agency_id]),
        }
        provinces.setdefault(province, []).append(listed)
        figures = {"page": f"agencies/{agency_id}/", "years": sorted(years[agency_id])}
        cities.setdefault(f"{province} {city}", {})[agency_id] = figures
    province, listing = max(provinces.items(), key=lambda item: len(item[1]))
    city, figures = max(cities.items(), key=lambda item: len(item[1]))
    sizes = []
    for what, count, data in (
        (
            f"{province}'s list of agencies",
            len(listing),
            compact_json({"code": "000000", "name": province, "agencies": listing}),
        ),
        (f"{city}'s figures", len(figures), compact_json({"agencies": figures})),
    ):
        sizes.append((what, count, len(data), len(gzip.compress(data, 6))))
    return sizes


def page_site(folder: Path) -> Path:
    """A small built site (the samples): the SQL page and its engine."""
    options, _ = build_into(folder)
    return options.site_dir


def install_database(site: Path, files: dict[str, bytes]) -> None:
    folder = site / QUERY_DIR
    for old in folder.iterdir():
        old.unlink()
    for path, data in files.items():
        (site / path).write_bytes(data)


def measure(site: Path, subjects: ExampleSubjects) -> list[tuple[str, int, int, float]]:
    """(query title, bytes read, bytes sent of the database, seconds) of each example, after the
    page and engine's bytes (title "page and engine")."""
    server, url = serve_in_thread(site, base_path=SUB_PATH)
    rows = []
    try:
        with headless_chromium() as browser:
            page = browser.new_context().new_page()
            sent: list[tuple[str, int]] = []
            page.on("requestfinished", lambda request: sent.append((request.url, request.sizes()["responseBodySize"])))
            page.goto(url + "sql/")
            for example in example_queries(subjects):
                sent_before = len(sent)
                page.fill("#archive-sql-text", example.sql)
                page.click(".archive-sql-form button[type=submit]")
                page.wait_for_function(
                    "['done','error'].includes(document.querySelector('.archive-sql').dataset.state)", timeout=120_000
                )
                state = page.eval_on_selector(
                    ".archive-sql", "e => [e.dataset.state, Number(e.dataset.bytesRead || 0)]"
                )
                status = page.inner_text(".archive-sql-status")
                database_sent = sum(size for address, size in sent[sent_before:] if f"/{QUERY_DIR}/" in address)
                seconds = float(status.split("用时 ")[1].split(" 秒")[0]) if "用时" in status else float("nan")
                if not rows:  # the first query also loaded the engine
                    engine = sum(size for address, size in sent if f"/{QUERY_DIR}/" not in address)
                    rows.append(("page and engine", engine, 0, 0.0))
                rows.append(
                    (
                        example.title if state[0] == "done" else f"{example.title} (error: {status})",
                        state[1],
                        database_sent,
                        seconds,
                    )
                )
                page.evaluate("document.querySelector('.archive-sql').dataset.state = ''")
    finally:
        server.shutdown()
    return rows


def compressed_engine(site: Path) -> int:
    """The page, its stylesheets and the engine as a host that compresses them sends them (gzip -6)."""
    paths = [
        site / "sql" / "index.html",
        *sorted((site / "assets" / "sql").glob("*.js")),
        site / "assets" / "sql" / "sql-wasm.wasm",
    ]
    paths += sorted((site / "assets").glob("*.css")) + sorted((site / "assets" / "stylesheets").glob("*.css"))
    paths.append(site / "assets" / "archive-sql.js")
    return sum(len(gzip.compress(path.read_bytes(), 6)) for path in paths if path.exists())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("reports", nargs="*", type=int, default=[10_000, 100_000])
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        site = page_site(Path(scratch))
        for count in args.reports:
            tables, subjects = synthetic_tables(count)
            print(f"\n{count:,} reports: the compare page's largest files")
            for what, agencies, size, packed in compare_files_sizes(tables):
                print(f"  {what} ({agencies:,} agencies): {size / 1024:,.0f} KB, {packed / 1024:,.0f} KB compressed")
            database = database_bytes(tables)
            install_database(site, chunked(database))
            size = len(database) / 1024 / 1024
            print(f"{count:,} reports: SQL database {size:.1f} MB in {len(database) // CHUNK_SIZE + 1} chunks")
            print(f"  page, stylesheets and engine compressed (gzip -6): {compressed_engine(site) / 1024:,.0f} KB")
            (_, engine, _, _), *queries = measure(site, subjects)
            print(f"  page, stylesheets and engine as sent (uncompressed): {engine / 1024:,.0f} KB")
            for title, read, sent, seconds in queries:
                print(f"  {title}: read {read / 1024:,.0f} KB, sent {sent / 1024:,.0f} KB, {seconds:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
