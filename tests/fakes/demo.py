"""The demo workbook as test material: its settings, a Google copy on the local Sheets
server (:class:`Demo`), and the CLI's log handlers dropped between invocations."""

from __future__ import annotations

import datetime as dt
import logging
import tomllib
from pathlib import Path
from typing import Any

import openpyxl
from sheets_server import SheetsServer

from postme.config import Settings, settings_from_dict
from postme.demo import DEMO_AS_OF, DEMO_CONFIG, prepare_demo
from postme.instagram.jsondir import JsonDirSource
from postme.jobs import WeeklyResult, run_weekly
from postme.stores.gsheets import GoogleSheetsStore

CLOCK = dt.datetime(2026, 11, 23, 7, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))


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


class XlsxDemo:
    """The demo workbook in a folder, run through the weekly job on the .xlsx store."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.workbook = prepare_demo(folder)
        self.settings = demo_settings({"backend": "xlsx", "path": str(self.workbook)})

    def weekly(self, source: Any) -> WeeklyResult:
        return run_weekly(self.settings, DEMO_AS_OF, source=source, now=CLOCK, clock_now=CLOCK)

    def snapshot(self) -> dict[str, list[tuple[Any, ...]]]:
        book = openpyxl.load_workbook(self.workbook)
        return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}
