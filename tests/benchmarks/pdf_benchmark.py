"""PDF reader benchmark: `python -m tests.benchmarks.pdf_benchmark` (or `make bench-pdf`).

Prints, for the repository's PDF fixtures (and the real PDF in ../shared when present): seconds per
page for pdfplumber text extraction, ruled-table extraction, the whole conversion, and OCR of the
scanned fixture; and the share of table cells recovered, measured against the same report read
from its text. Figures, not pass/fail: the tests check correctness.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pdfplumber

from build_scripts.model import CellStatus, Report
from build_scripts.reading.readers import read_report

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "pdf"
REAL_PDF = REPO / "tests" / "fixtures" / "real" / "hongze-2024.pdf"
REAL_TEXT = REPO / "tests" / "fixtures" / "hongze-2024.pdfplumber.txt"


def seconds_per_page(path: Path, work) -> float:
    with pdfplumber.open(path) as pdf:
        start = time.perf_counter()
        for page in pdf.pages:
            work(page)
        return (time.perf_counter() - start) / len(pdf.pages)


def certain(report: Report) -> dict[tuple[str, str, str], object]:
    return {
        (t.number, c.row, c.column): c.value
        for t in report.statistics
        for c in t.cells
        if c.status != CellStatus.UNCERTAIN
    }


def recovered(pdf_report: Report, reference: Report) -> tuple[int, int]:
    expected = certain(reference)
    actual = certain(pdf_report)
    return sum(1 for key, value in expected.items() if key in actual and actual[key] == value), len(expected)


def reference_for(path: Path) -> Path:
    """The text the PDF was made from (or, for the real PDF, its extracted text)."""
    if path == REAL_PDF:
        return REAL_TEXT
    stem = path.stem.removeprefix("scanned_").removeprefix("unruled_")
    return REPO / "reports" / f"{stem}.txt"


def main() -> None:
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    paths = sorted(FIXTURES.glob("*.pdf")) + ([REAL_PDF] if REAL_PDF.exists() else [])
    header = f"{'file':<38} {'pages':>5} {'text s/p':>9} {'tables s/p':>11} {'convert s/p':>12} {'OCR pages':>9}  cells"
    print(header)
    totals = [0, 0]
    for path in paths:
        text_time = seconds_per_page(path, lambda page: page.extract_text())
        table_time = seconds_per_page(path, lambda page: [t.extract() for t in page.find_tables()])
        start = time.perf_counter()
        report = read_report(path, path.name)
        pages = report.source.pages or 1
        convert_time = (time.perf_counter() - start) / pages
        reference_path = reference_for(path)
        got, want = recovered(report, read_report(reference_path, reference_path.name))
        totals[0] += got
        totals[1] += want
        print(
            f"{path.name:<38} {pages:>5} {text_time:>9.3f} {table_time:>11.3f} {convert_time:>12.3f} "
            f"{len(report.ocr_pages):>9}  {got}/{want} ({got / want:.1%})"
        )
    print(f"cells recovered over all files: {totals[0]}/{totals[1]} ({totals[0] / totals[1]:.1%})")
    print("(for the scanned file, 'convert s/p' is the OCR time per page)")


if __name__ == "__main__":
    main()
