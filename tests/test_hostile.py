"""Hostile and careless inputs (issue 14, first part): numbers too large to hold, formula-like text
in the CSV, overrides that try to crash or exhaust the build, implausible years; each must end as
a finding or a reported problem, never a crash. The bombs are built at run time."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from build_scripts.model import CellStatus
from build_scripts.reading.overrides import load_overrides
from build_scripts.reading.readers import read_report

from .conftest import REPO, REPORTS, build_into

SAMPLE = REPORTS / "003_184eb3a1fc423fbd.txt"


def sample_with(tmp_path: Path, old: str, new: str, name: str = "report.txt") -> Path:
    text = SAMPLE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def with_total(row: str, printed: str) -> str:
    """A tab row of table 三 (label, blank merged column, seven values, trailing tab) with its 总计 replaced."""
    cells = row.split("\t")
    cells[-2] = printed
    return "\t".join(cells)


def test_numbers_beyond_64_bits_are_uncertain_with_a_finding(tmp_path: Path) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if "本年新收" in line)
    path = sample_with(tmp_path, row, with_total(row, "9" * 400))
    report = read_report(path, "report.txt")
    cell = report.statistic("三").cell("received", "total")
    assert cell.status == CellStatus.UNCERTAIN and cell.value is None and "超出可存储的范围" in (cell.note or "")
    assert any(f.code == "cell-uncertain" and "超出" in f.message for f in report.findings)
    from build_scripts.site.serialize import to_plain

    json.dumps(to_plain(report), allow_nan=False)  # raises on Infinity or NaN anywhere in the report


def test_a_build_with_huge_numbers_and_formula_titles_gives_valid_downloads(tmp_path: Path) -> None:
    source = tmp_path / "reports"
    source.mkdir()
    text = SAMPLE.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if "本年新收" in line)
    sample_with(source, row, with_total(row, "99999999999999999999"))
    title = next(line for line in text.splitlines() if "年度报告" in line)
    (source / "formula.txt").write_text(
        text.replace(title, "=cmd|卫辉市科技和工业信息化局 2023 年政府信息公开工作年度报告", 1)
    )
    options, result = build_into(tmp_path / "out", source=source, index=False)
    assert len(result.outcomes) == 2 and not result.failed
    data = options.content_dir / "data"
    wide = (data / "archive-reports.csv").read_text(encoding="utf-8-sig")
    titles = [row["title"] for row in csv.DictReader(io.StringIO(wide))]
    assert all(not t.startswith(("=", "+", "-", "@")) for t in titles) and any(t.startswith("'=cmd") for t in titles)
    import gzip

    document = gzip.decompress((data / "archive.json.gz").read_bytes()).decode("utf-8")
    assert "Infinity" not in document and json.loads(document)
    for page in (options.content_dir / "reports").rglob("*.json"):
        assert "Infinity" not in page.read_text(encoding="utf-8")


def test_overrides_that_would_crash_or_exhaust_the_build_are_problems(tmp_path: Path) -> None:
    laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(8)
    )
    cases = {
        "laughs.yaml": laughs,
        "date.yaml": "sources:\n  report.txt:\n    publication_date: 2021-02-30\n",
        "agency.yaml": "sources:\n  report.txt:\n    agency_id: abc\n",
    }
    for name, content in cases.items():
        path = tmp_path / name
        path.write_text(content, encoding="utf-8")
        overrides = load_overrides(path)
        assert overrides.problems, name
        entry = overrides.sources.get("report.txt")
        assert entry is None or entry.set_fields() == [], name
    folder = tmp_path / "overrides.yaml"
    folder.mkdir()
    assert "not a file" in load_overrides(folder).problems[0]


def test_implausible_years_get_a_finding(tmp_path: Path) -> None:
    path = sample_with(tmp_path, "2023 年政府信息公开", "1900 年政府信息公开")
    assert "year-implausible" in [f.code for f in read_report(path, "x.txt").findings]
    path = sample_with(tmp_path, "2023 年政府信息公开", "2015 年政府信息公开")  # the 2021 form's tables
    assert "year-before-form" in [f.code for f in read_report(path, "x.txt").findings]
    assert "year-before-form" not in [f.code for f in read_report(SAMPLE, "x.txt").findings]


def test_dates_after_the_day_of_the_build_get_a_finding(tmp_path: Path) -> None:
    import datetime

    from build_scripts.pipeline import PipelineSettings, read_source
    from build_scripts.reading.overrides import Overrides

    def future_findings(path: Path, today: datetime.date) -> list[str]:
        settings = PipelineSettings(tmp_path, Overrides(), limits=None, today=today)
        return [f.message for f in read_source(settings, path).findings if f.code == "date-in-future"]

    year_2099 = sample_with(tmp_path, "2023 年政府信息公开", "2099 年政府信息公开", name="2099.txt")
    assert future_findings(year_2099, datetime.date(2026, 12, 2)) == [
        "报告年度 2099 尚未开始（本次构建日期为 2026-12-02）"
    ]
    (tmp_path / "2023.txt").write_bytes(SAMPLE.read_bytes())
    (tmp_path / "2023.txt.meta.yaml").write_text("retrieved: '2030-01-05'\n", encoding="utf-8")
    assert future_findings(tmp_path / "2023.txt", datetime.date(2026, 12, 2)) == [
        "获取日期 2030-01-05 晚于本次构建日期 2026-12-02"
    ]
    assert future_findings(tmp_path / "2023.txt", datetime.date(2030, 1, 5)) == []


def test_every_copy_of_a_duplicate_gets_its_own_page(tmp_path: Path) -> None:
    from build_scripts.site.archive import plan_pages

    reports = [read_report(SAMPLE, name) for name in ("a.txt", "b.txt", "c.txt")]  # byte-identical
    paths = [page.path for page in plan_pages(reports)]
    assert len(set(paths)) == 3, paths
    assert [[f.code for f in r.findings].count("duplicate-report") for r in reports] == [0, 1, 1]


def test_output_folders_that_would_destroy_sources_or_foreign_files_are_refused(tmp_path: Path) -> None:
    import pytest

    from build_scripts.build import BuildError

    source = tmp_path / "reports"
    source.mkdir()
    (source / "report.txt").write_bytes(SAMPLE.read_bytes())
    from build_scripts.build import BuildOptions, build

    def build_with_site(site: Path) -> None:
        build(BuildOptions(source_dir=source, content_dir=tmp_path / "content", site_dir=site, index=False))

    for site in (source, tmp_path, source / "site"):
        with pytest.raises(BuildError, match="source folder"):
            build_with_site(site)
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "thesis.docx").write_bytes(b"my work")
    with pytest.raises(BuildError, match="did not write"):
        build_with_site(foreign)
    assert (foreign / "thesis.docx").read_bytes() == b"my work" and (source / "report.txt").exists()
    _, result = build_into(tmp_path / "out", source=source, index=False)
    assert not result.failed
    again_options, again = build_into(tmp_path / "out", source=source, index=False)  # our own site: rebuilt
    assert not again.failed and (again_options.site_dir / "build-report.json").exists()


def test_every_entry_of_the_source_folder_is_accounted_for(tmp_path: Path) -> None:
    import os

    source = tmp_path / "reports"
    source.mkdir()
    (source / "report.txt").write_bytes(SAMPLE.read_bytes())
    (source / ".DS_Store").write_bytes(b"\0")
    (source / ".git").mkdir()
    (source / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (source / "broken.pdf").symlink_to(tmp_path / "nowhere.pdf")
    (source / "loop.txt").symlink_to(source / "loop.txt")
    outside = tmp_path / "elsewhere.txt"
    outside.write_bytes(SAMPLE.read_bytes())
    (source / "outside.txt").symlink_to(outside)
    os.mkfifo(source / "pipe.txt")
    (source / "gone.pdf.meta.yaml").write_text("url: https://www.example.gov.cn/a.pdf\n", encoding="utf-8")
    options, result = build_into(tmp_path / "out", source=source, index=False)
    reasons = {outcome.source: outcome.reason for outcome in result.skipped}
    assert set(reasons) == {
        ".DS_Store",
        ".git",
        "broken.pdf",
        "loop.txt",
        "outside.txt",
        "pipe.txt",
        "gone.pdf.meta.yaml",
    }
    assert "leads nowhere" in reasons["broken.pdf"] and "leads nowhere" in reasons["loop.txt"]
    assert "outside the source folder" in reasons["outside.txt"] and "not a regular file" in reasons["pipe.txt"]
    assert [outcome.source for outcome in result.published] == ["report.txt"]
    report = json.loads((options.site_dir / "build-report.json").read_text(encoding="utf-8"))
    assert report["summary"]["skipped"] == 7 and report["summary"]["published"] == 1
    assert result.problem_count >= 5  # the hidden entries are not problems; the others are


def test_convert_of_a_pipe_fails_instead_of_waiting_forever(tmp_path: Path) -> None:
    import os

    from build_scripts.convert import convert

    os.mkfifo(tmp_path / "pipe.txt")
    outcomes = convert([tmp_path / "pipe.txt"], tmp_path / "out")
    assert [(o.status, o.reason) for o in outcomes] == [
        ("failed", "not a regular file (a pipe, socket, device or folder)")
    ]


def tiny_pdf(objects: list[bytes]) -> bytes:
    """A PDF of the given objects (1 is the catalog), with a correct cross-reference table."""
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)


PAGE_TREE = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"]
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>"


def test_a_pdf_that_hangs_and_a_decompression_bomb_fail_alone_within_their_limits(tmp_path: Path) -> None:
    """A page whose contents refer to themselves (4 → 5 → 4) loops forever in pdfminer; a 1.6 MB
    Flate stream that inflates to 840 MB; a 100 KB page of 5 million characters (gigabytes of
    pdfminer objects). Each fails with its reason, and the build goes on."""
    import time
    import zlib

    from build_scripts.build import BuildOptions, build
    from build_scripts.guard import Limits

    source = tmp_path / "reports"
    source.mkdir()
    (source / "report.txt").write_bytes(SAMPLE.read_bytes())
    (source / "cycle.pdf").write_bytes(tiny_pdf([*PAGE_TREE, PAGE, b"5 0 R", b"4 0 R"]))
    stream = zlib.compress(b"0 0 m 1 1 l S\n" * 60_000_000, 9)
    bomb = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream"
    (source / "bomb.pdf").write_bytes(tiny_pdf([*PAGE_TREE, PAGE, bomb]))
    operators = zlib.compress(b"BT /F1 1 Tf (a) Tj ET\n" * 5_000_000, 9)  # 5 M characters on one page
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    page = PAGE.replace(b"/Contents 4 0 R", b"/Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >>")
    text_bomb = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(operators) + operators + b"\nendstream"
    (source / "characters.pdf").write_bytes(tiny_pdf([*PAGE_TREE, page, text_bomb, font]))
    options = BuildOptions(
        source_dir=source,
        content_dir=tmp_path / "content",
        site_dir=tmp_path / "site",
        index=False,
        limits=Limits(seconds=5, memory_mb=400),
    )
    started = time.monotonic()
    result = build(options)
    assert time.monotonic() - started < 120
    reasons = {outcome.source: outcome.reason for outcome in result.failed}
    assert "time limit of 5 s" in reasons["cycle.pdf"]
    assert "inflates past 128 MB (a decompression bomb)" in reasons["bomb.pdf"]
    # 5 M characters: past whichever limit comes first (here the time; on a faster machine the memory)
    assert any(limit in reasons["characters.pdf"] for limit in ("time limit of 5 s", "memory limit", "out of memory"))
    assert [outcome.source for outcome in result.published] == ["report.txt"]


def stream_object(attributes: bytes, data: bytes) -> bytes:
    return b"<< %s /Length %d >>\nstream\n" % (attributes, len(data)) + data + b"\nendstream"


def pdf_of_pages(pages: list[bytes], extra: list[bytes] = ()) -> bytes:
    """A PDF whose page objects are 3, 4, …, followed by the extra objects."""
    kids = b" ".join(b"%d 0 R" % (3 + n) for n in range(len(pages)))
    tree = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(pages))]
    return tiny_pdf([*tree, *pages, *extra])


def read_pdf_bytes(tmp_path: Path, name: str, data: bytes, memory_mb: int = 1500):
    """The outcome of reading one PDF in a reader child, as the build does."""
    from build_scripts.guard import Limits
    from build_scripts.pipeline import PipelineSettings, read_source
    from build_scripts.reading.overrides import Overrides

    (tmp_path / name).write_bytes(data)
    settings = PipelineSettings(tmp_path, Overrides(), limits=Limits(seconds=120, memory_mb=memory_mb))
    return read_source(settings, tmp_path / name)


PAGE_WITH_IMAGE = (
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im 5 0 R >> >> /Contents 4 0 R >>"
)


def test_empty_pages_never_go_to_ocr(tmp_path: Path) -> None:
    """2,000 pages that draw nothing: recognised as blank at once (by OCR they took an hour)."""
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"
    outcome = read_pdf_bytes(tmp_path, "empty.pdf", pdf_of_pages([page] * 2000))
    assert outcome.reason == "PDF has no text: its 2000 page(s) are blank"


def test_a_huge_page_is_rendered_for_ocr_within_bounds(tmp_path: Path) -> None:
    """One 14,400 × 14,400 pt page holding a small grey image: at OCR resolution its bitmap would
    be 5.6 GB; it is rendered smaller and read, within the default memory limit of 3 GB."""
    from build_scripts.reading.readers.pdf_bounds import MAX_RENDER_PIXELS, render_scale

    page = PAGE_WITH_IMAGE.replace(b"595 842", b"14400 14400")
    contents = stream_object(b"", b"q 14400 0 0 14400 0 0 cm /Im Do Q")
    image = stream_object(
        b"/Type /XObject /Subtype /Image /Width 10 /Height 10 /ColorSpace /DeviceGray /BitsPerComponent 8",
        b"\xc0" * 100,
    )
    outcome = read_pdf_bytes(tmp_path, "huge-page.pdf", pdf_of_pages([page], [contents, image]), memory_mb=3072)
    assert outcome.reason == "PDF has no text, not even by OCR"  # read, not stopped
    scale = render_scale(14400, 14400, 3.0)
    assert (14400 * scale) ** 2 <= MAX_RENDER_PIXELS * 1.0001 and render_scale(595, 842, 3.0) == 3.0


def test_an_image_too_large_to_decode_is_refused_before_ocr(tmp_path: Path) -> None:
    page = PAGE_WITH_IMAGE
    contents = stream_object(b"", b"q 595 0 0 842 0 0 cm /Im Do Q")
    pixels = zlib_compressed(b"\0" * 1000)
    declared = b"/Width 100000 /Height 100000 /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode"
    image = stream_object(b"/Type /XObject /Subtype /Image " + declared, pixels)
    outcome = read_pdf_bytes(tmp_path, "huge-image.pdf", pdf_of_pages([page], [contents, image]), memory_mb=400)
    assert "第 1 页：图像为 100,000 × 100,000 像素，大于任何扫描件，未做 OCR" in outcome.reason


def zlib_compressed(data: bytes) -> bytes:
    import zlib

    return zlib.compress(data)


def test_bounded_inflation_gives_what_zlib_gives_and_stops_bombs() -> None:
    import zlib

    import pytest

    from build_scripts.reading.readers.pdf_bounds import BoundedZlib, StreamTooLarge, inflate_damaged

    text = SAMPLE.read_bytes()
    assert BoundedZlib.decompress(zlib.compress(text)) == text
    with pytest.raises(zlib.error):
        BoundedZlib.decompress(zlib.compress(text)[:-10])  # truncated: pdfminer then tries its repair
    damaged = zlib.compress(text)[:-2] + b"\0\0"  # the checksum broken, as pdfminer's repair expects
    assert inflate_damaged(damaged) == text
    with pytest.raises(StreamTooLarge):
        BoundedZlib.decompress(zlib.compress(b"\0" * 200_000_000))
    with pytest.raises(StreamTooLarge):
        inflate_damaged(zlib.compress(b"\0" * 200_000_000)[:-2])


def test_a_text_source_larger_than_any_report_fails_without_being_read(tmp_path: Path) -> None:
    from build_scripts.reading.readers import ReportError

    path = tmp_path / "huge.txt"
    path.write_bytes(SAMPLE.read_bytes() + b"\n" + b"x" * (6 * 1024 * 1024))
    try:
        read_report(path, "huge.txt")
    except ReportError as error:
        assert "larger than any report" in str(error)
    else:
        raise AssertionError("a 6 MB text was read")


def test_text_read_in_the_worker_is_stopped_at_its_time_limit(tmp_path: Path) -> None:
    """Text and Markdown are read in the worker, not a reader child; the time limit holds there too
    (a limit of half a millisecond: reading the sample takes several)."""
    from build_scripts.guard import Limits
    from build_scripts.pipeline import PipelineSettings, read_source
    from build_scripts.reading.overrides import Overrides

    (tmp_path / "report.txt").write_bytes(SAMPLE.read_bytes())
    stopped = read_source(
        PipelineSettings(tmp_path, Overrides(), limits=Limits(seconds=0.0005)), tmp_path / "report.txt"
    )
    assert stopped.reason == "took longer than the time limit of 0.0005 s; stopped"
    read = read_source(PipelineSettings(tmp_path, Overrides(), limits=Limits(seconds=60)), tmp_path / "report.txt")
    assert read.year == 2023


def test_a_build_where_every_source_fails_still_builds_a_site(tmp_path: Path) -> None:
    source = tmp_path / "reports"
    source.mkdir()
    (source / "broken.pdf").write_bytes(b"%PDF-1.4\n")
    options, result = build_into(tmp_path / "out", source=source, index=True)
    assert [outcome.source for outcome in result.failed] == ["broken.pdf"]
    assert result.index_error is None and result.exit_code(strict=False) == 0
    assert (options.site_dir / "index.html").exists() and (options.site_dir / "build-report.json").exists()


def test_files_named_pdf_that_are_not_say_what_they_are(tmp_path: Path) -> None:
    from build_scripts.reading.readers import ReportError

    cases = {
        "empty.pdf": (b"", "empty file"),
        "word.pdf": ((REPO / "tests/fixtures/word/pingtan-2024.docx").read_bytes(), "not a PDF: a zip archive"),
        "page.pdf": (b"<!DOCTYPE html><html><body>x</body></html>", "not a PDF: a web page"),
        "noise.pdf": (b"\x00\x01 nothing here", "not a PDF: no %PDF header"),
    }
    for name, (data, reason) in cases.items():
        (tmp_path / name).write_bytes(data)
        try:
            read_report(tmp_path / name, name)
        except ReportError as error:
            assert str(error).startswith(reason), (name, str(error))
        else:
            raise AssertionError(f"{name} was read")
