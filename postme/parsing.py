"""Pure parsers for the values people type into the planner (README "Your own spreadsheet").

Cells arrive as ``str``, ``int``, ``float``, ``bool`` or ``None`` (see
:mod:`postme.stores.base`); date cells are serial day counts from 1899-12-30 with the
time of day as the fraction. Text is read the Indonesian way: the day comes before the
month, two-digit years are 20xx. Anything that is not clear raises :class:`ParseProblem`
with a message that says what is wrong and how to fix it; nothing is guessed silently.

Parsing text is cached per distinct string (a 100k-row calendar repeats the same few
thousand dates), and the ``parse_dates``/``parse_times`` helpers de-duplicate a whole
column first.
"""

from __future__ import annotations

import calendar
import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Literal, TypeVar

from postme.i18n import _
from postme.stores.base import Cell
from postme.words import MONTH_WORDS, WEEKDAY_WORDS, month_name, weekday_name

ProblemKind = Literal["unrecognised", "ambiguous", "impossible", "relative", "no-year"]

# Sheets serial numbers: day 0 is 1899-12-30; 2958465 is 9999-12-31.
SERIAL_EPOCH = date(1899, 12, 30)
MIN_SERIAL = 1
MAX_SERIAL = 2958465
_EPOCH_ORDINAL = SERIAL_EPOCH.toordinal()
_SECONDS_PER_DAY = 86400

# Text longer than this is never a date, time or count: refuse it without regex or cache.
_MAX_TEXT = 120
_CACHE_SIZE = 1 << 16


class ParseProblem(Exception):
    """A cell value that cannot be read without guessing.

    ``kind`` is one of ``unrecognised``, ``ambiguous``, ``impossible``, ``relative``,
    ``no-year``; ``message`` (also ``str(e)``) says what is wrong and how to fix it.
    """

    def __init__(self, kind: ProblemKind, message: str, value: object = None) -> None:
        super().__init__(message)
        self.kind: ProblemKind = kind
        self.message = message
        self.value = value

    def __reduce__(self) -> tuple[type[ParseProblem], tuple[ProblemKind, str, object]]:
        return (ParseProblem, (self.kind, self.message, self.value))


@dataclass(frozen=True)
class _Failure:
    """A cached parse failure; the message is built (and translated) when raised."""

    kind: ProblemKind
    message: Callable[[], str]

    def problem(self, value: object) -> ParseProblem:
        return ParseProblem(self.kind, self.message(), value)


# ---------------------------------------------------------------------------------------
# Serial numbers


def serial_to_date(serial: float) -> date:
    """Sheets serial day number → date (the fraction, a time of day, is dropped)."""
    if not math.isfinite(serial):
        raise ValueError(f"not a serial day number: {serial!r}")
    ordinal = _EPOCH_ORDINAL + math.floor(serial)
    if not 1 <= ordinal <= date.max.toordinal():
        raise ValueError(f"serial day number out of range: {serial!r}")
    return date.fromordinal(ordinal)


def serial_to_datetime(serial: float) -> datetime:
    """Sheets serial → naive datetime, rounded to the nearest second."""
    day = serial_to_date(serial)
    seconds = round((serial - math.floor(serial)) * _SECONDS_PER_DAY)
    return datetime(day.year, day.month, day.day) + timedelta(seconds=seconds)


def date_to_serial(value: date | datetime) -> float:
    """date or datetime → Sheets serial. A timezone, if any, is ignored (wall time kept)."""
    days = float(value.toordinal() - _EPOCH_ORDINAL)
    if isinstance(value, datetime):
        seconds = value.hour * 3600 + value.minute * 60 + value.second
        days += (seconds + value.microsecond / 1_000_000) / _SECONDS_PER_DAY
    return days


# ---------------------------------------------------------------------------------------
# Words (weekday and month words: postme.words)

_RELATIVE = re.compile(
    r"\b(besok|bsk|esok|lusa|kemarin|kemaren|hari ini|sekarang|nanti|depan|ini|"
    r"tomorrow|today|tonight|yesterday|now|next|this)\b"
)


def show_value(value: object) -> str:
    """The raw value as quoted in a message, cut short when long."""
    if isinstance(value, str):
        text = " ".join(value.split())
        if len(text) > 40:
            text = text[:39] + "…"
        return f"'{text}'"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        return _("a very large number")
    return str(value)


