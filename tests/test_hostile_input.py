"""Issue 7, row 3: hostile and odd input. Whole calendars from hypothesis through
validate, slots and the weekly analysis (no exception, every bad cell named); text
starting with = + - @ arrives as text in Sheets and in the .xlsx file; 10k- and
100k-row calendars; 10k-character cells; right-to-left and emoji text; control
characters; duplicate header names; merged cells in the header row."""

from __future__ import annotations

import datetime as dt
import json
import re
import time
import unicodedata
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from fakes.demo import CLOCK, Demo, demo_settings, drop_cli_handlers
from fakes.instagram import (
    BAKUNG,
    media,
    post_from_media,
    profile_node,
    write_post,
    write_profile,
)
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from sheets_server import SheetsServer
from typer.testing import CliRunner

from postme.analysis import analyse_week
from postme.calendar import calendar_request, read_calendar
from postme.config import CalendarColumns
from postme.demo import DEMO_AS_OF, DEMO_CONFIG, prepare_demo
from postme.instagram.jsondir import JsonDirSource
from postme.jobs import run_weekly
from postme.parsing import ParseProblem, parse_date
from postme.policy import validate
from postme.slots import check_slots
from postme.stores.base import build_tab, cell_a1
from postme.weeks import last_complete_week

CALENDAR = "Kalender Konten"
HEADERS = {name: str(getattr(CalendarColumns(), name)) for name in CalendarColumns.model_fields}
SETTINGS = demo_settings({"backend": "xlsx", "path": "planner.xlsx"})
XLSX_CELL_MAX = 32_767  # Excel's limit; Google's is 50,000
A1 = re.compile(r"^[A-Z]{1,3}[1-9][0-9]*$")
RTL_EMOJI = "مرحبا بالعالم שלום 👩🏽‍⚕️💉🇮🇩 e\u0301 \u200f\u202e"
runner = CliRunner()

# ---------------------------------------------------------------- hypothesis: whole calendars

hostile_text = st.text(
    alphabet=st.characters(exclude_categories=["Cs"], min_codepoint=0x20, max_codepoint=0x1FAFF),
    max_size=40,
)
prefixed = st.builds(
    lambda p, t: p + t, st.sampled_from(["=", "+", "-", "@", "'", "#"]), hostile_text
)
messy = st.sampled_from(
    [
        "16/11/2026",
        "2026-11-16",
        "16-11-26",
        "16 Nov 2026",
        "Senin, 16 November 2026",
        "16 Nopember 2026",
        "31/11/2026",
        "11/16/2026",
        "05/06/2026",
        "19:00",
        "19.00",
        "7 PM",
        "25:00",
        "Nice to Know",
        "nice  to know ",
        "Konde Emas",
        "Obral Ketan",
        "SIKAKUNG",
        "Terupload ✅",
        "sudah upload",
        "draft",
        "Dibatalkan",
        "Foto",
        "Reels",
        "Live",
        "https://www.instagram.com/p/ABC123xyz/",
        "https://example.org",
        "#Germas " * 40,
        "pasti sembuh",
        "@a @b @c",
        "",
        " ",
        "\t",
        "NaN",
        "None",
        "0",
        "-1",
        "1e308",
        RTL_EMOJI,
        "x" * 3000,
    ]
)
cell = st.one_of(
    st.none(),
    messy,
    hostile_text,
    prefixed,
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12),
    st.floats(min_value=40000, max_value=50000),  # serial dates around 2009..2036
    st.booleans(),
)


@st.composite
def calendars(draw: Any) -> list[list[Any]]:
    """A grid: maybe title rows, a header (any order, extra and duplicate columns), rows."""
    names = list(HEADERS.values())
    order = draw(st.permutations(names))
    extra = draw(st.lists(st.sampled_from(["Ide Visual", "Catatan", "", "Caption"]), max_size=2))
    header = list(order) + extra
    grid: list[list[Any]] = []
    for _ in range(draw(st.integers(0, 3))):
        grid.append(draw(st.lists(st.one_of(st.none(), hostile_text), max_size=3)))
    grid.append(header)
    for _ in range(draw(st.integers(0, 25))):
        width = draw(st.integers(0, len(header) + 2))
        grid.append(draw(st.lists(cell, min_size=width, max_size=width)))
    return grid


