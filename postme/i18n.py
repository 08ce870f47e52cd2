"""Messages in Indonesian (default) or English.

Source strings in the code are English, wrapped in ``_()``; the Indonesian catalog
is ``postme/locale/id/LC_MESSAGES/postme.po``, parsed with Babel at first use and kept
compiled in the user cache dir (:mod:`postme.catalog_cache`), so no build step is needed.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "postme"
LANGUAGES = ("id", "en")

_current = "id"


@cache
def _catalog(language: str) -> dict[str, str]:
    po_path = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po_path.exists():
        return {}
    from postme.catalog_cache import load_catalog  # parsed once per .po, then cached

    return load_catalog(po_path, language)


def set_language(language: str) -> None:
    global _current
    _current = language if language in LANGUAGES else "id"


def get_language() -> str:
    return _current


def _(message: str) -> str:
    """Translate ``message`` into the current language (English falls through)."""
    return translate(message)


def translate(message: str) -> str:
    """``message`` in the current language, looked up by its English text: for texts that
    are not literals at the call (typer's help texts); code calls ``_("literal")``."""
    if _current == "en":
        return message
    return _catalog(_current).get(message, message)
