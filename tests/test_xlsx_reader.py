"""python-calamine reads the same cells as openpyxl (values_only, data_only: formulas'
saved results) on the test workbooks, once both are put in Google's shape (dates as serial
day counts). Where calamine alone would differ (error results), the store lays the values
from the sheet XML over its grid."""

from __future__ import annotations

import datetime as dt
import io
import re
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from fakes.xlsx import team_workbook

from postme.demo import demo_files
from postme.stores.base import Cell, TabRequest
from postme.stores.xlsx import XlsxStore, reader
from postme.stores.xlsx.reader import openpyxl_grid, to_cell
from postme.stores.xlsx.store import Workbook

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

FORMATS = (
    "General", "dd/mm/yyyy", "[$-421]dddd, d mmmm yyyy", "d-mmm-yy", "yyyy-mm-dd hh:mm",
    "h:mm", "hh:mm:ss", "[h]:mm:ss", "0.00", "0%", '"Hari" d', "mm:ss", "@", "dd/mm/yyyy;@",
    "#,##0", "m/d/yyyy h:mm AM/PM", "d mmmm yyyy", "0.00E+00",
)  # fmt: skip
# Negative serials and days after 31-12-9999 in date formats are left out: openpyxl reads
# them as #VALUE! or a negative date, calamine as the number (docs/xlsx.md).
NUMBERS = (46342, 46342.5, 46343.34409722222, 0.75, 1.25, 60, 61, 1, 0, 2950000, 1e-7, 12.5)

# A sheet as Excel saves it: shared strings (plain, rich runs, phonetic runs, escaped
# characters), numbers stored as text, booleans, errors and formulas with saved results.
SHARED_STRINGS = "".join(
    (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n',
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="6" ',
        'uniqueCount="6"><si><t>Tanggal</t></si>',
        '<si><r><t xml:space="preserve">Cek </t></r><r><rPr><b/><color rgb="FFFF0000"/></rPr>',
        '<t>tensi</t></r><r><t xml:space="preserve"> gratis</t></r></si>',
        '<si><t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh></si>',
        "<si><t>baris_x000D_dua</t></si>",
        '<si><t xml:space="preserve">  spasi  </t></si>',
        "<si><t>007</t></si></sst>",
    )
)
SHEET = "".join(
    (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n',
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>',
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>',
        '<c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>4</v></c>',
        '<c r="F1" t="s"><v>5</v></c></row>',
        '<row r="3"><c r="B3" t="b"><v>1</v></c><c r="C3" t="b"><v>0</v></c>',
        '<c r="D3"><v>2486</v></c><c r="E3"><v>0.1</v></c>',
        '<c r="F3"><v>12345678901234</v></c></row>',
        '<row r="4"><c r="A4" t="e"><f>1/0</f><v>#DIV/0!</v></c>',
        '<c r="B4" t="e"><f>A99</f><v>#REF!</v></c>',
        '<c r="C4" t="str"><f>"x"&amp;A1</f><v>xTanggal</v></c>',
        '<c r="D4"><f>D3+1</f><v>2487</v></c>',
        '<c r="E4" t="b"><f>TRUE()</f><v>1</v></c><c r="F4"><f>F3</f></c></row>',
        '<row r="5"><c r="A5" t="inlineStr"><is><r><t>in</t></r><r><rPr><i/></rPr><t>line</t></r>',
        '</is></c><c r="C5" t="inlineStr"><is><t></t></is></c>',
        '<c r="E5" t="e"><v>#N/A</v></c></row>',
        '<row r="7"><c r="G7"><v>-0</v></c></row>',
        "</sheetData></worksheet>",
    )
)


ComparableGrid = list[list[tuple[str, Cell]]]


def comparable(grid: list[list[Cell]]) -> ComparableGrid:
    """Blank text as empty, trailing empties dropped; numbers compared as numbers, bools
    and text by type too."""
    out = []
    for row in grid:
        cells = [None if isinstance(v, str) and not v.strip() else v for v in row]
        while cells and cells[-1] is None:
            cells.pop()
        out.append(
            [(type(v).__name__ if isinstance(v, bool | str) else "number", v) for v in cells]
        )
    while out and not out[-1]:
        out.pop()
    return out


def both_readers_calamine(data: bytes) -> dict[str, ComparableGrid]:
    """The store's reader: calamine, with openpyxl where calamine would differ."""
    book = Workbook.open(Path("test.xlsx"), data)
    grids = reader.read_grids(
        data, book.package.zip, book.sheets, list(book.sheets), book.shared_strings
    )
    return {title: comparable(grid) for title, grid in grids.items()}


def both_readers(data: bytes) -> dict[str, tuple[ComparableGrid, ComparableGrid]]:
    ours = both_readers_calamine(data)
    return {t: (grid, comparable(openpyxl_grid(data, t))) for t, grid in ours.items()}


