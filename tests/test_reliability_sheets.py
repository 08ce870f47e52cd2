"""Issue 7, rows 1 and 4: Google Sheets faults during ``weekly`` and "nothing lost".

Everything goes through the real gspread + google-auth stack against the local Sheets
server (tests/sheets_server.py), with faults injected at the HTTP level; the .xlsx store
is used where the fault applies to it too. Each fault says what the user sees (the
message and the exit code) and what is written (the spreadsheet dump before and after).
"""

from __future__ import annotations

import logging
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from fakes.demo import CLOCK, Demo, demo_settings, drop_cli_handlers, gsheets_config
from sheets_server import DEFAULT_EMAIL, SheetsServer, column_letters
from typer.testing import CliRunner

from postme.config import settings_from_dict
from postme.demo import DEMO_AS_OF, DEMO_CONFIG, prepare_demo
from postme.errors import ColumnMissing, ExitCode, SheetError, TabMissing
from postme.instagram.jsondir import JsonDirSource
from postme.jobs import run_collect, run_weekly
from postme.stores.base import RUN_LOCK_TTL
from postme.stores.gsheets import GoogleSheetsStore
from postme.stores.xlsx.package import Package

CALENDAR = "Kalender Konten"
HUMAN_TABS = (CALENDAR, "Metrik Akun", "Metrik Postingan")
TOOL_TABS = ("Analisis Mingguan", "Analisis Program", "Temuan")
AS_OF = DEMO_AS_OF.isoformat()
# The requests of a weekly run on a fresh copy of the demo: the lock, the tagging of the
# rows it updates (answered with the re-read) and the guarded write are batchUpdates; the
# read is the one batchGet.
NORMAL_RUN = {"batchUpdate": 3, "batchGet": 1}
runner = CliRunner()


# ---------------------------------------------------------------- helpers (also used elsewhere)


@pytest.fixture(autouse=True)
def fresh_cli_logging() -> Iterator[None]:
    drop_cli_handlers()
    yield
    drop_cli_handlers()


def cli(*args: str) -> tuple[int, str, str]:
    drop_cli_handlers()
    result = runner.invoke(app_(), [*args, "--lang", "en"])
    return result.exit_code, result.stdout, result.stderr


def app_() -> Any:
    from postme.cli import app

    return app


@pytest.fixture
def demo(sheets_server: SheetsServer, sheets_key_file: Path, tmp_path: Path) -> Demo:
    return Demo(sheets_server, sheets_key_file, tmp_path / "demo")


@pytest.fixture
def clean_run(sheets_server: SheetsServer, sheets_key_file: Path, tmp_path: Path) -> Any:
    """The spreadsheet as a weekly run with no fault leaves it (on a second copy)."""
    other = Demo(sheets_server, sheets_key_file, tmp_path / "clean")
    result = other.weekly()
    return result, other.dump()


# ---------------------------------------------------------------- 1. faults that clear


def test_429_burst_that_clears_succeeds_and_the_retries_are_logged(
    demo: Demo, clean_run: Any, caplog: pytest.LogCaptureFixture
) -> None:
    clean_result, clean_dump = clean_run
    demo.server.inject("batchGet", status=429, times=2)
    demo.server.inject("batchUpdate", status=429, times=1, retry_after=0, skip=1)  # the write
    with caplog.at_level(logging.INFO, logger="postme.sheets"):
        result = demo.weekly()
    assert result.written
    assert result.report.to_json() == clean_result.report.to_json()
    assert demo.dump() == clean_dump
    retries = [r.getMessage() for r in caplog.records if r.name == "postme.sheets"]
    assert len(retries) == 3
    assert all("429" in m and "trying again" in m for m in retries)
    assert "values:batchGet" in retries[0] and "try 2 of 8" in retries[0]
    assert "batchUpdate" in retries[2]


@pytest.mark.parametrize(
    ("kind", "fault"),
    [
        ("batchUpdate", {"status": 503}),
        ("batchGet", {"status": 500}),
        ("batchUpdate", {"status": 503, "skip": 1}),
        ("batchGet", {"reset": True}),
        ("batchUpdate", {"reset": True, "skip": 1}),
    ],
    ids=["503-lock", "500-read", "503-write", "reset-read", "reset-write"],
)
def test_transient_faults_are_retried_and_the_run_succeeds(
    demo: Demo, clean_run: Any, kind: str, fault: dict[str, Any]
) -> None:
    demo.server.reset_log()
    demo.server.inject(kind, times=2, **fault)
    result = demo.weekly()
    assert result.written
    assert demo.dump() == clean_run[1]
    # Two failed tries, plus the requests of that kind of a run with no fault.
    assert demo.server.count(kind) == 2 + NORMAL_RUN[kind]
    assert demo.server.all_developer_metadata(demo.id) == {}  # the lock and tags are gone


# ---------------------------------------------------------------- 1. faults that do not clear


