"""GoogleSheetsStore through the real gspread + google-auth stack, against the local
Sheets API server (tests/sheets_server.py)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from pathlib import Path
from typing import Any

import pytest
from sheets_server import (
    DEFAULT_EMAIL,
    SheetsServer,
    make_authorized_user_file,
    make_service_account_key,
    start_server,
    to_serial,
)

from postme.errors import (
    ConfigError,
    CredentialsError,
    ExitCode,
    SheetAccessDenied,
    SheetError,
    SheetNotFound,
    TabMissing,
)
from postme.stores.base import (
    ChartSpec,
    NewTab,
    RangeWrite,
    SheetRow,
    TabRequest,
    WritePlan,
)
from postme.stores.gsheets import GoogleSheetsStore, oauth_sign_in, spreadsheet_key

CALENDAR = "Kalender Konten"
HEADERS = ("Tanggal", "Program", "Judul", "Status")
PLANNER: dict[str, list[list[Any]]] = {
    CALENDAR: [
        ["Kalender Konten Puskesmas Sukamaju — November 2026"],
        [],
        list(HEADERS),
        [dt.date(2026, 11, 16), "Gizi", "Isi Piringku", "Terupload ✅"],
        [],
        [],
        [dt.datetime(2026, 11, 18, 19, 0), "KIA", None, " sudah upload "],
        ["", "", "", ""],
        ["16/11/2026", "PTM", "Cek tensi", "draft"],
    ],
    "Metrik Akun": [
        ["Tanggal", "Followers", "Following", "Posts"],
        [dt.date(2026, 11, 1), 1200, 80, 310],
        [dt.date(2026, 11, 8), 1215, 80, 313],
    ],
    "Catatan": [["bebas"]],
}


@pytest.fixture
def server(sheets_server: SheetsServer) -> SheetsServer:
    return sheets_server  # the shared fixture (tests/fakes/sheets.py), by a short name


@pytest.fixture
def key_file(sheets_key_file: Path) -> Path:
    return sheets_key_file


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def planner(server: SheetsServer) -> str:
    return server.create_spreadsheet(PLANNER, title="Planner Puskesmas Sukamaju")


def open_store(
    server: SheetsServer, key_file: Path, spreadsheet: str, sleeps: list[float], **options: Any
) -> GoogleSheetsStore:
    return GoogleSheetsStore(
        spreadsheet,
        key_file=key_file,
        endpoint=server.url,
        sleep=sleeps.append,
        **options,
    )


@pytest.fixture
def store(
    server: SheetsServer, key_file: Path, planner: str, sleeps: list[float]
) -> GoogleSheetsStore:
    return open_store(server, key_file, planner, sleeps)


def calendar_request(**options: Any) -> TabRequest:
    return TabRequest(CALENDAR, header_row=None, expected_headers=("Tanggal", "Program"), **options)


# ---------------------------------------------------------------- reading


def test_reads_several_tabs_with_one_get_and_one_batch_get(
    server: SheetsServer, store: GoogleSheetsStore
) -> None:
    tabs = store.read([calendar_request(), TabRequest("Metrik Akun")])
    assert server.count("get") == 1
    assert server.count("batchGet") == 1
    assert len(server.api_requests()) == 2
    assert server.count("token") == 1
    accounts = tabs["Metrik Akun"]
    assert accounts is not None
    assert accounts.headers == ("Tanggal", "Followers", "Following", "Posts")
    assert accounts.rows == (
        SheetRow(2, (46327, 1200, 80, 310)),
        SheetRow(3, (46334, 1215, 80, 313)),
    )
    # metadata is cached: a second read costs one more batchGet only
    store.read([TabRequest("Catatan", header_row=1)])
    assert server.count("get") == 1
    assert server.count("batchGet") == 2


def test_title_rows_skipped_blank_rows_dropped_row_numbers_kept(
    store: GoogleSheetsStore,
) -> None:
    tab = store.read([calendar_request()])[CALENDAR]
    assert tab is not None
    assert tab.header_row == 3
    assert tab.headers == HEADERS
    assert [row.number for row in tab.rows] == [4, 7, 9]
    assert tab.last_row == 9
    first, second, third = tab.rows
    assert first.values == (46342, "Gizi", "Isi Piringku", "Terupload ✅")
    assert second.values == (
        to_serial(dt.datetime(2026, 11, 18, 19)),
        "KIA",
        None,
        " sudah upload ",
    )
    assert isinstance(first.values[0], int)
    assert second.get(0) == pytest.approx(46344 + 19 / 24)
    assert third.values[0] == "16/11/2026"  # typed text stays text
    assert tab.column_index("program") == 1


def test_missing_required_tab_names_it_and_lists_the_tabs(
    server: SheetsServer, store: GoogleSheetsStore
) -> None:
    with pytest.raises(TabMissing) as error:
        store.read([calendar_request(), TabRequest("Metrik Postingan")])
    message = str(error.value)
    assert "'Metrik Postingan'" in message
    assert "(tabs: 'Kalender Konten', 'Metrik Akun', 'Catatan')" in message
    assert error.value.exit_code == ExitCode.SHEET
    assert server.count("batchGet") == 0  # nothing read past the metadata


def test_missing_optional_tab_is_none(server: SheetsServer, store: GoogleSheetsStore) -> None:
    tabs = store.read([TabRequest("Analisis Mingguan", required=False)])
    assert tabs == {"Analisis Mingguan": None}
    assert server.count("batchGet") == 0
    tabs = store.read([TabRequest("Analisis Mingguan", required=False), TabRequest("Catatan")])
    assert list(tabs) == ["Analisis Mingguan", "Catatan"]
    assert tabs["Analisis Mingguan"] is None


def test_empty_tab(server: SheetsServer, store: GoogleSheetsStore, planner: str) -> None:
    server.clear_tab(planner, CALENDAR)
    tab = store.read([calendar_request()])[CALENDAR]
    assert tab is not None
    assert (tab.header_row, tab.headers, tab.rows, tab.last_row) == (0, (), (), 0)


def test_tab_titles_and_name(server: SheetsServer, store: GoogleSheetsStore) -> None:
    assert store.name == store.key  # not opened yet: no request for a name
    assert server.requests() == []
    assert store.tab_titles() == [CALENDAR, "Metrik Akun", "Catatan"]
    assert store.name == "Planner Puskesmas Sukamaju"
    assert store.service_account_email == DEFAULT_EMAIL
    assert server.count("get") == 1


def test_opens_lazily(server: SheetsServer, key_file: Path, planner: str) -> None:
    GoogleSheetsStore(planner, key_file=key_file, endpoint=server.url)
    assert server.requests() == []


def test_workbook_reads_like_its_values_as_serials(
    server: SheetsServer, key_file: Path, tmp_path: Path, sleeps: list[float]
) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Kalender"
    ws.append(["Jadwal posting"])
    ws.append(["Tanggal", "Jam", "Program", "Likes", "Rasio", "Upload"])
    ws.append([dt.date(2026, 11, 16), dt.time(19, 0), "Gizi", 12, 0.25, True])
    ws.append([None, None, None, None, None, None])
    ws.append([dt.datetime(2026, 11, 17, 7, 45), "19.00", "KIA", 3, 1.5, False])
    metrics = book.create_sheet("Metrik")
    metrics.append(["Tanggal", "Followers"])
    metrics.append([dt.datetime(2026, 11, 1), 1200])
    path = tmp_path / "planner.xlsx"
    book.save(path)

    sid = server.load_workbook(path)
    store = open_store(server, key_file, sid, sleeps)
    tabs = store.read(
        [
            TabRequest("Kalender", header_row=None, expected_headers=("Tanggal", "Program")),
            TabRequest("Metrik"),
        ]
    )

    def as_google(value: Any) -> Any:
        if isinstance(value, dt.date | dt.time):
            return to_serial(value)
        return value

    reloaded = openpyxl.load_workbook(path, data_only=True)
    for title, header_row in (("Kalender", 2), ("Metrik", 1)):
        tab = tabs[title]
        assert tab is not None
        sheet = reloaded[title]
        expected = [
            (index, tuple(as_google(c) for c in row))
            for index, row in enumerate(sheet.iter_rows(values_only=True), start=1)
            if index > header_row and any(c is not None for c in row)
        ]
        assert [(r.number, r.values) for r in tab.rows] == expected
        assert tab.headers == tuple(sheet[header_row][i].value for i in range(sheet.max_column))
    kalender = tabs["Kalender"]
    assert kalender is not None and kalender.rows[0].values[:2] == (46342, 19 / 24)


# ---------------------------------------------------------------- writing


def analysis_plan(caption: str = '=HYPERLINK("http://evil.example","klik")') -> WritePlan:
    headers = ("Minggu", "Posting", "Likes", "Caption terbaik")
    return WritePlan(
        new_tabs=[NewTab("Analisis Mingguan", headers)],
        ranges=[
            RangeWrite(
                "Analisis Mingguan",
                2,
                1,
                (("2026-W46", 5, 120, caption), ("2026-W47", 3, None, "+62 812")),
            ),
            RangeWrite(CALENDAR, 4, 6, (("dicek",),)),
        ],
        charts=[ChartSpec("Analisis Mingguan", "Likes per minggu", "Minggu", ("Likes",))],
    )


def test_write_new_tab_lock_and_one_atomic_batch(
    server: SheetsServer, store: GoogleSheetsStore, planner: str
) -> None:
    store.read([calendar_request()])
    server.reset_log()
    store.write(analysis_plan())
    # The lock (with the metadata in its answer), then tab, values, chart and the lock's
    # release in one batch. No keyed intents: nothing to re-read.
    assert [r.kind for r in server.api_requests()] == ["batchUpdate", "batchUpdate"]
    assert server.developer_metadata(planner) == {}
    assert server.values(planner, "Analisis Mingguan") == [
        ["Minggu", "Posting", "Likes", "Caption terbaik"],
        ["2026-W46", 5, 120, '=HYPERLINK("http://evil.example","klik")'],
        ["2026-W47", 3, "", "+62 812"],
    ]
    assert not server.is_formula(planner, "Analisis Mingguan", "D2")  # RAW: text, not formula
    assert server.cell(planner, CALENDAR, "F4") == "dicek"
    charts = server.charts(planner, "Analisis Mingguan")
    assert [c["spec"]["title"] for c in charts] == ["Likes per minggu"]
    basic = charts[0]["spec"]["basicChart"]
    assert basic["chartType"] == "LINE"
    assert basic["domains"][0]["domain"]["sourceRange"]["sources"][0]["startColumnIndex"] == 0
    assert basic["series"][0]["series"]["sourceRange"]["sources"][0]["startColumnIndex"] == 2
    assert store.tab_titles()[-1] == "Analisis Mingguan"  # cache kept in step


def test_second_run_adds_no_tab_and_no_chart(
    server: SheetsServer, key_file: Path, planner: str, sleeps: list[float]
) -> None:
    open_store(server, key_file, planner, sleeps).write(analysis_plan())
    before = server.dump(planner)
    server.reset_log()
    again = open_store(server, key_file, planner, sleeps)
    again.read([TabRequest("Analisis Mingguan")])
    plan = analysis_plan()
    plan.new_tabs.clear()
    again.write(plan)
    kinds = [r.kind for r in server.api_requests()]
    assert kinds == ["get", "batchGet", "batchUpdate", "batchUpdate"]
    assert server.dump(planner) == before
    assert len(server.charts(planner, "Analisis Mingguan")) == 1


def test_empty_plan_sends_nothing(server: SheetsServer, store: GoogleSheetsStore) -> None:
    store.write(WritePlan())
    assert server.requests() == []


def test_none_clears_a_cell(server: SheetsServer, store: GoogleSheetsStore, planner: str) -> None:
    store.write(WritePlan(ranges=[RangeWrite("Metrik Akun", 2, 2, ((None, 81),))]))
    assert server.values(planner, "Metrik Akun")[1] == [46327, "", 81, 310]


def test_write_past_the_grid_grows_it(
    server: SheetsServer, store: GoogleSheetsStore, planner: str
) -> None:
    store.write(WritePlan(ranges=[RangeWrite("Catatan", 1001, 27, (("jauh",),))]))
    assert [r.kind for r in server.api_requests()] == ["batchUpdate", "batchUpdate"]
    assert server.cell(planner, "Catatan", "AA1001") == "jauh"
    # Rows double (1000 + 1000), so the next weeks need no extra request; columns grow
    # exactly.
    assert server.grid_size(planner, "Catatan") == (2000, 27)


def test_write_to_a_missing_tab_sends_nothing(
    server: SheetsServer, store: GoogleSheetsStore, planner: str
) -> None:
    before = server.dump(planner)
    with pytest.raises(TabMissing, match="'Hilang'"):
        store.write(WritePlan(ranges=[RangeWrite("Hilang", 2, 1, (("x",),))]))
    # The lock was taken and given back; no cell was written.
    assert [r.kind for r in server.api_requests()] == ["batchUpdate", "batchUpdate"]
    assert server.developer_metadata(planner) == {}
    assert server.dump(planner) == before


def test_add_data_validation(server: SheetsServer, store: GoogleSheetsStore, planner: str) -> None:
    store.add_data_validation(CALENDAR, 3, 4, ["Direncanakan", "Terupload"])
    assert server.count("batchUpdate") == 1
    (validation,) = server.data_validations(planner, CALENDAR)
    assert validation["range"]["startRowIndex"] == 3
    assert validation["range"]["startColumnIndex"] == 3
    condition = validation["rule"]["condition"]
    assert condition["type"] == "ONE_OF_LIST"
    assert [v["userEnteredValue"] for v in condition["values"]] == ["Direncanakan", "Terupload"]


# ---------------------------------------------------------------- faults


def test_429_then_success_retries_with_backoff(
    server: SheetsServer, store: GoogleSheetsStore, sleeps: list[float], caplog: Any
) -> None:
    server.inject("batchGet", status=429, times=2)
    with caplog.at_level(logging.INFO, logger="postme.sheets"):
        tabs = store.read([calendar_request()])
    assert tabs[CALENDAR] is not None
    assert server.count("batchGet") == 3
    assert sleeps == [1.0, 2.0]
    retries = [r for r in caplog.records if r.name == "postme.sheets"]
    assert len(retries) == 2
    assert "429" in retries[0].getMessage() and "try 2 of 8" in retries[0].getMessage()
    for token in server.issued_tokens():
        assert token not in caplog.text


def test_retry_after_is_honoured(
    server: SheetsServer, store: GoogleSheetsStore, sleeps: list[float]
) -> None:
    server.inject("get", status=503, retry_after=7)
    store.read([calendar_request()])
    assert sleeps == [7.0]


def test_429_that_never_clears_gives_up(
    server: SheetsServer, store: GoogleSheetsStore, sleeps: list[float]
) -> None:
    server.inject("batchGet", status=429, times=100)
    with pytest.raises(SheetError) as error:
        store.read([calendar_request()])
    # Google's quota refills per minute and it sends no Retry-After: the waits span more
    # than one whole minute before postme gives up (bounded: 8 tries, 91 s).
    assert server.count("batchGet") == 8
    assert sleeps == [1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]
    assert sum(sleeps) > 60
    assert "429" in str(error.value) and "8 tries" in str(error.value)
    assert error.value.exit_code == ExitCode.SHEET


def test_500_on_write_writes_nothing(
    server: SheetsServer, store: GoogleSheetsStore, planner: str, sleeps: list[float]
) -> None:
    before = server.dump(planner)
    server.inject("batchUpdate", status=500, times=10)
    with pytest.raises(SheetError, match="server error"):
        store.write(analysis_plan())
    assert server.dump(planner) == before
    assert server.count("batchUpdate") == 4
    assert server.count("batchUpdateValues") == 0


def test_stalled_answer_times_out(
    server: SheetsServer, key_file: Path, planner: str, sleeps: list[float]
) -> None:
    store = open_store(server, key_file, planner, sleeps, timeout=0.2, max_tries=2)
    server.inject("batchGet", delay=20, times=5)
    started = time.perf_counter()
    with pytest.raises(SheetError, match="did not answer within 0.2 seconds"):
        store.read([calendar_request()])
    assert time.perf_counter() - started < 3
    assert server.count("batchGet") == 2


def test_connection_reset_is_retried(
    server: SheetsServer, store: GoogleSheetsStore, sleeps: list[float]
) -> None:
    server.inject("batchGet", reset=True)
    assert store.read([calendar_request()])[CALENDAR] is not None
    assert server.count("batchGet") == 2


def test_connection_refused(key_file: Path, sleeps: list[float]) -> None:
    with start_server() as gone:
        endpoint = gone.url
    store = GoogleSheetsStore(
        "1AbCdEfGhIjKlMnOp", key_file=key_file, endpoint=endpoint, sleep=sleeps.append
    )
    with pytest.raises(SheetError, match="Could not"):
        store.read([calendar_request()])


def test_malformed_body(server: SheetsServer, store: GoogleSheetsStore) -> None:
    server.inject("batchGet", malformed=True)
    with pytest.raises(SheetError, match="could not be read"):
        store.read([calendar_request()])


def test_truncated_body(server: SheetsServer, store: GoogleSheetsStore) -> None:
    server.inject("get", truncated=True)
    with pytest.raises(SheetError):
        store.read([calendar_request()])


def test_wrong_id_is_not_found(server: SheetsServer, key_file: Path, sleeps: list[float]) -> None:
    store = open_store(server, key_file, "1NoSuchSpreadsheet0000000", sleeps)
    with pytest.raises(SheetNotFound) as error:
        store.read([calendar_request()])
    assert str(error.value) == (
        "Spreadsheet 1NoSuchSpreadsheet0000000 not found: check the id/URL in [sheet] spreadsheet."
    )
    assert sleeps == []  # not retried


def test_not_shared_names_the_account(
    server: SheetsServer, key_file: Path, sleeps: list[float]
) -> None:
    sid = server.create_spreadsheet(PLANNER, shared_with=["someone@example.org"])
    store = open_store(server, key_file, sid, sleeps)
    with pytest.raises(SheetAccessDenied) as error:
        store.read([calendar_request()])
    assert DEFAULT_EMAIL in str(error.value)
    assert "Editor" in str(error.value)
    assert error.value.exit_code == ExitCode.SHEET


def test_refused_key(server: SheetsServer, planner: str, tmp_path: Path) -> None:
    key = tmp_path / "deleted.json"
    info = make_service_account_key(server, key, register=False)
    store = GoogleSheetsStore(planner, key_file=key, endpoint=server.url)
    with pytest.raises(SheetError) as error:
        store.read([calendar_request()])
    message = str(error.value)
    assert "refused" in message and str(key) in message and DEFAULT_EMAIL in message
    assert "account not found" in message
    assert info["private_key_id"] not in message
    assert "PRIVATE KEY" not in message


def test_sign_in_server_unreachable(server: SheetsServer, store: GoogleSheetsStore) -> None:
    server.inject("token", reset=True)
    with pytest.raises(SheetError, match="Could not reach Google's sign-in server"):
        store.read([calendar_request()])
    assert server.api_requests() == []


def test_token_refused_by_the_api(
    server: SheetsServer, store: GoogleSheetsStore, sleeps: list[float]
) -> None:
    server.inject("get", status=401, times=3)  # google-auth refreshes twice, then gives up
    with pytest.raises(SheetError, match="refused"):
        store.read([calendar_request()])
    assert sleeps == []


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "No service-account key file at"),
        ("not json {", "is not a JSON key file"),
        (json.dumps({"type": "authorized_user"}), "is not a service-account key"),
        (json.dumps({"type": "service_account", "client_email": "a@b"}), "has no private_key"),
        (
            json.dumps(
                {
                    "type": "service_account",
                    "client_email": "a@b.iam.gserviceaccount.com",
                    "private_key": "-----BEGIN PRIVATE KEY-----\nZm9v\n-----END PRIVATE KEY-----\n",
                    "token_uri": "http://127.0.0.1:1/token",
                }
            ),
            "could not be read",
        ),
    ],
)
def test_bad_key_files(
    server: SheetsServer, planner: str, tmp_path: Path, content: str | None, expected: str
) -> None:
    key = tmp_path / "service_account.json"
    if content is not None:
        key.write_text(content)
    store = GoogleSheetsStore(planner, key_file=key, endpoint=server.url)
    with pytest.raises(CredentialsError) as error:
        store.read([calendar_request()])
    assert expected in str(error.value)
    assert str(key) in str(error.value)
    assert "Zm9v" not in str(error.value)
    assert error.value.exit_code == ExitCode.USAGE
    assert server.requests() == []


def test_oauth_user_credentials(server: SheetsServer, planner: str, tmp_path: Path) -> None:
    path = tmp_path / "authorized_user.json"
    make_authorized_user_file(server, path)
    store = GoogleSheetsStore(
        planner, credentials="oauth", authorized_user_file=path, endpoint=server.url
    )
    assert store.read([TabRequest("Catatan")])["Catatan"] is not None
    assert server.count("token") == 1


def test_oauth_without_a_saved_sign_in(planner: str, tmp_path: Path) -> None:
    store = GoogleSheetsStore(
        planner, credentials="oauth", authorized_user_file=tmp_path / "none.json"
    )
    with pytest.raises(CredentialsError, match="No saved Google sign-in"):
        store.tab_titles()
    with pytest.raises(CredentialsError, match="No OAuth client file at"):
        oauth_sign_in(tmp_path / "client.json", tmp_path / "none.json")


# ---------------------------------------------------------------- arguments


def test_spreadsheet_key_from_url_or_id() -> None:
    key = "1AbC-dEf_0123456789xyzXYZ"
    assert spreadsheet_key(key) == key
    assert spreadsheet_key(f" https://docs.google.com/spreadsheets/d/{key}/edit#gid=0 ") == key
    assert spreadsheet_key(f"https://docs.google.com/spreadsheet/ccc?key={key}&hl=en") == key
    for bad in ("https://example.org/nothing", "my sheet", ""):
        with pytest.raises(ConfigError, match="not a Google Sheets id or link"):
            spreadsheet_key(bad)


def test_bad_endpoint_and_credentials_kind(planner: str) -> None:
    with pytest.raises(ConfigError, match="endpoint"):
        GoogleSheetsStore(planner, endpoint="127.0.0.1:8080")
    with pytest.raises(ConfigError, match="credentials"):
        GoogleSheetsStore(planner, credentials="password")  # type: ignore[arg-type]


def test_default_key_path_is_gspreads(
    planner: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    store = GoogleSheetsStore(planner)
    assert store.credentials_file == tmp_path / ".config" / "gspread" / "service_account.json"
    oauth = GoogleSheetsStore(planner, credentials="oauth")
    assert oauth.credentials_file == tmp_path / ".config" / "gspread" / "authorized_user.json"
    with pytest.raises(CredentialsError, match="No service-account key file at"):
        store.read([calendar_request()])


# ---------------------------------------------------------------- credentials = "oauth"


def test_oauth_without_a_saved_sign_in_signs_in_once_in_a_terminal(
    server: SheetsServer, planner: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 13: "oauth" was offered but nothing completed the sign-in. Now the first use
    by hand (``postme check`` in a terminal) runs the browser flow and saves it."""
    import gspread.auth
    from google.oauth2.credentials import Credentials

    info = make_authorized_user_file(server, tmp_path / "made.json")
    client = tmp_path / "credentials.json"
    client.write_text(json.dumps({"installed": {"client_id": info["client_id"]}}))
    flows: list[dict[str, Any]] = []

    def browser_flow(**options: Any) -> Credentials:
        flows.append(options)
        return Credentials(  # type: ignore[no-untyped-call]
            token=None,
            refresh_token=info["refresh_token"],
            client_id=info["client_id"],
            client_secret=info["client_secret"],
            token_uri=server.token_uri,
        )

    monkeypatch.setattr(gspread.auth, "local_server_flow", browser_flow)
    saved = tmp_path / "gspread" / "authorized_user.json"
    options: dict[str, Any] = {
        "credentials": "oauth",
        "authorized_user_file": saved,
        "oauth_client_file": client,
        "endpoint": server.url,
        "sleep": lambda s: None,
    }
    with pytest.raises(CredentialsError, match="Run `postme check` once by hand"):
        GoogleSheetsStore(planner, interactive=False, **options).tab_titles()
    assert flows == [] and not saved.exists()
    assert CALENDAR in GoogleSheetsStore(planner, interactive=True, **options).tab_titles()
    assert len(flows) == 1 and saved.is_file()
    # The scheduled run afterwards uses the saved sign-in, no browser.
    assert CALENDAR in GoogleSheetsStore(planner, interactive=False, **options).tab_titles()
    assert len(flows) == 1


