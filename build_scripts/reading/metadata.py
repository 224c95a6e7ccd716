"""Report metadata besides the tables: contact details, the kind of agency, and agency identity.

All functions are pure: text in, value out. The kinds are a small fixed list so that people can
compare the same kind of agency across places; the data dictionary page documents it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Contact, Region
from .regions import agency_short_name


@dataclass(frozen=True)
class AgencyKind:
    slug: str  # ASCII, used in URLs: kinds/<slug>/
    label: str
    words: tuple[str, ...]  # any of these in the agency name (without its place) makes the kind


# Order matters only for names holding words of two kinds at the same position (none so far);
# otherwise the word that comes first in the name decides: 科技和工业信息化局 is 科技.
AGENCY_KINDS: tuple[AgencyKind, ...] = (
    AgencyKind("township", "乡镇、街道", ("镇人民政府", "乡人民政府", "街道办事处", "镇政府", "乡政府")),
    AgencyKind("government", "人民政府及办公室", ("人民政府", "政府办公室", "政府办")),
    AgencyKind("development-reform", "发展改革", ("发展和改革", "发展改革", "发改")),
    AgencyKind("education", "教育", ("教育", "教体")),
    AgencyKind("science-technology", "科技", ("科学技术", "科技")),
    AgencyKind("industry-it", "工业和信息化", ("工业和信息化", "工业信息化", "工信", "经济和信息化", "经信")),
    AgencyKind("public-security", "公安", ("公安",)),
    AgencyKind("civil-affairs", "民政", ("民政",)),
    AgencyKind("justice", "司法", ("司法",)),
    AgencyKind("finance", "财政", ("财政",)),
    AgencyKind("human-resources", "人力资源和社会保障", ("人力资源和社会保障", "人力资源社会保障", "人社")),
    AgencyKind("natural-resources", "自然资源", ("自然资源", "国土资源", "规划和自然资源")),
    AgencyKind("ecology-environment", "生态环境", ("生态环境", "环境保护", "环保")),
    AgencyKind("housing-construction", "住房和城乡建设", ("住房和城乡建设", "住房城乡建设", "住建")),
    AgencyKind("transport", "交通运输", ("交通",)),
    AgencyKind("water", "水利", ("水利", "水务")),
    AgencyKind("agriculture", "农业农村", ("农业农村", "农业", "农村")),
    AgencyKind("commerce", "商务", ("商务",)),
    AgencyKind("culture-tourism", "文化和旅游", ("文化和旅游", "文化旅游", "文旅", "文化广电", "文广")),
    AgencyKind("health", "卫生健康", ("卫生健康", "卫生和计划生育", "卫健", "卫生")),
    AgencyKind("veterans", "退役军人事务", ("退役军人",)),
    AgencyKind("emergency-management", "应急管理", ("应急管理", "安全生产监督")),
    AgencyKind("audit", "审计", ("审计",)),
    AgencyKind("market-regulation", "市场监管", ("市场监督管理", "市场监管", "工商行政管理")),
    AgencyKind("statistics", "统计", ("统计",)),
    AgencyKind("medical-security", "医疗保障", ("医疗保障", "医保")),
    AgencyKind("forestry", "林业和草原", ("林业",)),
    AgencyKind("urban-management", "城市管理", ("城市管理", "城管", "综合行政执法")),
    AgencyKind("data-services", "政务服务和数据", ("政务服务", "大数据", "数据局", "行政审批")),
    AgencyKind("taxation", "税务", ("税务",)),
)
OTHER_KIND = AgencyKind("other", "其他", ())
KINDS_BY_SLUG = {kind.slug: kind for kind in (*AGENCY_KINDS, OTHER_KIND)}


def agency_kind(short_name: str) -> AgencyKind:
    """The kind of an agency, from its name without the place: the kind whose word comes first."""
    best: tuple[int, int, AgencyKind] | None = None
    for order, kind in enumerate(AGENCY_KINDS):
        for word in kind.words:
            position = short_name.find(word)
            if position >= 0 and (best is None or (position, order) < best[:2]):
                best = (position, order, kind)
    return best[2] if best else OTHER_KIND


def derive_kind(agency: str, region: Region) -> str:
    """The kind slug of an agency, judged on its name without the place (the place may hold 交通…)."""
    return agency_kind(agency_short_name(agency, region)).slug


# Spellings of one agency name that differ only in how much is abbreviated (long form → short).
NAME_VARIANTS = (
    ("人民政府", "政府"),
    ("工业和信息化", "工信"),
    ("工业信息化", "工信"),
    ("科学技术", "科技"),
    ("发展和改革", "发改"),
    ("发展改革", "发改"),
    ("人力资源和社会保障", "人社"),
    ("人力资源社会保障", "人社"),
    ("住房和城乡建设", "住建"),
    ("住房城乡建设", "住建"),
    ("卫生和健康", "卫健"),
    ("卫生健康", "卫健"),
    ("市场监督管理", "市场监管"),
    ("委员会", "委"),
    ("和", ""),
)
NOT_NAME_CHARACTER = re.compile(r"[^\w]|_")


def agency_name_key(name: str) -> str:
    """The same string for spellings of one agency's name that differ only in abbreviation,
    spacing or punctuation (科技和工业信息化局 = 科技和工信局); a renamed agency keeps its own key
    (科学技术局 ≠ 科技和工业信息化局) until the maintainer links them."""
    key = NOT_NAME_CHARACTER.sub("", name)
    for long_form, short_form in NAME_VARIANTS:
        key = key.replace(long_form, short_form)
    return key


CONTACT_PATTERNS = {
    "office": re.compile(r"请?(?:与|向|联系)([^，。,；;（(]{2,40}?)(?:联系|咨询|反映)"),
    "address": re.compile(r"(?:通信|通讯|联系|办公)?地址[:：]\s*([^，。,；;）)]{4,80})"),
    "postcode": re.compile(r"(?:邮编|邮政编码)[:：]?\s*(\d{6})"),
    "phone": re.compile(r"(?:电话|联系电话|咨询电话)[:：]?\s*(\d[\d\-－—— ]{5,20}\d)"),
    "email": re.compile(r"([A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,})"),
    "website": re.compile(r"(?:网址|网站)[:：]\s*((?:https?://)?[A-Za-z0-9.\-]+\.[A-Za-z]{2,}[^\s，。,；;）)]*)"),
}


def text_to_contact(text: str) -> Contact | None:
    """The contact details a report gives for questions (如对本报告有疑问，请与…联系), or None."""
    found = {}
    for field_name, pattern in CONTACT_PATTERNS.items():
        match = pattern.search(text)
        if match:
            found[field_name] = re.sub(r"\s+", " ", match.group(1)).strip()
    if "phone" in found:
        found["phone"] = re.sub(r"[－——]", "-", found["phone"]).replace(" ", "")
    if not found.keys() - {"office"}:
        return None  # naming an office without any way to reach it is not contact information
    return Contact(**found)
