"""Site benchmark: `python -m tests.benchmarks.site_benchmark [N ...]` (or `make bench-site`).

For each N (default 100 1000 10000) builds a synthetic corpus of N reports end to end and prints
the seconds and the peak memory (of the build and all its processes: MemorySampler) of each stage, the size of
the site, and the median and largest HTML page (report pages and all pages). With
`--partitions SIZE` the corpus is published as several sites (build_scripts/partitions.py): its
provinces, in code order, are grouped into partitions of at most SIZE reports (a province larger
than that is a partition alone), and it prints each partition's size and the portal's. It also
prints the build's CPU time (all processes) and the time of a fixed Python loop run just before:
on a shared virtual machine the same build varies by a quarter with the host's load.

Files deleted in the last minutes slow the making of new ones: on this machine's file system
(ext4 without a journal) each new file skips past every inode freed in the last one to six
minutes, and a build makes a hundred thousand files. So every run's folder is kept until the
last run is done, and the time to make FILE_PROBE files just before the build is printed too:
several times the usual (about 100 ms) means files were deleted shortly before (another build, a
test run), and the build's time is not comparable. Figures, not pass/fail.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import statistics
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import psutil
import yaml

if TYPE_CHECKING:
    from build_scripts.build import BuildResult

# The build's MkDocs and index processes are spawned, and a spawned process imports the module it
# was started from (this one) before its work: the build and the synthetic corpus (the readers)
# are imported where they are used, so that those processes import what they do under the CLI.

REPO = Path(__file__).resolve().parents[2]
STAGES = ("conversion", "prepare", "browse", "publish", "mkdocs", "index")  # in the order they run
GB = 1e9


def kib(size: float) -> str:
    return f"{size / 1024:.1f} KiB"


class MemorySampler:
    """The machine's memory in use (total less available) above what it was at the start, every
    0.2 s: on a quiet machine, the build's with all its processes, each shared page counted once
    (a sum of the processes' resident sizes counts a forked worker's pages twice; their
    proportional sizes are too slow to read this often)."""

    def __init__(self) -> None:
        self.samples: list[tuple[float, int]] = []
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.baseline = self.in_use()

    @staticmethod
    def in_use() -> int:
        memory = psutil.virtual_memory()
        return memory.total - memory.available

    def run(self) -> None:
        while not self.done.is_set():
            self.samples.append((time.perf_counter(), self.in_use() - self.baseline))
            self.done.wait(0.2)

    def __enter__(self) -> MemorySampler:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.done.set()
        self.thread.join()

    def peak(self, start: float, end: float) -> int:
        return max((size for at, size in self.samples if start <= at <= end), default=0)


def cpu_seconds() -> float:
    """CPU time of this process and of its children that ended (every worker has by the end)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def python_speed(steps: int = 5_000_000) -> float:
    """Seconds for a fixed pure-Python loop: a shared virtual machine's speed varies by a quarter
    from minute to minute, so a build's time means something only beside it."""
    start = time.perf_counter()
    total = 0
    for step in range(steps):
        total += step
    return time.perf_counter() - start


FILE_PROBE = 2_000


def file_speed(folder: Path, count: int = FILE_PROBE) -> float:
    """Seconds to make `count` small files in a new folder (left in place: deleting them would
    slow the build that follows, see above)."""
    folder.mkdir(parents=True)
    start = time.perf_counter()
    for number in range(count):
        (folder / f"{number}.txt").write_bytes(b"x" * 4096)
    return time.perf_counter() - start


def stage_peaks(sampler: MemorySampler, start: float, result: BuildResult) -> dict[str, int]:
    """Each stage's peak memory, from the stages' durations laid end to end from the start."""
    peaks, at = {}, start
    for name in STAGES:
        if name in result.timings:
            peaks[name] = sampler.peak(at, at + result.timings[name])
            at += result.timings[name]
    return peaks


