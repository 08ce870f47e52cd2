"""The in-memory model of a spreadsheet: A1 ranges, cells, tabs (Sheet) and books
(Spreadsheet), how values are rendered on read and parsed on write, and Google's limits."""

from __future__ import annotations

import base64
import copy
import datetime as dt
import math
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

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
    "metadataGet",
    "metadataSearch",
    "getByDataFilter",
    "batchGetByDataFilter",
    "batchUpdateByDataFilter",
    "batchClearByDataFilter",
)
API_KINDS = KINDS[1:]
SHEETS_HOST = "https://sheets.googleapis.com"
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"
DEFAULT_EMAIL = "postme-bot@test-project.iam.gserviceaccount.com"
EPOCH = dt.datetime(1899, 12, 30)
DEFAULT_ROWS = 1000
DEFAULT_COLUMNS = 26
# Google's limits: https://support.google.com/drive/answer/37603
CELL_LIMIT = 10_000_000  # cells per spreadsheet, every tab's whole grid counted
CHARACTER_LIMIT = 50_000  # characters in one cell
COLUMN_LIMIT = 18_278

# A value a test seeds a tab with (``SheetsServer.create_spreadsheet``), for typing test
# data: dates, datetimes, times and durations are stored as serial numbers, strings
# starting with '=' as formulas.
SeedCell = str | int | float | bool | dt.date | dt.time | dt.timedelta | None
Grid = Sequence[Sequence[SeedCell]]

_STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ABORTED",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    501: "UNIMPLEMENTED",
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
    formats: list[dict[str, Any]] = field(default_factory=list)  # conditional formats

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
            copy.deepcopy(self.formats),
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
    # Developer metadata at every location (spreadsheet, sheet, row, column), by metadataId
    # (the model is in metadata.py).
    developer_metadata: dict[int, dict[str, Any]] = field(default_factory=dict)

    def sheet(self, title: str) -> Sheet | None:
        """Titles are unique ignoring case on Google; an A1 range names a tab either way."""
        exact = next((s for s in self.sheets if s.title == title), None)
        return exact or next(
            (s for s in self.sheets if s.title.casefold() == title.casefold()), None
        )

    def cell_count(self) -> int:
        return sum(s.row_count * s.column_count for s in self.sheets)

    def check_size(self) -> None:
        if self.cell_count() > CELL_LIMIT:
            raise ApiError(
                400,
                f"This action would increase the number of cells in the workbook above the "
                f"limit of {CELL_LIMIT} cells.",
            )

    def sheet_by_id(self, sheet_id: int) -> Sheet | None:
        return next((s for s in self.sheets if s.sheet_id == sheet_id), None)

    def metadata(self) -> dict[str, Any]:
        sheets = []
        for sheet in sorted(self.sheets, key=lambda s: s.index):
            entry: dict[str, Any] = {"properties": sheet.properties()}
            if sheet.charts:
                entry["charts"] = copy.deepcopy(sheet.charts)
            if sheet.formats:
                entry["conditionalFormats"] = copy.deepcopy(sheet.formats)
            on_sheet = self._located("SHEET", sheet.sheet_id)
            if on_sheet:
                entry["developerMetadata"] = on_sheet
            sheets.append(entry)
        on_book = self._located("SPREADSHEET")
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
            **({"developerMetadata": on_book} if on_book else {}),
            "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{self.spreadsheet_id}/edit",
        }

    def _located(self, kind: str, sheet_id: int | None = None) -> list[dict[str, Any]]:
        """Copies of the metadata on the spreadsheet (or on sheet ``sheet_id``), by id."""
        return [
            copy.deepcopy(m)
            for _, m in sorted(self.developer_metadata.items())
            if m["location"]["locationType"] == kind and m["location"].get("sheetId") == sheet_id
        ]

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
    check_length(value)
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


def check_length(text: str) -> None:
    if len(text) > CHARACTER_LIMIT:
        raise ApiError(
            400,
            f"Your input contains more than the maximum of {CHARACTER_LIMIT} characters in "
            "a single cell.",
        )


def cell_from_data(data: Any) -> StoredCell | None:
    """A ``CellData`` of updateCells/appendCells (``fields: userEnteredValue``): the typed
    value as given (never parsed); no value clears the cell."""
    if not isinstance(data, dict):
        raise ApiError(400, "Invalid CellData")
    value = data.get("userEnteredValue")
    if value is None:
        return None
    if not isinstance(value, dict) or len(value) != 1:
        raise ApiError(400, "ExtendedValue: exactly one of stringValue, numberValue, ...")
    kind, raw = next(iter(value.items()))
    if kind == "stringValue":
        check_length(str(raw))
        return StoredCell(str(raw)) if raw != "" else None
    if kind == "numberValue":
        if not isinstance(raw, int | float) or isinstance(raw, bool) or not math.isfinite(raw):
            raise ApiError(400, "Invalid numberValue")
        return StoredCell(_number(float(raw)))
    if kind == "boolValue":
        return StoredCell(bool(raw))
    if kind == "formulaValue":
        return StoredCell(str(raw), formula=True)
    raise ApiError(400, f"Unknown ExtendedValue kind {kind}")


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
