"""The local Sheets API v4 server: lifecycle, test helpers, routing and the HTTP handler."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import socket
import struct
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import requests

from . import dimensions, metadata
from .auth import TokenEndpoint
from .batch import BatchRequests
from .discovery import Mask, apply_mask, check_body, check_query, field_mask
from .faults import Fault, FaultsAndLog, LoggedRequest
from .filters import DataFilterApi
from .grid import (
    SHEETS_HOST,
    ApiError,
    Box,
    Sheet,
    Spreadsheet,
    StoredCell,
    _fill,
    _new_sheet_id,
    _new_spreadsheet_id,
    _python_cell,
    _read_box,
    _required,
    _value_range,
    parse_a1,
)
from .griddata import spreadsheet_resource, wanted
from .values import totals


class SheetsServer(TokenEndpoint, FaultsAndLog, DataFilterApi, BatchRequests):
    """The local Sheets API. Start with :func:`start_server` or as a context manager."""

    def __init__(self, *, strict_grid: bool = True) -> None:
        self.strict_grid = strict_grid  # a write past the grid is an error, like Google
        self._lock = threading.RLock()
        self._stopping = threading.Event()
        self._spreadsheets: dict[str, Spreadsheet] = {}
        self._keys: dict[str, dict[str, Any]] = {}  # email → {key id → public key}
        self._refresh_tokens: dict[str, tuple[str, str, str]] = {}  # → (email, id, secret)
        self._tokens: dict[str, tuple[str, float]] = {}  # access token → (email, expiry)
        self._log: list[LoggedRequest] = []
        self._faults: list[Fault] = []
        self._hooks: list[tuple[str, int, Callable[[], object]]] = []
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle

    def start(self) -> SheetsServer:
        if self._httpd is not None:
            return self
        handler = type("Handler", (_Handler,), {"api": self})
        httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        httpd.daemon_threads = True
        self._httpd = httpd
        self._stopping.clear()
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # ends injected stalls at once
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> SheetsServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._httpd is not None, "server not started"
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        """The endpoint that replaces https://sheets.googleapis.com."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def token_uri(self) -> str:
        return f"{self.url}/token"

    # -- spreadsheets

    def create_spreadsheet(
        self,
        tabs: Mapping[str, Sequence[Sequence[Any]]] | None = None,
        *,
        title: str = "Test spreadsheet",
        spreadsheet_id: str | None = None,
        shared_with: Iterable[str] | None = None,
    ) -> str:
        """A spreadsheet from ``{tab: rows}`` (row 1 first). Values may be str, int,
        float, bool, None, dates/datetimes/times (stored as serial numbers) or
        strings starting with '=' (stored as formulas). ``shared_with=None`` shares it
        with every account; otherwise only the given emails can open it."""
        sid = spreadsheet_id or _new_spreadsheet_id()
        sheets = []
        for index, (name, rows) in enumerate((tabs or {"Sheet1": []}).items()):
            sheet = Sheet(_new_sheet_id(index), name, index)
            _fill(sheet, rows)
            sheets.append(sheet)
        with self._lock:
            self._spreadsheets[sid] = Spreadsheet(
                sid, title, sheets, None if shared_with is None else set(shared_with)
            )
        return sid

    def load_workbook(
        self,
        path: str | Path,
        *,
        title: str | None = None,
        spreadsheet_id: str | None = None,
        shared_with: Iterable[str] | None = None,
    ) -> str:
        """A spreadsheet from an .xlsx file: dates and times become serial numbers,
        formulas stay formulas (with the workbook's cached value when there is one)."""
        import openpyxl

        values_book = openpyxl.load_workbook(path, data_only=True)
        formula_book = openpyxl.load_workbook(path, data_only=False)
        tabs: dict[str, list[list[Any]]] = {}
        for ws in formula_book.worksheets:
            cached = values_book[ws.title]
            rows: list[list[Any]] = []
            for row in ws.iter_rows():
                out: list[Any] = []
                for cell in row:
                    value = cell.value
                    if isinstance(value, str) and value.startswith("=") and cell.data_type == "f":
                        computed = _python_cell(cached[cell.coordinate].value)
                        value = StoredCell(value, True, None, computed.value if computed else None)
                    elif not isinstance(value, str | int | float | bool | dt.date | dt.time):
                        value = None if value is None else str(value)
                    out.append(value)
                rows.append(out)
            tabs[ws.title] = rows
        sid = self.create_spreadsheet(
            tabs,
            title=title or Path(path).stem,
            spreadsheet_id=spreadsheet_id,
            shared_with=shared_with,
        )
        with self._lock:
            for ws, sheet in zip(
                formula_book.worksheets, self._spreadsheets[sid].sheets, strict=True
            ):
                sheet.row_count = max(sheet.row_count, ws.max_row)
                sheet.column_count = max(sheet.column_count, ws.max_column)
        return sid

    def delete_spreadsheet(self, spreadsheet_id: str) -> None:
        with self._lock:
            self._spreadsheets.pop(spreadsheet_id, None)

    def share(self, spreadsheet_id: str, email: str) -> None:
        with self._lock:
            book = self._spreadsheets[spreadsheet_id]
            if book.shared_with is not None:
                book.shared_with.add(email)

    def unshare(self, spreadsheet_id: str, email: str) -> None:
        with self._lock:
            book = self._spreadsheets[spreadsheet_id]
            if book.shared_with is None:
                book.shared_with = set(self.accounts())
            book.shared_with.discard(email)

    def title(self, spreadsheet_id: str) -> str:
        with self._lock:
            return self._spreadsheets[spreadsheet_id].title

    def tab_titles(self, spreadsheet_id: str) -> list[str]:
        with self._lock:
            book = self._spreadsheets[spreadsheet_id]
            return [s.title for s in sorted(book.sheets, key=lambda s: s.index)]

    def dump(self, spreadsheet_id: str) -> dict[str, list[list[Any]]]:
        """Every tab as Google would return it with UNFORMATTED_VALUE + SERIAL_NUMBER,
        except that formulas come back as their text."""
        with self._lock:
            book = self._spreadsheets[spreadsheet_id]
            out = {}
            for sheet in sorted(book.sheets, key=lambda s: s.index):
                box = Box(0, 0, sheet.row_count - 1, sheet.column_count - 1)
                out[sheet.title] = _read_box(sheet, box, "FORMULA", "SERIAL_NUMBER", "ROWS")
            return out

    def values(self, spreadsheet_id: str, tab: str) -> list[list[Any]]:
        return self.dump(spreadsheet_id)[tab]

    def set_values(
        self, spreadsheet_id: str, tab: str, rows: Sequence[Sequence[Any]], start: str = "A1"
    ) -> None:
        """Type into a tab by hand (as a person would), values as in create_spreadsheet."""
        with self._lock:
            sheet = self._sheet(spreadsheet_id, tab)
            box = parse_a1(start)
            assert box is not None
            _fill(sheet, rows, box.row0, box.col0)

    def clear_tab(self, spreadsheet_id: str, tab: str) -> None:
        with self._lock:
            self._sheet(spreadsheet_id, tab).cells.clear()

    def add_tab(self, spreadsheet_id: str, tab: str, rows: Sequence[Sequence[Any]] = ()) -> None:
        with self._lock:
            book = self._spreadsheets[spreadsheet_id]
            sheet = Sheet(_new_sheet_id(len(book.sheets)), tab, len(book.sheets))
            _fill(sheet, rows)
            book.sheets.append(sheet)

    def rename_tab(self, spreadsheet_id: str, old: str, new: str) -> None:
        with self._lock:
            self._sheet(spreadsheet_id, old).title = new

    def delete_tab(self, spreadsheet_id: str, tab: str) -> None:
        """The tab goes, and with it the developer metadata on it."""
        with self._lock:
            book = self._spreadsheets[spreadsheet_id]
            dimensions.remove_sheet(book, self._sheet(spreadsheet_id, tab))

    def cell(self, spreadsheet_id: str, tab: str, a1: str) -> Any:
        """The stored value of one cell (a formula's text for a formula), or None."""
        stored = self._cell(spreadsheet_id, tab, a1)
        return None if stored is None else stored.value

    def is_formula(self, spreadsheet_id: str, tab: str, a1: str) -> bool:
        stored = self._cell(spreadsheet_id, tab, a1)
        return bool(stored and stored.formula)

    def grid_size(self, spreadsheet_id: str, tab: str) -> tuple[int, int]:
        with self._lock:
            sheet = self._sheet(spreadsheet_id, tab)
            return sheet.row_count, sheet.column_count

    def set_grid_size(self, spreadsheet_id: str, tab: str, rows: int, columns: int) -> None:
        """Resize a tab's grid (as a person adding rows in the UI); Google's 10M-cell limit
        is not checked here, so a test can build a spreadsheet that is nearly full. Rows and
        columns cut off go with their values and developer metadata."""
        with self._lock:
            book = self._spreadsheets[spreadsheet_id]
            dimensions.resize(book, self._sheet(spreadsheet_id, tab), rows, columns)

    def charts(self, spreadsheet_id: str, tab: str) -> list[dict[str, Any]]:
        with self._lock:
            return copy.deepcopy(self._sheet(spreadsheet_id, tab).charts)

    def data_validations(self, spreadsheet_id: str, tab: str) -> list[dict[str, Any]]:
        with self._lock:
            return copy.deepcopy(self._sheet(spreadsheet_id, tab).validations)

    # -- a person's edits (between postme's requests: see ``after``); developer metadata
    # on the rows moves with them, as on Google (metadata.py)

    def insert_rows(
        self, spreadsheet_id: str, tab: str, before_row: int, rows: Sequence[Sequence[Any]]
    ) -> None:
        """Insert rows above 1-based ``before_row`` (the rows below move down)."""
        with self._lock:
            book = self._spreadsheets[spreadsheet_id]
            sheet = self._sheet(spreadsheet_id, tab)
            dimensions.insert(book, sheet, "ROWS", before_row - 1, len(rows))
            _fill(sheet, rows, before_row - 1)

    def delete_rows(self, spreadsheet_id: str, tab: str, row: int, count: int = 1) -> None:
        """Delete ``count`` rows from 1-based ``row`` (the rows below move up)."""
        with self._lock:
            book = self._spreadsheets[spreadsheet_id]
            sheet = self._sheet(spreadsheet_id, tab)
            dimensions.delete(book, sheet, "ROWS", row - 1, row - 1 + count)

    def sort_rows(
        self,
        spreadsheet_id: str,
        tab: str,
        column: int,
        *,
        first_row: int = 2,
        reverse: bool = False,
    ) -> None:
        """Sort the rows from 1-based ``first_row`` down by the 1-based ``column`` (blank
        rows last), as a person does with Data → Sort range: whole rows move, with their
        developer metadata."""
        with self._lock:
            book = self._spreadsheets[spreadsheet_id]
            sheet = self._sheet(spreadsheet_id, tab)
            start = first_row - 1

            def key(row: int) -> tuple[int, str]:
                cell = sheet.get(row, column - 1)
                return (0, str(cell.value)) if cell is not None else (1, "")

            filled = sorted((r for r in sheet.cells if r >= start), key=key, reverse=reverse)
            empty = [r for r in range(start, sheet.row_count) if r not in sheet.cells]
            dimensions.reorder_rows(book, sheet, start, filled + empty)

    def append_row(self, spreadsheet_id: str, tab: str, values: Sequence[Any]) -> int:
        """Type a row below the last one; its 1-based row number."""
        with self._lock:
            sheet = self._sheet(spreadsheet_id, tab)
            row = sheet.last_row() + 1
            sheet.row_count = max(sheet.row_count, row + 1)
            _fill(sheet, [values], row)
            return row + 1

    def developer_metadata(self, spreadsheet_id: str) -> dict[int, dict[str, Any]]:
        """The spreadsheet-level developer metadata (postme's lock), by metadataId."""
        every = self.all_developer_metadata(spreadsheet_id)
        return {i: m for i, m in every.items() if m["location"]["locationType"] == "SPREADSHEET"}

    def all_developer_metadata(self, spreadsheet_id: str) -> dict[int, dict[str, Any]]:
        """Every developer metadata (spreadsheet, sheet, row, column), by metadataId."""
        with self._lock:
            return copy.deepcopy(self._spreadsheets[spreadsheet_id].developer_metadata)

    def row_metadata(self, spreadsheet_id: str, tab: str) -> dict[int, list[dict[str, Any]]]:
        """The developer metadata on the tab's rows, by 1-based row number."""
        with self._lock:
            book = self._spreadsheets[spreadsheet_id]
            on_rows = metadata.on_dimension(book, self._sheet(spreadsheet_id, tab).sheet_id, "ROWS")
            return {index + 1: tags for index, tags in on_rows.items()}

    def sheet_id(self, spreadsheet_id: str, tab: str) -> int:
        with self._lock:
            return self._sheet(spreadsheet_id, tab).sheet_id

    def add_developer_metadata(self, spreadsheet_id: str, given: dict[str, Any]) -> int:
        """Developer metadata another program (or a crashed run) left: a
        ``DeveloperMetadata`` as createDeveloperMetadata takes it. Its id."""
        with self._lock:
            book = self._spreadsheets[spreadsheet_id]
            before = dict(book.developer_metadata)
            try:
                made = metadata.create(book, given)
            except ApiError:
                book.developer_metadata = before
                raise
            return int(made["metadataId"])

    def delete_developer_metadata(self, spreadsheet_id: str, metadata_id: int) -> None:
        with self._lock:
            self._spreadsheets[spreadsheet_id].developer_metadata.pop(metadata_id, None)

    def conditional_formats(self, spreadsheet_id: str, tab: str) -> list[dict[str, Any]]:
        with self._lock:
            return copy.deepcopy(self._sheet(spreadsheet_id, tab).formats)

    def _sheet(self, spreadsheet_id: str, tab: str) -> Sheet:
        sheet = self._spreadsheets[spreadsheet_id].sheet(tab)
        if sheet is None:
            raise KeyError(tab)
        return sheet

    def _cell(self, spreadsheet_id: str, tab: str, a1: str) -> StoredCell | None:
        box = parse_a1(a1)
        assert box is not None
        with self._lock:
            return self._sheet(spreadsheet_id, tab).get(box.row0, box.col0)

    def _book(self, spreadsheet_id: str, email: str) -> Spreadsheet:
        book = self._spreadsheets.get(spreadsheet_id)
        if book is None:
            raise ApiError(404)
        if book.shared_with is not None and email not in book.shared_with:
            raise ApiError(403)
        return book

    # -- API

    def _api(
        self,
        kind: str,
        method: str,
        spreadsheet_id: str,
        range_text: str | None,
        query: dict[str, list[str]],
        body: Any,
        email: str,
    ) -> dict[str, Any]:
        """Check the request as Google would (discovery.py: query parameters, body, the
        ``fields`` mask), serve it, and answer with what the mask selects."""
        with self._lock:
            book = self._book(spreadsheet_id, email)
            method_kind = "batchClear" if kind == "clear" and range_text is None else kind
            check_query(method_kind, query)
            checked = check_body(method_kind, body)
            mask = field_mask(method_kind, query)
            reply = self._serve_kind(kind, book, range_text, query, checked, mask)
            return dict(apply_mask(reply, mask))

    def _serve_kind(  # noqa: C901  # one route table, read top down
        self,
        kind: str,
        book: Spreadsheet,
        range_text: str | None,
        query: dict[str, list[str]],
        body: Any,
        mask: Mask | None,
    ) -> dict[str, Any]:
        if kind == "get":
            grid_data, cells = wanted(mask, _flag(query, "includeGridData"))
            texts = query.get("ranges") or []
            ranges = [book.locate(text) for text in texts] if texts else None
            return spreadsheet_resource(book, ranges, grid_data, cells)
        if kind == "batchGet":
            return self._batch_get(book, query)
        if kind == "valuesGet":
            assert range_text is not None
            return self._values_get(book, range_text, query)
        if kind == "valuesUpdate":
            assert range_text is not None
            option = _required(query, "valueInputOption")
            return self._values_update(book, [_value_range(body, range_text)], option)[0]
        if kind == "batchUpdateValues":
            batch_option = body.get("valueInputOption")
            if not batch_option:
                raise ApiError(400, "'valueInputOption' is required but not specified")
            data = [_value_range(v, None) for v in body.get("data") or []]
            return totals(book, self._values_update(book, data, batch_option))
        if kind == "append":
            assert range_text is not None
            option = _required(query, "valueInputOption")
            insert = (query.get("insertDataOption") or [""])[0] == "INSERT_ROWS"
            return self._append(book, range_text, _value_range(body, range_text), option, insert)
        if kind == "clear":
            if range_text is not None:
                cleared = self._clear(book, [range_text])
                return {"spreadsheetId": book.spreadsheet_id, "clearedRange": cleared[0]}
            ranges_ = body.get("ranges") or []
            return {
                "spreadsheetId": book.spreadsheet_id,
                "clearedRanges": self._clear(book, ranges_),
            }
        if kind == "batchUpdate":
            return self._batch_update(book, body, mask)
        if kind == "metadataGet":
            assert range_text is not None
            if not range_text.lstrip("-").isdigit():
                raise ApiError(
                    400, f"Invalid value at 'metadata_id' (TYPE_INT32), \"{range_text}\""
                )
            meta = book.developer_metadata.get(int(range_text))
            if meta is None:
                raise ApiError(404, f"No developer metadata with ID {range_text}.")
            return copy.deepcopy(meta)
        if kind == "metadataSearch":
            return self._metadata_search(book, body)
        if kind == "getByDataFilter":
            return self._get_by_filter(book, body, mask)
        if kind == "batchGetByDataFilter":
            return self._batch_get_by_filter(book, body)
        if kind == "batchUpdateByDataFilter":
            return self._batch_update_by_filter(book, body)
        if kind == "batchClearByDataFilter":
            return self._batch_clear_by_filter(book, body)
        raise ApiError(501, f"local server: {kind} is not implemented")


