"""Scanned reports read cell for cell: the page geometry, realistic scans, and the form's rules
deciding OCR's doubtful readings."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import cv2
import numpy
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from build_scripts.model import CellStatus, Report
from build_scripts.reading.checks import check_statistics, resolve_ocr_readings
from build_scripts.reading.readers import read_report
from build_scripts.reading.readers.common import is_table_row
from build_scripts.reading.readers.scan_geometry import (
    deskewed,
    grid_to_cells,
    ink_of,
    masks_to_tables,
    ruling_masks,
    skew_angle,
    unit,
)
from build_scripts.reading.tables import lookalike_number, read_number
from tests.fixtures.make_pdf_fixtures import BLANKS_SOURCE, with_zeros_blank

from .conftest import BLANKS_FIXTURE, REPO, REPORTS, SCAN_FIXTURES

HONGZE = REPO / "tests" / "fixtures" / "real" / "hongze-2024.pdf"
A4_AT_200_DPI = (2339, 1654)  # height, width in pixels


def read(path: Path) -> Report:
    return read_report(path, path.name)


def cells(report: Report) -> dict[tuple[str, str, str], tuple[CellStatus, object]]:
    return {(t.number, c.row, c.column): (c.status, c.value) for t in report.statistics for c in t.cells}


def reference_for(scan: Path) -> Report:
    """What the scanned document says, read from its text layer."""
    return read(BLANKS_FIXTURE if "blanks" in scan.name else HONGZE)


# ---- realistic scans ------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=SCAN_FIXTURES, ids=lambda path: path.stem)
def scan_and_reference(request: pytest.FixtureRequest) -> tuple[Report, Report]:
    return read(request.param), reference_for(request.param)


def test_realistic_scans_exist_at_both_densities() -> None:
    assert {path.name.split("_")[0] for path in SCAN_FIXTURES} == {"scan150", "scan200"}


def test_a_realistic_scan_reads_cell_for_cell(scan_and_reference: tuple[Report, Report]) -> None:
    scan, reference = scan_and_reference
    expected, actual = cells(reference), cells(scan)
    assert scan.ocr_pages and len(scan.ocr_pages) == scan.source.pages
    wrong = {key: (actual.get(key), want) for key, want in expected.items() if actual.get(key) not in (want, None)}
    wrong = {key: pair for key, pair in wrong.items() if pair[0][0] != CellStatus.UNCERTAIN}
    assert wrong == {}, "a number read with confidence must be the printed one"
    right = sum(1 for key, want in expected.items() if actual.get(key) == want)
    assert right >= 0.98 * len(expected), f"{right} of {len(expected)} cells"


def row_boxes(report: Report) -> dict[tuple[str, str], tuple[int, tuple[float, ...]]]:
    """Each table row's page and box (model.LinePosition), by table and row."""
    found = {}
    for table in report.statistics:
        positions = {position.line: position for position in table.positions}
        for cell in table.cells:
            if cell.line in positions:
                found.setdefault((table.number, cell.row), (positions[cell.line].page, positions[cell.line].box))
    return found


def test_a_scans_rows_are_where_the_text_layer_puts_them(scan_and_reference: tuple[Report, Report]) -> None:
    """The position of every row read by OCR (measured on the straightened page) is within a few
    points of the same row's in the text layer of the document that was scanned."""
    scan, reference = scan_and_reference
    expected, actual = row_boxes(reference), row_boxes(scan)
    assert len(expected) >= 20 and set(actual) == set(expected)
    for key, (page, box) in expected.items():
        assert actual[key][0] == page, key
        assert max(abs(a - b) for a, b in zip(actual[key][1], box, strict=True)) < 6, (key, actual[key][1], box)


def test_a_realistic_scan_keeps_the_report_around_its_tables(scan_and_reference: tuple[Report, Report]) -> None:
    scan, reference = scan_and_reference
    fields = ("agency", "year", "format", "region")
    assert [getattr(scan, field) for field in fields] == [getattr(reference, field) for field in fields]
    assert [section.title for section in scan.sections] == [section.title for section in reference.sections]


def test_blank_cells_of_a_scan_stay_blank_and_zeros_stay_zeros(scan_and_reference: tuple[Report, Report]) -> None:
    scan, reference = scan_and_reference
    expected, actual = cells(reference), cells(scan)
    blanks = [key for key, (status, _) in expected.items() if status == CellStatus.BLANK]
    zeros = [key for key, value in expected.items() if value == (CellStatus.NUMBER, 0)]
    assert [key for key in blanks if actual.get(key, (None,))[0] not in (CellStatus.BLANK, CellStatus.UNCERTAIN)] == []
    assert [key for key in zeros if actual.get(key, (None,))[0] == CellStatus.BLANK] == []
    if "blanks" in scan.source.path:
        assert len(blanks) > 150  # every table has blank cells in this one


