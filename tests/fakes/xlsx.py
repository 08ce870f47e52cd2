"""Workbooks as teams keep them, for the .xlsx store tests.

``team_workbook`` starts from the demo planner without postme's tabs (as before
``postme init``) and adds what openpyxl cannot carry through a load and save: calendar
dates written as formulas (``=A4+7``) with their saved results, a logo picture, partly
bold caption text, an Excel-2010 (x14) drop-down, conditional formats, a calculation
chain and, for ``.xlsm``, a macro project. openpyxl writes formulas without saved
results, so the results are put into the sheet XML afterwards, as Excel saves them.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import PatternFill

from postme.demo import prepare_demo

TOOL_TABS = ("Analisis Mingguan", "Analisis Program", "Temuan")
CALENDAR = "Kalender Konten"
EXCEL_EPOCH = dt.datetime(1899, 12, 30)
VBA_BYTES = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 4  # a stand-in project
X14_VALIDATION = (
    '<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
    'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
    '<x14:dataValidations count="1" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
    '<x14:dataValidation type="list" allowBlank="1"><x14:formula1><xm:f>Daftar!$A$1:$A$3</xm:f>'
    "</x14:formula1><xm:sqref>K4:K200</xm:sqref></x14:dataValidation></x14:dataValidations>"
    "</ext></extLst>"
)


def serial(value: dt.datetime) -> int:
    return (value - EXCEL_EPOCH).days


def png() -> bytes:
    from PIL import Image as PilImage

    buffer = io.BytesIO()
    PilImage.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def team_workbook(folder: Path, macro: bool = False) -> tuple[Path, dict[str, object]]:
    """The demo folder with a team's workbook; returns its path and the formula cells'
    saved results (A1 → value) written into it."""
    from openpyxl.drawing.image import Image

    prepare_demo(folder)
    source = folder / "planner.xlsx"
    book = openpyxl.load_workbook(source)
    for title in TOOL_TABS:
        del book[title]
    calendar = book[CALENDAR]
    first = None
    cached: dict[str, object] = {}
    for row in range(4, calendar.max_row + 1):
        cell = calendar.cell(row, 1)
        if isinstance(cell.value, dt.datetime):
            if first is None:
                first = (row, cell.value)
                continue
            days = (cell.value - first[1]).days
            cell.value = f"=A{first[0]}+{days}"
            cached[cell.coordinate] = serial(first[1]) + days
    assert cached, "the demo calendar has date cells"
    caption = calendar.cell(4, 6)
    text = str(caption.value)
    caption.value = CellRichText(
        text[:12], TextBlock(InlineFont(b=True, color="FF0000"), text[12:])
    )
    calendar.conditional_formatting.add(
        "K4:K200",
        CellIsRule(operator="equal", formula=['"Batal"'], fill=PatternFill("solid", "FFC7CE")),
    )
    logo = Image(io.BytesIO(png()))
    calendar.add_image(logo, "P1")
    book.create_sheet("Daftar").append(["Rencana"])
    out = io.BytesIO()
    book.save(out)
    parts = _parts(out.getvalue())
    sheet = _sheet_part(parts, CALENDAR)
    xml = parts[sheet].decode("utf-8")
    for ref, value in cached.items():
        xml, count = re.subn(
            rf'(<c r="{ref}"[^>]*>)<f>([^<]*)</f><v\s*/>', rf"\1<f>\2</f><v>{value}</v>", xml
        )
        if count == 0:
            xml, count = re.subn(
                rf'(<c r="{ref}"[^>]*>)<f>([^<]*)</f><v></v>', rf"\1<f>\2</f><v>{value}</v>", xml
            )
        assert count == 1, ref
    xml = xml.replace("</worksheet>", X14_VALIDATION + "</worksheet>")
    parts[sheet] = xml.encode("utf-8")
    _add_calc_chain(parts, list(cached))
    name = "planner.xlsx"
    if macro:
        _add_macros(parts)
        name = "planner.xlsm"
    source.unlink()
    path = folder / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for part, content in parts.items():
            target.writestr(part, content)
    if macro:
        config = folder / "postme.toml"
        config.write_text(config.read_text(encoding="utf-8").replace("planner.xlsx", name))
    return path, cached


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist()}


def _sheet_part(parts: dict[str, bytes], title: str) -> str:
    workbook = parts["xl/workbook.xml"].decode()
    rid = re.search(rf'<sheet name="{re.escape(title)}"[^>]*r:id="([^"]+)"', workbook)
    assert rid
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    target = re.search(
        rf'<Relationship[^>]*Target="([^"]+)"[^>]*Id="{rid.group(1)}"', rels
    ) or re.search(rf'<Relationship[^>]*Id="{rid.group(1)}"[^>]*Target="([^"]+)"', rels)
    assert target
    return "xl/" + target.group(1).lstrip("/").removeprefix("xl/")


def sheet_part(path: Path, title: str) -> str:
    return _sheet_part(members(path), title)


def _add_calc_chain(parts: dict[str, bytes], refs: list[str]) -> None:
    cells = "".join(f'<c r="{ref}" i="1"/>' for ref in refs)
    parts["xl/calcChain.xml"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<calcChain xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{cells}</calcChain>'
    ).encode()
    _relate(
        parts,
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/calcChain",
        "calcChain.xml",
        "rId90",
    )
    _override(
        parts,
        "/xl/calcChain.xml",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml",
    )


def _add_macros(parts: dict[str, bytes]) -> None:
    parts["xl/vbaProject.bin"] = VBA_BYTES
    _relate(
        parts,
        "http://schemas.microsoft.com/office/2006/relationships/vbaProject",
        "vbaProject.bin",
        "rId91",
    )
    types = parts["[Content_Types].xml"].decode()
    types = types.replace(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )
    types = types.replace(
        "</Types>",
        '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>',
    )
    parts["[Content_Types].xml"] = types.encode()


def _relate(parts: dict[str, bytes], kind: str, target: str, rid: str) -> None:
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    entry = f'<Relationship Id="{rid}" Type="{kind}" Target="{target}"/>'
    parts["xl/_rels/workbook.xml.rels"] = rels.replace(
        "</Relationships>", entry + "</Relationships>"
    ).encode()


def _override(parts: dict[str, bytes], name: str, content_type: str) -> None:
    types = parts["[Content_Types].xml"].decode()
    entry = f'<Override PartName="{name}" ContentType="{content_type}"/>'
    parts["[Content_Types].xml"] = types.replace("</Types>", entry + "</Types>").encode()


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}
