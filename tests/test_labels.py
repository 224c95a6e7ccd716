"""Every label shown to readers comes from build_scripts/site/labels.py, with a fallback for a value
a new reader may produce."""

from __future__ import annotations

from dataclasses import replace

from build_scripts.model import Region
from build_scripts.reading.readers import READERS
from build_scripts.reading.regions import UNRESOLVED_NAME
from build_scripts.site.labels import (
    LAYOUT_LABELS,
    MEDIA_LABELS,
    UNKNOWN_MEDIA_LABEL,
    form_label,
    format_label,
    layout_labels,
    media_label,
    region_label,
    source_label,
    table_format_label,
)

from .conftest import REPORTS
from .test_pdf_reader import read


def test_formats_are_named_one_way_with_a_fallback() -> None:
    assert form_label("2021") == "2021 年版" and form_label("2019") == "2019 年版"
    assert format_label("2021") == "2021 年版（国办公开办函〔2021〕30号）"
    assert table_format_label("2019") == "2019 年版格式"
    for unknown in (None, "", "2030"):
        assert form_label(unknown) == format_label(unknown) == "未能识别"
        assert table_format_label(unknown) == "格式未能识别"


def test_every_source_kind_a_reader_produces_has_a_label_and_an_unknown_one_a_fallback() -> None:
    report = read(REPORTS / "003_184eb3a1fc423fbd.txt")
    media_types = {"text/plain", "text/markdown", "text/html", "application/pdf"} | {
        media for media in MEDIA_LABELS if media.startswith(("application/vnd", "application/msword"))
    }
    assert len(READERS) >= 10 and media_types <= set(MEDIA_LABELS)
    assert media_label("application/x-new-format") == UNKNOWN_MEDIA_LABEL
    assert "/" not in media_label("image/png")  # never a raw MIME type
    scanned = replace(report, ocr_pages=[1], source=replace(report.source, media_type="application/pdf"))
    assert source_label(scanned) == "PDF（含扫描页）"


def test_every_layout_the_parser_produces_is_named() -> None:
    from build_scripts.reading.tables import UNPOSITIONED_LAYOUTS

    layouts = {"tab-grid", "cell-per-line", "ruled"} | UNPOSITIONED_LAYOUTS
    assert layouts <= set(LAYOUT_LABELS)
    html = replace(read(REPORTS / "003_184eb3a1fc423fbd.txt"))
    html.source = replace(html.source, media_type="text/html")
    assert layout_labels(html)["ruled"] == "网页表格"


def test_an_unresolved_region_is_named_where_it_is_shown() -> None:
    assert region_label(Region()) == "未确定" and UNRESOLVED_NAME == "地区未确定"
    assert region_label(Region("福建省", "福州市", "平潭县", "350128", True)) == "福建省 福州市 平潭县"


def test_region_levels_and_report_labels_have_fallbacks() -> None:
    from build_scripts.model import Contact
    from build_scripts.site.labels import CONTACT_LABELS, TABLE_CAPTIONS, children_heading

    assert children_heading("province") == "下辖市" and children_heading("city") == "下辖县（市、区）"
    assert children_heading("county") == children_heading("a-new-level") == "下级地区"
    assert set(CONTACT_LABELS) == {field for field in Contact.__dataclass_fields__}
    assert set(TABLE_CAPTIONS) == {"二", "三", "四"}


def test_every_field_a_maintainer_can_correct_has_a_chinese_name() -> None:
    import dataclasses

    from build_scripts.reading.overrides import FIELD_LABELS, MetadataOverride

    assert set(FIELD_LABELS) == {field.name for field in dataclasses.fields(MetadataOverride)}


def test_the_site_name_is_the_one_mkdocs_shows() -> None:
    import yaml

    from build_scripts.site.labels import SITE_NAME

    from .conftest import REPO

    text = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    assert f"site_name: {SITE_NAME}\n" in text and yaml.safe_load(text.split("\ntheme:")[0])["site_name"] == SITE_NAME