def assert_same_cells(data: bytes) -> None:
    for title, (calamine, reference) in both_readers(data).items():
        assert calamine == reference, title


def formats_workbook(epoch_1904: bool) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    if epoch_1904:
        from openpyxl.utils.datetime import CALENDAR_MAC_1904

        book.epoch = CALENDAR_MAC_1904
    for row, number_format in enumerate(FORMATS, start=1):
        for column, number in enumerate(NUMBERS, start=1):
            cell = sheet.cell(row, column, number)
            cell.number_format = number_format
    typed = book.create_sheet("Ketik")
    typed.append([dt.datetime(2026, 11, 16), dt.time(19, 0), dt.date(2026, 11, 17), "Senin"])
    typed.append([dt.datetime(2026, 11, 17, 8, 15, 30), dt.timedelta(hours=30), True, "=1+1"])
    typed["D2"].data_type = "s"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def excel_saved_workbook(strings: str = SHARED_STRINGS) -> bytes:
    book = openpyxl.Workbook()
    book.active.title = "Data"
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as source:
        parts = {n: source.read(n) for n in source.namelist()}
    parts["xl/worksheets/sheet1.xml"] = SHEET.encode()
    parts["xl/sharedStrings.xml"] = strings.encode()
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
        b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name, content in parts.items():
            target.writestr(name, content)
    return out.getvalue()


@pytest.mark.parametrize("epoch_1904", [False, True], ids=["1900", "1904"])
def test_dates_times_and_numbers_in_every_format(epoch_1904: bool) -> None:
    assert_same_cells(formats_workbook(epoch_1904))


def decoded(grid: list[list[tuple[str, Cell]]]) -> list[list[tuple[str, Cell]]]:
    """openpyxl leaves Excel's escapes for characters XML cannot carry (``_x000D_`` for a
    carriage return) as they are; calamine, Excel and LibreOffice show the character."""

    def decode(value: Cell) -> Cell:
        if not isinstance(value, str):
            return value
        return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), value)

    return [[(kind, decode(value)) for kind, value in row] for row in grid]


def test_shared_strings_errors_and_formula_results(monkeypatch: pytest.MonkeyPatch) -> None:
    data = excel_saved_workbook()
    reference = comparable(openpyxl_grid(data, "Data"))

    def no_fallback(data: bytes, title: str) -> list[list[Cell]]:
        raise AssertionError("calamine should read this sheet")

    monkeypatch.setattr(reader, "openpyxl_grid", no_fallback)
    calamine = both_readers_calamine(data)["Data"]
    assert calamine == decoded(reference)
    assert calamine[3][:2] == [("str", "#DIV/0!"), ("str", "#REF!")]  # laid over its blanks
    assert calamine[0][1] == ("str", "Cek tensi gratis")
    assert calamine[0][3] == ("str", "baris\rdua")


def test_text_with_unmarked_spaces_is_read_by_openpyxl(tmp_path: Path) -> None:
    """Spaces at the ends of a text without xml:space="preserve" (not written by Excel or
    LibreOffice, maybe by other programs): calamine would drop them, openpyxl keeps them."""
    strings = SHARED_STRINGS.replace('<t xml:space="preserve">Cek </t>', "<t>Cek </t>")
    data = excel_saved_workbook(strings)
    calamine, reference = both_readers(data)["Data"]
    assert calamine == reference
    assert calamine[0][1] == ("str", "Cek tensi gratis")
    # The same through the store.
    path = tmp_path / "p.xlsx"
    path.write_bytes(data)
    tab = XlsxStore(path).read([TabRequest("Data")])["Data"]
    assert tab is not None and tab.headers[1] == "Cek tensi gratis"


def test_the_team_workbook_and_the_demo(tmp_path: Path) -> None:
    path, cached = team_workbook(tmp_path / "team", macro=True)
    assert_same_cells(path.read_bytes())
    calendar = both_readers(path.read_bytes())["Kalender Konten"][0]
    ref, value = next(iter(cached.items()))
    row = int(ref[1:])
    assert calendar[row - 1][0] == ("number", value)  # the formula's saved result
    assert_same_cells(demo_files()[0].read_bytes())


def test_a_generated_planner(tmp_path: Path) -> None:
    import generate

    path = generate.write_xlsx(generate.make_tabs(300), tmp_path / "generated.xlsx")
    assert_same_cells(path.read_bytes())


def test_to_cell_gives_google_shapes() -> None:
    assert to_cell(dt.datetime(2026, 11, 16, 19, 0)) == 46342 + 19 / 24
    assert to_cell(dt.date(2026, 11, 16)) == 46342
    assert to_cell(dt.time(7, 30)) == 7.5 / 24
    assert to_cell(dt.timedelta(hours=30)) == 1.25
    assert to_cell(5.0) == 5 and isinstance(to_cell(5.0), int)
    assert to_cell(5.5) == 5.5 and to_cell(True) is True and to_cell("x") == "x"
