from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pydantic import ValidationError

from postme.config import find_config, load_config, settings_from_dict
from postme.errors import ConfigError, ExitCode

ROOT = Path(__file__).resolve().parent.parent


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_example_config_is_valid_and_complete(tmp_path: Path) -> None:
    settings = load_config(ROOT / "config.example.toml", env={})
    assert settings.timezone == "Asia/Jakarta"
    assert {p.name for p in settings.programs} == {
        "SIKAKUNG",
        "Obral Ketan",
        "Nice to Know",
        "Konde Emas",
        "Info Grafis",
        "Ucapan Hari Besar",
    }
    # The example ships a posting plan: Monday and Thursday Nice to Know at 19:00, …
    plan = {(slot.program, slot.days, f"{slot.time:%H:%M}") for slot in settings.slots}
    assert plan == {
        ("Nice to Know", (0, 3), "19:00"),
        ("Konde Emas", (2,), "19:00"),
        ("Obral Ketan", (4,), "15:00"),
        ("SIKAKUNG", (1, 5), "10:00"),
        ("Info Grafis", (6,), "08:00"),
    }
    assert settings.tabs.calendar == "Kalender Konten"


def test_relative_paths_are_relative_to_the_config_file(tmp_path: Path) -> None:
    config = write(tmp_path / "postme.toml", '[sheet]\npath = "planner.xlsx"\n')
    settings = load_config(config, env={})
    assert settings.sheet.path == tmp_path / "planner.xlsx"


def test_search_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    local = write(tmp_path / "postme.toml", '[sheet]\npath = "a.xlsx"\n')
    other = write(tmp_path / "other.toml", '[sheet]\npath = "b.xlsx"\n')
    assert find_config(None, env={}) == local
    assert find_config(None, env={"POSTME_CONFIG": str(other)}) == other
    assert find_config(local, env={"POSTME_CONFIG": str(other)}) == local


def test_no_config_anywhere_says_how_to_make_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match="postme init") as info:
        find_config(None, env={})
    assert info.value.exit_code == ExitCode.USAGE


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[sheet]\npath = 'x.xlsx'\n[polcy]\n", "polcy: unknown key"),
        (
            "[sheet]\npath = 'x.xlsx'\n[policy]\ncaption_max_chars = 'banyak'\n",
            "[policy] caption_max_chars",
        ),
        ("[sheet]\nbackend = 'gsheets'\n", "needs spreadsheet"),
        (
            "[sheet]\npath = 'x.xlsx'\n[[slots]]\nprogram = 'Senam'\ndays = ['senin']\n",
            "'Senam' is not in [[programs]]",
        ),
        (
            "[sheet]\npath = 'x.xlsx'\n[[slots]]\nprogram = 'Konde Emas'\ndays = ['senen']\n",
            "'senen' is not a weekday",
        ),
        ("[sheet]\npath = 'x.xlsx'\n[policy.severity]\nbad-dat = 'off'\n", "unknown rule"),
        ("timezone = 'Asia/Jakartaa'\n[sheet]\npath = 'x.xlsx'\n", "unknown timezone"),
        ("[sheet\npath = 1", "not valid TOML"),
    ],
)
def test_bad_config_names_file_and_key(tmp_path: Path, text: str, expected: str) -> None:
    config = write(tmp_path / "postme.toml", text)
    with pytest.raises(ConfigError) as info:
        load_config(config, env={})
    message = str(info.value)
    assert "postme.toml" in message
    assert expected in message


def test_endpoint_comes_from_the_environment() -> None:
    settings = settings_from_dict(
        {"sheet": {"backend": "gsheets", "spreadsheet": "abc"}},
        env={"POSTME_SHEETS_ENDPOINT": "http://127.0.0.1:9"},
    )
    assert settings.sheet.endpoint == "http://127.0.0.1:9"


def test_weekday_names_and_times() -> None:
    settings = settings_from_dict(
        {
            "sheet": {"path": "x.xlsx"},
            "slots": [{"program": "nice to know", "days": ["Senin", "thursday"], "time": "19.00"}],
        },
        env={},
    )
    assert settings.slots[0].days == (0, 3)
    assert settings.slots[0].time == dt.time(19, 0)


def test_settings_are_frozen() -> None:
    settings = settings_from_dict({"sheet": {"path": "x.xlsx"}}, env={})
    with pytest.raises(ValidationError, match="frozen"):
        settings.language = "en"
