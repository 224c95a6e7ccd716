"""Reader for Word files: `.docx` read directly, the legacy `.doc` and WPS `.wps` converted to
`.docx` by LibreOffice (headless) first.

Paragraphs become lines of text; Word tables become grids (a `gridSpan` cell covers several
columns, a `vMerge` continuation is a blank position under the cell it continues), read by the
table parser as a ruled PDF table is. A `.docx` is a zip of XML: its size is checked before
anything is unpacked, and XML with a DTD (which Word never writes) is refused, so neither a zip
bomb nor an entity bomb gets to the parser.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from ...model import Report, SourceFile
from ...parallel import ending_with
from ..parsing import Line, normalize_radicals
from .common import OLE_MAGIC, ReportError, lines_to_report, sha256_of
from .grid import SpanCell, expand_spans, grid_to_lines

log = logging.getLogger(__name__)

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DOCUMENT_XML = "word/document.xml"
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024  # unpacked; a report's document.xml is a few MB at most
MAX_COMPRESSION_RATIO = 200
CONVERT_TIMEOUT_SECONDS = 120
LIBREOFFICE_HINT = (
    "install LibreOffice (Debian: apt-get install libreoffice-writer-nogui; `make site` does this when the "
    "source folder holds .doc or .wps files)"
)
# Word 97–2003 and WPS files are OLE compound documents, whose header is 512 bytes; other .doc files
# (RTF, or a web page saved as .doc, as some sites publish) are left to LibreOffice to recognise.
OLE_HEADER_BYTES = 512
MEDIA_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".doc": "application/msword",
    ".wps": "application/vnd.ms-works",
}


def document_xml(path: Path) -> bytes:
    """The main part of a .docx, or a ReportError when the file is not one or would unpack too big."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise ReportError(f"not a readable Word .docx file (not a zip archive): {error}") from error
    with archive:
        try:
            info = archive.getinfo(DOCUMENT_XML)
        except KeyError:
            raise ReportError("not a Word .docx file: it has no word/document.xml") from None
        if info.file_size > MAX_DOCUMENT_BYTES or info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
            raise ReportError(
                f"Word file refused: word/document.xml would unpack to {info.file_size / 1e6:.0f} MB "
                f"from {info.compress_size / 1e3:.0f} KB (a zip bomb, not a report)"
            )
        with archive.open(info) as member:
            data = member.read(MAX_DOCUMENT_BYTES + 1)  # the header's size can lie; never read past the cap
        if len(data) > MAX_DOCUMENT_BYTES:
            raise ReportError("Word file refused: word/document.xml is larger than any report")
        return data


def parse_xml(data: bytes):
    """The XML tree; a DTD (Word never writes one) is refused, so no entity can be expanded."""
    from lxml import etree

    if b"<!DOCTYPE" in data[:4096] or b"<!ENTITY" in data:
        raise ReportError("Word file refused: its XML declares a DTD or entities (Word never does)")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        return etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as error:
        raise ReportError(f"Word file is damaged: {error}") from error


def paragraph_text(paragraph) -> str:
    """A paragraph's text: its runs joined, tabs as spaces, line breaks as newlines."""
    parts: list[str] = []
    for node in paragraph.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr"):
        if node.tag == f"{W}t":
            parts.append(node.text or "")
        elif node.tag == f"{W}tab":
            parts.append(" ")
        else:
            parts.append("\n")
    return "".join(parts)


def cell_property(cell, name: str) -> str | None:
    """The `w:val` of a cell property (gridSpan, vMerge); "" when present without a value."""
    properties = cell.find(f"{W}tcPr")
    element = properties.find(f"{W}{name}") if properties is not None else None
    if element is None:
        return None
    return element.get(f"{W}val", "")


def cell_span(cell) -> int:
    value = cell_property(cell, "gridSpan")
    return int(value) if value and value.isdigit() else 1


def table_rows(table) -> list[list[SpanCell]]:
    """A Word table's rows; a vMerge continuation is a blank cell under the one it continues."""
    rows = []
    for row in table.iterchildren(f"{W}tr"):
        cells = []
        for cell in row.iterchildren(f"{W}tc"):
            merge = cell_property(cell, "vMerge")
            continues = merge is not None and merge != "restart"
            text = "" if continues else "\n".join(paragraph_text(p) for p in cell.iter(f"{W}p"))
            cells.append(SpanCell(text, 1, cell_span(cell)))
        rows.append(cells)
    return rows


