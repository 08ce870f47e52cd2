"""`postme collect` fills both metrics tabs from instaloader JSON and from a Meta CSV
export, through both stores, keeping what people typed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sheets_server import SheetsServer
from typer.testing import CliRunner

from postme.cli import app
from postme.stores.base import TabRequest
from postme.stores.xlsx import XlsxStore

DATA = Path(__file__).parent / "data" / "instagram"
AS_OF = "2026-11-18"  # collects posts from Monday 9 November (last full week + this one)
runner = CliRunner()

CALENDAR = [["Tanggal", "Program", "Status"], ["16/11/2026", "Nice to Know", "Terupload"]]
ACCOUNT = [
    ["Tanggal", "Pengikut", "Mengikuti", "Jumlah Postingan"],
    ["09/11/2026", "1.180", 90, 140],
]
POSTS = [
    ["Shortcode", "Suka", "Komentar", "Jangkauan", "Catatan Tim"],
    ["BkgNTK16Nov", 3, 0, 555, "diketik tangan"],
]


@pytest.fixture(params=["xlsx", "gsheets"])
def sheet(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, Any]:
    """A small planner through either store; returns a config path and a reader."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "Kalender Konten"
    for tab, rows in (
        ("Kalender Konten", CALENDAR),
        ("Metrik Akun", ACCOUNT),
        ("Metrik Postingan", POSTS),
    ):
        sheet = book[tab] if tab in book.sheetnames else book.create_sheet(tab)
        for row in rows:
            sheet.append(row)
    workbook = tmp_path / "planner.xlsx"
    book.save(workbook)
    config = tmp_path / "postme.toml"
    if request.param == "xlsx":
        config.write_text(
            '[sheet]\npath = "planner.xlsx"\n[instagram]\nusername = "puskesmas.bakung"\n'
        )
        store: Any = XlsxStore(workbook)
    else:
        server: SheetsServer = request.getfixturevalue("sheets_server")
        key: Path = request.getfixturevalue("sheets_key_file")
        spreadsheet = server.load_workbook(workbook)
        config.write_text(
            f'[sheet]\nbackend = "gsheets"\nspreadsheet = "{spreadsheet}"\nkey_file = "{key}"\n'
            f'endpoint = "{server.url}"\n[instagram]\nusername = "puskesmas.bakung"\n'
        )
        from postme.config import load_config
        from postme.jobs import open_store

        store = open_store(load_config(config, env={}))

    def read(tab: str) -> list[dict[str, Any]]:
        found = store.read([TabRequest(tab)])[tab]
        return [dict(zip(found.headers, row.values, strict=False)) for row in found.rows]

    return {"config": config, "read": read}


def collect(config: Path, *args: str) -> dict[str, Any]:
    result = runner.invoke(app, ["collect", "-c", str(config), "--as-of", AS_OF, "--json", *args])
    assert result.exit_code == 0, result.stdout + result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def test_collect_from_instaloader_json(sheet: dict[str, Any]) -> None:
    document = collect(sheet["config"], "--from", str(DATA / "puskesmas.bakung"))
    assert document["snapshot_written"] and document["requests_used"] == 0
    snapshots = sheet["read"]("Metrik Akun")
    assert len(snapshots) == 2 and snapshots[0]["Pengikut"] == "1.180"  # the typed row stays
    posts = {row["Shortcode"]: row for row in sheet["read"]("Metrik Postingan")}
    typed = posts["BkgNTK16Nov"]
    # Upserted by shortcode: instaloader's likes replace the typed 3; the typed reach and
    # the person's own column stay (instaloader has no reach).
    assert (
        typed["Suka"] != 3
        and typed["Jangkauan"] == 555
        and typed["Catatan Tim"] == "diketik tangan"
    )
    assert len(posts) == document["posts_new"] + 1
    assert all(
        row["Waktu Posting"] >= "2026-11-09" for row in posts.values() if row.get("Waktu Posting")
    )
    # The same again changes nothing.
    again = collect(sheet["config"], "--from", str(DATA / "puskesmas.bakung"))
    assert again["posts_new"] == 0
    assert len(sheet["read"]("Metrik Postingan")) == len(posts)


@pytest.mark.parametrize("language", ["en", "id"])
def test_collect_from_meta_csv_brings_reach(sheet: dict[str, Any], language: str) -> None:
    document = collect(
        sheet["config"], "--meta-csv", str(DATA / "meta" / f"post_insights_{language}.csv")
    )
    assert document["account"] is None and not document["snapshot_written"]  # no follower count
    posts = {row["Shortcode"]: row for row in sheet["read"]("Metrik Postingan")}
    assert posts["BkgNTK16Nov"]["Jangkauan"] == 987
    assert posts["BkgNTK16Nov"]["Suka"] == 112
    assert len(sheet["read"]("Metrik Akun")) == 1


def test_instagram_unreadable_collect_writes_nothing_and_exits_3(tmp_path: Path) -> None:
    from postme.demo import prepare_demo

    prepare_demo(tmp_path)
    config = tmp_path / "postme.toml"
    account = 'username = "puskesmas.sukamaju"\n'
    text = config.read_text().replace(account, account + f'session_file = "{tmp_path / "none"}"\n')
    config.write_text(text, encoding="utf-8")
    before = (tmp_path / "planner.xlsx").read_bytes()
    result = runner.invoke(app, ["collect", "-c", str(config), "--lang", "en"])
    assert result.exit_code == 3
    assert "postme login puskesmas.sukamaju" in result.stderr
    assert "Nothing was written" in result.stderr
    assert (tmp_path / "planner.xlsx").read_bytes() == before
