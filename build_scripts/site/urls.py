"""Every path and URL of the site, in one place (as mkdocs' `File` decides every path).

Paths are of Markdown pages relative to the content folder (`regions/350000.md`); MkDocs serves
each at its directory URL (`regions/350000/`, `page_url`). They depend only on the report, the
agency, the region, the year or the kind itself, so adding reports never changes an existing URL.
"""

from __future__ import annotations

import posixpath

# The pages that exist once.
HOME = "index.md"
SEARCH = "search.md"
COMPARE = "compare.md"
CHANGES = "changes.md"
SQL_PAGE = "sql.md"
DICTIONARY = "data-dictionary.md"
OVERVIEW = "overview.md"
QUALITY = "quality.md"
ABOUT = "about.md"
REGIONS_INDEX = "regions/index.md"
AGENCIES_INDEX = "agencies/index.md"
YEARS_INDEX = "years/index.md"
DATA_DIR = "data"  # the downloads and their page
DATA_INDEX = f"{DATA_DIR}/index.md"
REPORTS_DIR = "reports"
INDEX_DIR = "search-index"  # the search index, in the site (search/bundle.py)

# Source files published under their own suffix; any other is published with .txt appended: a
# saved page served as HTML would run its scripts on this site, and a `.md` beside the report's
# page would be taken by MkDocs for a page of its own.
ORIGINAL_SUFFIXES_AS_IS = frozenset({".pdf", ".txt", ".doc", ".docx", ".wps"})


def report_page_path(
    division_code: str, agency_slug: str, year: int | None, copy_of: str | None = None, copy_number: int = 1
) -> str:
    """reports/<division code>/<agency pinyin>/<year>.md; a second copy of an agency-year is named
    by (the start of) its source's hash, …/<year>-<hash>.md, and byte-identical copies are numbered
    from the second of them on, …/<year>-<hash>-2.md."""
    name = f"{year}-{copy_of[:8]}" if copy_of else f"{year}"
    if copy_number > 1:
        name += f"-{copy_number}"
    return f"{REPORTS_DIR}/{division_code}/{agency_slug}/{name}.md"


def report_data_path(page_path: str) -> str:
    """The report's JSON, beside its page."""
    return posixpath.splitext(page_path)[0] + ".json"


def report_original_path(page_path: str, source_path: str) -> str:
    """Where the published source file is copied, beside the page (…/2024.pdf, …/2024.html.txt; a
    folder of page images as …/2024.zip)."""
    suffix = posixpath.splitext(source_path)[1].lower()
    if suffix == ".pages":
        suffix = ".zip"
    elif suffix not in ORIGINAL_SUFFIXES_AS_IS:
        suffix += ".txt"
    return posixpath.splitext(page_path)[0] + suffix


def report_id(page_path: str) -> str:
    """A report's stable id in the downloads: its page's path (reports/410329/chengshiguanliju/2020)."""
    return page_path.removesuffix(".md")


def agency_page_path(agency_id: str) -> str:
    return f"agencies/{agency_id}.md"


def region_page_path(division_code: str) -> str:
    return f"regions/{division_code}.md"


def year_page_path(year: int) -> str:
    return f"years/{year}/index.md"


def year_group_path(year: int, group_code: str) -> str:
    return f"years/{year}/{group_code}.md"


def kind_page_path(kind: str) -> str:
    return f"kinds/{kind}/index.md"


def kind_province_path(kind: str, province: str) -> str:
    return f"kinds/{kind}/{province}.md"


def page_url(page_path: str) -> str:
    """The site-relative folder URL MkDocs gives a page (directory URLs; "" for the home page)."""
    stem = posixpath.splitext(page_path)[0]
    if posixpath.basename(stem) == "index":
        stem = posixpath.dirname(stem)
    return stem + "/" if stem else ""


def relative_link(from_page: str, to_page: str) -> str:
    """A Markdown link target from one content page to another (MkDocs turns it into a URL)."""
    return posixpath.relpath(to_page, posixpath.dirname(from_page) or ".")


def href_between(from_page: str, to_page: str) -> str:
    """An href from one page to another for raw HTML, which MkDocs does not rewrite."""
    return posixpath.relpath(page_url(to_page) or ".", page_url(from_page) or ".") + "/"
