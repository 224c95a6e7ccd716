"""Command line: `python -m build_scripts {build,convert,serve}`."""

from __future__ import annotations

import argparse
import contextlib
import logging
import signal
import sys
from pathlib import Path

from .build import DEFAULT_CACHE_DIR, BuildError, BuildOptions, build, build_report_text
from .convert import convert
from .guard import Limits
from .serve import make_server, normalize_base_path
from .site.sql_engine import ENGINE_NAME, ENGINE_VERSION, install_engine
from .site_size import ORIGINALS_MODES
from .stats import stats_table

log = logging.getLogger("build_scripts")

EPILOG = """\
examples:
  python -m build_scripts build                      # reports/ -> content/ -> site/ (+ search index)
  python -m build_scripts build --strict             # fail (exit 1) if any source failed or has findings
  python -m build_scripts build --source my-reports --site /tmp/site
  python -m build_scripts build --partitions partitions.yaml  # site/<partition>/ … and site/portal/
  python -m build_scripts build --scheduler tcp://10.0.0.5:8786 --cache s3://bucket/conversions
  python -m build_scripts convert reports/*.txt --out /tmp/converted
  python -m build_scripts stats reports/*            # cells read, blank, uncertain; failed checks
  python -m build_scripts install-engine             # sql.js-httpvfs from npm into .cache/ (make site runs it)
  python -m build_scripts serve --base-path /archive/  # preview site/ at http://127.0.0.1:8000/archive/
"""


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="python -m build_scripts",
        description="Build the archive of 政府信息公开工作年度报告 as a static, searchable site.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    root.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")

    build_cmd = commands.add_parser("build", help="convert every source, build the site and its search index")
    build_cmd.add_argument("--source", type=Path, default=BuildOptions.source_dir, help="folder of source reports")
    build_cmd.add_argument("--content", type=Path, default=BuildOptions.content_dir, help="generated Markdown")
    build_cmd.add_argument("--site", type=Path, default=BuildOptions.site_dir, help="built site")
    build_cmd.add_argument("--config", type=Path, default=BuildOptions.config_file, help="MkDocs configuration")
    build_cmd.add_argument(
        "--overrides",
        type=Path,
        default=None,
        help="maintainer's metadata corrections (default: SOURCE/overrides.yaml)",
    )
    build_cmd.add_argument("--strict", action="store_true", help="exit 1 when any source failed or has findings")
    build_cmd.add_argument("--no-index", action="store_true", help="skip the search index")
    build_cmd.add_argument(
        "--partitions",
        type=Path,
        metavar="FILE",
        help="publish as several sites, by region (a YAML plan: see the README): site/<name>/ for each "
        "partition and the portal",
    )
    build_cmd.add_argument(
        "--originals",
        choices=ORIGINALS_MODES,
        default=BuildOptions.originals,
        help="copy each original beside its page, link it at its published address (原文链接) instead, or "
        "'auto': link the largest when the site would not fit its size budget otherwise",
    )
    build_cmd.add_argument(
        "--size-budget",
        type=float,
        default=BuildOptions.size_budget_mb,
        metavar="MB",
        help="warn (fail with --strict) when the site is larger: GitHub Pages publishes at most 1 GB",
    )
    build_cmd.add_argument(
        "--site-url",
        default=BuildOptions().site_url,
        metavar="URL",
        help="where the site is published: canonical URLs, sitemap, citations (default: $ARCHIVE_SITE_URL)",
    )
    build_cmd.add_argument(
        "--feedback-url",
        default=BuildOptions().feedback_url,
        metavar="URL",
        help="where readers report an error, e.g. the repository's issues (default: $ARCHIVE_FEEDBACK_URL)",
    )
    build_cmd.add_argument(
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help="processes (default: one per core, for a large archive)",
    )
    build_cmd.add_argument(
        "--cache",
        default=str(DEFAULT_CACHE_DIR),
        metavar="DIR",
        help="reports already read, reused while source and converter are unchanged: a folder or an fsspec URL "
        "(s3://…) (default: .cache/conversions)",
    )
    build_cmd.add_argument("--no-cache", action="store_true", help="read every source again, keeping nothing")
    build_cmd.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="convert on the Dask cluster at ADDRESS (tcp://…), or 'local' (default: $DASK_SCHEDULER_ADDRESS, "
        "else a local cluster when there is enough to convert)",
    )
    build_cmd.add_argument(
        "--dashboard",
        default=BuildOptions.dashboard,
        metavar="ADDRESS",
        help="a local cluster's dashboard, host:port ('' for none; default: %(default)s)",
    )
    build_cmd.add_argument(
        "--time-limit", type=float, default=Limits.seconds, metavar="SECONDS", help="per source; past it, it fails"
    )
    build_cmd.add_argument(
        "--memory-limit", type=int, default=Limits.memory_mb, metavar="MB", help="per source; past it, it fails"
    )

    convert_cmd = commands.add_parser("convert", help="convert source files to Markdown pages and JSON")
    convert_cmd.add_argument("files", nargs="+", type=Path, metavar="FILE")
    convert_cmd.add_argument("--out", type=Path, required=True, help="folder for the pages and JSON")
    convert_cmd.add_argument("--pretty-json", action="store_true", help="indent the JSON (as the golden files are)")

    stats_cmd = commands.add_parser("stats", help="print how much of each report's tables was read")
    stats_cmd.add_argument("files", nargs="+", type=Path, metavar="FILE")

    commands.add_parser("install-engine", help="install the SQL page's engine")

    serve_cmd = commands.add_parser("serve", help="serve the built site locally")
    serve_cmd.add_argument("--site", type=Path, default=BuildOptions.site_dir)
    serve_cmd.add_argument("--port", type=int, default=8000)
    serve_cmd.add_argument("--base-path", default="/", help="serve under a sub-path, as GitHub Pages does")
    return root