def _flag(query: dict[str, list[str]], name: str) -> bool:
    return (query.get(name) or ["false"])[0].lower() in ("true", "1")


# ----------------------------------------------------------------- HTTP handler

_PATH = re.compile(r"^/v4/spreadsheets/([^/:]+)(.*)$")


def classify(method: str, raw_path: str) -> tuple[str, str | None, str | None]:
    """(kind, spreadsheet id, range) for a request path (range still URL-encoded)."""
    if raw_path == "/token":
        return ("token" if method == "POST" else "unknown"), None, None
    match = _PATH.match(raw_path)
    if not match:
        return "unknown", None, None
    sid, rest = unquote(match.group(1)), match.group(2)
    if rest == "" and method == "GET":
        return "get", sid, None
    if rest == ":batchUpdate" and method == "POST":
        return "batchUpdate", sid, None
    if rest == "/values:batchGet" and method == "GET":
        return "batchGet", sid, None
    if rest == "/values:batchUpdate" and method == "POST":
        return "batchUpdateValues", sid, None
    if rest == "/values:batchClear" and method == "POST":
        return "clear", sid, None
    if rest.startswith("/developerMetadata/") and method == "GET":
        return "metadataGet", sid, unquote(rest[len("/developerMetadata/") :])
    posted = {
        "/developerMetadata:search": "metadataSearch",
        ":getByDataFilter": "getByDataFilter",
        "/values:batchGetByDataFilter": "batchGetByDataFilter",
        "/values:batchUpdateByDataFilter": "batchUpdateByDataFilter",
        "/values:batchClearByDataFilter": "batchClearByDataFilter",
    }
    if rest in posted and method == "POST":
        return posted[rest], sid, None
    if rest.startswith("/values/"):
        encoded = rest[len("/values/") :]
        if method == "POST" and encoded.endswith(":append"):
            return "append", sid, unquote(encoded[: -len(":append")])
        if method == "POST" and encoded.endswith(":clear"):
            return "clear", sid, unquote(encoded[: -len(":clear")])
        if method == "GET":
            return "valuesGet", sid, unquote(encoded)
        if method == "PUT":
            return "valuesUpdate", sid, unquote(encoded)
    return "unknown", sid, None


