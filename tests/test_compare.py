"""The compare page (对比): its provinces' files against the archive's own downloads, and the page
in headless Chromium under a sub-path: pick agencies and figures, get the table, the charts and a
CSV of exactly that selection, and reproduce it from its URL."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from build_scripts.build import BuildOptions
from build_scripts.site.comparisons import FIGURES

from .conftest import only_local_requests

pytestmark = pytest.mark.slow


def province_files(options: BuildOptions) -> dict[str, dict]:
    """Each province's list of agencies, each agency with its figures from its city's file."""
    folder = options.site_dir / "data" / "compare"
    provinces = {path.stem: json.loads(path.read_text(encoding="utf-8")) for path in sorted(folder.glob("*.json"))}
    for code, data in provinces.items():
        for agency in data["agencies"]:
            group = json.loads((folder / code / f"{agency['group']}.json").read_text(encoding="utf-8"))
            agency["figures"] = group["agencies"][agency["id"]]
    return provinces


def wide_rows(options: BuildOptions) -> dict[str, dict[str, str]]:
    text = (options.site_dir / "data" / "archive-reports.csv").read_text(encoding="utf-8-sig")
    return {row["report_id"]: row for row in csv.DictReader(io.StringIO(text))}


def expected_figure(row: dict[str, str], cells: tuple[str, ...]) -> float | None:
    """A figure from the wide download: the sum of its printed cells, None when none is printed.
    (The wide CSV leaves blank and uncertain cells alike empty: exact only for a report without
    uncertain cells.)"""
    printed = [row[name] for name in cells if row[name] != ""]
    return sum(float(value) for value in printed) if printed else None


def test_every_main_report_is_in_its_province_file_with_the_downloads_numbers(archive_site) -> None:
    options, result = archive_site
    files = province_files(options)
    rows = wide_rows(options)
    listed = {}
    for code, data in files.items():
        assert data["code"] == code
        for agency in data["agencies"]:
            assert agency["figures"]["page"] == f"agencies/{agency['id']}/"
            years = [year for year, *_ in agency["figures"]["years"]]
            assert years == sorted(set(years)) and agency["years"] == len(years)  # second copies left out
            for _year, _form, report_page, values in agency["figures"]["years"]:
                listed[report_page.rstrip("/")] = values
    published = {o.page.removesuffix(".md") for o in result.outcomes if o.status == "published"}
    main_copies = {page for page in published if page.rsplit("/", 1)[1].isdigit()}
    assert set(listed) == main_copies and len(listed) == 13
    compared = 0
    for report_id, values in listed.items():
        row = rows[report_id]
        for figure, value in zip(FIGURES, values, strict=True):
            if int(row["uncertain_cells"]) == 0:
                assert value == expected_figure(row, figure.cells), (report_id, figure.key)
                compared += value is not None
            elif value is not None:
                assert value == expected_figure(row, figure.cells), (report_id, figure.key)
    assert compared > 100


def test_the_page_lists_every_province_with_its_file(archive_site) -> None:
    options, _ = archive_site
    html = (options.site_dir / "compare" / "index.html").read_text(encoding="utf-8")
    files = province_files(options)
    for code, data in files.items():
        option = f'value="{code}" data-file="../data/compare/{code}.json">{data["name"]}'
        assert f"{option}（{len(data['agencies'])} 个机构）" in html
    assert "assets/archive-compare.js" in html
    assert html.count('name="figure"') == len(FIGURES)


def pick(page, province: str, count: int) -> None:
    page.select_option("select[name=province]", label=province)
    page.wait_for_selector(".archive-compare-candidates li")
    boxes = page.locator(".archive-compare-candidates input")
    for index in range(count):
        boxes.nth(index).check()


def csv_download(page) -> list[dict[str, str]]:
    with page.expect_download() as download:
        page.click(".archive-compare-csv")
    data = Path(download.value.path()).read_bytes()
    assert data.startswith("\ufeff".encode())  # Excel reads it as UTF-8
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_compare_two_agencies_then_reproduce_the_selection_from_its_url(
    browser,
    page,
    archive_url: str,
    archive_site,
) -> None:
    files = province_files(archive_site[0])
    fetched: list[str] = []
    page.on("request", lambda request: "/data/compare/" in request.url and fetched.append(request.url))
    page.goto(archive_url + "compare/")
    pick(page, "云南省（2 个机构）", 2)
    page.uncheck("input[name=figure][value=withheld]")
    page.check("input[name=figure][value=disclosed]")
    page.wait_for_selector(".archive-compare-result table")
    assert page.inner_text(".archive-compare-status") == "已选 2 个机构、4 项数字，2021—2024 年。"

    query = parse_qs(urlsplit(page.url).query)
    agencies = query["a"][0].split(",")
    assert query["p"] == ["530000"] and len(agencies) == 2
    assert query["f"] == ["received,disclosed,review,litigation"]

    # One province's list, and the figures of the one city both agencies are in: nothing else.
    groups = {agency["group"] for agency in files["530000"]["agencies"]}
    assert sorted(url.split("/data/compare/")[1] for url in fetched) == ["530000.json"] + [
        f"530000/{group}.json" for group in sorted(groups)
    ]
    shown = ["received", "disclosed", "review", "litigation"]
    position = {figure.key: index for index, figure in enumerate(FIGURES)}
    expected_rows = []
    for agency in files["530000"]["agencies"]:
        for year, form, _report, values in agency["figures"]["years"]:
            expected_rows.append((agency["id"], str(year), form, [values[position[key]] for key in shown]))
    table_rows = page.locator(".archive-compare-result tbody tr:not(:first-child)")
    assert table_rows.count() == len(expected_rows) == 8
    for index, (_, year, form, values) in enumerate(expected_rows):
        cells = table_rows.nth(index).locator("th, td").all_inner_texts()
        assert cells == [year, form, *[f"{v:,}" if v is not None else "—" for v in values]]
    assert page.locator(".archive-compare-chart svg").count() == 4
    assert page.locator(".archive-compare-chart polyline").count() >= 8  # a line per agency and figure

    rows = csv_download(page)
    assert [(r["机构编号"], r["年度"], r["表格格式"]) for r in rows] == [(a, y, f) for a, y, f, _ in expected_rows]
    labels = {figure.key: figure.label for figure in FIGURES}
    for row, (_, _, _, values) in zip(rows, expected_rows, strict=True):
        assert [row[f"{labels[key]}（{key}）"] for key in shown] == ["" if v is None else str(v) for v in values]
        assert row["报告页面"].startswith(archive_url + "reports/")
    assert list(rows[0]) == ["机构编号", "机构", "省份", "地区", "机构类型", "年度", "表格格式", "报告页面"] + [
        f"{labels[key]}（{key}）" for key in shown
    ]

    # The same address in a new browser shows the same selection.
    other = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    other.goto(page.url)
    other.wait_for_selector(".archive-compare-result table")
    assert other.inner_text(".archive-compare-result table") == page.inner_text(".archive-compare-result table")
    assert [box.get_attribute("value") for box in other.locator("input[name=figure]:checked").all()] == shown
    other.context.close()

    # Removing an agency takes it out of the table and the address.
    page.click(".archive-compare-selected button >> nth=0")
    assert page.locator(".archive-compare-result tbody").count() == 1
    assert parse_qs(urlsplit(page.url).query)["a"] == [agencies[1]]
    assert only_local_requests(page, archive_url)


def test_agency_names_are_shown_as_text_never_run(page, archive_url: str) -> None:
    hostile = "<img src=x onerror=\"document.title='pwned'\">{{ x }}"
    listing = {
        "code": "530000",
        "name": "云南省",
        "agencies": [
            {
                "id": "530000-x",
                "name": hostile,
                "kind": "other",
                "city": "=cmd",
                "place": "=cmd",
                "group": "530000",
                "years": 1,
            }
        ],
    }
    figures = {
        "agencies": {
            "530000-x": {
                "page": "agencies/530000-x/",
                "years": [[2023, "2021 年版", "reports/530000/x/2023/", [1] * len(FIGURES)]],
            }
        }
    }
    page.route("**/data/compare/530000.json", lambda route: route.fulfill(json=listing))
    page.route("**/data/compare/530000/530000.json", lambda route: route.fulfill(json=figures))
    page.goto(archive_url + "compare/?p=530000&a=530000-x")
    page.wait_for_selector(".archive-compare-result table")
    assert hostile in page.inner_text(".archive-compare-result table")
    assert page.locator(".archive-compare-result img").count() == 0 and page.title() != "pwned"
    rows = csv_download(page)
    assert rows[0]["机构"] == hostile and rows[0]["地区"] == "'=cmd"