@hsettings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)
@given(grid=calendars(), as_of=st.dates(dt.date(2026, 1, 1), dt.date(2027, 12, 31)))
def test_whole_calendars_never_crash_and_every_bad_cell_is_named(
    grid: list[list[Any]], as_of: dt.date
) -> None:
    tab = build_tab(CALENDAR, grid, calendar_request(SETTINGS))
    calendar = read_calendar(tab, SETTINGS)
    result = validate(calendar, SETTINGS, as_of, all_rows=True)
    week = last_complete_week(as_of)
    slots = check_slots(calendar, SETTINGS, as_of, week=week, posts=[])
    report = analyse_week(
        week,
        calendar,
        [],
        [],
        zone=SETTINGS.zone,
        as_of=as_of,
        now=CLOCK,
        missed_rows=slots.missed_rows,
        findings=result.findings,
        grace=dt.timedelta(minutes=SETTINGS.schedule.grace_minutes),
    )
    json.dumps([result.to_json(), slots.to_json(), report.to_json()], default=str)

    named = {(f.rule, f.cell) for f in result.findings}
    for problem in calendar.problems:
        assert (problem.rule, problem.cell) in named, problem
    date_column = calendar.columns["date"]
    for row in tab.rows:
        value = row.get(date_column)
        if value is None:
            continue
        try:
            parse_date(value)
        except ParseProblem:
            assert ("bad-date", cell_a1(row.number, date_column)) in named, (row.number, value)
    last_row = tab.last_row
    for finding in result.findings:
        assert finding.message
        if finding.cell:
            assert A1.match(finding.cell), finding
        assert 1 <= finding.row <= last_row, finding
    assert report.planned >= 0 and report.published <= report.planned


# ---------------------------------------------------------------- formula-looking text

HOSTILE_CAPTIONS = [
    '=HYPERLINK("http://evil.example","klik") #Germas',
    "+62 812-3456-7890 hubungi kami #Germas",
    "-obat ajaib? bukan! #Germas",
    "@puskesmas.sukamaju jadwal imunisasi #Germas",
    "=1+1",
]


def instagram_folder(folder: Path, captions: list[str]) -> Path:
    write_profile(folder, profile_node())
    for n, caption in enumerate(captions):
        taken = dt.datetime(2026, 11, 16 + n, 12, 0, tzinfo=dt.UTC)
        write_post(folder, post_from_media(media(f"Hostile{n:04d}", taken, caption=caption)))
    return folder


def test_formula_looking_instagram_text_is_text_in_google_sheets(
    sheets_server: SheetsServer, sheets_key_file: Path, tmp_path: Path
) -> None:
    demo = Demo(sheets_server, sheets_key_file, tmp_path / "g")
    source = JsonDirSource(instagram_folder(tmp_path / "ig", HOSTILE_CAPTIONS), BAKUNG, CLOCK)
    demo.weekly(source=source)
    rows = sheets_server.values(demo.id, "Metrik Postingan")
    header = rows[0]
    caption_col, code_col = header.index("Caption"), header.index("Shortcode")
    seen = {}
    for number, row in enumerate(rows, start=1):
        if row and str(row[code_col]).startswith("Hostile"):
            a1 = f"{chr(65 + caption_col)}{number}"
            assert not sheets_server.is_formula(demo.id, "Metrik Postingan", a1), a1
            seen[row[code_col]] = row[caption_col]
    assert sorted(seen.values()) == sorted(HOSTILE_CAPTIONS)


def xlsx_demo(folder: Path) -> tuple[Path, Any]:
    workbook = prepare_demo(folder)
    return workbook, demo_settings({"backend": "xlsx", "path": str(workbook)})


