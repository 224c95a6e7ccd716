"""The pages a reader works with in the browser: the compare page (对比), over the files
compare.py writes (on this site, or for the portal on the partitions' sites)."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

import jinja2

from ...reading.metadata import KINDS_BY_SLUG
from ..compare import ProvinceFile
from ..comparisons import CHARTED, FIGURES
from ..serialize import front_matter
from ..urls import page_url

MAX_COMPARED = 12  # agencies in one comparison (archive-compare.js MAX_AGENCIES)
DEFAULT_FIGURES = ("received", "withheld", *CHARTED[1:])


@dataclass(frozen=True)
class ProvinceOption:
    """A province the reader can open: its key in the page's address, its label, its file's href."""

    key: str
    label: str
    href: str


def href_to_file(page: str, path: str) -> str:
    """An href from a page to a file of the same site (raw HTML: MkDocs does not rewrite it)."""
    return posixpath.relpath(path, page_url(page) or ".")


def province_options(page: str, provinces: list[ProvinceFile]) -> list[ProvinceOption]:
    return [ProvinceOption(p.code, f"{p.name}（{p.agencies} 个机构）", href_to_file(page, p.path)) for p in provinces]


def render_compare_page(env: jinja2.Environment, provinces: list[ProvinceOption]) -> str:
    return env.get_template("compare.md.j2").render(
        front_matter=front_matter({"title": "机构对比", "page_kind": "compare", "hide": ["toc"]}),
        provinces=provinces,
        kinds=list(KINDS_BY_SLUG.values()),
        figures=FIGURES,
        default_figures=DEFAULT_FIGURES,
        max_agencies=MAX_COMPARED,
    )