def test_colour_scales_are_drawn_once(
    server: SheetsServer, store: GoogleSheetsStore, planner: str
) -> None:
    from postme.stores.base import ColorScaleSpec

    scale = ColorScaleSpec("Metrik Akun", ("Followers", "Posts"), "FFFFFF", "57BB8A")
    store.read([TabRequest("Metrik Akun")])
    store.write(WritePlan(formats=[scale]))
    (rule,) = server.conditional_formats(planner, "Metrik Akun")
    assert [r["startColumnIndex"] for r in rule["ranges"]] == [1, 3]
    assert all(r["startRowIndex"] == 1 for r in rule["ranges"])  # below the header
    assert rule["gradientRule"]["maxpoint"]["color"]["green"] == round(0xBB / 255, 4)
    again = GoogleSheetsStore(
        planner, key_file=store.key_file, endpoint=server.url, sleep=lambda s: None
    )
    again.read([TabRequest("Metrik Akun")])
    server.reset_log()
    again.write(WritePlan(formats=[scale]))
    assert len(server.conditional_formats(planner, "Metrik Akun")) == 1  # not stacked
    assert server.api_requests() == []  # nothing to do: no lock, no request


def test_check_finds_a_tab_whose_case_differs(
    server: SheetsServer, key_file: Path, tmp_path: Path
) -> None:
    from postme.doctor import run_checks

    planner = server.create_spreadsheet({CALENDAR: [["Tanggal", "Program", "Judul", "Status"]]})
    config = tmp_path / "postme.toml"
    config.write_text(
        '[sheet]\nbackend = "gsheets"\n'
        f'spreadsheet = "{planner}"\nkey_file = "{key_file}"\nendpoint = "{server.url}"\n'
        '[tabs]\ncalendar = "KALENDER KONTEN"\n',
        encoding="utf-8",
    )
    report = run_checks(config, env={})
    # Found, and named as it is in the spreadsheet.
    tab_items = [i for i in report.items if "kalender konten" in i.label.casefold()]
    assert tab_items and all(i.status == "ok" for i in tab_items)
    assert [i.label for i in tab_items][0] == f"Tab '{CALENDAR}'"
