"""Place an agency in China's administrative divisions, from its name and the report's own text.

The rule is the one in the domain notes: match the longest full division name the agency name
starts with, descend through nested names (泉州市泉港区…), and settle names that occur more than
once (鼓楼区 ×4) only from context. What cannot be placed with confidence stays unresolved and is
reported; it is never guessed.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ..model import Finding, Region, Severity

UNRESOLVED = "unresolved"  # the region code (and URL part) of reports that could not be placed
UNRESOLVED_NAME = "地区未确定"

# Rows of the division list that stand for "no city level" rather than a real city.
PLACEHOLDER_NAMES = ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划")


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    level: str  # "province" | "city" | "county"
    parent: str


@dataclass(frozen=True)
class Rename:
    old_name: str
    old_code: str
    new_code: str
    year: int


MAX_LEVELS = 3  # province, city, county


@dataclass(frozen=True)
class Divisions:
    by_code: dict[str, Division]
    by_name: dict[str, tuple[Division, ...]]  # current names, and former names of renamed divisions
    longest_name: int
    renames: dict[str, Rename]  # by old name
    aliases: dict[str, str]  # names that are not divisions but stand for one (平潭综合实验区 → 350128)

    def ancestors(self, division: Division) -> list[Division]:
        """The division and every division above it, lowest first."""
        chain = [division]
        while chain[-1].parent and chain[-1].parent in self.by_code and len(chain) < MAX_LEVELS:
            chain.append(self.by_code[chain[-1].parent])
        return chain

    def is_within(self, division: Division, ancestor: Division) -> bool:
        return ancestor in self.ancestors(division)[1:]


def data_rows(name: str) -> list[dict[str, str]]:
    text = resources.files("build_scripts").joinpath(f"data/{name}").read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@lru_cache(maxsize=1)
def load_divisions() -> Divisions:
    """The division list shipped in build_scripts/data (see its README for source and licence),
    with the former names of renamed counties pointing at the divisions they became."""
    by_code: dict[str, Division] = {}
    by_name: dict[str, list[Division]] = {}
    for row in data_rows("divisions.csv"):
        division = Division(row["code"], row["name"], row["level"], row["parent"])
        if division.parent == division.code:
            # A city without counties (东莞市, 中山市, 儋州市) is listed again as its own county,
            # under itself: that row would replace the city and make its chain loop forever.
            continue
        by_code[division.code] = division
        if division.name not in PLACEHOLDER_NAMES:
            by_name.setdefault(division.name, []).append(division)
    renames = {
        row["old_name"]: Rename(row["old_name"], row["old_code"], row["new_code"], int(row["year"]))
        for row in data_rows("renamed_divisions.csv")
    }
    for rename in renames.values():
        by_name.setdefault(rename.old_name, []).append(by_code[rename.new_code])
    aliases = {row["alias"]: row["code"] for row in data_rows("division_aliases.csv")}
    for alias, code in aliases.items():
        by_name.setdefault(alias, []).append(by_code[code])
    return Divisions(
        by_code=by_code,
        by_name={name: tuple(found) for name, found in by_name.items()},
        longest_name=max(len(name) for name in by_name),
        renames=renames,
        aliases=aliases,
    )


def rename_findings(agency: str, region: Region, divisions: Divisions) -> list[Finding]:
    """An info finding for each former division name the agency name uses (偃师市… → 偃师区)."""
    return [
        Finding(
            "region-renamed",
            Severity.INFO,
            f"{rename.old_name}（{rename.old_code}）已于 {rename.year} 年改为"
            f"{divisions.by_code[rename.new_code].name}（{rename.new_code}），本报告归入现行区划",
        )
        for rename in divisions.renames.values()
        if rename.old_name in agency and rename.new_code == region.code
    ]


def alias_findings(agency: str, region: Region, divisions: Divisions) -> list[Finding]:
    """An info finding when the agency is named after an area that stands for a division."""
    return [
        Finding(
            "region-alias",
            Severity.INFO,
            f"“{alias}”不是行政区划名称，本报告归入它所管辖的{divisions.by_code[code].name}（{code}）",
        )
        for alias, code in divisions.aliases.items()
        if agency.startswith(alias) and code == region.code
    ]


def names_at_start(text: str, divisions: Divisions) -> list[str]:
    """Division names the text starts with, longest first."""
    limit = min(len(text) - 1, divisions.longest_name)
    whole = [text] if text in divisions.aliases else []  # 平潭综合实验区 is itself the agency's name
    return whole + [text[:size] for size in range(limit, 1, -1) if text[:size] in divisions.by_name]


def division_to_region(division: Division, divisions: Divisions) -> Region:
    found = {level.level: level.name for level in divisions.ancestors(division) if level.name not in PLACEHOLDER_NAMES}
    return Region(
        province=found.get("province"),
        city=found.get("city"),
        county=found.get("county"),
        code=division.code,
        resolved=True,
    )


def candidates_for(agency: str, divisions: Divisions) -> list[Division]:
    """The divisions an agency name can belong to, following nested names as far as they go."""
    for name in names_at_start(agency, divisions):
        candidates = list(divisions.by_name[name])
        rest = agency[len(name) :]
        deeper = [
            inner
            for inner_name in names_at_start(rest, divisions)
            for inner in divisions.by_name[inner_name]
            if any(divisions.is_within(inner, outer) for outer in candidates)
        ]
        return deeper or candidates
    return []


def narrow_by_context(candidates: list[Division], context: str, divisions: Divisions) -> list[Division]:
    """Keep the candidates whose enclosing city or province the report's text names."""
    named = [
        candidate
        for candidate in candidates
        if any(
            outer.name in context for outer in divisions.ancestors(candidate)[1:] if outer.name not in PLACEHOLDER_NAMES
        )
    ]
    return named if named else candidates


