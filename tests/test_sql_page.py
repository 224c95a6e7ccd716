"""The SQL page (在线查询): the database it queries against the archive's downloads, its chunks and
config, the indexes its examples use, the engine's installation, the local server's range
requests, and the page in headless Chromium under a sub-path: every example query gives what
SQLite itself gives on the same database, reading a few pages of it."""

from __future__ import annotations

import base64
import csv
import hashlib
import html
import io
import json
import re
import sqlite3
import tarfile
import urllib.request
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from build_scripts.serve import byte_range, serve_in_thread
from build_scripts.site import sql_engine
from build_scripts.site.comparisons import FIGURES
from build_scripts.site.datasets import CELL_KEYS
from build_scripts.site.query_db import (
    CHUNK_SIZE,
    PAGE_SIZE,
    QUERY_CONFIG,
    QUERY_DIR,
    ExampleSubjects,
    cell_column,
    chunked,
    example_queries,
)

from .conftest import SUB_PATH, build_into, only_local_requests, require

pytestmark = pytest.mark.slow


def database_of(site: Path, folder: Path) -> sqlite3.Connection:
    """The published chunks joined back into one database file."""
    config = json.loads((site / QUERY_CONFIG).read_text(encoding="utf-8"))
    chunks = sorted((site / QUERY_DIR).glob(config["urlPrefix"] + "*"))
    data = b"".join(path.read_bytes() for path in chunks)
    assert len(data) == config["databaseLengthBytes"]
    path = folder / "joined.sqlite3"
    path.write_bytes(data)
    return sqlite3.connect(path)


def test_the_database_holds_every_report_with_the_downloads_numbers(archive_site, tmp_path) -> None:
    options, result = archive_site
    connection = database_of(options.site_dir, tmp_path)
    connection.row_factory = sqlite3.Row
    rows = {row["report_id"]: row for row in connection.execute("SELECT * FROM reports")}
    wide_text = (options.site_dir / "data" / "archive-reports.csv").read_text(encoding="utf-8-sig")
    wide = {row["report_id"]: row for row in csv.DictReader(io.StringIO(wide_text))}
    assert set(rows) == set(wide) and len(rows) == len(result.published) == 13
    compared = 0
    for report_id, row in rows.items():
        printed = wide[report_id]
        for name in ("agency_id", "agency", "kind", "province", "city", "county", "url", "title"):
            assert (row[name] or "") == printed[name], (report_id, name)
        assert row["year"] == int(printed["year"]) and row["checks_failed"] == int(printed["checks_failed"])
        if int(printed["uncertain_cells"]):
            continue
        for figure in FIGURES:
            cells = [float(printed[name]) for name in figure.cells if printed[name] != ""]
            assert row[figure.key] == (sum(cells) if cells else None), (report_id, figure.key)
            compared += row[figure.key] is not None
        for key in CELL_KEYS:  # every cell of the forms, as the wide CSV has it
            assert (row[cell_column(key.name)] is None) == (printed[key.name] == ""), (report_id, key.name)
            if printed[key.name]:
                assert row[cell_column(key.name)] == float(printed[key.name]), (report_id, key.name)
    assert compared > 100
    agencies = connection.execute("SELECT COUNT(*), SUM(report_count) FROM agencies").fetchone()
    assert tuple(agencies) == (7, 13)


def test_the_chunks_and_config_are_what_the_engine_reads(archive_site) -> None:
    site = archive_site[0].site_dir
    config = json.loads((site / QUERY_CONFIG).read_text(encoding="utf-8"))
    assert config["serverMode"] == "chunked" and config["serverChunkSize"] == CHUNK_SIZE
    assert config["requestChunkSize"] == PAGE_SIZE and config["databaseLengthBytes"] % PAGE_SIZE == 0
    first = (site / QUERY_DIR / f"{config['urlPrefix']}{0:0{config['suffixLength']}d}").read_bytes()
    assert first.startswith(b"SQLite format 3\x00") and int.from_bytes(first[16:18], "big") == PAGE_SIZE