def append_calendar_rows(workbook: Path, rows: list[list[Any]]) -> list[int]:
    book = openpyxl.load_workbook(workbook)
    sheet = book[CALENDAR]
    numbers = []
    for values in rows:
        sheet.append(values)
        numbers.append(sheet.max_row)
        for column, value in enumerate(values, start=1):
            if isinstance(value, str):
                sheet.cell(sheet.max_row, column).data_type = "s"  # typed as text
    book.save(workbook)
    return numbers


def test_formula_looking_text_is_text_in_the_xlsx_file(tmp_path: Path) -> None:
    workbook, settings = xlsx_demo(tmp_path / "x")
    # A person typed text that looks like a formula into the calendar (as text).
    append_calendar_rows(
        workbook,
        [
            ["=TODAY()", "19:00", "Nice to Know", "Foto", "t", "=1+1 pasti sembuh"],
            ["+62 812 3456", "19:00", "@tim", "Foto", "t", "-"],
        ],
    )
    source = JsonDirSource(instagram_folder(tmp_path / "ig", HOSTILE_CAPTIONS), BAKUNG, CLOCK)
    result = run_weekly(settings, DEMO_AS_OF, source=source, now=CLOCK, clock_now=CLOCK)
    assert any(f.value == "=TODAY()" for f in result.validation.findings)
    book = openpyxl.load_workbook(workbook)
    for title in ("Metrik Postingan", "Temuan"):
        for row in book[title].iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value[:1] in "=+-@":
                    assert c.data_type == "s", (title, c.coordinate, c.value)
    captions = [r[10] for r in book["Metrik Postingan"].iter_rows(values_only=True)]
    assert set(HOSTILE_CAPTIONS) <= set(captions)
    values = [r[7] for r in book["Temuan"].iter_rows(values_only=True)]
    assert "=TODAY()" in values and "+62 812 3456" in values


# ---------------------------------------------------------------- big calendars


def big_calendar(path: Path, rows: int) -> None:
    """Replace the demo calendar with ``rows`` rows of realistic, partly messy values."""
    book = openpyxl.Workbook(write_only=True)
    source = openpyxl.load_workbook(path)
    for ws in source.worksheets:
        sheet = book.create_sheet(ws.title)
        if ws.title != CALENDAR:
            for values in ws.iter_rows(values_only=True):
                sheet.append(list(values))
            continue
        sheet.append(list(HEADERS.values()))
        programs = ["Nice to Know", "Konde Emas", "Obral Ketan", "SIKAKUNG", "Gizi??"]
        statuses = ["Terupload ✅", "sudah upload", "Direncanakan", "draft", "Dibatalkan"]
        start = dt.date(2020, 1, 1)
        for n in range(rows):
            day = start + dt.timedelta(days=n % 2500)
            date: Any = day if n % 3 else day.strftime("%d/%m/%Y")
            if n % 997 == 0:
                date = "31/02/2026"
            sheet.append(
                [
                    date,
                    "19:00" if n % 2 else "19.00",
                    programs[n % 5],
                    "Foto",
                    f"Judul {n}",
                    f"Caption {n % 5000} #Germas #PuskesmasSukamaju",
                    None,
                    "Rina",
                    "Dewi",
                    "drg. Elva" if n % 7 else "Rina",
                    statuses[n % 5],
                    f"https://www.instagram.com/p/Big{n:07d}/" if n % 5 < 2 else None,
                    None,
                ]
            )
    book.save(path)


def weekly_on_big_calendar(tmp_path: Path, rows: int) -> float:
    prepare_demo(tmp_path / "big")
    big_calendar(tmp_path / "big" / "planner.xlsx", rows)
    drop_cli_handlers()
    from postme.cli import app

    started = time.perf_counter()
    result = runner.invoke(
        app,
        [
            "weekly",
            "-c",
            str(tmp_path / "big" / "postme.toml"),
            "--as-of",
            DEMO_AS_OF.isoformat(),
            "--no-collect",
            "--json",
        ],
    )
    elapsed = time.perf_counter() - started
    assert result.exit_code in (0, 1), result.output
    document = json.loads(result.stdout)
    assert document["written"]["written"] is True
    return elapsed


