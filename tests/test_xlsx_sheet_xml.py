"""Cell edits inside a worksheet's XML: only the rows written change."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
from python_calamine import CalamineWorkbook

from postme.stores.base import RangeWrite, TabRequest, WritePlan
from postme.stores.xlsx import XlsxStore
from postme.stores.xlsx.sheet_xml import SheetEdit

HEAD = '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
ROWS = (
    '<row r="1" spans="1:3"><c r="A1" s="1" t="s"><v>0</v></c>'
    '<c r="B1" s="1" t="s"><v>1</v></c></row>'
    '<row r="2" spans="1:3"><c r="A2" s="5"><v>46342</v></c><c r="B2" s="7"><v>2362</v></c>'
    '<c r="C2" t="s"><v>2</v></c></row>'
    '<row r="4"><c r="A4" s="5"><f>A2+14</f><v>46356</v></c><c r="B4" s="7"><v>2400</v></c></row>'
)


def sheet(rows: str = ROWS, tail: str = "") -> str:
    return f'{HEAD}<dimension ref="A1:C4"/><sheetData>{rows}</sheetData>{tail}</worksheet>'


def test_a_new_row_takes_the_styles_of_the_cells_above_not_the_header() -> None:
    edit = SheetEdit(sheet(), header_row=1)
    edit.put(5, 1, 46363)
    edit.put(5, 2, 2486)
    edit.put(5, 3, "catatan")
    xml = edit.text()
    assert '<row r="5"><c r="A5" s="5"><v>46363</v></c><c r="B5" s="7"><v>2486</v></c>' in xml
    # Column C has no filled cell between the header and row 5 but C2, which has no style.
    assert '<c r="C5" t="inlineStr"><is><t>catatan</t></is></c></row>' in xml
    assert xml.startswith(HEAD + '<dimension ref="A1:C5"/>')
    assert ROWS in xml  # every existing row byte for byte


def test_an_edited_row_keeps_its_other_cells_and_each_cell_its_style() -> None:
    edit = SheetEdit(sheet(), header_row=1)
    edit.put(2, 2, 2370)
    edit.put(2, 4, True)
    xml = edit.text()
    assert (
        '<row r="2"><c r="A2" s="5"><v>46342</v></c><c r="B2" s="7"><v>2370</v></c>'
        '<c r="C2" t="s"><v>2</v></c><c r="D2" s="1" t="b"><v>1</v></c></row>'
    ) not in xml  # D2 must not take the header's style
    assert (
        '<row r="2"><c r="A2" s="5"><v>46342</v></c><c r="B2" s="7"><v>2370</v></c>'
        '<c r="C2" t="s"><v>2</v></c><c r="D2" t="b"><v>1</v></c></row>'
    ) in xml
    assert not edit.formula_replaced


def test_rows_are_inserted_in_order_and_formulas_noted_when_replaced() -> None:
    edit = SheetEdit(sheet(), header_row=1)
    edit.put(3, 1, "sisip")
    edit.put(4, 1, 46357)
    xml = edit.text()
    position = [xml.index(f'<row r="{n}"') for n in (1, 2, 3, 4)]
    assert position == sorted(position)
    assert '<c r="A4" s="5"><v>46357</v></c>' in xml
    assert edit.formula_replaced


def test_blank_values_clear_cells_but_keep_their_style() -> None:
    edit = SheetEdit(sheet(), header_row=1)
    edit.put(2, 2, None)
    edit.put(2, 3, None)
    xml = edit.text()
    assert '<c r="B2" s="7"/>' in xml and 'r="C2"' not in xml


def test_merged_cells_a_prefix_and_rows_without_numbers() -> None:
    prefixed = (
        '<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<x:sheetData><x:row><x:c><x:v>1</x:v></x:c></x:row><x:row><x:c><x:v>2</x:v></x:c>"
        '</x:row></x:sheetData><x:mergeCells count="1"><x:mergeCell ref="A3:B3"/></x:mergeCells>'
        "</x:worksheet>"
    )
    edit = SheetEdit(prefixed)
    edit.put(2, 2, "b")
    edit.put(3, 1, "top-left")
    edit.put(3, 2, "covered")
    xml = edit.text()
    assert '<x:row r="2"><x:c><x:v>2</x:v></x:c><x:c r="B2" t="inlineStr"><x:is><x:t>b</x:t>' in xml
    assert "top-left" in xml and "covered" not in xml


def test_empty_sheet_data_and_the_element_order() -> None:
    edit = SheetEdit(f'{HEAD}<sheetData/><pageMargins left="0.7"/></worksheet>')
    edit.put(1, 1, "Minggu")
    edit.text()
    edit.insert("conditionalFormatting", "<conditionalFormatting/>")
    edit.insert("drawing", "<drawing/>")
    assert edit.xml.index("</sheetData>") < edit.xml.index("<conditionalFormatting/>")
    assert edit.xml.index("<conditionalFormatting/>") < edit.xml.index("<pageMargins")
    assert edit.xml.index("<pageMargins") < edit.xml.index("<drawing/>")


def test_written_text_reads_back_as_written(tmp_path: Path) -> None:
    """Spaces, newlines, markup characters, an Excel escape code typed as text, a caption
    starting with "=" (stays text), numbers, booleans."""
    path = tmp_path / "p.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "Metrik Akun"
    book.active.append(["Tanggal", "Teks", "Angka", "Ya"])
    book.save(path)
    values = (
        "  dua spasi ",
        'a <b> & "c"\nbaris',
        "kode _x000D_ apa adanya",
        "=1+1",
        2486,
        0.1,
        True,
    )
    store = XlsxStore(path)
    store.write(WritePlan(ranges=[RangeWrite("Metrik Akun", 2, 1, (values,))]))
    tab = store.read([TabRequest("Metrik Akun")])["Metrik Akun"]
    assert tab is not None
    assert tab.rows[0].values[: len(values)] == values
    data = path.read_bytes()
    calamine = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
    assert calamine.to_python()[1][3] == "=1+1"
    with zipfile.ZipFile(path) as z:
        assert b"<f>" not in z.read("xl/worksheets/sheet1.xml")


def test_a_replaced_formula_drops_the_calculation_chain(tmp_path: Path) -> None:
    path = tmp_path / "p.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "Metrik Akun"
    book.active.append(["Tanggal", "Pengikut"])
    book.active.append(["2026-11-16", "=1+1"])
    book.save(path)
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["xl/calcChain.xml"] = (
        b'<calcChain xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<c r="B2" i="1"/></calcChain>'
    )
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rId77" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/calcChain" Target="calcChain.xml"/></Relationships>',
    )
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/calcChain.xml" ContentType="application/vnd.openxmlformats-'
        b'officedocument.spreadsheetml.calcChain+xml"/></Types>',
    )
    with zipfile.ZipFile(path, "w") as z:
        for name, content in parts.items():
            z.writestr(name, content)
    XlsxStore(path).write(WritePlan(ranges=[RangeWrite("Metrik Akun", 2, 2, ((2362,),))]))
    with zipfile.ZipFile(path) as z:
        assert "xl/calcChain.xml" not in z.namelist()
        assert b"calcChain" not in z.read("xl/_rels/workbook.xml.rels")
        assert b"calcChain" not in z.read("[Content_Types].xml")
    assert openpyxl.load_workbook(path)["Metrik Akun"]["B2"].value == 2362
