"""Shared fixtures: the repository's paths and one real build of the default corpus per session."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from build_scripts.build import BuildOptions, BuildResult, build
from build_scripts.serve import serve_in_thread

REPO = Path(__file__).resolve().parent.parent
REPORTS = REPO / "reports"
SAMPLES = sorted(REPORTS.glob("*.txt"))
FIXTURES = sorted((REPO / "tests" / "fixtures").glob("*.txt"))
PDF_FIXTURES = sorted((REPO / "tests" / "fixtures" / "pdf").glob("0*.pdf"))  # the text-layer ones
UNRULED_FIXTURE = REPO / "tests" / "fixtures" / "pdf" / "unruled_004_f3bbfa1004ed2dd6.pdf"
SCANNED_FIXTURE = REPO / "tests" / "fixtures" / "pdf" / "scanned_004_f3bbfa1004ed2dd6.pdf"
# A real report printed with every 0 left blank, and realistic scans (tests/fixtures/make_scan_fixtures.py).
BLANKS_FIXTURE = REPO / "tests" / "fixtures" / "pdf" / "blanks_pingtan-2024.pdf"
# The same report with page breaks that trap a reader (make_pdf_fixtures.PAGE_BREAK_CSS).
PAGE_BREAKS_FIXTURE = REPO / "tests" / "fixtures" / "pdf" / "pagebreaks_pingtan-2024.pdf"
# That PDF with its text set in Type 3 fonts without a FontBBox (tests/fixtures/make_type3_fixture.py).
TYPE3_FIXTURE = REPO / "tests" / "fixtures" / "pdf" / "type3_pingtan-2024.pdf"
SCAN_FIXTURES = sorted((REPO / "tests" / "fixtures" / "pdf").glob("scan[0-9]*.pdf"))
# Real published reports in the forms they come in (tests/fixtures/real/README.md), and the web
# pages and Word files generated for what they do not cover (tests/fixtures/make_web_fixtures.py).
REAL_FIXTURES = sorted(
    p
    for p in (REPO / "tests" / "fixtures" / "real").iterdir()
    if p.suffix in {".html", ".txt", ".md", ".pdf"} and "-" in p.name
)
WEB_FIXTURES = sorted((REPO / "tests" / "fixtures" / "web").glob("*.html"))
WORD_FIXTURES = sorted((REPO / "tests" / "fixtures" / "word").iterdir())
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Debian's Chromium, headless, with nothing that would reach a network on its own.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def build_into(
    folder: Path, source: Path = REPORTS, strict: bool = False, jobs: int | None = None, **options: Any
) -> tuple[BuildOptions, BuildResult]:
    options = BuildOptions(
        source_dir=source,
        content_dir=folder / "content",
        site_dir=folder / "site",
        config_file=REPO / "mkdocs.yml",
        strict=strict,
        jobs=jobs,
        **options,
    )
    return options, build(options)


def source_folder(folder: Path, sources: Iterable[Path]) -> Path:
    """A source folder (new, or one a synthetic corpus was made in) holding copies of `sources`,
    by their names."""
    folder.mkdir(exist_ok=True)
    for source in sources:
        shutil.copy(source, folder / source.name)
    return folder


@pytest.fixture
def samples_and_a_pdf(tmp_path: Path) -> Path:
    """A source folder of the five samples and one printed PDF."""
    folder = source_folder(tmp_path / "reports", SAMPLES)
    shutil.copy(PDF_FIXTURES[0], folder / "printed.pdf")
    return folder


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[BuildOptions, BuildResult]:
    """The default corpus built once, end to end, into a temporary folder."""
    return build_into(tmp_path_factory.mktemp("build"))


@pytest.fixture(scope="session")
def archive_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[BuildOptions, BuildResult]:
    """The samples plus synthetic reports of two agencies over four years (one of which abbreviates
    its name in odd years), so that there are years to move between and to compare."""
    from .benchmarks.synthetic_corpus import make_corpus

    folder = tmp_path_factory.mktemp("archive")
    source = folder / "reports"
    make_corpus(8, source)
    for sample in SAMPLES:
        shutil.copyfile(sample, source / sample.name)
    return build_into(folder, source=source)


def require(path: Path, what: str) -> None:
    """A tool the browser tests need: missing, it fails the run in CI and skips the test elsewhere."""
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{what} not found at {path}; `make test` installs it")
        pytest.skip(f"{what} not found at {path}; run `make browser-deps` (or `make test`)")


@contextlib.contextmanager
def headless_chromium() -> Iterator[Any]:
    """Debian's Chromium, headless, driven by Playwright (whose own browser download is not used)."""
    require(Path(CHROMIUM), "Chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def rendered_reports(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The sources whose report page the next builds render (not reuse), as they render them."""
    from build_scripts import pipeline

    rendered: list[str] = []
    original = pipeline.prepare_report
    monkeypatch.setattr(
        pipeline,
        "prepare_report",
        lambda env, report, *a: rendered.append(report.source.path) or original(env, report, *a),
    )
    return rendered


# ---- The browser tests' fixtures (test_browser.py, test_compare.py) ----

SUB_PATH = "/foia-archive/preview/"  # served under a sub-path, as a GitHub Pages project site is


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with headless_chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def archive_url(archive_site: tuple[BuildOptions, BuildResult]) -> Iterator[str]:
    server, url = serve_in_thread(archive_site[0].site_dir, base_path=SUB_PATH)
    yield url
    server.shutdown()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.requested_hosts = set()
    page.failed_requests = []
    page.on("request", lambda request: page.requested_hosts.add(urlsplit(request.url).netloc))
    page.on("requestfailed", lambda request: page.failed_requests.append(request.url))
    page.on("response", lambda response: response.status >= 400 and page.failed_requests.append(response.url))
    yield page
    context.close()


def only_local_requests(page, url: str) -> bool:
    return page.failed_requests == [] and page.requested_hosts == {urlsplit(url).netloc}
