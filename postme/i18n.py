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

# Calendar words, as data rather than catalog entries: dates in messages and tabs.
WEEKDAY_NAMES: dict[str, tuple[str, ...]] = {
    "id": ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
MONTH_NAMES: dict[str, tuple[str, ...]] = {
    "id": (
        "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
        "September", "Oktober", "November", "Desember",
    ),
    "en": (
        "January", "February", "March", "April", "May", "June", "July", "August",
        "September", "October", "November", "December",
    ),
}  # fmt: skip


def weekday_name(weekday: int, language: str | None = None) -> str:
    """0 (Monday) … 6 → 'Senin' … 'Minggu' (or English); default: the current language."""
    return WEEKDAY_NAMES.get(language or _current, WEEKDAY_NAMES["id"])[weekday]


def month_name(month: int, language: str | None = None) -> str:
    """1 … 12 → 'Januari' … 'Desember' (or English); default: the current language."""
    return MONTH_NAMES.get(language or _current, MONTH_NAMES["id"])[month - 1]


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
    if _current == "en":
        return message
    return _catalog(_current).get(message, message)
