"""A team's own planner, laid out unlike the demo, read right the first time:
``postme init --yes`` then ``postme report`` with no edit of the config, through the CLI.

One tab per month (``IG Oktober 2026`` …) under title rows, the team's own headers
(``Pilar Konten``, ``Cek Akhir``, ``Status Upload``), status and format words
(``Sudah Tayang ✅``, ``Done``, ``Batal (narsum sakit)``, ``Single Post``, ``Live IG``),
its own programmes, and its own follower and post tabs (``Data Followers``,
``Insight Postingan``). The dates stand where formulas' saved results would be.
"""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from pathlib import Path
from typing import Any

import openpyxl
from fakes.cli import said
from typer.testing import CliRunner

from postme.cli import app
from postme.config import load_config

runner = CliRunner()

HEADERS = [
    "No",
    "Tanggal Tayang",
    "Jam",
    "Pilar Konten",
    "Jenis Konten",
    "Judul",
    "Caption",
    "Hashtag",
    "PIC",
    "Penulis Caption",
    "Cek Akhir",
    "Status Upload",
    "Link Postingan",
    "Catatan",
]
LINK = "https://www.instagram.com/p/{}/"
BANNED_CAPTION = "Jamu ini pasti sembuh untuk semua penyakit"


def row(
    day: dt.date, time: str, program: str, kind: str, title: str, status: str, **extra: Any
) -> list[Any]:
    return [
        None,
        dt.datetime.combine(day, dt.time()),  # a formula's saved result: a date cell
        time,
        program,
        kind,
        title,
        extra.get("caption", f"{title}: info sehat dari puskesmas"),
        "#PuskesmasCibeber",
        extra.get("creator", "Ani"),
        "Budi",
        extra.get("verifier", "dr. Sari"),
        status,
        extra.get("link"),
        extra.get("notes"),
    ]


NOVEMBER = [
    row(
        dt.date(2026, 11, 16),
        "19:00",
        "Edukasi Gizi",
        "Single Post",
        "Isi piringku",
        "Sudah Tayang ✅",
        link=LINK.format("CibA1116"),
    ),
    row(
        dt.date(2026, 11, 18),
        "19:00",
        "Tips Sehat",
        "Reels",
        "Jamu",
        "Done",
        caption=BANNED_CAPTION,
        link=LINK.format("CibB1118"),
    ),
    row(
        dt.date(2026, 11, 19),
        "10:00",
        "Tips Sehat",
        "Feed",
        "Senam",
        "Batal (narsum sakit)",
    ),
    row(
        dt.date(2026, 11, 20),
        "15:00",
        "Live Konsultasi",
        "Live IG",
        "Tanya dokter",
        "Done",
        link="https://www.instagram.com/puskesmas.cibeber/live/",
    ),
    row(dt.date(2026, 11, 21), "10:00", "Edukasi Gizi", "Carousel", "Sayur", "On Progress"),
    row(dt.date(2026, 11, 22), "08:00", "Tips Sehat", "Story", "Tidur", "Revisi"),
]
OCTOBER = [
    row(
        dt.date(2026, 10, 28),
        "19:00",
        "Edukasi Gizi",
        "Feed",
        "Buah",
        "Sudah Tayang ✅",
        link=LINK.format("CibC1028"),
    )
]
DECEMBER = [
    row(
        dt.date(2026, 12, 1),
        "19:00",
        "Tips Sehat",
        "Carousel",
        "HIV",
        "Belum",
        caption="Obat ajaib dijamin sembuh",
    )
]


def make_planner(path: Path) -> Path:
    book = openpyxl.Workbook()
    first = True
    for title, rows in (
        ("IG Oktober 2026", OCTOBER),
        ("IG November 2026", NOVEMBER),
        ("IG Desember 2026", DECEMBER),
    ):
        sheet = book.active if first else book.create_sheet(title)
        assert sheet is not None
        sheet.title = title
        first = False
        sheet.append([f"KALENDER KONTEN INSTAGRAM PUSKESMAS CIBEBER — {title[3:].upper()}"])
        sheet.append(["Disusun oleh Tim Promkes"])
        sheet.append([])
        sheet.append(HEADERS)
        for number, values in enumerate(rows, 1):
            sheet.append([number, *values[1:]])
    followers = book.create_sheet("Data Followers")
    followers.append(["Rekap followers mingguan"])
    followers.append(["Tanggal", "Jumlah Followers"])
    for day, count in ((9, 1200), (16, 1250), (23, 1300)):
        followers.append([dt.datetime(2026, 11, day), count])
    posts = book.create_sheet("Insight Postingan")
    posts.append(["Link", "Tanggal Posting", "Likes", "Komentar"])
    posts.append([LINK.format("CibA1116"), dt.datetime(2026, 11, 16, 19, 5), 100, 10])
    posts.append([LINK.format("CibB1118"), dt.datetime(2026, 11, 18, 19, 2), 50, 5])
    book.save(path)
    return path