@given(st.binary(max_size=300), st.integers(min_value=1, max_value=64))
def test_chunks_join_back_into_the_database(data: bytes, size: int) -> None:
    files = chunked(data, size)
    config = json.loads(files.pop(QUERY_CONFIG))
    assert b"".join(files[name] for name in sorted(files)) == data
    assert config["databaseLengthBytes"] == len(data)
    assert all(len(chunk) == size for chunk in [files[name] for name in sorted(files)][:-1])


def test_every_example_query_reads_through_an_index(archive_site, tmp_path) -> None:
    """A query that scans the reports table would read the whole database over the network."""
    options, _ = archive_site
    connection = database_of(options.site_dir, tmp_path)
    html = (options.site_dir / "sql" / "index.html").read_text(encoding="utf-8")
    examples = [example for example in example_queries_on_page(html) if "sqlite_master" not in example]
    assert len(examples) == 6
    for sql in examples:
        plan = " ".join(row[3] for row in connection.execute("EXPLAIN QUERY PLAN " + sql))
        assert "USING" in plan and "SCAN reports" not in plan.replace("USING COVERING INDEX", "USING INDEX"), (
            sql,
            plan,
        )


def example_queries_on_page(page_html: str) -> list[str]:
    pattern = r'class="md-button archive-sql-example" data-sql="([^"]*)"'
    return [html.unescape(sql) for sql in re.findall(pattern, page_html)]


def test_examples_without_a_province_or_year_still_offer_the_tables() -> None:
    assert [example.title for example in example_queries(None)] == ["数据库里的表"]


def test_examples_quote_names_as_sql_text() -> None:
    examples = example_queries(ExampleSubjects("某'省", None, 2023, "x'; DROP TABLE reports; --", "某机关"))
    assert all("'某''省'" in example.sql for example in examples[:2])
    assert "'x''; DROP TABLE reports; --'" in examples[-2].sql


# ---- The engine ----


