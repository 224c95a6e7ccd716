"""The archive's downloads (build_scripts/site/datasets.py) against the reports' own data: every number
of every sample comes back exactly from the wide CSV, the long CSV, the JSON and the SQLite
database, and the database has the structure its documentation on the site says."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import re
import sqlite3
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from build_scripts.build import BuildOptions, BuildResult
from build_scripts.forms import TABLE_DIGITS
from build_scripts.site.datapackage import PACKAGE_FILE, archive_version, content_hash
from build_scripts.site.datasets import CELL_KEYS, DOWNLOADS, REPORT_FIELDS, SCHEMA, csv_fields, csv_text

pytestmark = pytest.mark.slow


def report_cells(options: BuildOptions, result: BuildResult) -> dict[str, dict[str, tuple]]:
    """report id -> cell name -> (value, status), from each report's own JSON."""
    cells = {}
    for outcome in result.outcomes:
        if outcome.status != "published":
            continue
        report = json.loads((options.content_dir / outcome.page).with_suffix(".json").read_text(encoding="utf-8"))
        cells[outcome.page.removesuffix(".md")] = {
            f"t{TABLE_DIGITS[table['number']]}.{cell['row']}.{cell['column']}": (cell["value"], cell["status"])
            for table in report["statistics"]
            for cell in (dict(zip(table["cell_fields"], values, strict=True)) for values in table["cells"])
        }
    return cells


def data_file(options: BuildOptions, name: str) -> bytes:
    data = (options.site_dir / "data" / name).read_bytes()
    return gzip.decompress(data) if name.endswith(".gz") else data


@pytest.fixture(scope="module")
def expected(built_site: tuple[BuildOptions, BuildResult]) -> dict[str, dict[str, tuple]]:
    cells = report_cells(*built_site)
    assert sum(len(c) for c in cells.values()) > 900  # the samples print about 200 cells each
    return cells


def number_text(value: object) -> str:
    return "" if value is None else str(value)


def test_the_wide_csv_opens_in_excel_and_holds_every_number(built_site, expected) -> None:
    options, _ = built_site
    data = data_file(options, "archive-reports.csv")
    assert data.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [row["report_id"] for row in rows] and {row["report_id"] for row in rows} == set(expected)
    assert list(rows[0])[: len(REPORT_FIELDS)] == [name for name, _, _ in REPORT_FIELDS]
    for row in rows:
        printed = expected[row["report_id"]]
        for key in CELL_KEYS:
            value, status = printed.get(key.name, (None, "absent"))
            assert row[key.name] == (number_text(value) if status == "number" else ""), (row["report_id"], key.name)
        assert int(row["uncertain_cells"]) == sum(1 for _, status in printed.values() if status == "uncertain")


def test_the_long_csv_has_one_row_per_printed_cell(built_site, expected) -> None:
    options, _ = built_site
    rows = list(csv.DictReader(io.StringIO(data_file(options, "archive-cells.csv.gz").decode("utf-8"))))
    name = lambda r: f"t{TABLE_DIGITS[r['table']]}.{r['row']}.{r['column']}"  # noqa: E731
    found = {(r["report_id"], name(r)): (r["value"], r["blank"], r["uncertain"]) for r in rows}
    assert len(found) == len(rows)
    wanted = {
        (report, name): (
            number_text(value) if status == "number" else "",
            str(int(status == "blank")),
            str(int(status == "uncertain")),
        )
        for report, cells in expected.items()
        for name, (value, status) in cells.items()
    }
    assert found == wanted


