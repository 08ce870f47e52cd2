"""A calendar over several tabs: which tabs ``[tabs] calendar`` names (a title, a list, a
pattern), rows that know their tab, findings that name it, and the tolerant reading of
status and format words."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from fakes.calendar import make_settings

from postme.calendar import (
    RowNumber,
    Vocabulary,
    calendar_requests,
    calendar_tab_titles,
    read_calendar,
)
from postme.errors import ColumnMissing, TabMissing
from postme.policy import validate
from postme.stores.base import SheetRow, Tab

TITLES = ["Rekap", "IG Oktober 2026", "IG November 2026", "IG Desember 2026", "Data Followers"]


def test_a_pattern_picks_the_month_tabs_in_the_spreadsheets_order() -> None:
    assert calendar_tab_titles("IG *", TITLES) == TITLES[1:4]
    assert calendar_tab_titles("ig *", TITLES) == TITLES[1:4]  # any case
    assert calendar_tab_titles("IG * 2026", [*TITLES, "IG Januari 2027"]) == TITLES[1:4]


def test_a_list_mixes_titles_and_patterns_without_repeats() -> None:
    assert calendar_tab_titles(["rekap", "IG N*", "IG *"], TITLES) == [
        "Rekap",
        "IG November 2026",
        "IG Oktober 2026",
        "IG Desember 2026",
    ]


def test_a_title_that_is_not_there_is_kept_for_the_read_to_report() -> None:
    assert calendar_tab_titles("Kalender Konten", TITLES) == ["Kalender Konten"]


def test_a_pattern_that_fits_no_tab_names_the_tabs() -> None:
    with pytest.raises(TabMissing) as error:
        calendar_tab_titles("FB *", TITLES)
    assert "FB *" in str(error.value) and "'IG Oktober 2026'" in str(error.value)


def test_the_tab_list_is_asked_for_only_when_a_pattern_or_list_needs_it() -> None:
    calls: list[int] = []

    def titles() -> list[str]:
        calls.append(1)
        return TITLES

    plain = make_settings(tabs={"calendar": "Kalender Konten"})
    assert [r.title for r in calendar_requests(plain, titles)] == ["Kalender Konten"]
    assert calls == []
    pattern = make_settings(tabs={"calendar": "IG *"})
    assert [r.title for r in calendar_requests(pattern, titles)] == TITLES[1:4]
    assert calls == [1]


def test_row_numbers_of_different_tabs_differ_and_sort_tab_by_tab() -> None:
    october, november = RowNumber(5, "IG Oktober 2026", 0), RowNumber(5, "IG November 2026", 1)
    assert october != november and len({october, november}) == 2
    assert october == RowNumber(5, "IG Oktober 2026", 0)
    assert october == 5 and int(november) == 5 and str(november) == "5"
    assert f"row {november}" == "row 5 of 'IG November 2026'"  # in messages
    assert f"{november:d}" == "5"
    assert sorted([RowNumber(3, "b", 1), RowNumber(9, "a", 0)]) == [
        RowNumber(9, "a", 0),
        RowNumber(3, "b", 1),
    ]
    assert json.dumps({"row": november}) == '{"row": 5}'


def tab(title: str, headers: list[str], rows: list[list[Any]], header_row: int = 1) -> Tab:
    sheet_rows = tuple(SheetRow(header_row + 1 + i, tuple(values)) for i, values in enumerate(rows))
    return Tab(title, header_row, tuple(headers), sheet_rows, header_row + len(rows))


HEADERS = ["Tanggal", "Program", "Caption", "Status", "Format"]


def test_several_tabs_are_one_calendar_and_findings_name_the_tab() -> None:
    settings = make_settings(tabs={"calendar": "IG *"})
    october = tab(
        "IG Oktober 2026",
        HEADERS,
        [["2026-10-30", "Nice to Know", "pasti sembuh", "Sudah Tayang ✅", "Single Post"]],
    )
    # November's columns are in another order, below a title row: each tab is its own map.
    november = tab(
        "IG November 2026",
        ["Program", "Tanggal", "Status", "Caption"],
        [
            ["Nice to Know", "2026-11-02", "Rencana (revisi)", "pasti sembuh"],
            ["Nice to Know", "2026-11-03", "Batal (narsum sakit)", "ok"],
        ],
        header_row=3,
    )
    calendar = read_calendar([october, november], settings)
    assert calendar.tabs == ("IG Oktober 2026", "IG November 2026")
    assert [e.date for e in calendar.entries] == [
        dt.date(2026, 10, 30),
        dt.date(2026, 11, 2),
        dt.date(2026, 11, 3),
    ]
    assert [e.stage for e in calendar.entries] == ["published", "planned", "cancelled"]
    assert calendar.entries[0].format == "photo"  # "single" inside "Single Post"

    result = validate(calendar, settings, dt.date(2026, 11, 3), all_rows=True)
    banned = [f.cell for f in result.findings if f.rule == "banned-phrase"]
    assert banned == ["'IG Oktober 2026'!C2", "'IG November 2026'!D4"]


def test_one_tab_keeps_plain_cells() -> None:
    settings = make_settings()
    calendar = read_calendar(
        tab("Kalender Konten", HEADERS, [["2026-11-02", "NTK", "pasti sembuh", None, None]]),
        settings,
    )
    assert calendar.cell(calendar.entries[0].row, "caption") == "C2"


def test_a_missing_optional_column_is_a_warning_a_missing_date_an_error() -> None:
    settings = make_settings(calendar={"columns": {"verifier": "Cek Akhir"}})
    calendar = read_calendar(tab("Kalender Konten", HEADERS, []), settings)
    assert "verifier" not in calendar.columns
    assert len(calendar.warnings) == 1 and "'Cek Akhir'" in calendar.warnings[0]
    broken = make_settings(calendar={"columns": {"date": "Tgl Tayang"}})
    with pytest.raises(ColumnMissing, match="'Tgl Tayang'"):
        read_calendar(tab("Kalender Konten", HEADERS, []), broken)


@pytest.mark.parametrize(
    ("label", "stage"),
    [
        ("Sudah Tayang ✅", "published"),
        ("TAYANG!!", "published"),
        ("batal (narsum sakit)", "cancelled"),
        ("Belum tayang", "planned"),  # the word that comes first counts
        ("otw", None),
    ],
)
def test_a_known_status_word_inside_a_longer_label(label: str, stage: str | None) -> None:
    assert Vocabulary(make_settings()).stage_words.find(label) == stage
