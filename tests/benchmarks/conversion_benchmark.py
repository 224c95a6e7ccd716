"""Conversion benchmark (issue 17), `make bench-conversion`, or
`python -m tests.benchmarks.conversion_benchmark [engines N [pdf]] [incremental N ADDED]`.
Figures, not pass/fail; run on a quiet machine.

- `engines N [pdf]` (default 1,000): the same N synthetic reports (or text PDFs) converted by the process pool (a build
  without the cache, two processes) and by a local Dask cluster of two workers (a build with an empty
  cache): seconds for each, their ratio, whether content/ and site/ are the same bytes, the cluster's
  start, and the engine's cost per report (no-op tasks in the batches conversion sends).
- `incremental N ADDED` (default 10,000 and 100): a build of N reports with an empty cache, then
  ADDED more reports and a rebuild: seconds per stage for both, and the rebuild's conversion as a
  share of the first build's.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import sys
import tempfile
import time
from pathlib import Path

from build_scripts.build import BuildOptions, build
from build_scripts.cluster import ClusterChoice, connected, run_on_cluster
from build_scripts.conversion import ConversionTask, batches_of

from .synthetic_corpus import make_corpus

REPO = Path(__file__).resolve().parents[2]
STAGES = ("conversion", "prepare", "browse", "publish", "mkdocs", "pagefind", "total")
STAGE_NAMES = ("conversion", "loading", "planning", "writing", "MkDocs", "Pagefind", "total")


def tree_digest(*folders: Path) -> str:
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def timed_build(root: Path, name: str, index: bool = False, **options: object) -> tuple[dict[str, float], str]:
    settings = BuildOptions(
        source_dir=root / "reports",
        content_dir=root / name / "content",
        site_dir=root / name / "site",
        config_file=REPO / "mkdocs.yml",
        index=index,
        dashboard=None,
        **options,
    )
    result = build(settings)
    return result.timings, tree_digest(settings.content_dir, settings.site_dir)


def noop(shared: None, batch: list[ConversionTask]) -> list[None]:
    return [None for _ in batch]


def engine_cost(count: int) -> tuple[float, float]:
    """Seconds to start a local cluster of two workers, and the engine's seconds per report
    (no-op tasks in the batches conversion would send for `count` text sources)."""
    tasks = [ConversionTask(Path(f"{n}.txt"), f"{n}.txt", f"{n:064d}") for n in range(count)]
    choice = ClusterChoice("local", workers=2, dashboard=None)
    start = time.perf_counter()
    with connected(choice):
        started = time.perf_counter() - start
    start = time.perf_counter()
    for _ in run_on_cluster(choice, noop, None, batches_of(tasks, 2), key_of=lambda task: task.key):
        pass
    return started, (time.perf_counter() - start - started) / count


FIXTURES = REPO / "tests" / "fixtures"
TEXT_PDFS = [*sorted((FIXTURES / "pdf").glob("00[0-4]_*.pdf")), FIXTURES / "real" / "hongze-2024.pdf"]


def pdf_corpus(count: int, folder: Path) -> None:
    """`count` text PDFs: the printed fixtures and a real report, over and over, each in a folder of
    its own (the archive then holds second copies of the same reports; both engines alike)."""
    for n in range(count):
        (folder / f"{n:05d}").mkdir(parents=True)
        shutil.copy(TEXT_PDFS[n % len(TEXT_PDFS)], folder / f"{n:05d}" / "report.pdf")


def engines(count: int, kind: str = "text") -> None:
    with tempfile.TemporaryDirectory(prefix=f"bench-engines-{count}-") as folder:
        root = Path(folder)
        if kind == "pdf":
            pdf_corpus(count, root / "reports")
        else:
            make_corpus(count, root / "reports")
        pool, pool_bytes = timed_build(root, "pool", jobs=2, cache_dir=None)
        cluster, cluster_bytes = timed_build(root, "cluster", jobs=2, scheduler="local", cache_dir=root / "cache")
        started, per_report = engine_cost(count)
    pool_seconds = pool["prepare"]  # the pool converts as it reads
    cluster_seconds = cluster["conversion"] + cluster["prepare"]  # convert on the cluster, then load
    print(f"{count:,} {'text PDFs' if kind == 'pdf' else 'synthetic text reports'}, two processes each way:")
    print(f"  process pool (build --no-cache):       reading {pool_seconds:6.1f} s")
    print(
        f"  local Dask cluster (build --scheduler local): conversion {cluster['conversion']:.1f} s "
        f"+ loading {cluster['prepare']:.1f} s = {cluster_seconds:.1f} s"
    )
    print(f"  ratio cluster / pool: {cluster_seconds / pool_seconds:.2f}")
    print(f"  same bytes (content/ and site/): {pool_bytes == cluster_bytes} ({pool_bytes} / {cluster_bytes})")
    print(f"  cluster start: {started:.1f} s; engine cost per report: {per_report * 1000:.2f} ms")


def incremental(count: int, added: int) -> None:
    with tempfile.TemporaryDirectory(prefix=f"bench-incremental-{count}-") as folder:
        root = Path(folder)
        make_corpus(count + added, root / "all")
        sources = sorted(p for p in (root / "all").iterdir() if p.is_file())
        (root / "reports").mkdir()
        for path in sources[:count]:
            path.rename(root / "reports" / path.name)
        first, _ = timed_build(root, "out", index=True, cache_dir=root / "cache")
        for path in sources[count:]:
            path.rename(root / "reports" / path.name)
        second, _ = timed_build(root, "out", index=True, cache_dir=root / "cache")  # over the first build
        shutil.rmtree(root / "all")
    print(f"{count:,} synthetic reports with an empty cache, then {added:,} added:")
    print("  | build | " + " | ".join(STAGE_NAMES) + " |")
    print("  |" + "---|" * (len(STAGES) + 1))
    for name, timings in ((f"{count:,}", first), (f"+{added:,}", second)):
        print(f"  | {name} | " + " | ".join(f"{timings.get(stage, 0.0):.1f} s" for stage in STAGES) + " |")
    share = second["conversion"] / first["conversion"]
    print(f"  conversion of the rebuild: {share:.1%} of the first build's")


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    arguments = sys.argv[1:] or ["engines", "1000", "incremental", "10000", "100"]
    while arguments:
        kind = arguments.pop(0)
        if kind == "engines":
            count = int(arguments.pop(0)) if arguments and arguments[0].isdigit() else 1000
            engines(count, arguments.pop(0) if arguments and arguments[0] in ("text", "pdf") else "text")
        elif kind == "incremental":
            numbers = [int(arguments.pop(0)) for _ in range(2) if arguments and arguments[0].isdigit()]
            incremental(*(numbers + [10000, 100][len(numbers) :]))
        else:
            raise SystemExit(f"unknown benchmark {kind!r}: engines [N] or incremental [N ADDED]")


if __name__ == "__main__":
    main()