def _dmy(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


# ---------------------------------------------------------------------------------------
# Failures for dates


def _date_unrecognised(shown: str) -> _Failure:
    return _Failure(
        "unrecognised",
        lambda: _(
            "{value} is not a date postme can read. Type the date as day/month/year, "
            "for example 16/11/2026."
        ).format(value=shown),
    )


def _date_relative(shown: str) -> _Failure:
    return _Failure(
        "relative",
        lambda: _(
            "{value} depends on the day it is read, so it is not a date. Type the actual "
            "date as day/month/year, for example 16/11/2026."
        ).format(value=shown),
    )


def _date_no_year(shown: str) -> _Failure:
    return _Failure(
        "no-year",
        lambda: _(
            "{value} has no year. Type the full date as day/month/year, for example 16/11/2026."
        ).format(value=shown),
    )


def _date_impossible(shown: str, year: int, month: int, day: int, numeric: bool) -> _Failure:
    if numeric and month > 12 and 1 <= day <= 12 and month <= 31:
        swapped = _valid_date(year, day, month)
        if swapped is not None:
            hint = _dmy(swapped)
            return _Failure(
                "impossible",
                lambda: _(
                    "{value} is not a real date: there is no month {month}. The day comes "
                    "first, then the month. Type the date as {hint} (day/month/year)."
                ).format(value=shown, month=month, hint=hint),
            )
    if not 1 <= month <= 12:
        return _Failure(
            "impossible",
            lambda: _(
                "{value} is not a real date: there is no month {month}. Type the date as "
                "day/month/year, for example 16/11/2026."
            ).format(value=shown, month=month),
        )
    if not 1 <= year <= 9999:
        return _date_unrecognised(shown)
    last = calendar.monthrange(year, month)[1]
    example = _dmy(date(year, month, min(max(day, 1), last)))
    if day < 1:
        return _Failure(
            "impossible",
            lambda: _(
                "{value} is not a real date: there is no day 0. Type a real date as "
                "day/month/year, for example {example}."
            ).format(value=shown, example=example),
        )
    return _Failure(
        "impossible",
        lambda: _(
            "{value} is not a real date ({month} {year} has {days} days). Type a real date "
            "as day/month/year, for example {example}."
        ).format(value=shown, month=month_name(month), year=year, days=last, example=example),
    )


def _weekday_mismatch(shown: str, day: date, given: int) -> _Failure:
    return _Failure(
        "ambiguous",
        lambda: _(
            "{value}: {date} is a {actual}, not a {given}. Check which one is right and fix "
            "the date or the day name."
        ).format(
            value=shown,
            date=_dmy(day),
            actual=weekday_name(day.weekday()),
            given=weekday_name(given),
        ),
    )


def _valid_date(year: int, month: int, day: int) -> date | None:
    if 1 <= year <= 9999 and 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]:
        return date(year, month, day)
    return None


# ---------------------------------------------------------------------------------------
# Date and datetime text

_TZ = r"(?:z|utc|gmt|[+-]\d{2}(?::?\d{2})?)"
_LOCAL_TZ = r"(?:wib|wita|wit)"
_TIME_TAIL = (
    r"(?:(?:\s*t\s*|\s*,?\s+)(?:(?:pukul|pkl|jam|at)\.?\s*)?"
    r"(?P<hh>\d{1,2})[:.](?P<mi>\d{2})(?:[:.](?P<ss>\d{2})(?:[.,](?P<us>\d{1,9}))?)?"
    r"\s*(?P<ampm>a\.?m\.?|p\.?m\.?)?"
    rf"\s*(?:(?P<tz>{_TZ})|{_LOCAL_TZ})?)?"
)
_ISO = re.compile(
    r"(?P<y>\d{4})\s*(?P<sep>[-/.])\s*(?P<m>\d{1,2})\s*(?P=sep)\s*(?P<d>\d{1,2})" + _TIME_TAIL,
    re.ASCII,
)
_NUMERIC = re.compile(
    r"(?P<a>\d{1,2})\s*(?P<sep>[-/.])\s*(?P<b>\d{1,2})\s*(?P=sep)\s*(?P<y>\d{4}|\d{2})"
    + _TIME_TAIL,
    re.ASCII,
)
_NAMED_DMY = re.compile(
    r"(?P<d>\d{1,2})(?:st|nd|rd|th)?[\s\-/.,]*(?P<mon>[a-z]+)\.?[\s\-/.,]*(?P<y>\d{4}|\d{2})"
    + _TIME_TAIL,
    re.ASCII,
)
_NAMED_MDY = re.compile(
    r"(?P<mon>[a-z]+)\.?[\s\-/.,]*(?P<d>\d{1,2})(?:st|nd|rd|th)?[\s,]+(?P<y>\d{4})" + _TIME_TAIL,
    re.ASCII,
)
_NO_YEAR = re.compile(
    r"\d{1,2}\s*[-/.]\s*\d{1,2}|\d{1,2}(?:st|nd|rd|th)?[\s\-/.]*(?P<m1>[a-z]+)\.?"
    r"|(?P<m2>[a-z]+)\.?\s*\d{1,2}(?:st|nd|rd|th)?",
    re.ASCII,
)
_LEADING_WORD = re.compile(r"(?P<word>[a-z']+)\.?(?:\s*,\s*|\s+|$)(?P<rest>.*)", re.ASCII)
_TGL = re.compile(r"(?:tanggal|tgl)\.?\s*(?P<rest>.*)", re.ASCII)
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'"})


