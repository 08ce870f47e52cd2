"""``docs/cli.md`` from the Typer app: every command with its help, usage, arguments and
options, as plain Markdown that does not depend on the terminal width.

``python -m postme.docgen > docs/cli.md`` (``make docs``) writes it; a test fails when
the file is stale. Only the command line is introspected here, through the Click
command Typer builds; nothing is printed but the Markdown.
"""

from __future__ import annotations

import inspect
import sys
from typing import Any

HEADER = (
    "# postme command reference\n\n"
    "Generated from the program by `make docs` (`python -m postme.docgen > docs/cli.md`); "
    "do not edit by hand.\n"
)


def command_tree() -> Any:
    """The Click group Typer builds for ``postme.cli.app``."""
    import typer

    from postme.cli import app

    return typer.main.get_command(app)


def commands(group: Any) -> list[tuple[str, Any]]:
    """``(name, command)`` in the order the app registers them."""
    import typer

    context = typer.Context(group, info_name="postme")
    return [(name, group.get_command(context, name)) for name in group.list_commands(context)]


def render_markdown(group: Any | None = None) -> str:
    """The whole reference, in English (the source language of the help texts)."""
    from postme.i18n import get_language, set_language

    previous = get_language()
    set_language("en")
    try:
        group = command_tree() if group is None else group
        parts = [HEADER, _paragraphs(group.help), _index(group)]
        parts += [_command(name, command) for name, command in commands(group)]
        return "\n".join(part.rstrip() + "\n" for part in parts if part)
    finally:
        set_language(previous)


def _paragraphs(text: str | None) -> str:
    return inspect.cleandoc(text or "").replace("\b\n", "")


def _summary(text: str | None) -> str:
    return _one_line(_paragraphs(text).split("\n\n")[0])


def _index(group: Any) -> str:
    lines = ["## Commands", ""]
    for name, command in commands(group):
        lines.append(f"- [`postme {name}`](#postme-{name}): {_summary(command.help)}")
    return "\n".join(lines)


def parameters(command: Any, name: str) -> list[tuple[str, str, str]]:
    """``(kind, names, help)`` for each argument and option (``--help`` left out); help
    ends with Click's ``[default: …]`` / ``[required]`` notes."""
    import typer

    context = typer.Context(command, info_name=f"postme {name}")
    rows = []
    for param in command.params:
        record = param.get_help_record(context)
        if record is None:  # hidden
            continue
        names, help_text = record
        rows.append((param.param_type_name, _one_line(names), _one_line(help_text)))
    return rows


def _command(name: str, command: Any) -> str:
    import typer

    context = typer.Context(command, info_name=f"postme {name}")
    usage = " ".join([f"postme {name}", *command.collect_usage_pieces(context)])
    lines = [f"## postme {name}", "", _paragraphs(command.help), "", "```", usage, "```"]
    rows = parameters(command, name)
    for kind, title in (("argument", "Arguments"), ("option", "Options")):
        chosen = [(names, help_text) for k, names, help_text in rows if k == kind]
        if chosen:
            lines += ["", f"{title}:", ""]
            lines += [f"- `{names}`: {help_text}" for names, help_text in chosen]
    return "\n".join(lines)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def main(argv: list[str] | None = None) -> int:
    sys.stdout.write(render_markdown())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