def test_the_long_csv_is_what_the_csv_module_writes(built_site) -> None:
    """The long table is written line by line, its fields quoted once (datasets.cell_lines)."""
    options, _ = built_site
    text = data_file(options, "archive-cells.csv.gz").decode("utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) > 100 and text == csv_text(rows)


@given(st.lists(st.text(), min_size=1, max_size=4), st.lists(st.text(), min_size=1, max_size=4))
def test_fields_quoted_apart_join_into_the_csv_line(first: list[str], second: list[str]) -> None:
    assert f"{csv_fields(first)},{csv_fields(second)}\r\n" == csv_text([first + second])


def test_the_json_holds_every_number_blank_and_uncertain_cell(built_site, expected) -> None:
    options, _ = built_site
    document = json.loads(data_file(options, "archive.json.gz"))
    assert [cell["name"] for cell in document["cells"]] == [key.name for key in CELL_KEYS]
    for entry in document["reports"]:
        printed = expected[entry["report_id"]]
        assert entry["cells"] == {name: value for name, (value, status) in printed.items() if status == "number"}
        assert set(entry["blank"]) == {name for name, (_, status) in printed.items() if status == "blank"}
        assert set(entry["uncertain"]) == {name for name, (_, status) in printed.items() if status == "uncertain"}


@pytest.fixture(scope="module")
def database(built_site, tmp_path_factory: pytest.TempPathFactory) -> sqlite3.Connection:
    path = tmp_path_factory.mktemp("db") / "archive.sqlite"
    path.write_bytes(data_file(built_site[0], "archive.sqlite.gz"))
    return sqlite3.connect(path)


def test_the_database_holds_every_number(database, expected) -> None:
    rows = database.execute(
        "SELECT report_id, table_no, row_key, column_key, value, blank, uncertain"
        " FROM cells JOIN reports USING (report_no) JOIN cell_keys USING (cell_no)"
    )
    found = {
        (report, f"t{TABLE_DIGITS[table]}.{row}.{column}"): (value, blank, uncertain)
        for report, table, row, column, value, blank, uncertain in rows
    }
    wanted = {
        (report, name): (value if status == "number" else None, int(status == "blank"), int(status == "uncertain"))
        for report, cells in expected.items()
        for name, (value, status) in cells.items()
    }
    assert found == wanted
    assert database.execute("SELECT count(*) FROM reports").fetchone()[0] == len(expected)
    failed = database.execute("SELECT count(*) FROM findings WHERE code LIKE 'check-%'").fetchone()[0]
    assert [row[0] for row in database.execute("SELECT name FROM cell_keys ORDER BY cell_no")] == [
        key.name for key in CELL_KEYS
    ]
    assert failed == database.execute("SELECT sum(checks_failed) FROM reports").fetchone()[0]


class Tables(HTMLParser):
    """The rows of every table on a page, as cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.cell is not None:
            self.tables[-1][-1].append("".join(self.cell).strip())
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def page_tables(path: Path) -> list[list[list[str]]]:
    parser = Tables()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.tables


def test_the_database_has_the_structure_its_documentation_gives(built_site, database) -> None:
    options, _ = built_site
    documented = [
        [(row[0], row[1]) for row in table[1:]] for table in page_tables(options.site_dir / "data" / "index.html")[1:]
    ]
    names = [row[0] for row in database.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY rowid")]
    assert names == [table.name for table in SCHEMA]
    pragma = [database.execute(f"PRAGMA table_info({name})").fetchall() for name in names]
    actual = [[(c[1], c[2] + ("，主键" if c[5] else "")) for c in columns] for columns in pragma]
    assert actual == documented


def test_the_data_dictionary_lists_every_download_column(built_site) -> None:
    options, _ = built_site
    tables = page_tables(options.site_dir / "data-dictionary" / "index.html")
    listed = {row[0] for table in tables for row in table[1:] if row}
    assert {key.name for key in CELL_KEYS} <= listed
    assert {name for name, _, _ in REPORT_FIELDS} <= listed


def test_every_download_is_built_and_described_on_the_data_page(built_site) -> None:
    from build_scripts.site.datasets import DOWNLOADS
    from build_scripts.site.escape import markdown_text

    options, _ = built_site
    page = (options.content_dir / "data" / "index.md").read_text(encoding="utf-8")
    for download in DOWNLOADS:
        assert (options.content_dir / "data" / download.name).stat().st_size > 0
        assert download.description and markdown_text(download.description) in page
        assert markdown_text(download.name) in page


def test_the_datapackage_describes_every_download_exactly(built_site) -> None:
    """data/datapackage.json (site/datapackage.py): each file's size and SHA-256 as served, each CSV's
    columns as its header, and the version from the ledger's newest day and the files' own hash."""
    options, _ = built_site
    folder = options.site_dir / "data"
    package = json.loads((folder / PACKAGE_FILE).read_text(encoding="utf-8"))
    assert [r["path"] for r in package["resources"]] == [download.name for download in DOWNLOADS]
    names = [r["name"] for r in package["resources"]]
    assert len(set(names)) == len(names) and all(re.fullmatch(r"[a-z0-9._-]+", name) for name in names)
    files = {}
    for resource in package["resources"]:
        data = (folder / resource["path"]).read_bytes()
        files[f"data/{resource['path']}"] = data
        assert resource["bytes"] == len(data) and resource["hash"] == f"sha256:{hashlib.sha256(data).hexdigest()}"
        if resource["format"] == "csv":
            header = next(csv.reader(io.StringIO(data_file(options, resource["path"]).decode("utf-8-sig"))))
            assert [field["name"] for field in resource["schema"]["fields"]] == header
            assert all(field["type"] in {"string", "integer", "number"} for field in resource["schema"]["fields"])
    day, digest = package["version"].split("+")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", day) and digest == content_hash(files)[:12]
    assert package["created"] == f"{day}T00:00:00Z" and package["licenses"][0]["name"] == "CC-BY-4.0"
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert package["version"] in page and 'href="datapackage.json"' in page


def test_the_version_changes_with_any_number() -> None:
    from build_scripts.site.archive import build_archive
    from build_scripts.site.datasets import Downloads

    archive = build_archive([])
    one = Downloads({"data/a.csv": b"x,1\r\n"}, 1)
    other = Downloads({"data/a.csv": b"x,2\r\n"}, 1)
    assert archive_version(archive, one) != archive_version(archive, other)
    assert archive_version(archive, one) == archive_version(archive, Downloads(dict(one.files), 1))
