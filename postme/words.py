"""Calendar words: the names of weekdays and months in Indonesian and English, and the
words people type for them (``Nop``, ``Jum'at``, ``Ahad``, ``Thurs``).

The one home for these words: dates shown to people (messages, grids, tabs) and dates
read from people (calendar cells, ``[[slots]] days``, ``[health_days] rule``) both come
from here. A weekday is Python's number, 0 = Monday … 6 = Sunday, except where a name
says ISO (1 = Monday … 7 = Sunday, the stable value in ``--json``).
"""

from __future__ import annotations

import datetime as dt

from postme import i18n

LANGUAGES = ("id", "en")

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

# Every word read as a weekday or a month, lower case, besides the full names above:
# Indonesian short forms and spellings (Jum'at, Nopember, Agt) and English abbreviations.
_WEEKDAY_ALIASES: tuple[str, ...] = (
    "sen mon",
    "sel tue tues",
    "rab wed",
    "kam thu thur thurs",
    "jum'at jum jmt fri",
    "sab sat",
    "ahad mgg min sun",
)
_MONTH_ALIASES: tuple[str, ...] = (
    "jan",
    "pebruari feb peb febr",
    "mar",
    "apr",
    "",
    "jun",
    "jul",
    "agt agu ags agst aug",
    "sep sept",
    "okt oct",
    "nopember nov nop",
    "des dec",
)


def _lookup(
    names: dict[str, tuple[str, ...]], aliases: tuple[str, ...], start: int
) -> dict[str, int]:
    found: dict[str, int] = {}
    for number, extra in enumerate(aliases, start=start):
        words = [names[language][number - start].casefold() for language in LANGUAGES]
        for word in (*words, *extra.split()):
            found[word] = number
    return found


WEEKDAY_WORDS: dict[str, int] = _lookup(WEEKDAY_NAMES, _WEEKDAY_ALIASES, 0)
"""Every weekday word (lower case) → 0 (Monday) … 6 (Sunday)."""
MONTH_WORDS: dict[str, int] = _lookup(MONTH_NAMES, _MONTH_ALIASES, 1)
"""Every month word (lower case) → 1 … 12."""


def _language(language: str | None) -> str:
    chosen = language or i18n.get_language()
    return chosen if chosen in LANGUAGES else "id"


def weekday_name(weekday: int, language: str | None = None) -> str:
    """0 (Monday) … 6 → 'Senin' … 'Minggu' or 'Monday' … 'Sunday'; default: the run's
    current language."""
    return WEEKDAY_NAMES[_language(language)][weekday]


def month_name(month: int, language: str | None = None) -> str:
    """1 … 12 → 'Januari' … 'Desember' or 'January' … 'December'; default: the current
    language."""
    return MONTH_NAMES[_language(language)][month - 1]


def day_label(day: dt.date, language: str | None = None) -> str:
    """'Kamis 12 November' / 'Thursday 12 November' (the year left out)."""
    return f"{weekday_name(day.weekday(), language)} {day.day} {month_name(day.month, language)}"


def weekday_number(word: str) -> int | None:
    """'Jum'at', 'friday', 'Thu' → 0 … 6; None for a word that is not a weekday."""
    return WEEKDAY_WORDS.get(word.strip().casefold())


def month_number(word: str) -> int | None:
    """'Nop', 'Agustus', 'dec' → 1 … 12; None for a word that is not a month."""
    return MONTH_WORDS.get(word.strip().casefold())


def weekday_key(weekday: int) -> str:
    """The stable English key of a weekday, for machines: 0 → 'monday'."""
    return WEEKDAY_NAMES["en"][weekday].lower()


# postme's format keys (``[formats]``) as people read them in the report and the tabs.
FORMAT_NAMES: dict[str, dict[str, str]] = {
    "id": {
        "photo": "Foto",
        "carousel": "Carousel",
        "video": "Video",
        "reels": "Reels",
        "live": "Live",
        "story": "Story",
    },
    "en": {
        "photo": "Photo",
        "carousel": "Carousel",
        "video": "Video",
        "reels": "Reels",
        "live": "Live",
        "story": "Story",
    },
}


def format_label(format: str, language: str | None = None) -> str:
    """'photo' → 'Foto' / 'Photo'; a format the team added in ``[formats]`` stays as
    written. Default language: the run's current one."""
    return FORMAT_NAMES[_language(language)].get(format, format)
