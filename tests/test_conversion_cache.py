"""Each source converted once: a build from the cache is byte for byte a clean build, and exactly
what changed is read again."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from build_scripts import conversion, conversion_cache, pipeline
from build_scripts.build import BuildOptions, build
from build_scripts.conversion_cache import ConversionCache, converter_version

from .conftest import REPORTS, SAMPLES
from .test_golden import files_below

SIDECAR = "url: https://www.example.gov.cn/zwgk/2024/nb.html\n"


@pytest.fixture
def sources(samples_and_a_pdf: Path) -> Path:
    return samples_and_a_pdf


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The sources the pipeline really reads (not taken from the cache), in this process."""
    seen: list[str] = []
    original_read, original_convert = pipeline.read_uncached, conversion.convert_into_cache

    def reading(settings, path):
        seen.append(path.name)
        return original_read(settings, path)

    def converting(settings, task):
        seen.append(task.path.name)
        return original_convert(settings, task)

    monkeypatch.setattr(pipeline, "read_uncached", reading)  # a build without the cache
    monkeypatch.setattr(conversion, "convert_into_cache", converting)  # with it
    return seen


def build_with(sources: Path, out: Path, cache: Path | None) -> dict[str, bytes]:
    options = BuildOptions(
        source_dir=sources, content_dir=out / "content", site_dir=out / "site", index=False, jobs=1, cache_dir=cache
    )
    build(options)
    return {**files_below(out / "content"), **{f"site/{k}": v for k, v in files_below(out / "site").items()}}


def test_a_build_from_the_cache_is_byte_for_byte_a_clean_build(sources: Path, tmp_path: Path, reads: list[str]) -> None:
    clean = build_with(sources, tmp_path / "clean", None)
    cache = tmp_path / "cache"
    first = build_with(sources, tmp_path / "first", cache)
    assert sorted(reads) == sorted([*(2 * [p.name for p in SAMPLES]), *(2 * ["printed.pdf"])])
    reads.clear()
    again = build_with(sources, tmp_path / "again", cache)
    assert reads == []  # nothing read again
    assert again == first == clean
    assert len(list(cache.rglob("*.pickle"))) == len(SAMPLES) + 1


def test_exactly_what_changed_is_read_again(sources: Path, tmp_path: Path, reads: list[str]) -> None:
    cache = tmp_path / "cache"
    build_with(sources, tmp_path / "first", cache)
    reads.clear()
    changed = sources / SAMPLES[0].name
    changed.write_text(changed.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # its bytes
    (sources / f"{SAMPLES[1].name}.meta.yaml").write_text(SIDECAR, encoding="utf-8")  # its sidecar
    shutil.move(sources / SAMPLES[2].name, sources / "renamed.txt")  # the name its report shows
    (sources / SAMPLES[3].name).unlink()  # gone: nothing to read
    build_with(sources, tmp_path / "second", cache)
    assert sorted(reads) == sorted([SAMPLES[0].name, SAMPLES[1].name, "renamed.txt"])
    # What is gone stays: a build of another folder with the same cache must not empty it.
    assert len(list(cache.rglob("*.pickle"))) == len(SAMPLES) + 1 + 3


def test_a_change_to_the_converter_converts_everything_again(
    sources: Path, tmp_path: Path, reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    build_with(sources, tmp_path / "first", cache)
    (cache / "ab").mkdir()  # the layout before converter folders
    (cache / "ab" / f"ab{'0' * 62}.pickle").write_bytes(b"an old entry")
    reads.clear()
    monkeypatch.setattr(conversion_cache, "converter_version", lambda: "0123456789abcdef" * 4)  # another converter
    build_with(sources, tmp_path / "second", cache)
    assert len(reads) == len(SAMPLES) + 1
    assert len(list(cache.rglob("*.pickle"))) == len(SAMPLES) + 1  # the older converter's entries dropped
    assert [folder.name for folder in cache.iterdir() if folder.is_dir()] == ["0123456789abcdef"]


def test_the_converter_version_is_a_hash_of_the_reading_code() -> None:
    from build_scripts.conversion_cache import PACKAGE

    converter_version.cache_clear()
    version = converter_version()
    assert len(version) == 64 and version == converter_version()
    covered = {
        path.relative_to(PACKAGE).as_posix()
        for pattern in conversion_cache.CONVERTER_FILES
        for path in PACKAGE.glob(pattern)
    }
    assert {"model.py", "forms.py", "reading/tables.py", "reading/readers/scan.py", "data/divisions.csv"} <= covered


def test_a_damaged_entry_is_a_miss_and_a_pipe_has_no_key(tmp_path: Path) -> None:
    cache = ConversionCache(tmp_path / "cache")
    source = REPORTS / SAMPLES[0].name
    key = cache.key(source, source.name)
    assert key and cache.get(key) is None
    Path(cache.entry(key)).parent.mkdir(parents=True)
    Path(cache.entry(key)).write_bytes(b"not a pickle")
    assert cache.get(key) is None
    import os

    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    assert cache.key(fifo, fifo.name) is None  # hashing it would block the build


def test_a_source_whose_file_did_not_change_is_not_hashed_again(
    sources: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Like git's index: a source's digest is remembered with its size, times and inode."""
    from build_scripts.conversion import source_keys

    hashed: list[str] = []
    original = conversion_cache.content_digest
    monkeypatch.setattr(conversion_cache, "content_digest", lambda path: hashed.append(path.name) or original(path))
    cache = ConversionCache(tmp_path / "cache")
    paths = sorted(sources.iterdir())
    first = source_keys(paths, sources, cache)
    assert sorted(hashed) == sorted(path.name for path in paths)
    hashed.clear()
    assert source_keys(paths, sources, cache) == first and hashed == []
    changed = sources / SAMPLES[0].name
    data = changed.read_bytes()
    changed.write_bytes(data[:-1] + (b"\n" if data[-1:] != b"\n" else b" "))  # the same size, other bytes
    third = source_keys(paths, sources, cache)
    assert hashed == [changed.name] and third[changed] != first[changed]
