"""One MkDocs build in this process: what build.run_mkdocs runs, in each of its MkDocs processes.

Those processes are spawned, and a spawned process imports the module of what it runs: this one
imports only what MkDocs needs (not the readers, the downloads or Dask, which took a second of
CPU in each process before it started on its pages).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Any

from .mkdocs_hooks import SHARD_VARIABLE
from .urls import INDEX_DIR


class WarningCollector(logging.Handler):
    """Collects the warnings MkDocs logs, so they reach the build report."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


# MkDocs logs this for every sharded build; the shards are exactly what a clean build would write.
DIRTY_BUILD_WARNING = "A 'dirty' build is being performed"


@dataclass(frozen=True)
class SiteSettings:
    """What MkDocs is told besides mkdocs.yml (picklable: MkDocs shards run in other processes)."""

    config_file: str
    docs_dir: str
    site_dir: str
    site_url: str
    feedback_url: str
    site_name: str = ""  # a partition's or the portal's own name (empty: mkdocs.yml's)
    # A partitioned site's links to its siblings (the theme's `config.extra`): the portal's
    # address and title, and where the search index is (empty: this site's own).
    portal_url: str = ""
    portal_title: str = ""
    search_index: str = ""
    nav: tuple[tuple[str, str], ...] = ()  # a navigation of its own (the portal's; empty: mkdocs.yml's)

    def load(self) -> Any:
        from mkdocs.config import load_config

        overrides: dict[str, Any] = {"site_name": self.site_name} if self.site_name else {}
        if self.nav:
            overrides["nav"] = [{title: path} for title, path in self.nav]
        config = load_config(
            config_file=self.config_file,
            docs_dir=self.docs_dir,
            site_dir=self.site_dir,
            site_url=self.site_url,
            **overrides,
        )
        config.extra["feedback_url"] = self.feedback_url
        config.extra["portal_url"] = self.portal_url
        config.extra["portal_title"] = self.portal_title
        config.extra["search_index"] = self.search_index or f"{INDEX_DIR}/"
        return config


def mkdocs_in_this_process(settings: SiteSettings, epoch: int, shard: str | None) -> list[str]:
    """One MkDocs build (of one shard, see mkdocs_hooks.py); returns the warnings it logged."""
    from mkdocs.commands.build import build as mkdocs_build

    collector = WarningCollector()
    mkdocs_logger = logging.getLogger("mkdocs")
    mkdocs_logger.addHandler(collector)
    variables = {"SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH") or str(epoch), "NO_MKDOCS_2_WARNING": "1"}
    variables[SHARD_VARIABLE] = shard or ""
    saved = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)  # NO_MKDOCS_2_WARNING: Material 9.8 prints an end-of-life banner otherwise
    try:
        mkdocs_build(settings.load(), dirty=True)  # never emptying the site: it may hold unchanged pages
    finally:
        mkdocs_logger.removeHandler(collector)
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return [message for message in collector.messages if not message.startswith(DIRTY_BUILD_WARNING)]
