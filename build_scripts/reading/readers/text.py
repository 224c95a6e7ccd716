"""Reader for reports published, or already extracted, as plain text."""

from __future__ import annotations

from pathlib import Path

from ...model import Report, SourceFile
from ..parsing import text_to_lines
from .common import decode_report_bytes, lines_to_report, read_text_bytes, sha256_of
from .crawl import crawl_to_report, is_crawl_dump
from .markdown import looks_like_markdown, markdown_to_lines


def read_text_report(path: Path, display_path: str) -> Report:
    data = read_text_bytes(path)
    text = decode_report_bytes(data)
    if is_crawl_dump(text):
        source = SourceFile(path=display_path, sha256=sha256_of(data), size=len(data), media_type="text/plain")
        return crawl_to_report(text, source)
    if looks_like_markdown(text):
        source = SourceFile(path=display_path, sha256=sha256_of(data), size=len(data), media_type="text/markdown")
        return lines_to_report(markdown_to_lines(text), source)
    source = SourceFile(path=display_path, sha256=sha256_of(data), size=len(data), media_type="text/plain")
    return lines_to_report(text_to_lines(text), source)
