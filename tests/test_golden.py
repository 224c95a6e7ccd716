"""Golden tests: every sample report converts to exactly the stored page and data.

After an intended change to parsing or templates, regenerate with `make golden` and review the
diff of tests/golden/ before committing it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .conftest import (
    BLANKS_FIXTURE,
    FIXTURES,
    PAGE_BREAKS_FIXTURE,
    PDF_FIXTURES,
    REAL_FIXTURES,
    REPO,
    SAMPLES,
    TYPE3_FIXTURE,
    UNRULED_FIXTURE,
    WEB_FIXTURES,
    WORD_FIXTURES,
)

GOLDEN = REPO / "tests" / "golden"
GOLDEN_WEB = [path for path in WEB_FIXTURES if path.name[0].isdigit()]  # the pages that hold a report
GOLDEN_WORD = [path for path in WORD_FIXTURES if path.suffix == ".docx"]  # .doc/.wps: the same document


def files_below(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The same two commands as `make golden`: the text sources, then the PDF fixtures."""
    out = tmp_path_factory.mktemp("converted")
    jobs = (
        ([*SAMPLES, *FIXTURES], out),
        (PDF_FIXTURES, out / "pdf"),
        ([UNRULED_FIXTURE], out / "pdf-unruled"),
        ([BLANKS_FIXTURE], out / "pdf-blanks"),
        ([PAGE_BREAKS_FIXTURE], out / "pdf-pagebreaks"),
        ([TYPE3_FIXTURE], out / "pdf-type3"),
        (REAL_FIXTURES, out / "real"),
        (GOLDEN_WEB, out / "web"),
        (GOLDEN_WORD, out / "word"),
    )
    for sources, folder in jobs:
        command = [
            sys.executable,
            "-m",
            "build_scripts",
            "convert",
            *map(str, sources),
            "--pretty-json",
            "--out",
            str(folder),
        ]
        subprocess.run(command, check=True, cwd=REPO, capture_output=True)
    return files_below(out)


def test_every_sample_has_a_golden_page_and_data(converted: dict[str, bytes]) -> None:
    pages = [name for name in converted if name.endswith(".md")]
    data = [name for name in converted if name.endswith(".json")]
    sources = [
        *SAMPLES,
        *FIXTURES,
        *PDF_FIXTURES,
        UNRULED_FIXTURE,
        BLANKS_FIXTURE,
        PAGE_BREAKS_FIXTURE,
        TYPE3_FIXTURE,
        *REAL_FIXTURES,
        *GOLDEN_WEB,
        *GOLDEN_WORD,
    ]
    assert len(pages) == len(sources) == len(data)
    assert sorted(converted) == sorted(files_below(GOLDEN)), "run `make golden` and review the diff"


@pytest.mark.parametrize("name", sorted(files_below(GOLDEN)))
def test_converted_file_matches_golden(name: str, converted: dict[str, bytes]) -> None:
    expected = (GOLDEN / name).read_text(encoding="utf-8")
    actual = converted.get(name, b"").decode("utf-8")
    assert actual == expected, f"{name} differs from tests/golden; run `make golden` if the change is intended"


@pytest.mark.parametrize("name", sorted(n for n in files_below(GOLDEN) if n.endswith(".md")))
def test_golden_front_matter_names_its_source(name: str) -> None:
    text = (GOLDEN / name).read_text(encoding="utf-8")
    meta = yaml.safe_load(text.split("---\n")[1])
    data = json.loads((GOLDEN / name.replace(".md", ".json")).read_text(encoding="utf-8"))
    folders = [REPO / "reports", REPO / "tests/fixtures"] + [
        REPO / "tests/fixtures" / f for f in ("pdf", "real", "web", "word")
    ]
    assert any((folder / meta["source"]["path"]).exists() for folder in folders)
    assert meta["source"]["sha256"] == data["source"]["sha256"]
    assert [s["title"] for s in meta["sections"]] == [s["title"] for s in data["sections"]]
    assert {"title", "agency", "year", "region", "format", "source", "sections"} <= set(meta)