# Typed years outside this range are typos (a serial number may still be any date).
_FIRST_YEAR = 1900
_LAST_YEAR = 2199


@dataclass(frozen=True)
class _Moment:
    day: date
    clock: time | None  # None when the text has no time of day


def _clean(text: str) -> str:
    cleaned = " ".join(text.casefold().translate(_QUOTES).split())
    return cleaned.strip(" ,;").rstrip(".")


def _year(text: str) -> int:
    return 2000 + int(text) if len(text) == 2 else int(text)


def _hour_with_period(hour: int, period: str) -> int | None:
    """12-hour clock words → 24-hour hour; ``None`` when the pair makes no sense."""
    period = period.replace(".", "")
    if hour > 12 or hour == 0:
        # Already a 24-hour value: accept only a period word that agrees with it.
        if hour == 0:
            return 0 if period in ("am", "malam") else None
        if period in ("pm",) or (period == "siang" and hour <= 15):
            return hour
        if (period == "sore" and 14 <= hour <= 19) or (period == "malam" and hour >= 18):
            return hour
        return None
    if period == "am":
        return 0 if hour == 12 else hour
    if period == "pm":
        return 12 if hour == 12 else hour + 12
    if period == "pagi":
        return hour if hour <= 11 else None
    if period == "siang":
        return hour if hour >= 10 else (hour + 12 if hour <= 4 else None)
    if period == "sore":
        return hour + 12 if 2 <= hour <= 7 else None
    if period == "malam":
        if hour == 12:
            return 0
        return hour + 12 if hour >= 6 else hour
    return None


def _tail_time(match: re.Match[str], shown: str) -> time | None | _Failure:
    if match.group("hh") is None:
        return None
    hour, minute = int(match.group("hh")), int(match.group("mi"))
    second = int(match.group("ss") or 0)
    micro = int((match.group("us") or "0")[:6].ljust(6, "0"))
    if match.group("ampm"):
        converted = _hour_with_period(hour, match.group("ampm"))
        if converted is None:
            return _time_impossible(shown)
        hour = converted
    if hour > 23 or minute > 59 or second > 59:
        return _time_impossible(shown)
    offset = match.group("tz")
    tzinfo: timezone | None = None
    if offset is not None:
        tzinfo = _offset(offset)
    return time(hour, minute, second, micro, tzinfo=tzinfo)


def _offset(text: str) -> timezone:
    if text in ("z", "utc", "gmt"):
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


@lru_cache(maxsize=_CACHE_SIZE)
def _moment_from_text(text: str, month_first: bool) -> _Moment | _Failure:
    shown = show_value(text)
    cleaned = _clean(text)
    if not cleaned or cleaned.startswith("="):  # a formula typed as text is not a date
        return _date_unrecognised(shown)
    body = cleaned
    weekday: int | None = None
    leading = _LEADING_WORD.fullmatch(body)
    if leading and leading.group("word") in WEEKDAY_WORDS:
        weekday = WEEKDAY_WORDS[leading.group("word")]
        body = leading.group("rest")
    tgl = _TGL.fullmatch(body)
    if tgl:
        body = tgl.group("rest")

    found = _moment_from_body(body, shown, month_first)
    if isinstance(found, _Failure):
        if found.kind == "unrecognised" and (
            _RELATIVE.search(cleaned) or (weekday is not None and not body)
        ):
            return _date_relative(shown)
        return found
    if weekday is not None and found.day.weekday() != weekday:
        return _weekday_mismatch(shown, found.day, weekday)
    return found


