"""Real reports in the forms agencies publish them, each held to its published numbers cell by cell
(tests/fixtures/real/*.truth.json, checked by hand against the report), and the generated web
pages and Word files read to the same numbers as the sample texts they were made from."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest

from build_scripts.forms import TABLE4_COLUMNS, TABLE4_ROWS
from build_scripts.model import CellStatus, Report
from build_scripts.reading.readers import ReportError, read_report
from build_scripts.reading.tables import match_table3_row

from .conftest import REAL_FIXTURES, REPO, REPORTS, WEB_FIXTURES, WORD_FIXTURES
from .test_pdf_reader import assert_reads_like

REAL = REPO / "tests" / "fixtures" / "real"
SHARED_REAL = REPO.parent / "shared" / "real"
# Everything around the article on the generated CMS pages: none of it may reach the report.
PAGE_FURNITURE = (
    "网站首页",
    "请输入关键词",
    "当前位置",
    "栏目导航",
    "公开指南栏目",
    "索引号",
    "全真版",
    "分享到",
    "相关链接",
    "城市管理局2021年",
    "洛阳市人民政府2020年",
    "ICP",
    "网站标识码",
    "统计代码",
    "console",
)


def truth_of(path: Path) -> dict:
    return json.loads((REAL / f"{path.name.split('.')[0]}.truth.json").read_text(encoding="utf-8"))


def table3_key(label: str) -> str:
    """The row key of a truth file's table 三 label ("（三）不予公开/1.属于国家秘密")."""
    item = label.split("/")[-1]
    key = match_table3_row(item, "other_unpaid_fee" if item == "3.其他" else None)
    assert key, label
    return key


def table4_key(label: str) -> tuple[str, str]:
    """The (row, column) of a truth file's table 四 label ("行政诉讼/复议后起诉/结果维持")."""
    parts = label.split("/")
    row = "review" if len(parts) == 2 else next(s.key for s in TABLE4_ROWS if s.matches(parts[1]))
    column = next(s.key for s in TABLE4_COLUMNS if s.matches(parts[-1]))
    return row, column


def printed(report: Report, number: str, row: str, column: str) -> int | float | None:
    """A cell's number, None when printed blank; a missing or uncertain cell fails the test."""
    table = report.statistic(number)
    assert table is not None, f"table {number} not read"
    cell = table.cell(row, column)
    assert cell is not None and cell.status != CellStatus.UNCERTAIN, (number, row, column, cell)
    return cell.value


def assert_matches_truth(report: Report, truth: dict, dated: bool = True) -> None:
    assert report.agency in [truth["agency"], *truth["agency_aliases"]]
    assert report.year == truth["year"]
    assert report.format == truth["template"]
    region = {"province": report.region.province, "city": report.region.city, "county": report.region.county}
    assert report.region.resolved and region == truth["region"]
    if dated and truth.get("publish_date"):
        assert report.publication_date == truth["publish_date"]
    expected = {("三", table3_key(label), "total"): value for label, value in truth["table3_total"].items()}
    expected |= {
        ("三", table3_key(label), "natural_person"): value
        for label, value in truth.get("table3_natural_person", {}).items()
    }
    expected |= {("四", *table4_key(label)): value for label, value in truth["table4"].items()}
    actual = {key: printed(report, *key) for key in expected}
    assert actual == expected
    assert [finding.code for finding in report.failed_checks] == truth["violations"]


@pytest.mark.parametrize("path", REAL_FIXTURES, ids=lambda path: path.name)
def test_real_report_gives_its_published_numbers(path: Path) -> None:
    assert_matches_truth(read_report(path, path.name), truth_of(path))


@pytest.mark.parametrize("path", [p for p in WORD_FIXTURES if p.stem == "pingtan-2024"], ids=lambda p: p.name)
def test_real_report_in_word_gives_its_published_numbers(path: Path) -> None:
    """The real 平潭 page's article as Word saves it: .docx read directly, .doc and .wps through
    LibreOffice (make test installs it)."""
    report = read_report(path, path.name)
    assert_matches_truth(report, truth_of(path), dated=False)  # the page's date is not in the article
    assert report.source.media_type != "text/html"


