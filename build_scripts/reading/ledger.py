"""The day each source joined the archive, kept in the source folder (`added.csv`) so that it
stays the same on every rebuild: the build adds the sources it has not seen with the day of the
build and writes the file back; the maintainer commits it with the sources. A source is known by
its content (SHA-256) first, so that moving or renaming it keeps its day, then by its path.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

log = logging.getLogger(__name__)

LEDGER_NAME = "added.csv"
COLUMNS = ("path", "sha256", "added")


@dataclass(frozen=True)
class LedgerEntry:
    path: str
    sha256: str
    added: str  # YYYY-MM-DD


def read_csv_file(path: Path, lost: str) -> tuple[list[dict[str, str]], list[str]]:
    """The rows of a CSV file the build keeps in the source folder (none if there is none), or a
    problem saying what is `lost` when it cannot be read."""
    if not path.is_file():
        return [], []
    try:
        return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")))), []
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        return [], [f"{path.name} cannot be read ({error}); {lost}"]


def read_ledger(path: Path) -> tuple[list[LedgerEntry], list[str]]:
    """The entries of the ledger file (none if there is none), and its problems."""
    rows, problems = read_csv_file(path, "every source counts as added today")
    entries = []
    for number, row in enumerate(rows, 2):
        try:
            day = date.fromisoformat(row.get("added") or "").isoformat()
            entries.append(LedgerEntry(row["path"] or "", row["sha256"] or "", day))
        except (ValueError, KeyError, TypeError):
            problems.append(f"{path.name} line {number}: not a path, a SHA-256 and a date YYYY-MM-DD; ignored")
    return entries, problems


def days_added(
    sources: list[tuple[str, str]], entries: list[LedgerEntry], today: date
) -> tuple[dict[str, str], list[LedgerEntry]]:
    """The day each (path, sha256) source was added, and the ledger as it should now be: every
    entry it had, with each source's current path and hash, plus the new ones dated today."""
    by_hash = {entry.sha256: entry for entry in entries}
    by_path = {entry.path: entry for entry in entries}
    days: dict[str, str] = {}
    current: dict[str, LedgerEntry] = {}
    for path, sha256 in sources:
        known = by_hash.get(sha256) or by_path.get(path)
        day = known.added if known else today.isoformat()
        days[path] = day
        current[path] = LedgerEntry(path, sha256, day)
    hashes = {entry.sha256 for entry in current.values()}
    # Entries of sources not read this time stay: a source removed and put back keeps its day.
    kept = [entry for entry in entries if entry.path not in current and entry.sha256 not in hashes]
    return days, sorted([*kept, *current.values()], key=lambda entry: entry.path)


def csv_file_text(columns: tuple[str, ...], rows: Iterable[Iterable[str]]) -> str:
    """A file the build keeps in the source folder, as CSV with a header (ledger, changelog)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue()


def ledger_text(entries: list[LedgerEntry]) -> str:
    return csv_file_text(COLUMNS, ((entry.path, entry.sha256, entry.added) for entry in entries))


def write_if_changed(path: Path, text: str, written: str, lost: str) -> str | None:
    """Write a file of the source folder if its text changed, logging what was `written`; a
    problem saying what is `lost` if it cannot be written (a read-only folder)."""
    try:
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            return None
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        return f"{path.name} cannot be written ({error}); {lost}"
    log.info("%s: %s", path.name, written)
    return None


def write_ledger(path: Path, entries: list[LedgerEntry]) -> str | None:
    """Write the ledger if it changed; a problem if it cannot be written."""
    written = f"{len(entries)} sources recorded with the day they were added"
    return write_if_changed(path, ledger_text(entries), written, "the days added are not kept for the next build")