def body_lines(root) -> list[Line]:
    """The document's paragraphs and tables in order, as numbered lines."""
    body = root.find(f"{W}body")
    if body is None:
        raise ReportError("Word file has no document body")
    lines: list[Line] = []

    def add(text: str, ruled: bool = False) -> None:
        lines.append(Line(len(lines) + 1, normalize_radicals(text), ruled=ruled))

    def walk(container) -> None:
        for child in container:
            if child.tag == f"{W}p":
                for text in paragraph_text(child).split("\n"):
                    add(text.strip())
            elif child.tag == f"{W}tbl":
                for line in grid_to_lines(expand_spans(table_rows(child)), 0):
                    add(line.text, ruled=line.ruled)
                add("")
            elif child.tag in (f"{W}sdt", f"{W}sdtContent", f"{W}customXml", f"{W}smartTag"):
                walk(child)  # content controls and tags wrap ordinary paragraphs and tables

    walk(body)
    return lines


def docx_to_lines(path: Path) -> list[Line]:
    return body_lines(parse_xml(document_xml(path)))


# oosplash, which the `soffice` script runs, starts soffice.bin and restarts it once when a new
# profile is made (exit 81). Run directly, soffice.bin can be told to end with its parent, so a
# reader child that is stopped takes LibreOffice with it; the restart is done here.
RESTART_EXIT_CODE = 81


def office_command() -> list[str] | None:
    """The LibreOffice program that converts: soffice.bin beside the `soffice` script if there is
    one, else whatever `soffice` or `libreoffice` is here (other platforms)."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        return None
    program = Path(os.path.realpath(office)).with_name("soffice.bin")
    return [str(program) if program.exists() else office]


def convert_with_libreoffice(path: Path, workdir: Path) -> Path:
    """A .doc or .wps converted to .docx by LibreOffice, in a private profile (runs in parallel)."""
    office = office_command()
    if office is None:
        raise ReportError(
            f"{path.suffix} files are read through LibreOffice, which is not installed: {LIBREOFFICE_HINT}"
        )
    source = workdir / f"source{path.suffix.lower()}"
    shutil.copyfile(path, source)
    command = [
        *office,
        f"-env:UserInstallation=file://{workdir / 'profile'}",
        "--headless",
        "--norestore",
        "--convert-to",
        "docx:MS Word 2007 XML",
        "--outdir",
        str(workdir / "out"),
        str(source),
    ]
    environment = {**os.environ, "HOME": str(workdir), "TMPDIR": str(workdir)}  # its temporary files go too
    try:
        for _ in range(2):
            completed = subprocess.run(
                command,
                capture_output=True,
                timeout=CONVERT_TIMEOUT_SECONDS,
                check=False,
                env=environment,
                preexec_fn=ending_with(os.getpid()),
            )
            if completed.returncode != RESTART_EXIT_CODE:
                break
    except subprocess.TimeoutExpired:
        raise ReportError(f"LibreOffice took longer than {CONVERT_TIMEOUT_SECONDS} s to convert the file") from None
    converted = workdir / "out" / "source.docx"
    if not converted.exists():
        raise ReportError(f"LibreOffice could not read this {path.suffix} file (damaged, or not a Word document)")
    return converted


def read_word_report(path: Path, display_path: str) -> Report:
    data = path.read_bytes()
    if not data:
        raise ReportError("empty file")
    suffix = path.suffix.lower()
    source = SourceFile(path=display_path, sha256=sha256_of(data), size=len(data), media_type=MEDIA_TYPES[suffix])
    if zipfile.is_zipfile(path):  # a .docx, whatever its name says
        return lines_to_report(docx_to_lines(path), source)
    if suffix == ".docx":
        raise ReportError("not a readable Word .docx file (not a zip archive: truncated or damaged)")
    if data.startswith(OLE_MAGIC[:4]) and (len(data) < OLE_HEADER_BYTES or not data.startswith(OLE_MAGIC)):
        raise ReportError(f"damaged Word {suffix} file: its header is cut short or broken")
    with tempfile.TemporaryDirectory(prefix="archive-word-") as workdir:
        converted = convert_with_libreoffice(path, Path(workdir))
        return lines_to_report(docx_to_lines(converted), source)
