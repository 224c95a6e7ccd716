"""Tables 二, 三 and 四 as numbers: the published values of the real reports, the layouts real
inputs use, and the four consistency rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from build_scripts.forms import TABLE3_COLUMN_KEYS, TABLE3_ROW_KEYS
from build_scripts.model import CellStatus, Report, StatTable
from build_scripts.reading.checks import check_statistics
from build_scripts.reading.parsing import lines_to_blocks, text_to_lines
from build_scripts.reading.readers import read_report
from build_scripts.reading.tables import match_table3_row, read_number, tables_to_statistics

from .conftest import REPO, REPORTS

HONGZE_TEXT = REPO / "tests" / "fixtures" / "hongze-2024.pdfplumber.txt"


def report(name: str) -> Report:
    path = HONGZE_TEXT if name == "hongze" else next(REPORTS.glob(f"{name}_*.txt"))
    return read_report(path, path.name)


def table(name: str, number: str) -> StatTable:
    found = report(name).statistic(number)
    assert found is not None
    return found


def values(stat: StatTable) -> dict[tuple[str, str], int | float | None]:
    return {(cell.row, cell.column): cell.value for cell in stat.cells}


def zeros_except(stat: StatTable, nonzero: dict[tuple[str, str], int | float]) -> dict:
    return {key: nonzero.get(key, 0) for key in values(stat)}


# ---- The published numbers ------------------------------------------------------------------

TABLE2_2019_KEYS = [
    ("regulations", "made"),
    ("regulations", "published"),
    ("regulations", "total_published"),
    ("normative_documents", "made"),
    ("normative_documents", "published"),
    ("normative_documents", "total_published"),
    ("licensing", "previous"),
    ("licensing", "change"),
    ("licensing", "decisions"),
    ("other_services", "previous"),
    ("other_services", "change"),
    ("other_services", "decisions"),
    ("penalties", "previous"),
    ("penalties", "change"),
    ("penalties", "decisions"),
    ("enforcement", "previous"),
    ("enforcement", "change"),
    ("enforcement", "decisions"),
    ("fees", "previous"),
    ("fees", "change"),
    ("procurement", "projects"),
    ("procurement", "amount"),
]
TABLE2_2021_KEYS = [
    ("regulations", "issued"),
    ("regulations", "repealed"),
    ("regulations", "in_force"),
    ("normative_documents", "issued"),
    ("normative_documents", "repealed"),
    ("normative_documents", "in_force"),
    ("licensing", "decisions"),
    ("penalties", "decisions"),
    ("enforcement", "decisions"),
    ("fees", "amount"),
]


def test_sample_004_table_2_has_its_published_numbers() -> None:
    stat = table("004", "二")
    assert stat.format == "2019"
    assert [(c.row, c.column) for c in stat.cells] == TABLE2_2019_KEYS
    expected = {
        ("licensing", "previous"): 15,
        ("licensing", "change"): 2,
        ("licensing", "decisions"): 19,
        ("penalties", "previous"): 64,
        ("penalties", "decisions"): 313,
        ("fees", "previous"): 1,
        ("procurement", "projects"): 1,
        ("procurement", "amount"): 232.4586,
    }
    assert values(stat) == zeros_except(stat, expected)
    assert stat.cell("procurement", "amount").printed == "232.4586"


@pytest.mark.parametrize(
    ("name", "fmt", "nonzero"),
    [
        ("000", "2019", {("normative_documents", c): 1 for c in ("made", "published", "total_published")}),
        ("001", "2021", {}),
        ("002", "2019", {}),
        ("003", "2021", {}),
    ],
)
def test_sample_table_2(name: str, fmt: str, nonzero: dict) -> None:
    stat = table(name, "二")
    assert stat.format == fmt
    assert [(c.row, c.column) for c in stat.cells] == (TABLE2_2019_KEYS if fmt == "2019" else TABLE2_2021_KEYS)
    assert values(stat) == zeros_except(stat, nonzero)
    assert all(cell.status == CellStatus.NUMBER for cell in stat.cells)


@pytest.mark.parametrize(("name", "fmt"), [("000", "2019"), ("002", "2019"), ("003", "2021"), ("004", "2019")])
def test_sample_table_3_all_zero(name: str, fmt: str) -> None:
    stat = table(name, "三")
    assert stat.format == fmt
    rows = [key for key in TABLE3_ROW_KEYS if key in stat.rows]
    assert len(rows) == (25 if fmt == "2021" else 23)
    if name == "002":  # only 总计 printed, the other columns left blank (full-width spaces)
        assert all(stat.value(row, "total") == 0 for row in rows)
        assert all(stat.cell(row, "natural_person").status == CellStatus.BLANK for row in rows)
    else:
        assert set(values(stat).values()) == {0}


def test_sample_001_table_3_only_totals_are_printed() -> None:
    stat = table("001", "三")
    assert stat.format == "2021" and len(stat.rows) == 25
    for row in stat.rows:
        assert stat.value(row, "total") == 0
        for column in TABLE3_COLUMN_KEYS[:-1]:
            cell = stat.cell(row, column)
            assert cell.status == CellStatus.BLANK and cell.value is None  # blank is not 0


def test_sample_001_table_4_misaligned_row_is_uncertain_not_guessed() -> None:
    stat = table("001", "四")
    assert all(cell.status == CellStatus.UNCERTAIN for cell in stat.cells)
    assert all("16" in (cell.note or "") for cell in stat.cells)
    findings = [f for f in report("001").findings if f.code == "cell-uncertain"]
    assert len(findings) == 1 and findings[0].table == "四"


def test_repeated_columns_of_sample_004_are_read_as_one_value_each() -> None:
    stat = table("004", "三")  # rows of 13 zeros for 7 columns
    cell = stat.cell("received", "natural_person")
    assert cell.status == CellStatus.NUMBER and cell.value == 0 and "13" in (cell.note or "")


HONGZE_TABLE3 = {
    "received": 95,
    "disclosed": 50,
    "partly_disclosed": 9,
    "withheld_security": 1,
    "withheld_process": 1,
    "withheld_enforcement": 1,
    "unavailable_not_held": 31,
    "unavailable_to_be_made": 1,
    "not_processed_petition": 1,
    "outcomes_total": 95,
}


def test_real_pdf_text_tables_have_the_published_numbers() -> None:
    parsed = report("hongze")
    two, three, four = (parsed.statistic(n) for n in "二三四")
    assert two.format == "2021"
    assert values(two) == {
        ("regulations", "issued"): 0,
        ("regulations", "repealed"): 0,
        ("regulations", "in_force"): 0,
        ("normative_documents", "issued"): 3,
        ("normative_documents", "repealed"): 0,
        ("normative_documents", "in_force"): 8,
        ("licensing", "decisions"): 9487,
        ("penalties", "decisions"): 2776,
        ("enforcement", "decisions"): 84,
        ("fees", "amount"): 7545,
    }
    # the 2024 report still prints the single （六）其他处理 row of the 2019 form
    assert three.format == "2019" and len(three.rows) == 23 and three.method == "order"
    expected3 = {(row, col): v for row, v in HONGZE_TABLE3.items() for col in ("natural_person", "total")}
    assert values(three) == zeros_except(three, expected3)
    assert [four.value(r, c) for r in four.rows for c in ("upheld", "corrected", "other", "pending", "total")] == [
        1, 1, 0, 0, 2, 1, 0, 0, 0, 1, 2, 0, 1, 0, 3,
    ]  # fmt: skip
    assert not [f for f in parsed.findings if f.code.startswith("check-") or f.code == "cell-uncertain"]


@pytest.mark.parametrize("name", ["000", "001", "002", "003", "004", "hongze"])
def test_real_reports_pass_every_check(name: str) -> None:
    assert [f for f in report(name).findings if f.code.startswith("check-")] == []


def test_every_number_keeps_its_source_line() -> None:
    path = next(REPORTS.glob("004_*.txt"))
    lines = path.read_text(encoding="utf-8").splitlines()
    stat = report("004").statistic("二")
    cell = stat.cell("penalties", "decisions")
    assert "313" in lines[cell.line - 1] and "行政处罚" in lines[cell.line - 1]


# ---- Reading cells and labels ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("printed", "value", "status"),
    [
        ("0", 0, "number"),
        ("+2", 2, "number"),
        ("-3", -3, "number"),
        ("232.4586", 232.4586, "number"),
        ("1,234", 1234, "number"),
        ("１２", 12, "number"),
        ("", None, "blank"),
        ("\u3000", None, "blank"),
        ("—", None, "blank"),
        ("12件", None, "uncertain"),
    ],
)
def test_read_number(printed: str, value, status: str) -> None:
    reading = read_number(printed.strip())
    assert (reading.value, reading.status.value) == (value, status)


@pytest.mark.parametrize(
    ("label", "previous", "key"),
    [
        ("2.其他法律行政止公开", None, "withheld_prohibited"),  # typo seen in a real report
        ("2.其他法律法规禁止公开", None, "withheld_prohibited"),
        ("4.无正当理由由大量反复申请", None, "not_processed_excessive"),
        ("5.要求行政机关确认或重新出具已获取信息", None, "not_processed_confirmation"),
        ("(六)其他处理1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", None, "other_no_correction"),
        ("3.其他", "other_unpaid_fee", "other_other"),
        ("（六）其他处理", "not_processed_confirmation", "other_handling"),
        ("(二)部分公开(区分处理的,只计这一情形,不计其他情形)", None, "partly_disclosed"),
        ("三、本年度办理结果(一)予以公开", None, "disclosed"),
        ("（三）不予公开", None, None),
    ],
)
def test_labels_are_matched_by_meaning(label: str, previous: str | None, key: str | None) -> None:
    assert match_table3_row(label, previous) == key


# ---- The consistency rules ------------------------------------------------------------------


def parse_section(number: str, text: str) -> StatTable:
    blocks = lines_to_blocks(text_to_lines(text), number)
    statistics, _ = tables_to_statistics([block.table for block in blocks if block.table])
    assert statistics
    return statistics[0]


def test_real_2023_review_row_that_breaks_rule_4_is_published_as_printed() -> None:
    stat = parse_section(
        "四", "行政复议\t\t\t\t\t行政诉讼\n" + "\t".join(["10", "1", "0", "0", "0"] + ["0"] * 10) + "\n"
    )
    assert [stat.value("review", c) for c in ("upheld", "corrected", "other", "pending", "total")] == [10, 1, 0, 0, 0]
    findings = check_statistics([stat])
    assert [(f.code, f.row, f.column, f.printed, f.expected) for f in findings] == [
        ("check-4", "review", "total", 0, 11)
    ]
    assert "勾稽关系四" in findings[0].message


def test_blank_columns_are_not_checked() -> None:
    stat = table("001", "三")  # applicant columns blank: rules 1 and 3 have nothing to check there
    assert check_statistics([stat]) == []


def test_fixture_file_is_the_real_pdf_text() -> None:
    real = REPO / "tests" / "fixtures" / "real" / "hongze-2024.pdf"
    import pdfplumber

    with pdfplumber.open(real) as pdf:
        text = "\n".join(page.extract_text() for page in pdf.pages) + "\n"
    assert text == Path(HONGZE_TEXT).read_text(encoding="utf-8")
