"""Atom feeds of the reports added to the archive, newest first: the whole archive, each region
(its sub-regions included) and each agency. A report's date in a feed is the day its source
joined the archive (reading/ledger.py), so a feed changes only when reports are added. Each feed
holds at most FEED_SIZE entries, so its size does not grow with the archive.
"""

from __future__ import annotations

import posixpath
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass

from .archive import Archive, ReportPage
from .comparisons import subtree_pages
from .labels import SITE_NAME
from .serialize import report_description
from .urls import HOME, page_url

FEED_SIZE = 30
FEED_NAME = "feed.xml"
ATOM = "http://www.w3.org/2005/Atom"


@dataclass(frozen=True)
class Feed:
    path: str  # site-relative, e.g. regions/410000/feed.xml
    title: str
    page: str  # the content page the feed belongs to
    entries: list[ReportPage]


def newest_added(pages: list[ReportPage]) -> list[ReportPage]:
    """The most recently added reports, newest first (then by page, for a stable order)."""
    dated = sorted(pages, key=lambda page: page.path)
    return sorted(dated, key=lambda page: page.report.added or "", reverse=True)[:FEED_SIZE]


def feed_path(page_path: str) -> str:
    """The feed beside a page: regions/410000.md → regions/410000/feed.xml; index.md → feed.xml."""
    return page_url(page_path) + FEED_NAME


def page_feed(name: str, page_path: str, pages: list[ReportPage]) -> Feed:
    return Feed(feed_path(page_path), f"{name}：最近收录的报告", page_path, newest_added(pages))


def archive_feeds(archive: Archive) -> list[Feed]:
    feeds = [page_feed(SITE_NAME, HOME, archive.pages)]
    subtrees = subtree_pages(archive)
    for code, entry in sorted(archive.regions.items()):
        feeds.append(page_feed(entry.name, entry.path, subtrees[code]))
    for agency in sorted(archive.agencies.values(), key=lambda agency: agency.id):
        feeds.append(page_feed(agency.name, agency.path, agency.pages))
    return feeds


def address(site_url: str, feed: Feed, target: str) -> str:
    """A site-relative address (a page's folder, or a file) as a feed gives it: absolute when the
    site's address is known, else relative to the feed (as Atom readers resolve it)."""
    if site_url:
        return site_url.rstrip("/") + "/" + target
    relative = posixpath.relpath(target or ".", posixpath.dirname(feed.path) or ".")
    return relative + "/" if target.endswith("/") or not target else relative


def atom_time(day: str | None) -> str:
    return f"{day or '2008-01-01'}T00:00:00Z"  # every report of a build has its day


def identity(site_url: str, feed: Feed, target: str) -> str:
    """A permanent id: the absolute address, or a URN of the site-relative one."""
    return address(site_url, feed, target) if site_url else f"urn:archive:{target}"


def feed_xml(feed: Feed, site_url: str, located: Callable[[ReportPage], str] | None = None) -> str:
    """The feed as Atom; `located(page)`: where a report is when it is on another site (a partition,
    for the portal's feed), absolute or relative to this site's root."""
    root = ET.Element("feed", {"xmlns": ATOM, "xml:lang": "zh-CN"})
    ET.SubElement(root, "title").text = feed.title
    ET.SubElement(root, "id").text = identity(site_url, feed, feed.path)
    page = address(site_url, feed, page_url(feed.page))
    ET.SubElement(root, "link", {"rel": "alternate", "type": "text/html", "href": page})
    ET.SubElement(root, "link", {"rel": "self", "href": address(site_url, feed, feed.path)})
    ET.SubElement(root, "updated").text = atom_time(max((p.report.added or "" for p in feed.entries), default=None))
    ET.SubElement(ET.SubElement(root, "author"), "name").text = SITE_NAME
    for report_page in feed.entries:
        url = page_url(report_page.path)
        entry = ET.SubElement(root, "entry")
        ET.SubElement(entry, "title").text = report_page.report.title
        href = address(site_url, feed, url) if located is None else located(report_page)
        # The report's own id: its address, or the URN its own site's feed gives it.
        ET.SubElement(entry, "id").text = href if "://" in href else f"urn:archive:{url}"
        ET.SubElement(entry, "link", {"rel": "alternate", "type": "text/html", "href": href})
        ET.SubElement(entry, "updated").text = atom_time(report_page.report.added)
        ET.SubElement(entry, "summary").text = report_description(report_page.report)
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def portal_feed_file(pages: list[ReportPage], located: Callable[[ReportPage], str], site_url: str) -> dict[str, str]:
    """The portal's feed: the reports added last to every partition, each linked on its own site."""
    return {FEED_NAME: feed_xml(page_feed(SITE_NAME, HOME, pages), site_url, located)}


def feed_files(archive: Archive, site_url: str) -> dict[str, str]:
    """Every feed, {content-relative path: Atom XML}."""
    return {feed.path: feed_xml(feed, site_url) for feed in archive_feeds(archive)}
