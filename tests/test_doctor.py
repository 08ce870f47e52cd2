"""`postme check`: one line per thing, with the fix, and the right exit code."""

from __future__ import annotations

import json
import os
from pathlib import Path

from sheets_server import SheetsServer
from typer.testing import CliRunner

from postme.cli import app
from postme.demo import prepare_demo
from postme.doctor import run_checks

runner = CliRunner()


def test_demo_workbook_checks_out(tmp_path: Path) -> None:
    prepare_demo(tmp_path)
    report = run_checks(tmp_path / "postme.toml", env={}, language="en")
    statuses = {item.label: item.status for item in report.items}
    assert statuses["Config"] == "ok"
    assert statuses["Workbook"] == "ok"
    assert statuses["Tab 'Kalender Konten'"] == "ok"
    # No session saved for the demo account: a warning with the command to make one.
    instagram = next(i for i in report.items if i.label == "Instagram")
    assert instagram.status == "warn" and "postme login puskesmas.sukamaju" in instagram.fix
    assert report.exit_code == 0


def test_missing_column_fails_with_exit_3(tmp_path: Path) -> None:
    prepare_demo(tmp_path)
    config = tmp_path / "postme.toml"
    config.write_text(config.read_text() + '\n[calendar.columns]\nverifier = "Pemeriksa"\n')
    result = runner.invoke(app, ["check", "-c", str(config), "--json", "--lang", "en"])
    assert result.exit_code == 3
    document = json.loads(result.stdout)
    failed = [c for c in document["checks"] if c["status"] == "fail"]
    assert len(failed) == 1 and "Pemeriksa" in failed[0]["detail"]


def test_bad_config_exit_2(tmp_path: Path) -> None:
    config = tmp_path / "postme.toml"
    config.write_text("[sheet]\nbackend = 'gsheets'\n")
    result = runner.invoke(app, ["check", "-c", str(config)])
    assert result.exit_code == 2
    assert "spreadsheet" in result.stdout


def write_gsheets_config(tmp_path: Path, key: Path, spreadsheet: str, server: SheetsServer) -> Path:
    config = tmp_path / "postme.toml"
    config.write_text(
        f'[sheet]\nbackend = "gsheets"\nspreadsheet = "{spreadsheet}"\nkey_file = "{key}"\n'
        f'endpoint = "{server.url}"\n'
    )
    return config


def test_not_a_service_account_key(tmp_path: Path, sheets_server: SheetsServer) -> None:
    key = tmp_path / "key.json"
    key.write_text(json.dumps({"installed": {"client_id": "x"}}))
    config = write_gsheets_config(tmp_path, key, "abc", sheets_server)
    report = run_checks(config, env={}, language="en")
    assert report.exit_code == 2
    assert "not a service-account key" in report.items[-1].detail


def test_readable_key_warns_and_unshared_sheet_names_the_account(
    tmp_path: Path, sheets_server: SheetsServer, sheets_key_file: Path
) -> None:
    spreadsheet = sheets_server.create_spreadsheet(
        {"Kalender Konten": [["Tanggal", "Program"]]}, shared_with=["someone@example.org"]
    )
    os.chmod(sheets_key_file, 0o644)
    config = write_gsheets_config(tmp_path, sheets_key_file, spreadsheet, sheets_server)
    report = run_checks(config, env={}, language="en")
    credentials = next(i for i in report.items if i.label == "Credentials")
    assert credentials.status == "warn" and "chmod 600" in credentials.fix
    sheet = next(i for i in report.items if i.label == "Spreadsheet")
    assert sheet.status == "fail"
    assert "postme-bot@test-project.iam.gserviceaccount.com" in sheet.detail
    assert report.exit_code == 3
