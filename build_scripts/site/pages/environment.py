"""The Jinja2 environment every page is rendered in: templates from the repository's `templates/`
folder, StrictUndefined (a missing value is an error, not a blank), and the escaping filters.
"""

from __future__ import annotations

import functools
from pathlib import Path

import jinja2

from ...model import CellStatus
from ...reading.tables import read_number
from ..escape import html_text, markdown_text
from ..labels import thousands

TEMPLATES_DIR = Path(__file__).resolve().parents[3] / "templates"


def is_number(text: str) -> bool:
    return read_number(text.strip()).status == CellStatus.NUMBER


def padded(rows: list[list[str]]) -> list[list[str]]:
    """Rows filled out with blank cells to the width of the widest, so the grid stays a grid."""
    width = max((len(row) for row in rows), default=0)
    return [row + [""] * (width - len(row)) for row in rows]


@functools.cache  # one per process: workers reuse it for every report
def template_environment(templates_dir: Path = TEMPLATES_DIR) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # output is Markdown; escaping is explicit through `md` and `h`
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # templates do not change during a build: no stat() of each one at every use
    )
    env.filters.update(md=markdown_text, h=html_text, is_number=is_number, padded=padded, thousands=thousands)
    return env