@pytest.mark.parametrize(
    ("kind", "fault", "expected", "tries"),
    [
        ("batchGet", {"status": 429}, "429 Too Many Requests) and still was after 8 tries", 8),
        ("batchUpdate", {"status": 429, "skip": 1}, "still was after 8 tries", 8),
        ("batchUpdate", {"status": 503}, "server error (503) 4 times in a row", 4),
        ("batchGet", {"status": 500}, "server error (500) 4 times in a row", 4),
        ("batchUpdate", {"status": 500, "skip": 1}, "server error (500) 4 times", 4),
        ("batchUpdate", {"status": 503, "skip": 1}, "server error (503) 4 times", 4),
        ("batchGet", {"reset": True}, "Could not connect to Google Sheets", 4),
        ("batchUpdate", {"reset": True, "skip": 1}, "Could not connect to Google Sheets", 4),
        ("batchGet", {"malformed": True}, "could not be read (broken JSON)", 1),
        ("batchGet", {"truncated": True}, "broke off in the middle of an answer", 1),
    ],
    ids=[
        "429-read",
        "429-write",
        "503-lock",
        "500-read",
        "500-write",
        "503-write",
        "reset-read",
        "reset-write",
        "malformed-read",
        "truncated-read",
    ],
)
def test_faults_that_do_not_clear_give_exit_3_and_write_nothing(
    demo: Demo, kind: str, fault: dict[str, Any], expected: str, tries: int
) -> None:
    before = demo.dump()
    demo.server.reset_log()
    demo.server.inject(kind, times=100, **fault)
    started = time.perf_counter()
    with pytest.raises(SheetError) as caught:
        demo.weekly()
    assert time.perf_counter() - started < 10
    assert expected in str(caught.value)
    assert "nothing was written" in str(caught.value)
    assert caught.value.exit_code == ExitCode.SHEET
    assert demo.server.count(kind) >= tries
    assert demo.dump() == before


def test_stalled_answer_times_out_without_hanging(demo: Demo) -> None:
    before = demo.dump()
    demo.server.inject("batchGet", delay=30, times=10)
    started = time.perf_counter()
    with pytest.raises(SheetError) as caught:
        demo.weekly(store=demo.store(timeout=0.5, max_tries=2))
    assert time.perf_counter() - started < 5
    assert "did not answer within 0.5 seconds (2 tries)" in str(caught.value)
    assert demo.dump() == before


def test_stalled_write_times_out_and_nothing_is_written(demo: Demo) -> None:
    before = demo.dump()
    demo.server.inject("batchUpdate", delay=30, times=10, skip=1)  # the write, not the lock
    started = time.perf_counter()
    with pytest.raises(SheetError, match="did not answer within 0.5 seconds"):
        demo.weekly(store=demo.store(timeout=0.5, max_tries=2))
    assert time.perf_counter() - started < 5
    assert demo.dump() == before


def test_token_refused_by_the_api(demo: Demo) -> None:
    before = demo.dump()
    demo.server.inject("batchUpdate", status=401, times=3)  # google-auth refreshes, gives up
    with pytest.raises(SheetError) as caught:
        demo.weekly()
    message = str(caught.value)
    assert "Google refused the service-account key" in message
    assert str(demo.key_file) in message and DEFAULT_EMAIL in message
    assert caught.value.exit_code == ExitCode.SHEET
    assert demo.dump() == before


def test_key_deleted_in_the_cloud_console(demo: Demo) -> None:
    demo.server.revoke_key(DEFAULT_EMAIL)
    before = demo.dump()
    with pytest.raises(SheetError, match="create a new JSON key"):
        demo.weekly()
    assert demo.server.api_requests() == []
    assert demo.dump() == before


def test_not_shared_names_the_service_account(demo: Demo) -> None:
    demo.server.unshare(demo.id, DEFAULT_EMAIL)
    before = demo.dump()
    with pytest.raises(SheetError) as caught:
        demo.weekly()
    message = str(caught.value)
    assert f"is not shared with {DEFAULT_EMAIL}" in message
    assert f"add {DEFAULT_EMAIL} as Editor" in message
    assert demo.dump() == before


def test_wrong_spreadsheet_id(demo: Demo) -> None:
    store = GoogleSheetsStore(
        "1WrongIdWrongIdWrongId00",
        key_file=demo.key_file,
        endpoint=demo.server.url,
        sleep=lambda s: None,
    )
    with pytest.raises(SheetError) as caught:
        demo.weekly(store=store)
    assert "1WrongIdWrongIdWrongId00 not found" in str(caught.value)
    assert caught.value.exit_code == ExitCode.SHEET


# ---------------------------------------------------------------- 1. a person changed the sheet


@pytest.mark.parametrize("change", ["renamed", "deleted"])
def test_calendar_tab_renamed_or_deleted(demo: Demo, change: str) -> None:
    if change == "renamed":
        demo.server.rename_tab(demo.id, CALENDAR, "Kalender 2026")
    else:
        demo.server.delete_tab(demo.id, CALENDAR)
    before = demo.dump()
    with pytest.raises(TabMissing) as caught:
        demo.weekly()
    message = str(caught.value)
    assert f"Tab '{CALENDAR}' is not in the spreadsheet" in message
    assert "'Metrik Akun'" in message and "'Temuan'" in message
    assert ("'Kalender 2026'" in message) == (change == "renamed")
    assert caught.value.exit_code == ExitCode.SHEET
    assert demo.dump() == before
    assert demo.server.count("batchUpdateValues") == 0


def _header_cell(demo: Demo, header: str) -> str:
    rows = demo.server.values(demo.id, CALENDAR)
    row = next(i for i, r in enumerate(rows) if header in r)
    return f"{column_letters(rows[row].index(header))}{row + 1}"


def test_required_header_renamed_names_the_column_and_the_headers(demo: Demo) -> None:
    demo.server.set_values(demo.id, CALENDAR, [["Programnya"]], _header_cell(demo, "Program"))
    before = demo.dump()
    with pytest.raises(ColumnMissing) as caught:
        demo.weekly()
    message = str(caught.value)
    assert "'Program'" in message and "'Programnya'" in message and "'Tanggal'" in message
    assert "row 3 has" in message  # the header row, not the title row above it
    assert caught.value.exit_code == ExitCode.SHEET
    assert demo.dump() == before