# An agency named from inside its own place (市科学技术局, 县教育局): the word it starts with and
# the level of division it stands for.
RELATIVE_PREFIXES = {"市": "city", "州": "city", "盟": "city", "县": "county", "区": "county", "旗": "county"}


def places_named_in(agency: str, context: str, divisions: Divisions) -> list[Division]:
    """For an agency named without its place (市科学技术局), the divisions of the level its first
    word stands for that the report's own text names (泉州市…); several mean it cannot be told."""
    level = RELATIVE_PREFIXES.get(agency[:1])
    if level is None:
        return []
    return sorted(
        {
            division
            for name, found in divisions.by_name.items()
            if name.endswith(agency[0]) and len(name) > 2 and name in context  # not 城区/郊区/矿区: common words
            for division in found
            if division.level == level
        },
        key=lambda division: division.code,
    )


MAX_SUGGESTIONS = 3


@lru_cache(maxsize=1)
def names_by_pattern() -> dict[str, tuple[str, ...]]:
    """Division names by each pattern with one character left open (沭阳县 under ?阳县, 沭?县, 沭阳?),
    to find the division a misread name (沐阳县) stands for."""
    patterns: dict[str, set[str]] = {}
    for name in load_divisions().by_name:
        for index in range(len(name) - 1):  # the last character (县, 市, 区) is the level, never misread
            patterns.setdefault(name[:index] + "?" + name[index + 1 :], set()).add(name)
    return {pattern: tuple(sorted(names)) for pattern, names in patterns.items()}


def misread_candidates(agency: str) -> list[tuple[str, str]]:
    """(printed, division name) where the agency name starts with a division name misread by one
    character (沐阳县人民政府 → 沭阳县), for names of three characters or more."""
    found = []
    divisions = load_divisions()
    for size in range(min(len(agency) - 1, divisions.longest_name), 2, -1):
        printed = agency[:size]
        for index in range(size - 1):
            for name in names_by_pattern().get(printed[:index] + "?" + printed[index + 1 :], ()):
                if name != printed:
                    found.append((printed, name))
    return sorted(set(found))