def _moment_from_body(body: str, shown: str, month_first: bool) -> _Moment | _Failure:
    match = _ISO.fullmatch(body)
    if match:
        year, month, day = int(match.group("y")), int(match.group("m")), int(match.group("d"))
        numeric = False
    elif match := _NUMERIC.fullmatch(body):
        a, b = int(match.group("a")), int(match.group("b"))
        day, month = (b, a) if month_first else (a, b)
        year = _year(match.group("y"))
        numeric = not month_first
    elif (match := _NAMED_DMY.fullmatch(body) or _NAMED_MDY.fullmatch(body)) and match.group(
        "mon"
    ) in MONTH_WORDS:
        day, month = int(match.group("d")), MONTH_WORDS[match.group("mon")]
        year = _year(match.group("y"))
        numeric = False
    else:
        no_year = _NO_YEAR.fullmatch(body)
        if no_year and (no_year.group("m1") or no_year.group("m2") or "") in MONTH_WORDS:
            return _date_no_year(shown)
        if no_year and not (no_year.group("m1") or no_year.group("m2")):
            return _date_no_year(shown)
        return _date_unrecognised(shown)
    if not _FIRST_YEAR <= year <= _LAST_YEAR:
        return _Failure(
            "impossible",
            lambda: _(
                "{value}: the year {year} cannot be right. Type the date as day/month/year "
                "with the full year, for example 16/11/2026."
            ).format(value=shown, year=year),
        )
    day_value = _valid_date(year, month, day)
    if day_value is None:
        return _date_impossible(shown, year, month, day, numeric)
    clock = _tail_time(match, shown)
    if isinstance(clock, _Failure):
        return clock
    return _Moment(day_value, clock)


# ---------------------------------------------------------------------------------------
# Public date parsers

DateInput = Cell | date


def _other_type(value: object) -> _Failure:
    return _date_unrecognised(show_value(value))


def _date_or_failure(value: DateInput) -> date | _Failure | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return _other_type(value)
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float):
        if not math.isfinite(value) or not MIN_SERIAL <= value < MAX_SERIAL + 1:
            return _Failure(
                "unrecognised",
                lambda: _(
                    "{value} is a number, not a date. Type the date as day/month/year, "
                    "for example 16/11/2026, or format the cell as a date."
                ).format(value=show_value(value)),
            )
        return serial_to_date(value)
    if isinstance(value, str):
        if not value.strip():
            return None
        if len(value) > _MAX_TEXT:
            return _date_unrecognised(show_value(value))
        found = _moment_from_text(value, False)
        return found if isinstance(found, _Failure) else found.day
    return _other_type(value)


def parse_date(value: DateInput) -> date | None:
    """A date cell as typed in Indonesia → date; ``None`` for a blank cell.

    Raises :class:`ParseProblem` for anything that is not one clear date.
    """
    found = _date_or_failure(value)
    if isinstance(found, _Failure):
        raise found.problem(value)
    return found


