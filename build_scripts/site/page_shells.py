"""Report and browse pages' theme HTML made once per shape of page, not once per page.

MkDocs renders Material's page template (main.html, base.html and some thirty partials) for every
page, and at 10,000 reports that was a third of MkDocs' time. Two report pages at the same depth
differ in the theme's part only by their values: title, description, agency, year, SHA-256, table
of contents, address and content. So the template is rendered once for each shape (the page's
first folder and depth, which values are empty, the outline of its table of contents) with a
stand-in page whose values are markers, and the markers found in that output make the shell:
text, and slots that take each page's value, as it was written (raw) or HTML-escaped. A marker
carries '<' and '&', so its escaped and raw forms differ; one found in any other form (another
filter) leaves that shape to Jinja.

Checked, not trusted: the first pages of each shape, and every CHECK_EVERY-th after, are also
rendered by Jinja and compared byte for byte. A shape whose page differs is rendered by Jinja from
then on, with a warning in the build report (a difference after the first pages means earlier
pages of that shape may be wrong). tests/test_page_shells.py builds the samples and hostile text
both ways and compares every page.

The pages made from shells are those of the families outside the navigation (reports, agencies,
kinds, regions, years); a page in the navigation, or with a previous or next page, an edit link
or a marker's character in its values, is rendered by Jinja.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from markupsafe import escape
from mkdocs.structure.toc import AnchorLink, TableOfContents

log = logging.getLogger("mkdocs.plugins.archive.page_shells")

SHELLS_VARIABLE = "ARCHIVE_PAGE_SHELLS"  # "0": every page rendered by Jinja (tests compare both)
MARK = "\x01"
# A marker's tail, raw or escaped: '<' and '&' tell the two apart; a content marker may carry
# "<h1" (Material writes a title above content without one: partials/content.html).
MARKER = re.compile(r"\x01([\w.:]+)(<h1&|<&|&lt;h1&amp;|&lt;&amp;)\x01")
RAW_TAILS = ("<&", "<h1&")
HEADING_START = "<h1"
# The page families made from shells: every page of theirs is outside the navigation.
SHELL_PAGE_KINDS = frozenset({"report", "agency", "kind", "region", "year"})
CHECKED_FIRST = 2  # pages of each shape also rendered by Jinja and compared
CHECK_EVERY = 100  # and then one page in this many
PAGE_VALUES = ("title", "content", "canonical_url")  # the page's own, besides its front matter and contents
# Shapes kept at most in one process: a first page costs two renders (stand-in and check), so an
# archive whose pages all differ in shape would cost twice Jinja's time without this bound.
MAX_SHAPES = 1000


def marker(name: str, heading: bool = False) -> str:
    return f"{MARK}{name}{'<h1&' if heading else '<&'}{MARK}"


@dataclass(frozen=True)
class Slot:
    name: str
    escaped: bool


@dataclass
class Shell:
    """One shape's HTML: text and slots, in order."""

    parts: list[str | Slot]
    pages: int = 0

    def fill(self, values: dict[str, str]) -> str:
        out = []
        for part in self.parts:
            if isinstance(part, str):
                out.append(part)
            else:
                value = values[part.name]
                out.append(str(escape(value)) if part.escaped else value)
        return "".join(out)

    def due_for_check(self) -> bool:
        self.pages += 1
        return self.pages <= CHECKED_FIRST or self.pages % CHECK_EVERY == 0


def output_to_shell(output: str, names: Collection[str]) -> Shell | None:
    """The shell of a stand-in page's output (its markers named from `names`), or None when a
    marker stands in a form it cannot take back (a filter other than escaping)."""
    parts: list[str | Slot] = []
    position = 0
    for match in MARKER.finditer(output):
        if match[1] not in names:
            log.debug("page shells: a marker changed by a filter: %r", match[0])
            return None
        parts.append(output[position : match.start()])
        parts.append(Slot(match[1], escaped=match[2] not in RAW_TAILS))
        position = match.end()
    parts.append(output[position:])
    for part in parts:
        if isinstance(part, str) and MARK in part:
            at = part.index(MARK)
            log.debug("page shells: a value in a form other than raw or escaped: %r", part[max(0, at - 80) : at + 80])
            return None
    return Shell([part for part in parts if part != ""])


@dataclass
class StandIn:
    """A page's values as markers, over the page itself for everything else."""

    page: Any
    overrides: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        if name in self.overrides:
            return self.overrides[name]
        return getattr(self.page, name)


def toc_outline(items: list[AnchorLink]) -> tuple:
    return tuple((item.level, toc_outline(item.children)) for item in items)