def resolve_misread(agency: str, context: str) -> tuple[Region, list[Finding]] | None:
    """A name one character off a division name is placed only when the report's own text prints
    the division's real name, and always with a finding; otherwise the finding says what it may be."""
    candidates = misread_candidates(agency)
    if not candidates:
        return None
    confirmed = [(printed, name) for printed, name in candidates if name in context]
    divisions = load_divisions()
    if len(confirmed) == 1 and len(divisions.by_name[confirmed[0][1]]) == 1:
        printed, name = confirmed[0]
        region = division_to_region(divisions.by_name[name][0], divisions)
        message = f"机构名称中的“{printed}”不是行政区划名称，按报告正文写明的“{name}”归入"
        return region, [Finding("region-misread", Severity.WARNING, message)]
    names = sorted({name for _, name in candidates})
    maybe = "、".join(names) if len(names) <= MAX_SUGGESTIONS else f"与之相差一字的 {len(names)} 个区划名称之一"
    message = (
        f"机构名称“{agency}”不以行政区划名称开头，可能是“{maybe}”的误写，但报告正文未能证实"
        "（维护者可在 overrides.yaml 中指定地区）"
    )
    return Region(), [Finding("region-unknown", Severity.WARNING, message)]


def resolve_region(agency: str, context: str) -> tuple[Region, list[Finding]]:
    """The region of an agency, or an unresolved region with a finding that says why."""
    divisions = load_divisions()
    candidates = candidates_for(agency, divisions)
    from_context = not candidates
    if from_context:
        candidates = places_named_in(agency, context, divisions)
    if len(candidates) > 1:
        candidates = narrow_by_context(candidates, context, divisions)
    if len(candidates) == 1:
        region = division_to_region(candidates[0], divisions)
        findings = rename_findings(agency, region, divisions) + alias_findings(agency, region, divisions)
        if from_context:
            message = f"机构名称“{agency}”不含地名，按报告正文提到的唯一地区{candidates[0].name}归入"
            findings.append(Finding("region-from-context", Severity.INFO, message))
        return region, findings
    if not candidates:
        misread = resolve_misread(agency, context)
        if misread is not None:
            return misread
        message = f"机构名称“{agency}”不以行政区划名称开头，无法确定地区"
        return Region(), [Finding("region-unknown", Severity.WARNING, message)]
    codes = "；".join(f"{c.code} {'/'.join(d.name for d in reversed(divisions.ancestors(c)))}" for c in candidates)
    message = f"机构名称“{agency}”可对应多个行政区划，报告正文未说明是哪一个：{codes}"
    return Region(), [Finding("region-ambiguous", Severity.WARNING, message)]


def region_chain(region: Region) -> list[tuple[str, str, str]]:
    """(code, name, level) from province down to the agency's own division, placeholders left out."""
    if not region.resolved or not region.code:
        return [(UNRESOLVED, UNRESOLVED_NAME, UNRESOLVED)]
    divisions = load_divisions()
    chain = divisions.ancestors(divisions.by_code[region.code])
    return [(d.code, d.name, d.level) for d in reversed(chain) if d.name not in PLACEHOLDER_NAMES]


def agency_short_name(agency: str, region: Region) -> str:
    """The agency name without the place names it starts with (伊川县城市管理局 → 城市管理局),
    including a former name of its division (偃师市教育局 → 教育局)."""
    chain = region_chain(region)
    codes = {code for code, _, _ in chain}
    former = [r.old_name for r in load_divisions().renames.values() if r.new_code in codes]
    names = sorted([name for _, name, _ in chain] + former, key=len, reverse=True)
    stripped = True
    while stripped:
        stripped = False
        for name in names:
            if agency.startswith(name) and len(agency) > len(name):
                agency = agency[len(name) :]
                stripped = True
    return agency
