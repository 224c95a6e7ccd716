"""Reader benchmark for web pages, Word files, Markdown and crawl dumps:
`python -m tests.benchmarks.reader_benchmark` (or `make bench-readers`).

Prints, for every real and generated fixture of those forms, the median seconds to read it into a
Report (of five runs; a .doc or .wps includes LibreOffice's conversion), its size, and the cells
read as numbers, blank and uncertain; then the same for a page of 6 MB of navigation around a
report, and for texts of 0.25 to 4 MB of hard-wrapped prose (the time should grow with the size,
not with its square). Figures, not pass/fail: the tests check correctness.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from build_scripts.model import CellStatus, Report
from build_scripts.reading.readers import ReportError, read_report

REPO = Path(__file__).resolve().parents[2]
FOLDERS = ("real", "web", "word")
RUNS = 5


def timed(path: Path) -> tuple[float, Report | str]:
    times, result = [], None
    for _ in range(RUNS):
        start = time.perf_counter()
        try:
            result = read_report(path, path.name)
        except ReportError as error:
            result = f"failed: {error}"
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def counts(report: Report) -> str:
    cells = [cell for table in report.statistics for cell in table.cells]
    by = {status: sum(1 for cell in cells if cell.status == status) for status in CellStatus}
    return f"{by[CellStatus.NUMBER]:>7} {by[CellStatus.BLANK]:>6} {by[CellStatus.UNCERTAIN]:>9}"


def heavy_page(folder: Path) -> Path:
    page = (REPO / "tests/fixtures/web/003_184eb3a1fc423fbd.gb2312-meta.html").read_bytes().decode("gb18030")
    menu = "".join(f'<li><a href="/zwgk/{i}.html">栏目{i} 政府信息公开</a></li>' for i in range(80000))
    path = folder / "navigation-6mb.html"
    path.write_text(page.replace("<body>", f"<body><ul>{menu}</ul>", 1), encoding="utf-8")
    return path


def hard_wrapped(folder: Path, megabytes: float) -> Path:
    """The sample with `megabytes` of prose wrapped every 30 characters, as scans and exports are."""
    text = (REPO / "reports/003_184eb3a1fc423fbd.txt").read_text(encoding="utf-8")
    line = "我局认真贯彻落实政府信息公开条例要求扎实推进公开工作稳步提升质效"[:30]
    prose = "\n".join([line] * int(megabytes * 2**20 / (len(line.encode()) + 1)))
    anchor = "2023 年，根据全市政府信息公开要求"
    path = folder / f"hard-wrapped-{megabytes:g}mb.txt"
    path.write_text(text.replace(anchor, prose + "\n" + anchor, 1), encoding="utf-8")
    return path


def main() -> None:
    paths = [
        path
        for folder in FOLDERS
        for path in sorted((REPO / "tests" / "fixtures" / folder).iterdir())
        if path.suffix in {".html", ".txt", ".md", ".docx", ".doc", ".wps"} and path.name != "README.md"
    ]
    print(f"{'file':<42} {'KB':>7} {'seconds':>8} {'numbers':>7} {'blank':>6} {'uncertain':>9}")
    with tempfile.TemporaryDirectory() as work:
        wrapped = [hard_wrapped(Path(work), size) for size in (0.25, 0.5, 1, 2, 4)]
        for path in [*paths, heavy_page(Path(work)), *wrapped]:
            seconds, result = timed(path)
            shown = counts(result) if isinstance(result, Report) else result
            print(f"{path.name:<42} {path.stat().st_size / 1024:>7.1f} {seconds:>8.3f} {shown}")


if __name__ == "__main__":
    main()
