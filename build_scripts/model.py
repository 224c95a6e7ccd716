"""The typed model that every stage of the build passes along.

A reader turns one source file into a `Report`; validation adds `Finding`s; the site's pages render a
`Report` (and the `Archive` of all of them) without ever going back to the source.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property


class Severity(StrEnum):
    """How bad a finding is. `ERROR` and `WARNING` fail a `--strict` build."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Finding:
    """One problem or remark about a source, in a form both people and tests can read.

    Findings of the consistency checks also name the table, row and column, the value as printed
    and the value the rule expects."""

    code: str
    severity: Severity
    message: str
    line: int | None = None
    table: str | None = None
    row: str | None = None
    column: str | None = None
    printed: int | float | None = None
    expected: int | float | None = None
    # The page (content-relative) of another report the finding compares this one with: the same
    # agency's report of the year before or after (site/cross_year.py).
    related: str | None = None

    @property
    def is_check(self) -> bool:
        """A consistency rule (勾稽关系) the report's numbers break (checks.py)."""
        return self.code.startswith("check-")


@dataclass(frozen=True)
class SourceFile:
    """The published file a report came from, identified by its content hash."""

    path: str
    sha256: str
    size: int
    media_type: str
    pages: int | None = None


@dataclass(frozen=True)
class Region:
    """Where an agency sits: province → city → county, with the division code of the lowest level.

    `resolved` is False when the agency name could not be placed with confidence; such reports
    are filed under an explicit "unresolved" group instead of being guessed.
    """

    province: str | None = None
    city: str | None = None
    county: str | None = None
    code: str | None = None
    resolved: bool = False


@dataclass(frozen=True)
class Table:
    """A statistical table as printed: rows of cell texts, before any interpretation.

    `number` is the section that holds it ("二", "三" or "四"); `layout` says how the source laid
    the cells out ("tab-grid", "cell-per-line" or "space-separated"); `row_lines` gives the 1-based
    source line of each row and `line` the line where the table starts.
    """

    number: str
    rows: list[list[str]]
    row_lines: list[int]
    layout: str
    line: int


class CellStatus(StrEnum):
    """What a cell of a statistical table holds. Blank ("not reported") is never the same as 0."""

    NUMBER = "number"
    BLANK = "blank"
    UNCERTAIN = "uncertain"


@dataclass(frozen=True, slots=True)
class Cell:
    """One number of a statistical table, keyed by its canonical row and column.

    `printed` is the text as it stood in the source; `value` the number read from it (None when
    blank, or when the cell is uncertain and nothing could be placed); `note` says why a cell is
    uncertain; `line` is the source line the number came from."""

    row: str
    column: str
    printed: str
    value: int | float | None
    status: CellStatus
    note: str | None = None
    line: int | None = None
    page: int | None = None


Box = tuple[float, float, float, float]  # left, top, right, bottom, in PDF points from the page's top left


@dataclass(frozen=True)
class LinePosition:
    """Where a source line of a table was printed in a PDF: its page and the box of the row, so
    that a number can be found in the original (its cell's `line` says which row)."""

    line: int
    page: int
    box: Box


@dataclass(frozen=True)
class StatTable:
    """Table 二, 三 or 四 as data: every cell of the official form that the report prints.

    `format` is told from this table's own labels ("2019" or "2021"); `method` says how its
    values were placed ("rows": label and numbers on one line; "order": numbers and labels on
    separate lines, paired in the order of the form)."""

    number: str
    format: str | None
    rows: list[str]
    cells: list[Cell]
    method: str
    positions: tuple[LinePosition, ...] = ()  # of its cells' lines, where the PDF's text layer gives them

    @cached_property
    def _by_key(self) -> dict[tuple[str, str], Cell]:
        return {(cell.row, cell.column): cell for cell in self.cells}

    def __getstate__(self) -> dict[str, object]:
        """Pickled (between build processes) without the lookup cache, which is rebuilt on demand."""
        return {name: value for name, value in self.__dict__.items() if name != "_by_key"}

    def forget_lookup(self) -> None:
        """Drop the lookup cache (a third of a report's memory) while the table is only kept."""
        self.__dict__.pop("_by_key", None)

    def cell(self, row: str, column: str) -> Cell | None:
        return self._by_key.get((row, column))

    def value(self, row: str, column: str) -> int | float | None:
        found = self.cell(row, column)
        return found.value if found and found.status == CellStatus.NUMBER else None

    def columns_of(self, row: str) -> list[str]:
        return [cell.column for cell in self.cells if cell.row == row]


