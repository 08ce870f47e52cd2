"""A local stand-in for the Google Sheets API v4, for tests, split by concern:

* :mod:`.grid` — the in-memory model (tabs, cells, A1 ranges) and Google's limits;
* :mod:`.values` — ``values:batchGet``, ``values/{range}``, ``values:batchUpdate``;
* :mod:`.batch` — ``spreadsheets.batchUpdate`` (atomic);
* :mod:`.metadata` — developer metadata on the spreadsheet, sheets, rows and columns, the
  DataFilter and its lookups;
* :mod:`.dimensions` — rows and columns inserted, deleted, moved, sorted (cells and
  metadata move together);
* :mod:`.griddata` — the Spreadsheet resource with ``ranges`` and grid data;
* :mod:`.filters` — the ``*ByDataFilter`` routes and ``developerMetadata:search``;
* :mod:`.discovery` — bodies, query parameters and ``fields`` masks checked against
  Google's discovery document, as Google checks them;
* :mod:`.auth` — the OAuth 2 token endpoint and the key files it accepts;
* :mod:`.faults` — injected faults, the request log and a person's edits between requests;
* :mod:`.server` — routing, the HTTP handler and the test helpers.

Only the API surface postme uses is served; anything else Google defines is answered with
a loud ``501 UNIMPLEMENTED`` naming the method, so a new call is noticed, never faked (a
name Google does not define gets Google's 400).
Usage::

    with start_server() as server:
        key = make_service_account_key(server, tmp_path / "key.json")
        sheet_id = server.create_spreadsheet({"Tab": [["a", "b"], [1, 2]]})
        server.inject("batchGet", status=429, times=2, retry_after=1)
"""

from .auth import make_authorized_user_file, make_service_account_key
from .grid import (
    API_KINDS,
    DEFAULT_COLUMNS,
    DEFAULT_EMAIL,
    DEFAULT_ROWS,
    GOOGLE_TOKEN_URI,
    KINDS,
    SHEETS_HOST,
    ApiError,
    Grid,
    SeedCell,
    column_index,
    column_letters,
    parse_a1,
    quote_sheet,
    split_range,
    to_serial,
)
from .server import SheetsServer, classify, local_session, start_server

__all__ = [
    "API_KINDS",
    "DEFAULT_COLUMNS",
    "DEFAULT_EMAIL",
    "DEFAULT_ROWS",
    "GOOGLE_TOKEN_URI",
    "SHEETS_HOST",
    "KINDS",
    "ApiError",
    "Grid",
    "SeedCell",
    "SheetsServer",
    "classify",
    "column_index",
    "column_letters",
    "local_session",
    "make_authorized_user_file",
    "make_service_account_key",
    "parse_a1",
    "quote_sheet",
    "split_range",
    "start_server",
    "to_serial",
]
