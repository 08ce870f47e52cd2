"""Issue 7, rows 1 and 4: Google Sheets faults during ``weekly`` and "nothing lost".

Everything goes through the real gspread + google-auth stack against the local Sheets
server (tests/sheets_server.py), with faults injected at the HTTP level; the .xlsx store
is used where the fault applies to it too. Each fault says what the user sees (the
message and the exit code) and what is written (the spreadsheet dump before and after).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sheets_server import DEFAULT_EMAIL, SheetsServer, column_letters
from typer.testing import CliRunner

from postme.config import Settings, settings_from_dict
from postme.demo import DEMO_AS_OF, DEMO_CONFIG, prepare_demo
from postme.errors import ColumnMissing, ExitCode, SheetError, TabMissing
from postme.instagram.jsondir import JsonDirSource
from postme.jobs import WeeklyResult, run_collect, run_weekly
from postme.stores.base import RUN_LOCK_TTL
from postme.stores.gsheets import GoogleSheetsStore

CALENDAR = "Kalender Konten"
HUMAN_TABS = (CALENDAR, "Metrik Akun", "Metrik Postingan")
TOOL_TABS = ("Analisis Mingguan", "Analisis Program", "Temuan")
CLOCK = dt.datetime(2026, 11, 23, 7, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
AS_OF = DEMO_AS_OF.isoformat()
runner = CliRunner()


# ---------------------------------------------------------------- helpers (also used elsewhere)


def demo_settings(sheet: dict[str, Any]) -> Settings:
    data = tomllib.loads(DEMO_CONFIG)
    data["sheet"] = sheet
    return settings_from_dict(data, env={})


def gsheets_config(folder: Path, spreadsheet_id: str, key_file: Path, **sheet: Any) -> Path:
    """postme.toml for the demo, on the local server (endpoint from POSTME_SHEETS_ENDPOINT)."""
    text = DEMO_CONFIG.replace(
        '[sheet]\nbackend = "xlsx"\npath = "planner.xlsx"\n',
        '[sheet]\nbackend = "gsheets"\n'
        f'spreadsheet = "{spreadsheet_id}"\nkey_file = "{key_file}"\n'
        + "".join(f"{k} = {v!r}\n" for k, v in sheet.items()),
    )
    assert 'backend = "gsheets"' in text
    path = folder / "postme-gsheets.toml"
    path.write_text(text, encoding="utf-8")
    return path


def drop_cli_handlers() -> None:
    """The CLI adds its log handlers once per process (bound to that moment's stderr and
    log dir); drop them so each CliRunner invocation sees its own stderr and log file."""
    root = logging.getLogger("postme")
    for handler in list(root.handlers):
        if getattr(handler, "_postme", False) or getattr(handler, "_postme_file", False):
            root.removeHandler(handler)
            handler.close()


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


class Demo:
    """The demo workbook loaded into the local server, with settings and a store."""

    def __init__(self, server: SheetsServer, key_file: Path, folder: Path) -> None:
        self.server = server
        self.key_file = key_file
        self.folder = folder
        workbook = prepare_demo(folder)
        self.id = server.load_workbook(workbook)
        self.settings = demo_settings(
            {
                "backend": "gsheets",
                "spreadsheet": self.id,
                "key_file": str(key_file),
                "endpoint": server.url,
            }
        )

    def store(self, **options: Any) -> GoogleSheetsStore:
        options.setdefault("timeout", 5.0)
        return GoogleSheetsStore(
            self.id,
            key_file=self.key_file,
            endpoint=self.server.url,
            sleep=lambda seconds: None,
            **options,
        )

    def source(self) -> JsonDirSource:
        return JsonDirSource(self.folder / "instagram", "puskesmas.sukamaju", taken_at=CLOCK)

    def weekly(self, store: GoogleSheetsStore | None = None, **options: Any) -> WeeklyResult:
        options.setdefault("source", self.source())
        return run_weekly(
            self.settings,
            DEMO_AS_OF,
            store=store or self.store(),
            now=CLOCK,
            clock_now=CLOCK,
            **options,
        )

    def dump(self) -> dict[str, list[list[Any]]]:
        return self.server.dump(self.id)

    def config(self, **sheet: Any) -> Path:
        return gsheets_config(self.folder, self.id, self.key_file, **sheet)


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
    # Two failed tries and the one that worked, plus the other request of that kind (the
    # lock and the write are both batchUpdates; the read and the re-read both batchGets).
    assert demo.server.count(kind) == 4
    assert demo.server.developer_metadata(demo.id) == {}  # the lock was released


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
    with pytest.raises(ColumnMissing) as caught:
        demo.weekly()
    assert "column 'Status' not found" in str(caught.value)
    assert "'Keadaan'" in str(caught.value)


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

    def broken_save(self: Any, filename: str) -> None:
        Path(filename).write_bytes(b"half a workbook")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(openpyxl.Workbook, "save", broken_save)
    with pytest.raises(SheetError, match="No space left on device") as caught:
        run_weekly(settings, DEMO_AS_OF, source=None, now=CLOCK, clock_now=CLOCK)
    assert caught.value.exit_code == ExitCode.SHEET
    assert workbook.read_bytes() == before
    assert [p.name for p in workbook.parent.iterdir() if p.name.startswith(".postme-")] == []


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
