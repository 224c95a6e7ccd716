"""The README cannot drift from the command line and the Makefile it documents."""

from __future__ import annotations

import argparse
import contextlib
import io
import re

import pytest

from build_scripts.cli import main, parser

from .conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def subcommands() -> list[str]:
    """The subcommands as the parser itself defines them."""
    actions = [a for a in parser()._actions if isinstance(a, argparse._SubParsersAction)]
    return sorted(actions[0].choices)


def help_text(*args: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """`python -m build_scripts … --help`, run in this process through the CLI's own main()."""
    monkeypatch.setenv("COLUMNS", "100")
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit) as stopped:
        main([*args, "--help"])
    assert stopped.value.code == 0
    return out.getvalue()


def test_readme_shows_the_current_help(monkeypatch: pytest.MonkeyPatch) -> None:
    assert help_text(monkeypatch=monkeypatch).strip() in README, (
        "paste `COLUMNS=100 python -m build_scripts --help` into README.md"
    )


@pytest.mark.parametrize("command", subcommands())
def test_every_subcommand_has_help_and_an_example(command: str, monkeypatch: pytest.MonkeyPatch) -> None:
    top = help_text(monkeypatch=monkeypatch)
    assert f"python -m build_scripts {command}" in top.split("examples:")[1]
    assert help_text(command, monkeypatch=monkeypatch).strip()


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


def test_findings_are_added_in_one_place() -> None:
    """Stages add findings through Report.add_findings / replace_findings (model.py); only the
    pipeline hands a report the findings its plan recorded."""
    writes = re.compile(r"\.findings\s*(?:=|\+=)|\.findings\.(?:append|extend|insert)")
    found = [
        f"{path.relative_to(REPO)}:{number}"
        for path in sorted((REPO / "build_scripts").rglob("*.py"))
        if path.name not in {"model.py", "pipeline.py"}
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if writes.search(line)
    ]
    assert found == []
