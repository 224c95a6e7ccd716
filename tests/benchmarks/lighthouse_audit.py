"""Lighthouse scores of the built site: `python -m tests.benchmarks.lighthouse_audit [SITE]` (or
`make lighthouse`, which builds the site and installs npm `lighthouse` first).

Serves the site under a sub-path as GitHub Pages does and audits the home page, a report, an
agency page and the search page with a query, as a phone (Lighthouse's mobile emulation, with its
simulated slow network) and as a desktop, in Debian's Chromium. Prints the four category scores
per page. Figures, not pass/fail.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from build_scripts.serve import serve_in_thread

from ..conftest import CHROMIUM_ARGS

REPO = Path(__file__).resolve().parents[2]
LIGHTHOUSE = REPO / ".cache/npm/node_modules/.bin/lighthouse"
CHROMIUM = "/usr/bin/chromium"
FLAGS = " ".join(CHROMIUM_ARGS)
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


def pages(site: Path) -> dict[str, str]:
    report = sorted((site / "reports").glob("*/*/*/index.html"))[0].parent.relative_to(site)
    agency = sorted((site / "agencies").glob("*/index.html"))[0].parent.relative_to(site)
    return {"home": "", "report": f"{report}/", "agency": f"{agency}/", "search": "search/?q=政府信息公开"}


def audit(url: str, preset: str, out: Path) -> dict[str, int]:
    command = [str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={out}", f"--chrome-flags={FLAGS}"]
    command += [f"--only-categories={','.join(CATEGORIES)}"]
    if preset == "desktop":
        command.append("--preset=desktop")
    subprocess.run(command, check=True, env={**os.environ, "CHROME_PATH": CHROMIUM}, capture_output=True)
    result = json.loads(out.read_text(encoding="utf-8"))
    return {name: round(100 * (result["categories"][name]["score"] or 0)) for name in CATEGORIES}


def main() -> None:
    site = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "site"
    server, base = serve_in_thread(site, base_path="/archive/")
    print(f"{'page':<8} {'form':<8} " + " ".join(f"{name:>14}" for name in CATEGORIES))
    with tempfile.TemporaryDirectory() as work:
        for name, path in pages(site).items():
            for preset in ("mobile", "desktop"):
                scores = audit(base + path, preset, Path(work) / "result.json")
                print(f"{name:<8} {preset:<8} " + " ".join(f"{scores[c]:>14}" for c in CATEGORIES), flush=True)
    server.shutdown()


if __name__ == "__main__":
    main()
