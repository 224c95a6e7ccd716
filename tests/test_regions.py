"""Region resolution: longest full division name, nested names, and no silent guesses."""

from __future__ import annotations

import pytest

from build_scripts.reading.regions import load_divisions, resolve_region


@pytest.mark.parametrize(
    ("agency", "context", "expected"),
    [
        ("伊川县城市管理局", "", ("河南省", "洛阳市", "伊川县", "410329")),
        ("泉州市泉港区科学技术局", "", ("福建省", "泉州市", "泉港区", "350505")),
        ("淮安市洪泽区人民政府", "", ("江苏省", "淮安市", "洪泽区", "320813")),
        ("淮安市人民政府", "", ("江苏省", "淮安市", None, "320800")),
        ("河南省生态环境厅", "", ("河南省", None, None, "410000")),
        ("北京市朝阳区民政局", "", ("北京市", None, "朝阳区", "110105")),
        ("鼓楼区教育局", "福州市鼓楼区教育局2022年政府信息公开工作年度报告", ("福建省", "福州市", "鼓楼区", "350102")),
        ("偃师区教育局", "", ("河南省", "洛阳市", "偃师区", "410307")),
        # Cities without counties: the division list names each again as its own county.
        ("东莞市教育局", "", ("广东省", "东莞市", None, "441900")),
        ("中山市人民政府办公室", "", ("广东省", "中山市", None, "442000")),
        ("儋州市财政局", "", ("海南省", "儋州市", None, "460400")),
    ],
)
def test_resolves(agency: str, context: str, expected: tuple) -> None:
    region, findings = resolve_region(agency, context)
    assert findings == []
    assert (region.province, region.city, region.county, region.code) == expected
    assert region.resolved


@pytest.mark.parametrize(
    ("agency", "code"),
    [
        ("鼓楼区教育局", "region-ambiguous"),  # four 鼓楼区, nothing says which
        ("朝阳区民政局", "region-ambiguous"),  # 北京 and 长春
        ("市科学技术局", "region-unknown"),  # no place in the name, none in the text
        ("洪泽政府", "region-unknown"),  # short forms are not guessed
    ],
)
def test_never_guesses(agency: str, code: str) -> None:
    region, findings = resolve_region(agency, "")
    assert not region.resolved and region.code is None
    assert [finding.code for finding in findings] == [code]


def test_every_division_leads_up_to_its_province() -> None:
    """No division's chain loops (东莞市 once hung the build, listed as its own parent)."""
    divisions = load_divisions()
    for division in divisions.by_code.values():
        chain = divisions.ancestors(division)
        assert chain[-1].level == "province" and len({d.code for d in chain}) == len(chain), division


def test_ambiguous_finding_lists_the_candidates() -> None:
    _, findings = resolve_region("鼓楼区教育局", "")
    message = findings[0].message
    for city in ("南京市", "徐州市", "福州市", "开封市"):
        assert city in message


def test_division_data_is_complete_enough() -> None:
    divisions = load_divisions()
    levels = [d.level for d in divisions.by_code.values()]
    assert levels.count("province") == 31
    assert levels.count("county") > 2800
    assert len(divisions.by_name["鼓楼区"]) == 4


@pytest.mark.parametrize(
    ("agency", "code", "short"),
    [
        ("偃师市教育局", "410307", "教育局"),
        ("洛阳市偃师市教育局", "410307", "教育局"),
        ("上饶县财政局", "361104", "财政局"),
    ],
)
def test_a_renamed_county_is_filed_under_its_successor(agency: str, code: str, short: str) -> None:
    from build_scripts.reading.regions import agency_short_name

    region, findings = resolve_region(agency, "")
    assert region.resolved and region.code == code
    assert [finding.code for finding in findings] == ["region-renamed"]
    assert agency_short_name(agency, region) == short  # so it is the same agency as after the rename


def test_an_agency_named_without_its_place_is_placed_only_when_its_text_names_one() -> None:
    region, findings = resolve_region("市科学技术局", "泉州市科学技术局关于印发2020年政府信息公开工作年度报告的通知")
    assert (region.city, region.code) == ("泉州市", "350500")
    assert [finding.code for finding in findings] == ["region-from-context"]
    region, findings = resolve_region("市科学技术局", "泉州市、厦门市两地合作")
    assert not region.resolved and [finding.code for finding in findings] == ["region-ambiguous"]
    region, findings = resolve_region("县教育局", "伊川县教育局")
    assert region.code == "410329" and [finding.code for finding in findings] == ["region-from-context"]
