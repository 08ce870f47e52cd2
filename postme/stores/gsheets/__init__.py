"""The Google Sheets store, split along gspread's seams: :mod:`.http` (the HTTP client,
retries and deadlines), :mod:`.credentials` (key files and sign-ins, shared with
``postme check``), :mod:`.batch` (pure request builders), :mod:`.errors` (what every
failure means to a person) and :mod:`.store` (reads, keyed writes and the lock)."""

from postme.stores.gsheets.credentials import (
    default_file,
    default_key_file,
    load_oauth_user,
    load_service_account,
    oauth_sign_in,
)
from postme.stores.gsheets.http import RetryingHTTPClient, authorized_session
from postme.stores.gsheets.store import GoogleSheetsStore, SpreadsheetFull, spreadsheet_key

__all__ = [
    "GoogleSheetsStore",
    "RetryingHTTPClient",
    "SpreadsheetFull",
    "authorized_session",
    "default_file",
    "default_key_file",
    "load_oauth_user",
    "load_service_account",
    "oauth_sign_in",
    "spreadsheet_key",
]