def parse_datetime_cell(value: DateInput, *, month_first: bool = False) -> datetime | None:
    """A date-and-time cell (e.g. ``posted_at``) → datetime; ``None`` for a blank cell.

    Serials give naive datetimes; text with an explicit offset (``Z``, ``+07:00``) gives an
    aware one, other text a naive one. A date without a time is midnight.
    ``month_first=True`` reads ``03/27/2026 06:08`` the way Meta Business Suite exports it.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, int | float) and not isinstance(value, bool):
        checked = _date_or_failure(value)
        if isinstance(checked, _Failure):
            raise checked.problem(value)
        return serial_to_datetime(value)
    if isinstance(value, str):
        if not value.strip():
            return None
        if len(value) > _MAX_TEXT:
            raise _date_unrecognised(show_value(value)).problem(value)
        found = _moment_from_text(value, month_first)
        if isinstance(found, _Failure):
            raise found.problem(value)
        if found.clock is None:
            return datetime(found.day.year, found.day.month, found.day.day)
        return datetime.combine(found.day, found.clock)
    raise _other_type(value).problem(value)


# ---------------------------------------------------------------------------------------
# Times

_TIME_PREFIX = re.compile(r"(?:(?:pukul|pkl|jam|at|@)\.?\s*)+(?P<rest>.*)", re.ASCII)
_TIME_ZONE_WORD = re.compile(r"\(?\b(?:wib|wita|wit)\b\)?", re.ASCII)
_TIME_RANGE = re.compile(r"\s*(?:-|\u2013|\u2014|~|s/d|s\.d\.?|sd|sampai|hingga|until|to)\s*")
_TIME_CORE = re.compile(
    r"(?P<h>\d{1,2})(?:\s*[:.]\s*(?P<m>\d{2})(?:\s*[:.]\s*(?P<s>\d{2}))?)?"
    r"\s*(?P<p>a\.?m\.?|p\.?m\.?|pagi|siang|sore|malam)?",
    re.ASCII,
)


def _time_unrecognised(shown: str) -> _Failure:
    return _Failure(
        "unrecognised",
        lambda: _(
            "{value} is not a time postme can read. Type the time as hours:minutes on the "
            "24-hour clock, for example 19:00."
        ).format(value=shown),
    )


def _time_impossible(shown: str) -> _Failure:
    return _Failure(
        "impossible",
        lambda: _(
            "{value} is not a real time (hours go from 00 to 23, minutes from 00 to 59). "
            "Type the time on the 24-hour clock, for example 19:00."
        ).format(value=shown),
    )


def _time_ambiguous(shown: str) -> _Failure:
    return _Failure(
        "ambiguous",
        lambda: _(
            "{value} could mean more than one time. Type the time on the 24-hour clock, "
            "for example 07:00 for the morning or 19:00 for the evening."
        ).format(value=shown),
    )


@lru_cache(maxsize=_CACHE_SIZE)
def _time_from_text(text: str) -> time | _Failure:
    shown = show_value(text)
    cleaned = _clean(text)
    body = cleaned
    if prefix := _TIME_PREFIX.fullmatch(body):
        body = prefix.group("rest")
    body = _TIME_ZONE_WORD.sub(" ", body).strip()
    parts = _TIME_RANGE.split(body, maxsplit=1)
    start = parts[0].strip()
    end = parts[1].strip() if len(parts) > 1 else None
    if end is not None and not _is_range_end(end):
        start = ""  # "19.00 - x": not a range of times, so not a time we can trust
    match = _TIME_CORE.fullmatch(start)
    end_match = _TIME_CORE.fullmatch(end) if end else None
    if match and end_match and end_match.group("p") and not match.group("p"):
        return _time_ambiguous(shown)  # "7 - 9 pm": is the start 07:00 or 19:00?
    if match is None:
        # A whole date and time typed in the time column: take its time.
        moment = _moment_from_text(text, False)
        if isinstance(moment, _Moment) and moment.clock is not None:
            return moment.clock.replace(tzinfo=None)
        return _time_unrecognised(shown)
    hour = int(match.group("h"))
    minute = int(match.group("m") or 0)
    second = int(match.group("s") or 0)
    if hour > 23 or minute > 59 or second > 59:
        return _time_impossible(shown)
    if match.group("p"):
        converted = _hour_with_period(hour, match.group("p"))
        if converted is None:
            return _time_ambiguous(shown)
        hour = converted
    return time(hour, minute, second)


_RANGE_END_WORDS = frozenset({"selesai", "finish", "end", "habis", "done"})


def _is_range_end(text: str) -> bool:
    match = _TIME_CORE.fullmatch(text)
    if match is None:
        return text in _RANGE_END_WORDS
    if match.group("p") and _hour_with_period(int(match.group("h")), match.group("p")) is None:
        return False
    minute = int(match.group("m") or 0)
    return int(match.group("h")) <= 23 and minute <= 59


def _time_or_failure(value: DateInput) -> time | _Failure | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return _time_unrecognised(show_value(value))
    if isinstance(value, datetime):
        return value.time()
    if isinstance(value, int):
        if 0 <= value <= 23:
            return time(value)
        return _time_unrecognised(show_value(value))
    if isinstance(value, float):
        if not math.isfinite(value) or value < 0 or value >= MAX_SERIAL + 1:
            return _time_unrecognised(show_value(value))
        if value.is_integer():
            return time(int(value)) if value <= 23 else _time_unrecognised(show_value(value))
        if 1 <= value < 24:
            # 19.3 is a number typed as 19.30 (or 19.3 of something): not a time cell.
            return _Failure(
                "ambiguous",
                lambda: _(
                    "{value} is a number, not a time. Type the time with a colon, for "
                    "example 19:30, or format the column as time."
                ).format(value=show_value(value)),
            )
        fraction = value - math.floor(value)
        minutes = min(round(fraction * 1440), 1439)
        return time(minutes // 60, minutes % 60)
    if isinstance(value, str):
        if not value.strip():
            return None
        if len(value) > _MAX_TEXT:
            return _time_unrecognised(show_value(value))
        return _time_from_text(value)
    return _time_unrecognised(show_value(value))


def parse_time(value: DateInput) -> time | None:
    """A time cell → time of day; ``None`` for a blank cell.

    Serial fractions are rounded to the nearest minute; text is read on the 24-hour clock
    unless it says AM/PM (or pagi/siang/sore/malam); ``19:00 - 20:00`` gives the start.
    """
    found = _time_or_failure(value)
    if isinstance(found, _Failure):
        raise found.problem(value)
    return found


# ---------------------------------------------------------------------------------------
# Whole columns

_T = TypeVar("_T")


def _many(
    values: Sequence[DateInput], one: Callable[[DateInput], _T | _Failure | None]
) -> list[_T | ParseProblem | None]:
    seen: dict[tuple[type, object], _T | ParseProblem | None] = {}
    out: list[_T | ParseProblem | None] = []
    for value in values:
        key = (type(value), value)
        if key in seen:
            out.append(seen[key])
            continue
        found = one(value)
        result: _T | ParseProblem | None = (
            found.problem(value) if isinstance(found, _Failure) else found
        )
        seen[key] = result
        out.append(result)
    return out


def parse_dates(values: Sequence[DateInput]) -> list[date | ParseProblem | None]:
    """:func:`parse_date` over a column, each distinct value parsed once; problems are
    returned in place (not raised)."""
    return _many(values, _date_or_failure)


def parse_times(values: Sequence[DateInput]) -> list[time | ParseProblem | None]:
    """:func:`parse_time` over a column, each distinct value parsed once."""
    return _many(values, _time_or_failure)


# ---------------------------------------------------------------------------------------
# Counts

_GROUPED = re.compile(r"\d{1,3}(?:(?P<sep>[.,\s'])\d{3})(?:(?P=sep)\d{3})*", re.ASCII)
_PLAIN = re.compile(r"\d{1,18}", re.ASCII)
_DECIMAL = re.compile(r"(?P<int>\d{1,18})[.,](?P<frac>\d{1,9})", re.ASCII)
_SUFFIXED = re.compile(
    r"(?P<num>\d{1,15}(?:[.,]\d{1,6})?)\s*(?P<unit>rb|ribu|k|jt|juta|m|mio)\.?", re.ASCII
)
_UNITS = {"rb": 1_000, "ribu": 1_000, "k": 1_000, "jt": 1_000_000, "juta": 1_000_000}
_UNITS |= {"m": 1_000_000, "mio": 1_000_000}


def _count_unrecognised(value: object) -> ParseProblem:
    return ParseProblem(
        "unrecognised",
        _(
            "{value} is not a number postme can read. Type a whole number, for example "
            "1234 (1.234, 1,2 rb and 2 jt are read too)."
        ).format(value=show_value(value)),
        value,
    )


def _count_negative(value: object) -> ParseProblem:
    return ParseProblem(
        "impossible",
        _("{value} is below zero, and a count cannot be. Type a whole number, 0 or more.").format(
            value=show_value(value)
        ),
        value,
    )


def _count_fraction(value: object) -> ParseProblem:
    return ParseProblem(
        "impossible",
        _(
            "{value} is not a whole number, and a count must be. Type it as for example 1234."
        ).format(value=show_value(value)),
        value,
    )


def parse_count(value: Cell) -> int | None:
    """A count (likes, reach, views) → int; ``None`` for a blank cell.

    ``1.234``, ``1,234`` and ``1 234`` are 1234 (groups of three digits); ``1,2 rb``,
    ``1.2K`` → 1200; ``2 jt``, ``2M`` → 2000000.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise _count_unrecognised(value)
    if isinstance(value, int | float):
        return _count_of_number(value)
    if not isinstance(value, str):
        raise _count_unrecognised(value)
    return _count_of_text(value)


