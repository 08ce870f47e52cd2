"""The calendar reader (postme.calendar.read_calendar): each distinct value is worked out
once per read, and an entry's text and raw views are its row's cells."""

from __future__ import annotations

import datetime as dt

from fakes.calendar import make_calendar, make_settings

from postme.calendar import read_calendar
from postme.stores.base import Cell, SheetRow, Tab


def test_equal_values_of_different_types_are_not_taken_for_each_other() -> None:
    """1 == True in Python, but a 1 in the time column is 01:00 and a ticked checkbox is
    not a time: the cache must keep them apart, whichever comes first."""
    settings = make_settings()
    rows: list[dict[str, Cell]] = [
        {"date": "16/11/2026", "time": 1, "program": "Nice to Know"},
        {"date": "17/11/2026", "time": True, "program": "Nice to Know"},
        {"date": "18/11/2026", "time": 1.0, "program": "Nice to Know"},
    ]
    for ordered in (rows, rows[::-1]):
        calendar = make_calendar(ordered, settings)
        times = {e.date: e.time for e in calendar.entries}
        assert times[dt.date(2026, 11, 16)] == dt.time(1)
        assert times[dt.date(2026, 11, 18)] == dt.time(1)
        assert times[dt.date(2026, 11, 17)] is None
        assert [(p.rule, p.value) for p in calendar.problems] == [("bad-time", True)]


def test_a_repeated_unknown_label_is_a_problem_on_every_row_that_has_it() -> None:
    settings = make_settings()
    rows = [{"date": f"{day}/11/2026", "program": "Senam Pagi"} for day in (16, 17, 18)]
    calendar = make_calendar(rows, settings)
    assert [(p.rule, p.row, p.cell) for p in calendar.problems] == [
        ("unknown-program", 2, "C2"),
        ("unknown-program", 3, "C3"),
        ("unknown-program", 4, "C4"),
    ]
    assert all("Senam Pagi" in p.message for p in calendar.problems)


def test_an_entry_shows_its_rows_cells_as_text_and_as_typed() -> None:
    settings = make_settings()
    row: dict[str, Cell] = {
        "date": "16/11/2026",
        "program": "Nice to Know",
        "title": "  Cuci tangan  ",
        "caption": 2026.0,
        "link": None,
    }
    (entry,) = make_calendar([row], settings).entries
    assert entry.get("title") == "Cuci tangan"
    assert entry.get("caption") == "2026"  # a number typed in a text column, as text
    assert entry.get("link") == ""
    assert entry.get("status") == ""  # not a text field
    assert entry.text["title"] == "Cuci tangan" and entry.text["link"] == ""
    assert entry.raw["title"] == "  Cuci tangan  " and entry.raw["caption"] == 2026.0
    assert entry.raw["program"] == "Nice to Know" and entry.raw["link"] is None


def test_a_row_shorter_than_the_header_reads_as_blanks() -> None:
    """Stores pad rows to the header's width; a Tab built by hand may not be."""
    headers = ("Tanggal", "Jam", "Program", "Format", "Judul", "Caption")
    tab = Tab(
        "Kalender Konten",
        1,
        headers,
        (SheetRow(2, ("16/11/2026", None, "Nice to Know")),),
        2,
    )
    (entry,) = read_calendar(tab, make_settings()).entries
    assert entry.date == dt.date(2026, 11, 16) and entry.program == "Nice to Know"
    assert entry.format is None and entry.get("caption") == ""
    assert entry.raw["caption"] is None
