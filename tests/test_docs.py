"""The README cannot drift from the command line and the Makefile it documents."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from .conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def help_text(*args: str) -> str:
    env = {**os.environ, "COLUMNS": "100"}
    command = [sys.executable, "-m", "build_scripts", *args, "--help"]
    return subprocess.run(command, check=True, capture_output=True, text=True, env=env, cwd=REPO).stdout


def test_readme_shows_the_current_help() -> None:
    assert help_text().strip() in README, "paste `COLUMNS=100 python -m build_scripts --help` into README.md"


def test_every_subcommand_has_examples_in_the_help() -> None:
    top = help_text()
    for command in ("build", "convert", "serve"):
        assert f"python -m build_scripts {command}" in top.split("examples:")[1]


def test_every_make_target_in_the_readme_exists() -> None:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z-]+):", makefile, re.M))
    mentioned = set(re.findall(r"`make ([a-z-]+)", README))
    assert {"site", "serve", "test", "golden"} <= mentioned
    assert mentioned <= targets


def test_ci_runs_the_readme_test_command() -> None:
    assert "make test" in (REPO / ".ci" / "run").read_text(encoding="utf-8")


def test_the_format_table_lists_every_file_type_read() -> None:
    from build_scripts.reading.readers import READERS

    table = README.split("| form | read as |")[1].split("\n\n")[0]
    assert all(f"`{suffix}`" in table for suffix in READERS)


def test_the_code_layout_lists_every_module() -> None:
    """Every module of build_scripts is in the README's code-layout table, and nothing else is."""
    table = README.split("## Code layout")[1].split("\n## ")[0]
    listed = set(re.findall(r"`(build_scripts/[\w/]+\.py)`", table))
    modules = {
        path.relative_to(REPO).as_posix()
        for path in (REPO / "build_scripts").rglob("*.py")
        if path.name != "__init__.py" or "def " in path.read_text(encoding="utf-8")  # not a docstring only
    }
    assert listed == modules


def test_every_path_the_readme_names_exists() -> None:
    named = set(re.findall(r"`((?:build_scripts|tests|templates)/[\w/.-]*\w)`", README))
    assert named and [path for path in sorted(named) if not (REPO / path).exists()] == []
