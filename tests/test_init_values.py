"""``postme init`` reads the planner's values, roles and figures tabs, shows the whole
mapping before writing, and forgives pasted paths and bad answers."""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Sequence
from pathlib import Path

import openpyxl
import pytest
from fakes.cli import said
from fakes.planner import make_workbook
from openpyxl.worksheet.datavalidation import DataValidation
from typer.testing import CliRunner

from postme.cli import app
from postme.config import load_config
from postme.doctor import run_checks
from postme.planner_words import (
    FOLLOWER_TAB_WORDS,
    POST_TAB_WORDS,
    find_figures_tab,
    month_tab_group,
)
from postme.setup_wizard import InitOptions, clean_path, match_score, run_init

runner = CliRunner()

HEADERS = ["Tanggal", "Program", "Format", "Status"]
ROWS = [
    [dt.date(2026, 11, 2), "NTK", "Single Post", "Sudah Tayang ✅"],
    [dt.date(2026, 11, 3), "NTK", "Live IG", "On Progress"],
    [dt.date(2026, 11, 4), "NTK", "Spaces", "otw"],
]


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Cek Akhir", "verifier"),
        ("Final Check", "verifier"),
        ("ACC", "verifier"),
        ("Verifikasi", "verifier"),
        ("Pilar Konten", "program"),
        ("Content Pillar", "program"),
        ("Status Upload", "status"),
        ("PIC", "creator"),
    ],
)
def test_the_teams_role_headers_are_sure_matches(header: str, field: str) -> None:
    assert match_score(header, field) == 3


def test_figures_tabs_are_found_by_their_names_in_both_languages() -> None:
    titles = ["IG November 2026", "Insight Postingan", "Data Followers"]
    assert find_figures_tab(titles, POST_TAB_WORDS) == "Insight Postingan"
    assert find_figures_tab(titles, FOLLOWER_TAB_WORDS, ["Insight Postingan"]) == "Data Followers"
    assert find_figures_tab(["Kalender", "Insight"], FOLLOWER_TAB_WORDS) == "Insight"
    assert find_figures_tab(["Kalender", "Followers IG"], FOLLOWER_TAB_WORDS) == "Followers IG"
    assert find_figures_tab(["Kalender", "Rekap"], FOLLOWER_TAB_WORDS) is None


def test_month_tabs_give_a_pattern_only_when_it_fits_them_alone() -> None:
    months = ["IG Oktober 2026", "IG November 2026"]
    assert month_tab_group([*months, "Data Followers"]) == ("IG *", months)
    assert month_tab_group([*months, "IG Insight"]) == ("IG * 20[0-9][0-9]", months)
    assert month_tab_group(["Oktober", "November", "Rekap"]) == (
        ["Oktober", "November"],
        ["Oktober", "November"],
    )
    assert month_tab_group(["Kalender Konten", "Data Followers"]) is None


def test_yes_lists_the_words_it_cannot_place_and_check_shows_them(tmp_workdir: Path) -> None:
    make_workbook(tmp_workdir / "planner.xlsx", HEADERS, ROWS)
    result = runner.invoke(app, ["init", "--yes", "--path", "planner.xlsx", "--language", "en"])
    assert result.exit_code == 0, result.output
    assert "'otw'" in result.output and "'Spaces'" in result.output
    data = tomllib.loads((tmp_workdir / "postme.toml").read_text(encoding="utf-8"))
    assert data["unknown_words"] == {"statuses": ["otw"], "formats": ["Spaces"]}
    assert "On Progress" in data["statuses"]["in_production"]
    assert "Live IG" in data["formats"]["live"]
    # No followers tab in this planner: said, not silently created.
    assert "No tab of followers found" in said(result)

    report = run_checks(tmp_workdir / "postme.toml", env={})
    failed = [c for c in report.to_json()["checks"] if c["status"] == "fail"]
    assert any("otw" in c["detail"] for c in failed), report.to_json()


