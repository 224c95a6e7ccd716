"""A report page as people read, cite and share it (issue 15): its key figures linked to their
cells, its description and canonical address, its citation; the about page, robots.txt, the
sitemap and the 404 page of a site published at an address of its own."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from build_scripts.build import BuildOptions, BuildResult
from build_scripts.reading.readers import read_report
from build_scripts.site.datasets import report_stats
from build_scripts.site.key_figures import key_figures

from .conftest import REPORTS, build_into

pytestmark = pytest.mark.slow

SITE_URL = "https://example.github.io/foia-archive/"
REPORT_PAGE = "reports/410329/chengshiguanliju/2020/index.html"  # 004: table 二 has numbers
SAMPLE = REPORTS / "004_f3bbfa1004ed2dd6.txt"
TAB_SAMPLE = REPORTS / "003_184eb3a1fc423fbd.txt"  # tab-separated rows: one cell is easy to change


def with_received_total(tmp_path: Path, printed: str) -> Path:
    """The tab sample with 本年新收 … 总计 printed as given (its row ends with the total and a tab)."""
    text = TAB_SAMPLE.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if "本年新收" in line)
    cells = row.split("\t")
    cells[-2] = printed
    path = tmp_path / "r.txt"
    path.write_text(text.replace(row, "\t".join(cells), 1), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> tuple[BuildOptions, BuildResult]:
    feedback = "https://github.com/example/foia-archive/issues"
    return build_into(tmp_path_factory.mktemp("published"), site_url=SITE_URL, feedback_url=feedback)


def test_key_figures_are_the_tables_numbers_or_a_dash_with_the_reason(tmp_path: Path) -> None:
    report = read_report(TAB_SAMPLE, "x.txt")
    shown = {f.label: (f.text, f.reason) for f in key_figures(report, report_stats(report))}
    received = report.statistic("三").value("received", "total")
    assert shown["新收申请"] == (f"{received:,}", None) and shown["勾稽核对"] == ("通过", None)
    assert list(shown) == ["新收申请", "予以公开", "部分公开", "不予公开", "行政复议", "行政诉讼", "勾稽核对"]
    damaged = read_report(with_received_total(tmp_path, "9" * 30), "r.txt")  # beyond 64 bits: uncertain
    shown = {f.label: (f.text, f.reason) for f in key_figures(damaged, report_stats(damaged))}
    assert shown["新收申请"] == ("—", "数字存疑")


def test_thousands_are_separated_in_the_key_figures(tmp_path: Path) -> None:
    report = read_report(with_received_total(tmp_path, "12345"), "r.txt")
    shown = {f.label: f.text for f in key_figures(report, report_stats(report))}
    assert shown["新收申请"] == "12,345"


def test_every_key_figure_links_to_an_element_of_its_page(published) -> None:
    page = (published[0].site_dir / REPORT_PAGE).read_text(encoding="utf-8")
    box = re.search(r'<section class="key-figures".*?</section>', page, re.S).group(0)
    targets = re.findall(r'href="#([^"]+)"', box)
    assert len(targets) >= 6
    ids = set(re.findall(r'\sid="([^"]+)"', page))
    assert [target for target in targets if target not in ids] == []
    assert len(re.findall(r'\sid="t3-received-total"', page)) == 1  # unique, in the form's layout only


def test_a_published_page_has_its_description_canonical_address_and_citation(published) -> None:
    site = published[0].site_dir
    page = (site / REPORT_PAGE).read_text(encoding="utf-8")
    address = SITE_URL + "reports/410329/chengshiguanliju/2020/"
    assert f'<link rel="canonical" href="{address}">' in page
    description = re.search(r'<meta name="description" content="([^"]*)">', page).group(1)
    assert description.startswith("伊川县城市管理局 2020 年度政府信息公开工作年度报告") and "新收" in description
    citation = re.search(r'<p class="report-citation-line">(.*?)</p>', page, re.S).group(1)
    sha = read_report(SAMPLE, "x").source.sha256
    assert address in citation and sha in citation and "伊川县城市管理局" in citation
    assert 'href="https://github.com/example/foia-archive/issues"' in page
    home = (site / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<meta name="description" content="[^"]+">', home)
    assert f'<link rel="canonical" href="{SITE_URL}">' in home


def test_the_site_tells_search_engines_where_everything_is(published) -> None:
    site = published[0].site_dir
    assert (site / "robots.txt").read_text() == f"User-agent: *\nAllow: /\nSitemap: {SITE_URL}sitemap.xml\n"
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    locations = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert SITE_URL + "reports/410329/chengshiguanliju/2020/" in locations and SITE_URL + "about/" in locations
    pages = [p for p in site.rglob("index.html") if "pagefind" not in p.parts]
    assert len(locations) == len(pages)


def test_the_404_page_is_in_chinese_and_works_under_the_sites_sub_path(published) -> None:
    page = (published[0].site_dir / "404.html").read_text(encoding="utf-8")
    assert "页面不存在" in page and "Not found" not in page
    links = re.findall(r'(?:href|src)="([^"#]+)"', page)
    local = [link for link in links if not link.startswith("https://creativecommons.org")]
    assert local and all(link.startswith("/foia-archive/") for link in local), local


def test_the_about_page_says_what_the_archive_holds_and_how_to_cite_it(published) -> None:
    page = (published[0].site_dir / "about/index.html").read_text(encoding="utf-8")
    assert "<strong>5</strong> 份报告" in page and "河南省" in page
    assert "如何引用" in page and "CC BY 4.0" in page and "纠错" in page
    assert 'href="https://github.com/example/foia-archive/issues"' in page


ALLOWED_LATIN = {"OCR", "PDF", "JSON", "overrides", "yaml", "SHA"}


def latin_words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z]{3,}", text)) - ALLOWED_LATIN


def test_findings_are_shown_to_readers_in_chinese_and_their_codes_stay_in_the_data(tmp_path: Path) -> None:
    """Reports with a missing section, an unknown region, a year before its form, a duplicate and a
    maintainer's correction: every message a reader sees is Chinese; the codes are in the JSON."""
    source = tmp_path / "reports"
    source.mkdir()
    text = TAB_SAMPLE.read_text(encoding="utf-8")
    (source / "a.txt").write_text(text, encoding="utf-8")
    (source / "b.txt").write_text(text, encoding="utf-8")  # a second copy
    unknown = text.replace("卫辉市科技和工业信息化局", "某某科技和工业信息化局").replace(
        "2023 年政府信息公开", "2015 年政府信息公开", 1
    )
    (source / "c.txt").write_text(unknown.replace("六、其他需要报告的事项", "其他事项"), encoding="utf-8")
    (source / "overrides.yaml").write_text("sources:\n  a.txt:\n    publication_date: '2024-01-20'\n", encoding="utf-8")
    options, result = build_into(tmp_path / "out", source=source, index=False)
    codes = {finding.code for outcome in result.outcomes for finding in outcome.findings}
    assert {"duplicate-report", "region-unknown", "section-missing", "year-before-form", "override"} <= codes
    shown = []
    for page in (options.site_dir / "reports").rglob("index.html"):
        html = page.read_text(encoding="utf-8")
        for box in re.findall(
            r'<div class="admonition [^"]*report-(?:findings|overrides|checks)".*?</div>', html, re.S
        ):
            shown += re.findall(r"<li>(.*?)</li>", box, re.S)
        assert "<code>" not in "".join(re.findall(r'report-findings".*?</div>', html, re.S))
    quality = (options.site_dir / "quality/index.html").read_text(encoding="utf-8")
    shown += re.findall(r"<li>(.*?)</li>", quality.split('class="quality-list"')[-1], re.S)
    assert len(shown) >= 5
    assert [message for message in shown if latin_words(re.sub(r"<[^>]+>", "", message))] == []
    data = next((options.site_dir / "reports").rglob("*.json")).read_text(encoding="utf-8")
    assert '"code":' in data


def test_every_page_has_its_own_description_and_canonical_address(published) -> None:
    site = published[0].site_dir
    descriptions = {}
    for page in sorted(site.rglob("index.html")):
        html = page.read_text(encoding="utf-8")
        descriptions[page] = re.search(r'<meta name="description" content="([^"]*)">', html).group(1)
        assert re.search(rf'<link rel="canonical" href="{re.escape(SITE_URL)}[^"]*">', html), page
    repeated = {d for d in descriptions.values() if list(descriptions.values()).count(d) > 1}
    assert len(descriptions) > 30 and repeated == set()