def test_a_report_printed_with_blank_cells_reads_like_its_page() -> None:
    """Rows left wholly blank in a ruled table are rows of the form, not prose in a frame."""
    printed = read(BLANKS_FIXTURE)
    page = with_zeros_blank(read(BLANKS_SOURCE))
    assert cells(printed) == cells(page)
    assert {table.number for table in printed.statistics} == {"二", "三", "四"}
    assert all(any(c.status == CellStatus.BLANK for c in t.cells) for t in printed.statistics)


def test_a_row_of_empty_cells_is_a_table_row_but_a_merged_frame_is_not() -> None:
    assert is_table_row(["规章", "", "", ""])
    assert not is_table_row(["某局认真贯彻落实条例，全年主动公开信息一百余条。", None, None, None])
    assert not is_table_row(["", None, ""])


# ---- page geometry ---------------------------------------------------------------------------------


def draw_table(rows: list[int], columns: list[int], merged: set[tuple[int, int]], thickness: int = 3) -> numpy.ndarray:
    """A grey page with a ruled table; `merged` holds (row, column) positions whose right-hand ruling
    is left out (the cell is merged with its neighbour)."""
    page = numpy.full(A4_AT_200_DPI, 235, numpy.uint8)
    for y in rows:
        cv2.line(page, (columns[0], y), (columns[-1], y), 30, thickness)
    for index, x in enumerate(columns):
        for row in range(len(rows) - 1):
            if index in (0, len(columns) - 1) or (row, index - 1) not in merged:
                cv2.line(page, (x, rows[row]), (x, rows[row + 1]), 30, thickness)
    return page


def turned(page: numpy.ndarray, degrees: float) -> numpy.ndarray:
    height, width = page.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), degrees, 1.0)
    return cv2.warpAffine(page, matrix, (width, height), flags=cv2.INTER_LINEAR, borderValue=235)


def cells_of(page: numpy.ndarray) -> list[tuple[int, int, int, int]]:
    scale = unit(max(page.shape))
    ink = ink_of(page)
    horizontal, vertical = ruling_masks(ink, scale)
    tables = masks_to_tables(horizontal, vertical, scale)
    assert len(tables) == 1
    return [(c.row, c.column, c.row_span, c.column_span) for c in grid_to_cells(tables[0], horizontal, vertical, scale)]


@pytest.mark.parametrize("degrees", [-1.2, -0.45, 0.0, 0.3, 0.5])
def test_skew_is_measured_and_undone(degrees: float) -> None:
    rows = list(range(300, 1500, 60))
    columns = [200, 700, 850, 1000, 1150, 1300, 1450]
    page = turned(draw_table(rows, columns, set()), degrees)
    angle = skew_angle(ink_of(page))
    assert abs(angle - degrees) <= 0.05
    assert cells_of(deskewed(page, angle)) == [(r, c, 1, 1) for r in range(len(rows) - 1) for c in range(6)]


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.integers(45, 120), min_size=2, max_size=7),
    st.lists(st.integers(70, 300), min_size=2, max_size=6),
    st.sets(st.tuples(st.integers(0, 6), st.integers(0, 5)), max_size=8),
)
@example(heights=[45, 45], widths=[70, 70], merged={(1, 0), (0, 0)})  # no row draws the ruling: left out
@example(heights=[45, 45], widths=[70, 70], merged={(0, 0)})
@example(heights=[45, 45], widths=[70, 236, 300, 300, 300, 300], merged=set())  # wider than the page: left out
def test_merged_cells_are_found_where_a_ruling_is_missing(
    heights: list[int], widths: list[int], merged: set[tuple[int, int]]
) -> None:
    rows = list(numpy.cumsum([200, *heights]))
    columns = list(numpy.cumsum([150, *widths]))
    merged = {(row, column) for row, column in merged if row < len(heights) and column < len(widths) - 1}
    assume(columns[-1] < A4_AT_200_DPI[1] - 50)  # the table fits on the page
    # A ruling missing from every row leaves no column there to merge: the table has one column less.
    assume(all(any((row, column) not in merged for row in range(len(heights))) for column in range(len(widths) - 1)))
    found = cells_of(draw_table(rows, columns, merged))
    expected = []
    for row in range(len(heights)):
        column = 0
        while column < len(widths):
            span = 1
            while (row, column + span - 1) in merged:
                span += 1
            expected.append((row, column, 1, span))
            column += span
    assert found == expected