def fake_package(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def test_an_engine_package_that_does_not_match_its_checksum_is_refused(tmp_path, monkeypatch) -> None:
    package = fake_package({member: b"x" for member in sql_engine.ENGINE_FILES})
    with pytest.raises(ValueError, match="checksum"):
        sql_engine.unpack_engine(package, tmp_path / "engine")
    assert not (tmp_path / "engine").exists()
    # The same package under a checksum that matches it is unpacked, under the site's names.
    monkeypatch.setattr(
        sql_engine, "ENGINE_INTEGRITY", "sha512-" + base64.b64encode(hashlib.sha512(package).digest()).decode()
    )
    sql_engine.unpack_engine(package, tmp_path / "engine")
    assert sorted(sql_engine.engine_files(tmp_path / "engine")) == sorted(
        f"{sql_engine.ENGINE_ASSETS}/{name}" for name in sql_engine.ENGINE_FILES.values()
    )


def test_a_build_without_the_engine_says_so_and_still_publishes_the_database(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(sql_engine, "ENGINE_DIR", tmp_path / "no-engine")
    options, result = build_into(tmp_path)
    assert sql_engine.ENGINE_WARNING in result.site_warnings
    html = (options.site_dir / "sql" / "index.html").read_text(encoding="utf-8")
    assert "本站构建时未安装查询引擎" in html and 'data-engine="no"' in html
    assert not (options.site_dir / sql_engine.ENGINE_ASSETS).exists()
    assert (options.site_dir / QUERY_CONFIG).is_file()


# ---- Range requests, as GitHub Pages answers them ----


@given(st.integers(min_value=0, max_value=50), st.integers(min_value=0, max_value=60), st.integers(0, 60))
def test_a_byte_range_is_the_slice_it_names(size: int, first: int, last: int) -> None:
    data = bytes(range(size))
    span = byte_range(f"bytes={first}-{last}", size)
    if first < size and first <= last:
        assert span is not None and data[span[0] : span[1] + 1] == data[first : last + 1]
    else:
        assert span is None
    suffix = byte_range(f"bytes=-{last}", size)
    assert (data[suffix[0] : suffix[1] + 1] if suffix else b"") == (data[-last:] if last else b"")


def test_the_local_server_answers_range_requests(archive_site) -> None:
    site = archive_site[0].site_dir
    server, url = serve_in_thread(site, base_path=SUB_PATH)
    try:
        chunk = sorted((site / QUERY_DIR).glob("db.*"))[0]
        request = urllib.request.Request(url + f"{QUERY_DIR}/{chunk.name}", headers={"Range": "bytes=4096-8191"})
        with urllib.request.urlopen(request) as response:
            assert (
                response.status == 206
                and response.headers["Content-Range"] == f"bytes 4096-8191/{chunk.stat().st_size}"
            )
            assert response.read() == chunk.read_bytes()[4096:8192]
        request = urllib.request.Request(url + f"{QUERY_DIR}/{chunk.name}", headers={"Range": "bytes=99999999-"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request)
        assert refused.value.code == 416
    finally:
        server.shutdown()


# ---- The page in the browser ----


def run_example(page, index: int) -> dict:
    page.locator(".archive-sql-example").nth(index).click()
    page.wait_for_function(
        "['done','error'].includes(document.querySelector('.archive-sql').dataset.state)", timeout=60_000
    )
    state = page.eval_on_selector(".archive-sql", "e => ({state: e.dataset.state, read: Number(e.dataset.bytesRead)})")
    page.evaluate("document.querySelector('.archive-sql').dataset.state = ''")
    return state


def as_javascript_shows(value: object) -> str:
    """A value as the page shows it (JavaScript's String(): 186.0 is "186"; NULL is empty)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@pytest.mark.browser
def test_every_example_gives_what_sqlite_gives_reading_a_few_pages(page, archive_url, archive_site, tmp_path) -> None:
    require(sql_engine.ENGINE_DIR / "sql-wasm.wasm", "the SQL engine")
    connection = database_of(archive_site[0].site_dir, tmp_path)
    page.goto(archive_url + "sql/")
    examples = page.locator(".archive-sql-example")
    assert examples.count() == 7
    for index in range(examples.count()):
        sql = examples.nth(index).get_attribute("data-sql")
        state = run_example(page, index)
        assert state["state"] == "done", page.inner_text(".archive-sql-status")
        cursor = connection.execute(sql)
        expected = [[as_javascript_shows(value) for value in row] for row in cursor.fetchall()]
        header = page.locator(".archive-sql-result th").all_inner_texts()
        assert header == [column[0] for column in cursor.description]
        shown = [row.locator("td").all_inner_texts() for row in page.locator(".archive-sql-result tbody tr").all()]
        assert shown == expected and expected, sql
        with page.expect_download() as download:
            page.click(".archive-sql-csv")
        rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
        assert rows[0] == header and rows[1:] == expected
        assert 0 <= state["read"] <= 2 * 1024 * 1024
        assert page.url.startswith(archive_url + "sql/?q=")
    assert only_local_requests(page, archive_url)

    # The address of a query runs it again.
    shared = page.url
    page.goto(shared)
    page.wait_for_function("document.querySelector('.archive-sql').dataset.state === 'done'", timeout=60_000)
    assert page.locator(".archive-sql-result tbody tr").count() == len(expected)


@pytest.mark.browser
def test_a_wrong_query_says_why_and_a_value_is_shown_as_text(page, archive_url) -> None:
    require(sql_engine.ENGINE_DIR / "sql-wasm.wasm", "the SQL engine")
    page.goto(archive_url + "sql/")
    page.fill("#archive-sql-text", "SELECT no_such_column FROM reports")
    page.click(".archive-sql-form button[type=submit]")
    page.wait_for_function("document.querySelector('.archive-sql').dataset.state === 'error'", timeout=60_000)
    assert "no such column" in page.inner_text(".archive-sql-status")
    hostile = "<img src=x onerror=alert(1)>"
    page.fill("#archive-sql-text", f"SELECT '{hostile}' AS x, '=cmd' AS y")
    page.click(".archive-sql-form button[type=submit]")
    page.wait_for_function("document.querySelector('.archive-sql').dataset.state === 'done'", timeout=60_000)
    assert page.locator(".archive-sql-result td").first.inner_text() == hostile
    assert page.locator(".archive-sql-result img").count() == 0
    with page.expect_download() as download:
        page.click(".archive-sql-csv")
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    assert rows[1] == [hostile, "'=cmd"]