def _count_of_number(value: int | float) -> int:
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _count_unrecognised(value)
        if value < 0:
            raise _count_negative(value)
        if abs(value - round(value)) > 1e-6:
            raise _count_fraction(value)
        return int(round(value))
    if value < 0:
        raise _count_negative(value)
    return value


def _count_of_text(value: str) -> int | None:
    text = " ".join(value.casefold().split())
    if not text:
        return None
    if len(text) > 40:
        raise _count_unrecognised(value)
    if text.startswith("-") and any(c.isdigit() for c in text):
        body = text[1:].strip()
        if _PLAIN.fullmatch(body) or _GROUPED.fullmatch(body) or _DECIMAL.fullmatch(body):
            raise _count_negative(value)
        raise _count_unrecognised(value)
    if _PLAIN.fullmatch(text):
        return int(text)
    if _GROUPED.fullmatch(text):
        return int(re.sub(r"\D", "", text))
    if match := _DECIMAL.fullmatch(text):
        if int(match.group("frac")) != 0:
            raise _count_fraction(value)
        return int(match.group("int"))
    if match := _SUFFIXED.fullmatch(text):
        try:
            number = Decimal(match.group("num").replace(",", "."))
        except InvalidOperation:  # pragma: no cover - the regex only lets digits through
            raise _count_unrecognised(value) from None
        return int((number * _UNITS[match.group("unit")]).to_integral_value())
    raise _count_unrecognised(value)


