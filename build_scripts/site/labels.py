"""Labels shown to readers: the report's format, an unresolved region, the kinds of source file
and the ways a table was read. One home, so that the report page, the tables, the search facets,
the comparisons and the downloads say the same thing, and every function has a fallback for a
value a new reader may produce (a test holds each one).
"""

from __future__ import annotations

from ..model import Region, Report

SITE_NAME = "政府信息公开年报档案"  # as mkdocs.yml's site_name (a test holds the two equal)


def thousands(value: int | float | None) -> str:
    """A figure outside the official tables as people read it: 12,345 (or 1,234.5); none stays blank."""
    if value is None:
        return ""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{int(value):,}"


# ---- the official format ("2019" or "2021") ------------------------------------------------------

FORMAT_DOCUMENTS = {"2019": "国办公开办函〔2019〕60号", "2021": "国办公开办函〔2021〕30号"}
UNKNOWN_FORMAT = "未能识别"


def form_label(table_format: str | None) -> str:
    """The format in a word, for facets and tables of figures: 2021 年版."""
    return f"{table_format} 年版" if table_format in FORMAT_DOCUMENTS else UNKNOWN_FORMAT


def format_label(table_format: str | None) -> str:
    """The format with the document that set it, for the report page."""
    if table_format not in FORMAT_DOCUMENTS:
        return UNKNOWN_FORMAT
    return f"{form_label(table_format)}（{FORMAT_DOCUMENTS[table_format]}）"


def table_format_label(table_format: str | None) -> str:
    """The format under a table's caption: 2021 年版格式."""
    return f"{form_label(table_format)}格式" if table_format in FORMAT_DOCUMENTS else "格式未能识别"


# ---- regions ----------------------------------------------------------------------------------

# The region of a report that could not be placed, as each place names it: the report page's 地区
# line and the search facet (the region page and its breadcrumb use regions.UNRESOLVED_NAME,
# 地区未确定, which the region tree itself carries).
REGION_UNRESOLVED = "未确定"
REGION_UNRESOLVED_FACET = "未能确定"


def region_label(region: Region) -> str:
    """Province, city and county, as the report page names the report's place."""
    if not region.resolved:
        return REGION_UNRESOLVED
    return " ".join(name for name in (region.province, region.city, region.county) if name)


def facet_province(region: Region) -> str:
    return region.province if region.resolved and region.province else REGION_UNRESOLVED_FACET


def children_heading(level: str) -> str:
    """The heading over a region's sub-regions on its page; any other level: 下级地区."""
    return LEVEL_CHILDREN_HEADING.get(level) or "下级地区"


LEVEL_CHILDREN_HEADING = {"province": "下辖市", "city": "下辖县（市、区）"}

# ---- the report page --------------------------------------------------------------------------

TABLE_CAPTIONS = {
    "二": "表二 主动公开政府信息情况（按原文排列）",
    "三": "表三 收到和处理政府信息公开申请情况（按原文排列）",
    "四": "表四 政府信息公开行政复议、行政诉讼情况（按原文排列）",
}

CONTACT_LABELS = {
    "office": "联系部门",
    "address": "地址",
    "postcode": "邮编",
    "phone": "电话",
    "email": "电子邮箱",
    "website": "网址",
}


# ---- source files and table layouts ------------------------------------------------------------

MEDIA_LABELS = {
    "application/pdf": "PDF",
    "text/plain": "文本",
    "text/markdown": "Markdown 文本",
    "text/html": "网页",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word 文档（.docx）",
    "application/msword": "Word 文档（.doc）",
    "application/vnd.ms-works": "WPS 文档（.wps）",
    "image/png": "图像（PNG）",
    "image/jpeg": "图像（JPEG）",
    "image/tiff": "图像（TIFF）",
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
    """How each table layout is named on this report's page (a ruled grid by its source's kind);
    the template falls back to the layout's own name for one not listed."""
    return {**LAYOUT_LABELS, "ruled": RULED_LABELS.get(report.source.media_type, LAYOUT_LABELS["ruled"])}