def run_build(args: argparse.Namespace) -> int:
    options = BuildOptions(
        source_dir=args.source,
        content_dir=args.content,
        site_dir=args.site,
        config_file=args.config,
        overrides_file=args.overrides,
        strict=args.strict,
        index=not args.no_index,
        jobs=args.jobs,
        site_url=args.site_url,
        feedback_url=args.feedback_url,
        limits=Limits(seconds=args.time_limit, memory_mb=args.memory_limit),
        cache_dir=None if args.no_cache else args.cache,
        scheduler=args.scheduler,
        dashboard=args.dashboard or None,
        size_budget_mb=args.size_budget,
        partitions=args.partitions,
        originals=args.originals,
    )
    result = build(options)
    report_path = options.site_dir / "build-report.json"
    log.info("build report (every source in %s):\n%s", report_path, build_report_text(result, report_path))
    return result.exit_code(options.strict)


def run_convert(args: argparse.Namespace) -> int:
    outcomes = convert(args.files, args.out, pretty_json=args.pretty_json)
    for outcome in outcomes:
        if outcome.status == "published":
            log.info("ok      %s -> %s", outcome.source, args.out / (outcome.page or ""))
        else:
            log.error("FAILED  %s: %s", outcome.source, outcome.reason)
    return 1 if any(outcome.status == "failed" for outcome in outcomes) else 0


def run_stats(args: argparse.Namespace) -> int:
    text, all_read = stats_table(args.files)
    print(text)  # the command's output itself, not a log message
    return 0 if all_read else 1


def run_serve(args: argparse.Namespace) -> int:
    server = make_server(args.site, port=args.port, base_path=args.base_path)
    address = f"http://127.0.0.1:{args.port}{normalize_base_path(args.base_path)}"
    log.info("serving %s at %s (Ctrl-C stops)", args.site, address)
    if not (args.site / "index.html").is_file():  # a partitioned build: a site in each folder
        for site in sorted(path.parent.name for path in args.site.glob("*/index.html")):
            log.info("  site %s: %s%s/", site, address, site)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    return 0


def run_install_engine(args: argparse.Namespace) -> int:
    folder = install_engine()
    log.info("SQL engine %s %s in %s", ENGINE_NAME, ENGINE_VERSION, folder)
    return 0


def stop_on_terminate(signum: int, frame: object) -> None:
    """SIGTERM (a service manager, `kill`, a CI timeout) ends the build the way Ctrl-C does: every
    `finally` runs, so half-built folders, scratch files and child processes are removed."""
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if argv is None:  # run as a program, not called from a test
        signal.signal(signal.SIGTERM, stop_on_terminate)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, format="%(message)s")
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    if not args.verbose:  # MkDocs' own progress lines name the hidden folder it builds in; ours say more
        logging.getLogger("mkdocs").setLevel(logging.WARNING)
        logging.getLogger("distributed").setLevel(logging.WARNING)  # Dask's lines for every worker started
    commands = {
        "build": run_build,
        "convert": run_convert,
        "stats": run_stats,
        "serve": run_serve,
        "install-engine": run_install_engine,
    }
    try:
        return commands[args.command](args)
    except BuildError as error:
        log.error("build stopped: %s", error)
        return 2


if __name__ == "__main__":
    sys.exit(main())
