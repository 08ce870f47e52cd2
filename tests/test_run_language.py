"""One language through a run: an English config names postme's tabs and headers in
English, and a config's errors come in the language the config (or --lang) asks for."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from postme.cli import app
from postme.config import configured_language, settings_from_dict

runner = CliRunner()


def test_an_english_config_names_postmes_tabs_and_headers_in_english() -> None:
    english = settings_from_dict({"language": "en", "sheet": {"path": "x.xlsx"}}, env={})
    assert (english.tabs.account_metrics, english.tabs.weekly, english.tabs.findings) == (
        "Account Metrics",
        "Weekly Analysis",
        "Findings",
    )
    assert english.account_metrics.columns.followers == "Followers"
    assert english.post_metrics.columns.likes == "Likes"
    assert english.tabs.calendar == "Kalender Konten"  # the team's own tab: not renamed


def test_the_teams_own_names_win_in_an_english_config() -> None:
    data = {
        "language": "en",
        "sheet": {"path": "x.xlsx"},
        "tabs": {"findings": "Temuan"},
        "account_metrics": {"columns": {"followers": "Pengikut"}},
    }
    settings = settings_from_dict(data, env={})
    assert settings.tabs.findings == "Temuan" and settings.tabs.weekly == "Weekly Analysis"
    assert settings.account_metrics.columns.followers == "Pengikut"
    assert settings.account_metrics.columns.date == "Date"


def test_an_indonesian_config_keeps_the_indonesian_names() -> None:
    settings = settings_from_dict({"sheet": {"path": "x.xlsx"}}, env={})
    assert settings.tabs.findings == "Temuan"
    assert settings.account_metrics.columns.followers == "Pengikut"


def test_config_errors_come_in_the_configs_language(tmp_path: Path) -> None:
    config = tmp_path / "postme.toml"
    config.write_text("timezone = 'Asia/Jakartaa'\n[sheet]\npath = 'x.xlsx'\n")
    indonesian = runner.invoke(app, ["validate", "-c", str(config)])
    assert indonesian.exit_code == 2
    assert "zona waktu 'Asia/Jakartaa' tidak dikenal" in indonesian.stderr

    config.write_text("language = 'en'\ntimezone = 'Asia/Jakartaa'\n[sheet]\npath = 'x.xlsx'\n")
    english = runner.invoke(app, ["validate", "-c", str(config)])
    assert "unknown timezone 'Asia/Jakartaa'" in english.stderr
    assert configured_language(config, env={}) == "en"

    asked = runner.invoke(app, ["validate", "-c", str(config), "--lang", "id"])
    assert "zona waktu" in asked.stderr  # --lang wins over the file