def test_configured_optional_header_renamed_names_it(demo: Demo) -> None:
    settings_dict = tomllib.loads(DEMO_CONFIG)
    settings_dict["sheet"] = {"backend": "gsheets", "spreadsheet": demo.id}
    settings_dict["calendar"] = {"columns": {"status": "Status"}}
    demo.settings = settings_from_dict(settings_dict, env={})
    demo.server.set_values(demo.id, CALENDAR, [["Keadaan"]], _header_cell(demo, "Status"))
    result = demo.weekly()  # the run goes on without the status rules and figures
    assert result.written
    warning = next(w for w in result.warnings if "'Status'" in w)
    assert "column 'Status' (status) not found" in warning and "'Keadaan'" in warning
    assert result.report.published == 0 and result.report.planned > 0


def test_columns_reordered_give_the_same_results(demo: Demo, clean_run: Any) -> None:
    clean_result = clean_run[0]
    rows = demo.server.values(demo.id, CALENDAR)
    width = max(len(r) for r in rows)
    order = list(reversed(range(width)))  # the whole calendar, columns right to left
    demo.server.clear_tab(demo.id, CALENDAR)
    reordered = [[(r + [None] * width)[i] for i in order] for r in rows]
    demo.server.set_values(demo.id, CALENDAR, reordered)
    result = demo.weekly()
    assert result.report.to_json() == clean_result.report.to_json()
    assert result.slots.to_json() == clean_result.slots.to_json()
    found = [(f.rule, f.row, f.field, f.value) for f in result.validation.findings]
    expected = [(f.rule, f.row, f.field, f.value) for f in clean_result.validation.findings]
    assert sorted(found, key=repr) == sorted(expected, key=repr)
    # Cells name the column where the value now is.
    date_column = column_letters(order.index(0))
    assert all(
        f.cell.startswith(date_column) for f in result.validation.findings if f.rule == "bad-date"
    )
    assert demo.dump()["Analisis Mingguan"] == clean_run[1]["Analisis Mingguan"]


@pytest.mark.parametrize("keep_header", [False, True])
def test_calendar_emptied_works_and_flags_nothing(demo: Demo, keep_header: bool) -> None:
    rows = demo.server.values(demo.id, CALENDAR)
    header = next(r for r in rows if "Tanggal" in r)
    demo.server.clear_tab(demo.id, CALENDAR)
    if keep_header:
        demo.server.set_values(demo.id, CALENDAR, [header])
    calendar_before = demo.dump()[CALENDAR]
    result = demo.weekly(source=None)
    assert result.validation.findings == ()
    assert not result.slots.has_missed
    assert {f.kind for f in result.slots.findings} <= {"unplanned", "empty-day", "upcoming-day"}
    assert result.report.planned == 0 and result.report.plan_adherence_pct is None
    assert result.exit_code == ExitCode.OK
    assert result.written
    assert demo.dump()[CALENDAR] == calendar_before


# ---------------------------------------------------------------- 1. through the CLI


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        (lambda d: d.server.inject("batchGet", status=429, times=100, retry_after=0), "429"),
        (lambda d: d.server.inject("batchUpdate", status=503, times=100, skip=1), "(503)"),
        (lambda d: d.server.unshare(d.id, DEFAULT_EMAIL), f"add {DEFAULT_EMAIL} as Editor"),
        (lambda d: d.server.rename_tab(d.id, CALENDAR, "Kalender"), f"Tab '{CALENDAR}'"),
        (lambda d: d.server.inject("batchUpdate", status=401, times=3), "refused"),
        (lambda d: d.server.inject("batchGet", delay=30, times=10), "did not answer within"),
    ],
    ids=["429", "503-write", "403", "tab-renamed", "401", "stall"],
)
def test_cli_weekly_exit_3_with_the_message(
    demo: Demo, sheets_env: SheetsServer, setup: Any, expected: str
) -> None:
    config = demo.config(timeout_seconds=0.5, max_tries=2)
    setup(demo)
    before = demo.dump()
    started = time.perf_counter()
    code, out, err = cli("weekly", "-c", str(config), "--as-of", AS_OF, "--no-collect")
    assert time.perf_counter() - started < 10
    assert code == ExitCode.SHEET, (out, err)
    flat = " ".join(err.split())
    assert expected in flat
    assert "Traceback" not in out + err
    assert demo.dump() == before


def test_cli_wrong_id_is_exit_3(demo: Demo, sheets_env: SheetsServer) -> None:
    config = gsheets_config(demo.folder, "1WrongIdWrongIdWrongId00", demo.key_file)
    code, _out, err = cli("validate", "-c", str(config), "--as-of", AS_OF)
    assert code == ExitCode.SHEET
    assert "not found" in err and "[sheet] spreadsheet" in " ".join(err.split())


def test_cli_429_burst_that_clears_exits_as_usual(demo: Demo, sheets_env: SheetsServer) -> None:
    config = demo.config()
    demo.server.inject("batchGet", status=429, times=2, retry_after=0)
    code, out, err = cli("weekly", "-c", str(config), "--as-of", AS_OF, "--no-collect", "--debug")
    assert code == ExitCode.FINDINGS, (out, err)  # the demo has planted findings
    assert err.count("429") >= 2 and "try 3 of 4" in err  # --debug shows the retries


# ---------------------------------------------------------------- 4. nothing lost


