"""Labels shown to readers for the kinds of source file and the ways a table was read: one home,
so that the report page, the search facets and the downloads say the same thing."""

from __future__ import annotations

from ..model import Report

MEDIA_LABELS = {
    "application/pdf": "PDF",
    "text/plain": "文本",
    "text/markdown": "Markdown 文本",
    "text/html": "网页",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word 文档（.docx）",
    "application/msword": "Word 文档（.doc）",
    "application/vnd.ms-works": "WPS 文档（.wps）",
}
UNKNOWN_MEDIA_LABEL = "其他文件"

# How a table's cells were found, as the page tells it (the PDF paths say which was used).
LAYOUT_LABELS = {
    "tab-grid": "制表符分隔的文本",
    "cell-per-line": "每格一行的文本",
    "space-separated": "空格分隔的文本（无表格线时按文字读取）",
    "ruled": "PDF 表格线",
    "pipe-table": "Markdown 表格（由其他工具从 PDF 转出）",
    "run-together": "连写的文字（网页抓取文本，数字按勾稽关系拆分）",
}


def media_label(media_type: str) -> str:
    """What kind of file a source is, in Chinese; never a raw MIME type."""
    return MEDIA_LABELS.get(media_type, UNKNOWN_MEDIA_LABEL)


def source_label(report: Report) -> str:
    """The kind of source file, with whether OCR was needed (for facets and downloads)."""
    label = media_label(report.source.media_type)
    return f"{label}（含扫描页）" if report.ocr_pages else label


# A "ruled" table is a grid the source itself draws: PDF ruling lines, an HTML or a Word table.
RULED_LABELS = {
    "text/html": "网页表格",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word 表格",
    "application/msword": "Word 表格",
    "application/vnd.ms-works": "WPS 表格",
}


def layout_labels(report: Report) -> dict[str, str]:
    """How each table layout is named on this report's page (a ruled grid by its source's kind)."""
    return {**LAYOUT_LABELS, "ruled": RULED_LABELS.get(report.source.media_type, LAYOUT_LABELS["ruled"])}
