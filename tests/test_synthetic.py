"""The synthetic corpus used by the benchmarks reads like real reports: every table cell, every
check passing, every region resolved, the same files for the same seed."""

from __future__ import annotations

from pathlib import Path

from build_scripts.readers import read_report

from .benchmarks.synthetic_corpus import make_corpus


def test_synthetic_reports_parse_completely(tmp_path: Path) -> None:
    paths = make_corpus(8, tmp_path / "a")
    assert [p.read_bytes() for p in paths] == [p.read_bytes() for p in make_corpus(8, tmp_path / "b")]
    for path in paths:
        report = read_report(path, path.name)
        assert report.region.resolved and report.format == "2021" and len(report.sections) == 6
        assert sum(len(table.cells) for table in report.statistics) == 200
        assert all(cell.status.value == "number" for table in report.statistics for cell in table.cells)
        assert report.findings == []
    assert len({read_report(p, p.name).year for p in paths}) == 4