def test_init_yes_then_report_on_a_planner_unlike_the_demo(tmp_workdir: Path) -> None:
    make_planner(tmp_workdir / "planner.xlsx")

    init = runner.invoke(app, ["init", "--yes", "--path", "planner.xlsx"])
    assert init.exit_code == 0, init.output

    written = tomllib.loads((tmp_workdir / "postme.toml").read_text(encoding="utf-8"))
    assert written["tabs"]["calendar"] == "IG *"
    assert written["tabs"]["account_metrics"] == "Data Followers"
    assert written["tabs"]["post_metrics"] == "Insight Postingan"
    settings = load_config(tmp_workdir / "postme.toml")
    columns = settings.calendar.columns
    assert (columns.date, columns.program, columns.verifier, columns.status) == (
        "Tanggal Tayang",
        "Pilar Konten",
        "Cek Akhir",
        "Status Upload",
    )
    assert (columns.creator, columns.editor, columns.link) == (
        "PIC",
        "Penulis Caption",
        "Link Postingan",
    )
    assert settings.calendar.header_row == 4
    assert "Unknown" not in init.output and "unknown_words" not in written

    report = runner.invoke(app, ["report", "--week", "2026-W47", "--as-of", "2026-11-23", "--json"])
    assert report.exit_code == 1, report.output  # two rows missed, one banned phrase
    figures = json.loads(report.stdout)
    assert (figures["followers_start"], figures["followers_end"]) == (1250, 1300)
    assert figures["follower_growth"] == 50
    assert (figures["planned"], figures["published"], figures["cancelled"]) == (6, 3, 1)
    assert figures["missed"] == 2
    assert figures["plan_adherence_pct"] == 60.0  # 3 / (6 - 1)
    assert (figures["posts"], figures["interactions"]) == (2, 165)
    assert figures["engagement_rate_pct"] == 6.6  # mean of 110/1250 and 55/1250
    assert figures["top_program"] == "Edukasi Gizi"
    assert figures["reasons"] == {}

    validate = runner.invoke(app, ["validate", "--all", "--json", "--as-of", "2026-11-23"])
    findings = json.loads(validate.stdout)["findings"]
    banned = {(f["tab"], f["cell"]) for f in findings if f["rule"] == "banned-phrase"}
    assert banned == {
        ("IG November 2026", "'IG November 2026'!G6"),
        ("IG Desember 2026", "'IG Desember 2026'!G5"),
    }
    assert not [f for f in findings if f["rule"] in ("unknown-status", "unknown-format")]
    assert not [f for f in findings if f["rule"] == "unknown-program"]

    book = openpyxl.load_workbook(tmp_workdir / "planner.xlsx")
    analysis = book["Analisis Mingguan"]
    assert analysis.max_row == 2  # the header and W47
    assert "Metrik Akun" not in book.sheetnames  # the team's own tabs are used


def test_a_new_month_tab_is_read_without_editing_the_config(tmp_workdir: Path) -> None:
    path = make_planner(tmp_workdir / "planner.xlsx")
    assert runner.invoke(app, ["init", "--yes", "--path", "planner.xlsx"]).exit_code == 0
    book = openpyxl.load_workbook(path)
    january = book.copy_worksheet(book["IG Desember 2026"])
    january.title = "IG Januari 2027"
    january["B5"] = dt.datetime(2027, 1, 5)
    january["G5"] = "Pasti sembuh kata iklan"
    book.save(path)

    result = runner.invoke(app, ["validate", "--all", "--json", "--as-of", "2027-01-06"])
    cells = {f["cell"] for f in json.loads(result.stdout)["findings"]}
    assert "'IG Januari 2027'!G5" in cells


def test_a_renamed_column_and_a_missing_tab_degrade_and_say_why(tmp_workdir: Path) -> None:
    path = make_planner(tmp_workdir / "planner.xlsx")
    assert runner.invoke(app, ["init", "--yes", "--path", "planner.xlsx"]).exit_code == 0
    book = openpyxl.load_workbook(path)
    for title in ("IG Oktober 2026", "IG November 2026", "IG Desember 2026"):
        book[title]["K4"] = "Verifikasi"  # was "Cek Akhir"
    del book["Data Followers"]
    book.save(path)

    args = ["report", "--week", "2026-W47", "--as-of", "2026-11-23", "--lang", "en"]
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 1, result.output  # done: the findings, not a stop
    figures = json.loads(result.stdout)
    assert figures["followers_start"] is None and figures["plan_adherence_pct"] == 60.0
    assert figures["reasons"]["followers_start"] == "tab 'Data Followers' is not in the spreadsheet"
    assert "engagement_rate_pct" in figures["reasons"]
    assert "'Cek Akhir' (verifier) not found" in result.stderr

    shown = runner.invoke(app, args)
    assert "tab 'Data Followers' is not in the spreadsheet" in said(shown)


def test_a_week_before_the_first_snapshot_says_so(tmp_workdir: Path) -> None:
    make_planner(tmp_workdir / "planner.xlsx")
    assert runner.invoke(app, ["init", "--yes", "--path", "planner.xlsx"]).exit_code == 0
    result = runner.invoke(
        app, ["report", "--week", "2026-W44", "--as-of", "2026-11-23", "--json", "--lang", "en"]
    )
    reasons = json.loads(result.stdout)["reasons"]
    assert reasons["followers_start"] == (
        "no follower snapshot on or before Monday 2026-10-26 in tab 'Data Followers'"
    )
    assert "no Instagram post dated 2026-10-26 – 2026-11-01" in reasons["interactions"]


def test_check_reads_every_month_tab(tmp_workdir: Path) -> None:
    from postme.doctor import run_checks

    make_planner(tmp_workdir / "planner.xlsx")
    assert runner.invoke(app, ["init", "--yes", "--path", "planner.xlsx"]).exit_code == 0
    checks = run_checks(tmp_workdir / "postme.toml", env={}).to_json()["checks"]
    ok = {c["check"] for c in checks if c["status"] == "ok"}
    assert {"Tab 'IG Oktober 2026'", "Tab 'IG November 2026'", "Tab 'IG Desember 2026'"} <= ok
    assert not [c for c in checks if c["status"] == "fail"]
