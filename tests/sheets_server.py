"""A local stand-in for the Google Sheets API v4, for tests.

It speaks enough of the real API for the real gspread + google-auth stack:

* ``POST /token`` — OAuth 2 token endpoint. Accepts the service-account JWT-bearer
  grant (the JWT's RS256 signature is checked against keys registered with
  :func:`make_service_account_key`) and the ``refresh_token`` grant of OAuth user
  credentials (:func:`make_authorized_user_file`). Every API call must carry
  ``Authorization: Bearer <token issued here>``.
* ``/v4/spreadsheets/...`` — metadata ``get``, ``values:batchGet``, ``values/{range}``
  get/put/append/clear, ``values:batchUpdate``, ``values:batchClear`` and
  ``:batchUpdate`` with addSheet, deleteSheet, updateSheetProperties, appendDimension,
  insertDimension, addChart and setDataValidation.

Metadata ignores ``fields`` and ``includeGridData`` (it always sends properties and
charts, never grid data); formulas are stored, not computed (reads give their text, or
the cached value of a formula loaded from a workbook). Replies follow Google's shapes:
trailing empty cells and rows omitted, an empty middle row as ``[]``, no ``values`` key
for an empty range, integral numbers as JSON integers,
errors as ``{"error": {"code", "message", "status"}}``.

Every request is logged as ``(method, kind, path)`` with kind one of :data:`KINDS`, and
faults can be injected per kind (status codes, Retry-After, stalls, malformed or
truncated bodies, connection resets). Usage::

    with start_server() as server:
        key = make_service_account_key(server, tmp_path / "key.json")
        sheet_id = server.create_spreadsheet({"Tab": [["a", "b"], [1, 2]]})
        ...
        server.inject("batchGet", status=429, times=2, retry_after=1)
        assert server.count("batchGet") == 3
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import json
import math
import re
import secrets
import socket
import struct
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import parse_qs, unquote, urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

KINDS = (
    "token",
    "get",
    "batchGet",
    "valuesGet",
    "valuesUpdate",
    "batchUpdateValues",
    "batchUpdate",
    "append",
    "clear",
)
API_KINDS = KINDS[1:]
SHEETS_HOST = "https://sheets.googleapis.com"
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"
DEFAULT_EMAIL = "postme-bot@test-project.iam.gserviceaccount.com"
EPOCH = dt.datetime(1899, 12, 30)
DEFAULT_ROWS = 1000
DEFAULT_COLUMNS = 26

_STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ABORTED",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    502: "UNAVAILABLE",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}
_STATUS_MESSAGES = {
    400: "Request contains an invalid argument.",
    401: "Request had invalid authentication credentials. Expected OAuth 2 access token, "
    "login cookie or other valid authentication credential. See "
    "https://developers.google.com/identity/sign-in/web/devconsole-project.",
    403: "The caller does not have permission",
    404: "Requested entity was not found.",
    429: "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per "
    "minute per user' of service 'sheets.googleapis.com' for consumer "
    "'project_number:123456789012'.",
    500: "Internal error encountered.",
    502: "Bad Gateway",
    503: "The service is currently unavailable.",
    504: "The service is currently unavailable.",
}


# ----------------------------------------------------------------- values and A1


def to_serial(value: dt.date | dt.datetime | dt.time | dt.timedelta) -> int | float:
    """A date/time as Google returns it with SERIAL_NUMBER: days since 1899-12-30,
    time of day as the fraction; whole days come back as integers."""
    if isinstance(value, dt.timedelta):
        days: float = value.total_seconds() / 86400
    elif isinstance(value, dt.time):
        days = _time_fraction(value)
    else:
        if not isinstance(value, dt.datetime):
            value = dt.datetime.combine(value, dt.time())
        value = value.replace(tzinfo=None)
        days = (value - EPOCH).days + _time_fraction(value.time())
    return _number(days)


def _time_fraction(value: dt.time) -> float:
    seconds = value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 10**6
    return seconds / 86400


def _number(value: float) -> int | float:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def column_letters(index: int) -> str:
    """0 → A, 26 → AA."""
    index += 1
    letters = ""
    while index > 0:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def column_index(letters: str) -> int:
    """A → 0, AA → 26."""
    number = 0
    for char in letters.upper():
        number = number * 26 + ord(char) - 64
    return number - 1


def quote_sheet(title: str) -> str:
    """Quote a sheet name the way Google echoes it: only when needed."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", title) and not re.fullmatch(
        r"[A-Za-z]{1,3}\d+|[Rr]\d*[Cc]\d*", title
    ):
        return title
    return "'" + title.replace("'", "''") + "'"