def test_10k_row_calendar(tmp_path: Path) -> None:
    assert weekly_on_big_calendar(tmp_path, 10_000) < 45  # ~13 s, mostly openpyxl


@pytest.mark.soak
def test_100k_row_calendar(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    expression = str(request.config.getoption("markexpr", "") or "")
    if "soak" not in expression or expression.strip().startswith("not"):
        pytest.skip("soak variant: run with -m soak")
    assert weekly_on_big_calendar(tmp_path, 100_000) < 300  # ~85 s


# ---------------------------------------------------------------- long, RTL, emoji, control


def test_10k_character_cells_fit_every_written_cell(tmp_path: Path) -> None:
    workbook, settings = xlsx_demo(tmp_path / "x")
    long_caption = ("Cek tensi gratis di Puskesmas Sukamaju! " * 260)[:10_000] + " #Germas"
    append_calendar_rows(
        workbook,
        [
            ["16/11/2026", "19:00", "Nice to Know", "Foto", "x" * 10_000, long_caption],
            ["17/11/2026", "19:00", "Nice to Know", "Foto", "t", long_caption],  # duplicate
            ["y" * 10_000, "z" * 10_000, "w" * 10_000, "v" * 10_000],
        ],
    )
    result = run_weekly(settings, DEMO_AS_OF, source=None, now=CLOCK, clock_now=CLOCK)
    rules = {f.rule for f in result.validation.findings}
    assert {"caption-too-long", "duplicate-caption", "bad-date"} <= rules
    book = openpyxl.load_workbook(workbook)
    for title in ("Temuan", "Analisis Mingguan", "Analisis Program"):
        for row in book[title].iter_rows(values_only=True):
            for value in row:
                assert len(str(value or "")) <= XLSX_CELL_MAX, title


def test_rtl_emoji_and_combining_text_round_trips_in_both_stores(
    sheets_server: SheetsServer, sheets_key_file: Path, tmp_path: Path
) -> None:
    captions = [f"{RTL_EMOJI} #Germas", f"👍🏿 ✅ 🧑‍🤝‍🧑 عيد سعيد {RTL_EMOJI}"]
    source_folder = instagram_folder(tmp_path / "ig", captions)
    calendar_row = ["16/11/2026", "19:00", f"Program {RTL_EMOJI}", "Foto", RTL_EMOJI, "x"]

    workbook, settings = xlsx_demo(tmp_path / "x")
    append_calendar_rows(workbook, [calendar_row])
    source = JsonDirSource(source_folder, BAKUNG, CLOCK)
    local = run_weekly(settings, DEMO_AS_OF, source=source, now=CLOCK, clock_now=CLOCK)

    demo = Demo(sheets_server, sheets_key_file, tmp_path / "g")
    book = openpyxl.load_workbook(demo.folder / "planner.xlsx")
    book[CALENDAR].append(calendar_row)
    book.save(demo.folder / "planner.xlsx")
    demo.id = sheets_server.load_workbook(demo.folder / "planner.xlsx")
    demo.settings = demo_settings(
        {"backend": "gsheets", "spreadsheet": demo.id, "key_file": str(sheets_key_file)}
    )
    remote = demo.weekly(source=JsonDirSource(source_folder, BAKUNG, CLOCK))

    assert remote.validation.to_json() == local.validation.to_json()
    assert any(f.value == f"Program {RTL_EMOJI}" for f in local.validation.findings)
    written = openpyxl.load_workbook(workbook)
    local_captions = {r[10] for r in written["Metrik Postingan"].iter_rows(values_only=True)}
    remote_rows = sheets_server.values(demo.id, "Metrik Postingan")
    remote_captions = {r[10] for r in remote_rows if len(r) > 10}
    expected = {unicodedata.normalize("NFC", c) for c in captions}  # as instaloader keeps them
    assert expected <= local_captions and expected <= remote_captions
    local_values = {r[7] for r in written["Temuan"].iter_rows(values_only=True)}
    remote_values = {r[7] for r in sheets_server.values(demo.id, "Temuan") if len(r) > 7}
    assert f"Program {RTL_EMOJI}" in local_values and f"Program {RTL_EMOJI}" in remote_values


def test_control_characters_from_instagram_do_not_break_the_xlsx_write(tmp_path: Path) -> None:
    workbook, settings = xlsx_demo(tmp_path / "x")
    captions = ["baris\x0bbaru\x00 #Germas\x1f", "tab\tdan\nbaris baru #Germas"]
    source = JsonDirSource(instagram_folder(tmp_path / "ig", captions), BAKUNG, CLOCK)
    result = run_weekly(settings, DEMO_AS_OF, source=source, now=CLOCK, clock_now=CLOCK)
    assert result.written
    book = openpyxl.load_workbook(workbook)
    captions_written = {r[10] for r in book["Metrik Postingan"].iter_rows(values_only=True)}
    assert "barisbaru #Germas" in captions_written  # illegal XML characters dropped
    assert "tab\tdan\nbaris baru #Germas" in captions_written  # tab and newline kept


# ---------------------------------------------------------------- duplicate and merged headers


def test_duplicate_header_names_use_the_first_column(tmp_path: Path) -> None:
    header = [*HEADERS.values(), "Tanggal", "Caption", "Caption"]
    row: list[str | None] = [
        "16/11/2026",
        "19:00",
        "Nice to Know",
        "Foto",
        "t",
        "pasti sembuh #Germas",
    ]
    row += [None] * (len(HEADERS) - len(row)) + ["bukan tanggal", "x", "y"]
    tab = build_tab(CALENDAR, [header, row], calendar_request(SETTINGS))
    calendar = read_calendar(tab, SETTINGS)
    assert calendar.columns["date"] == 0 and calendar.columns["caption"] == 5
    result = validate(calendar, SETTINGS, DEMO_AS_OF, all_rows=True)
    assert not [f for f in result.findings if f.rule == "bad-date"]
    assert any(f.rule == "banned-phrase" and f.cell == "F2" for f in result.findings)


def test_duplicate_header_names_through_the_xlsx_store(tmp_path: Path) -> None:
    workbook, settings = xlsx_demo(tmp_path / "x")
    book = openpyxl.load_workbook(workbook)
    sheet = book[CALENDAR]
    sheet.cell(3, 14).value = "Status"  # "Ide Visual" renamed to a second "Status"
    book.save(workbook)
    result = run_weekly(settings, DEMO_AS_OF, source=None, now=CLOCK, clock_now=CLOCK)
    assert result.written
    assert all(not f.cell.startswith("N") for f in result.validation.findings)


def test_merged_cells_in_the_header_row(tmp_path: Path) -> None:
    workbook, settings = xlsx_demo(tmp_path / "x")
    book = openpyxl.load_workbook(workbook)
    sheet = book[CALENDAR]
    sheet.merge_cells("E3:F3")  # "Judul" over the caption column: "Caption" disappears
    sheet.merge_cells("H3:J3")  # one "Tim" header over creator, editor, verifier
    sheet["H3"] = "Pembuat Konten"
    tool = book["Analisis Mingguan"]
    tool.merge_cells("A1:B1")  # a person merged two headers of a tool-owned tab
    book.save(workbook)
    calendar_before = list(openpyxl.load_workbook(workbook)[CALENDAR].iter_rows(values_only=True))
    result = run_weekly(settings, DEMO_AS_OF, source=None, now=CLOCK, clock_now=CLOCK)
    assert result.written
    after = openpyxl.load_workbook(workbook)
    assert list(after[CALENDAR].iter_rows(values_only=True)) == calendar_before
    assert "E3:F3" in {str(r) for r in after[CALENDAR].merged_cells.ranges}
    weeks = [r[0] for r in after["Analisis Mingguan"].iter_rows(values_only=True)]
    assert "2026-W47" in weeks


def test_demo_config_is_the_one_used() -> None:
    assert "Asia/Jakarta" in DEMO_CONFIG and SETTINGS.tabs.calendar == CALENDAR