def test_every_command_leaves_the_human_tabs_as_they_were(
    demo: Demo, sheets_env: SheetsServer
) -> None:
    config = str(demo.config())
    before = demo.dump()
    for command in (["validate", "--all"], ["slots"], ["report"], ["weekly", "--no-collect"]):
        code, out, err = cli(*command, "-c", config, "--as-of", AS_OF)
        assert code in (0, 1), (command, out, err)
        after = demo.dump()
        for tab in HUMAN_TABS:
            assert after[tab] == before[tab], (command, tab)
    second = demo.dump()
    for command in (["validate"], ["slots"], ["report"], ["weekly", "--no-collect"]):
        cli(*command, "-c", config, "--as-of", AS_OF)
    assert demo.dump() == second  # re-runs change nothing


def test_collect_touches_only_the_metrics_tabs_and_goes_by_shortcode(demo: Demo) -> None:
    # A person re-sorted the post metrics (newest first) and wrote notes beside them.
    rows = demo.server.values(demo.id, "Metrik Postingan")
    header, body = rows[0], [r for r in rows[1:] if r]
    note_column = header.index("Catatan Tim")
    body = list(reversed(body))
    for row in body:
        row.extend([None] * (len(header) - len(row)))
        row[note_column] = f"catatan {row[0]}"
    demo.server.clear_tab(demo.id, "Metrik Postingan")
    demo.server.set_values(demo.id, "Metrik Postingan", [header, *body])
    before = demo.dump()
    result = run_collect(demo.settings, demo.source(), DEMO_AS_OF, store=demo.store(), now=CLOCK)
    assert result.written
    after = demo.dump()
    for tab in before:
        if tab not in ("Metrik Akun", "Metrik Postingan"):
            assert after[tab] == before[tab], tab
    rows_after = after["Metrik Postingan"]
    collected = {p.shortcode: p for p in result.collection.posts} if result.collection else {}
    likes_column = header.index("Suka")
    for number, row in enumerate(rows_after[1:], start=2):
        if not row:
            continue
        code = row[0]
        if number - 1 <= len(body):
            assert row[note_column] == f"catatan {code}"  # the row kept its notes
        if code in collected and collected[code].likes is not None:
            assert row[likes_column] == collected[code].likes, code
    # Every hand-kept row is still on its row.
    for number, old in enumerate(body, start=2):
        assert rows_after[number - 1][0] == old[0]
    # The account snapshot rows people typed are still there, a new one added below.
    old_accounts = [r for r in before["Metrik Akun"] if r]
    assert after["Metrik Akun"][: len(old_accounts)] == old_accounts


def test_a_person_edit_in_the_analysis_tabs_survives(demo: Demo) -> None:
    demo.weekly()
    rows = demo.server.values(demo.id, "Analisis Mingguan")
    header = rows[0]
    w45 = next(i for i, r in enumerate(rows) if r and r[0] == "2026-W45")
    # An extra column with a note, and an old week corrected by hand.
    extra = column_letters(len(header))
    demo.server.set_values(demo.id, "Analisis Mingguan", [["Catatan Kapus"]], f"{extra}1")
    demo.server.set_values(demo.id, "Analisis Mingguan", [["rapat 9 Nov"]], f"{extra}{w45 + 1}")
    planned = header.index("Direncanakan")
    demo.server.set_values(
        demo.id, "Analisis Mingguan", [[7]], f"{column_letters(planned)}{w45 + 1}"
    )
    edited = demo.dump()
    demo.weekly()
    assert demo.dump() == edited


def test_failed_write_when_a_tab_must_be_created(demo: Demo, clean_run: Any) -> None:
    demo.server.delete_tab(demo.id, "Temuan")
    before = demo.dump()
    demo.server.inject("batchUpdate", status=500, times=100, skip=1)
    with pytest.raises(SheetError):
        demo.weekly()
    # One atomic batch adds the tab and writes the values: neither happened.
    assert demo.dump() == before
    demo.server.clear_faults()
    # The outage also refused the lock's release: the lock expires (RUN_LOCK_TTL), then
    # the next run takes it over and writes everything.
    later = time.time() + RUN_LOCK_TTL + 1
    demo.weekly(store=demo.store(clock=lambda: later))
    clean = clean_run[1]["Temuan"]
    assert demo.dump()["Temuan"] == [clean[0], *[r for r in clean if r and r[0] == "2026-W47"]]


def test_failed_xlsx_write_leaves_the_file_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    prepare_demo(tmp_path / "x")
    workbook = tmp_path / "x" / "planner.xlsx"
    before = workbook.read_bytes()
    settings = demo_settings({"backend": "xlsx", "path": str(workbook)})

    def broken_save(self: Any, out: Any) -> None:
        out.write(b"half a workbook")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Package, "write_to", broken_save)
    with pytest.raises(SheetError, match="No space left on device") as caught:
        run_weekly(settings, DEMO_AS_OF, source=None, now=CLOCK, clock_now=CLOCK)
    assert caught.value.exit_code == ExitCode.SHEET
    assert workbook.read_bytes() == before
    assert [p.name for p in workbook.parent.iterdir() if "postme-tmp" in p.name] == []


def test_xlsx_reruns_are_identical_and_human_tabs_untouched(tmp_path: Path) -> None:
    prepare_demo(tmp_path / "x")
    workbook = tmp_path / "x" / "planner.xlsx"
    settings = demo_settings({"backend": "xlsx", "path": str(workbook)})

    def snapshot() -> dict[str, list[tuple[Any, ...]]]:
        book = openpyxl.load_workbook(workbook)
        return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}

    before = snapshot()
    source = JsonDirSource(tmp_path / "x" / "instagram", "puskesmas.sukamaju", taken_at=CLOCK)
    run_weekly(settings, DEMO_AS_OF, source=source, now=CLOCK, clock_now=CLOCK)
    first = snapshot()
    assert first[CALENDAR] == before[CALENDAR]
    run_weekly(settings, DEMO_AS_OF, source=source, now=CLOCK, clock_now=CLOCK)
    assert snapshot() == first