def report_provinces(count: int, seed: int = 2026) -> Counter[str]:
    """How many of the corpus's reports lie in each province (as make_corpus places them)."""
    import random

    from build_scripts.reading.regions import load_divisions

    from .synthetic_corpus import AGENCY_KINDS, YEARS, places

    names = places(random.Random(seed))
    divisions = load_divisions()
    per_place = len(AGENCY_KINDS) * len(YEARS)
    return Counter(divisions.by_name[names[(index // per_place) % len(names)]][0].code[:2] for index in range(count))


def partition_plan(provinces: Counter[str], size: int) -> dict:
    """Provinces in code order, grouped greedily into partitions of at most `size` reports."""
    groups: list[list[str]] = [[]]
    counts = [0]
    for province in sorted(provinces):
        if groups[-1] and counts[-1] + provinces[province] > size:
            groups.append([])
            counts.append(0)
        groups[-1].append(province)
        counts[-1] += provinces[province]
    partitions = [{"name": f"p{n:02d}", "title": f"分站{n}", "regions": group} for n, group in enumerate(groups)]
    partitions[-1]["rest"] = True
    return {"portal": {"title": "全国"}, "partitions": partitions}


def synthetic_sources(count: int, root: Path, partition_size: int | None) -> Path | None:
    """A corpus of `count` reports in root/reports, and (with a partition size) the partitions
    file that publishes it as partitions of at most that many reports."""
    from .synthetic_corpus import make_corpus

    make_corpus(count, root / "reports")
    if not partition_size:
        return None
    plan_file = root / "partitions.yaml"
    plan = partition_plan(report_provinces(count), partition_size)
    plan_file.write_text(yaml.safe_dump(plan, allow_unicode=True), encoding="utf-8")
    return plan_file


def measure(count: int, partition_size: int | None, root: Path) -> None:
    from build_scripts.build import BuildOptions, build

    plan_file = synthetic_sources(count, root, partition_size)
    options = BuildOptions(
        source_dir=root / "reports",
        content_dir=root / "content",
        site_dir=root / "site",
        config_file=REPO / "mkdocs.yml",
        partitions=plan_file,
    )
    speed, files_seconds = python_speed(), file_speed(root / "probe")
    with MemorySampler() as sampler:
        start, cpu_start = time.perf_counter(), cpu_seconds()
        result = build(options)
        total, cpu = time.perf_counter() - start, cpu_seconds() - cpu_start
    files = [path for path in options.site_dir.rglob("*") if path.is_file()]
    pages = [path.stat().st_size for path in files if path.suffix == ".html"]
    reports = [p.stat().st_size for p in options.site_dir.glob("**/reports/**/index.html")]
    t = result.timings
    peaks = stage_peaks(sampler, start, result)
    stages = ", ".join(f"{name} {t[name]:.1f} s / {peaks[name] / GB:.1f} GB" for name in peaks)
    print(
        f"N={count:>7}  total {total:7.1f} s, peak {sampler.peak(start, start + total) / GB:.1f} GB  "
        f"({stages})  site {sum(p.stat().st_size for p in files) / 2**20:8.1f} MiB  "
        f"report page median {kib(statistics.median(reports))} max {kib(max(reports))}  "
        f"any page max {kib(max(pages))}  published {len(result.published):,}"
    )
    print(
        f"  CPU {cpu:.1f} s ({cpu / total:.2f} cores busy on average); this machine ran a "
        f"reference loop in {speed * 1000:.0f} ms and made {FILE_PROBE:,} files in "
        f"{files_seconds * 1000:.0f} ms before the build (compare runs by all three)"
    )
    for name, size in sorted(result.sizes.items()):
        print(f"  site {name or '(the one site)'}: {size.summary()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("counts", nargs="*", type=int, default=[100, 1000, 10000])
    parser.add_argument("--partitions", type=int, metavar="SIZE", help="partitions of at most SIZE reports")
    parser.add_argument(
        "--keep", action="store_true", help="leave the folders, to compare with a run that follows (delete them later)"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("mkdocs").setLevel(logging.ERROR)  # every sharded build's "dirty build" warning
    with contextlib.ExitStack() as folders:  # every run's folder removed after the last run (see above)
        for count in args.counts:
            if args.keep:
                folder = tempfile.mkdtemp(prefix=f"bench-{count}-")
                print(f"  (kept: {folder})")
            else:
                folder = folders.enter_context(tempfile.TemporaryDirectory(prefix=f"bench-{count}-"))
            measure(count, args.partitions, Path(folder))


if __name__ == "__main__":
    main()