def test_a_table_continued_without_its_top_rule_keeps_its_first_row() -> None:
    rows = [300, 360, 420, 480]
    columns = [200, 600, 800, 1000]
    page = draw_table(rows, columns, set())
    page[rows[0] - 3 : rows[0] + 4, :] = 235  # the rule above the first row is not printed
    assert [cell[:2] for cell in cells_of(page)] == [(r, c) for r in range(3) for c in range(3)]


def test_strokes_of_bold_text_are_not_rulings() -> None:
    rows, columns = [300, 400, 500], [200, 700, 1200]
    page = draw_table(rows, columns, set())
    cv2.putText(page, "=====  ====", (260, 460), cv2.FONT_HERSHEY_SIMPLEX, 3, 30, 9)  # long bold strokes
    assert cells_of(page) == [(0, 0, 1, 1), (0, 1, 1, 1), (1, 0, 1, 1), (1, 1, 1, 1)]


# ---- the rules decide OCR's doubtful readings ------------------------------------------------------


def test_digit_look_alikes_are_uncertain_numbers_not_labels() -> None:
    for printed, value in [("O", 0), ("l2", 12), ("B", 8), ("0.", 0), ("□0", 0)]:
        reading = read_number(printed)
        assert reading.status == CellStatus.UNCERTAIN and reading.note, printed
        assert lookalike_number(printed) == value
    assert lookalike_number("属于国家秘密") is None and read_number("属于国家秘密").note is None


def misread(report: Report, number: str, row: str, column: str, printed: str) -> Report:
    """The report with one cell as OCR might have left it: uncertain, printed as `printed`."""
    index = next(i for i, table in enumerate(report.statistics) if table.number == number)
    table = report.statistics[index]
    reading = read_number(printed)
    cells = [
        replace(c, printed=printed, value=None, status=CellStatus.UNCERTAIN, note=reading.note)
        if (c.row, c.column) == (row, column)
        else c
        for c in table.cells
    ]
    report.statistics[index] = replace(table, cells=cells)
    return report


def test_a_look_alike_the_rules_pin_is_read_as_the_digit_with_a_finding() -> None:
    report = misread(read(REPORTS / "004_f3bbfa1004ed2dd6.txt"), "三", "withheld_internal", "commercial", "O")
    resolve_ocr_readings(report)
    cell = report.statistic("三").cell("withheld_internal", "commercial")
    assert (cell.status, cell.value) == (CellStatus.NUMBER, 0)
    assert "按勾稽关系读作 0" in cell.note
    assert [f.code for f in report.findings if f.row == "withheld_internal"] == ["ocr-corrected"]


def test_a_look_alike_that_breaks_the_rules_stays_uncertain() -> None:
    report = misread(read(REPORTS / "004_f3bbfa1004ed2dd6.txt"), "四", "review", "upheld", "B")  # 8, but 0 fits
    resolve_ocr_readings(report)
    cell = report.statistic("四").cell("review", "upheld")
    assert cell.status == CellStatus.UNCERTAIN and cell.value is None
    assert "ocr-corrected" not in {f.code for f in report.findings}


def test_a_look_alike_no_rule_checks_stays_uncertain() -> None:
    report = misread(read(REPORTS / "004_f3bbfa1004ed2dd6.txt"), "二", "regulations", "published", "O")
    resolve_ocr_readings(report)
    assert report.statistic("二").cell("regulations", "published").status == CellStatus.UNCERTAIN


def misread_as_number(report: Report, number: str, row: str, column: str, value: int) -> Report:
    """The report with one cell read with confidence as a wrong number, as OCR can."""
    index = next(i for i, table in enumerate(report.statistics) if table.number == number)
    table = report.statistics[index]
    cells = [
        replace(c, printed=str(value), value=value, status=CellStatus.NUMBER)
        if (c.row, c.column) == (row, column)
        else c
        for c in table.cells
    ]
    report.statistics[index] = replace(table, cells=cells)
    report.replace_findings(("check-1", "check-2", "check-3", "check-4"), check_statistics(report.statistics))
    return report


