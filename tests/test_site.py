"""End to end: the real build of the default corpus, the build report, and determinism."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from build_scripts.build import BuildOptions, BuildResult, build_report_text
from build_scripts.reading.readers import read_report
from build_scripts.site.search.bundle import INDEX_DIR, MANIFEST_NAME
from build_scripts.site.search.reader import IndexReader
from build_scripts.site.urls import page_url
from build_scripts.site_size import BYTES_PER_REPORT, Original, originals_to_link

from .conftest import PDF_FIXTURES, REPO, REPORTS, SAMPLES, build_into, source_folder

pytestmark = pytest.mark.slow

# Absolute URLs that appear in shipped files without ever being requested: XML namespaces in SVG,
# and licence comments.
NOT_LOADED = {
    "www.w3.org": "SVG/XML namespace identifiers",
    "fontawesome.com": "licence comment inside an inline SVG icon in Material's CSS",
    "creativecommons.org": "the data licence's deed, a link readers may follow (an <a href>, never loaded)",
}
URL = re.compile(r"""(?:https?:)?//([a-z0-9.-]+\.[a-z]{2,})""", re.IGNORECASE)


class CodeOfPage(HTMLParser):
    """Everything in an HTML page that a browser may act on: attribute values, scripts and styles.
    Text from the reports themselves (which may mention web sites) is left out."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.in_code = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.parts.extend(value for _, value in attrs if value)
        self.in_code = tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self.in_code = False

    def handle_data(self, data: str) -> None:
        if self.in_code:
            self.parts.append(data)


def loadable_text(path: Path) -> str:
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix != ".html":
        return text
    parser = CodeOfPage()
    parser.feed(text)
    return "\n".join(parser.parts)


def site_files(site: Path, *suffixes: str) -> list[Path]:
    return sorted(path for path in site.rglob("*") if path.suffix in suffixes)


def test_one_page_per_sample(built_site: tuple[BuildOptions, BuildResult]) -> None:
    options, result = built_site
    published = [outcome for outcome in result.outcomes if outcome.status == "published"]
    assert sorted(o.source for o in published) == sorted(path.name for path in SAMPLES)
    for outcome in published:
        page_dir = options.site_dir / Path(outcome.page or "").with_suffix("")
        html = (page_dir / "index.html").read_text(encoding="utf-8")
        assert "<h1" in html
        assert (options.site_dir / Path(outcome.page or "").with_suffix(".json")).exists()


def test_index_pages_exist_for_regions_agencies_and_years(built_site: tuple[BuildOptions, BuildResult]) -> None:
    site = built_site[0].site_dir
    for page in ("index.html", "regions/index.html", "agencies/index.html", "years/index.html", "search/index.html"):
        assert (site / page).exists(), page
    for code in ("410000", "410300", "410329", "350500", "350505", "640221", "410781"):
        assert (site / "regions" / code / "index.html").exists(), code
    for year in (2020, 2021, 2023):
        assert (site / "years" / str(year) / "index.html").exists()
    agency = (site / "agencies" / "410329-chengshiguanliju" / "index.html").read_text(encoding="utf-8")
    assert "伊川县城市管理局2020年政府信息公开工作年度报告" in agency
    county = (site / "regions" / "410329" / "index.html").read_text(encoding="utf-8")
    assert "伊川县科技和工信局" in county and "伊川县城市管理局" in county


def test_navigation_does_not_list_reports(built_site: tuple[BuildOptions, BuildResult]) -> None:
    site = built_site[0].site_dir
    report_page = next((site / "reports").rglob("index.html")).read_text(encoding="utf-8")
    nav = re.search(r'<nav class="md-nav md-nav--primary".*?</nav>', report_page, re.S)
    assert nav is not None
    assert "政府信息公开工作年度报告" not in nav.group(0)


def test_no_third_party_host_is_referenced(built_site: tuple[BuildOptions, BuildResult]) -> None:
    site = built_site[0].site_dir
    offenders = []
    files = site_files(site, ".html", ".css", ".js", ".svg", ".webmanifest")
    assert len(files) > 20
    for path in files:
        for host in URL.findall(loadable_text(path)):
            if host.lower() not in NOT_LOADED:
                offenders.append(f"{path.relative_to(site)}: {host}")
    assert offenders == []


def test_the_search_index_holds_every_report_newest_first(built_site: tuple[BuildOptions, BuildResult]) -> None:
    options, result = built_site
    folder = options.site_dir / INDEX_DIR
    manifest = json.loads((folder / MANIFEST_NAME).read_text())
    assert manifest["documents"] == len(SAMPLES) == len(result.published)
    facets = json.loads(gzip.decompress((folder / "facets.json.gz").read_bytes()))
    assert len(facets["year"]) == len(SAMPLES) and facets["year"] == sorted(facets["year"], reverse=True)
    [pack] = [json.loads(gzip.decompress(path.read_bytes())) for path in (folder / "docs").iterdir()]
    assert sorted(row[0] for row in pack) == sorted(page_url(o.page) for o in result.published)
    assert len(list((folder / "text").rglob("*.txt.gz"))) == len(SAMPLES)
    assert list((folder / "b").glob("*.bin.gz")), "postings lists, in buckets"
    assert not [p for p in options.site_dir.rglob(".*") if p.name.endswith(".search")], "records stay out of the site"


def test_build_report_accounts_for_every_source(built_site: tuple[BuildOptions, BuildResult]) -> None:
    site = built_site[0].site_dir
    data = json.loads((site / "build-report.json").read_text(encoding="utf-8"))
    assert data["summary"]["sources"] == len(SAMPLES) == data["summary"]["published"]
    assert [entry["source"] for entry in data["sources"]] == sorted(path.name for path in SAMPLES)
    missing_six = next(entry for entry in data["sources"] if entry["source"].startswith("001"))
    assert [finding["code"] for finding in missing_six["findings"]] == ["section-missing", "cell-uncertain"]


def test_bad_sources_are_reported_and_the_rest_is_built(tmp_path: Path) -> None:
    source = tmp_path / "reports"
    source.mkdir()
    for sample in SAMPLES[:2]:
        (source / sample.name).write_bytes(sample.read_bytes())
    (source / "broken.txt").write_bytes(b"\xff\xfe\x00garbage" * 10)
    (source / "later.pdf").write_bytes(b"%PDF-1.4\n")
    options, result = build_into(tmp_path, source=source)
    failed = {outcome.source: outcome.reason for outcome in result.failed}
    assert set(failed) == {"broken.txt", "later.pdf"}
    assert all(failed.values())
    assert len([o for o in result.outcomes if o.status == "published"]) == 2
    assert result.exit_code(strict=False) == 0 and result.exit_code(strict=True) == 1
    data = json.loads((options.site_dir / "build-report.json").read_text(encoding="utf-8"))
    assert data["summary"]["failed"] == 2


def test_report_text_is_shown_exactly_never_run(tmp_path: Path) -> None:
    source = tmp_path / "reports"
    source.mkdir()
    sample = (REPORTS / "004_f3bbfa1004ed2dd6.txt").read_text(encoding="utf-8")
    hostile = "<script>alert(1)</script> {{ config }} **粗体** [链接](javascript:alert(1))"
    title = "伊川县城市管理局2020年政府信息公开工作年度报告"
    text = sample.replace("无。", hostile).replace(title, title.replace("城市管理局", "<b>城管</b>局"))
    (source / "hostile.txt").write_text(text, encoding="utf-8")
    options, _ = build_into(tmp_path, source=source)
    page = next((options.site_dir / "reports").rglob("index.html")).read_text(encoding="utf-8")
    assert "<script>alert" not in page and "<b>城管</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{ config }} **粗体** [链接](javascript:alert(1))" in page
    assert "<title>伊川县&lt;b&gt;城管&lt;/b&gt;局2020年" in page
    folder = options.site_dir / INDEX_DIR
    [pack] = [json.loads(gzip.decompress(path.read_bytes())) for path in (folder / "docs").iterdir()]
    assert pack[0][1] == title.replace("城市管理局", "<b>城管</b>局")  # the index has it as text
    [text] = [gzip.decompress(path.read_bytes()).decode() for path in (folder / "text").rglob("*.txt.gz")]
    assert "<script>alert(1)</script> {{ config }} **粗体** [链接](javascript:alert(1))" in text
    assert IndexReader(folder).search("<script>alert") == {0}


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_two_builds_are_byte_identical(built_site: tuple[BuildOptions, BuildResult], tmp_path: Path) -> None:
    """Also the sharded build of a large archive (two processes converting, two MkDocs shards)
    writes exactly what one process writes."""
    first, _ = built_site
    second, result = build_into(tmp_path, jobs=2)
    assert result.site_warnings == []
    for folder in ("content_dir", "site_dir"):
        a, b = tree(getattr(first, folder)), tree(getattr(second, folder))
        assert sorted(a) == sorted(b)
        assert [name for name in a if a[name] != b[name]] == []


def test_tables_are_rendered_as_the_official_form(built_site: tuple[BuildOptions, BuildResult]) -> None:
    site = built_site[0].site_dir
    page = (site / "reports/410329/chengshiguanliju/2020/index.html").read_text(encoding="utf-8")
    three = re.search(r'<div class="report-table stat-table" data-table="三" data-layout="form".*?</table>', page, re.S)
    three = three.group(0)
    assert "<caption>表三 收到和处理政府信息公开申请情况" in three
    assert '<th scope="rowgroup" rowspan="20" class="at-0 group">三、本年度办理结果</th>' in three  # 20 outcome rows
    assert '<th scope="rowgroup" rowspan="8" class="at-1" id="t3-withheld-group">（三）不予公开</th>' in three
    assert '<th scope="colgroup" colspan="5">法人或其他组织</th>' in three
    assert three.count('<th scope="row"') == 23
    two = re.search(r'data-table="二".*?</table>', page, re.S).group(0)
    assert '<th scope="row" class="at-0">行政许可</th><td>15</td><td>2</td>' in two
    four = re.findall(r'data-table="四" data-layout="(\w+)".*?</table>', page, re.S)
    assert four == ["form", "turned"]  # the form's one row of 15, and 5 rows of 3 for a phone
    assert '<td colspan="2">232.4586</td>' in two
    assert '<p class="table-source">原文第' in page


def test_broken_rule_is_published_and_explained_in_chinese(tmp_path: Path) -> None:
    source = tmp_path / "reports"
    source.mkdir()
    text = (REPORTS / "004_f3bbfa1004ed2dd6.txt").read_text(encoding="utf-8")
    lines = text.split("\n")
    data_row = max(i for i, line in enumerate(lines) if line.startswith("0\t0\t0\t0\t0\t0"))
    lines[data_row] = "\t".join(["10", "1", "0", "0", "0"] + ["0"] * 10)  # as a real 2023 report printed it
    (source / "broken-rule.txt").write_text("\n".join(lines), encoding="utf-8")
    options, result = build_into(tmp_path, source=source, strict=True)
    assert result.exit_code(strict=True) == 1
    page = next((options.site_dir / "reports").rglob("index.html")).read_text(encoding="utf-8")
    assert "数据核对未通过（1 项）" in page
    assert "勾稽关系四（复议、诉讼总计＝维持＋纠正＋其他＋尚未审结）未通过：行政复议总计印为 0，四项之和为 11" in page
    assert '<td class="check-failed">0</td>' in page
    assert "<td>10</td>" in page  # the printed numbers stay as printed
    quality = (options.site_dir / "quality" / "index.html").read_text(encoding="utf-8")
    assert "1 份有未通过的核对（勾稽关系，" in quality and "伊川县城市管理局2020年" in quality
    data = json.loads(next((options.site_dir / "reports").rglob("2020.json")).read_text(encoding="utf-8"))
    check = next(f for f in data["findings"] if f["code"] == "check-4")
    assert (check["table"], check["row"], check["column"], check["printed"], check["expected"]) == (
        "四",
        "review",
        "total",
        0,
        11,
    )


def test_pdf_source_is_published_with_its_page(tmp_path: Path) -> None:
    source = tmp_path / "reports"
    source.mkdir()
    pdf = next(path for path in PDF_FIXTURES if path.stem.startswith("003"))
    (source / pdf.name).write_bytes(pdf.read_bytes())
    options, result = build_into(tmp_path, source=source)
    assert [o.status for o in result.outcomes] == ["published"]
    page_dir = options.site_dir / "reports/410781/kejigongxinju"
    assert (page_dir / "2023.pdf").read_bytes() == pdf.read_bytes()
    html = (page_dir / "2023" / "index.html").read_text(encoding="utf-8")
    pages = read_report(pdf, pdf.name).source.pages
    assert f'<a href="../2023.pdf">003_184eb3a1fc423fbd.pdf</a>（PDF，{pages} 页，' in html
    assert hashlib.sha256(pdf.read_bytes()).hexdigest() in html


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_second_copy_of_an_agency_year_is_published_beside_the_first(tmp_path: Path, jobs: int) -> None:
    source = tmp_path / "reports"
    source.mkdir()
    sample = REPORTS / "004_f3bbfa1004ed2dd6.txt"
    (source / "a.txt").write_bytes(sample.read_bytes())
    (source / "b.txt").write_bytes(sample.read_bytes() + b"\n")  # another download of the same report
    options, result = build_into(tmp_path, source=source, jobs=jobs)
    pages = {outcome.source: outcome.page or "" for outcome in result.outcomes}
    assert pages["a.txt"] == "reports/410329/chengshiguanliju/2020.md"
    second = pages["b.txt"]
    assert second.startswith("reports/410329/chengshiguanliju/2020-") and second.endswith(".md")
    stem = (options.content_dir / second).with_suffix("")
    data = json.loads(stem.with_suffix(".json").read_text(encoding="utf-8"))
    assert "duplicate-report" in [finding["code"] for finding in data["findings"]]
    page = (options.site_dir / second.removesuffix(".md") / "index.html").read_text(encoding="utf-8")
    assert page.count(f'href="../{stem.name}.json"') >= 2  # the header and each table note link its own data
    assert result.exit_code(strict=True) == 1


def test_the_build_says_how_big_the_site_is_and_what_takes_room(built_site: tuple[BuildOptions, BuildResult]) -> None:
    options, result = built_site
    size = json.loads((options.site_dir / "build-report.json").read_text(encoding="utf-8"))["site_size"]
    published = [p for p in options.site_dir.rglob("*") if p.is_file() and not p.name.startswith(".")]
    counted = [p for p in published if p.name != "build-report.json"]  # written after it is measured
    assert sum(part["files"] for part in size["parts"].values()) == len(counted)
    assert size["bytes"] == sum(p.stat().st_size for p in counted) < size["budget"] == 1_000_000_000
    assert size["parts"]["report pages"]["files"] == len(SAMPLES) == size["parts"]["report data (JSON)"]["files"]
    assert size["parts"]["search index"]["bytes"] > 0 and size["parts"]["originals"]["files"] == len(SAMPLES)
    assert "site size: " in build_report_text(result) and result.site_warnings == []


def test_a_site_over_its_budget_is_a_warning_that_strict_fails(tmp_path: Path) -> None:
    source = tmp_path / "reports"
    source.mkdir()
    (source / SAMPLES[0].name).write_bytes(SAMPLES[0].read_bytes())
    _, result = build_into(tmp_path, source=source, size_budget_mb=0.1)
    [warning] = result.site_warnings
    assert warning.startswith("the site is ") and "over its budget of 0.1 MB" in warning
    assert result.exit_code(strict=False) == 0 and result.exit_code(strict=True) == 1


def test_originals_are_linked_largest_first_until_the_site_is_foreseen_to_fit() -> None:
    originals = [
        Original("a.md", 5_000_000, True),
        Original("b.md", 9_000_000, False),  # no address: it would be nowhere, so it is copied
        Original("c.md", 3_000_000, True),
        Original("d.md", 1_000_000, True),
    ]
    everything = 4 * BYTES_PER_REPORT + 18_000_000
    assert originals_to_link(originals, everything, "auto") == set()
    assert originals_to_link(originals, everything - 1, "auto") == {"a.md"}
    assert originals_to_link(originals, everything - 5_000_001, "auto") == {"a.md", "c.md"}
    assert originals_to_link(originals, 0, "auto") == {"a.md", "c.md", "d.md"}
    assert originals_to_link(originals, 0, "copy") == set()
    assert originals_to_link(originals, 10**12, "link") == {"a.md", "c.md", "d.md"}


def test_an_original_linked_to_keep_the_budget_is_not_copied_and_its_page_says_where_it_is(tmp_path: Path) -> None:
    crawl = (
        REPO / "tests" / "fixtures" / "real" / "pingtan-2022-crawl.txt"
    )  # its header gives the address it was published at; SAMPLES[0] has none: always copied
    source = source_folder(tmp_path / "reports", [crawl, SAMPLES[0]])
    options, result = build_into(tmp_path, source=source, originals="link")
    assert result.originals_linked == {"": [crawl.name]}
    [page] = [o.page for o in result.published if o.source == crawl.name]
    url = json.loads((options.content_dir / page).with_suffix(".json").read_text(encoding="utf-8"))["provenance"]["url"]
    assert url.startswith("http")
    html = (options.site_dir / page[:-3] / "index.html").read_text(encoding="utf-8")
    assert f'<a href="{url}" rel="nofollow noopener">{crawl.name}</a>' in html and "本站未存副本" in html
    assert not list((options.site_dir / page).parent.glob("*.txt")), "the original was copied"
    [sample_page] = [o.page for o in result.published if o.source == SAMPLES[0].name]
    assert list((options.site_dir / sample_page).parent.glob("*.txt"))
    report = json.loads((options.site_dir / "build-report.json").read_text(encoding="utf-8"))
    assert report["originals_linked"] == {"": [crawl.name]}
    _, copied = build_into(tmp_path / "again", source=source)  # auto, within the budget: copied
    assert copied.originals_linked == {}
