"""A build interrupted at random moments (kill -9, SIGTERM, Ctrl-C) leaves the site it had or the
new one, never half of one; every process it started ends with it; and the next build runs and
writes exactly what an uninterrupted build writes (issue 14)."""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from build_scripts.guard import SCRATCH_PREFIX, process_runs
from build_scripts.outputs import OutputFolder

from .conftest import PDF_FIXTURES, REPO, REPORTS, WEB_FIXTURES, WORD_FIXTURES, source_folder

KILLS = 6
SIGNALS = (signal.SIGKILL, signal.SIGKILL, signal.SIGTERM, signal.SIGINT)


def every_kind_of_source(folder: Path) -> Path:
    """Every kind of source, so that workers, reader children, LibreOffice (if installed), MkDocs
    shards and the search index all run at some point of the build."""
    samples = sorted(REPORTS.glob("*.txt"))
    words = [path for path in WORD_FIXTURES if path.suffix != ".doc" or shutil.which("soffice")]
    return source_folder(folder, [*samples, *WEB_FIXTURES, *words, PDF_FIXTURES[0]])


def build_command(source: Path, out: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "build_scripts",
        "build",
        "--source",
        str(source),
        "--content",
        str(out / "content"),
        "--site",
        str(out / "site"),
        "--jobs",
        "2",
        "--no-cache",  # every build reads every source: the reader children and LibreOffice run each time
    ]


def start_build(source: Path, out: Path) -> subprocess.Popen:
    # A session of its own: every process the build starts can be found by its session id.
    return subprocess.Popen(
        build_command(source, out), cwd=REPO, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


def tree_digest(folder: Path) -> dict[str, str] | None:
    if not folder.exists():
        return None
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def session_members(session: int) -> list[str]:
    """The processes still running in a session: '<pid> <command>'."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue  # ended while we looked
        fields = text[text.rindex(")") + 2 :].split()
        if int(fields[3]) == session and fields[0] != "Z":
            members.append(f"{stat.parent.name} {text[text.index('(') + 1 : text.rindex(')')]}")
    return members


def wait_until_session_ends(session: int, seconds: float = 15.0) -> list[str]:
    deadline = time.monotonic() + seconds
    while (members := session_members(session)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return members


def abandoned_scratch() -> list[Path]:
    folders = Path(tempfile.gettempdir()).glob(f"{SCRATCH_PREFIX}*-*")
    return [f for f in folders if not process_runs(int(f.name.removeprefix(SCRATCH_PREFIX).split("-")[0]))]


def hidden_entries(folder: Path) -> set[str]:
    return {path.name for path in folder.iterdir() if path.name.startswith(".")} if folder.exists() else set()


def test_a_build_interrupted_at_any_moment_leaves_the_next_build_able_to_run(tmp_path: Path) -> None:
    source = every_kind_of_source(tmp_path / "reports")
    out = tmp_path / "out"
    started = time.monotonic()
    first = start_build(source, out)
    assert first.wait(timeout=600) == 0, first.stderr.read().decode() if first.stderr else ""
    duration = time.monotonic() - started
    expected_content, expected_site = tree_digest(out / "content"), tree_digest(out / "site")
    assert expected_site and "build-report.json" in expected_site

    moments = random.Random(14).sample(range(5, 100), KILLS)  # percent of a whole build's time
    for moment, stop in zip(moments, SIGNALS * KILLS, strict=False):
        left_before = hidden_entries(out)  # what a killed build left, for this one to remove
        build = start_build(source, out)
        time.sleep(duration * moment / 100)
        os.kill(build.pid, stop)
        build.wait(timeout=120)
        leftover = wait_until_session_ends(build.pid)
        assert not leftover, f"still running after {stop.name} at {moment}% of the build: {leftover}"
        # The folders people use are the last complete build, or absent for the instant of the swap.
        assert tree_digest(out / "site") in (expected_site, None), f"half a site after {stop.name} at {moment}%"
        assert tree_digest(out / "content") in (expected_content, None), f"half a content folder at {moment}%"
        if stop != signal.SIGKILL:  # an orderly stop removes its half-built folders itself
            # (a stop before the build reached its folders leaves a killed build's as they were)
            assert hidden_entries(out) <= left_before, f"left by a {stop.name} at {moment}%"

    again = start_build(source, out)
    assert again.wait(timeout=600) == 0, again.stderr.read().decode() if again.stderr else ""
    assert tree_digest(out / "content") == expected_content
    assert tree_digest(out / "site") == expected_site
    assert sorted(path.name for path in out.iterdir()) == ["content", "site"]
    assert abandoned_scratch() == []


def folder_with(path: Path, name: str) -> Path:
    path.mkdir(parents=True)
    (path / name).write_text(name, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("left", "kept"),
    [
        # the moment a random stop found: the new folder in place, the old one half removed
        ({"target": "new", "retired": "old"}, "new"),
        # between the swap's two renames: the old folder gets its name back
        ({"retired": "old", "staging": "new"}, "old"),
    ],
)
def test_a_stop_during_the_swap_leaves_one_folder_by_its_name(tmp_path: Path, left: dict[str, str], kept: str) -> None:
    folder = OutputFolder(tmp_path / "content")
    for place, name in left.items():
        folder_with(getattr(folder, place), name)
    folder.discard()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["content"]
    assert (folder.target / kept).exists()
