"""``postme init``: the column proposal, the config it writes, the tabs and drop-downs it
adds, on real .xlsx workbooks (and once on the local Sheets server). Human cells never
change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from fakes.cli import said
from fakes.planner import make_workbook
from typer.testing import CliRunner

from postme.cli import app
from postme.config import load_config
from postme.errors import ConfigError
from postme.jobs import FINDINGS_HEADERS
from postme.setup_wizard import (
    InitOptions,
    choose_calendar_tab,
    dropdown_values,
    match_score,
    propose_columns,
    run_init,
)
from postme.tabs.by_program import program_headers
from postme.tabs.weekly import week_headers

runner = CliRunner()

ID_HEADERS = [
    "No",
    "Tgl",
    "Jam",
    "Rubrik",
    "Jenis Konten",
    "Topik",
    "Narasi",
    "Desainer",
    "Penulis Caption",
    "Penanggung Jawab",
    "Status",
    "Tautan",
    "Keterangan Lain",
]
ID_ROWS = [
    [
        1,
        dt.date(2026, 11, 2),
        "19:00",
        "Nice to Know",
        "Reels",
        "Cuci tangan",
        "Yuk cuci tangan #Germas",
        "Ani",
        "Budi",
        "Citra",
        "Terupload ✅",
        "https://www.instagram.com/p/Cabc123/",
        None,
    ],
    [
        2,
        dt.date(2026, 11, 3),
        "10:00",
        "Senam Lansia",
        "Foto",
        "Senam",
        None,
        "Ani",
        None,
        None,
        "rencana",
        None,
        "cek ulang",
    ],
    [3, dt.date(2026, 11, 4), "19:00", "NTK", "foto", "Gizi", None, None, None, None, "Rencana"],
]


def cells(path: Path, tab: str) -> list[tuple[Any, ...]]:
    workbook = openpyxl.load_workbook(path)
    try:
        return [tuple(c.value for c in row) for row in workbook[tab].iter_rows()]
    finally:
        workbook.close()


def mapping(matches: Any) -> dict[str, str | None]:
    return {m.field: m.header for m in matches}


# --- the proposal ------------------------------------------------------------------------


def test_indonesian_headers_are_matched_without_asking() -> None:
    matches = propose_columns(ID_HEADERS)
    assert mapping(matches) == {
        "date": "Tgl",
        "time": "Jam",
        "program": "Rubrik",
        "format": "Jenis Konten",
        "title": "Topik",
        "caption": "Narasi",
        "hashtags": None,
        "creator": "Desainer",
        "editor": "Penulis Caption",
        "verifier": "Penanggung Jawab",
        "status": "Status",
        "link": "Tautan",
        "notes": "Keterangan Lain",
    }
    assert all(m.sure for m in matches)


def test_english_headers_are_matched() -> None:
    headers = ["Date", "Time", "Programme", "Format", "Title", "Caption", "Hashtags"]
    headers += ["Creator", "Editor", "Verifier", "Status", "URL", "Notes"]
    assert mapping(propose_columns(headers)) == {
        "date": "Date",
        "time": "Time",
        "program": "Programme",
        "format": "Format",
        "title": "Title",
        "caption": "Caption",
        "hashtags": "Hashtags",
        "creator": "Creator",
        "editor": "Editor",
        "verifier": "Verifier",
        "status": "Status",
        "link": "URL",
        "notes": "Notes",
    }


def test_common_variants() -> None:
    headers = ["Tanggal Posting", "Waktu", "Program Konten", "Format", "Judul", "Keterangan"]
    headers += ["Kreator", "Redaksi", "Verifikasi", "Link", "Catatan"]
    found = mapping(propose_columns(headers))
    assert found["date"] == "Tanggal Posting"
    assert found["time"] == "Waktu"
    assert found["program"] == "Program Konten"
    assert found["caption"] == "Keterangan"
    assert found["creator"] == "Kreator"
    assert found["editor"] == "Redaksi"
    assert found["verifier"] == "Verifikasi"
    assert found["notes"] == "Catatan"


def test_partial_and_misspelt_headers_are_doubtful() -> None:
    assert match_score("Tanggal", "date") == 3
    assert match_score("Tanggal Upload (WIB)", "date") == 2
    assert match_score("Tangal", "date") == 1
    assert match_score("Jumlah Like", "date") == 0
    (date,) = [m for m in propose_columns(["Tanggal Upload (WIB)", "Program"]) if m.field == "date"]
    assert date.header == "Tanggal Upload (WIB)" and not date.sure


def test_calendar_tab_found_by_name() -> None:
    assert choose_calendar_tab(["Sheet1", "kalender konten"], "Kalender Konten") == (
        "kalender konten"
    )
    assert choose_calendar_tab(["Rekap", "Jadwal Posting 2026"], "Kalender Konten") == (
        "Jadwal Posting 2026"
    )
    assert choose_calendar_tab(["Rekap", "Content Planner"], "Kalender Konten") == (
        "Content Planner"
    )
    with pytest.raises(ConfigError, match="--tab"):
        choose_calendar_tab(["Rekap", "Data"], "Kalender Konten")
    with pytest.raises(ConfigError, match="Rekap"):
        choose_calendar_tab(["Rekap", "Data"], "Kalender Konten", given="Jadwal")


def test_dropdown_values_use_the_teams_spelling(tmp_path: Path) -> None:
    settings = load_config(_minimal_config(tmp_path))
    typed = ["Terupload ✅", "Terupload ✅", "rencana", "sudah upload", "zzz", None]
    assert dropdown_values("status", typed, settings) == (
        "rencana",  # planned, as the team types it
        "Proses",  # no row yet: the default word
        "Siap Review",
        "Disetujui",
        "Terupload ✅",  # the spelling used most often
        "Batal",
    )
    assert dropdown_values("format", ["foto", "Reels"], settings)[:4] == (
        "foto",
        "Carousel",
        "Video",
        "Reels",
    )


def _minimal_config(tmp_path: Path) -> Path:
    workbook = make_workbook(tmp_path / "w.xlsx", ["Tanggal", "Program"])
    config = tmp_path / "postme.toml"
    config.write_text(f'[sheet]\npath = "{workbook.name}"\n', encoding="utf-8")
    return config


# --- the whole command on a workbook -----------------------------------------------------


def test_init_yes_writes_a_config_tabs_and_dropdowns(tmp_workdir: Path) -> None:
    workbook = make_workbook(
        tmp_workdir / "planner.xlsx",
        ID_HEADERS,
        ID_ROWS,
        tab="Jadwal Konten 2026",
        title_rows=[["KALENDER KONTEN PUSKESMAS BAKUNG"], []],
        other_tabs=["Rekap"],
    )
    before = {tab: cells(workbook, tab) for tab in ("Jadwal Konten 2026", "Rekap")}

    result = runner.invoke(
        app,
        ["init", "--yes", "--path", "planner.xlsx", "--instagram", "@pkm.bakung"]
        + ["--language", "en", "--dropdowns"],
    )

    assert result.exit_code == 0, result.output
    assert "Config written to postme.toml" in result.output
    settings = load_config(tmp_workdir / "postme.toml")
    assert settings.language == "en"
    assert settings.sheet.path == workbook
    assert settings.tabs.calendar == "Jadwal Konten 2026"
    assert settings.calendar.header_row == 3
    assert settings.instagram.username == "pkm.bakung"
    # The policy block speaks the rules registry: Instagram's cap of 5 hashtags and every
    # rule id listed for the severity table.
    text = (tmp_workdir / "postme.toml").read_text(encoding="utf-8")
    assert settings.policy.max_hashtags == 5 and "hashtags_error_above" not in text
    from postme.rules import RULE_IDS

    assert all(rule in text for rule in RULE_IDS)
    columns = settings.calendar.columns
    assert (columns.date, columns.program, columns.status, columns.notes) == (
        "Tgl",
        "Rubrik",
        "Status",
        "Keterangan Lain",
    )
    assert columns.hashtags == ""
    assert "Senam Lansia" in result.output  # a programme of the team's, added
    assert "Senam Lansia" in {p.name for p in settings.programs}

    book = openpyxl.load_workbook(workbook)
    assert book.sheetnames == [  # an English config: postme's tabs in English
        "Jadwal Konten 2026",
        "Rekap",
        "Account Metrics",
        "Post Metrics",
        "Weekly Analysis",
        "Programme Analysis",
        "Findings",
    ]
    first_row = [c.value for c in book["Weekly Analysis"][1]]
    assert first_row == week_headers("en")
    assert [c.value for c in book["Programme Analysis"][1]] == program_headers("en")
    assert tuple(c.value for c in book["Findings"][1]) == FINDINGS_HEADERS["en"]
    assert [c.value for c in book["Account Metrics"][1]] == [
        "Date",
        "Followers",
        "Following",
        "Posts",
    ]
    assert book["Account Metrics"].max_row == 1

    validations = book["Jadwal Konten 2026"].data_validations.dataValidation
    by_column = {str(v.sqref).split(":")[0]: v for v in validations}
    assert set(by_column) == {"D4", "E4", "K4"}  # programme, format, status; below the header
    assert "Nice to Know" in by_column["D4"].formula1
    assert "Terupload ✅" in by_column["K4"].formula1
    assert all(v.type == "list" for v in validations)
    book.close()

    assert {tab: cells(workbook, tab) for tab in before} == before


def test_the_written_config_works_for_validate(tmp_workdir: Path) -> None:
    make_workbook(tmp_workdir / "planner.xlsx", ID_HEADERS, ID_ROWS)
    assert runner.invoke(app, ["init", "-y", "--path", "planner.xlsx"]).exit_code == 0
    result = runner.invoke(
        app, ["validate", "--all", "--json", "--as-of", "2026-11-05", "--lang", "en"]
    )
    assert result.exit_code in (0, 1), result.output
    assert '"findings"' in result.stdout
    # Senam Lansia was added as a programme of the team's; NTK is an alias
    assert "unknown-program" not in result.stdout


def test_english_workbook_without_title_row(tmp_workdir: Path) -> None:
    make_workbook(
        tmp_workdir / "plan.xlsx",
        ["Date", "Time", "Program", "Format", "Title", "Caption", "Status", "Link"],
        [[dt.date(2026, 11, 2), "19:00", "Nice to Know", "Reels", "Hands", "x", "Planned", None]],
        tab="Content Calendar",
    )
    result = runner.invoke(
        app, ["init", "--yes", "--path", "plan.xlsx", "--language", "en", "--json"]
    )
    assert result.exit_code == 0, result.output
    import json

    document = json.loads(result.stdout)
    assert document["calendar_tab"] == "Content Calendar"
    assert document["header_row"] == 1
    assert document["columns"]["date"] == "Date"
    assert document["columns"]["verifier"] is None
    assert document["dropdowns"] == []
    assert "Findings" in document["created_tabs"]
    assert document["statuses"] == {"Planned": "planned"}


def test_questions_are_asked_only_where_unsure(tmp_workdir: Path) -> None:
    headers = ["Tanggal Upload (WIB)", "Program", "Judul", "Status", "Info"]
    make_workbook(tmp_workdir / "planner.xlsx", headers, [[dt.date(2026, 11, 2), "NTK"]])
    answers = [
        "en",  # language
        "1",  # store: xlsx
        "planner.xlsx",  # path
        "1",  # date column? the first header (was doubtful)
        *["-"] * 4,  # creator, editor, verifier, link: none ("Info" is left unnamed)
        "",  # instagram: skip
        "y",  # drop-downs
        "y",  # the whole mapping: write it
    ]
    result = runner.invoke(app, ["init"], input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    # the doubtful date, then each role no header names
    assert result.output.count("Which column holds") == 5
    assert "verifier" in result.output
    assert "posting date" in result.output
    settings = load_config(tmp_workdir / "postme.toml")
    assert settings.calendar.columns.date == "Tanggal Upload (WIB)"
    assert settings.instagram.username is None
    book = openpyxl.load_workbook(tmp_workdir / "planner.xlsx")
    assert len(book["Kalender Konten"].data_validations.dataValidation) == 2  # program, status


def test_a_doubtful_answer_can_pick_another_column(tmp_workdir: Path) -> None:
    headers = ["Tgl", "Program", "Catatan Status", "Status Akhir"]
    make_workbook(tmp_workdir / "planner.xlsx", headers, [[dt.date(2026, 11, 2), "NTK"]])
    options = InitOptions(path=Path("planner.xlsx"), language="en", instagram="", dropdowns=False)
    asked: list[str] = []

    def ask(question: str, choices: Sequence[str] = (), default: str | None = None) -> str:
        asked.append(question)
        if "Write this config" in question:
            return "y"
        if "status" in question:
            assert default == "Catatan Status" or default == "Status Akhir"
            return "Status Akhir"
        if "notes" in question:
            return "-"
        return ""

    result = run_init(options, ask)
    found = {m.field: m.header for m in result.layout.matches}
    assert found["status"] == "Status Akhir"
    assert found["notes"] in (None, "Catatan Status")
    questions = [q for q in asked if "Write this config" not in q]
    assert all("date" not in q and "programme" not in q for q in questions)


def test_yes_without_a_date_column_fails_and_writes_nothing(tmp_workdir: Path) -> None:
    make_workbook(tmp_workdir / "planner.xlsx", ["Program", "Judul"], [["NTK", "x"]])
    result = runner.invoke(app, ["init", "--yes", "--path", "planner.xlsx", "--language", "en"])
    assert result.exit_code == 2
    assert "posting date" in said(result) and "'Program'" in said(result)
    assert not (tmp_workdir / "postme.toml").exists()
    assert openpyxl.load_workbook(tmp_workdir / "planner.xlsx").sheetnames == ["Kalender Konten"]


def test_existing_config_is_kept_without_force(tmp_workdir: Path) -> None:
    make_workbook(tmp_workdir / "planner.xlsx", ID_HEADERS, ID_ROWS)
    config = tmp_workdir / "postme.toml"
    config.write_text("# mine\n", encoding="utf-8")
    args = ["init", "--yes", "--path", "planner.xlsx", "--language", "en"]

    refused = runner.invoke(app, args)
    assert refused.exit_code == 2
    assert "--force" in said(refused)
    assert config.read_text(encoding="utf-8") == "# mine\n"
    assert openpyxl.load_workbook(tmp_workdir / "planner.xlsx").sheetnames == ["Kalender Konten"]

    replaced = runner.invoke(app, [*args, "--force"])
    assert replaced.exit_code == 0, replaced.output
    assert load_config(config).calendar.columns.date == "Tgl"


def test_running_init_twice_adds_no_second_tab_or_row(tmp_workdir: Path) -> None:
    make_workbook(tmp_workdir / "planner.xlsx", ID_HEADERS, ID_ROWS)
    args = ["init", "--yes", "--path", "planner.xlsx", "--language", "en", "--force"]
    assert runner.invoke(app, args).exit_code == 0
    first = {t: cells(tmp_workdir / "planner.xlsx", t) for t in ("Findings", "Account Metrics")}
    again = runner.invoke(app, args)
    assert again.exit_code == 0
    assert "already there" in again.output
    assert {t: cells(tmp_workdir / "planner.xlsx", t) for t in first} == first


def test_missing_workbook_and_bad_store_are_usage_errors(tmp_workdir: Path) -> None:
    missing = runner.invoke(app, ["init", "-y", "--path", "nope.xlsx", "--language", "en"])
    assert missing.exit_code == 2 and "does not exist" in said(missing)
    bad = runner.invoke(app, ["init", "-y", "--store", "csv", "--language", "en"])
    assert bad.exit_code == 2 and "xlsx or gsheets" in said(bad)
    nothing = runner.invoke(app, ["init", "-y", "--language", "en"])
    assert nothing.exit_code == 2 and "--path" in said(nothing)


def test_indonesian_messages_by_default(tmp_workdir: Path) -> None:
    make_workbook(tmp_workdir / "planner.xlsx", ID_HEADERS, ID_ROWS)
    result = runner.invoke(app, ["init", "--yes", "--path", "planner.xlsx"])
    assert result.exit_code == 0, result.output
    assert "Config written" not in result.output
    assert load_config(tmp_workdir / "postme.toml").language == "id"
    book = openpyxl.load_workbook(tmp_workdir / "planner.xlsx")
    assert [c.value for c in book["Analisis Mingguan"][1]] == week_headers("id")


# --- Google Sheets (local server) ---------------------------------------------------------


def test_init_against_a_google_sheet(tmp_workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sheets_server import make_service_account_key, start_server

    with start_server() as server:
        key_file = tmp_workdir / "key.json"
        make_service_account_key(server, key_file)
        spreadsheet = server.create_spreadsheet(
            {"Kalender Konten": [["Judul besar"], [], ID_HEADERS, *ID_ROWS], "Catatan": [["x"]]}
        )
        before = server.values(spreadsheet, "Kalender Konten")
        monkeypatch.setenv("POSTME_SHEETS_ENDPOINT", server.url)
        result = runner.invoke(
            app,
            ["init", "-y", "--spreadsheet", spreadsheet, "--key-file", "key.json"]
            + ["--language", "en", "--dropdowns"],
        )
        assert result.exit_code == 0, result.output
        settings = load_config(tmp_workdir / "postme.toml")
        assert settings.sheet.backend == "gsheets"
        assert settings.sheet.key_file == key_file
        assert settings.calendar.header_row == 3
        assert server.values(spreadsheet, "Findings")[0] == list(FINDINGS_HEADERS["en"])
        validations = server.data_validations(spreadsheet, "Kalender Konten")
        assert sorted(v["range"]["startColumnIndex"] for v in validations) == [3, 4, 10]
        assert {v["range"]["startRowIndex"] for v in validations} == {3}
        assert server.values(spreadsheet, "Kalender Konten") == before


def test_a_missing_date_column_is_asked_for(tmp_workdir: Path) -> None:
    make_workbook(tmp_workdir / "planner.xlsx", ["Hari", "Program", "Judul"], [["Senin", "NTK"]])
    answers = ["Hari", "", "", "y"]  # date column; no Instagram; no drop-downs; write it
    result = runner.invoke(
        app,
        ["init", "--path", "planner.xlsx", "--language", "en"],
        input="\n".join(answers) + "\n",
    )
    assert result.exit_code == 0, result.output
    assert result.output.count("Which column holds") == 1
    assert load_config(tmp_workdir / "postme.toml").calendar.columns.date == "Hari"


def test_a_calendar_without_any_known_header_is_an_error(tmp_workdir: Path) -> None:
    make_workbook(tmp_workdir / "planner.xlsx", ["A", "B"], [["x", "y"]])
    result = runner.invoke(app, ["init", "-y", "--path", "planner.xlsx", "--language", "en"])
    assert result.exit_code == 2
    assert "'Tanggal' and 'Program'" in said(result)
    assert not (tmp_workdir / "postme.toml").exists()
