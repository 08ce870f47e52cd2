"""The Indonesian catalog covers every message in the code, with the same placeholders.

The messages are extracted from the source here (Babel's extractor over ``postme/``),
so a message added without a translation fails this test. To refresh the catalog:

    .venv/bin/pybabel extract -F babel.cfg --no-default-keywords -k _ --no-location \\
        --sort-output -w 100 --project postme -o postme/locale/postme.pot postme
    .venv/bin/pybabel update -i postme/locale/postme.pot -d postme/locale -D postme -l id \\
        --ignore-obsolete -w 100

then translate every entry with an empty ``msgstr`` (or marked ``#, fuzzy``: check it
and remove the flag) in ``postme/locale/id/LC_MESSAGES/postme.po``.
"""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from fakes.paths import PACKAGE, PO_FILE

from postme import i18n
from postme.i18n import _, set_language

REFRESH = (
    "Refresh the catalog (commands at the top of tests/test_i18n.py and of postme.po): "
    "pybabel extract …, pybabel update …, then translate the empty entries."
)


def source_messages() -> dict[str, str]:
    """msgid → 'file:line' for every ``_("…")`` in postme/, freshly extracted."""
    found: dict[str, str] = {}
    for filename, line, message, _comments, _context in extract_from_dir(
        str(PACKAGE), method_map=[("**.py", "python")], keywords={"_": None}
    ):
        if isinstance(message, str) and message:
            found.setdefault(message, f"{filename}:{line}")
    return found


def placeholders(text: str) -> set[str]:
    try:
        return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}
    except ValueError:  # a lone brace: compare what looks like a placeholder
        return set(re.findall(r"\{([^{}]*)\}", text))


def test_the_extractor_finds_the_messages() -> None:
    messages = source_messages()
    assert len(messages) > 100
    assert "Stopped by the user. Nothing was written." in messages


def test_every_message_has_an_indonesian_translation() -> None:
    with PO_FILE.open("rb") as f:
        catalog = read_po(f, locale="id")
    problems = []
    for message, where in sorted(source_messages().items(), key=lambda item: item[1]):
        entry = catalog.get(message)
        if entry is None or not entry.string:
            problems.append(f"missing ({where}): {message!r}")
        elif entry.fuzzy:
            problems.append(f"fuzzy, check it and remove the flag ({where}): {message!r}")
        elif placeholders(str(entry.string)) != placeholders(message):
            problems.append(
                f"placeholders differ ({where}): {message!r} → {entry.string!r} "
                f"({sorted(placeholders(message))} vs {sorted(placeholders(str(entry.string)))})"
            )
    assert not problems, f"{len(problems)} catalog problems. {REFRESH}\n" + "\n".join(problems)


def test_messages_are_literal_templates() -> None:
    """``_()`` must get the literal template (format after), or it cannot be extracted."""
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "_"
                and not (
                    len(node.args) == 1
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)
                )
            ):
                wrong.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
    assert not wrong, "call _() on a plain string literal, then .format(): " + ", ".join(wrong)


def test_every_literal_message_is_extracted() -> None:
    """A ``_("…")`` inside an f-string is a call Python runs but Babel's extractor never
    sees, so it would stay English for ever: every literal the code translates must be
    among the extracted messages."""
    extracted = set(source_messages())
    hidden = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "_"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and node.args[0].value not in extracted
            ):
                hidden.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
    assert not hidden, "move _() out of the f-string: " + ", ".join(hidden)


def test_indonesian_messages() -> None:
    set_language("id")
    stopped = _("Stopped by the user. Nothing was written.")
    assert stopped != "Stopped by the user. Nothing was written."
    assert "ditulis" in stopped
    assert _("Row") == "Baris"
    message = _("Config file {path} does not exist.").format(path="postme.toml")
    assert "postme.toml" in message and "tidak ada" in message


def test_indonesian_error_from_real_code(tmp_path: Path) -> None:
    from postme.config import find_config
    from postme.errors import ConfigError

    set_language("id")
    with pytest.raises(ConfigError) as raised:
        find_config(tmp_path / "nope.toml")
    assert "nope.toml" in str(raised.value)
    assert "does not exist" not in str(raised.value)


def test_english_is_the_source() -> None:
    set_language("en")
    assert _("Stopped by the user. Nothing was written.") == (
        "Stopped by the user. Nothing was written."
    )
    assert _("Row") == "Row"


def test_unknown_language_falls_back_to_indonesian() -> None:
    set_language("fr")
    assert i18n.get_language() == "id"
    assert _("Row") == "Baris"