# ---------------------------------------------------------------- issue 19: a living sheet

PERSON = "catatan orang"


def _rows_by_key(rows: list[list[Any]], key_columns: int) -> dict[tuple[Any, ...], list[Any]]:
    header = rows[0]
    out: dict[tuple[Any, ...], list[Any]] = {}
    for row in rows[1:]:
        padded = (row + [""] * len(header))[: len(header)]
        if padded[0] and not str(padded[0]).startswith(PERSON):
            out.setdefault(tuple(padded[:key_columns]), padded)
    return out


def _others(rows: list[list[Any]], week: str) -> list[str]:
    """The rows that are neither this week's nor a person's note, as a sorted multiset."""
    kept = []
    for row in rows:
        trimmed = list(row)
        while trimmed and trimmed[-1] in ("", None):
            trimmed.pop()
        if trimmed and trimmed[0] != week and not str(trimmed[0]).startswith(PERSON):
            kept.append(repr(trimmed))
    return sorted(kept)


def _as_edited(rows: list[list[Any]], edit: str) -> list[list[Any]]:
    """The tab's rows once the person's edit is applied (order aside)."""
    rows = [list(r) for r in rows]
    if edit == "delete":
        del rows[1]
    elif edit == "set":
        width = max(len(r) for r in rows)
        rows[2] = rows[2] + [""] * (width + 1 - len(rows[2])) + [f"{PERSON}: sel"]
    return rows


def _person_edit(demo: Demo, tab: str, edit: str) -> Any:
    server, sid = demo.server, demo.id

    def run() -> None:
        if edit == "insert":
            server.insert_rows(sid, tab, 2, [[f"{PERSON}: sisip"]])
        elif edit == "delete":
            server.delete_rows(sid, tab, 2)
        elif edit == "sort":
            server.sort_rows(sid, tab, 1, reverse=True)
        elif edit == "append":
            server.append_row(sid, tab, [f"{PERSON}: baris baru"])
        else:  # "set": a note typed in a column of its own, beside the data
            width = max(len(r) for r in server.values(sid, tab))
            server.set_values(sid, tab, [[f"{PERSON}: sel"]], f"{column_letters(width + 1)}3")

    return run


@pytest.mark.parametrize("moment", ["after-read", "after-tagging"])
@pytest.mark.parametrize("edit", ["insert", "delete", "sort", "append", "set"])
@pytest.mark.parametrize("tab", ["Analisis Mingguan", "Temuan", "Metrik Postingan"])
def test_a_person_editing_between_the_read_and_the_write_loses_nothing(
    demo: Demo, clean_run: Any, tab: str, edit: str, moment: str
) -> None:
    """Issue 19: postme wrote to the row numbers it saw when it read; a person's insert,
    delete, sort, append or typed cell in that window was overwritten (and postme's rows
    landed on other keys) while it printed "Written". Now the rows postme updates are
    tagged (developer metadata moves with its row) and written by tag, wherever the rows
    are when the write lands, and new rows go after the last row. The edit comes right
    after the first read, or in the last window: after the rows were tagged, before the
    values are written."""
    demo.weekly(source=None)  # week 47 is there; the next run updates it with Instagram
    start = demo.dump()
    edit_now = _person_edit(demo, tab, edit)
    if moment == "after-read":
        demo.server.after("batchGet", edit_now)
    else:  # the second batchUpdate (the first takes the lock) tags the rows to update
        demo.server.after("batchUpdate", edit_now, skip=1)
    demo.server.reset_log()
    result = demo.weekly()
    assert result.written
    # The lock, the tagging and the write. An edit after the tagging that moved rows postme
    # updates made Google refuse the guarded write (nothing written); postme tagged and
    # wrote again. (Metrik Postingan: this week's figures are new rows, none updated.)
    moved = moment == "after-tagging" and edit in ("insert", "delete", "sort")
    if moved and tab != "Metrik Postingan":  # lock, tagging, refused write, tagging, write
        assert demo.server.count("batchUpdate") >= 5
    after = demo.dump()
    clean = clean_run[1]
    # What the person did is there, cell for cell.
    person_cells = [c for r in after[tab] for c in r if str(c).startswith(PERSON)]
    assert len(person_cells) == (0 if edit in ("delete", "sort") else 1)
    assert after[CALENDAR] == clean[CALENDAR]
    # Every row postme owns this week is on its key with the values of an undisturbed run.
    week = "2026-W47"
    # Rows of other weeks (and a person's cell beside them) are as they were.
    for other in ("Analisis Mingguan", "Analisis Program", "Temuan"):
        expected = _as_edited(start[other], edit) if other == tab else start[other]
        assert _others(after[other], week) == _others(expected, week), other
    weekly = _rows_by_key(after["Analisis Mingguan"], 1)
    assert weekly[(week,)] == _rows_by_key(clean["Analisis Mingguan"], 1)[(week,)]
    programs = _rows_by_key(after["Analisis Program"], 2)
    clean_programs = _rows_by_key(clean["Analisis Program"], 2)
    assert {k: v for k, v in programs.items() if k[0] == week} == {
        k: v for k, v in clean_programs.items() if k[0] == week
    }
    findings = sorted(map(repr, (r for r in after["Temuan"] if r and r[0] == week)))
    assert findings == sorted(map(repr, (r for r in clean["Temuan"] if r and r[0] == week)))
    posts = _rows_by_key(after["Metrik Postingan"], 1)
    clean_posts = _rows_by_key(clean["Metrik Postingan"], 1)
    deleted = 1 if (tab, edit) == ("Metrik Postingan", "delete") else 0  # an old post, gone
    assert len(set(clean_posts) - set(posts)) == deleted
    for code, row in clean_posts.items():
        if code in posts:  # figures by shortcode; the notes column is people's
            assert posts[code][:11] == row[:11], code
    assert demo.server.all_developer_metadata(demo.id) == {}  # no tag is left behind
    # A re-run afterwards succeeds, and then nothing changes. (Not the first re-run: after
    # a person deleted a post row, the history's best-time table is rightly recomputed.)
    assert demo.weekly().exit_code == result.exit_code
    settled = demo.dump()
    demo.weekly()
    assert demo.dump() == settled


