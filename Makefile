# One-command entry points. `make site` and `make test` work from a fresh clone on Debian/Ubuntu
# with Python 3.11+; they create .venv/ and install what they need.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SITE_STAMP := $(VENV)/.site-installed
TEST_STAMP := $(VENV)/.test-installed
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PORT ?= 8000
BASE_PATH ?= /

.PHONY: site serve test lint golden lighthouse browser-deps office-deps pdf-fixtures scan-fixtures web-fixtures bench-pdf bench-readers bench-conversion bench-site bench-search bench-tools search-quality clean

# Word 97–2003 (.doc) and WPS (.wps) reports are read through LibreOffice; `make site` installs it
# only when the source folder holds such files.
OFFICE_SOURCES := $(shell find reports -type f \( -iname '*.doc' -o -iname '*.wps' \) 2>/dev/null | head -n 1)

# Debian's Python needs its python3-venv package before it can create a virtual environment.
$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV) && $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq python3-venv && $(PYTHON) -m venv $(VENV); }

$(SITE_STAMP): pyproject.toml | $(VENV)/bin/python
	@echo "Installing the build's Python packages into $(VENV)/ (about a minute on a fresh machine) ..."
	$(PY) -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(VENV)/bin/python
	@echo "Installing the build's and the tests' Python packages into $(VENV)/ (a minute or two on a fresh machine) ..."
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@ $(SITE_STAMP)

# The SQL page's engine (sql.js-httpvfs from npm, pinned and checked against its registry checksum),
# installed once into .cache/ and published with the site (build_scripts/site/sql_engine.py).
SQL_ENGINE := .cache/engines/sql.js-httpvfs-0.8.12/sql-wasm.wasm
$(SQL_ENGINE): | $(VENV)/bin/python
	$(MAKE) --no-print-directory $(SITE_STAMP)
	$(PY) -m build_scripts install-engine

# With a partitions.yaml beside this Makefile, the archive is built as several sites (README,
# "A large archive: partitions and a portal"): site/<partition>/ … and the portal's site/<name>/.
PARTITIONS := $(wildcard partitions.yaml)

## site: convert reports/ into content/, build site/ with MkDocs and write its search index
site: $(SITE_STAMP) $(SQL_ENGINE) $(if $(OFFICE_SOURCES),office-deps)
	$(PY) -m build_scripts build $(if $(PARTITIONS),--partitions $(PARTITIONS))

## serve: build, then serve site/ at http://127.0.0.1:$(PORT)$(BASE_PATH)
serve: site
	$(PY) -m build_scripts serve --port $(PORT) --base-path $(BASE_PATH)

## browser-deps: Debian's Chromium and a CJK font for the real-browser tests (Playwright's own
## download is not used), and axe-core from npm for their accessibility checks
AXE_VERSION := 4.11.0
AXE := .cache/npm/node_modules/axe-core/axe.min.js
browser-deps: $(AXE)
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium; }
	@fc-list :lang=zh 2>/dev/null | grep -q . || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq fonts-wqy-microhei; }

$(AXE):
	@command -v npm >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq npm; }
	npm install --prefix .cache/npm --no-audit --no-fund --no-save axe-core@$(AXE_VERSION)

## office-deps: Debian's headless LibreOffice Writer, which converts .doc and .wps reports to .docx
office-deps:
	@command -v soffice >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq libreoffice-writer-nogui; }

## lint: ruff over the code and tests
lint: $(TEST_STAMP)
	$(PY) -m ruff check build_scripts tests

## test: install everything the tests need, lint, and run the whole suite
test: $(TEST_STAMP) $(SQL_ENGINE) browser-deps office-deps lint
	$(PY) -m pytest

## pdf-fixtures: print the sample reports as PDFs (and one scan) with Chromium, and set one in Type 3 fonts; then run `make scan-fixtures` and `make golden`
pdf-fixtures: $(TEST_STAMP) browser-deps
	command -v fc-list >/dev/null && fc-list | grep -qi "Noto.*CJK" || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq fonts-noto-cjk; }
	$(PY) -m tests.fixtures.make_pdf_fixtures
	$(PY) -m tests.fixtures.make_type3_fixture

## scan-fixtures: realistic scans (150 and 200 dpi, skewed, blurred, noisy, JPEG) of the real PDF and the blanks PDF
scan-fixtures: $(TEST_STAMP)
	$(PY) -m tests.fixtures.make_scan_fixtures

