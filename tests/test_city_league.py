"""``postme report --month … --all``: the city's monthly league table of its accounts."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
from sheets_server import SheetsServer
from typer.testing import CliRunner

from postme.cli import app
from postme.demo import prepare_demo
from postme.stores.base import TabRequest
from postme.stores.xlsx import XlsxStore


def _account(folder: Path, name: str, likes_factor: int) -> Path:
    """The demo Puskesmas under another name, its post likes multiplied."""
    prepare_demo(folder)
    config = folder / "postme.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            'username = "puskesmas.sukamaju"', f'username = "{name}"'
        ),
        encoding="utf-8",
    )
    book = openpyxl.load_workbook(folder / "planner.xlsx")
    sheet = book["Metrik Postingan"]
    headers = [c.value for c in sheet[1]]
    likes = headers.index("Suka") + 1
    for row in range(2, sheet.max_row + 1):
        cell = sheet.cell(row, likes)
        if isinstance(cell.value, int):
            cell.value *= likes_factor
    book.save(folder / "planner.xlsx")
    return config


def _city(tmp_path: Path) -> Path:
    a = _account(tmp_path / "a", "pkm.a", 1)
    b = _account(tmp_path / "b", "pkm.b", 3)
    broken = tmp_path / "c.toml"
    broken.write_text('[sheet]\npath = "missing.xlsx"\n', encoding="utf-8")
    book = openpyxl.Workbook()
    book.active.title = "Rekap"
    book.save(tmp_path / "kota.xlsx")
    city = tmp_path / "kota.toml"
    city.write_text(
        '[sheet]\npath = "kota.xlsx"\n\n'
        f'[[accounts]]\nconfig = "{a}"\n\n[[accounts]]\nconfig = "{b}"\n\n'
        f'[[accounts]]\nconfig = "{broken}"\n',
        encoding="utf-8",
    )
    return city


def test_monthly_league_ranks_the_accounts_and_writes_the_city_tab(tmp_path: Path) -> None:
    city = _city(tmp_path)
    args = ["report", "--month", "2026-11", "--all", "-c", str(city), "--as-of", "2026-12-01"]
    result = CliRunner().invoke(app, [*args, "--json"])

    # One account could not be read: the others are ranked, the run is "done in part".
    assert result.exit_code == 4, result.output
    document = json.loads(result.stdout)
    league = document["league"]
    assert [row["account"] for row in league] == ["pkm.b", "pkm.a"]
    assert [row["rank"] for row in league] == [1, 2]
    first, second = league
    # Three times the likes on the same posts and followers: a higher ER per 1,000.
    assert first["engagement_per_1000"] > second["engagement_per_1000"] > 0
    assert first["posts"] == second["posts"] > 0
    [(missing, why)] = document["failed"].items()
    assert missing.endswith("missing.xlsx") and "missing.xlsx" in why

    tab = XlsxStore(tmp_path / "kota.xlsx").read([TabRequest("Liga Bulanan")])["Liga Bulanan"]
    assert tab is not None
    rows = [dict(zip(tab.headers, row.values, strict=False)) for row in tab.rows]
    assert [(r["Bulan"], r["Peringkat"], r["Akun"]) for r in rows] == [
        ("2026-11", 1, "pkm.b"),
        ("2026-11", 2, "pkm.a"),
    ]
    # The accounts' own workbooks are only read.
    assert not (tmp_path / "a" / "planner.bak.xlsx").exists()

    again = CliRunner().invoke(app, [*args, "--json"])
    assert json.loads(again.stdout)["written"]["written"] is False  # same month: no change


def test_all_on_report_needs_a_month(tmp_path: Path) -> None:
    city = _city(tmp_path)
    result = CliRunner().invoke(app, ["report", "--all", "-c", str(city)])
    assert result.exit_code == 2
    assert "--month" in result.output


def test_monthly_league_on_a_google_roll_up_spreadsheet(
    tmp_path: Path, sheets_server: SheetsServer, sheets_key_file: Path
) -> None:
    """The city's roll-up lives on Google: the league is written there through the real
    gspread stack (the write takes the spreadsheet's lock itself), and a re-run of the
    same month changes nothing."""
    city = _city(tmp_path)
    rollup = sheets_server.create_spreadsheet({"Rekap": [["Akun"]]}, title="Rekap Kota")
    text = city.read_text(encoding="utf-8").replace(
        '[sheet]\npath = "kota.xlsx"\n',
        f'[sheet]\nbackend = "gsheets"\nspreadsheet = "{rollup}"\n'
        f'key_file = "{sheets_key_file}"\nendpoint = "{sheets_server.url}"\n',
    )
    city.write_text(text, encoding="utf-8")
    args = ["report", "--month", "2026-11", "--all", "-c", str(city), "--as-of", "2026-12-01"]
    result = CliRunner().invoke(app, [*args, "--json"])
    assert result.exit_code == 4, result.output  # the broken third account
    rows = sheets_server.values(rollup, "Liga Bulanan")
    header = rows[0]
    month, rank, account = (header.index(h) for h in ("Bulan", "Peringkat", "Akun"))
    assert [(r[month], r[rank], r[account]) for r in rows[1:]] == [
        ("2026-11", 1, "pkm.b"),
        ("2026-11", 2, "pkm.a"),
    ]
    assert sheets_server.values(rollup, "Rekap") == [["Akun"]]  # a person's tab, untouched
    assert sheets_server.all_developer_metadata(rollup) == {}  # the lock was released
    before = sheets_server.dump(rollup)
    again = CliRunner().invoke(app, [*args, "--json"])
    assert json.loads(again.stdout)["written"]["written"] is False
    assert sheets_server.dump(rollup) == before