class ApiError(Exception):
    def __init__(self, code: int, message: str | None = None, status: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message or _STATUS_MESSAGES.get(code, "Error")
        self.status = status or _STATUS_NAMES.get(code, "UNKNOWN")


def _bad_range(text: str) -> ApiError:
    return ApiError(400, f"Unable to parse range: {text}")


def split_range(text: str) -> tuple[str | None, str | None]:
    """``'It''s'!A1:B2`` → ("It's", "A1:B2"); ``'Tab'`` → ("Tab", None);
    ``A1:B2`` → (None, "A1:B2") (a sheet name or a range, decided by the caller)."""
    if text.startswith("'"):
        name: list[str] = []
        i = 1
        while True:
            if i >= len(text):
                raise _bad_range(text)
            if text[i] == "'":
                if i + 1 < len(text) and text[i + 1] == "'":
                    name.append("'")
                    i += 2
                    continue
                i += 1
                break
            name.append(text[i])
            i += 1
        rest = text[i:]
        if not rest:
            return "".join(name), None
        if rest.startswith("!"):
            return "".join(name), rest[1:]
        raise _bad_range(text)
    if "!" in text:
        sheet, a1 = text.rsplit("!", 1)
        return sheet, a1
    return None, text


_A1_PART = re.compile(r"^([A-Za-z]{0,3})(\d*)$")


@dataclass(frozen=True)
class Box:
    """A 0-based, inclusive rectangle; ``None`` ends are open."""

    row0: int
    col0: int
    row1: int | None
    col1: int | None


def parse_a1(a1: str) -> Box | None:
    parts = a1.split(":")
    if len(parts) > 2 or not all(parts):
        return None
    parsed = []
    for part in parts:
        match = _A1_PART.match(part)
        if not match or not (match.group(1) or match.group(2)):
            return None
        letters, digits = match.groups()
        if digits and int(digits) < 1:
            return None
        parsed.append(
            (column_index(letters) if letters else None, int(digits) - 1 if digits else None)
        )
    (c0, r0) = parsed[0]
    if len(parsed) == 1:
        if c0 is None or r0 is None:
            return None  # "A" or "5" alone is not a range
        return Box(r0, c0, r0, c0)
    (c1, r1) = parsed[1]
    if (c0 is None) != (c1 is None) and r0 is None:
        return None
    box = Box(r0 or 0, c0 or 0, r1, c1)
    if box.row1 is not None and box.row1 < box.row0:
        box = Box(box.row1, box.col0, box.row0, box.col1)
    if box.col1 is not None and box.col1 < box.col0:
        box = Box(box.row0, box.col1, box.row1, box.col0)
    return box


# ----------------------------------------------------------------- in-memory model


class StoredCell(NamedTuple):
    value: Any  # str | int | float | bool; the formula text for a formula
    formula: bool = False
    kind: str | None = None  # "date", "datetime", "time" for serial numbers
    computed: Any = None  # a formula's value, when known (from a workbook's cache)


@dataclass
class Sheet:
    sheet_id: int
    title: str
    index: int
    row_count: int = DEFAULT_ROWS
    column_count: int = DEFAULT_COLUMNS
    cells: dict[int, dict[int, StoredCell]] = field(default_factory=dict)
    charts: list[dict[str, Any]] = field(default_factory=list)
    validations: list[dict[str, Any]] = field(default_factory=list)

    def clone(self) -> Sheet:
        return Sheet(
            self.sheet_id,
            self.title,
            self.index,
            self.row_count,
            self.column_count,
            {r: dict(cols) for r, cols in self.cells.items()},
            copy.deepcopy(self.charts),
            copy.deepcopy(self.validations),
        )

    def properties(self) -> dict[str, Any]:
        return {
            "sheetId": self.sheet_id,
            "title": self.title,
            "index": self.index,
            "sheetType": "GRID",
            "gridProperties": {"rowCount": self.row_count, "columnCount": self.column_count},
        }

    def set(self, row: int, col: int, cell: StoredCell | None) -> None:
        if cell is None:
            cols = self.cells.get(row)
            if cols is not None:
                cols.pop(col, None)
                if not cols:
                    del self.cells[row]
        else:
            self.cells.setdefault(row, {})[col] = cell

    def get(self, row: int, col: int) -> StoredCell | None:
        return self.cells.get(row, {}).get(col)

    def last_row(self) -> int:
        """0-based index of the last row holding a value, -1 when empty."""
        return max(self.cells, default=-1)

    def resolve(self, box: Box, text: str, *, writing: bool = False) -> Box:
        """Close open ends at the grid's edge; a bounded end past it is an error."""
        row1 = self.row_count - 1 if box.row1 is None else box.row1
        col1 = self.column_count - 1 if box.col1 is None else box.col1
        if (not writing and (row1 >= self.row_count or col1 >= self.column_count)) or (
            box.row0 >= self.row_count or box.col0 >= self.column_count
        ):
            raise ApiError(
                400,
                f"Range ({text}) exceeds grid limits. Max rows: {self.row_count}, "
                f"max columns: {self.column_count}",
            )
        return Box(box.row0, box.col0, row1, col1)

    def a1(self, box: Box) -> str:
        start = f"{column_letters(box.col0)}{box.row0 + 1}"
        assert box.row1 is not None and box.col1 is not None
        end = f"{column_letters(box.col1)}{box.row1 + 1}"
        body = start if start == end else f"{start}:{end}"
        return f"{quote_sheet(self.title)}!{body}"


@dataclass
class Spreadsheet:
    spreadsheet_id: str
    title: str
    sheets: list[Sheet]
    shared_with: set[str] | None = None  # None: every account the server knows
    locale: str = "en_US"
    time_zone: str = "Asia/Jakarta"

    def sheet(self, title: str) -> Sheet | None:
        return next((s for s in self.sheets if s.title == title), None)

    def sheet_by_id(self, sheet_id: int) -> Sheet | None:
        return next((s for s in self.sheets if s.sheet_id == sheet_id), None)

    def metadata(self) -> dict[str, Any]:
        sheets = []
        for sheet in sorted(self.sheets, key=lambda s: s.index):
            entry: dict[str, Any] = {"properties": sheet.properties()}
            if sheet.charts:
                entry["charts"] = copy.deepcopy(sheet.charts)
            sheets.append(entry)
        return {
            "spreadsheetId": self.spreadsheet_id,
            "properties": {
                "title": self.title,
                "locale": self.locale,
                "autoRecalc": "ON_CHANGE",
                "timeZone": self.time_zone,
                "defaultFormat": {},
            },
            "sheets": sheets,
            "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{self.spreadsheet_id}/edit",
        }

    def locate(self, text: str, *, writing: bool = False) -> tuple[Sheet, Box]:
        """Resolve an A1 range (closed at the grid's edge)."""
        name, a1 = split_range(text)
        sheet: Sheet | None
        if name is None:
            assert a1 is not None
            sheet = self.sheet(a1)
            if sheet is not None:
                a1 = None
            else:
                sheet = min(self.sheets, key=lambda s: s.index)
                if parse_a1(a1) is None:
                    raise _bad_range(text)
        else:
            sheet = self.sheet(name)
            if sheet is None:
                raise _bad_range(text)
        box = Box(0, 0, None, None) if a1 is None else parse_a1(a1)
        if box is None:
            raise _bad_range(text)
        return sheet, sheet.resolve(box, text, writing=writing)

    def normalize_indexes(self) -> None:
        for index, sheet in enumerate(sorted(self.sheets, key=lambda s: s.index)):
            sheet.index = index


# ----------------------------------------------------------------- rendering


def _render(cell: StoredCell | None, value_option: str, date_option: str) -> Any:
    if cell is None:
        return None
    if value_option == "FORMULA" and cell.formula:
        return cell.value
    value = cell.computed if cell.formula and cell.computed is not None else cell.value
    if value_option == "FORMATTED_VALUE" or (
        cell.kind and date_option == "FORMATTED_STRING" and value_option != "FORMULA"
    ):
        return _formatted(value, cell.kind)
    if isinstance(value, float):
        return _number(value)
    return value


def _formatted(value: Any, kind: str | None) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        if kind:
            moment = EPOCH + dt.timedelta(days=float(value))
            if kind == "date":
                return f"{moment.month}/{moment.day}/{moment.year}"
            if kind == "time":
                return moment.strftime("%-I:%M:%S %p")
            return f"{moment.month}/{moment.day}/{moment.year} {moment:%H:%M:%S}"
        if isinstance(value, float) and not value.is_integer():
            return f"{value:.10g}"
        return str(int(value))
    return str(value)


def _trim(rows: list[list[Any]]) -> list[list[Any]]:
    """Drop trailing empty cells of each row and trailing empty rows, like Google."""
    out = []
    for row in rows:
        while row and (row[-1] is None or row[-1] == ""):
            row.pop()
        out.append(["" if v is None else v for v in row])
    while out and not out[-1]:
        out.pop()
    return out


def _read_box(
    sheet: Sheet, box: Box, value_option: str, date_option: str, major: str
) -> list[list[Any]]:
    assert box.row1 is not None and box.col1 is not None
    rows: list[list[Any]] = []
    last = min(box.row1, sheet.last_row())
    for r in range(box.row0, last + 1):
        cols = sheet.cells.get(r)
        if not cols:
            rows.append([])
            continue
        rows.append(
            [_render(cols.get(c), value_option, date_option) for c in range(box.col0, box.col1 + 1)]
        )
    if major == "COLUMNS":
        width = box.col1 - box.col0 + 1
        rows = [[row[c] if c < len(row) else None for row in rows] for c in range(width)]
    return _trim(rows)


# ----------------------------------------------------------------- parsing input

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")


def _input_cell(value: Any, option: str) -> StoredCell | None | bool:
    """A written JSON value → a cell; ``None`` clears the cell; ``False`` skips it."""
    if value is None:
        return False  # Google: null values are skipped
    if isinstance(value, bool):
        return StoredCell(value)
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise ApiError(400, "Invalid values: non-finite number")
        return StoredCell(value)
    if not isinstance(value, str):
        raise ApiError(400, f"Invalid value at 'data.values' ({type(value).__name__})")
    if value == "":
        return None
    if option == "RAW":
        return StoredCell(value)
    if option != "USER_ENTERED":
        raise ApiError(400, f"Invalid valueInputOption: {option}")
    if value.startswith("'"):
        return StoredCell(value[1:]) if value[1:] else None
    if value.startswith("=") and len(value) > 1:
        return StoredCell(value, formula=True)
    if _NUMBER.match(value.strip()):
        number = float(value)
        return StoredCell(_number(number))
    if value.strip().upper() in ("TRUE", "FALSE"):
        return StoredCell(value.strip().upper() == "TRUE")
    match = _ISO_DATE.match(value.strip())
    if match:
        y, m, d, hh, mm, ss = match.groups()
        try:
            moment = dt.datetime(int(y), int(m), int(d), int(hh or 0), int(mm or 0), int(ss or 0))
        except ValueError:
            return StoredCell(value)
        return StoredCell(to_serial(moment), kind="datetime" if hh else "date")
    return StoredCell(value)


def _python_cell(value: Any) -> StoredCell | None:
    """A Python value (from a dict of rows or a workbook) → a stored cell."""
    if value is None or value == "":
        return None
    if isinstance(value, StoredCell):
        return value
    if isinstance(value, bool):
        return StoredCell(value)
    if isinstance(value, dt.datetime):
        kind = "date" if value.time() == dt.time() else "datetime"
        return StoredCell(to_serial(value), kind=kind)
    if isinstance(value, dt.date):
        return StoredCell(to_serial(value), kind="date")
    if isinstance(value, dt.time):
        return StoredCell(to_serial(value), kind="time")
    if isinstance(value, dt.timedelta):
        return StoredCell(to_serial(value), kind="time")
    if isinstance(value, int | float):
        return StoredCell(_number(float(value)) if isinstance(value, float) else value)
    if isinstance(value, str):
        if value.startswith("=") and len(value) > 1:
            return StoredCell(value, formula=True)
        return StoredCell(value)
    return StoredCell(str(value))


# ----------------------------------------------------------------- faults and log


@dataclass
class Fault:
    kind: str  # one of KINDS, or "*" for any API request
    remaining: int
    status: int | None = None
    body: Any = None
    retry_after: float | str | None = None
    delay: float | None = None
    malformed: bool = False
    truncated: bool = False
    reset: bool = False


class LoggedRequest(NamedTuple):
    method: str
    kind: str
    path: str


# ----------------------------------------------------------------- the server


class SheetsServer:
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

    # -- accounts and tokens

    def register_key(self, email: str, key_id: str, public_key: Any) -> None:
        with self._lock:
            self._keys.setdefault(email, {})[key_id] = public_key

    def revoke_key(self, email: str, key_id: str | None = None) -> None:
        """The key (or every key of the account) is refused from now on."""
        with self._lock:
            if key_id is None:
                self._keys.pop(email, None)
            else:
                self._keys.get(email, {}).pop(key_id, None)

    def add_oauth_user(self, email: str, client_id: str, client_secret: str) -> str:
        refresh_token = "1//test-" + secrets.token_urlsafe(24)
        with self._lock:
            self._refresh_tokens[refresh_token] = (email, client_id, client_secret)
        return refresh_token

    def revoke_tokens(self) -> None:
        """Forget every access token issued (clients must fetch a new one)."""
        with self._lock:
            self._tokens.clear()

    def issued_tokens(self) -> list[str]:
        with self._lock:
            return list(self._tokens)

    def accounts(self) -> list[str]:
        with self._lock:
            return sorted(set(self._keys) | {v[0] for v in self._refresh_tokens.values()})

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
        with self._lock:
            book = self._spreadsheets[spreadsheet_id]
            book.sheets.remove(self._sheet(spreadsheet_id, tab))
            book.normalize_indexes()

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

    def charts(self, spreadsheet_id: str, tab: str) -> list[dict[str, Any]]:
        with self._lock:
            return copy.deepcopy(self._sheet(spreadsheet_id, tab).charts)

    def data_validations(self, spreadsheet_id: str, tab: str) -> list[dict[str, Any]]:
        with self._lock:
            return copy.deepcopy(self._sheet(spreadsheet_id, tab).validations)

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

    # -- log and faults

    def _record(self, method: str, kind: str, path: str) -> None:
        with self._lock:
            self._log.append(LoggedRequest(method, kind, path))

    def requests(self) -> list[LoggedRequest]:
        """Every request seen, token requests included."""
        with self._lock:
            return list(self._log)

    def api_requests(self) -> list[LoggedRequest]:
        with self._lock:
            return [r for r in self._log if r.kind != "token"]

    def count(self, kind: str) -> int:
        if kind not in KINDS and kind != "unknown":
            raise ValueError(f"unknown kind {kind!r}; one of {KINDS}")
        with self._lock:
            return sum(1 for r in self._log if r.kind == kind)

    def counts(self) -> dict[str, int]:
        with self._lock:
            out: dict[str, int] = {}
            for r in self._log:
                out[r.kind] = out.get(r.kind, 0) + 1
            return out

    def reset_log(self) -> None:
        with self._lock:
            self._log.clear()

    def inject(
        self,
        kind: str,
        *,
        status: int | None = None,
        body: Any = None,
        times: int = 1,
        retry_after: float | str | None = None,
        delay: float | None = None,
        malformed: bool = False,
        truncated: bool = False,
        reset: bool = False,
    ) -> None:
        """Make the next ``times`` requests of ``kind`` ("*" = any API request) fail:

        * ``status`` — answer with that code and Google's error body (or ``body``);
        * ``retry_after`` — with a ``Retry-After`` header;
        * ``delay`` — wait that many seconds first (a stall; alone, the request is then
          served normally);
        * ``malformed`` — 200 with a cut-off JSON body (Content-Length matches);
        * ``truncated`` — 200 announcing more bytes than are sent, then close;
        * ``reset`` — close the connection (TCP reset) without an answer.
        """
        if kind not in KINDS and kind != "*":
            raise ValueError(f"unknown kind {kind!r}; one of {KINDS} or '*'")
        with self._lock:
            self._faults.append(
                Fault(kind, times, status, body, retry_after, delay, malformed, truncated, reset)
            )

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def pending_faults(self) -> int:
        with self._lock:
            return sum(f.remaining for f in self._faults)

    def _take_fault(self, kind: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.kind == kind or (fault.kind == "*" and kind != "token"):
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    # -- token endpoint

    def _token(self, form: dict[str, list[str]]) -> tuple[int, dict[str, Any]]:
        grant = (form.get("grant_type") or [""])[0]
        if grant == "urn:ietf:params:oauth:grant-type:jwt-bearer":
            return self._jwt_grant((form.get("assertion") or [""])[0])
        if grant == "refresh_token":
            token = (form.get("refresh_token") or [""])[0]
            with self._lock:
                entry = self._refresh_tokens.get(token)
            if entry is None:
                return 400, {"error": "invalid_grant", "error_description": "Bad Request"}
            email, client_id, client_secret = entry
            if (form.get("client_id") or [""])[0] != client_id or (
                form.get("client_secret") or [""]
            )[0] != client_secret:
                return 401, {"error": "invalid_client", "error_description": "Unauthorized"}
            scope = (form.get("scope") or ["https://www.googleapis.com/auth/spreadsheets"])[0]
            return 200, {**self._issue(email), "scope": scope}
        return 400, {"error": "unsupported_grant_type", "error_description": "Invalid grant_type"}

    def _jwt_grant(self, assertion: str) -> tuple[int, dict[str, Any]]:
        def refuse(description: str) -> tuple[int, dict[str, Any]]:
            return 400, {"error": "invalid_grant", "error_description": description}

        try:
            header_b64, payload_b64, signature_b64 = assertion.split(".")
            header = json.loads(_b64decode(header_b64))
            payload = json.loads(_b64decode(payload_b64))
            signature = _b64decode(signature_b64)
        except (ValueError, TypeError):
            return refuse("Invalid JWT: could not be parsed.")
        if header.get("alg") != "RS256":
            return refuse("Invalid JWT: unsupported algorithm.")
        email = payload.get("iss")
        with self._lock:
            keys = dict(self._keys.get(email, {}))
        if not keys:
            return refuse("Invalid grant: account not found")
        public_key = keys.get(header.get("kid"))
        if public_key is None:
            return refuse("Invalid JWT Signature.")
        try:
            public_key.verify(
                signature,
                f"{header_b64}.{payload_b64}".encode(),
                padding.PKCS1v15(),
                hashes.SHA256(),
            )
        except InvalidSignature:
            return refuse("Invalid JWT Signature.")
        now = time.time()
        # google-auth always addresses the JWT to Google's own token endpoint.
        if payload.get("aud") not in (self.token_uri, GOOGLE_TOKEN_URI):
            return refuse("Invalid JWT: aud does not match the token endpoint.")
        if not (payload.get("iat", 0) - 300 <= now < payload.get("exp", 0) + 300):
            return refuse(
                "Invalid JWT: Token must be a short-lived token (60 minutes) and in a "
                "reasonable timeframe. Check your iat and exp values in the JWT claim."
            )
        if not payload.get("scope"):
            return refuse("Invalid JWT: no scope.")
        return 200, self._issue(str(email))

    def _issue(self, email: str) -> dict[str, Any]:
        token = "ya29.test-" + secrets.token_urlsafe(32)
        with self._lock:
            self._tokens[token] = (email, time.monotonic() + 3600)
        return {"access_token": token, "expires_in": 3599, "token_type": "Bearer"}

    def _caller(self, authorization: str | None) -> str:
        if not authorization:
            raise ApiError(
                401,
                "Request is missing required authentication credential. Expected OAuth 2 "
                "access token, login cookie or other valid authentication credential. See "
                "https://developers.google.com/identity/sign-in/web/devconsole-project.",
            )
        scheme, _, token = authorization.partition(" ")
        with self._lock:
            entry = self._tokens.get(token.strip()) if scheme.lower() == "bearer" else None
        if entry is None or entry[1] < time.monotonic():
            raise ApiError(401)
        return entry[0]

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
        with self._lock:
            book = self._book(spreadsheet_id, email)
            if kind == "get":
                return book.metadata()
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
                if not isinstance(body, dict):
                    raise ApiError(400, "Invalid JSON payload received.")
                option = body.get("valueInputOption")
                if not option:
                    raise ApiError(400, "'valueInputOption' is required but not specified")
                data = [_value_range(v, None) for v in body.get("data") or []]
                responses = self._values_update(book, data, option)
                return {
                    "spreadsheetId": book.spreadsheet_id,
                    "totalUpdatedRows": sum(r.get("updatedRows", 0) for r in responses),
                    "totalUpdatedColumns": sum(r.get("updatedColumns", 0) for r in responses),
                    "totalUpdatedCells": sum(r.get("updatedCells", 0) for r in responses),
                    "totalUpdatedSheets": len(
                        {r["updatedRange"].rsplit("!", 1)[0] for r in responses}
                    ),
                    "responses": responses,
                }
            if kind == "append":
                assert range_text is not None
                option = _required(query, "valueInputOption")
                return self._append(book, range_text, _value_range(body, range_text), option)
            if kind == "clear":
                if range_text is not None:
                    cleared = self._clear(book, [range_text])
                    return {"spreadsheetId": book.spreadsheet_id, "clearedRange": cleared[0]}
                ranges = (body or {}).get("ranges") or []
                return {
                    "spreadsheetId": book.spreadsheet_id,
                    "clearedRanges": self._clear(book, ranges),
                }
            if kind == "batchUpdate":
                return self._batch_update(book, body)
        raise ApiError(404)

    def _batch_get(self, book: Spreadsheet, query: dict[str, list[str]]) -> dict[str, Any]:
        ranges = query.get("ranges") or []
        if not ranges:
            return {"spreadsheetId": book.spreadsheet_id}
        value_ranges = [self._values_get(book, text, query) for text in ranges]
        return {"spreadsheetId": book.spreadsheet_id, "valueRanges": value_ranges}

    def _values_get(
        self, book: Spreadsheet, text: str, query: dict[str, list[str]]
    ) -> dict[str, Any]:
        value_option = (query.get("valueRenderOption") or ["FORMATTED_VALUE"])[0]
        date_option = (query.get("dateTimeRenderOption") or ["SERIAL_NUMBER"])[0]
        major = (query.get("majorDimension") or ["ROWS"])[0]
        if value_option not in ("FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA"):
            raise ApiError(400, f"Invalid valueRenderOption: {value_option}")
        if major not in ("ROWS", "COLUMNS"):
            raise ApiError(400, f"Invalid majorDimension: {major}")
        sheet, box = book.locate(text)
        out: dict[str, Any] = {"range": sheet.a1(box), "majorDimension": major}
        values = _read_box(sheet, box, value_option, date_option, major)
        if values:
            out["values"] = values
        return out

    def _values_update(
        self, book: Spreadsheet, data: list[tuple[str, str, list[list[Any]]]], option: str
    ) -> list[dict[str, Any]]:
        # Check everything first so that a bad range writes nothing at all.
        planned = []
        for text, major, rows in data:
            if major == "COLUMNS":
                width = max((len(r) for r in rows), default=0)
                rows = [[r[i] if i < len(r) else None for r in rows] for i in range(width)]
            sheet, box = book.locate(text, writing=not self.strict_grid)
            height = len(rows)
            width = max((len(r) for r in rows), default=0)
            requested = split_range(text)[1]
            # A single cell is only the anchor: the values spread from it.
            if requested is not None and ":" in requested:
                bounded = parse_a1(requested)
                assert bounded is not None and box.row1 is not None and box.col1 is not None
                if bounded.row1 is not None and height > box.row1 - box.row0 + 1:
                    raise ApiError(
                        400,
                        f"Requested writing within range [{text}], but tried writing to row "
                        f"[{box.row0 + height}]",
                    )
                if bounded.col1 is not None and width > box.col1 - box.col0 + 1:
                    raise ApiError(
                        400,
                        f"Requested writing within range [{text}], but tried writing to "
                        f"column [{column_letters(box.col0 + width - 1)}]",
                    )
            if (
                height
                and width
                and (box.row0 + height > sheet.row_count or box.col0 + width > sheet.column_count)
            ):
                if self.strict_grid:
                    raise ApiError(
                        400,
                        f"Range ({text}) exceeds grid limits. Max rows: {sheet.row_count}, "
                        f"max columns: {sheet.column_count}",
                    )
            cells = [[_input_cell(v, option) for v in row] for row in rows]
            planned.append((sheet, box, cells, height, width))
        responses = []
        for sheet, box, cells, height, width in planned:
            sheet.row_count = max(sheet.row_count, box.row0 + height)
            sheet.column_count = max(sheet.column_count, box.col0 + width)
            written = 0
            for r, row in enumerate(cells):
                for c, cell in enumerate(row):
                    if cell is False:
                        continue
                    assert cell is not True
                    sheet.set(box.row0 + r, box.col0 + c, cell)
                    written += 1
            response: dict[str, Any] = {"spreadsheetId": book.spreadsheet_id}
            if height and width:
                end = Box(box.row0, box.col0, box.row0 + height - 1, box.col0 + width - 1)
                response.update(
                    updatedRange=sheet.a1(end),
                    updatedRows=height,
                    updatedColumns=width,
                    updatedCells=written,
                )
            else:
                response["updatedRange"] = sheet.a1(Box(box.row0, box.col0, box.row0, box.col0))
            responses.append(response)
        return responses

    def _append(
        self,
        book: Spreadsheet,
        text: str,
        value_range: tuple[str, str, list[list[Any]]],
        option: str,
    ) -> dict[str, Any]:
        sheet, box = book.locate(text, writing=True)
        assert box.row1 is not None and box.col1 is not None
        last = -1
        for r, cols in sheet.cells.items():
            if r >= box.row0 and any(box.col0 <= c <= box.col1 for c in cols):
                last = max(last, r)
        start = max(last + 1, box.row0)
        rows = value_range[2]
        height = len(rows)
        width = max((len(r) for r in rows), default=0)
        sheet.row_count = max(sheet.row_count, start + height)
        sheet.column_count = max(sheet.column_count, box.col0 + width)
        target = f"{quote_sheet(sheet.title)}!{column_letters(box.col0)}{start + 1}"
        update = self._values_update(book, [(target, "ROWS", rows)], option)[0]
        table = (
            sheet.a1(Box(box.row0, box.col0, last, box.col1))
            if last >= box.row0
            else sheet.a1(Box(box.row0, box.col0, box.row0, box.col0))
        )
        return {"spreadsheetId": book.spreadsheet_id, "tableRange": table, "updates": update}

    def _clear(self, book: Spreadsheet, ranges: Sequence[str]) -> list[str]:
        located = [book.locate(text) for text in ranges]
        cleared = []
        for sheet, box in located:
            assert box.row1 is not None and box.col1 is not None
            for r in [r for r in sheet.cells if box.row0 <= r <= box.row1]:
                for c in [c for c in sheet.cells[r] if box.col0 <= c <= box.col1]:
                    sheet.set(r, c, None)
            cleared.append(sheet.a1(box))
        return cleared

    def _batch_update(self, book: Spreadsheet, body: Any) -> dict[str, Any]:
        if not isinstance(body, dict) or not isinstance(body.get("requests"), list):
            raise ApiError(400, "Invalid JSON payload received. 'requests' is required.")
        # All or nothing: work on a copy, swap it in when every request succeeded.
        work = Spreadsheet(
            book.spreadsheet_id,
            book.title,
            [s.clone() for s in book.sheets],
            book.shared_with,
            book.locale,
            book.time_zone,
        )
        replies = []
        for number, request in enumerate(body["requests"]):
            if not isinstance(request, dict) or len(request) != 1:
                raise ApiError(400, f"Invalid requests[{number}]: exactly one kind of request.")
            name, args = next(iter(request.items()))
            handler = getattr(self, f"_req_{name}", None)
            if handler is None:
                raise ApiError(
                    400,
                    f'Invalid JSON payload received. Unknown name "{name}" at '
                    f"'requests[{number}]': Cannot find field.",
                )
            try:
                replies.append(handler(work, args or {}))
            except ApiError as error:
                raise ApiError(400, f"Invalid requests[{number}].{name}: {error.message}") from None
        book.title = work.title
        book.sheets = work.sheets
        return {"spreadsheetId": book.spreadsheet_id, "replies": replies}

    # spreadsheets.batchUpdate requests: each returns its reply

    def _req_addSheet(self, book: Spreadsheet, args: dict[str, Any]) -> dict[str, Any]:
        props = args.get("properties") or {}
        title = props.get("title") or f"Sheet{len(book.sheets) + 1}"
        if any(s.title.casefold() == title.casefold() for s in book.sheets):
            raise ApiError(
                400, f'A sheet with the name "{title}" already exists. Please enter another name.'
            )
        sheet_id = props.get("sheetId")
        if sheet_id is None:
            sheet_id = _new_sheet_id(len(book.sheets))
            while book.sheet_by_id(sheet_id) is not None:
                sheet_id = _new_sheet_id(len(book.sheets))
        elif not isinstance(sheet_id, int) or sheet_id < 0 or book.sheet_by_id(sheet_id):
            raise ApiError(400, f"Sheet with id {sheet_id} already exists or is invalid.")
        grid = props.get("gridProperties") or {}
        index = props.get("index", len(book.sheets))
        for sheet in book.sheets:
            if sheet.index >= index:
                sheet.index += 1
        sheet = Sheet(
            sheet_id,
            title,
            index,
            int(grid.get("rowCount", DEFAULT_ROWS)),
            int(grid.get("columnCount", DEFAULT_COLUMNS)),
        )
        book.sheets.append(sheet)
        book.normalize_indexes()
        return {"addSheet": {"properties": sheet.properties()}}

    def _req_deleteSheet(self, book: Spreadsheet, args: dict[str, Any]) -> dict[str, Any]:
        sheet = self._grid(book, args.get("sheetId"))
        if len(book.sheets) == 1:
            raise ApiError(400, "You can't remove all the sheets in a document.")
        book.sheets.remove(sheet)
        book.normalize_indexes()
        return {}

    def _req_updateSheetProperties(self, book: Spreadsheet, args: dict[str, Any]) -> dict[str, Any]:
        props = args.get("properties") or {}
        sheet = self._grid(book, props.get("sheetId"))
        fields = {f.strip() for f in str(args.get("fields", "")).split(",") if f.strip()}
        if not fields:
            raise ApiError(400, "At least one field must be updated with 'fields'.")
        everything = "*" in fields
        if (everything or "title" in fields) and "title" in props:
            title = props["title"]
            if any(s is not sheet and s.title.casefold() == title.casefold() for s in book.sheets):
                raise ApiError(
                    400,
                    f'A sheet with the name "{title}" already exists. Please enter another name.',
                )
            sheet.title = title
        if (everything or "index" in fields) and "index" in props:
            ordered = sorted(book.sheets, key=lambda s: s.index)
            ordered.remove(sheet)
            ordered.insert(min(int(props["index"]), len(ordered)), sheet)
            for index, each in enumerate(ordered):
                each.index = index
        grid = props.get("gridProperties") or {}
        if everything or "gridProperties.rowCount" in fields or "gridProperties" in fields:
            if "rowCount" in grid:
                sheet.row_count = int(grid["rowCount"])
        if everything or "gridProperties.columnCount" in fields or "gridProperties" in fields:
            if "columnCount" in grid:
                sheet.column_count = int(grid["columnCount"])
        return {}

    def _req_appendDimension(self, book: Spreadsheet, args: dict[str, Any]) -> dict[str, Any]:
        sheet = self._grid(book, args.get("sheetId"))
        length = int(args.get("length", 0))
        if length <= 0:
            raise ApiError(400, "length must be positive")
        if args.get("dimension") == "ROWS":
            sheet.row_count += length
        elif args.get("dimension") == "COLUMNS":
            sheet.column_count += length
        else:
            raise ApiError(400, "dimension must be ROWS or COLUMNS")
        return {}

    def _req_insertDimension(self, book: Spreadsheet, args: dict[str, Any]) -> dict[str, Any]:
        span = args.get("range") or {}
        sheet = self._grid(book, span.get("sheetId"))
        start, end = int(span.get("startIndex", 0)), int(span.get("endIndex", 0))
        if end <= start:
            raise ApiError(400, "endIndex must be greater than startIndex")
        count = end - start
        if span.get("dimension") == "ROWS":
            if start > sheet.row_count:
                raise ApiError(400, "startIndex is past the end of the grid")
            sheet.cells = {
                (r + count if r >= start else r): cols for r, cols in sheet.cells.items()
            }
            sheet.row_count += count
        elif span.get("dimension") == "COLUMNS":
            if start > sheet.column_count:
                raise ApiError(400, "startIndex is past the end of the grid")
            sheet.cells = {
                r: {(c + count if c >= start else c): v for c, v in cols.items()}
                for r, cols in sheet.cells.items()
            }
            sheet.column_count += count
        else:
            raise ApiError(400, "dimension must be ROWS or COLUMNS")
        return {}

    def _req_addChart(self, book: Spreadsheet, args: dict[str, Any]) -> dict[str, Any]:
        chart = copy.deepcopy(args.get("chart") or {})
        spec = chart.get("spec")
        if not isinstance(spec, dict):
            raise ApiError(400, "chart.spec is required")
        basic = spec.get("basicChart")
        if isinstance(basic, dict):
            for domain in basic.get("domains") or []:
                self._check_sources(book, domain.get("domain", {}))
            for series in basic.get("series") or []:
                self._check_sources(book, series.get("series", {}))
        position = chart.get("position") or {}
        if "overlayPosition" in position:
            anchor = position["overlayPosition"].get("anchorCell") or {}
            host = self._grid(book, anchor.get("sheetId"))
        elif "sheetId" in position:
            host = self._grid(book, position["sheetId"])
        else:
            host = self._req_addSheet(book, {"properties": {"title": f"Chart{len(book.sheets)}"}})
            host = self._grid(book, host["addSheet"]["properties"]["sheetId"])
            position = {"sheetId": host.sheet_id}
        existing = {c["chartId"] for s in book.sheets for c in s.charts}
        chart_id = chart.get("chartId")
        if chart_id is None or chart_id in existing:
            chart_id = secrets.randbelow(2**31 - 1) + 1
        stored = {"chartId": chart_id, "spec": spec, "position": position}
        host.charts.append(stored)
        return {"addChart": {"chart": copy.deepcopy(stored)}}

    def _req_setDataValidation(self, book: Spreadsheet, args: dict[str, Any]) -> dict[str, Any]:
        grid = args.get("range") or {}
        sheet = self._grid(book, grid.get("sheetId"))
        rule = args.get("rule")
        if rule is not None:
            condition = rule.get("condition") or {}
            if not condition.get("type"):
                raise ApiError(400, "rule.condition.type is required")
        sheet.validations = [v for v in sheet.validations if v["range"] != grid]
        if rule is not None:
            sheet.validations.append({"range": copy.deepcopy(grid), "rule": copy.deepcopy(rule)})
        return {}

    def _grid(self, book: Spreadsheet, sheet_id: Any) -> Sheet:
        sheet = book.sheet_by_id(sheet_id) if isinstance(sheet_id, int) else None
        if sheet is None:
            raise ApiError(400, f"No grid with id: {sheet_id}")
        return sheet

    def _check_sources(self, book: Spreadsheet, chart_data: dict[str, Any]) -> None:
        sources = (chart_data.get("sourceRange") or {}).get("sources") or []
        if not sources:
            raise ApiError(400, "ChartData.sourceRange.sources is required")
        for source in sources:
            sheet = self._grid(book, source.get("sheetId", 0))
            if source.get("startColumnIndex", 0) >= sheet.column_count:
                raise ApiError(400, "Chart source range exceeds grid limits.")


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

    def _serve_unsafe(self, method: str) -> None:
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
                body = fault.body
                if body is None:
                    error = ApiError(fault.status)
                    body = {
                        "error": {
                            "code": error.code,
                            "message": error.message,
                            "status": error.status,
                        }
                    }
                headers = {}
                if fault.retry_after is not None:
                    headers["Retry-After"] = str(fault.retry_after)
                self._send_json(fault.status, body, headers)
                return
        if kind == "token":
            form = parse_qs(raw_body.decode("utf-8", "replace"))
            status, payload = api._token(form)
            self._send_json(status, payload)
            return
        try:
            if kind == "unknown" or sid is None:
                raise ApiError(404, f"Method not found: {method} {parts.path}")
            email = api._caller(self.headers.get("Authorization"))
            body: Any = None
            if raw_body:
                try:
                    body = json.loads(raw_body)
                except ValueError:
                    raise ApiError(400, "Invalid JSON payload received.") from None
            query = parse_qs(parts.query, keep_blank_values=True)
            reply = api._api(kind, method, sid, range_text, query, body, email)
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
        self._send_json(200, reply)

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


# ----------------------------------------------------------------- helpers


def _required(query: dict[str, list[str]], name: str) -> str:
    value = (query.get(name) or [""])[0]
    if not value:
        raise ApiError(400, f"'{name}' is required but not specified")
    return value


def _value_range(body: Any, url_range: str | None) -> tuple[str, str, list[list[Any]]]:
    if not isinstance(body, dict):
        raise ApiError(400, "Invalid JSON payload received.")
    text = body.get("range") or url_range
    if not text:
        raise ApiError(400, "range is required")
    if url_range is not None and body.get("range") and body["range"] != url_range:
        # Google compares the two after parsing; be lenient with quoting differences.
        if split_range(body["range"])[1] != split_range(url_range)[1]:
            raise ApiError(
                400,
                f"Requested writing within range [{url_range}], but tried writing within "
                f"range [{body['range']}]",
            )
    values = body.get("values") or []
    if not isinstance(values, list) or not all(isinstance(r, list) for r in values):
        raise ApiError(400, "Invalid value at 'data.values': a list of lists is required")
    major = body.get("majorDimension") or "ROWS"
    return str(text), str(major), values


def _fill(sheet: Sheet, rows: Sequence[Sequence[Any]], row0: int = 0, col0: int = 0) -> None:
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.set(row0 + r, col0 + c, _python_cell(value))
    height = row0 + len(rows)
    width = col0 + max((len(r) for r in rows), default=0)
    sheet.row_count = max(sheet.row_count, height)
    sheet.column_count = max(sheet.column_count, width)


def _new_spreadsheet_id() -> str:
    return "1" + secrets.token_urlsafe(32)[:43]


def _new_sheet_id(index: int) -> int:
    return 0 if index == 0 else secrets.randbelow(2**31 - 2) + 1


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# ----------------------------------------------------------------- keys and clients

_rsa_cache: list[Any] = []


def _private_key(fresh: bool) -> Any:
    if fresh or not _rsa_cache:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        if not _rsa_cache:
            _rsa_cache.append(key)
        return key
    return _rsa_cache[0]


def make_service_account_key(
    server: SheetsServer | None,
    path: str | Path,
    email: str = DEFAULT_EMAIL,
    *,
    register: bool = True,
    fresh_rsa_key: bool = False,
    token_uri: str | None = None,
) -> dict[str, Any]:
    """Write a service-account key JSON whose ``token_uri`` is the server's and register
    its public key (unless ``register=False``: a key Google does not know). The RSA key is
    shared between calls unless ``fresh_rsa_key``. Returns the key's fields."""
    private_key = _private_key(fresh_rsa_key)
    pem = private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    key_id = secrets.token_hex(20)
    project = email.split("@", 1)[1].split(".", 1)[0] if "@" in email else "test-project"
    info = {
        "type": "service_account",
        "project_id": project,
        "private_key_id": key_id,
        "private_key": pem,
        "client_email": email,
        "client_id": str(100000000000000000000 + secrets.randbelow(10**20)),
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": token_uri
        or (server.token_uri if server else "https://oauth2.googleapis.com/token"),
        "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
        "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/"
        + email.replace("@", "%40"),
        "universe_domain": "googleapis.com",
    }
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(info, indent=2))
    target.chmod(0o600)
    if server is not None and register:
        server.register_key(email, key_id, private_key.public_key())
    return info


def make_authorized_user_file(
    server: SheetsServer, path: str | Path, email: str = "person@example.org"
) -> dict[str, Any]:
    """Write an OAuth ``authorized_user.json`` (as gspread.oauth() saves it) whose
    refresh token the server accepts."""
    client_id = f"{secrets.randbelow(10**12)}-test.apps.googleusercontent.com"
    client_secret = "GOCSPX-" + secrets.token_urlsafe(18)
    refresh_token = server.add_oauth_user(email, client_id, client_secret)
    info = {
        "type": "authorized_user",
        "client_id": client_id,
        "client_secret": client_secret,
        "refresh_token": refresh_token,
        "token_uri": server.token_uri,
        "scopes": ["https://www.googleapis.com/auth/spreadsheets"],
        "universe_domain": "googleapis.com",
    }
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(info, indent=2))
    target.chmod(0o600)
    return info


def start_server(*, strict_grid: bool = True) -> SheetsServer:
    """A started server; call ``stop()`` (or use it as a context manager)."""
    return SheetsServer(strict_grid=strict_grid).start()


def local_session(server: SheetsServer, key_path: str | Path) -> Any:
    """A google-auth ``AuthorizedSession`` for the key, with its Sheets traffic sent to
    the local server (gspread's documented seam: ``gspread.Client(auth=None, session=...)``)."""
    import requests
    from google.auth.transport.requests import AuthorizedSession
    from google.oauth2.service_account import Credentials

    class Rewrite(requests.adapters.HTTPAdapter):
        def send(self, request: Any, *args: Any, **kwargs: Any) -> Any:
            if request.url.startswith(SHEETS_HOST):
                request.url = server.url + request.url[len(SHEETS_HOST) :]
            return super().send(request, *args, **kwargs)

    creds = Credentials.from_service_account_file(
        str(key_path), scopes=["https://www.googleapis.com/auth/spreadsheets"]
    )
    session = AuthorizedSession(creds)
    session.mount(SHEETS_HOST, Rewrite())
    return session
