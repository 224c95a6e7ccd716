"""The plain-text reader on the five real samples, and on the encodings and failures of real inputs."""

from __future__ import annotations

from pathlib import Path

import pytest

from build_scripts.pipeline import PipelineSettings, read_sources
from build_scripts.reading.overrides import Overrides
from build_scripts.reading.readers import ReportError, read_report

from .conftest import REPORTS

# What domain.md says about each sample: agency, report year, format, province, city, county.
EXPECTED = {
    "000_b7ab8aafaeb32b72.txt": ("伊川县科技和工信局", 2020, "2019", "河南省", "洛阳市", "伊川县"),
    "001_8c18c7b7e1a52a6a.txt": ("平罗县科学技术局", 2021, "2021", "宁夏回族自治区", "石嘴山市", "平罗县"),
    "002_7e335010be635ecf.txt": ("泉港区科学技术局", 2020, "2019", "福建省", "泉州市", "泉港区"),
    "003_184eb3a1fc423fbd.txt": ("卫辉市科技和工业信息化局", 2023, "2021", "河南省", "新乡市", "卫辉市"),
    "004_f3bbfa1004ed2dd6.txt": ("伊川县城市管理局", 2020, "2019", "河南省", "洛阳市", "伊川县"),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_metadata(name: str) -> None:
    report = read_report(REPORTS / name, name)
    agency, year, fmt, province, city, county = EXPECTED[name]
    assert (report.agency, report.year, report.format) == (agency, year, fmt)
    assert (report.region.province, report.region.city, report.region.county) == (province, city, county)
    assert report.region.resolved
    assert report.title == f"{agency}{year}年{'度' if name.startswith('002') else ''}政府信息公开工作年度报告"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_sections_and_tables(name: str) -> None:
    report = read_report(REPORTS / name, name)
    numbers = [section.number for section in report.sections]
    # Sample 001 ends after section 五; the others have all six.
    assert numbers == ([1, 2, 3, 4, 5] if name.startswith("001") else [1, 2, 3, 4, 5, 6])
    assert [table.number for table in report.tables] == ["二", "三", "四"]
    table_four = report.tables[2]
    assert sum(cell == "总计" for row in table_four.rows for cell in row) == 3
    # No cell still carries a tab, and table 三 holds every outcome row of the form.
    assert not any("\t" in cell for table in report.tables for row in table.rows for cell in row)
    labels = " ".join(cell for row in report.tables[1].rows for cell in row)
    for label in ("予以公开", "不予公开", "无法提供", "不予处理", "总计", "结转下年度继续办理"):
        assert label in labels


def test_cover_notice_is_separated_from_the_report() -> None:
    report = read_report(REPORTS / "002_7e335010be635ecf.txt", "002")
    assert report.cover_notice is not None
    assert report.cover_notice.date == "2021-01-12"
    assert report.publication_date == "2021-01-12"
    assert any("关于印发" in line for line in report.cover_notice.lines)
    assert report.preamble and report.preamble[0].text.startswith("根据《中华人民共和国政府信息公开条例》")
    assert report.tables[1].layout == "cell-per-line"


def test_cell_per_line_table_keeps_rows_together() -> None:
    report = read_report(REPORTS / "002_7e335010be635ecf.txt", "002")
    rows = report.tables[1].rows
    received = next(row for row in rows if row and row[0] == "一、本年新收政府信息公开申请数量")
    # six full-width blanks (not reported) and the total
    assert received == ["一、本年新收政府信息公开申请数量", "", "", "", "", "", "", "0"]


def test_paragraph_broken_by_a_page_break_is_joined() -> None:
    report = read_report(REPORTS / "001_8c18c7b7e1a52a6a.txt", "001")
    text = "\n".join(block.text for section in report.sections for block in section.blocks)
    assert "采取实地观摩、浏览介绍、座谈交流的方式" in text
    assert "按要求确定文件公开属性。" in text


@pytest.mark.parametrize(
    "encode",
    [
        pytest.param(lambda text: text.encode("gb18030"), id="gb18030"),
        pytest.param(lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"), id="utf8-bom"),
        pytest.param(lambda text: text.replace("\n", "\r\n").encode("utf-8"), id="crlf"),
    ],
)
def test_encodings_and_line_ends_give_the_same_report(encode, tmp_path: Path) -> None:
    original = REPORTS / "004_f3bbfa1004ed2dd6.txt"
    variant = tmp_path / "variant.txt"
    variant.write_bytes(encode(original.read_text(encoding="utf-8")))
    expected = read_report(original, "x")
    actual = read_report(variant, "x")
    assert (actual.title, actual.agency, actual.year, actual.region) == (
        expected.title,
        expected.agency,
        expected.year,
        expected.region,
    )
    assert actual.sections == expected.sections


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("notes.txt", "会议纪要\n今天讨论了预算。\n".encode(), "no report title"),
        ("binary.txt", bytes(range(256)) * 4, "neither UTF-8 nor GB18030"),
        ("truncated.pdf", b"%PDF-1.7\n", "not a readable PDF"),
        ("report.doc", b"\xd0\xcf\x11\xe0", "damaged Word .doc file"),
        ("report.wps", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024), "LibreOffice could not read this .wps file"),
        ("report.docx", b"PK\x03\x04", "not a readable Word .docx file"),
        ("empty.html", b"", "empty file"),
        ("menu.html", "<ul><li><a href='/'>首页</a></li><li>政务公开</li></ul>".encode(), "no report in the page"),
        (
            "attachment.html",
            "<h1>某局2023年政府信息公开工作年度报告</h1><a href='/u/nb2023.pdf'>年报全文.pdf</a>".encode(),
            "the report is in its attachment: 年报全文.pdf",
        ),
        ("scan.ofd", b"PK\x03\x04", "OFD files are not supported yet"),
        ("table.xlsx", b"PK\x03\x04", "unsupported file type .xlsx"),
    ],
)
def test_unreadable_sources_fail_with_a_reason(name: str, content: bytes, reason: str, tmp_path: Path) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ReportError, match=reason):
        read_report(path, name)
    reports, failures = read_sources([path], PipelineSettings(tmp_path, Overrides()))
    assert reports == [] and failures[0].source == name and reason in (failures[0].reason or "")


def test_title_without_sections_fails(tmp_path: Path) -> None:
    path = tmp_path / "only-title.txt"
    path.write_text("某某县民政局2022年政府信息公开工作年度报告\n正文丢失。\n", encoding="utf-8")
    with pytest.raises(ReportError, match="none of the six numbered sections"):
        read_report(path, path.name)
