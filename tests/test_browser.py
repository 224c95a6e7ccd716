"""The built site in a real browser: Debian's headless Chromium, driven by Playwright, with the site
served under a sub-path as on a GitHub Pages project site."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from build_scripts.build import BuildOptions, BuildResult
from build_scripts.serve import serve_in_thread

from .conftest import SUB_PATH, only_local_requests

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def site_url(built_site: tuple[BuildOptions, BuildResult]) -> Iterator[str]:
    server, url = serve_in_thread(built_site[0].site_dir, base_path=SUB_PATH)
    yield url
    server.shutdown()


def test_search_from_the_header_finds_the_report_and_opens_it(page, site_url: str) -> None:
    page.goto(site_url)
    page.fill(".archive-search-input", "城市管理")
    page.press(".archive-search-input", "Enter")
    page.wait_for_selector(".archive-search-result", timeout=15_000)
    titles = page.locator(".archive-search-result-title").all_inner_texts()
    assert any("伊川县城市管理局" in title for title in titles), titles
    assert "“城市管理”：找到 1 份报告" in page.inner_text(".archive-search-status")
    page.locator(".archive-search-result-title", has_text="伊川县城市管理局").first.click()
    page.wait_for_load_state()
    assert page.url.startswith(site_url + "reports/410329/chengshiguanliju/2020/")
    assert "伊川县城市管理局2020年政府信息公开工作年度报告" in page.inner_text("h1")
    assert page.failed_requests == []
    assert page.requested_hosts == {urlsplit(site_url).netloc}


def test_search_for_an_absent_word_says_so(page, site_url: str) -> None:
    page.goto(site_url + "search/?q=xylophone")
    page.wait_for_function("document.querySelector('.archive-search-status').textContent.includes('没有找到')")
    assert page.locator(".archive-search-result").count() == 0


def test_browse_from_home_to_a_report_by_region(page, site_url: str) -> None:
    page.goto(site_url)
    page.get_by_role("link", name="按地区浏览").click()
    page.get_by_role("link", name="河南省", exact=True).first.click()
    page.get_by_role("link", name="洛阳市", exact=True).first.click()
    page.get_by_role("link", name="伊川县", exact=True).first.click()
    page.get_by_role("link", name="伊川县科技和工信局", exact=True).first.click()
    page.get_by_role("link", name="2020 年：伊川县科技和工信局2020年政府信息公开工作年度报告").click()
    assert "伊川县科技和工信局" in page.inner_text("h1")
    table_box = page.locator(".report-table").nth(1).bounding_box()
    assert table_box is not None and table_box["width"] <= 390  # the table scrolls, the page does not
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    number_cell = page.locator(".stat-table[data-table='三'] tbody td").first
    assert number_cell.evaluate("cell => getComputedStyle(cell).textAlign") == "right"
    assert page.locator(".stat-table[data-table='三'] th[scope='rowgroup']").first.inner_text() == "三、本年度办理结果"
    assert page.failed_requests == []
    assert page.requested_hosts == {urlsplit(site_url).netloc}


def follow(page, link) -> None:
    """Click a link and wait for the page it opens, so that what follows reads the new page."""
    with page.expect_navigation():
        link.click()


def test_browse_by_kind_to_an_agency_and_between_its_years(page, archive_url: str) -> None:
    page.goto(archive_url)
    counts = page.inner_text(".archive-counts")
    assert "13 份报告" in counts and "7 个机构" in counts, counts
    follow(page, page.get_by_role("link", name="按机构浏览").first)
    follow(page, page.get_by_role("link", name="发展改革"))
    assert page.inner_text("h1") == "发展改革机构"
    follow(page, page.locator("article li a").first)  # the one province with such an agency
    follow(page, page.locator("article li a").first)  # its agency
    agency = page.inner_text("h1")
    assert agency.endswith("发展和改革委员会"), agency  # named as in its newest report (2024)
    assert "发展改革委" in page.inner_text("article")  # the odd years' spelling, listed as another name
    assert page.locator("article li a[href*='/reports/']").count() == 4
    follow(page, page.locator("article li a[href*='/reports/']").first)
    assert "2024" in page.inner_text("h1")
    crumbs = page.inner_text(".archive-breadcrumb")
    assert crumbs.startswith("地区 › ") and agency in crumbs and crumbs.endswith("2024 年")
    follow(page, page.get_by_role("link", name="‹ 上一年度：2023 年"))
    assert "2023" in page.inner_text("h1") and "发展改革委" in page.inner_text("h1")
    assert page.url.startswith(archive_url + "reports/") and page.url.endswith("/2023/")
    follow(page, page.get_by_role("link", name="下一年度：2024 年 ›"))
    assert "2024" in page.inner_text("h1")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert only_local_requests(page, archive_url)


def test_browse_a_year_by_province_and_city(page, archive_url: str) -> None:
    page.goto(archive_url + "regions/")
    page.click("header label[for='__drawer']")  # the phone menu: the site's navigation, no script
    follow(page, page.get_by_role("link", name="按年度", exact=True))
    assert page.inner_text("h1") == "按年度浏览"
    follow(page, page.get_by_role("link", name="2020 年"))
    assert page.inner_text("h1") == "2020 年度报告"
    follow(page, page.get_by_role("link", name="洛阳市"))
    assert page.inner_text("h1") == "洛阳市 2020 年度报告"
    titles = page.locator("article ul li a").all_inner_texts()  # the reports, not the ranking
    assert sorted(titles) == sorted(
        ["伊川县城市管理局2020年政府信息公开工作年度报告", "伊川县科技和工信局2020年政府信息公开工作年度报告"]
    )
    follow(page, page.get_by_role("link", name="伊川县城市管理局2020年政府信息公开工作年度报告"))
    assert page.get_by_role("link", name="城市管理", exact=True).count() == 1  # the report names its agency kind
    assert only_local_requests(page, archive_url)


@pytest.mark.parametrize("width", [390, 1280])  # a phone and a desktop
def test_agency_and_region_comparisons_read_well_at_phone_and_desktop_width(
    browser, archive_url: str, width: int, tmp_path: Path
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    hosts = set()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    page.goto(archive_url + "regions/530000/")  # 云南省: the synthetic agencies' province
    summary = page.locator(".archive-summary table")
    assert summary.locator("tbody tr").count() == 4  # four years
    assert page.locator("h2", has_text="新收申请最多的报告").count() == 1
    page.screenshot(path=str(tmp_path / f"region-{width}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    follow(page, page.locator("ol a").first)  # the report with the most applications
    follow(page, page.locator(".archive-breadcrumb a").last)  # its agency
    charts = page.locator(".archive-chart svg")
    assert charts.count() == 4  # new applications, review, litigation, and the outcome mix
    for index in range(4):
        box = charts.nth(index).bounding_box()
        assert box is not None and box["width"] > 200 and box["x"] + box["width"] <= width
    series = page.locator(".archive-series table tbody tr")
    assert series.count() == 4
    page.screenshot(path=str(tmp_path / f"agency-{width}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # wide tables scroll inside
    assert hosts == {urlsplit(archive_url).netloc}
    context.close()


REPORT_WITH_NUMBERS = "reports/410329/chengshiguanliju/2020/"


def test_on_a_phone_the_row_labels_stay_beside_their_numbers(browser, site_url: str) -> None:
    """At 375 px, 表三 scrolls sideways inside its box with its row labels kept at the left and its
    head kept at the top; 表四 is turned into five rows of three so that it needs no scrolling."""
    context = browser.new_context(viewport={"width": 375, "height": 812})
    page = context.new_page()
    page.goto(site_url + REPORT_WITH_NUMBERS)
    three = page.locator(".stat-table[data-table='三'][data-layout='form']")
    three.scroll_into_view_if_needed()
    assert page.locator(".table-scroll-hint").first.is_visible()
    assert three.evaluate("box => box.scrollWidth > box.clientWidth")  # there is more to the right
    row = three.locator("tr", has=page.locator("th", has_text="1.属于国家秘密"))
    label_before, first_before = row.locator("th").last.bounding_box(), row.locator("td").first.bounding_box()
    three.evaluate("box => { box.scrollLeft = box.scrollWidth; }")
    box, label, total = (item.bounding_box() for item in (three, row.locator("th").last, row.locator("td").last))
    assert row.locator("td").first.bounding_box()["x"] < first_before["x"] - 20  # the numbers scrolled
    assert abs(label["x"] - label_before["x"]) < 1  # the label did not
    assert label["x"] >= box["x"] - 1 and label["x"] + label["width"] <= total["x"] + 1  # label, then 总计
    assert total["x"] + total["width"] <= box["x"] + box["width"] + 1  # 总计 in view beside its label
    three.evaluate("box => { box.scrollTop = 400; }")
    head = three.locator("thead th", has_text="总计").bounding_box()
    assert box["y"] - 1 <= head["y"] <= box["y"] + 120  # the head stays at the top of the box
    turned = page.locator(".stat-table[data-table='四'][data-layout='turned']")
    assert turned.is_visible() and not page.locator(".stat-table[data-table='四'][data-layout='form']").is_visible()
    assert turned.evaluate("box => box.scrollWidth <= box.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    context.close()


def test_on_a_wide_screen_every_column_of_the_tables_is_visible(browser, site_url: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(site_url + REPORT_WITH_NUMBERS)
    for number in ("二", "三", "四"):
        table = page.locator(f".stat-table[data-table='{number}'][data-layout='form']")
        assert table.is_visible() and table.evaluate("box => box.scrollWidth <= box.clientWidth + 1"), number
    assert not page.locator(".stat-table[data-layout='turned']").is_visible()
    assert not page.locator(".table-scroll-hint").first.is_visible()
    context.close()


def test_a_printed_report_has_every_column_its_citation_and_no_navigation(browser, site_url: str, tmp_path) -> None:
    """Printed on A4 (794 px at 96 dpi): each table whole within the page's width, the head of 表三
    repeated on each page, the citation there, the navigation gone."""
    import pypdfium2

    context = browser.new_context(viewport={"width": 794, "height": 1123})
    page = context.new_page()
    page.goto(site_url + REPORT_WITH_NUMBERS)
    page.emulate_media(media="print")
    width = page.evaluate("document.querySelector('.md-content').getBoundingClientRect().right")
    for number in ("二", "三", "四"):
        table = page.locator(f".stat-table[data-table='{number}'][data-layout='form'] table")
        box = table.bounding_box()
        assert table.is_visible() and box["x"] >= 0 and box["x"] + box["width"] <= width + 1, number
    head = page.locator(".stat-table[data-table='三'] thead")
    assert head.evaluate("h => getComputedStyle(h).display + ' ' + getComputedStyle(h).position") == (
        "table-header-group static"  # repeated on every printed page, not stuck to a scroll box
    )
    assert page.locator(".report-citation").is_visible()
    for hidden in (".md-sidebar--primary", ".archive-breadcrumb", ".table-scroll-hint", "[data-layout='turned']"):
        assert not page.locator(hidden).first.is_visible(), hidden
    page.pdf(path=str(tmp_path / "report.pdf"), format="A4")
    assert len(pypdfium2.PdfDocument(str(tmp_path / "report.pdf"))) >= 3
    context.close()