@dataclass(frozen=True)
class Block:
    """One piece of a section's body: a paragraph, a sub-heading or a table."""

    kind: str  # "paragraph" | "heading" | "table"
    text: str = ""
    table: Table | None = None
    line: int = 0


@dataclass(frozen=True)
class Section:
    """One of the six numbered sections of the official format (number 1–6)."""

    number: int
    title: str
    blocks: list[Block]
    line: int


@dataclass(frozen=True)
class Contact:
    """Where to ask about the report, as its preamble gives it (any part may be missing)."""

    office: str | None = None
    address: str | None = None
    postcode: str | None = None
    phone: str | None = None
    email: str | None = None
    website: str | None = None


@dataclass(frozen=True)
class Provenance:
    """Where and when the report was published, as the page itself or the maintainer says.

    `origin` names where these came from: "page" (the saved web page's meta tags and info box),
    "crawl" (a crawler's header), "sidecar" (a `.meta.yaml` file beside the source) or "override"."""

    url: str | None = None  # the address the report was published at
    retrieved: str | None = None  # the date it was saved, YYYY-MM-DD
    index_number: str | None = None  # 索引号 of the government's disclosure catalogue
    published: str | None = None  # the page's own publication date, YYYY-MM-DD
    publisher: str | None = None  # 发布机构
    origin: str | None = None


@dataclass(frozen=True)
class CoverNotice:
    """The 关于印发…的通知 some agencies wrap around the report."""

    lines: list[str]
    date: str | None


@dataclass
class Report:
    """Everything the archive knows about one report."""

    source: SourceFile
    title: str
    agency: str
    year: int | None
    format: str | None
    region: Region
    publication_date: str | None
    cover_notice: CoverNotice | None
    preamble: list[Block]
    sections: list[Section]
    statistics: list[StatTable] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    ocr_pages: list[int] = field(default_factory=list)  # pages whose text was read from the image
    contact: Contact | None = None
    kind: str = "other"  # slug of an AgencyKind (metadata.py)
    agency_id: str | None = None  # set by the maintainer to link renamed agencies (overrides.py)
    overridden: list[str] = field(default_factory=list)  # fields the maintainer's overrides set
    provenance: Provenance = field(default_factory=Provenance)
    added: str | None = None  # the day the source joined the archive, YYYY-MM-DD (reading/ledger.py)

    def add_findings(self, findings: list[Finding]) -> None:
        """Every stage adds what it found through here (reading, the sidecar, the overrides, the
        plan of the archive), in the order the stages run; nothing else appends to `findings`."""
        self.findings = [*self.findings, *findings]

    def replace_findings(self, codes: tuple[str, ...], findings: list[Finding]) -> None:
        """Findings of the given codes superseded by a later stage (a region set by the maintainer)."""
        self.findings = [finding for finding in self.findings if finding.code not in codes] + findings

    @property
    def tables(self) -> list[Table]:
        return [block.table for section in self.sections for block in section.blocks if block.table]

    @property
    def failed_checks(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.is_check]

    def statistic(self, number: str) -> StatTable | None:
        return next((table for table in self.statistics if table.number == number), None)


@dataclass(frozen=True)
class SourceOutcome:
    """What happened to one source file in a build: published (with its page) or failed (why)."""

    source: str
    status: str  # "published" | "failed"
    page: str | None
    reason: str | None
    findings: list[Finding]