## web-fixtures: make the web-page and Word fixtures (tests/fixtures/web, word) from the samples and the real page; then run `make golden`
web-fixtures: $(TEST_STAMP) office-deps
	$(PY) -m tests.fixtures.make_web_fixtures

## lighthouse: build the site, then print Lighthouse's scores (npm lighthouse, pinned) for the home page,
## a report, an agency page and a search, as a phone and as a desktop
LIGHTHOUSE_VERSION := 12.2.3
LIGHTHOUSE := .cache/npm/node_modules/.bin/lighthouse
lighthouse: site browser-deps $(LIGHTHOUSE)
	$(PY) -m tests.benchmarks.lighthouse_audit site

$(LIGHTHOUSE):
	npm install --prefix .cache/npm --no-audit --no-fund --no-save lighthouse@$(LIGHTHOUSE_VERSION) axe-core@$(AXE_VERSION)

## bench-pdf: seconds per page for PDF text, tables and OCR, and the share of cells recovered
bench-pdf: $(TEST_STAMP)
	$(PY) -m tests.benchmarks.pdf_benchmark

## search-quality: run the search query set in headless Chromium and print recall and precision (UPDATE=1 rewrites the expectations)
search-quality: $(TEST_STAMP)
	$(PY) -m tests.search_harness $(if $(UPDATE),--update)

## bench-search: time and bytes to the first results and to the complete count, for a rare word, a phrase in every report and two characters, at 10,000 reports (one site) and 100,000 (partitions and a portal)
bench-search: $(TEST_STAMP)
	$(PY) -m tests.benchmarks.search_benchmark $(or $(SEARCH_N),10000)
	$(PY) -m tests.benchmarks.search_benchmark --partitions $(or $(PARTITION_SIZE),10000) $(or $(SEARCH_PARTITIONED_N),100000)

## bench-tools: the compare page's largest province file, the SQL page's bytes (page and engine) and each example query's bytes read and time, on 10,000 and 100,000 synthetic reports
bench-tools: $(TEST_STAMP) $(SQL_ENGINE) browser-deps
	$(PY) -m tests.benchmarks.tools_benchmark

## bench-readers: seconds to read each web page, Word file, Markdown export and crawl dump fixture
bench-readers: $(TEST_STAMP) office-deps
	$(PY) -m tests.benchmarks.reader_benchmark

## bench-conversion: the process pool against a local Dask cluster on 1,000 reports; a rebuild after adding 100 to 10,000
bench-conversion: $(SITE_STAMP)
	$(PY) -m tests.benchmarks.conversion_benchmark $(BENCH_CONVERSION)

## bench-site: build 10,000 synthetic reports as one site, then 100,000 as partitions of at most 10,000 and a portal; print each stage's time and peak memory, and each site's size
bench-site: $(TEST_STAMP)
	$(PY) -m tests.benchmarks.site_benchmark $(or $(BENCH_N),10000)
	$(PY) -m tests.benchmarks.site_benchmark --partitions $(or $(PARTITION_SIZE),10000) $(or $(BENCH_PARTITIONED_N),100000)

## golden: regenerate the expected pages and data of the sample reports and fixtures (tests/golden/)
golden: $(SITE_STAMP)
	rm -rf tests/golden
	$(PY) -m build_scripts convert reports/*.txt tests/fixtures/*.txt --pretty-json --out tests/golden
	$(PY) -m build_scripts convert tests/fixtures/pdf/0*.pdf --pretty-json --out tests/golden/pdf
	$(PY) -m build_scripts convert tests/fixtures/pdf/unruled_*.pdf --pretty-json --out tests/golden/pdf-unruled
	$(PY) -m build_scripts convert tests/fixtures/pdf/blanks_*.pdf --pretty-json --out tests/golden/pdf-blanks
	$(PY) -m build_scripts convert tests/fixtures/pdf/pagebreaks_*.pdf --pretty-json --out tests/golden/pdf-pagebreaks
	$(PY) -m build_scripts convert tests/fixtures/pdf/type3_*.pdf --pretty-json --out tests/golden/pdf-type3
	$(PY) -m build_scripts convert tests/fixtures/real/*-*.html tests/fixtures/real/*-*.txt tests/fixtures/real/*-*.md tests/fixtures/real/*-*.pdf --pretty-json --out tests/golden/real
	$(PY) -m build_scripts convert tests/fixtures/web/0*.html --pretty-json --out tests/golden/web
	$(PY) -m build_scripts convert tests/fixtures/word/*.docx --pretty-json --out tests/golden/word

clean:
	rm -rf content site .pytest_cache