def test_the_real_pages_say_where_they_were_published() -> None:
    page = read_report(REAL / "pingtan-2024.html", "pingtan-2024.html")
    assert page.provenance.url == "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/202503/t20250310_97791.htm"
    assert (page.provenance.published, page.provenance.origin) == ("2025-03-10", "page")
    crawl = read_report(REAL / "pingtan-2022-crawl.txt", "pingtan-2022-crawl.txt")
    assert crawl.provenance.url == "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/202302/t20230220_80629.htm"
    assert (crawl.provenance.published, crawl.provenance.origin) == ("2023-02-20", "crawl")
    assert crawl.title == "平潭综合实验区2022年度政府信息公开工作年度报告"


def test_a_crawl_dump_reads_its_run_together_digits_only_by_the_sum_rules() -> None:
    report = read_report(REAL / "pingtan-2022-crawl.txt", "pingtan-2022-crawl.txt")
    received = report.statistic("三").cell("received", "natural_person")
    assert received.value == 71 and "713000074" in (received.note or "")
    table2 = report.statistic("二")
    # 行政规范性文件 8855698: three counts with no rule between them; never guessed
    assert {table2.cell("normative_documents", c).status for c in ("issued", "repealed", "in_force")} == {
        CellStatus.UNCERTAIN
    }
    assert [table2.value("regulations", c) for c in ("issued", "repealed", "in_force")] == [0, 0, 0]
    assert table2.value("licensing", "decisions") == 10690


def test_a_markdown_export_keeps_labels_cut_from_their_rows() -> None:
    """The PDF-to-Markdown tool left 5.要求行政机关确认… and 1.申请人无正当理由… as text above their
    numbers; the rows are paired in the form's order, and a row of two numbers for three columns
    is uncertain, never padded."""
    report = read_report(REAL / "shanghai-office-2025.md", "shanghai-office-2025.md")
    table3 = report.statistic("三")
    assert table3.value("not_processed_confirmation", "total") == 0
    assert table3.value("other_no_correction", "total") == 43
    assert report.statistic("二").cell("regulations", "repealed").status == CellStatus.UNCERTAIN
    assert report.title == "2025年上海市人民政府办公厅政府信息公开工作年度报告"


def test_a_fragment_keeps_blank_cells_blank() -> None:
    report = read_report(REAL / "shanghai-office-2019.fragment.html", "x.html")
    cell = report.statistic("三").cell("disclosed", "total")
    assert (cell.status, cell.value) == (CellStatus.BLANK, None)
    amount = report.statistic("二").cell("procurement", "amount")
    assert amount.status == CellStatus.UNCERTAIN and amount.printed == "251000元"
    assert report.statistic("二").value("regulations", "total_published") == 524  # under its colspan header


def report_texts(report: Report) -> list[str]:
    blocks = [block for section in report.sections for block in section.blocks] + report.preamble
    texts = [report.title, report.agency, *(section.title for section in report.sections)]
    texts += [block.text for block in blocks] + [cell for table in report.tables for row in table.rows for cell in row]
    return texts + (report.cover_notice.lines if report.cover_notice else [])


@pytest.mark.parametrize("path", [p for p in WEB_FIXTURES if p.name[0].isdigit()], ids=lambda path: path.name)
def test_a_cms_page_reads_like_its_text_and_nothing_else(path: Path) -> None:
    report = read_report(path, path.name)
    assert_reads_like(report, read_report(REPORTS / f"{path.name.split('.')[0]}.txt", "sample"))
    leaked = [(word, text) for text in report_texts(report) for word in PAGE_FURNITURE if word in text]
    assert leaked == []
    assert {table.layout for table in report.tables} == {"ruled"}


@pytest.mark.parametrize("path", [p for p in WEB_FIXTURES if "fragment" not in p.name and p.name[0].isdigit()])
def test_a_cms_page_gives_its_address_date_and_index_number(path: Path) -> None:
    report = read_report(path, path.name)
    year = report.year + 1
    assert report.provenance.url and report.provenance.url.startswith(
        f"https://www.example.gov.cn/zwgk/xxgknb/{year}01/"
    )
    assert report.provenance.published == f"{year}-01-15"
    assert report.provenance.index_number and report.provenance.index_number.startswith("11410329MB0000000X/")


