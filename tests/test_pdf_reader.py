"""The PDF reader: the real published PDF, PDFs printed from the samples, and broken files."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from build_scripts.model import CellStatus, Report
from build_scripts.reading.checks import check_statistics, distrust_ocr_numbers_that_fail_checks
from build_scripts.reading.parsing import join_broken_words, normalize_radicals
from build_scripts.reading.readers import ReportError, read_report
from build_scripts.reading.readers.common import PlacedLine, running_lines
from build_scripts.reading.readers.pdf import looks_garbled
from build_scripts.site.archive import build_archive
from build_scripts.site.pages.environment import template_environment
from build_scripts.site.pages.report import prepare_report, render_report_files

from .conftest import PAGE_BREAKS_FIXTURE, PDF_FIXTURES, REPO, REPORTS, SCANNED_FIXTURE, TYPE3_FIXTURE, UNRULED_FIXTURE
from .test_tables import HONGZE_TABLE3

REAL_PDF = REPO / "tests" / "fixtures" / "real" / "hongze-2024.pdf"


def read(path: Path) -> Report:
    return read_report(path, path.name)


def certain_cells(report: Report) -> dict[tuple[str, str, str], tuple[CellStatus, object]]:
    return {
        (table.number, cell.row, cell.column): (cell.status, cell.value)
        for table in report.statistics
        for cell in table.cells
        if cell.status != CellStatus.UNCERTAIN
    }


def assert_reads_like(pdf_report: Report, text_report: Report) -> None:
    """Same metadata, sections and every number the text gives with certainty."""
    fields = ("title", "agency", "year", "format", "region")
    assert [getattr(pdf_report, f) for f in fields] == [getattr(text_report, f) for f in fields]
    assert [s.title for s in pdf_report.sections] == [s.title for s in text_report.sections]
    expected = certain_cells(text_report)
    actual = certain_cells(pdf_report)
    assert {key: actual.get(key) for key in expected} == expected


@pytest.mark.parametrize("pdf", PDF_FIXTURES, ids=lambda path: path.stem)
def test_printed_sample_reads_like_its_text(pdf: Path) -> None:
    text = read(REPORTS / f"{pdf.stem}.txt")
    printed = read(pdf)
    assert_reads_like(printed, text)
    assert printed.source.media_type == "application/pdf" and printed.source.pages and printed.source.pages >= 3
    assert {table.layout for table in printed.tables} == {"ruled"}  # the ruled-table path was used


@pytest.mark.parametrize("pdf", PDF_FIXTURES, ids=lambda path: path.stem)
def test_page_numbers_and_radicals_are_gone(pdf: Path) -> None:
    report = read(pdf)
    texts = [block.text for section in report.sections for block in section.blocks] + [report.title]
    assert not any(text.strip().startswith("- ") and text.strip().endswith(" -") for text in texts)
    everything = "".join(texts) + "".join(c for t in report.tables for row in t.rows for c in row)
    assert not any(0x2E80 <= ord(char) <= 0x2FDF for char in everything)


def test_a_table_split_over_a_page_break_is_one_table() -> None:
    split = []
    for pdf in PDF_FIXTURES:
        table = read(pdf).statistic("三")
        pages = {cell.page for cell in table.cells if cell.page}
        if len(pages) > 1:
            split.append(pdf.stem)
            assert len(table.rows) in (23, 25)
    assert split, "no fixture has table 三 over two pages"


def test_a_table_broken_without_rules_at_the_break_keeps_every_row() -> None:
    """表三 broken inside （三）: the last row before the break has no bottom rule and the first after
    it no top rule; 表四's header rows stand alone at the foot of a page. Read like the page it was
    printed from, with no consistency finding (a lost row made check-2 fail falsely)."""
    page = read(REPO / "tests" / "fixtures" / "real" / "pingtan-2024.html")
    printed = read(PAGE_BREAKS_FIXTURE)
    three = printed.statistic("三")
    assert three.cell("withheld_third_party", "total").page != three.cell("withheld_internal", "total").page
    assert certain_cells(printed) == certain_cells(page) and len(certain_cells(page)) == 200
    assert printed.failed_checks == [] and "rows-missing" not in {f.code for f in printed.findings}


def test_text_in_type3_fonts_without_a_font_box_is_read() -> None:
    """pdfminer failed the whole file on a Type 3 font without its FontBBox ('FontBBox')."""
    from pypdf import PdfReader

    fonts = [font.get_object() for font in PdfReader(TYPE3_FIXTURE).pages[0]["/Resources"]["/Font"].values()]
    assert fonts and all(font["/Subtype"] == "/Type3" and "/FontBBox" not in font for font in fonts)
    printed, same = read(TYPE3_FIXTURE), read(PAGE_BREAKS_FIXTURE)
    assert certain_cells(printed) == certain_cells(same) and len(certain_cells(printed)) == 200
    assert [s.title for s in printed.sections] == [s.title for s in same.sections]
    assert printed.title == same.title and printed.failed_checks == []


def test_real_published_pdf() -> None:
    report = read(REAL_PDF)
    assert (report.title, report.year, report.region.county) == (
        "淮安市洪泽区人民政府2024年政府信息公开工作年度报告",
        2024,
        "洪泽区",
    )
    assert report.cover_notice is None and report.source.pages == 5
    three = report.statistic("三")
    for row in three.rows:
        for column in ("natural_person", "total"):
            assert three.value(row, column) == HONGZE_TABLE3.get(row, 0), (row, column)
        assert all(three.value(row, c) == 0 for c in ("commercial", "research", "nonprofit", "legal_services"))
    assert three.cell("received", "total").page == 3 and three.cell("carried_forward", "total").page == 4
    four = report.statistic("四")
    assert [four.value(r, c) for r in four.rows for c in ("upheld", "corrected", "other", "pending", "total")] == [
        1, 1, 0, 0, 2, 1, 0, 0, 0, 1, 2, 0, 1, 0, 3,
    ]  # fmt: skip
    two = report.statistic("二")
    assert (two.value("licensing", "decisions"), two.value("fees", "amount")) == (9487, 7545)
    assert [f.code for f in report.findings] == []


def test_scan_is_read_by_ocr_to_the_same_numbers() -> None:
    text = read(REPORTS / "004_f3bbfa1004ed2dd6.txt")
    scan = read(SCANNED_FIXTURE)
    assert scan.ocr_pages == list(range(1, (scan.source.pages or 0) + 1))
    assert_reads_like(scan, text)


def test_ocr_numbers_that_break_a_rule_become_uncertain() -> None:
    report = read(REPORTS / "004_f3bbfa1004ed2dd6.txt")
    four = report.statistic("四")
    misread = replace(four.cell("review", "upheld"), value=8, printed="8")  # OCR read 0 as 8
    report.statistics[2] = replace(
        four, cells=[misread if c.row == "review" and c.column == "upheld" else c for c in four.cells]
    )
    report.findings = check_statistics(report.statistics)
    assert [f.code for f in report.findings] == ["check-4"]
    distrust_ocr_numbers_that_fail_checks(report)
    cells = report.statistic("四").cells
    assert {c.column for c in cells if c.status == CellStatus.UNCERTAIN} == {
        "upheld",
        "corrected",
        "other",
        "pending",
        "total",
    }
    assert {c.row for c in cells if c.status == CellStatus.UNCERTAIN} == {"review"}


def test_garbled_text_layer_is_recognised() -> None:
    assert looks_garbled("(cid:1234)(cid:99)(cid:5) 2020 (cid:77)")
    assert not looks_garbled("伊川县城市管理局2020年政府信息公开工作年度报告")


def test_encrypted_pdf_is_reported(tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(PDF_FIXTURES[0]).pages:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner")
    path = tmp_path / "locked.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    with pytest.raises(ReportError, match="encrypted"):
        read(path)


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.pdf", b"", "empty file"),
        ("page.pdf", "<html><body>不是 PDF</body></html>".encode(), "not a PDF: a web page"),
        ("half.pdf", None, "not a readable PDF|no text layer|no report title"),
    ],
)
def test_broken_pdfs_are_reported(name: str, content: bytes | None, reason: str, tmp_path: Path) -> None:
    path = tmp_path / name
    data = PDF_FIXTURES[0].read_bytes()
    path.write_bytes(content if content is not None else data[: len(data) // 2])
    with pytest.raises(ReportError, match=reason):
        read(path)


def test_radicals_become_ordinary_ideographs() -> None:
    assert normalize_radicals("⾏政复议⼯作⻔⼾⺠⼀") == "行政复议工作门户民一"
    assert normalize_radicals("（一）、“三安全一稳定”") == "（一）、“三安全一稳定”"  # punctuation untouched


def test_table_without_ruling_falls_back_to_the_text_path() -> None:
    text = read(REPORTS / "004_f3bbfa1004ed2dd6.txt")
    unruled = read(UNRULED_FIXTURE)
    assert {table.layout for table in unruled.tables} == {"space-separated"}
    assert_reads_like(unruled, text)


def test_running_headers_and_footers_are_found() -> None:
    def page(number: int) -> list[PlacedLine]:
        return [
            PlacedLine(10, "某市人民政府办公室文件", False),
            PlacedLine(50, f"正文第 {number} 页的内容各不相同{'甲乙丙丁'[number]}", False),
            PlacedLine(800, f"第 {number} 页 共 4 页", False),
        ]

    found = running_lines([page(n) for n in range(4)])
    assert "某市人民政府办公室文件" in found and "第#页共#页" in found
    assert not any("正文" in line for line in found)


def test_stray_spaces_inside_words_are_removed_in_prose() -> None:
    assert join_broken_words("平罗县科学技术局 2021 年政府信息公开 工作年度报告") == (
        "平罗县科学技术局 2021 年政府信息公开工作年度报告"
    )


def test_page_of_an_ocr_report_says_so() -> None:
    report = read(REPORTS / "004_f3bbfa1004ed2dd6.txt")
    report.ocr_pages = [1, 2]
    prepared = prepare_report(template_environment(), report)
    archive = build_archive([prepared.report])
    files = render_report_files(template_environment(), archive, {report.source.path: prepared})
    markdown = files[archive.pages[0].path]
    assert "文字由 OCR 识别" in markdown and "原始文件第 1、2 页是扫描图像" in markdown


def scan_pages_as_images(tmp_path: Path) -> list:
    """The scan fixture's pages as the images a scanner would save (150 dpi, grey)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(SCANNED_FIXTURE))
    try:
        return [document[n].render(scale=150 / 72).to_pil().convert("L") for n in range(len(document))]
    finally:
        document.close()


