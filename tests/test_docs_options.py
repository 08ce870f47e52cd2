"""README.md and config.example.toml name only options the program has.

Every code span or code line ``postme COMMAND …`` names a command and options of it; an
option span (``--week``) belongs to the command named last before it in the same
paragraph or table row (``postme report`` … ``--week``, or "``check`` takes ``--lang``").
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer

from postme.cli import app

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = ("README.md", "config.example.toml")
_SPAN = re.compile(r"`([^`]+)`")
_OPTION = re.compile(r"(?<![\w-])(--?[a-zA-Z][\w-]*)")


def program_options() -> dict[str, set[str]]:
    """Command → its options; a flag that takes no value is also listed as "FLAG:--all"
    when the command has no positional argument (so ``--all DIR`` is wrong)."""
    group = typer.main.get_command(app)
    assert isinstance(group, typer.core.TyperGroup)  # the app has subcommands
    options: dict[str, set[str]] = {}
    for name, command in group.commands.items():
        names = {"--help"}
        positional = any(p.param_type_name == "argument" for p in command.params)
        for parameter in command.params:
            names.update(parameter.opts)
            names.update(parameter.secondary_opts)
            if getattr(parameter, "is_flag", False) and not positional:
                names.update(f"FLAG:{opt}" for opt in parameter.opts)
        options[name] = names
    return options


def named_options(text: str, commands: set[str]) -> list[tuple[str, str | None, str]]:
    """(where, command or None, option) for every option the text names."""
    fenced = re.compile(r"^```[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)
    blocks = [line for m in fenced.finditer(text) for line in m.group(1).splitlines()]
    prose = fenced.sub("", text)
    blocks += re.split(r"\n\s*\n|\n(?=\|)", prose)
    found: list[tuple[str, str | None, str]] = []
    for block in blocks:
        last: str | None = None
        pieces = [m.group(1) for m in _SPAN.finditer(block)] or [block]
        for piece in pieces:
            piece = " ".join(piece.split())
            command = re.search(r"\bpostme\s+([a-z][a-z-]*)", piece)
            if command and command.group(1) in commands:
                last = command.group(1)
                rest = piece[command.end() :]
            elif piece in commands:
                last = piece
                continue
            elif piece.startswith("-"):
                rest = piece
            else:
                continue
            # A shell substitution ($(date -d …)) holds another program's options.
            words = re.sub(r"\$\([^)]*\)", "VALUE", rest).split()
            for index, word in enumerate(words):
                if not _OPTION.fullmatch(word):
                    continue
                found.append((repr(piece[:80]), last, word))
                after = words[index + 1] if index + 1 < len(words) else ""
                if re.fullmatch(r"[A-Z]+", after):  # a placeholder value: DIR, FILE
                    found.append((repr(piece[:80]), last, f"VALUE:{word}"))
    return found


@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_option_the_document_names_exists(document: str) -> None:
    options = program_options()
    text = (ROOT / document).read_text(encoding="utf-8")
    named = named_options(text, set(options))
    assert named
    wrong = []
    for where, command, option in named:
        allowed = options[command] if command else set().union(*options.values())
        if option.startswith("VALUE:"):  # a value after an option that takes none
            if command and f"FLAG:{option[6:]}" in allowed:
                wrong.append(f"{document} {where}: {option[6:]} takes no value")
        elif option not in allowed:
            wrong.append(f"{document} {where}: {option} (postme {command or '…'})")
    assert not wrong, "options the program does not have:\n" + "\n".join(wrong)


def test_the_checker_catches_a_wrong_option() -> None:
    options = program_options()
    text = "Run `postme check --as-of 2026-11-23`.\n\n`postme weekly` (or `--all DIR`), `--bogus`."
    named = named_options(text, set(options))
    assert ("weekly", "VALUE:--all") in {(c, o) for _w, c, o in named}
    assert "FLAG:--all" in options["weekly"]
    wrong = {(c, o) for _w, c, o in named if not o.startswith("VALUE:")}
    wrong = {(c, o) for c, o in wrong if o not in options[c or "weekly"]}
    assert wrong == {("check", "--as-of"), ("weekly", "--bogus")}