def test_pages_in_every_chinese_encoding_are_detected() -> None:
    """The GBK page declares nothing, the GB2312 one a meta tag, the GB18030 one an XML prolog."""
    raw = {path.name: path.read_bytes() for path in WEB_FIXTURES}
    undeclared = raw["000_b7ab8aafaeb32b72.gbk-undeclared.html"]
    assert b"charset" not in undeclared and b"encoding=" not in undeclared
    with pytest.raises(UnicodeDecodeError):
        undeclared.decode("utf-8")
    assert b"charset=gb2312" in raw["003_184eb3a1fc423fbd.gb2312-meta.html"]
    assert raw["004_f3bbfa1004ed2dd6.gb18030-prolog.html"].startswith(b'<?xml version="1.0" encoding="gb18030"?>')


def test_a_page_with_only_an_attachment_names_it() -> None:
    with pytest.raises(
        ReportError, match=re.escape("in its attachment: 示例县教育局2020年政府信息公开工作年度报告.pdf")
    ):
        read_report(REPO / "tests/fixtures/web/attachment-only.html", "attachment-only.html")


def test_the_word_fixtures_hold_merged_cells_of_both_kinds() -> None:
    for path in (p for p in WORD_FIXTURES if p.suffix == ".docx"):
        xml = zipfile.ZipFile(path).read("word/document.xml").decode("utf-8")
        assert "w:gridSpan" in xml and 'w:vMerge w:val="restart"' in xml and "w:vMerge" in xml.replace("restart", "")


def test_a_sample_in_word_reads_like_its_text() -> None:
    path = REPO / "tests/fixtures/word/003_184eb3a1fc423fbd.docx"
    assert_reads_like(read_report(path, path.name), read_report(REPORTS / "003_184eb3a1fc423fbd.txt", "sample"))


@pytest.mark.skipif(not SHARED_REAL.is_dir(), reason="../shared/real is not beside the repository")
def test_the_fixtures_are_the_published_files() -> None:
    for name in ("pingtan-2024.html", "pingtan-2022-crawl.txt", "shanghai-office-2025.md"):
        assert (REAL / name).read_bytes() == (SHARED_REAL / name).read_bytes()


def test_furniture_inside_the_article_container_stays_out(tmp_path: Path) -> None:
    """Some CMSs put the share box, 相关链接 and print links inside the article's own container."""
    page = (REAL / "pingtan-2024.html").read_text(encoding="utf-8")
    inside = (
        '<div class="xglj">相关链接：<a href="/a.htm">平潭综合实验区2023年度政府信息公开工作年度报告</a></div>'
        "<p>【打印本页】【关闭窗口】</p><div class='bdsharebuttonbox'>分享到：微信</div></div>"
    )
    end = page.index("<p><br/></p></div>") + len("<p><br/></p>")
    path = tmp_path / "inside.html"
    path.write_text(page[:end] + inside + page[end + len("</div>") :], encoding="utf-8")
    report = read_report(path, "inside.html")
    assert_matches_truth(report, truth_of(REAL / "pingtan-2024.html"))
    texts = " ".join(report_texts(report))
    assert "2023年度" not in texts and "打印本页" not in texts and "分享到" not in texts


def test_one_report_in_several_forms_is_published_once_from_its_page() -> None:
    """The page (the main publication, with its address) gets the report's URL; the Word copies
    are second copies, flagged."""
    from build_scripts.site.archive import plan_pages

    sources = [REAL / "pingtan-2024.html", *(p for p in WORD_FIXTURES if p.stem == "pingtan-2024")]
    pages = plan_pages([read_report(path, path.name) for path in sorted(sources, key=lambda p: p.suffix)])
    main = [page for page in pages if page.path.endswith("/2024.md")]
    assert [page.report.source.path for page in main] == ["pingtan-2024.html"]
    copies = [page for page in pages if page not in main]
    assert len(copies) == 3 and all(any(f.code == "duplicate-report" for f in p.report.findings) for p in copies)