def test_a_word_it_cannot_place_is_asked_about(tmp_workdir: Path) -> None:
    make_workbook(tmp_workdir / "planner.xlsx", HEADERS, ROWS)
    asked: list[str] = []

    def ask(question: str, choices: Sequence[str] = (), default: str | None = None) -> str:
        asked.append(question)
        if "Write this config" in question:
            return "y"
        if "'otw'" in question:
            return "published"
        if "'Spaces'" in question:
            return "-"
        return ""

    options = InitOptions(path=Path("planner.xlsx"), language="en", instagram="", dropdowns=False)
    result = run_init(options, ask)
    assert result.words is not None
    assert result.words.statuses["otw"] == "published"
    assert result.words.unknown_formats == ("Spaces",)
    settings = load_config(tmp_workdir / "postme.toml")
    assert "otw" in settings.statuses["published"]
    # the whole mapping was shown before anything was written
    mapping = next(q for q in asked if "Write this config" in q)
    assert "status = column 'Status'" in mapping and "'Sudah Tayang ✅' → published" in mapping


def test_no_to_the_mapping_writes_nothing(tmp_workdir: Path) -> None:
    path = make_workbook(tmp_workdir / "planner.xlsx", HEADERS, ROWS[:2])
    answers = ["", "", "n"]  # no Instagram, no drop-downs, no to the mapping
    result = runner.invoke(
        app,
        ["init", "--path", "planner.xlsx", "--language", "en"],
        input="\n".join(answers) + "\n",
    )
    assert result.exit_code == 2
    assert "Nothing was written" in said(result)
    assert not (tmp_workdir / "postme.toml").exists()
    assert openpyxl.load_workbook(path).sheetnames == ["Kalender Konten"]


def test_a_pasted_path_in_quotes_and_a_bad_answer_again(tmp_workdir: Path) -> None:
    folder = tmp_workdir / "My Documents"
    folder.mkdir()
    make_workbook(folder / "planner.xlsx", HEADERS, ROWS[:2])
    answers = [
        "1",  # xlsx
        "nope.xlsx",  # not there: asked again
        f"'{folder / 'planner.xlsx'}'",  # dragged into the terminal: quoted
        "",  # Instagram
        "",  # drop-downs
        "y",  # write
    ]
    result = runner.invoke(app, ["init", "--language", "en"], input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "does not exist" in said(result)
    assert load_config(tmp_workdir / "postme.toml").sheet.path == folder / "planner.xlsx"
    assert clean_path('  "C:\\Data\\planner kita.xlsx" ') == "C:\\Data\\planner kita.xlsx"


@pytest.mark.parametrize("suffix", [".xls", ".ods", ".csv"])
def test_other_spreadsheet_files_are_explained(tmp_workdir: Path, suffix: str) -> None:
    (tmp_workdir / f"planner{suffix}").write_bytes(b"x")
    result = runner.invoke(app, ["init", "--yes", "--path", f"planner{suffix}"])
    assert result.exit_code == 2
    text = said(result)
    assert "Simpan Sebagai" in text and ".xlsx" in text and "Traceback" not in text


def test_dropdowns_leave_existing_validations_alone(tmp_workdir: Path) -> None:
    path = make_workbook(tmp_workdir / "planner.xlsx", HEADERS, ROWS[:2])
    book = openpyxl.load_workbook(path)
    mine = DataValidation(type="list", formula1='"Sudah Tayang ✅,On Progress"')
    mine.add("D2:D500")
    book["Kalender Konten"].add_data_validation(mine)
    book.save(path)

    result = runner.invoke(
        app, ["init", "--yes", "--path", "planner.xlsx", "--language", "en", "--dropdowns"]
    )
    assert result.exit_code == 0, result.output
    assert "Column 'Status' already has a drop-down" in said(result)
    validations = openpyxl.load_workbook(path)["Kalender Konten"].data_validations
    ranges = sorted(str(v.sqref).split(":")[0] for v in validations.dataValidation)
    assert ranges == ["B2", "C2", "D2"]  # programme and format added; the team's status kept
    formats = next(v for v in validations.dataValidation if str(v.sqref).startswith("C2"))
    assert "Single Post" in formats.formula1  # the team's own word
