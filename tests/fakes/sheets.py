"""Pytest fixtures for the local Sheets API server. Load them from tests/conftest.py with
``pytest_plugins = ["fakes.sheets"]``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sheets_server import SheetsServer, make_service_account_key, start_server

from postme.stores.gsheets import GoogleSheetsStore


@pytest.fixture
def sheets_server() -> Iterator[SheetsServer]:
    """A started local Sheets API (127.0.0.1, random port), stopped after the test."""
    with start_server() as server:
        yield server


@pytest.fixture
def sheets_key_file(sheets_server: SheetsServer, tmp_path: Path) -> Path:
    """A service-account key for postme-bot@test-project.iam.gserviceaccount.com whose
    token_uri is the local server."""
    path = tmp_path / "service_account.json"
    make_service_account_key(sheets_server, path)
    return path


@pytest.fixture
def gsheets_store(
    sheets_server: SheetsServer, sheets_key_file: Path
) -> Callable[..., GoogleSheetsStore]:
    """``gsheets_store(spreadsheet_id, **options)``: a store on the local server with
    retries that do not sleep."""

    def make(spreadsheet: str, **options: Any) -> GoogleSheetsStore:
        options.setdefault("key_file", sheets_key_file)
        options.setdefault("endpoint", sheets_server.url)
        options.setdefault("sleep", lambda seconds: None)
        return GoogleSheetsStore(spreadsheet, **options)

    return make


@pytest.fixture
def sheets_env(
    sheets_server: SheetsServer, sheets_key_file: Path, monkeypatch: pytest.MonkeyPatch
) -> SheetsServer:
    """POSTME_SHEETS_ENDPOINT set to the local server (for CLI tests); the key file is
    ``sheets_key_file``."""
    monkeypatch.setenv("POSTME_SHEETS_ENDPOINT", sheets_server.url)
    return sheets_server
