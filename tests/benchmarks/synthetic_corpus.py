"""A synthetic corpus for benchmarks: `python -m tests.benchmarks.synthetic_corpus N OUT_DIR`.

N reports in the 2021 format as tab-separated text, from agencies of realistic kinds spread over
real counties and cities of the shipped division list, years 2021–2024 (some agencies abbreviate
their name in odd years), with a contact line, a dated signature, prose taken from the sample
reports and statistical tables whose numbers satisfy the consistency rules. The same N and
seed always give the same files.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from build_scripts.forms import (
    APPLICANT_COLUMNS,
    OUTCOME_ITEMS,
    TABLE3_GROUPS,
    TABLE3_ROWS,
)
from build_scripts.reading.readers import read_report
from build_scripts.reading.regions import PLACEHOLDER_NAMES, load_divisions

REPO = Path(__file__).resolve().parents[2]
AGENCY_KINDS = (
    "人民政府办公室",
    "发展和改革委员会",
    "教育局",
    "科学技术局",
    "公安局",
    "民政局",
    "人力资源和社会保障局",
    "自然资源局",
    "生态环境局",
    "住房和城乡建设局",
    "交通运输局",
    "农业农村局",
    "卫生健康委员会",
    "市场监督管理局",
    "城市管理局",
    "司法局",
    "财政局",
    "应急管理局",
)
YEARS = (2021, 2022, 2023, 2024)
# Spellings an agency uses in some years: the archive must still see one agency.
ABBREVIATED = {
    "发展和改革委员会": "发展改革委",
    "人力资源和社会保障局": "人力资源社会保障局",
    "住房和城乡建设局": "住房城乡建设局",
    "卫生健康委员会": "卫生健康委",
}
SECTION_TITLES = (
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
)
TABLE3_ROWS_2021 = [s for s in TABLE3_ROWS if s.key != "other_handling"]


def sample_paragraphs() -> list[str]:
    """Prose from the sample reports, to give the synthetic ones realistic text for search."""
    paragraphs = []
    for path in sorted((REPO / "reports").glob("*.txt")):
        report = read_report(path, path.name)
        paragraphs += [b.text for s in report.sections for b in s.blocks if b.kind == "paragraph" and len(b.text) > 40]
    return paragraphs


# Cities without counties, which the division list also names as their own county: left out, so
# that the corpus (and the places the tests and the search query set expect) stays as it was
# generated before such a city could be read at all.
CITIES_WITHOUT_COUNTIES = frozenset({"441900", "442000", "460400"})


def places(rng: random.Random) -> list[str]:
    """Counties and cities by full name, as agency names begin."""
    divisions = load_divisions()
    names = [
        d.name
        for d in divisions.by_code.values()
        if d.level in ("county", "city")
        and d.name not in PLACEHOLDER_NAMES
        and len(divisions.by_name[d.name]) == 1
        and d.code not in CITIES_WITHOUT_COUNTIES
    ]
    rng.shuffle(names)
    return names


def table2(rng: random.Random) -> list[str]:
    n = lambda top: str(rng.choice([0, 0, rng.randint(0, top)]))  # noqa: E731 - a tiny local helper
    return [
        "第二十条第（一）项\t\t\t",
        "信息内容\t本年制发件数\t本年废止件数\t现行有效件数",
        f"规章\t{n(3)}\t{n(3)}\t{n(10)}",
        f"行政规范性文件\t{n(10)}\t{n(5)}\t{n(40)}",
        "第二十条第（五）项\t\t\t",
        "信息内容\t本年处理决定数量\t\t",
        f"行政许可\t{n(5000)}\t\t",
        "第二十条第（六）项\t\t\t",
        "信息内容\t本年处理决定数量\t\t",
        f"行政处罚\t{n(3000)}\t\t",
        f"行政强制\t{n(200)}\t\t",
        "第二十条第（八）项\t\t\t",
        "信息内容\t本年收费金额（单位：万元）\t\t",
        f"行政事业性收费\t{n(9000)}\t\t",
    ]


def table3(rng: random.Random, carried_in: dict[str, int] | None = None) -> tuple[list[str], dict[str, int]]:
    """Table 三 and what it carries forward; `carried_in`: what the agency's report of the year
    before carried forward, which this year carries over (build_scripts/site/cross_year.py)."""
    items = [key for key in OUTCOME_ITEMS if key != "other_handling"]
    grid: dict[tuple[str, str], int] = {}
    for column in APPLICANT_COLUMNS:
        busy = column == "natural_person" or rng.random() < 0.2
        for row in items:
            grid[(row, column)] = rng.choice([0, 0, 0, rng.randint(0, 30)]) if busy else 0
        total = sum(grid[(row, column)] for row in items)
        forward = rng.randint(0, 3) if busy else 0
        carried = rng.randint(0, min(total + forward, 3)) if carried_in is None else carried_in[column]
        forward += max(0, carried - total - forward)  # nothing received is never negative
        grid[("outcomes_total", column)] = total
        grid[("carried_forward", column)] = forward
        grid[("carried_over", column)] = carried
        grid[("received", column)] = total + forward - carried
    lines = [
        "(本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和)\t\t申请人情况\t\t\t\t\t\t总计",
        "\t\t自然人\t法人或其他组织\t\t\t\t\t",
        "\t\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t",
    ]
    shown: set[str] = set()
    for spec in TABLE3_ROWS_2021:
        values = [grid[(spec.key, c)] for c in APPLICANT_COLUMNS]
        numbers = "\t".join(map(str, [*values, sum(values)]))
        if spec.group is None:
            lines.append(f"{spec.label}\t\t{numbers}")
        elif spec.group == "outcomes":
            lines.append(f"\t{spec.label}\t{numbers}")
        else:
            group = "" if spec.group in shown else TABLE3_GROUPS[spec.group]
            shown.add(spec.group)
            lines.append(f"\t{group}\t{spec.label}\t{numbers}")
    return lines, {column: grid[("carried_forward", column)] for column in APPLICANT_COLUMNS}


def table4(rng: random.Random) -> list[str]:
    numbers = []
    for _ in range(3):
        four = [rng.choice([0, 0, 0, rng.randint(0, 5)]) for _ in range(4)]
        numbers += [*four, sum(four)]
    return [
        "行政复议\t\t\t\t\t行政诉讼",
        "结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t未经复议直接起诉\t\t\t\t\t复议后起诉",
        "\t\t\t\t\t" + "\t".join(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2),
        "\t".join(map(str, numbers)),
    ]


def contact_sentence(agency: str, place: str, rng: random.Random) -> str:
    return (
        f"如对本报告有疑问，请与{agency}办公室联系（地址：{place}人民路{rng.randint(1, 300)}号，"
        f"邮编：{rng.randint(100000, 999999)}，电话：0{rng.randint(310, 999)}-{rng.randint(1000000, 9999999)}）。"
    )


def report_text(
    agency: str, place: str, year: int, rng: random.Random, prose: list[str], carried_in: dict[str, int] | None = None
) -> tuple[str, dict[str, int]]:
    """A report's text, and what its table 三 carries forward to the next year's."""
    parts = [f"{agency}{year}年政府信息公开工作年度报告", ""]
    parts += [f"本报告由{agency}编制，统计期限自{year}年1月1日至{year}年12月31日。", ""]
    parts += [contact_sentence(agency, place, rng), ""]
    table3_lines, carried_forward = table3(rng, carried_in)
    tables = {1: table2(rng), 2: table3_lines, 3: table4(rng)}
    for index, title in enumerate(SECTION_TITLES):
        parts += [title, ""]
        if index in tables:
            parts += [*tables[index], ""]
        else:
            parts += [text for paragraph in rng.sample(prose, 3) for text in (paragraph, "")]
    parts += [agency, f"{year + 1}年1月{rng.randint(5, 31)}日", ""]
    return "\n".join(parts), carried_forward


def make_corpus(count: int, out_dir: Path, seed: int = 2026) -> list[Path]:
    rng = random.Random(seed)
    prose = sample_paragraphs()
    place_names = places(rng)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    carried: dict[tuple[str, str], dict[str, int]] = {}  # by agency, what its last year carried forward
    for index in range(count):
        place = place_names[(index // (len(AGENCY_KINDS) * len(YEARS))) % len(place_names)]
        kind = AGENCY_KINDS[(index // len(YEARS)) % len(AGENCY_KINDS)]
        year = YEARS[index % len(YEARS)]
        path = out_dir / f"synthetic_{index:06d}.txt"
        spelling = ABBREVIATED.get(kind, kind) if year % 2 else kind
        agency = (place, kind)
        text, carried[agency] = report_text(place + spelling, place, year, rng, prose, carried.get(agency))
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


if __name__ == "__main__":
    made = make_corpus(int(sys.argv[1]), Path(sys.argv[2]))
    print(f"{len(made)} reports in {sys.argv[2]}")
