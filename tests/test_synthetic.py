"""The synthetic corpus used by the benchmarks reads like real reports: every table cell, every
check passing, every region resolved, the same files for the same seed."""

from __future__ import annotations

from pathlib import Path

from build_scripts.reading.readers import read_report
from build_scripts.site.archive import build_archive

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
        assert report.contact and report.contact.phone and report.contact.postcode
        assert report.publication_date and report.publication_date.startswith(str((report.year or 0) + 1))
    reports = [read_report(p, p.name) for p in paths]
    assert len({report.year for report in reports}) == 4
    # 发展改革委 (odd years) and 发展和改革委员会 are one agency with four years of reports
    names = {report.agency[-8:] for report in reports}
    assert any(name.endswith("发展改革委") for name in names) and any(
        name.endswith("发展和改革委员会") for name in names
    )
    assert sorted(len(agency.pages) for agency in build_archive(reports).agencies.values()) == [4, 4]