def test_a_number_in_a_failing_rule_is_read_again_and_the_rules_decide() -> None:
    report = misread_as_number(read(REPORTS / "004_f3bbfa1004ed2dd6.txt"), "三", "withheld_process", "total", 7)
    asked = []

    def reread(number: str, cell) -> list[int]:
        asked.append((number, cell.row, cell.column))
        return [0] if (cell.row, cell.column) == ("withheld_process", "total") else []

    resolve_ocr_readings(report, reread)
    cell = report.statistic("三").cell("withheld_process", "total")
    assert (cell.status, cell.value) == (CellStatus.NUMBER, 0) and "单独重读为 0" in cell.note
    assert ("三", "withheld_process", "total") in asked
    assert report.failed_checks == [] and "ocr-corrected" in {f.code for f in report.findings}


def test_a_reading_again_that_the_rules_do_not_take_leaves_the_number_uncertain() -> None:
    report = misread_as_number(read(REPORTS / "004_f3bbfa1004ed2dd6.txt"), "三", "withheld_process", "total", 7)
    resolve_ocr_readings(report, lambda number, cell: [5] if cell.row == "withheld_process" else [])
    cell = report.statistic("三").cell("withheld_process", "total")
    assert cell.status == CellStatus.UNCERTAIN and "ocr-corrected" not in {f.code for f in report.findings}


def test_each_number_of_a_scan_is_read_again_from_its_own_image() -> None:
    """The image a cell is read again from is that cell's: read alone, it gives the cell's number."""
    from build_scripts.model import SourceFile
    from build_scripts.reading.readers.common import lines_to_report
    from build_scripts.reading.readers.pdf import open_pdf, pdf_to_lines
    from build_scripts.reading.readers.rereading import position_of, readings_of

    scan = next(path for path in SCAN_FIXTURES if "hongze" in path.name)
    pdf = open_pdf(scan)
    try:
        lines, images, _, _ = pdf_to_lines(pdf, scan)
    finally:
        pdf.close()
    report = lines_to_report(lines, SourceFile(path=scan.name, sha256="", size=0, media_type="application/pdf"))
    checked, agreeing = 0, 0
    for number in ("三", "四"):
        for cell in report.statistic(number).cells:
            row_images = images.get(cell.line or 0, ())
            position = position_of(number, cell, len(row_images))
            if cell.status != CellStatus.NUMBER or position is None or row_images[position] is None:
                continue
            checked += 1
            agreeing += readings_of(row_images[position]) == [cell.value]
    assert checked > 150 and agreeing >= 0.95 * checked, (agreeing, checked)


def test_a_dense_grid_of_lines_is_not_read_cell_by_cell() -> None:
    """A hatched figure (or a hostile file) of 125 × 125 lines is no table of the form."""
    page = numpy.full(A4_AT_200_DPI, 235, numpy.uint8)
    for offset in range(0, 1500, 12):
        cv2.line(page, (100, 300 + offset), (1600, 300 + offset), 30, 1)
        cv2.line(page, (100 + offset, 300), (100 + offset, 1800), 30, 1)
    scale = unit(max(page.shape))
    horizontal, vertical = ruling_masks(ink_of(page), scale)
    assert masks_to_tables(horizontal, vertical, scale) == []


def page_images(scan: Path, folder: Path) -> list[Path]:
    """A scan's pages saved as a scanner saves them one file a page (JPEG, 150 dpi)."""
    import pypdfium2

    folder.mkdir(parents=True)
    document = pypdfium2.PdfDocument(str(scan))
    try:
        paths = []
        for index in range(len(document)):
            path = folder / f"第{index + 1}页.jpg"  # page 10 would still come after page 2
            document[index].render(scale=150 / 72, grayscale=True).to_pil().save(path, quality=80)
            paths.append(path)
    finally:
        document.close()
    return paths


def test_a_report_of_one_image_file_a_page_is_read_from_its_page_folder(tmp_path: Path) -> None:
    scan = next(path for path in SCAN_FIXTURES if "hongze" in path.name)
    folder = tmp_path / "洪泽区2024.pages"
    page_images(scan, folder)
    report = read_report(folder, folder.name)
    assert report.source.pages == 5 and report.ocr_pages == [1, 2, 3, 4, 5]
    assert report.source.media_type == "image/jpeg"
    expected, actual = cells(read(HONGZE)), cells(report)
    assert sum(1 for key, value in expected.items() if actual.get(key) == value) >= 0.98 * len(expected)
    assert all(
        actual.get(key) in (value, None) or actual[key][0] == CellStatus.UNCERTAIN for key, value in expected.items()
    )


