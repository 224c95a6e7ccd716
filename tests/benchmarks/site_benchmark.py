"""Site benchmark: `python -m tests.benchmarks.site_benchmark [N ...]` (or `make bench-site`).

For each N (default 100 1000 10000) builds a synthetic corpus of N reports end to end and prints
the seconds spent converting, in MkDocs and writing the search index, the total size of the site, and the
median and largest HTML page (report pages and all pages). Figures, not pass/fail.
"""

from __future__ import annotations

import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

from build_scripts.build import BuildOptions, build

from .synthetic_corpus import make_corpus

REPO = Path(__file__).resolve().parents[2]


def kib(size: float) -> str:
    return f"{size / 1024:.1f} KiB"


def measure(count: int) -> None:
    with tempfile.TemporaryDirectory(prefix=f"bench-{count}-") as folder:
        root = Path(folder)
        make_corpus(count, root / "reports")
        options = BuildOptions(
            source_dir=root / "reports",
            content_dir=root / "content",
            site_dir=root / "site",
            config_file=REPO / "mkdocs.yml",
        )
        start = time.perf_counter()
        result = build(options)
        total = time.perf_counter() - start
        files = [path for path in options.site_dir.rglob("*") if path.is_file()]
        pages = [path.stat().st_size for path in files if path.suffix == ".html"]
        reports = [p.stat().st_size for p in (options.site_dir / "reports").rglob("index.html")]
        t = result.timings
        print(
            f"N={count:>6}  total {total:7.1f} s  convert {t['convert']:6.1f} s "
            f"(prepare {t['prepare']:.1f}, browse {t['browse']:.1f}, publish {t['publish']:.1f})  "
            f"mkdocs {t['mkdocs']:6.1f} s  "
            f"search index {t.get('index', 0):6.1f} s  site {sum(p.stat().st_size for p in files) / 2**20:8.1f} MiB  "
            f"report page median {kib(statistics.median(reports))} max {kib(max(reports))}  "
            f"any page max {kib(max(pages))}  published {len(reports)}"
        )


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    for count in [int(arg) for arg in sys.argv[1:]] or [100, 1000, 10000]:
        measure(count)


if __name__ == "__main__":
    main()