class _Handler(BaseHTTPRequestHandler):
    api: SheetsServer
    protocol_version = "HTTP/1.1"
    server_version = "ESF"
    sys_version = ""
    # Google answers at once; without this, Nagle holds the body back until the client
    # acknowledges the headers (a delayed ACK: 40 ms per answer on Linux loopback).
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass  # quiet

    def do_GET(self) -> None:  # noqa: N802
        self._serve("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._serve("POST")

    def do_PUT(self) -> None:  # noqa: N802
        self._serve("PUT")

    def _serve(self, method: str) -> None:
        try:
            self._serve_unsafe(method)
        except (TimeoutError, BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _serve_unsafe(self, method: str) -> None:  # noqa: C901  # one route table, read top down
        api = self.api
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw_body = self.rfile.read(length) if length else b""
        kind, sid, range_text = classify(method, parts.path)
        api._record(method, kind, unquote(parts.path))
        fault = api._take_fault(kind)
        if fault is not None:
            if fault.delay:
                if api._stopping.wait(fault.delay):
                    self._reset()
                    return
            if fault.reset:
                self._reset()
                return
            if fault.truncated:
                text = b'{"spreadsheetId": "cut'
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=UTF-8")
                self.send_header("Content-Length", str(len(text) + 500))
                self.end_headers()
                self.wfile.write(text)
                self.wfile.flush()
                self._reset()
                return
            if fault.malformed:
                self._send(200, b'{"spreadsheetId": "abc", "valueRanges": [{"range": "Sh')
                return
            if fault.status is not None:
                error_body = fault.body
                if error_body is None:
                    error = ApiError(fault.status)
                    error_body = {
                        "error": {
                            "code": error.code,
                            "message": error.message,
                            "status": error.status,
                        }
                    }
                headers = {}
                if fault.retry_after is not None:
                    headers["Retry-After"] = str(fault.retry_after)
                self._send_json(fault.status, error_body, headers)
                return
        if kind == "token":
            form = parse_qs(raw_body.decode("utf-8", "replace"))
            status, payload = api._token(form)
            self._send_json(status, payload)
            return
        try:
            if kind == "unknown" or sid is None:
                # Loud: a call postme makes that this server does not serve is a test
                # gap to fill, never something to fake.
                raise ApiError(501, f"local server: {method} {parts.path} is not implemented")
            email = api._caller(self.headers.get("Authorization"))
            body: Any = None
            if raw_body:
                try:
                    body = json.loads(raw_body)
                except ValueError:
                    raise ApiError(400, "Invalid JSON payload received.") from None
            query = parse_qs(parts.query, keep_blank_values=True)
            reply = api._api(kind, method, sid, range_text, query, body, email)
            if fault is not None and fault.lost:
                self._reset()  # applied; the answer is lost
                api._run_hooks(kind)
                return
        except ApiError as error:
            headers = {}
            if error.code == 401:
                headers["WWW-Authenticate"] = 'Bearer realm="https://accounts.google.com/"'
            self._send_json(
                error.code,
                {"error": {"code": error.code, "message": error.message, "status": error.status}},
                headers,
            )
            return
        data = json.dumps(reply).encode()
        # The person's edit lands before the answer leaves: postme's next request always
        # comes after it, however fast the answer travels.
        api._run_hooks(kind)
        if fault is not None and fault.trickle:
            self._trickle(data, fault.trickle)
        else:
            self._send(200, data)

    def _trickle(self, data: bytes, interval: float) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.flush()
        for index in range(len(data)):
            if self.api._stopping.wait(interval):
                self._reset()
                return
            self.wfile.write(data[index : index + 1])
            self.wfile.flush()

    def _send_json(self, status: int, payload: Any, headers: Mapping[str, str] = {}) -> None:
        text = payload if isinstance(payload, bytes | str) else json.dumps(payload)
        self._send(status, text.encode() if isinstance(text, str) else text, headers)

    def _send(self, status: int, data: bytes, headers: Mapping[str, str] = {}) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _reset(self) -> None:
        """Close with a TCP reset, no answer."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass


def start_server(*, strict_grid: bool = True) -> SheetsServer:
    """A started server; call ``stop()`` (or use it as a context manager)."""
    return SheetsServer(strict_grid=strict_grid).start()


def local_session(server: SheetsServer, key_path: str | Path) -> requests.Session:
    """A google-auth ``AuthorizedSession`` for the key, with its Sheets traffic sent to
    the local server (gspread's documented seam: ``gspread.Client(auth=None, session=...)``)."""
    from google.auth.transport.requests import AuthorizedSession
    from google.oauth2.service_account import Credentials

    class Rewrite(requests.adapters.HTTPAdapter):
        def send(self, request: Any, *args: Any, **kwargs: Any) -> Any:
            if request.url.startswith(SHEETS_HOST):
                request.url = server.url + request.url[len(SHEETS_HOST) :]
            return super().send(request, *args, **kwargs)

    # google-auth ships no annotations for these two.
    creds = Credentials.from_service_account_file(  # type: ignore[no-untyped-call]
        str(key_path), scopes=["https://www.googleapis.com/auth/spreadsheets"]
    )
    session: requests.Session = AuthorizedSession(creds)  # type: ignore[no-untyped-call]
    session.mount(SHEETS_HOST, Rewrite())
    return session
