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
    assert (tmp_path / "p.xlsx.bak").exists()


def test_failed_write_leaves_the_file_as_it_was(tmp_path: Path) -> None:
    path = workbook(tmp_path / "p.xlsx")
    before = path.read_bytes()
    plan = WritePlan(
        ranges=[
            RangeWrite("Metrik Akun", 2, 1, (("2026-11-22", 5),)),
            RangeWrite("Tab yang hilang", 2, 1, (("x",),)),
        ]
    )
    with pytest.raises(TabMissing):
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
