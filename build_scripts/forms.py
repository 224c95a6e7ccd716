"""The official forms of tables 二, 三 and 四: canonical keys, official labels, and the words that
identify each row and column in the drifting wording of real reports.

The keys are the archive's data vocabulary (see the data dictionary page of the site); the labels
are those of 国办公开办函〔2021〕30号 and 〔2019〕60号, kept for display.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Spec:
    """A row or column of a form: its key, its official label, and words that identify it."""

    key: str
    label: str
    words: tuple[str, ...]
    group: str | None = None  # the merged label it sits under in the official form

    def matches(self, text: str) -> bool:
        return any(word in text for word in self.words)


# ---- Table 二: 主动公开政府信息情况 -------------------------------------------------------------

TABLE2_ITEMS: dict[str, str] = {
    "item_1": "第二十条第（一）项",
    "item_5": "第二十条第（五）项",
    "item_6": "第二十条第（六）项",
    "item_8": "第二十条第（八）项",
    "item_9": "第二十条第（九）项",
}

TABLE2_ROWS: tuple[Spec, ...] = (
    Spec("regulations", "规章", ("规章",), "item_1"),
    Spec("normative_documents", "规范性文件", ("规范性文件",), "item_1"),
    Spec("licensing", "行政许可", ("行政许可",), "item_5"),
    Spec("other_services", "其他对外管理服务事项", ("对外管理服务",), "item_5"),
    Spec("penalties", "行政处罚", ("行政处罚",), "item_6"),
    Spec("enforcement", "行政强制", ("行政强制",), "item_6"),
    Spec("fees", "行政事业性收费", ("事业性收费",), "item_8"),
    Spec("procurement", "政府集中采购", ("集中采购",), "item_9"),
)

TABLE2_COLUMNS: tuple[Spec, ...] = (
    Spec("made", "本年新制作数量", ("新制作",)),
    Spec("published", "本年新公开数量", ("新公开数量",)),
    Spec("total_published", "对外公开总数量", ("对外公开总",)),
    Spec("issued", "本年制发件数", ("制发件数",)),
    Spec("repealed", "本年废止件数", ("废止件数",)),
    Spec("in_force", "现行有效件数", ("现行有效",)),
    Spec("previous", "上一年项目数量", ("上一年项目",)),
    Spec("change", "本年增/减", ("增/减", "增减", "增／减")),
    Spec("decisions", "处理决定数量", ("处理决定",)),
    Spec("projects", "采购项目数量", ("采购项目",)),
    Spec("amount", "金额（单位：万元）", ("收费金额", "采购总金额", "采购总额")),
)

# Columns that exist in only one format; the others (decisions, amount) exist in both.
TABLE2_2019_COLUMNS = frozenset({"made", "published", "total_published", "previous", "change", "projects"})
TABLE2_2021_COLUMNS = frozenset({"issued", "repealed", "in_force"})

TABLE2_FORM: dict[str, dict[str, tuple[str, ...]]] = {
    "2019": {
        "item_1": ("made", "published", "total_published"),
        "item_5": ("previous", "change", "decisions"),
        "item_6": ("previous", "change", "decisions"),
        "item_8": ("previous", "change"),
        "item_9": ("projects", "amount"),
    },
    "2021": {
        "item_1": ("issued", "repealed", "in_force"),
        "item_5": ("decisions",),
        "item_6": ("decisions",),
        "item_8": ("amount",),
    },
}

TABLE2_COLUMN_LABELS: dict[tuple[str, str], str] = {
    ("2021", "decisions"): "本年处理决定数量",
    ("2021", "amount"): "本年收费金额（单位：万元）",
    ("2019", "amount"): "采购总金额（单位：万元）",
}


def table2_row_label(table_format: str, row: str) -> str:
    """A row's label as the form of that year prints it (2021 renamed 规范性文件)."""
    if row == "normative_documents" and table_format == "2021":
        return "行政规范性文件"
    return next(spec.label for spec in TABLE2_ROWS if spec.key == row)


def table2_column_label(table_format: str, column: str) -> str:
    default = next(spec.label for spec in TABLE2_COLUMNS if spec.key == column)
    return TABLE2_COLUMN_LABELS.get((table_format, column), default)


# ---- Table 三: 收到和处理政府信息公开申请情况 ---------------------------------------------------------

TABLE3_COLUMNS: tuple[Spec, ...] = (
    Spec("natural_person", "自然人", ("自然人",)),
    Spec("commercial", "商业企业", ("商业企业",), "legal_person"),
    Spec("research", "科研机构", ("科研机构",), "legal_person"),
    Spec("nonprofit", "社会公益组织", ("公益组织",), "legal_person"),
    Spec("legal_services", "法律服务机构", ("法律服务",), "legal_person"),
    Spec("other_org", "其他", (), "legal_person"),
    Spec("total", "总计", ("总计",)),
)
TABLE3_COLUMN_KEYS = tuple(spec.key for spec in TABLE3_COLUMNS)
APPLICANT_COLUMNS = TABLE3_COLUMN_KEYS[:-1]

TABLE3_GROUPS: dict[str, str] = {
    "outcomes": "三、本年度办理结果",
    "withheld": "（三）不予公开",
    "unavailable": "（四）无法提供",
    "not_processed": "（五）不予处理",
    "other_handling": "（六）其他处理",
}