def test_a_page_folder_is_one_source_of_the_build_and_its_pages_one_download(tmp_path: Path) -> None:
    import zipfile

    from build_scripts.build import BuildOptions, build

    source = tmp_path / "reports"
    pages = page_images(next(path for path in SCAN_FIXTURES if "hongze" in path.name), source / "洪泽区2024.pages")
    (source / "notes.pages").mkdir()
    (source / "notes.pages" / "readme.txt").write_text("not a page", encoding="utf-8")
    result = build(
        BuildOptions(source_dir=source, content_dir=tmp_path / "content", site_dir=tmp_path / "site", index=False)
    )
    outcomes = {outcome.source: outcome for outcome in result.outcomes}
    assert set(outcomes) == {"洪泽区2024.pages", "notes.pages"}  # no page file is a source of its own
    assert outcomes["洪泽区2024.pages"].status == "published"
    assert "readme.txt" in outcomes["notes.pages"].reason and outcomes["notes.pages"].status == "failed"
    [download] = list((tmp_path / "site" / "reports" / "320813").rglob("2024.zip"))
    with zipfile.ZipFile(download) as archive:
        assert archive.namelist() == [page.name for page in pages]
        assert archive.read(pages[0].name) == pages[0].read_bytes()


def test_numbers_under_a_lost_ruling_keep_their_columns() -> None:
    """A faint scan loses the ruling between two numbers: each stays in the column it stands under."""
    from build_scripts.reading.readers.scan import page_layout

    rows, columns = [300, 360, 420, 480], [200, 600, 800, 1000]
    page = draw_table(rows, columns, {(1, 1)})  # row 1: no ruling between columns 1 and 2
    for text, x, y in [("12", 670, 405), ("7", 885, 405), ("3", 685, 345), ("0", 885, 345)]:
        cv2.putText(page, text, (x, y), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 30, 3)
    layout = page_layout(page)
    strips = {row.top: [column for column, _, _ in row.strip.cells] for row in layout.rows if row.strip}
    assert strips == {300.0: [1, 2], 360.0: [1, 2]}


# ---- images of the rows a reader should check (site/crops.py) ------------------------------------


def test_a_scanned_reports_page_shows_the_rows_to_check_cut_from_the_original(tmp_path: Path, browser) -> None:
    """Every row holding an uncertain or OCR-corrected number (or one in a failed check) is cut from
    the original at its position, published beside the page and shown under its table in a closed
    box, which loads nothing until it is opened."""
    import json

    from PIL import Image

    from build_scripts.serve import serve_in_thread
    from build_scripts.site.crops import CROP_DPI, CROP_MARGIN, row_crops

    from .conftest import SUB_PATH, build_into

    source = tmp_path / "reports"
    source.mkdir()
    scan = next(path for path in SCAN_FIXTURES if path.name.startswith("scan150"))
    (source / scan.name).write_bytes(scan.read_bytes())
    options, result = build_into(tmp_path, source=source)
    page = result.published[0].page
    report = json.loads((options.content_dir / page).with_suffix(".json").read_text(encoding="utf-8"))
    folder = (options.site_dir / page).parent
    images = sorted(folder.glob("*.jpg"))
    crops = row_crops(read(scan))
    assert crops and [image.name for image in images] == sorted(crop.file_name(Path(page).stem) for crop in crops)
    positions = {(t["number"], p["line"]): p for t in report["statistics"] for p in t["positions"]}
    for image in images:
        digit, line = image.stem.split(".")[1].split("-")
        number = {"2": "二", "3": "三", "4": "四"}[digit]
        left, top, right, bottom = positions[(number, int(line))]["box"]
        with Image.open(image) as picture:
            scale = CROP_DPI / 72
            assert abs(picture.width - (right - left + 2 * CROP_MARGIN) * scale) <= 2
            assert abs(picture.height - (bottom - top + 2 * CROP_MARGIN) * scale) <= 2
            assert picture.convert("L").getextrema()[0] < 100  # printed ink, not a blank strip
    server, url = serve_in_thread(options.site_dir, base_path=SUB_PATH)
    try:
        context = browser.new_context(viewport={"width": 390, "height": 844})
        tab = context.new_page()
        requested: list[str] = []
        tab.on("request", lambda request: request.url.endswith(".jpg") and requested.append(request.url))
        tab.goto(url + page.removesuffix(".md") + "/")
        boxes = tab.locator("details.row-crops")
        assert boxes.count() >= 1 and requested == []  # closed: nothing loaded
        boxes.first.locator("summary").click()
        tab.wait_for_function(
            "[...document.querySelectorAll('details.row-crops[open] img')].every(i => i.complete && i.naturalWidth > 0)"
        )
        assert requested
        context.close()
    finally:
        server.shutdown()