def test_a_row_deleted_while_postme_writes_it_makes_the_write_refuse_itself(
    demo: Demo, clean_run: Any
) -> None:
    """Issue 19: the last window. A person deletes the very row postme is about to update
    (after postme tagged it, before the write lands). The row's tag goes with it, but the
    tab's last row (the sentinel) moves up: its guard makes Google refuse the whole write,
    nothing lands on the row that took the deleted one's place, and postme looks again:
    the week's row is written anew, after the last row."""
    demo.weekly(source=None)
    week = "2026-W47"
    tab = "Analisis Mingguan"

    def delete_this_weeks_row() -> None:
        rows = demo.server.values(demo.id, tab)
        number = next(i for i, r in enumerate(rows, start=1) if r and r[0] == week)
        demo.server.delete_rows(demo.id, tab, number)

    demo.server.after("batchUpdate", delete_this_weeks_row, skip=1)
    before = demo.dump()
    demo.server.reset_log()
    result = demo.weekly()
    assert result.written
    # The lock, the tagging, the refused write, then (the grid is a row shorter: the sizes
    # are read again) the tagging and the write.
    assert demo.server.count("batchUpdate") >= 5
    after = demo.dump()
    # The other weeks' rows are untouched: nothing was written in the deleted row's place.
    assert _others(after[tab], week) == _others(before[tab], week)
    assert after[CALENDAR] == before[CALENDAR]
    clean = _rows_by_key(clean_run[1][tab], 1)
    assert _rows_by_key(after[tab], 1)[(week,)] == clean[(week,)]
    assert demo.server.all_developer_metadata(demo.id) == {}  # tags and lock gone


def test_rows_that_keep_moving_stop_the_run_with_nothing_written(demo: Demo) -> None:
    """Someone inserting rows again and again while postme writes: after three looks
    postme stops, says so, and has written nothing."""
    demo.weekly(source=None)
    before = demo.dump()
    tab = "Analisis Mingguan"
    inserted: list[int] = []

    def insert_and_again() -> None:  # after every batchUpdate that Google applied
        demo.server.insert_rows(demo.id, tab, 2, [[f"{PERSON}: sisip {len(inserted)}"]])
        inserted.append(1)
        if len(inserted) < 10:
            demo.server.after("batchUpdate", insert_and_again)

    demo.server.after("batchUpdate", insert_and_again, skip=1)  # from the first tagging on
    with pytest.raises(SheetError, match="kept moving") as caught:
        demo.weekly()
    assert "Nothing was written" in str(caught.value)
    after = demo.dump()
    person_rows = [r for r in after[tab] if r and str(r[0]).startswith(PERSON)]
    assert len(person_rows) == len(inserted) >= 3  # one after each tagging
    assert {t: v for t, v in after.items() if t != tab} == {
        t: v for t, v in before.items() if t != tab
    }
    assert [r for r in after[tab] if r not in person_rows] == before[tab]
    assert demo.server.all_developer_metadata(demo.id) == {}


