"""The search index written in a process of its own (build.index_beside_mkdocs spawns it beside
MkDocs). A spawned process imports the module of what it runs: this one imports only the index
(not the readers, the pages or Dask, a second of CPU before the index could start).
"""

from __future__ import annotations

import traceback
from pathlib import Path
from typing import Any

from ...parallel import end_with_parent
from .bundle import IndexedDocument, IndexHost, write_search_index
from .record import RecordFiles


def write_index(
    index_site: Path, documents: list[IndexedDocument], records: RecordFiles, hosts: list[IndexHost], jobs: int
) -> str | None:
    """The search index of every report page into index_site/search-index/. A partitioned
    archive's is one index over every partition, in the portal, its postings and texts shared out
    among the partitions' sites (bundle.IndexHost). An error message, or None."""
    try:
        write_search_index(index_site, documents, records, jobs, hosts)
    except (OSError, ValueError) as error:
        return f"the search index could not be written: {error}"
    return None


def index_in_child(parent: int, sender: Any, *arguments: Any) -> None:
    """The body of the index's process: write it, send back its error message (or None), or the
    traceback of a failure it did not expect."""
    end_with_parent(parent)
    try:
        sender.send(("ok", write_index(*arguments)))
    except BaseException:
        sender.send(("error", traceback.format_exc()))