# In the order of the official form. Items come before the group rows that share their words
# (the 2021 （六） sub-rows before the single 2019 row), and the totals last.
TABLE3_ROWS: tuple[Spec, ...] = (
    Spec("received", "一、本年新收政府信息公开申请数量", ("本年新收",)),
    Spec("carried_over", "二、上年结转政府信息公开申请数量", ("上年结转",)),
    Spec("disclosed", "（一）予以公开", ("予以公开", "以公开"), "outcomes"),  # OCR reads 予 as 子
    Spec("partly_disclosed", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", ("部分公开",), "outcomes"),
    Spec("withheld_state_secret", "1.属于国家秘密", ("国家秘密",), "withheld"),
    Spec("withheld_prohibited", "2.其他法律行政法规禁止公开", ("其他法律", "禁止公开", "法规禁止"), "withheld"),
    Spec("withheld_security", "3.危及“三安全一稳定”", ("三安全", "危及"), "withheld"),
    Spec("withheld_third_party", "4.保护第三方合法权益", ("第三方",), "withheld"),
    Spec("withheld_internal", "5.属于三类内部事务信息", ("内部事务",), "withheld"),
    Spec("withheld_process", "6.属于四类过程性信息", ("过程性",), "withheld"),
    Spec("withheld_enforcement", "7.属于行政执法案卷", ("执法案卷",), "withheld"),
    Spec("withheld_inquiry", "8.属于行政查询事项", ("查询事项",), "withheld"),
    Spec("unavailable_not_held", "1.本机关不掌握相关政府信息", ("不掌握",), "unavailable"),
    Spec("unavailable_to_be_made", "2.没有现成信息需要另行制作", ("另行制作", "没有现成"), "unavailable"),
    Spec("unavailable_unclear", "3.补正后申请内容仍不明确", ("仍不明确", "补正后"), "unavailable"),
    Spec("not_processed_petition", "1.信访举报投诉类申请", ("信访", "举报投诉"), "not_processed"),
    Spec("not_processed_repeated", "2.重复申请", ("重复申请",), "not_processed"),
    Spec("not_processed_publication", "3.要求提供公开出版物", ("出版物",), "not_processed"),
    Spec("not_processed_excessive", "4.无正当理由大量反复申请", ("大量反复",), "not_processed"),
    Spec(
        "not_processed_confirmation", "5.要求行政机关确认或重新出具已获取信息", ("重新出具", "确认或"), "not_processed"
    ),
    Spec(
        "other_no_correction",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        ("逾期不补正",),
        "other_handling",
    ),
    Spec(
        "other_unpaid_fee",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        ("缴纳费用", "收费通知"),
        "other_handling",
    ),
    Spec("other_other", "3.其他", (), "other_handling"),
    Spec("other_handling", "（六）其他处理", ("其他处理",), "outcomes"),
    Spec("outcomes_total", "（七）总计", ("总计",), "outcomes"),
    Spec("carried_forward", "四、结转下年度继续办理", ("结转下年度",)),
)
TABLE3_ROW_KEYS = tuple(spec.key for spec in TABLE3_ROWS)
OTHER_HANDLING_2021 = ("other_no_correction", "other_unpaid_fee", "other_other")
# Rule 2: the items whose sum is （七）总计 (every item of （一）–（六）, no group subtotals).
OUTCOME_ITEMS = TABLE3_ROW_KEYS[2 : TABLE3_ROW_KEYS.index("outcomes_total")]

# ---- Table 四: 政府信息公开行政复议、行政诉讼情况 -----------------------------------------------------

TABLE4_ROWS: tuple[Spec, ...] = (
    Spec("review", "行政复议", ("行政复议",)),
    Spec("litigation_direct", "行政诉讼 · 未经复议直接起诉", ("未经复议",)),
    Spec("litigation_after_review", "行政诉讼 · 复议后起诉", ("复议后起诉",)),
)
TABLE4_COLUMNS: tuple[Spec, ...] = (
    Spec("upheld", "结果维持", ("维持",)),
    Spec("corrected", "结果纠正", ("纠正",)),
    Spec("other", "其他结果", ("其他",)),
    Spec("pending", "尚未审结", ("尚未",)),
    Spec("total", "总计", ("总计",)),
)
TABLE4_ROW_KEYS = tuple(spec.key for spec in TABLE4_ROWS)
TABLE4_COLUMN_KEYS = tuple(spec.key for spec in TABLE4_COLUMNS)

# The statistical tables' numbers as digits, for names of cells and ids (t3.received.total, t3).
TABLE_DIGITS = {"二": "2", "三": "3", "四": "4"}

TABLE_TITLES: dict[str, str] = {
    "二": "主动公开政府信息情况",
    "三": "收到和处理政府信息公开申请情况",
    "四": "政府信息公开行政复议、行政诉讼情况",
}


def row_spec(number: str, key: str) -> Spec:
    specs = {"二": TABLE2_ROWS, "三": TABLE3_ROWS, "四": TABLE4_ROWS}[number]
    return next(spec for spec in specs if spec.key == key)


def column_spec(number: str, key: str) -> Spec:
    specs = {"二": TABLE2_COLUMNS, "三": TABLE3_COLUMNS, "四": TABLE4_COLUMNS}[number]
    return next(spec for spec in specs if spec.key == key)
