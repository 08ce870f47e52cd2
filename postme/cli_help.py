"""``--help`` in the run's language.

Typer builds its help from the English texts given to ``help=`` and the docstrings, before
any language is known. :class:`TranslatedGroup` (the app's ``cls``) picks the language
from the command line (``--lang``), ``$POSTME_LANG`` or the config's ``language`` before
the arguments are parsed, and translates every command's and option's help text through
the Indonesian catalog, where each text is an entry of its own (``tests/test_cli_help.py``
checks that every one is).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from typer.core import TyperGroup

from postme import i18n

ENV_LANG = "POSTME_LANG"


def env_language(env: Any = None) -> str | None:
    """``$POSTME_LANG`` when it names a language, else None."""
    value = (os.environ if env is None else env).get(ENV_LANG)
    return str(value) if value in i18n.LANGUAGES else None


def run_language(args: Sequence[str], env: Any = None) -> str:
    """The language of this run, as far as it can be told before parsing: ``--lang X``,
    then ``$POSTME_LANG``, then ``language`` in the config, then "id"."""
    env = os.environ if env is None else env
    words = list(args)
    for index, word in enumerate(words):
        if word == "--lang" and index + 1 < len(words) and words[index + 1] in i18n.LANGUAGES:
            return words[index + 1]
        if word.startswith("--lang=") and word[7:] in i18n.LANGUAGES:
            return word[7:]
    if (language := env_language(env)) is not None:
        return language
    from postme.config_files import configured_language

    config = None
    for index, word in enumerate(words[:-1]):
        if word in ("-c", "--config"):
            config = Path(words[index + 1])
    return configured_language(config, env)


def translated(text: str | None) -> str | None:
    """A help text in the current language (the catalog's entry, else as it is). Typer
    reads help as Rich markup: help texts hold no square brackets (a test checks)."""
    # Help texts are catalog entries of their own, looked up by their English text.
    return i18n.translate(text) if text else text


# Typer's own words around the help (typer.rich_utils, read when help or an error is
# drawn), each a catalog entry: its constant's name → the English text.
TYPER_WORDS = {
    "OPTIONS_PANEL_TITLE": "Options",
    "COMMANDS_PANEL_TITLE": "Commands",
    "ARGUMENTS_PANEL_TITLE": "Arguments",
    "ERRORS_PANEL_TITLE": "Error",
    "REQUIRED_LONG_STRING": "[required]",
    "DEFAULT_STRING": "[default: {}]",
    "ABORTED_TEXT": "Aborted.",
    "RICH_HELP": "Try [blue]'{command_path} {help_option}'[/] for help.",
}
HELP_OPTION_TEXT = "Show this message and exit."


def speak_typer() -> None:
    """Typer's panel titles and hints in the run's language. Imports typer.rich_utils
    (about 50 ms), so it is called only when help is drawn."""
    from typer import rich_utils

    for name, english in TYPER_WORDS.items():
        setattr(rich_utils, name, i18n.translate(english))


def translate_help_option(command: Any, ctx: Any) -> None:
    """The ``--help`` option's own text ("Show this message and exit.")."""
    option = command.get_help_option(ctx)
    if option is not None:
        option.help = translated(HELP_OPTION_TEXT)


def translate_command(command: Any) -> None:
    """The help of ``command`` and of its options and arguments, in place."""
    command.help = translated(command.help)
    command.short_help = translated(command.short_help)
    for parameter in command.params:
        if getattr(parameter, "help", None):
            parameter.help = translated(parameter.help)


class TranslatedGroup(TyperGroup):
    """The app's command group, whose help speaks the run's language."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        i18n.set_language(run_language(args))
        translate_command(self)
        translate_help_option(self, ctx)
        if not args or "--help" in args:  # help is drawn in this run
            speak_typer()
        return super().parse_args(ctx, args)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            translate_command(command)
            translate_help_option(command, ctx)
        return command
