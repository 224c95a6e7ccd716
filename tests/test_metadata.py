"""Report metadata: agency kinds, one agency across spellings, contact details, the maintainer's
overrides, and the archive's links between an agency's years."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from build_scripts.model import Region
from build_scripts.reading.metadata import agency_kind, agency_name_key, text_to_contact
from build_scripts.reading.overrides import apply_overrides, data_to_overrides
from build_scripts.reading.readers import read_report
from build_scripts.reading.regions import resolve_region
from build_scripts.site.archive import build_archive, listing_group

from .conftest import REPO, REPORTS


def read(name: str):
    path = REPORTS / name
    return read_report(path, path.name)


@pytest.mark.parametrize(
    ("short_name", "kind"),
    [
        ("人民政府", "government"),
        ("人民政府办公室", "government"),
        ("城关镇人民政府", "township"),
        ("科技和工业信息化局", "science-technology"),  # the first word decides: 科技
        ("工业和信息化局", "industry-it"),
        ("发展和改革委员会", "development-reform"),
        ("人力资源和社会保障局", "human-resources"),
        ("住房和城乡建设局", "housing-construction"),
        ("卫生健康委员会", "health"),
        ("市场监督管理局", "market-regulation"),
        ("城市管理综合行政执法局", "urban-management"),
        ("生态环境局", "ecology-environment"),
        ("农业农村局", "agriculture"),
        ("档案馆", "other"),
    ],
)
def test_agency_kinds(short_name: str, kind: str) -> None:
    assert agency_kind(short_name).slug == kind


def test_kind_is_judged_without_the_place() -> None:
    # 交通 in a place name must not make a transport agency; the samples are all 科技 or 城市管理
    assert [read(p.name).kind for p in sorted(REPORTS.glob("*.txt"))] == [
        "science-technology",
        "science-technology",
        "science-technology",
        "science-technology",
        "urban-management",
    ]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("科技和工业信息化局", "科技和工信局"),
        ("发展和改革委员会", "发展改革委"),
        ("人力资源和社会保障局", "人力资源社会保障局"),
        ("人民政府办公室", "政府办公室"),
        ("科学技术局", "科技局"),
        ("市场监督管理局", "市场 监督管理局"),
    ],
)
def test_spellings_of_one_agency_share_a_key(first: str, second: str) -> None:
    assert agency_name_key(first) == agency_name_key(second)


@pytest.mark.parametrize(
    ("first", "second"),
    [("科学技术局", "科技和工业信息化局"), ("教育局", "教育和体育局"), ("民政局", "司法局")],
)
def test_renamed_or_different_agencies_keep_their_own_key(first: str, second: str) -> None:
    assert agency_name_key(first) != agency_name_key(second)


@given(st.text(alphabet="人民政府和工业信息化科学技术委员会局办公室 ", max_size=30))
def test_name_key_is_stable(name: str) -> None:
    assert agency_name_key(agency_name_key(name)) == agency_name_key(name)


def test_contact_from_the_real_pdf_preamble() -> None:
    text = (REPO / "tests/fixtures/hongze-2024.pdfplumber.txt").read_text(encoding="utf-8")
    contact = text_to_contact(text.replace("\n", ""))
    assert contact is not None
    assert contact.office == "淮安市洪泽区人民政府办公室"
    assert contact.postcode == "223100" and contact.phone == "0517-87290606"
    assert contact.address is not None and contact.address.startswith("淮安市洪泽区洪泽湖大道")


def test_contact_of_sample_002_comes_from_its_last_section() -> None:
    contact = read("002_7e335010be635ecf.txt").contact
    assert contact is not None
    assert (contact.phone, contact.email, contact.postcode) == ("0595-68160801", "qgqkjj@163.com", "362801")


def test_no_contact_is_invented() -> None:
    assert text_to_contact("本报告由某局编制。如对本报告有疑问，请与某局联系。") is None
    assert read("000_b7ab8aafaeb32b72.txt").contact is None


def test_override_sets_fields_and_says_so() -> None:
    report = read("004_f3bbfa1004ed2dd6.txt")
    overrides = data_to_overrides(
        {"sources": {report.source.path: {"publication_date": "2021-01-20", "kind": "government", "year": 2020}}}
    )
    assert overrides.problems == [] and apply_overrides([report], overrides) == []
    assert (report.publication_date, report.kind) == ("2021-01-20", "government")
    assert report.overridden == ["year", "publication_date", "kind"]
    messages = [f.message for f in report.findings if f.code == "override"]
    assert any("印发日期更正为“2021-01-20”（原文读取为“无”）" in m for m in messages)


def test_override_of_the_agency_name_places_it_again() -> None:
    report = read("004_f3bbfa1004ed2dd6.txt")
    report.region, report.findings = resolve_region("鼓楼区城市管理局", "")
    assert not report.region.resolved
    apply_overrides(
        [report], data_to_overrides({"sources": {report.source.path: {"agency": "福州市鼓楼区城市管理局"}}})
    )
    assert report.region.code == "350102"
    assert not any(f.code.startswith("region-") for f in report.findings)


def test_region_override_resolves_an_ambiguous_name() -> None:
    report = read("004_f3bbfa1004ed2dd6.txt")
    report.region, report.findings = resolve_region("鼓楼区城市管理局", "")
    apply_overrides([report], data_to_overrides({"sources": {report.source.path: {"region": 320106}}}))
    assert (report.region.province, report.region.city, report.region.county) == ("江苏省", "南京市", "鼓楼区")
    assert not any(f.code.startswith("region-") for f in report.findings)


def test_bad_overrides_are_reported_not_applied() -> None:
    report = read("004_f3bbfa1004ed2dd6.txt")
    overrides = data_to_overrides(
        {
            "sources": {
                report.source.path: {"year": "last year", "region": "999999", "colour": "red", "kind": "zoo"},
                "missing.pdf": {"year": 2020},
            },
            "agencies": {"Not An Id": "410329-x"},
        }
    )
    problems = apply_overrides([report], overrides)
    assert len(problems) == 6, problems
    assert any("missing.pdf: no such source" in p for p in problems)
    assert report.year == 2020 and report.overridden == []


def test_agency_years_are_linked_and_renamed_agencies_linked_only_by_the_maintainer() -> None:
    base = read("001_8c18c7b7e1a52a6a.txt")  # 平罗县科学技术局 2021
    later = replace(base, year=2022, source=replace(base.source, path="b.txt"), findings=[])
    renamed = replace(
        base, year=2023, agency="平罗县科技和工业信息化局", source=replace(base.source, path="c.txt"), findings=[]
    )
    archive = build_archive([base, later, renamed])
    assert sorted(len(agency.pages) for agency in archive.agencies.values()) == [1, 2]
    first = archive.agencies["640221-kejiju"]
    assert [page.report.year for page in first.pages] == [2022, 2021]
    assert first.neighbours(first.pages[1]) == (None, first.pages[0])
    linked = build_archive([base, later, renamed], {"640221-kejigongxinju": "640221-kejiju"})
    assert list(linked.agencies) == ["640221-kejiju"]
    agency = linked.agencies["640221-kejiju"]
    assert agency.name == "平罗县科技和工业信息化局"  # the newest name
    assert agency.names == ["平罗县科技和工业信息化局", "平罗县科学技术局"]
    assert agency.neighbours(agency.pages[1]) == (agency.pages[2], agency.pages[0])


@pytest.mark.parametrize(
    ("code", "group"),
    [("410329", "410300"), ("410300", "410300"), ("410000", "410000"), ("110105", "110000"), ("419001", "410000")],
)
def test_year_pages_group_by_city(code: str, group: str) -> None:
    region = Region(code=code, resolved=True)
    assert listing_group(region)[0] == group


def test_override_file_problems_reach_the_build_report(tmp_path: Path) -> None:
    from .conftest import build_into

    source = tmp_path / "reports"
    source.mkdir()
    sample = REPORTS / "002_7e335010be635ecf.txt"
    (source / sample.name).write_bytes(sample.read_bytes())
    (source / "overrides.yaml").write_text(
        f"sources:\n  {sample.name}:\n    publication_date: 2021-01-13\n  gone.txt:\n    year: 2020\n", encoding="utf-8"
    )
    options, result = build_into(tmp_path, source=source)
    assert [o.source for o in result.outcomes] == [sample.name]  # the overrides file is not a source
    assert result.override_problems == ["overrides for gone.txt: no such source report was read; not applied"]
    assert result.exit_code(strict=True) == 1
    page = next((options.site_dir / "reports").rglob("index.html")).read_text(encoding="utf-8")
    assert "维护者更正" in page and "2021-01-13" in page