def test_a_multi_page_tiff_and_a_png_named_pdf_are_read_as_the_scan_they_are(tmp_path: Path) -> None:
    text = read(REPORTS / "004_f3bbfa1004ed2dd6.txt")
    pages = scan_pages_as_images(tmp_path)
    pages[0].save(tmp_path / "report.tif", save_all=True, append_images=pages[1:], compression="tiff_lzw")
    tiff = read(tmp_path / "report.tif")
    assert tiff.source.media_type == "image/tiff" and tiff.ocr_pages == list(range(1, len(pages) + 1))
    assert_reads_like(tiff, text)
    pages[0].save(tmp_path / "first-page.pdf", format="PNG")  # a PNG under a PDF's name
    with pytest.raises(ReportError, match=r"none of the six numbered sections|not a report") as caught:
        read(tmp_path / "first-page.pdf")  # read as the image it is: one page is not a whole report
    assert "PDF" not in str(caught.value)


def test_an_image_declaring_more_pixels_than_any_scan_is_refused_before_decoding(tmp_path: Path) -> None:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 0, 0, 0, 0)  # 100,000 × 100,000 grey
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")
    (tmp_path / "huge.png").write_bytes(png)
    with pytest.raises(ReportError, match="100,000 × 100,000 像素"):
        read(tmp_path / "huge.png")
