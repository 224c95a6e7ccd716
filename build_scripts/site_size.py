"""How big the built site is, what takes the room, and whether it fits its host.

GitHub Pages publishes sites of at most 1 GB. The build counts every file of the site once (by
its own size, as the host stores it), sorts them into the parts a maintainer can act on, and
says so in the build report and the terminal; a site over its budget is a site warning, which
`--strict` turns into a failing exit.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

GITHUB_PAGES_LIMIT_MB = 1000  # "Published GitHub Pages sites may be no larger than 1 GB"
MB = 1_000_000

# (part, test on the site-relative path), first match wins.
PARTS = (
    ("report pages", lambda path: path.startswith("reports/") and path.endswith("/index.html")),
    ("report data (JSON)", lambda path: path.startswith("reports/") and path.endswith(".json")),
    ("originals", lambda path: path.startswith("reports/")),
    ("search index", lambda path: path.startswith("search-index/")),
    ("downloads", lambda path: path.startswith("data/") and not path.endswith(".html")),
    ("browse pages", lambda path: path.endswith(".html")),
)
OTHER = "assets, feeds and the rest"


def part_of(path: str) -> str:
    return next((name for name, matches in PARTS if matches(path)), OTHER)


@dataclass(frozen=True)
class SiteSize:
    """Bytes and files of each part of a site, and its budget in bytes."""

    parts: dict[str, tuple[int, int]]  # part -> (bytes, files)
    budget: int

    @property
    def total(self) -> int:
        return sum(size for size, _ in self.parts.values())

    @property
    def over_budget(self) -> bool:
        return self.total > self.budget

    def summary(self) -> str:
        """One line: the total against the budget, then the parts, largest first."""
        parts = sorted(self.parts.items(), key=lambda item: (-item[1][0], item[0]))
        listed = ", ".join(f"{name} {size / MB:,.1f} MB ({files:,} files)" for name, (size, files) in parts)
        return f"{self.total / MB:,.1f} MB of a {self.budget / MB:,g} MB budget: {listed}"

    def to_plain(self) -> dict[str, object]:
        return {
            "bytes": self.total,
            "budget": self.budget,
            "parts": {name: {"bytes": size, "files": files} for name, (size, files) in sorted(self.parts.items())},
        }


def measure_site(site_dir: Path, budget_mb: float = GITHUB_PAGES_LIMIT_MB) -> SiteSize:
    parts: dict[str, tuple[int, int]] = {}
    for relative, size in site_files(str(site_dir), ""):
        part = part_of(relative)
        total, files = parts.get(part, (0, 0))
        parts[part] = (total + size, files + 1)
    return SiteSize(parts, int(budget_mb * MB))


def site_files(folder: str, prefix: str) -> Iterator[tuple[str, int]]:
    """Every published file below folder, by its path from the site's root, with its size: with
    os.scandir and plain strings, since the build waits for this walk over every file it made."""
    with os.scandir(folder) as entries:
        for entry in entries:
            relative = prefix + entry.name
            if entry.is_dir():
                yield from site_files(entry.path, relative + "/")
            elif not entry.name.startswith("."):  # the build's own markers are never published
                yield relative, entry.stat().st_size


# What a report costs a site besides its original, measured on the 10,000-report build (README,
# Scale): its JSON 24 KB, its page 30 KB, its share of the search index 7 KB, of the browse pages
# 7 KB and of the downloads 4.6 KB. Used to foresee, before anything is written, whether the
# originals fit; the site is measured once built all the same.
BYTES_PER_REPORT = 73_000
ORIGINALS_MODES = ("auto", "copy", "link")


@dataclass(frozen=True)
class Original:
    page: str  # the report page it belongs to
    size: int
    has_address: bool  # the report names where it was published (原文链接)


def originals_to_link(originals: list[Original], budget: int, mode: str = "auto") -> set[str]:
    """The pages whose original is linked at its published address instead of copied: none
    ("copy"), every one with an address ("link"), or ("auto") the largest with an address, until the
    site is foreseen to fit its budget. An original without an address is always copied: it would
    otherwise be nowhere."""
    if mode == "copy":
        return set()
    linkable = sorted((o for o in originals if o.has_address), key=lambda o: (-o.size, o.page))
    if mode == "link":
        return {original.page for original in linkable}
    foreseen = BYTES_PER_REPORT * len(originals) + sum(original.size for original in originals)
    linked = set()
    for original in linkable:
        if foreseen <= budget:
            break
        linked.add(original.page)
        foreseen -= original.size
    return linked


def budget_warning(size: SiteSize) -> str | None:
    if not size.over_budget:
        return None
    largest = max(size.parts.items(), key=lambda item: item[1][0])[0]
    return (
        f"the site is {size.total / MB:,.1f} MB, over its budget of {size.budget / MB:,g} MB "
        f"(GitHub Pages publishes at most 1 GB); the largest part is the {largest}: see the site size "
        "in build-report.json, and the README on publishing a large archive"
    )
