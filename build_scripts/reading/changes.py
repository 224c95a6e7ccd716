"""What changed in the archive from one build to the next, kept in the source folder
(`changes.csv`, beside the ledger of days added) so that a rebuild and a clean build of the same
folder publish the same changelog: each build compares the reports it publishes with the state
the log's events leave, and appends what differs, dated the day of the build. The maintainer
commits the file with the sources, as the ledger.

A source is followed by its path: it is `added` when its path is new (or its path was removed);
`moved` when a source of a path no longer read has its content under a new path; `corrected` when
its numbers changed (a corrected source, an override, a better reading); `replaced` when only its
file changed; `removed` when it is no longer published (deleted, or now failing to read).
A source the log has never seen is `added` on the day the ledger gives it, so that a log begun
after the archive lists every report on the day it joined.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from .ledger import csv_file_text, read_csv_file, write_if_changed

CHANGES_NAME = "changes.csv"
CHANGE_KINDS = ("added", "corrected", "replaced", "moved", "removed")


@dataclass(frozen=True)
class Change:
    day: str  # YYYY-MM-DD, the day of the build that saw it
    change: str  # one of CHANGE_KINDS
    path: str  # the source file, relative to the source folder
    sha256: str
    numbers: str  # a fingerprint of the report's numbers (empty once removed)
    report: str  # the report's id (its page's path) when it was published
    title: str
    previous: str = ""  # the source's earlier path (moved)


COLUMNS = tuple(Change.__dataclass_fields__)


@dataclass(frozen=True)
class Published:
    """A source as this build publishes it."""

    path: str
    sha256: str
    numbers: str
    report: str
    title: str
    added: str = ""  # the day the ledger says it joined the archive (ledger.py), if it has one


def read_changes(path: Path) -> tuple[list[Change], list[str]]:
    """The events of the log (none if there is none), and its problems."""
    rows, problems = read_csv_file(path, "the changelog starts again")
    changes = []
    for number, row in enumerate(rows, 2):
        try:
            change = Change(**{name: row[name] or "" for name in COLUMNS})
            date.fromisoformat(change.day)
            if change.change not in CHANGE_KINDS:
                raise ValueError(change.change)
            changes.append(change)
        except (ValueError, KeyError, TypeError):
            problems.append(f"{path.name} line {number}: not a change of the archive; ignored")
    return changes, problems


def live_sources(changes: list[Change]) -> dict[str, Change]:
    """The last event of each source the log leaves published, by path."""
    last: dict[str, Change] = {}
    for change in changes:
        if change.change == "moved":
            last.pop(change.previous, None)
        last[change.path] = change
    return {path: change for path, change in last.items() if change.change != "removed"}


def new_changes(published: list[Published], changes: list[Change], today: date) -> list[Change]:
    """What differs between the sources published now and the state the log leaves, dated today."""
    day = today.isoformat()
    live = live_sources(changes)
    ever = {change.path for change in changes}
    now = {source.path for source in published}
    gone: dict[str, list[Change]] = {}  # sources no longer read, by content: moved, or removed
    for path, change in sorted(live.items()):
        if path not in now:
            gone.setdefault(change.sha256, []).append(change)
    found = []
    for source in sorted(published, key=lambda source: source.path):
        event = Change(day, "", source.path, source.sha256, source.numbers, source.report, source.title)
        before = live.get(source.path)
        if before is None:
            moved_from = gone[source.sha256].pop(0) if gone.get(source.sha256) else None
            if moved_from is not None:
                found.append(replace(event, change="moved", previous=moved_from.path))
            else:  # a source new to the log is dated as the ledger dates it (a log begun late)
                first = source.added if source.added and source.path not in ever else day
                found.append(replace(event, day=first, change="added"))
        elif before.numbers != source.numbers:
            found.append(replace(event, change="corrected"))
        elif before.sha256 != source.sha256 or before.report != source.report:
            found.append(replace(event, change="replaced"))
    for change in (change for left in gone.values() for change in left):
        found.append(replace(change, day=day, change="removed", numbers="", previous=""))
    return found


def changes_text(changes: list[Change]) -> str:
    return csv_file_text(COLUMNS, ([getattr(change, name) for name in COLUMNS] for change in changes))


def write_changes(path: Path, changes: list[Change]) -> str | None:
    """Write the log if it changed; a problem if it cannot be written (a read-only folder)."""
    written = f"{len(changes)} changes of the archive recorded"
    return write_if_changed(path, changes_text(changes), written, "this build's changes are not kept for the next")