def toc_stand_in(items: list[AnchorLink], values: dict[str, str], prefix: str = "h") -> list[AnchorLink]:
    """The table of contents with markers for each item's title and id, and their values."""
    stand_in = []
    for number, item in enumerate(items):
        name = f"{prefix}{number}"
        values[f"{name}.t"], values[f"{name}.i"] = item.title, item.id
        link = AnchorLink(marker(f"{name}.t"), marker(f"{name}.i"), item.level)
        link.children = toc_stand_in(item.children, values, f"{name}.")
        stand_in.append(link)
    return stand_in


def shell_inputs(page: Any) -> tuple[tuple, dict[str, str], dict[str, Any]] | None:
    """A page's shape, its values by slot, and the stand-in's attributes; None for a page rendered
    by Jinja."""
    meta = page.meta or {}
    if meta.get("page_kind") not in SHELL_PAGE_KINDS or page.previous_page or page.next_page or page.edit_url:
        return None
    if page.parent is not None or page.is_homepage or not page.url.endswith("/"):
        return None
    values: dict[str, str] = {}
    stand_in_meta: dict[str, Any] = {}
    for key, value in meta.items():
        if key == "page_kind" or not isinstance(value, str | int) or isinstance(value, bool) or not value:
            stand_in_meta[key] = value  # compared, or empty: part of the shape
        else:
            values[f"m.{key}"] = str(value)
            stand_in_meta[key] = marker(f"m.{key}")
    # The first folder stays (a link to a page of the navigation, such as regions/, is relative
    # to it); the others are markers.
    first, *segments = page.url.rstrip("/").split("/")
    for number, segment in enumerate(segments):
        values[f"u{number}"] = segment
    overrides: dict[str, Any] = {
        "meta": stand_in_meta,
        "url": "/".join([first, *(marker(f"u{number}") for number in range(len(segments)))]) + "/",
        "toc": TableOfContents(toc_stand_in(list(page.toc), values)),
    }
    for name in PAGE_VALUES:
        value = getattr(page, name)
        if value:
            values[name] = value
            overrides[name] = marker(name, heading=HEADING_START in value)
    if any(MARK in value for value in values.values()):
        return None
    kept = tuple(sorted((key, repr(value)) for key, value in stand_in_meta.items() if f"m.{key}" not in values))
    shape = (
        first,
        len(segments),
        tuple(sorted(meta)),
        kept,  # the values the stand-in keeps as they are: compared, empty, or not text
        toc_outline(list(page.toc)),
        tuple(sorted((name, HEADING_START in values[name]) for name in PAGE_VALUES if name in values)),
    )
    return shape, values, overrides


class ShellTemplate:
    """Stands in for the theme's main.html in MkDocs' Jinja environment (mkdocs_hooks.on_env):
    `render(context)` as the template's, from a shell where the page has one."""

    def __init__(self, template: Any) -> None:
        self.template = template
        self.shells: dict[tuple, Shell | None] = {}
        self.filled = 0  # pages made from a shell (checked ones included)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.template, name)

    def render(self, *args: Any, **kwargs: Any) -> str:
        context = dict(*args, **kwargs)
        page = context.get("page")
        inputs = shell_inputs(page) if page is not None else None
        if inputs is None:
            return self.template.render(context)
        shape, values, overrides = inputs
        key = (shape, context.get("base_url"))
        if key not in self.shells and len(self.shells) < MAX_SHAPES:
            self.shells[key] = self.make_shell(context, StandIn(page, overrides), values.keys())
        shell = self.shells.get(key)
        if shell is None:
            return self.template.render(context)
        output = shell.fill(values)
        if shell.due_for_check():
            expected = self.template.render(context)
            if output != expected:
                at = max(0, next((n for n, (a, b) in enumerate(zip(output, expected, strict=False)) if a != b), 0) - 80)
                log.debug("page shells: %s differs after %d: %r", page.file.src_uri, at, expected[at : at + 160])
                if shell.pages > CHECKED_FIRST:
                    log.warning(
                        "page shells: %s differs from its shape's shell; its shape's earlier pages are "
                        "rendered again by a build with %s=0",
                        page.file.src_uri,
                        SHELLS_VARIABLE,
                    )
                self.shells[key] = None
                return expected
        self.filled += 1
        return output

    def make_shell(self, context: dict[str, Any], stand_in: StandIn, names: Collection[str]) -> Shell | None:
        """The shape's shell, or None when the template does more with a value than print it (a
        comparison, arithmetic: a marker in its place may fail, or take another branch)."""
        try:
            output = self.template.render({**context, "page": stand_in})
        except Exception as error:  # the template's own, on a marker where it expected a value
            log.debug("page shells: the stand-in page could not be rendered: %r", error)
            return None
        return output_to_shell(output, names)

    def summary(self) -> str:
        shells = sum(shell is not None for shell in self.shells.values())
        left = len(self.shells) - shells
        return f"{self.filled:,} pages from {shells:,} shells ({left:,} shapes left to Jinja)"


def shells_enabled() -> bool:
    return os.environ.get(SHELLS_VARIABLE, "1") != "0"
