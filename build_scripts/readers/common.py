"""What every reader shares: decoding, hashing, and assembling a Report from numbered lines."""

from __future__ import annotations

import hashlib

from ..assemble import report_from_lines
from ..model import Report, SourceFile
from ..parsing import Line


class ReportError(Exception):
    """A source that cannot become a report; the message says why, for the build report."""


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def decode_report_bytes(data: bytes) -> str:
    """Text of a report in any encoding real sites use: UTF-8 (with or without BOM) or GB18030."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as error:
        raise ReportError(f"text is neither UTF-8 nor GB18030 (byte {error.start})") from error


def lines_to_report(lines: list[Line], source: SourceFile) -> Report:
    report = report_from_lines(lines, source)
    if report is None:
        raise ReportError("no report title (…年政府信息公开工作年度报告) found near the top")
    if not report.sections:
        raise ReportError("none of the six numbered sections (一、总体情况 …) found")
    return report
