"""``--help`` in the run's language: every help text of the app has an Indonesian entry,
and the language comes from --lang, $POSTME_LANG or the config before parsing."""

from __future__ import annotations

from pathlib import Path

import typer
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from fakes.cli import said
from fakes.paths import PO_FILE
from typer.testing import CliRunner

from postme.cli import app
from postme.cli_help import run_language

runner = CliRunner()


def help_texts() -> list[str]:
    group = typer.main.get_command(app)
    assert isinstance(group, typer.core.TyperGroup)  # the app has subcommands
    texts = [group.help, *(getattr(p, "help", None) for p in group.params)]
    for command in group.commands.values():
        texts.append(command.help)
        # Options and Typer's arguments carry help; click's Parameter does not declare it.
        texts += [getattr(p, "help", None) for p in command.params]
    return [t for t in texts if isinstance(t, str) and t]


def translated(catalog: Catalog, text: str) -> bool:
    message = catalog.get(text)
    return message is not None and bool(message.string)


def test_every_help_text_has_an_indonesian_translation() -> None:
    with PO_FILE.open("rb") as f:
        catalog = read_po(f, locale="id")
    missing = [t for t in help_texts() if not translated(catalog, t)]
    assert len(help_texts()) > 30
    assert not missing, "add these help texts to postme.po (and postme.pot): " + repr(missing)


def test_help_speaks_the_runs_language(tmp_workdir: Path) -> None:
    indonesian = runner.invoke(app, ["validate", "--help"], env={"POSTME_LANG": "id"})
    assert "Memeriksa kalender konten" in indonesian.output
    english = runner.invoke(app, ["validate", "--help", "--lang", "en"], env={"POSTME_LANG": "id"})
    assert "Check the content calendar" in english.output
    (tmp_workdir / "postme.toml").write_text("language = 'en'\n[sheet]\npath = 'x.xlsx'\n")
    from_config = runner.invoke(app, ["--help"], env={"POSTME_LANG": ""})
    assert "collects Instagram figures" in said(from_config)


def test_the_language_is_known_before_parsing(tmp_path: Path) -> None:
    assert run_language(["validate", "--lang", "en"], env={"POSTME_LANG": "id"}) == "en"
    assert run_language(["validate", "--lang=id"], env={}) == "id"
    assert run_language(["check"], env={"POSTME_LANG": "en"}) == "en"
    config = tmp_path / "c.toml"
    config.write_text("language = 'en'\n")
    assert run_language(["check", "-c", str(config)], env={}) == "en"
    assert run_language(["check", "-c", str(tmp_path / "none.toml")], env={}) == "id"


def test_postme_lang_sets_a_runs_language(tmp_path: Path) -> None:
    config = tmp_path / "postme.toml"
    config.write_text("timezone = 'Asia/Jakartaa'\n[sheet]\npath = 'x.xlsx'\n")
    result = runner.invoke(app, ["validate", "-c", str(config)], env={"POSTME_LANG": "en"})
    assert "unknown timezone" in result.stderr


def test_help_texts_hold_no_markup_brackets() -> None:
    # Typer reads help as Rich markup: "[[accounts]]" was drawn as "[]".
    assert [t for t in help_texts() if "[" in t] == []


def test_typers_own_words_speak_the_runs_language(tmp_workdir: Path) -> None:
    from postme.cli_help import HELP_OPTION_TEXT, TYPER_WORDS

    with PO_FILE.open("rb") as f:
        catalog = read_po(f, locale="id")
    assert all(translated(catalog, t) for t in [*TYPER_WORDS.values(), HELP_OPTION_TEXT])
    indonesian = said(runner.invoke(app, ["weekly", "--help"], env={"POSTME_LANG": "id"}))
    assert "Opsi" in indonesian and "Options" not in indonesian
    assert "Tampilkan pesan ini lalu keluar." in indonesian
    assert "Perintah" in said(runner.invoke(app, ["--help"], env={"POSTME_LANG": "id"}))
    english = said(runner.invoke(app, ["weekly", "--help", "--lang", "en"]))
    assert "Options" in english and "Show this message and exit." in english