def test_the_report_page_links_where_it_was_published() -> None:
    from build_scripts.site.archive import build_archive
    from build_scripts.site.escape import markdown_text
    from build_scripts.site.pages.environment import template_environment
    from build_scripts.site.pages.report import prepare_report, render_report_files

    report = read_report(REAL / "pingtan-2024.html", "pingtan-2024.html")
    archive = build_archive([report])
    prepared = prepare_report(template_environment(), report)
    page = archive.pages[0]
    markdown = render_report_files(template_environment(), archive, {report.source.path: prepared})[page.path]
    url = "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/202503/t20250310_97791.htm"
    # The URL as text is escaped for Markdown: its `_` (or a `*`) would otherwise be formatting.
    assert f'原文链接：<a href="{url}" rel="nofollow noopener">{markdown_text(url)}</a>' in markdown
    assert page.original_path.endswith("/2024.html.txt")  # published as text, never as a page


def test_every_number_of_the_real_pdf_is_inside_the_box_its_json_gives() -> None:
    """A cell's line has a position (page and box) in the table's JSON, and the text pdfplumber
    finds inside that box of that page holds the number as printed."""
    import pdfplumber

    path = REAL / "hongze-2024.pdf"
    report = read_report(path, path.name)
    checked = 0
    with pdfplumber.open(path) as pdf:
        for table in report.statistics:
            positions = {position.line: position for position in table.positions}
            for cell in table.cells:
                if cell.status != CellStatus.NUMBER:
                    continue
                position = positions[cell.line]
                assert position.page == cell.page
                page = pdf.pages[position.page - 1]
                left, top, right, bottom = position.box
                assert 0 <= left < right <= page.width and 0 <= top < bottom <= page.height
                found = page.crop(position.box).extract_text()
                assert cell.printed in found.split(), (table.number, cell.row, cell.column, found)
                checked += 1
    assert checked > 150


def test_each_table_says_where_it_was_printed_and_links_there() -> None:
    from build_scripts.site.pages.environment import template_environment
    from build_scripts.site.pages.report import prepare_report

    pdf = read_report(REAL / "hongze-2024.pdf", "hongze-2024.pdf")
    body = prepare_report(template_environment(), pdf).body
    pages = sorted({cell.page for table in pdf.statistics for cell in table.cells if cell.page})
    assert pages == [2, 3, 4]
    for number in pages:
        assert f'<a href="../2024.pdf#page={number}">{number}</a>' in body
    # Where a table goes on over a page, the first row on the new page links to it.
    breaks = re.findall(r'>([^<>]+) <a class="page-link" href="\.\./2024\.pdf#page=(\d)">', body)
    assert breaks == [("行政处罚", "3"), ("2.没有现成信息需要另行制作", "4")]
    page = read_report(REAL / "pingtan-2024.html", "pingtan-2024.html")
    body = prepare_report(template_environment(), page).body
    url = "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/202503/t20250310_97791.htm"
    assert body.count(f'见<a href="{url}" rel="nofollow noopener">原文网址</a>') == 3  # one per table


def test_a_second_copy_is_rendered_without_reading_its_source_again(tmp_path: Path, monkeypatch) -> None:
    """Duplicates are decided between reading and rendering (pipeline.py): each source is read once,
    and the second copy's JSON carries the duplicate finding."""
    import build_scripts.pipeline as pipeline
    from build_scripts.convert import convert

    calls = tmp_path / "calls.txt"  # a file: each source is read in a reader child (guard.py)
    real_read = pipeline.read_report

    def counting(path: Path, display: str):
        with calls.open("a", encoding="utf-8") as log:
            log.write(display + "\n")
        return real_read(path, display)

    monkeypatch.setattr(pipeline, "read_report", counting)
    sources = [REAL / "pingtan-2024.html", REPO / "tests/fixtures/word/pingtan-2024.docx"]
    outcomes = convert(sources, tmp_path / "out")
    assert sorted(calls.read_text(encoding="utf-8").split()) == ["pingtan-2024.docx", "pingtan-2024.html"]
    second = next(o for o in outcomes if o.page and "-" in o.page.rsplit("/", 1)[-1])
    data = json.loads((tmp_path / "out" / second.page).with_suffix(".json").read_text(encoding="utf-8"))
    assert "duplicate-report" in [finding["code"] for finding in data["findings"]]
