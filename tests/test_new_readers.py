"""The readers of web pages, Word files, Markdown and crawl dumps, piece by piece: spans, digit runs,
titles and headings as really printed, provenance, and hostile files that must fail alone."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from build_scripts.build import discover_sources
from build_scripts.model import CellStatus
from build_scripts.pipeline import PipelineSettings, read_sources
from build_scripts.reading.digit_runs import grouped_sum_rules, read_runs, row_sum_rule, unruled
from build_scripts.reading.overrides import Overrides, apply_override_if_any, data_to_overrides
from build_scripts.reading.parsing import Line, find_title, lines_to_sections, text_to_lines
from build_scripts.reading.readers import ReportError, read_report
from build_scripts.reading.readers.grid import SpanCell, expand_spans
from build_scripts.reading.readers.html import decode_page
from build_scripts.reading.readers.markdown import looks_like_markdown
from build_scripts.site.pages.environment import template_environment
from build_scripts.site.pages.report import prepare_report

from .conftest import REPO, REPORTS

REAL = REPO / "tests" / "fixtures" / "real"
SAMPLE = REPORTS / "003_184eb3a1fc423fbd.txt"


# ---- titles and headings as printed -----------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "agency", "year"),
    [
        (["2019年上海市人民政府办公厅政府信息公开工作年度报告"], "上海市人民政府办公厅", 2019),
        (["2024 年上海市科学技术委员会政府信息公开工作年度报告"], "上海市科学技术委员会", 2024),
        (["平潭综合实验区2024年度政府信息公开工作年度报告"], "平潭综合实验区", 2024),
        (["某县教育局2022年政府信息公开年度报告"], "某县教育局", 2022),
        (["某县人民政府2023年政务公开年报"], "某县人民政府", 2023),
        (["# **沐阳县人民政府2023年政府信息公开工作年度报告**"], "沐阳县人民政府", 2023),
        (["2025 年上海市人民政府办公厅政府信息公开", "工作年度报告"], "上海市人民政府办公厅", 2025),
    ],
)
def test_titles_as_really_printed(lines: list[str], agency: str, year: int) -> None:
    found = find_title(text_to_lines("\n".join([*lines, "", "一、总体情况"])))
    assert found is not None and (found.agency, found.year) == (agency, year)
    assert "#" not in found.title and "*" not in found.title


def test_a_notice_about_a_report_is_not_its_title() -> None:
    assert find_title(text_to_lines("关于印发某局2023年政府信息公开工作年度报告的通知\n")) is None


@pytest.mark.parametrize(
    ("text", "number", "heading", "rest"),
    [
        ("一、总体情况", 1, "一、总体情况", ""),
        ("一. 总体情况", 1, "一. 总体情况", ""),
        ("一、总体情况 2024年，本局坚持……", 1, "一、总体情况", "2024年，本局坚持……"),
        (
            "二、主动公开政府信息情况第二十条第（一）项 信息内容 本年制发件数 本年废止件数 现行有效件数 规章000",
            2,
            "二、主动公开政府信息情况",
            "第二十条第（一）项 信息内容 本年制发件数 本年废止件数 现行有效件数 规章000",
        ),
        (
            "四、政府信息公开行政法复议、行政诉讼情况行政复议 行政诉讼 结果维持结果纠正其他结果尚未审结总计",
            4,
            "四、政府信息公开行政法复议、行政诉讼情况",
            "行政复议 行政诉讼 结果维持结果纠正其他结果尚未审结总计",
        ),
        (
            "六、其他需要报告的事项 2022年，无收取信息处理费情况。",
            6,
            "六、其他需要报告的事项",
            "2022年，无收取信息处理费情况。",
        ),
    ],
)
def test_section_headings_on_their_own_line_or_run_in(text: str, number: int, heading: str, rest: str) -> None:
    _, sections = lines_to_sections([Line(1, text)])
    assert [(n, h.text, [line.text for line in body if line.text]) for n, h, body in sections] == [
        (number, heading, [rest] if rest else [])
    ]


@pytest.mark.parametrize(
    "text", ["四、结转下年度继续办理 0000000", "三、本年度办理结果", "二、上年结转政府信息公开申请数量 1"]
)
def test_table_rows_are_never_taken_for_headings(text: str) -> None:
    assert lines_to_sections([Line(1, text)])[1] == []


# ---- merged cells -----------------------------------------------------------------------------


def test_rowspan_and_colspan_leave_covered_positions_blank() -> None:
    rows = [
        [SpanCell("（本列数据…）", rowspan=2, colspan=2), SpanCell("申请人情况", colspan=2)],
        [SpanCell("自然人"), SpanCell("总计")],
        [SpanCell("三、本年度办理结果", rowspan=2), SpanCell("（一）予以公开"), SpanCell("1"), SpanCell("1")],
        [SpanCell("（二）部分公开"), SpanCell(""), SpanCell("0")],
    ]
    assert expand_spans(rows) == [
        ["（本列数据…）", "", "申请人情况", ""],
        ["", "", "自然人", "总计"],
        ["三、本年度办理结果", "（一）予以公开", "1", "1"],
        ["", "（二）部分公开", "", "0"],
    ]


def test_a_value_spanning_two_positions_goes_under_the_header_it_starts_in() -> None:
    """Table 二 of the 2019 form as Shanghai drew it: 本年增/减 over two positions, the value before it
    over two others."""
    header = [
        SpanCell("信息内容"),
        SpanCell("上一年项目数量"),
        SpanCell("本年增/减", colspan=2),
        SpanCell("处理决定数量"),
    ]
    row = [SpanCell("行政许可"), SpanCell("3", colspan=2), SpanCell("1"), SpanCell("4")]
    assert expand_spans([header, row])[1] == ["行政许可", "3", "1", "4"]


def test_spans_claiming_a_huge_table_stay_small() -> None:
    grid = expand_spans([[SpanCell("x", rowspan=10**9, colspan=10**9)], [SpanCell("y")]])
    assert max(len(row) for row in grid) <= 256


# ---- numbers run together ---------------------------------------------------------------------

counts = st.integers(min_value=0, max_value=300)


@settings(max_examples=300, deadline=None)
@given(st.lists(counts, min_size=6, max_size=6))
def test_a_run_is_read_only_as_a_reading_that_keeps_the_rule(items: list[int]) -> None:
    """Never a wrong number: the true row is always among the readings, and a unique reading is it."""
    row = [*items, sum(items)]
    found = read_runs(["".join(map(str, row))], row_sum_rule(7))
    readings = [[int(piece) for piece in reading] for reading in found.readings]
    assert found.unique is None or readings == [row]
    assert found.unique is not None or len(readings) != 1


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(counts, min_size=4, max_size=4), min_size=3, max_size=3))
def test_table_four_as_one_run_is_read_by_its_three_totals(groups: list[list[int]]) -> None:
    row = [value for group in groups for value in [*group, sum(group)]]
    found = read_runs(["".join(map(str, row))], grouped_sum_rules(3, 5))
    assert found.unique is None or [int(piece) for piece in found.unique] == row


def test_the_real_table_four_run_has_one_reading() -> None:
    """'21317000001324019' from the real 平潭 2024 crawl (its truth file's note)."""
    found = read_runs(["21317000001324019"], grouped_sum_rules(3, 5))
    assert found.unique == ["2", "1", "3", "1", "7", "0", "0", "0", "0", "0", "13", "2", "4", "0", "19"]


def test_a_run_without_a_rule_is_read_only_when_every_cell_is_one_digit() -> None:
    assert read_runs(["000"], unruled(3)).unique == ["0", "0", "0"]
    assert read_runs(["8855698"], unruled(3)).unique is None
    assert read_runs(["10690"], unruled(1)).unique == ["10690"]
    assert read_runs(["9116.36"], unruled(1)).unique == ["9116.36"]


# ---- provenance -------------------------------------------------------------------------------


def test_a_sidecar_gives_address_retrieval_date_and_index_number(tmp_path: Path) -> None:
    source = tmp_path / "report.txt"
    source.write_bytes(SAMPLE.read_bytes())
    (tmp_path / "report.txt.meta.yaml").write_text(
        "url: https://www.example.gov.cn/nb/2023.html\nretrieved: 2024-02-01\nindex_number: 11410781MB1/2024-00001\n",
        encoding="utf-8",
    )
    report = read_report(source, "report.txt")
    assert (report.provenance.url, report.provenance.retrieved, report.provenance.index_number) == (
        "https://www.example.gov.cn/nb/2023.html",
        "2024-02-01",
        "11410781MB1/2024-00001",
    )
    assert discover_sources(tmp_path) == [source]  # the sidecar is not a source of its own
    page = prepare_report(template_environment(), report).body
    assert "2024-02-01" not in page  # the body is the report's own text; the header shows provenance


def test_a_bad_sidecar_is_a_finding_not_a_failure(tmp_path: Path) -> None:
    source = tmp_path / "report.txt"
    source.write_bytes(SAMPLE.read_bytes())
    (tmp_path / "report.txt.meta.yaml").write_text("url: javascript:alert(1)\nretrieved: 2024-02-30\n", "utf-8")
    report = read_report(source, "report.txt")
    assert report.provenance.url is None
    assert [f.code for f in report.findings if f.code == "provenance-invalid"] == ["provenance-invalid"] * 2


def test_overrides_set_provenance() -> None:
    report = read_report(SAMPLE, "003.txt")
    overrides = data_to_overrides({"sources": {"003.txt": {"url": "https://www.example.gov.cn/a.html"}}})
    apply_override_if_any(report, overrides)
    assert report.provenance.url == "https://www.example.gov.cn/a.html" and report.provenance.origin == "override"
    assert "url" in report.overridden


# ---- Markdown and markup ------------------------------------------------------------------------


def test_a_txt_that_is_markdown_is_read_as_markdown(tmp_path: Path) -> None:
    path = tmp_path / "export.txt"
    path.write_bytes((REAL / "shanghai-office-2025.md").read_bytes())
    report = read_report(path, "export.txt")
    assert report.source.media_type == "text/markdown" and report.statistic("四") is not None
    assert not looks_like_markdown(SAMPLE.read_text(encoding="utf-8"))


def test_markup_never_reaches_the_title_or_agency(tmp_path: Path) -> None:
    text = SAMPLE.read_text(encoding="utf-8").replace("卫辉市科技和工业信息化局 2023 年", "# **沐阳县人民政府2023年", 1)
    path = tmp_path / "misread.md"
    path.write_text(text, encoding="utf-8")
    report = read_report(path, "misread.md")
    assert report.agency == "沐阳县人民政府" and not report.region.resolved
    assert any(f.code == "region-unknown" and "误写" in f.message for f in report.findings)
    named = text.replace("\n", "\n联系地址：沭阳县人民中路1号。\n", 3)  # the preamble names the real county
    path.write_text(named, encoding="utf-8")
    report = read_report(path, "misread.md")
    assert report.region.county == "沭阳县" and any(f.code == "region-misread" for f in report.findings)


# ---- encodings ----------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "gbk", "gb2312", "gb18030"])
def test_a_page_decodes_declared_or_not(encoding: str) -> None:
    text = "<p>平潭综合实验区2024年度政府信息公开工作年度报告</p>"
    for head in (
        "",
        f'<meta charset="{encoding}">',
        f'<meta http-equiv="Content-Type" content="text/html; charset={encoding}">',
    ):
        assert text in decode_page((head + text).encode(encoding))


# ---- hostile files ------------------------------------------------------------------------------


def docx_with(document_xml: bytes, path: Path) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", document_xml)
    return path


def test_a_docx_zip_bomb_fails_alone_without_unpacking(tmp_path: Path) -> None:
    bomb = docx_with(b"<w:document>" + b" " * (300 * 1024 * 1024) + b"</w:document>", tmp_path / "bomb.docx")
    assert bomb.stat().st_size < 2 * 1024 * 1024
    started = time.monotonic()
    reports, failures = read_sources([bomb, SAMPLE], PipelineSettings(None, Overrides()))
    assert time.monotonic() - started < 30
    assert len(reports) == 1 and "zip bomb" in (failures[0].reason or "")


def test_xml_with_an_entity_bomb_is_refused(tmp_path: Path) -> None:
    entities = "".join(f'<!ENTITY e{i} "&e{i - 1};&e{i - 1};&e{i - 1};&e{i - 1};">' for i in range(1, 12))
    xml = f'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY e0 "laugh">{entities}]><w:document>&e11;</w:document>'
    path = docx_with(xml.encode(), tmp_path / "laughs.docx")
    with pytest.raises(ReportError, match="DTD or entities"):
        read_report(path, "laughs.docx")


def test_a_page_with_an_entity_bomb_does_not_expand_it(tmp_path: Path) -> None:
    entities = "".join(f'<!ENTITY e{i} "&e{i - 1};&e{i - 1};&e{i - 1};&e{i - 1};">' for i in range(1, 12))
    page = f'<!DOCTYPE html [<!ENTITY e0 "laugh">{entities}]><html><body><p>&e11;</p></body></html>'
    path = tmp_path / "laughs.html"
    path.write_text(page, encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(ReportError):
        read_report(path, "laughs.html")
    assert time.monotonic() - started < 10


def test_several_megabytes_of_navigation_around_a_report(tmp_path: Path) -> None:
    article = (REPO / "tests/fixtures/web/003_184eb3a1fc423fbd.gb2312-meta.html").read_bytes().decode("gb18030")
    menu = "".join(
        f'<li><a href="/zwgk/{i}.html">栏目{i} 政府信息公开工作年度报告 一、总体情况</a></li>' for i in range(60000)
    )
    page = article.replace("<body>", f"<body><ul class='nav'>{menu}</ul>", 1)
    path = tmp_path / "heavy.html"
    path.write_text(page, encoding="utf-8")
    assert path.stat().st_size > 5 * 1024 * 1024
    report = read_report(path, "heavy.html")
    assert report.statistic("三").value("received", "total") == read_report(SAMPLE, "s").statistic("三").value(
        "received", "total"
    )
    assert all("栏目" not in block.text for section in report.sections for block in section.blocks)
    without = tmp_path / "menu-only.html"
    without.write_text(f"<html><body><ul>{menu}</ul></body></html>", encoding="utf-8")
    with pytest.raises(ReportError, match="no report in the page"):
        read_report(without, "menu-only.html")


def test_uncertain_cells_from_runs_say_why() -> None:
    report = read_report(REAL / "pingtan-2022-crawl.txt", "crawl.txt")
    cell = report.statistic("二").cell("normative_documents", "issued")
    assert cell.status == CellStatus.UNCERTAIN and "8855698" in (cell.note or "")


def test_without_libreoffice_a_doc_says_what_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import build_scripts.reading.readers.word as word

    monkeypatch.setattr(word.shutil, "which", lambda name: None)
    path = tmp_path / "report.doc"
    path.write_bytes((REPO / "tests/fixtures/word/pingtan-2024.doc").read_bytes())
    with pytest.raises(ReportError, match="libreoffice-writer-nogui"):
        read_report(path, "report.doc")


def test_a_report_laid_out_in_one_table_cell_reads_as_text(tmp_path: Path) -> None:
    """Older sites put the whole article in a one-cell layout table (with the data tables inside)."""
    page = (REPO / "tests/fixtures/web/002_7e335010be635ecf.fragment.html").read_text(encoding="utf-8")
    path = tmp_path / "layout.html"
    path.write_text(f"<table><tr><td>{page}</td></tr></table>", encoding="utf-8")
    sample = read_report(REPORTS / "002_7e335010be635ecf.txt", "sample")
    report = read_report(path, "layout.html")
    assert [s.title for s in report.sections] == [s.title for s in sample.sections]
    assert (
        report.statistic("三").cells
        == read_report(REPO / "tests/fixtures/web/002_7e335010be635ecf.fragment.html", "f").statistic("三").cells
    )
    text_only = "".join(f"<p>{line}</p>" for line in sample_text_lines())
    path.write_text(f"<table><tr><td>{text_only}</td></tr></table>", encoding="utf-8")
    prose = read_report(SAMPLE, "sample")
    assert [s.title for s in read_report(path, "layout.html").sections] == [s.title for s in prose.sections]


def sample_text_lines() -> list[str]:
    """The prose lines of a sample (no table rows), as a page would print them."""
    return [line for line in SAMPLE.read_text(encoding="utf-8").splitlines() if line.strip() and "\t" not in line]
