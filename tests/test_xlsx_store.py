from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from postme.errors import SheetError, TabMissing
from postme.stores.base import ChartSpec, NewTab, RangeWrite, TabRequest, WritePlan
from postme.stores.xlsx import XlsxStore


def workbook(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Kalender Konten"
    sheet.append(["SOCIAL MEDIA PLANNER 2026"])
    sheet.append([])
    sheet.append(["Tanggal", "Jam", "Program", "Caption"])
    sheet.append([dt.datetime(2026, 11, 16), dt.time(19, 0), "Nice to Know", "Halo"])
    sheet.append([])
    sheet.append(["17/11/2026", "19.00", "Konde Emas", "=1+1"])
    sheet["D6"].data_type = "s"
    sheet.merge_cells("A1:D1")
    book.create_sheet("Metrik Akun").append(["Tanggal", "Pengikut"])
    book.save(path)
    return path


def test_read_skips_title_rows_and_blank_rows_keeping_row_numbers(tmp_path: Path) -> None:
    store = XlsxStore(workbook(tmp_path / "p.xlsx"))
    tabs = store.read(
        [TabRequest("Kalender Konten", header_row=None, expected_headers=("Tanggal", "Program"))]
    )
    calendar = tabs["Kalender Konten"]
    assert calendar is not None
    assert calendar.header_row == 3
    assert calendar.headers == ("Tanggal", "Jam", "Program", "Caption")
    assert [r.number for r in calendar.rows] == [4, 6]
    # A date cell reads as Google's serial number; a time as the day fraction.
    assert calendar.rows[0].values[:2] == (46342.0, 19 / 24)
    assert calendar.rows[1].values == ("17/11/2026", "19.00", "Konde Emas", "=1+1")


def test_missing_tab_is_an_error_naming_the_tabs_or_none_when_optional(tmp_path: Path) -> None:
    store = XlsxStore(workbook(tmp_path / "p.xlsx"))
    with pytest.raises(TabMissing, match="'Kalender Konten', 'Metrik Akun'"):
        store.read([TabRequest("Kalendar")])
    assert store.read([TabRequest("Temuan", required=False)]) == {"Temuan": None}


def test_write_plan_raw_text_new_tab_and_chart(tmp_path: Path) -> None:
    path = workbook(tmp_path / "p.xlsx")
    store = XlsxStore(path)
    plan = WritePlan(
        new_tabs=[NewTab("Analisis Mingguan", ("Minggu", "Pengikut"))],
        ranges=[
            RangeWrite("Analisis Mingguan", 2, 1, (("2026-W46", 10), ("2026-W47", 12))),
            RangeWrite("Metrik Akun", 2, 1, (('=HYPERLINK("http://x")', 5),)),
        ],
        charts=[ChartSpec("Analisis Mingguan", "Pengikut", "Minggu", ("Pengikut",))],
    )
    store.write(plan)
    book = openpyxl.load_workbook(path)
    assert book["Analisis Mingguan"]["B3"].value == 12
    cell = book["Metrik Akun"]["A2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")
    assert len(book["Analisis Mingguan"]._charts) == 1
    # Human cells untouched, including the text "=1+1" that must not turn into a formula.
    assert book["Kalender Konten"]["D6"].data_type == "s"
    assert (tmp_path / "p.bak.xlsx").exists()


def test_failed_write_leaves_the_file_as_it_was(tmp_path: Path) -> None:
    path = workbook(tmp_path / "p.xlsx")
    before = path.read_bytes()
    plan = WritePlan(
        ranges=[
            RangeWrite("Metrik Akun", 2, 1, (("2026-11-22", 5),)),
            RangeWrite("Tab yang hilang", 2, 1, (("x",),)),
        ]
    )
    with pytest.raises(TabMissing, match="'Tab yang hilang'"):
        XlsxStore(path).write(plan)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".postme-")] == []


def test_not_a_workbook_is_a_clear_sheet_error(tmp_path: Path) -> None:
    path = tmp_path / "p.xlsx"
    path.write_text("not a zip")
    with pytest.raises(SheetError, match="cannot be opened"):
        XlsxStore(path).read([TabRequest("Kalender Konten")])
    with pytest.raises(SheetError, match="does not exist"):
        XlsxStore(tmp_path / "nope.xlsx").read([TabRequest("Kalender Konten")])


def test_chart_and_colour_scale_are_drawn_once_and_follow_the_rows(tmp_path: Path) -> None:
    import re
    import zipfile

    from postme.stores.base import ColorScaleSpec

    path = workbook(tmp_path / "p.xlsx")
    store = XlsxStore(path)
    chart = ChartSpec("Analisis Mingguan", "Pengikut", "Minggu", ("Pengikut", "ER (%)"))
    scale = ColorScaleSpec("Analisis Mingguan", ("ER (%)",))
    store.write(
        WritePlan(
            new_tabs=[NewTab("Analisis Mingguan", ("Minggu", "Pengikut", "ER (%)"))],
            ranges=[RangeWrite("Analisis Mingguan", 2, 1, (("2026-W46", 10, 1.5),))],
            charts=[chart],
            formats=[scale],
        )
    )
    for week in (47, 48):
        store = XlsxStore(path)
        store.read([TabRequest("Analisis Mingguan")])
        store.write(
            WritePlan(
                ranges=[
                    RangeWrite("Analisis Mingguan", week - 44, 1, ((f"2026-W{week}", 12, 2.0),))
                ],
                charts=[chart],
                formats=[scale],
            )
        )
    with zipfile.ZipFile(path) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/")]
        assert len(charts) == 1
        chart_xml = z.read(charts[0]).decode()
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
    assert "'Analisis Mingguan'!$B$2:$B$4" in chart_xml  # grew with the rows
    assert '<axId val="200"' in chart_xml and '<crosses val="max"' in chart_xml  # right axis
    analysis = next(s for s in sheets if "2026-W48" in s)
    assert len(re.findall("<conditionalFormatting", analysis)) == 1
    assert 'sqref="C2:C1048576"' in analysis and 'rgb="FF57BB8A"' in analysis
    book = openpyxl.load_workbook(path)
    assert len(book["Analisis Mingguan"]._charts) == 1
    assert len(book["Analisis Mingguan"].conditional_formatting) == 1


def test_drop_downs_are_added_to_the_calendar(tmp_path: Path) -> None:
    path = workbook(tmp_path / "p.xlsx")
    store = XlsxStore(path)
    store.add_data_validation("Kalender Konten", 2, 4, ("Nice to Know", "Konde Emas"))
    store.add_data_validation("Kalender Konten", 3, 4, ("Foto", "Reels"))
    sheet = openpyxl.load_workbook(path)["Kalender Konten"]
    rules = sheet.data_validations.dataValidation
    assert [(str(r.sqref), r.formula1) for r in rules] == [
        ("C4:C1048576", '"Nice to Know,Konde Emas"'),
        ("D4:D1048576", '"Foto,Reels"'),
    ]
