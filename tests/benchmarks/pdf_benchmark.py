"""PDF reader benchmark: `python -m tests.benchmarks.pdf_benchmark` (or `make bench-pdf`).

Prints, for every PDF fixture (text PDFs printed from the samples, the real PDF, the page-break
and blank-cell fixtures, and the scans): its pages, seconds per page on all cores and, for scans,
on one core; the peak memory of the process that read it; and its table cells measured against
the same report read from its text: how many are right, and how many are read with confidence but
wrong (which must stay 0). Each file is read in a fresh process, so its memory is its own. Figures,
not pass/fail: the tests check correctness. Run it on a quiet machine.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import resource
import time
from pathlib import Path

from build_scripts.model import CellStatus, Report
from build_scripts.reading.readers import read_report

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"
PDFS = FIXTURES / "pdf"
HONGZE = FIXTURES / "real" / "hongze-2024.pdf"
PINGTAN_PAGE = FIXTURES / "real" / "pingtan-2024.html"


def reference_for(path: Path) -> Path:
    """The source whose numbers the PDF prints, read from text."""
    name = path.name
    if "hongze" in name:
        return FIXTURES / "hongze-2024.pdfplumber.txt" if path == HONGZE else HONGZE
    if "blanks" in name:
        return PDFS / "blanks_pingtan-2024.pdf"
    if "pingtan" in name:
        return PINGTAN_PAGE
    stem = name.removeprefix("scanned_").removeprefix("unruled_").removesuffix(".pdf")
    return REPO / "reports" / f"{stem}.txt"


def cells(report: Report) -> dict[tuple[str, str, str], tuple[CellStatus, object]]:
    return {(t.number, c.row, c.column): (c.status, c.value) for t in report.statistics for c in t.cells}


def compared(report: Report, reference: Report) -> tuple[int, int, int]:
    """(right, wrong with confidence, all) cells of the report against the cells its reference reads
    with certainty."""
    actual = cells(report)
    expected = {key: value for key, value in cells(reference).items() if value[0] != CellStatus.UNCERTAIN}
    right = sum(1 for key, value in expected.items() if actual.get(key) == value)
    wrong = sum(
        1
        for key, value in expected.items()
        if key in actual and actual[key] != value and actual[key][0] != CellStatus.UNCERTAIN
    )
    return right, wrong, len(expected)


def measure(path: Path, one_core: bool) -> dict[str, object]:
    """Read one file in this (fresh) process; its time, peak memory and cells."""
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    if one_core:
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    start = time.perf_counter()
    report = read_report(path, path.name)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    reference = reference_for(path)
    right, wrong, total = compared(report, read_report(reference, reference.name))
    return {
        "pages": report.source.pages or 1,
        "seconds": seconds,
        "peak_mb": peak,
        "ocr_pages": len(report.ocr_pages),
        "right": right,
        "wrong": wrong,
        "total": total,
    }


def in_fresh_process(path: Path, one_core: bool = False) -> dict[str, object]:
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(measure, (path, one_core))


def main() -> None:
    paths = [*sorted(PDFS.glob("*.pdf")), HONGZE]
    print(f"{'file':<36} {'pages':>5} {'s/page':>7} {'1 core':>7} {'peak MB':>8} {'OCR':>4}  cells right (wrong)")
    totals = [0, 0, 0]
    for path in paths:
        figures = in_fresh_process(path)
        pages = int(figures["pages"])
        one_core = ""
        if figures["ocr_pages"]:
            one_core = f"{float(in_fresh_process(path, one_core=True)['seconds']) / pages:.2f}"
        right, wrong, total = int(figures["right"]), int(figures["wrong"]), int(figures["total"])
        totals = [totals[0] + right, totals[1] + wrong, totals[2] + total]
        print(
            f"{path.name:<36} {pages:>5} {float(figures['seconds']) / pages:>7.2f} {one_core:>7} "
            f"{float(figures['peak_mb']):>8.0f} {int(figures['ocr_pages']):>4}  {right}/{total} ({wrong})"
        )
    print(f"cells over all files: {totals[0]}/{totals[2]} right, {totals[1]} read with confidence but wrong")
    print(f"(s/page: on all {len(os.sched_getaffinity(0))} cores, pages in parallel; 1 core: the same scan on one)")


if __name__ == "__main__":
    main()