# ---------------------------------------------------------------------------------------
# Labels and text


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=_CACHE_SIZE)
def _normalize_label_text(text: str) -> str:
    # Folded again once the accents are gone: bold letters pasted from Instagram
    # ("𝐍𝐢𝐜𝐞") only become plain capitals there (as in fold_text).
    folded = _strip_accents(text.casefold()).casefold()
    kept = "".join(c if c.isalnum() else " " for c in folded)
    return " ".join(kept.split())


def normalize_label(text: Cell) -> str:
    """A status/programme/format cell → a comparable key: casefolded, accents, emoji and
    punctuation removed, spaces collapsed (``"  Terupload ✅ "`` → ``"terupload"``)."""
    if text is None:
        return ""
    if isinstance(text, bool):
        return "true" if text else "false"
    if isinstance(text, int):
        return str(text) if text.bit_length() < 1000 else ""
    if isinstance(text, float):
        if math.isfinite(text) and text.is_integer() and abs(text) < 1e15:
            return str(int(text))
        return _normalize_label_text(str(text))
    if not isinstance(text, str):  # not a cell type; read whatever it prints as
        text = str(text)
    if len(text) > 1000:  # too long to be a label worth caching
        return _normalize_label_text.__wrapped__(text)
    return _normalize_label_text(text)


def fold_text(text: str) -> str:
    """Casefold, strip accents and collapse whitespace, keeping punctuation. Folded
    again after the accents go: the compatibility letters of "𝐍𝐢𝐜𝐞 𝐭𝐨 𝐊𝐧𝐨𝐰" (bold
    text pasted from Instagram) only become plain capitals there."""
    return " ".join(_strip_accents(text.casefold()).casefold().split())


@lru_cache(maxsize=4096)
def _phrase_pattern(phrase: str) -> re.Pattern[str] | None:
    words = fold_text(phrase).split()
    if not words:
        return None
    body = r"\s+".join(re.escape(word) for word in words)
    start = r"(?<!\w)" if re.match(r"\w", words[0]) else ""
    end = r"(?!\w)" if re.search(r"\w$", words[-1]) else ""
    return re.compile(start + body + end)


def contains_phrase(text: str, phrase: str) -> bool:
    """Whether ``phrase`` occurs in ``text`` as whole words, ignoring case and accents."""
    pattern = _phrase_pattern(phrase)
    return pattern is not None and pattern.search(fold_text(text)) is not None


_HASHTAG = re.compile(r"(?<![\w&])#(\w+)")
_MENTION = re.compile(r"(?<![\w.@])@([A-Za-z0-9._]+)")


def extract_hashtags(text: str) -> list[str]:
    """Hashtags as Instagram links them, in order, with the ``#`` and the case as typed.

    A hashtag is ``#`` then letters (any script), digits or ``_``, and not only digits.
    """
    return [f"#{tag}" for tag in _HASHTAG.findall(text) if not tag.isdigit()]


def extract_mentions(text: str) -> list[str]:
    """@mentions as Instagram links them, in order, with the ``@``; e-mail addresses are
    not mentions, and a full stop ending a sentence is not part of the name."""
    found = []
    for name in _MENTION.findall(text):
        name = name.rstrip(".")
        if name and len(name) <= 30:
            found.append(f"@{name}")
    return found
