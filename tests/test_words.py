"""Calendar words (postme.words): names shown in both languages, words read in both."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from fakes.calendar import make_settings
from typer.testing import CliRunner

from postme.cli import app
from postme.demo import DEMO_AS_OF, prepare_demo
from postme.healthdays import load_health_day_rules, rule_date
from postme.i18n import set_language
from postme.parsing import parse_date
from postme.words import (
    MONTH_WORDS,
    WEEKDAY_WORDS,
    day_label,
    month_name,
    month_number,
    weekday_key,
    weekday_name,
    weekday_number,
)


def test_names_in_both_languages() -> None:
    assert [weekday_name(d, "id") for d in (0, 3, 4, 6)] == ["Senin", "Kamis", "Jumat", "Minggu"]
    assert [weekday_name(d, "en") for d in (0, 3, 4, 6)] == [
        "Monday", "Thursday", "Friday", "Sunday",
    ]  # fmt: skip
    assert month_name(8, "id") == "Agustus" and month_name(8, "en") == "August"
    assert day_label(dt.date(2026, 11, 20), "id") == "Jumat 20 November"
    assert day_label(dt.date(2026, 11, 20), "en") == "Friday 20 November"
    assert weekday_key(3) == "thursday"


def test_names_default_to_the_run_language() -> None:
    set_language("en")
    assert day_label(dt.date(2026, 11, 20)) == "Friday 20 November"
    set_language("id")
    assert day_label(dt.date(2026, 11, 20)) == "Jumat 20 November"


@pytest.mark.parametrize(
    ("word", "number"),
    [("Jum'at", 4), ("jumat", 4), ("FRI", 4), ("Ahad", 6), ("thurs", 3), ("Senin", 0)],
)
def test_weekday_words(word: str, number: int) -> None:
    assert weekday_number(word) == number


@pytest.mark.parametrize(
    ("word", "number"),
    [("Nop", 11), ("Nopember", 11), ("agt", 8), ("Agustus", 8), ("dec", 12), ("Mei", 5)],
)
def test_month_words(word: str, number: int) -> None:
    assert month_number(word) == number


def test_every_name_is_also_read() -> None:
    for language in ("id", "en"):
        for day in range(7):
            assert WEEKDAY_WORDS[weekday_name(day, language).casefold()] == day
        for month in range(1, 13):
            assert MONTH_WORDS[month_name(month, language).casefold()] == month
    assert weekday_number("someday") is None and month_number("Nopemberr") is None


def test_the_readers_use_the_same_words() -> None:
    """Calendar cells, [[slots]] days and health-day rules read the same aliases."""
    assert parse_date("Jum'at, 20 Nop 2026") == dt.date(2026, 11, 20)
    settings = make_settings(
        slots=[{"program": "Nice to Know", "days": ["Jum'at", "ahad", "thurs"]}]
    )
    assert settings.slots[0].days == (4, 6, 3)
    [rule] = load_health_day_rules(
        [{"name": "Hari X", "month": 11, "rule": "jum'at kedua"}], replace=True
    )
    assert rule_date(rule, 2026) == dt.date(2026, 11, 13)


# -- one language through a run (the CLI) -----------------------------------------------------


def _demo(tmp_path: Path) -> tuple[str, str]:
    prepare_demo(tmp_path)
    return str(tmp_path / "postme.toml"), DEMO_AS_OF.isoformat()


def test_lang_en_prints_english_day_names_on_an_indonesian_config(tmp_path: Path) -> None:
    config, as_of = _demo(tmp_path)
    runner = CliRunner()
    report = runner.invoke(
        app, ["report", "-c", config, "--as-of", as_of, "--week", "2026-W46", "--lang", "en"]
    )
    assert re.search(r"Best time to post \(last 16 weeks\): Thursday", report.stdout)
    assert "Friday 20 November" in report.stdout
    assert not re.search(r"\b(Rabu|Jumat|Sabtu|Minggu)\b", report.stdout)
    slots = runner.invoke(app, ["slots", "-c", config, "--as-of", as_of, "--lang", "en"])
    assert "Mon 16" in slots.stdout and "Friday 20 November 15:00" in slots.stdout
    indonesian = runner.invoke(app, ["slots", "-c", config, "--as-of", as_of])
    assert "Sen 16" in indonesian.stdout and "Jumat 20 November 15:00" in indonesian.stdout


def test_json_weekday_is_not_translated(tmp_path: Path) -> None:
    config, as_of = _demo(tmp_path)
    documents = [
        json.loads(
            CliRunner()
            .invoke(app, ["report", "-c", config, "--as-of", as_of, "--week", "2026-W46",
                          "--json", *lang])
            .stdout
        )
        for lang in ([], ["--lang", "en"], ["--lang", "id"])
    ]  # fmt: skip
    # The weekday of the history's best time is a number (0 = Monday), whatever the language.
    assert {d["insights"]["best_time"]["best"]["weekday"] for d in documents} == {3}


def test_check_speaks_the_config_language(tmp_path: Path) -> None:
    config, _as_of = _demo(tmp_path)
    path = Path(config)
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r'(?m)^language = "id"$', 'language = "en"', text), encoding="utf-8")
    assert 'language = "en"' in path.read_text(encoding="utf-8")
    set_language("id")  # as a fresh process starts
    english = CliRunner().invoke(app, ["check", "-c", config])
    assert "Workbook" in english.stdout and "File Excel" not in english.stdout
    path.write_text(text, encoding="utf-8")
    set_language("id")
    indonesian = CliRunner().invoke(app, ["check", "-c", config, "--lang", "id"])
    assert "File Excel" in indonesian.stdout and "Workbook" not in indonesian.stdout
