"""MkDocs hooks (mkdocs.yml `hooks:`) that let the build use every core and skip work it does not need.

Sharding: MkDocs renders pages one after another in one process. `build.run_mkdocs` starts one
MkDocs process per core with `ARCHIVE_MKDOCS_SHARD=i/n`; each one knows every file, so links and
navigation resolve as in a single build, but renders only the pages whose path hashes to its
shard (MkDocs' own "dirty" mechanism skips files that report they are not modified). Shard 0 also
copies the theme's files and writes the sitemap and 404 page. Without the variable (plain
`mkdocs build` or `mkdocs serve`) the hooks change nothing.

Front matter: a report page's `statistics` are for people and programs reading content/; no
template uses them, and parsing hundreds of YAML nodes per page was a third of MkDocs' reading
time. The writer puts `statistics` last in the front matter, so the page is handed to MkDocs
without that key. Only a line that is exactly `statistics:` ends the metadata MkDocs reads: a
top-level key is the only unindented line the YAML dumper writes.
"""

from __future__ import annotations

import os
import zlib
from dataclasses import dataclass
from typing import Any

SHARD_VARIABLE = "ARCHIVE_MKDOCS_SHARD"
STATISTICS_KEY = "\nstatistics:\n"
FRONT_MATTER_END = "\n---\n"


@dataclass(frozen=True)
class Shard:
    index: int
    count: int

    def owns(self, path: str) -> bool:
        return zlib.crc32(path.encode("utf-8")) % self.count == self.index


def current_shard() -> Shard | None:
    value = os.environ.get(SHARD_VARIABLE)
    if not value:
        return None
    index, count = (int(part) for part in value.split("/"))
    return Shard(index, count)


def not_modified() -> bool:
    return False


def on_config(config: Any) -> Any:
    shard = current_shard()
    if shard and shard.index != 0:
        config.theme.static_templates.clear()  # sitemap.xml and 404.html: written by shard 0 only
    return config


def on_files(files: Any, config: Any) -> Any:
    shard = current_shard()
    if shard is None:
        return files
    for file in files:
        mine = shard.owns(file.src_uri) if file.is_documentation_page() else shard.index == 0
        if not mine:
            file.is_modified = not_modified  # MkDocs neither renders nor copies it in this process
    return files


def without_statistics(source: str) -> str:
    """The page with its front matter cut before the `statistics` key (which is last)."""
    if not source.startswith("---\n"):
        return source
    end = source.find(FRONT_MATTER_END, 3)
    cut = source.find(STATISTICS_KEY, 3, end)
    if end < 0 or cut < 0:
        return source
    return source[: cut + 1] + source[end + 1 :]


def on_page_read_source(page: Any, config: Any) -> str | None:
    with open(page.file.abs_src_path, encoding="utf-8-sig") as handle:
        return without_statistics(handle.read())