def test_two_runs_from_two_configs_one_by_key_one_by_url_do_not_interleave(
    demo: Demo, clean_run: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 19: the local file lock was keyed on the spreadsheet as typed; the same sheet
    named by key in one config and by URL in another ran twice at once. The lock now lives
    in the spreadsheet itself: the second run stops, names the holder, writes nothing."""
    import threading

    from postme.errors import LockBusy

    url = f"https://docs.google.com/spreadsheets/d/{demo.id}/edit#gid=0"
    by_url = demo_settings(
        {
            "backend": "gsheets",
            "spreadsheet": url,
            "key_file": str(demo.key_file),
            "endpoint": demo.server.url,
        }
    )
    demo.server.inject("batchGet", delay=0.8, times=1)  # the first run is slow to read
    outcomes: dict[str, Any] = {}

    def first() -> None:
        outcomes["key"] = demo.weekly()

    thread = threading.Thread(target=first)
    thread.start()
    time.sleep(0.3)
    other = GoogleSheetsStore(
        url, key_file=demo.key_file, endpoint=demo.server.url, sleep=lambda s: None
    )
    assert other.identity == demo.store().identity == demo.id
    # The second run is another user's (another home, so another local lock file): only
    # the lock kept in the spreadsheet can stop it.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "other-home" / ".cache"))
    with pytest.raises(LockBusy) as caught:
        run_weekly(by_url, DEMO_AS_OF, store=other, source=demo.source(), now=CLOCK)
    thread.join(20)
    message = str(caught.value)
    assert "Another postme run (" in message and " since " in message
    assert "nothing was written" in message
    assert caught.value.exit_code == ExitCode.SHEET
    assert outcomes["key"].written
    assert demo.dump() == clean_run[1]
    assert demo.server.developer_metadata(demo.id) == {}  # released by the first run's write


def test_a_second_run_waits_for_the_lock_when_asked_to(demo: Demo, clean_run: Any) -> None:
    import threading

    demo.server.inject("batchGet", delay=0.8, times=1)
    results: list[Any] = []
    thread = threading.Thread(target=lambda: results.append(demo.weekly()))
    thread.start()
    time.sleep(0.3)
    waiting = demo.store(lock_wait=30.0)
    waiting.sleep = time.sleep
    second = demo.weekly(store=waiting)
    thread.join(20)
    assert results[0].written and second.report.to_json() == results[0].report.to_json()
    assert demo.dump() == clean_run[1]


def test_a_crashed_runs_lock_expires_and_is_taken_over(demo: Demo, clean_run: Any) -> None:
    crashed = demo.store(clock=lambda: time.time() - 2 * RUN_LOCK_TTL)
    held = crashed.shared_lock("cron@laptop (pid 1)", RUN_LOCK_TTL)
    held.__enter__()  # and the run died: never released
    (lock,) = demo.server.developer_metadata(demo.id).values()
    assert "cron@laptop" in lock["metadataValue"]
    result = demo.weekly()
    assert result.written
    assert demo.dump() == clean_run[1]
    assert demo.server.developer_metadata(demo.id) == {}


def test_a_cell_over_googles_limit_is_shortened_and_named(demo: Demo) -> None:
    """Issue 19: a 49,900-character title became a longer finding, Google refused every
    weekly write (exit 3, every week). Now no cell over 50,000 characters is sent."""
    # Row 33 is a missed slot: its finding quotes the title (column E) and says more.
    demo.server.set_values(demo.id, CALENDAR, [["Info sehat " + "x" * 49_900]], "E33")
    result = demo.weekly()
    assert result.written
    cells = [c for r in demo.dump()["Temuan"] for c in r if isinstance(c, str)]
    assert max(map(len, cells)) <= 50_000
    assert any(c.endswith("…[dipotong oleh postme]") for c in cells)
    # The store says which cells it shortened (for the run's summary).
    from postme.stores.base import WritePlan
    from postme.stores.upsert import plan_upsert

    plan = WritePlan()
    plan_upsert(
        plan, "Catatan", None, ["Kunci", "Isi"], ["Kunci"], [{"Kunci": "a", "Isi": "y" * 60_000}]
    )
    report = demo.store().write(plan)
    (shortened,) = report.shortened
    assert (shortened.tab, shortened.cell, shortened.header) == ("Catatan", "B2", "Isi")
    assert shortened.original_length == 60_000 and shortened.written_length == 50_000


def test_tab_titles_match_ignoring_case_like_google(demo: Demo, clean_run: Any) -> None:
    """Issue 19: findings = "TEMUAN" with an existing "Temuan" tab made every run exit 3
    (Google refuses a second tab equal ignoring case)."""
    data = tomllib.loads(DEMO_CONFIG)
    data["sheet"] = {
        "backend": "gsheets",
        "spreadsheet": demo.id,
        "key_file": str(demo.key_file),
        "endpoint": demo.server.url,
    }
    data.setdefault("tabs", {})["findings"] = "TEMUAN"
    demo.settings = settings_from_dict(data, env={})
    result = demo.weekly()
    assert result.written
    assert "TEMUAN" not in demo.server.tab_titles(demo.id)
    assert demo.dump() == clean_run[1]


def test_the_chart_is_anchored_clear_of_the_weekly_table(demo: Demo) -> None:
    """Issue 19: new tabs got 26 columns, the weekly table has 27 headers, and the chart
    anchored on the last column hid "Diperbarui"."""
    demo.server.delete_tab(demo.id, "Analisis Mingguan")
    demo.weekly()
    header = demo.server.values(demo.id, "Analisis Mingguan")[0]
    (chart,) = demo.server.charts(demo.id, "Analisis Mingguan")
    anchor = chart["position"]["overlayPosition"]["anchorCell"]
    assert anchor["columnIndex"] > header.index("Diperbarui")
    rows, columns = demo.server.grid_size(demo.id, "Analisis Mingguan")
    assert anchor["columnIndex"] < columns
    basic = chart["spec"]["basicChart"]
    assert [s["targetAxis"] for s in basic["series"]] == ["LEFT_AXIS", "RIGHT_AXIS"]


def test_a_full_spreadsheet_stops_with_a_clear_message(demo: Demo) -> None:
    """Grid growth past Google's 10,000,000 cells: said plainly, nothing written."""
    demo.server.delete_tab(demo.id, "Temuan")
    others = sum(
        rows * columns
        for tab in demo.server.tab_titles(demo.id)
        if tab != "Metrik Akun"
        for rows, columns in [demo.server.grid_size(demo.id, tab)]
    )
    # 10,000 cells short of the limit: the new "Temuan" tab (26,000 cells) does not fit.
    demo.server.set_grid_size(demo.id, "Metrik Akun", (9_990_000 - others) // 26, 26)
    before = demo.dump()
    with pytest.raises(SheetError) as caught:
        demo.weekly()
    message = str(caught.value)
    assert "10,000,000" in message and "nothing was written" in message
    assert demo.dump() == before


def test_an_answer_trickling_in_times_out(demo: Demo) -> None:
    """Issue 19: the timeout was per socket read; a byte every few seconds never timed
    out and the job hung holding the lock. Now each try has a total deadline."""
    before = demo.dump()
    demo.server.inject("batchGet", trickle=0.2, times=10)
    started = time.perf_counter()
    with pytest.raises(SheetError, match="did not answer within 0.5 seconds"):
        demo.weekly(store=demo.store(timeout=0.5, max_tries=2))
    assert time.perf_counter() - started < 4
    assert demo.dump() == before


@pytest.mark.parametrize(("lost", "skip", "sent_again"), [("write", 2, 0), ("tagging", 1, 1)])
def test_a_lost_answer_to_an_applied_write_is_not_sent_again(
    demo: Demo, clean_run: Any, lost: str, skip: int, sent_again: int
) -> None:
    """Issue 19: the write was applied, its answer lost; postme retried it (a chart could
    be added twice) and then said nothing was written. Now the lock's release riding in
    the batch tells postme it was applied: nothing is sent again, the run is written. A
    lost answer to the tagging is sent again: tags twice over are harmless."""
    demo.server.delete_tab(demo.id, "Analisis Mingguan")  # the write adds a tab and a chart
    demo.server.reset_log()
    demo.server.inject("batchUpdate", lost=True, skip=skip)
    result = demo.weekly()
    assert result.written
    assert demo.server.count("batchUpdate") == NORMAL_RUN["batchUpdate"] + sent_again
    assert len(demo.server.charts(demo.id, "Analisis Mingguan")) == 1
    assert demo.server.all_developer_metadata(demo.id) == {}  # lock and every tag gone


def test_a_lock_taken_over_during_the_run_stops_the_write(demo: Demo) -> None:
    """A run that outlived its lock (it expired and another run took it over) must not
    write: the write batch starts by re-creating this run's lock, which Google refuses
    while another run holds it, so the whole batch is refused."""
    from postme.errors import LockBusy

    before = demo.dump()
    held: list[Any] = []

    def take_over() -> None:
        (metadata_id,) = demo.server.developer_metadata(demo.id)
        demo.server.delete_developer_metadata(demo.id, metadata_id)  # ours expired, gone
        held.append(demo.store().shared_lock("other@host (pid 2)", RUN_LOCK_TTL))
        held[0].__enter__()  # the other run holds it now
        assert metadata_id in demo.server.developer_metadata(demo.id)

    demo.server.after("batchGet", take_over)
    with pytest.raises(LockBusy, match=r"other@host \(pid 2\)"):
        demo.weekly()
    assert demo.dump() == before
    (lock,) = demo.server.developer_metadata(demo.id).values()
    assert "other@host" in lock["metadataValue"]  # the other run's lock is left alone


def test_a_tab_over_the_tag_budget_is_guarded_by_its_sentinel(
    demo: Demo, clean_run: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """More rows to update in one tab than Google's metadata room allows tags for: only
    the tab's last row is tagged. A row inserted after the tagging still moves it, so the
    write is refused and made again, and every row lands on its key."""
    from postme.stores.gsheets import rowtags

    monkeypatch.setattr(rowtags, "TAG_BUDGET", 1)
    demo.weekly(source=None)
    tab = "Analisis Program"  # this week's rows are updated once Instagram is read
    demo.server.after(
        "batchUpdate",
        lambda: demo.server.insert_rows(demo.id, tab, 2, [[f"{PERSON}: sisip"]]),
        skip=1,
    )
    demo.server.reset_log()
    with caplog.at_level(logging.INFO, logger="postme.sheets"):
        result = demo.weekly()
    assert result.written
    assert any(
        "only inserted and deleted rows are guarded" in r.getMessage() and tab in r.getMessage()
        for r in caplog.records
    )
    assert demo.server.count("batchUpdate") >= 5  # the first write was refused
    after = demo.dump()
    week = "2026-W47"
    programs = _rows_by_key(after[tab], 2)
    clean_programs = _rows_by_key(clean_run[1][tab], 2)
    assert {k: v for k, v in programs.items() if k[0] == week} == {
        k: v for k, v in clean_programs.items() if k[0] == week
    }
    assert [r for r in after[tab] if r and str(r[0]).startswith(PERSON)] == [[f"{PERSON}: sisip"]]
    assert demo.server.all_developer_metadata(demo.id) == {}


def test_a_crashed_runs_row_tags_do_not_fill_googles_metadata_room(
    demo: Demo, clean_run: Any
) -> None:
    """A run that died after tagging left its tags (the next write deletes them). Google
    keeps at most 30,000 characters of developer metadata per sheet: the next run's own
    tags would not fit on top of a crashed run's many, so its tagging deletes them first."""
    from postme.stores.gsheets import rowtags

    tab = "Waktu Terbaik"  # rows this run updates, so its tags go on this sheet
    sheet_id = demo.server.sheet_id(demo.id, tab)
    size = len(rowtags.TAG_KEY) + len("crashed1")
    left = 0
    while left + size <= 30_000:  # a crashed run's tags, up to the sheet's room
        demo.server.add_developer_metadata(
            demo.id,
            {
                "metadataKey": rowtags.TAG_KEY,
                "metadataValue": "crashed1",
                "location": {
                    "dimensionRange": {
                        "sheetId": sheet_id,
                        "dimension": "ROWS",
                        "startIndex": 1,
                        "endIndex": 2,
                    }
                },
                "visibility": "DOCUMENT",
            },
        )
        left += size
    result = demo.weekly()
    assert result.written
    assert demo.dump() == clean_run[1]
    assert demo.server.all_developer_metadata(demo.id) == {}
