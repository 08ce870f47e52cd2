"""docs/cli.md is generated from the Typer app and must not go stale; every command and
every option carries help text."""

from __future__ import annotations

from pathlib import Path

import pytest

from postme.docgen import command_tree, commands, parameters, render_markdown

CLI_MD = Path(__file__).resolve().parent.parent / "docs" / "cli.md"


def test_docs_cli_md_is_up_to_date() -> None:
    expected = render_markdown()
    current = CLI_MD.read_text(encoding="utf-8") if CLI_MD.exists() else ""
    assert current == expected, (
        "docs/cli.md is stale: run `make docs` (python -m postme.docgen > docs/cli.md) "
        "and commit the result."
    )


def test_rendering_does_not_depend_on_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    first = render_markdown()
    monkeypatch.setenv("COLUMNS", "40")
    monkeypatch.setenv("TERM", "dumb")
    assert render_markdown() == first


def test_every_command_is_documented() -> None:
    text = render_markdown()
    names = [name for name, _command in commands(command_tree())]
    assert {"init", "check", "validate", "slots", "collect", "report", "weekly", "demo"} <= set(
        names
    )
    for name in names:
        assert f"## postme {name}\n" in text
        assert f"(#postme-{name})" in text


def test_every_command_has_help_text() -> None:
    missing = [
        name for name, command in commands(command_tree()) if not (command.help or "").strip()
    ]
    assert not missing, f"commands without help text (add a docstring): {missing}"


def test_every_option_and_argument_has_help_text() -> None:
    missing = []
    for name, command in commands(command_tree()):
        for kind, names, help_text in parameters(command, name):
            text = help_text.replace("[required]", "").strip()
            if not text or text.startswith("[default:"):
                missing.append(f"postme {name} {names} ({kind})")
    assert not missing, f"options/arguments without help= text: {missing}"
