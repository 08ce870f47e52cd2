"""The local Sheets API server, driven by the real gspread + google-auth stack."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path
from typing import Any

import gspread
import pytest
import requests
from google.auth.exceptions import RefreshError
from gspread.utils import ValueInputOption, ValueRenderOption
from sheets_server import (
    GOOGLE_TOKEN_URI,
    SHEETS_HOST,
    Grid,
    SheetsServer,
    column_index,
    column_letters,
    local_session,
    make_authorized_user_file,
    make_service_account_key,
    parse_a1,
    split_range,
    start_server,
    to_serial,
)

OTHER_EMAIL = "someone-else@other-project.iam.gserviceaccount.com"


@pytest.fixture
def server(sheets_server: SheetsServer) -> SheetsServer:
    return sheets_server  # the shared fixture (tests/fakes/sheets.py), by a short name


@pytest.fixture
def key_file(sheets_key_file: Path) -> Path:
    return sheets_key_file


def session_client(session: requests.Session) -> gspread.Client:
    """A client on a ready session: gspread documents ``Client(auth=None, session=...)``
    for this but annotates ``auth`` as ``Credentials`` only."""
    return gspread.Client(auth=None, session=session)  # type: ignore[arg-type]


@pytest.fixture
def client(server: SheetsServer, key_file: Path) -> gspread.Client:
    return session_client(local_session(server, key_file))


PLANNER: dict[str, Grid] = {
    "Kalender Konten": [
        ["Kalender Konten November"],
        ["Tanggal", "Program", "Judul", "Status"],
        [dt.date(2026, 11, 16), "Gizi", "Makan sayur", "Terupload"],
        [],
        [dt.datetime(2026, 11, 17, 19, 30), "KIA", None, "draft", None],
    ],
    "Metrik Akun": [["Tanggal", "Followers"], [dt.date(2026, 11, 1), 1200]],
}


def test_start_is_fast_and_stop_is_clean() -> None:
    started = time.perf_counter()
    server = start_server()
    took = time.perf_counter() - started
    url = server.url
    try:
        assert took < 0.5
        assert requests.get(url + "/nothing", timeout=5).status_code == 501  # loud catch-all
    finally:
        server.stop()
    with pytest.raises(requests.ConnectionError):
        requests.get(url + "/nothing", timeout=2)


def test_service_account_key_file_shape(server: SheetsServer, tmp_path: Path) -> None:
    path = tmp_path / "k" / "key.json"
    info = make_service_account_key(server, path)
    on_disk = json.loads(path.read_text())
    assert on_disk == info
    assert on_disk["type"] == "service_account"
    assert on_disk["client_email"] == "postme-bot@test-project.iam.gserviceaccount.com"
    assert on_disk["project_id"] == "test-project"
    assert on_disk["token_uri"] == server.token_uri
    assert on_disk["private_key"].startswith("-----BEGIN PRIVATE KEY-----")
    assert path.stat().st_mode & 0o777 == 0o600


def test_open_by_key_reads_metadata_and_values(
    server: SheetsServer, client: gspread.Client
) -> None:
    sid = server.create_spreadsheet(PLANNER, title="Planner Puskesmas")
    sheet = client.open_by_key(sid)
    assert sheet.title == "Planner Puskesmas"
    assert [w.title for w in sheet.worksheets()] == ["Kalender Konten", "Metrik Akun"]
    ws = sheet.worksheet("Kalender Konten")
    assert ws.row_count == 1000 and ws.col_count == 26
    # default FORMATTED_VALUE: everything as text, dates in the sheet's locale
    assert ws.get() == [
        ["Kalender Konten November"],
        ["Tanggal", "Program", "Judul", "Status"],
        ["11/16/2026", "Gizi", "Makan sayur", "Terupload"],
        [],
        ["11/17/2026 19:30:00", "KIA", "", "draft"],
    ]
    unformatted = ws.get(value_render_option=ValueRenderOption.unformatted)
    assert unformatted[2][0] == 46342
    assert unformatted[4][0] == pytest.approx(46343 + 19.5 / 24)
    assert ws.get("A3:B3", value_render_option=ValueRenderOption.unformatted) == [[46342, "Gizi"]]


def test_batch_get_replies_like_google(server: SheetsServer, client: gspread.Client) -> None:
    sid = server.create_spreadsheet(PLANNER)
    sheet = client.open_by_key(sid)
    server.reset_log()
    reply = sheet.values_batch_get(
        ["'Kalender Konten'", "'Metrik Akun'!A1:Z", "'Kalender Konten'!F1:G3", "B2:C3"],
        params={
            "valueRenderOption": "UNFORMATTED_VALUE",
            "dateTimeRenderOption": "SERIAL_NUMBER",
            "majorDimension": "ROWS",
        },
    )
    ranges = reply["valueRanges"]
    assert [r["range"] for r in ranges] == [
        "'Kalender Konten'!A1:Z1000",
        "'Metrik Akun'!A1:Z1000",
        "'Kalender Konten'!F1:G3",
        "'Kalender Konten'!B2:C3",
    ]
    assert ranges[0]["values"][3] == []  # empty middle row
    assert ranges[0]["values"][4] == [pytest.approx(46343.8125), "KIA", "", "draft"]
    assert len(ranges[0]["values"]) == 5  # trailing empty rows omitted
    assert ranges[1]["values"] == [["Tanggal", "Followers"], [46327, 1200]]
    assert "values" not in ranges[2]  # no data: no values key
    assert ranges[3]["values"] == [["Program", "Judul"], ["Gizi", "Makan sayur"]]
    assert server.count("batchGet") == 1
    assert [r.kind for r in server.api_requests()] == ["batchGet"]


def test_worksheet_batch_get(server: SheetsServer, client: gspread.Client) -> None:
    sid = server.create_spreadsheet(PLANNER)
    ws = client.open_by_key(sid).worksheet("Metrik Akun")
    first, second = ws.batch_get(["A1:B1", "B2"])
    assert first == [["Tanggal", "Followers"]]
    assert second == [["1200"]]


def test_quoted_tab_names(server: SheetsServer, client: gspread.Client) -> None:
    sid = server.create_spreadsheet({"Puskesmas' tab": [["a"]], "Sheet1": [["b"]]})
    sheet = client.open_by_key(sid)
    reply = sheet.values_batch_get(["'Puskesmas'' tab'!A1:A", "Sheet1"])
    assert reply["valueRanges"][0] == {
        "range": "'Puskesmas'' tab'!A1:A1000",
        "majorDimension": "ROWS",
        "values": [["a"]],
    }
    assert reply["valueRanges"][1]["range"] == "Sheet1!A1:Z1000"
    with pytest.raises(gspread.exceptions.APIError) as error:
        sheet.values_batch_get(["'No such tab'!A1"])
    assert error.value.code == 400
    assert "Unable to parse range" in error.value.error["message"]


def test_bounded_range_past_the_grid_is_an_error(
    server: SheetsServer, client: gspread.Client
) -> None:
    sid = server.create_spreadsheet({"Narrow": [["a"]]})
    sheet = client.open_by_key(sid)
    with pytest.raises(gspread.exceptions.APIError) as error:
        sheet.values_get("Narrow!A1:AA3")
    assert error.value.code == 400
    assert "exceeds grid limits. Max rows: 1000, max columns: 26" in error.value.error["message"]


def test_values_batch_update_raw_and_user_entered(
    server: SheetsServer, client: gspread.Client
) -> None:
    sid = server.create_spreadsheet({"Data": [["x"]]})
    sheet = client.open_by_key(sid)
    reply = sheet.values_batch_update(
        {
            "valueInputOption": "RAW",
            "data": [
                {"range": "Data!A2:C3", "values": [['=HYPERLINK("x")', "12", True], [1.5]]},
                {"range": "'Data'!E1", "values": [[None, ""]]},
            ],
        }
    )
    assert reply["totalUpdatedCells"] == 5
    assert reply["responses"][0]["updatedRange"] == "Data!A2:C3"
    assert server.cell(sid, "Data", "A2") == '=HYPERLINK("x")'
    assert not server.is_formula(sid, "Data", "A2")
    assert server.cell(sid, "Data", "B2") == "12"  # RAW keeps text as text
    sheet.values_update(
        "Data!A5", params={"valueInputOption": "USER_ENTERED"}, body={"values": [["=1+1", "12"]]}
    )
    assert server.is_formula(sid, "Data", "A5")
    assert server.cell(sid, "Data", "B5") == 12
    assert server.values(sid, "Data") == [
        ["x"],
        ['=HYPERLINK("x")', "12", True],
        [1.5],
        [],
        ["=1+1", 12],
    ]


def test_null_skips_and_empty_string_clears(server: SheetsServer, client: gspread.Client) -> None:
    sid = server.create_spreadsheet({"Data": [["a", "b", "c"]]})
    client.open_by_key(sid).values_update(
        "Data!A1:C1", params={"valueInputOption": "RAW"}, body={"values": [[None, "", "C"]]}
    )
    assert server.values(sid, "Data") == [["a", "", "C"]]


def test_write_larger_than_its_range_is_refused(
    server: SheetsServer, client: gspread.Client
) -> None:
    sid = server.create_spreadsheet({"Data": []})
    sheet = client.open_by_key(sid)
    with pytest.raises(gspread.exceptions.APIError) as error:
        sheet.values_batch_update(
            {
                "valueInputOption": "RAW",
                "data": [
                    {"range": "Data!A1:B1", "values": [["ok", "ok"]]},
                    {"range": "Data!A3:B3", "values": [["1", "2", "3"]]},
                ],
            }
        )
    assert "tried writing to column [C]" in error.value.error["message"]
    assert server.values(sid, "Data") == []  # the batch is all or nothing


def test_write_past_the_grid_is_refused(server: SheetsServer, client: gspread.Client) -> None:
    sid = server.create_spreadsheet({"Data": []})
    with pytest.raises(gspread.exceptions.APIError) as error:
        client.open_by_key(sid).values_update(
            "Data!A1001", params={"valueInputOption": "RAW"}, body={"values": [["x"]]}
        )
    assert "exceeds grid limits" in error.value.error["message"]


def test_worksheet_update_append_and_clear(server: SheetsServer, client: gspread.Client) -> None:
    sid = server.create_spreadsheet({"Data": [["h1", "h2"], ["a", 1]]})
    ws = client.open_by_key(sid).worksheet("Data")
    ws.update([["b", 2]], "A3")
    ws.append_row(["c", 3], value_input_option=ValueInputOption.raw)
    assert server.values(sid, "Data") == [["h1", "h2"], ["a", 1], ["b", 2], ["c", 3]]
    ws.batch_clear(["A2:B2"])
    assert server.values(sid, "Data") == [["h1", "h2"], [], ["b", 2], ["c", 3]]
    ws.clear()
    assert server.values(sid, "Data") == []
    assert server.count("append") == 1
    assert server.count("clear") == 2
    assert server.count("valuesUpdate") == 1


def test_add_rename_delete_worksheet(server: SheetsServer, client: gspread.Client) -> None:
    sid = server.create_spreadsheet({"First": []})
    sheet = client.open_by_key(sid)
    added = sheet.add_worksheet("Analisis Mingguan", rows=50, cols=8)
    assert added.title == "Analisis Mingguan"
    assert (added.row_count, added.col_count) == (50, 8)
    assert server.tab_titles(sid) == ["First", "Analisis Mingguan"]
    with pytest.raises(gspread.exceptions.APIError) as error:
        sheet.add_worksheet("analisis mingguan", rows=5, cols=5)
    assert "already exists" in error.value.error["message"]
    added.update_title("Analisis")
    assert server.tab_titles(sid) == ["First", "Analisis"]
    sheet.del_worksheet(added)
    assert server.tab_titles(sid) == ["First"]


def test_batch_update_is_all_or_nothing(server: SheetsServer, client: gspread.Client) -> None:
    sid = server.create_spreadsheet({"First": []})
    sheet = client.open_by_key(sid)
    with pytest.raises(gspread.exceptions.APIError) as error:
        sheet.batch_update(
            {
                "requests": [
                    {"addSheet": {"properties": {"title": "New"}}},
                    {"deleteSheet": {"sheetId": 987654}},
                ]
            }
        )
    assert "Invalid requests[1].deleteSheet: No grid with id: 987654" in str(error.value)
    assert server.tab_titles(sid) == ["First"]


def test_charts_validation_and_insert_rows(server: SheetsServer, client: gspread.Client) -> None:
    sid = server.create_spreadsheet({"Data": [["Minggu", "Likes"], ["2026-W46", 10]]})
    sheet = client.open_by_key(sid)
    sheet_id = sheet.worksheet("Data").id
    source = {"sheetId": sheet_id, "startRowIndex": 0, "startColumnIndex": 1, "endColumnIndex": 2}
    reply = sheet.batch_update(
        {
            "requests": [
                {
                    "addChart": {
                        "chart": {
                            "spec": {
                                "title": "Likes",
                                "basicChart": {
                                    "chartType": "LINE",
                                    "domains": [{"domain": {"sourceRange": {"sources": [source]}}}],
                                    "series": [{"series": {"sourceRange": {"sources": [source]}}}],
                                },
                            },
                            "position": {
                                "overlayPosition": {
                                    "anchorCell": {"sheetId": sheet_id, "rowIndex": 1}
                                }
                            },
                        }
                    }
                },
                {
                    "setDataValidation": {
                        "range": {"sheetId": sheet_id, "startRowIndex": 1, "startColumnIndex": 0},
                        "rule": {"condition": {"type": "ONE_OF_LIST", "values": []}},
                    }
                },
                {
                    "insertDimension": {
                        "range": {
                            "sheetId": sheet_id,
                            "dimension": "ROWS",
                            "startIndex": 1,
                            "endIndex": 2,
                        }
                    }
                },
            ]
        }
    )
    chart = reply["replies"][0]["addChart"]["chart"]
    assert chart["spec"]["title"] == "Likes" and chart["chartId"] > 0
    assert reply["replies"][1:] == [{}, {}]
    metadata = sheet.fetch_sheet_metadata()
    assert metadata["sheets"][0]["charts"][0]["spec"]["title"] == "Likes"
    assert server.charts(sid, "Data")[0]["chartId"] == chart["chartId"]
    assert server.data_validations(sid, "Data")[0]["rule"]["condition"]["type"] == "ONE_OF_LIST"
    assert server.values(sid, "Data") == [["Minggu", "Likes"], [], ["2026-W46", 10]]
    assert server.grid_size(sid, "Data") == (1001, 26)


def test_unknown_spreadsheet_is_not_found(server: SheetsServer, client: gspread.Client) -> None:
    with pytest.raises(gspread.SpreadsheetNotFound):
        client.open_by_key("1DoesNotExist_abcdefghijkl")


def test_unshared_spreadsheet_is_permission_error(
    server: SheetsServer, client: gspread.Client
) -> None:
    sid = server.create_spreadsheet({"A": []}, shared_with=[OTHER_EMAIL])
    with pytest.raises(PermissionError) as error:
        client.open_by_key(sid)
    cause = error.value.__cause__
    assert isinstance(cause, gspread.exceptions.APIError)
    assert cause.code == 403
    assert cause.error["status"] == "PERMISSION_DENIED"
    server.share(sid, "postme-bot@test-project.iam.gserviceaccount.com")
    assert client.open_by_key(sid).title == "Test spreadsheet"


def test_calls_without_a_valid_token_get_401(server: SheetsServer) -> None:
    sid = server.create_spreadsheet({"A": []})
    url = f"{server.url}/v4/spreadsheets/{sid}"
    missing = requests.get(url, timeout=5)
    assert missing.status_code == 401
    assert missing.json()["error"]["status"] == "UNAUTHENTICATED"
    wrong = requests.get(url, headers={"Authorization": "Bearer ya29.made-up"}, timeout=5)
    assert wrong.status_code == 401
    assert wrong.json()["error"]["code"] == 401
    session = requests.Session()
    session.headers["Authorization"] = "Bearer ya29.made-up"
    session.mount(SHEETS_HOST, _rewrite_adapter(server))
    bad_client = session_client(session)
    with pytest.raises(gspread.exceptions.APIError) as error:
        bad_client.open_by_key(sid)
    assert error.value.code == 401


def test_token_is_only_issued_for_a_known_key(server: SheetsServer, tmp_path: Path) -> None:
    sid = server.create_spreadsheet({"A": []})
    unknown = tmp_path / "unknown.json"
    make_service_account_key(server, unknown, register=False)
    bad = session_client(local_session(server, unknown))
    with pytest.raises(RefreshError, match="account not found"):
        bad.open_by_key(sid)
    # a key registered under the same id but signed with another RSA key
    forged = tmp_path / "forged.json"
    info = make_service_account_key(server, forged, register=False, fresh_rsa_key=True)
    real = make_service_account_key(server, tmp_path / "real.json")
    info["private_key_id"] = real["private_key_id"]
    forged.write_text(json.dumps(info))
    with pytest.raises(RefreshError, match="Invalid JWT Signature"):
        session_client(local_session(server, forged)).open_by_key(sid)
    assert server.count("token") >= 2
    assert server.api_requests() == []


def test_revoked_key_and_expired_tokens(
    server: SheetsServer, client: gspread.Client, key_file: Path
) -> None:
    sid = server.create_spreadsheet({"A": []})
    client.open_by_key(sid)
    assert server.count("token") == 1
    server.revoke_tokens()  # google-auth gets a 401, refreshes and tries again
    client.open_by_key(sid)
    assert server.count("token") == 2
    server.revoke_tokens()
    server.revoke_key("postme-bot@test-project.iam.gserviceaccount.com")
    with pytest.raises(RefreshError):
        client.open_by_key(sid)


def test_oauth_user_credentials(server: SheetsServer, tmp_path: Path) -> None:
    from google.auth.transport.requests import AuthorizedSession, Request
    from google.oauth2.credentials import Credentials

    sid = server.create_spreadsheet({"A": [["hello"]]}, shared_with=["person@example.org"])
    path = tmp_path / "authorized_user.json"
    make_authorized_user_file(server, path, "person@example.org")
    # google-auth ships no annotations for these two.
    creds = Credentials.from_authorized_user_file(str(path))  # type: ignore[no-untyped-call]
    # google-auth always sends a refresh to Google's token endpoint: reroute it too.
    token_session = requests.Session()
    token_session.mount(GOOGLE_TOKEN_URI, _rewrite_adapter(server, GOOGLE_TOKEN_URI, "/token"))
    session: requests.Session = AuthorizedSession(  # type: ignore[no-untyped-call]
        creds, auth_request=Request(token_session)
    )
    session.mount(SHEETS_HOST, _rewrite_adapter(server))
    sheet = session_client(session).open_by_key(sid)
    assert sheet.sheet1.get() == [["hello"]]
    assert server.count("token") == 1


def _rewrite_adapter(
    server: SheetsServer, prefix: str = SHEETS_HOST, path: str = ""
) -> requests.adapters.HTTPAdapter:
    class Rewrite(requests.adapters.HTTPAdapter):
        def send(self, request: Any, *args: Any, **kwargs: Any) -> Any:
            request.url = request.url.replace(prefix, server.url + path, 1)
            return super().send(request, *args, **kwargs)

    return Rewrite()


def test_counts_and_log(server: SheetsServer, client: gspread.Client) -> None:
    sid = server.create_spreadsheet(PLANNER)
    sheet = client.open_by_key(sid)
    sheet.values_batch_get(["'Kalender Konten'"])
    sheet.values_batch_update({"valueInputOption": "RAW", "data": []})
    assert server.count("token") == 1
    assert server.counts() == {"token": 1, "get": 1, "batchGet": 1, "batchUpdateValues": 1}
    assert [(r.method, r.kind) for r in server.api_requests()] == [
        ("GET", "get"),
        ("GET", "batchGet"),
        ("POST", "batchUpdateValues"),
    ]
    assert server.api_requests()[0].path == f"/v4/spreadsheets/{sid}"
    server.reset_log()
    assert server.requests() == []
    with pytest.raises(ValueError):
        server.count("nonsense")


def test_injected_status_with_retry_after(server: SheetsServer, client: gspread.Client) -> None:
    sid = server.create_spreadsheet(PLANNER)
    sheet = client.open_by_key(sid)
    server.inject("batchGet", status=429, times=2, retry_after=7)
    for _ in range(2):
        with pytest.raises(gspread.exceptions.APIError) as error:
            sheet.values_batch_get(["'Kalender Konten'"])
        assert error.value.code == 429
        assert error.value.error["status"] == "RESOURCE_EXHAUSTED"
        assert error.value.response.headers["Retry-After"] == "7"
    assert sheet.values_batch_get(["'Kalender Konten'"])["valueRanges"]
    assert server.count("batchGet") == 3
    assert server.pending_faults() == 0


def test_injected_fault_only_hits_its_kind(server: SheetsServer, client: gspread.Client) -> None:
    sid = server.create_spreadsheet(PLANNER)
    server.inject("batchUpdateValues", status=500)
    sheet = client.open_by_key(sid)  # a "get": not affected
    sheet.values_batch_get(["'Kalender Konten'"])
    with pytest.raises(gspread.exceptions.APIError) as error:
        sheet.values_batch_update(
            {"valueInputOption": "RAW", "data": [{"range": "'Metrik Akun'!A5", "values": [[1]]}]}
        )
    assert error.value.code == 500
    assert len(server.values(sid, "Metrik Akun")) == 2  # nothing written


def test_injected_custom_body_and_any_kind(server: SheetsServer, client: gspread.Client) -> None:
    sid = server.create_spreadsheet(PLANNER)
    server.inject("*", status=503, body={"error": {"code": 503, "message": "busy", "status": "X"}})
    with pytest.raises(gspread.exceptions.APIError) as error:
        client.open_by_key(sid)
    assert error.value.code == 503 and error.value.error["message"] == "busy"


def test_injected_stall_times_out(server: SheetsServer, client: gspread.Client) -> None:
    sid = server.create_spreadsheet(PLANNER)
    sheet = client.open_by_key(sid)
    client.set_timeout(0.3)
    server.inject("batchGet", delay=5)
    started = time.perf_counter()
    with pytest.raises(requests.Timeout):
        sheet.values_batch_get(["'Kalender Konten'"])
    assert time.perf_counter() - started < 2
    # a short stall alone is served normally afterwards
    server.inject("batchGet", delay=0.05)
    assert sheet.values_batch_get(["'Kalender Konten'"])["valueRanges"]


def test_injected_malformed_body(server: SheetsServer, client: gspread.Client) -> None:
    sid = server.create_spreadsheet(PLANNER)
    sheet = client.open_by_key(sid)
    server.inject("batchGet", malformed=True)
    with pytest.raises(requests.exceptions.JSONDecodeError):
        sheet.values_batch_get(["'Kalender Konten'"])


def test_injected_truncated_body(server: SheetsServer, client: gspread.Client) -> None:
    sid = server.create_spreadsheet(PLANNER)
    sheet = client.open_by_key(sid)
    server.inject("batchGet", truncated=True)
    with pytest.raises(requests.RequestException):
        sheet.values_batch_get(["'Kalender Konten'"])
    assert sheet.values_batch_get(["'Kalender Konten'"])["valueRanges"]


def test_injected_connection_reset(server: SheetsServer, client: gspread.Client) -> None:
    sid = server.create_spreadsheet(PLANNER)
    sheet = client.open_by_key(sid)
    server.inject("batchGet", reset=True)
    with pytest.raises(requests.ConnectionError):
        sheet.values_batch_get(["'Kalender Konten'"])
    assert sheet.values_batch_get(["'Kalender Konten'"])["valueRanges"]


def test_stop_ends_a_stall_at_once(tmp_path: Path) -> None:
    server = start_server()
    make_service_account_key(server, tmp_path / "k.json")
    sid = server.create_spreadsheet({"A": []})
    server.inject("get", delay=30)
    session = local_session(server, tmp_path / "k.json")
    client = session_client(session)
    client.set_timeout(0.2)
    with pytest.raises(requests.Timeout):
        client.open_by_key(sid)
    started = time.perf_counter()
    server.stop()
    assert time.perf_counter() - started < 2


def test_load_and_dump_workbook(server: SheetsServer, tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Kalender"
    ws.append(["Tanggal", "Jam", "Judul", "Views"])
    ws.append([dt.date(2026, 11, 16), dt.time(19, 0), '=HYPERLINK("a","b")', 10])
    ws.append([dt.datetime(2026, 11, 17, 6, 30), None, "teks", 2.5])
    book.create_sheet("Kosong")
    path = tmp_path / "book.xlsx"
    book.save(path)
    sid = server.load_workbook(path)
    assert server.title(sid) == "book"
    assert server.dump(sid) == {
        "Kalender": [
            ["Tanggal", "Jam", "Judul", "Views"],
            [46342, to_serial(dt.time(19, 0)), '=HYPERLINK("a","b")', 10],
            [to_serial(dt.datetime(2026, 11, 17, 6, 30)), "", "teks", 2.5],
        ],
        "Kosong": [],
    }
    assert server.is_formula(sid, "Kalender", "C2")


def test_to_serial_matches_google() -> None:
    assert to_serial(dt.date(1899, 12, 30)) == 0
    assert to_serial(dt.date(1900, 3, 1)) == 61
    assert to_serial(dt.date(2026, 11, 16)) == 46342
    assert to_serial(dt.datetime(2026, 11, 16, 12)) == 46342.5
    assert to_serial(dt.time(6)) == 0.25
    assert isinstance(to_serial(dt.datetime(2026, 11, 16)), int)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("'Tab name'!A1:Z", ("Tab name", "A1:Z")),
        ("Tab!A5:D5", ("Tab", "A5:D5")),
        ("'Tab'", ("Tab", None)),
        ("'It''s'!A1", ("It's", "A1")),
        ("A2:F", (None, "A2:F")),
    ],
)
def test_split_range(text: str, expected: tuple[str | None, str | None]) -> None:
    assert split_range(text) == expected


def test_parse_a1() -> None:
    assert parse_a1("A1") == parse_a1("A1:A1")
    box = parse_a1("A2:F")
    assert box is not None and (box.row0, box.col0, box.row1, box.col1) == (1, 0, None, 5)
    box = parse_a1("B:C")
    assert box is not None and (box.row0, box.col0, box.row1, box.col1) == (0, 1, None, 2)
    box = parse_a1("3:5")
    assert box is not None and (box.row0, box.col0, box.row1, box.col1) == (2, 0, 4, None)
    assert parse_a1("A0") is None and parse_a1("A") is None and parse_a1("x!y") is None
    assert column_letters(0) == "A" and column_letters(27) == "AB" and column_index("AB") == 27


# ---------------------------------------------------------------- issue 19: Google's rules


def _batch(client: gspread.Client, sid: str, *requests_: Any, **body: Any) -> Any:
    return client.http_client.batch_update(sid, {"requests": list(requests_), **body})


def test_developer_metadata_with_a_fixed_id_is_created_once(
    server: SheetsServer, client: gspread.Client
) -> None:
    sid = server.create_spreadsheet({"Tab": [["a"]]})
    meta = {
        "metadataId": 77,
        "metadataKey": "postme.lock",
        "metadataValue": "run 1",
        "location": {"spreadsheet": True},
        "visibility": "DOCUMENT",
    }
    reply = _batch(
        client,
        sid,
        {"createDeveloperMetadata": {"developerMetadata": meta}},
        includeSpreadsheetInResponse=True,
    )
    assert reply["updatedSpreadsheet"]["developerMetadata"][0]["metadataValue"] == "run 1"
    assert reply["updatedSpreadsheet"]["sheets"][0]["properties"]["title"] == "Tab"
    with pytest.raises(gspread.exceptions.APIError, match="already exists"):
        _batch(client, sid, {"createDeveloperMetadata": {"developerMetadata": meta}})
    url = f"{server.url}/v4/spreadsheets/{sid}/developerMetadata/77"
    assert client.http_client.request("get", url).json()["metadataValue"] == "run 1"
    # A delete that names another value deletes nothing; the right one deletes it.
    lookup = {"metadataId": 77, "metadataValue": "run 2"}
    _batch(
        client,
        sid,
        {"deleteDeveloperMetadata": {"dataFilter": {"developerMetadataLookup": lookup}}},
    )
    assert 77 in server.developer_metadata(sid)
    lookup["metadataValue"] = "run 1"
    _batch(
        client,
        sid,
        {"deleteDeveloperMetadata": {"dataFilter": {"developerMetadataLookup": lookup}}},
    )
    assert server.developer_metadata(sid) == {}
    with pytest.raises(gspread.exceptions.APIError, match="No developer metadata"):
        client.http_client.request("get", url)


def test_a_batch_is_all_or_nothing(server: SheetsServer, client: gspread.Client) -> None:
    sid = server.create_spreadsheet({"Tab": [["a"]]})
    before = server.dump(sid)
    with pytest.raises(gspread.exceptions.APIError):
        _batch(
            client,
            sid,
            {"addSheet": {"properties": {"title": "Baru"}}},
            {"addSheet": {"properties": {"title": "TAB"}}},  # equal to "Tab" ignoring case
        )
    assert server.dump(sid) == before


def test_update_and_append_cells_are_typed_and_appended_after_the_last_row(
    server: SheetsServer, client: gspread.Client
) -> None:
    sid = server.create_spreadsheet({"Tab": [["h1", "h2"], ["a", 1], [], ["c", 3]]})
    sheet_id = client.open_by_key(sid).sheet1.id
    _batch(
        client,
        sid,
        {
            "updateCells": {
                "start": {"sheetId": sheet_id, "rowIndex": 1, "columnIndex": 1},
                "rows": [{"values": [{"userEnteredValue": {"stringValue": "=1+1"}}]}],
                "fields": "userEnteredValue",
            }
        },
        {
            "appendCells": {
                "sheetId": sheet_id,
                "rows": [{"values": [{"userEnteredValue": {"stringValue": "d"}}, {}]}],
                "fields": "userEnteredValue",
            }
        },
    )
    assert server.values(sid, "Tab") == [["h1", "h2"], ["a", "=1+1"], [], ["c", 3], ["d"]]
    assert not server.is_formula(sid, "Tab", "B2")


def test_googles_limits_are_refused(server: SheetsServer, client: gspread.Client) -> None:
    sid = server.create_spreadsheet({"Tab": [["a"]]})
    book = client.open_by_key(sid)
    with pytest.raises(gspread.exceptions.APIError, match="50000 characters"):
        book.values_update("Tab!A1", {"valueInputOption": "RAW"}, {"values": [["x" * 50_001]]})
    with pytest.raises(gspread.exceptions.APIError, match="10000000 cells"):
        _batch(
            client,
            sid,
            {
                "appendDimension": {
                    "sheetId": book.sheet1.id,
                    "dimension": "ROWS",
                    "length": 400_000,
                }
            },
        )
    assert server.grid_size(sid, "Tab") == (1000, 26)


def test_anything_postme_does_not_use_fails_loudly(
    server: SheetsServer, client: gspread.Client
) -> None:
    sid = server.create_spreadsheet({"Tab": [["a"]]})
    answer = requests.post(f"{server.url}/v4/spreadsheets/{sid}/sheets/0:copyTo", timeout=5)
    assert answer.status_code == 501 and "not implemented" in answer.text
    with pytest.raises(gspread.exceptions.APIError, match="mergeCells is not implemented"):
        _batch(client, sid, {"mergeCells": {"range": {"sheetId": 0}, "mergeType": "MERGE_ALL"}})


def test_a_lost_answer_is_applied_and_a_trickled_one_arrives_slowly(
    server: SheetsServer, client: gspread.Client
) -> None:
    sid = server.create_spreadsheet({"Tab": [["a"]]})
    server.inject("batchUpdate", lost=True)
    with pytest.raises(requests.ConnectionError):
        _batch(client, sid, {"addSheet": {"properties": {"title": "Baru"}}})
    assert "Baru" in server.tab_titles(sid)  # applied, although nobody heard back
    book = client.open_by_key(sid)
    server.inject("batchGet", trickle=0.01)
    started = time.perf_counter()
    answer = book.values_batch_get(["Tab"])
    assert answer["valueRanges"][0]["values"] == [["a"]]
    assert time.perf_counter() - started > 0.5  # a byte at a time


def test_a_person_edits_between_two_requests(server: SheetsServer, client: gspread.Client) -> None:
    sid = server.create_spreadsheet({"Tab": [["k"], ["b"], ["a"], ["c"]]})
    server.after("batchGet", lambda: server.insert_rows(sid, "Tab", 2, [["catatan"]]), skip=1)
    book = client.open_by_key(sid)
    assert book.values_batch_get(["Tab"])["valueRanges"][0]["values"][1] == ["b"]
    server.reset_log()
    book.values_batch_get(["Tab"])  # the edit comes right after this answer
    assert server.values(sid, "Tab") == [["k"], ["catatan"], ["b"], ["a"], ["c"]]
    server.sort_rows(sid, "Tab", 1, first_row=3)
    assert server.values(sid, "Tab") == [["k"], ["catatan"], ["a"], ["b"], ["c"]]
    server.delete_rows(sid, "Tab", 2)
    assert server.append_row(sid, "Tab", ["d"]) == 5
    assert server.values(sid, "Tab") == [["k"], ["a"], ["b"], ["c"], ["d"]]
