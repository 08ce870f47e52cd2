"""Health days and national holidays a team greets (README "Definitions", ``upcoming-day``).

Health days come from ``postme/data/health_days.toml`` (Indonesian names, fixed dates,
"2nd thursday"/"last sunday" rules, week-long observances), which a team extends,
overrides or trims in its config. National holidays and cuti bersama come from the
``holidays`` package (Indonesia, Indonesian names), through the table shipped in
``postme/data/holidays_id.json`` (:mod:`postme.holiday_table`). Nothing is written per year.
"""

from __future__ import annotations

import calendar
import datetime as dt
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from postme.errors import ConfigError
from postme.i18n import _
from postme.words import WEEKDAY_WORDS, month_name

NATIONAL_HOLIDAY = "national_holiday"
CUTI_BERSAMA = "cuti_bersama"
HEALTH_DAY = "health_day"


_LAST = -1
_ORDINALS = {
    "1st": 1,
    "2nd": 2,
    "3rd": 3,
    "4th": 4,
    "5th": 5,
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "last": _LAST,
    "pertama": 1,
    "kedua": 2,
    "ketiga": 3,
    "keempat": 4,
    "kelima": 5,
    "ke-1": 1,
    "ke-2": 2,
    "ke-3": 3,
    "ke-4": 4,
    "ke-5": 5,
    "terakhir": _LAST,
}
_KEYS = ("name", "month", "day", "rule", "until", "date", "enabled")


@dataclass(frozen=True)
class SpecialDay:
    """A day that calls for an ``Ucapan Hari Besar`` post.

    ``kind`` is ``"national_holiday"``, ``"cuti_bersama"`` or ``"health_day"``. A
    week-long observance is one special day on its first day, its name giving the span.
    """

    date: dt.date
    name: str
    kind: str


@dataclass(frozen=True)
class HealthDayRule:
    """One health day from the shipped file or a team's config.

    Exactly one of: ``day`` (fixed date in ``month``), ``nth`` + ``weekday`` (e.g. the
    2nd Thursday, ``nth = -1`` for the last), or ``date`` (a one-off, ``month`` is then
    that date's month). ``until`` is the last day of a week-long observance in the same
    month. ``rule`` keeps the rule text as written.
    """

    name: str
    month: int
    day: int | None = None
    rule: str | None = None
    nth: int | None = None
    weekday: int | None = None
    until: int | None = None
    date: dt.date | None = None

    @property
    def display_name(self) -> str:
        """The name, with the span for a week-long observance: "Pekan ASI Sedunia (1–7 Agustus)"."""
        if self.until is None:
            return self.name
        first = self.date.day if self.date is not None else self.day
        return f"{self.name} ({first}–{self.until} {month_name(self.month, 'id')})"


def rule_date(rule: HealthDayRule, year: int) -> dt.date | None:
    """The (first) day of ``rule`` in ``year``; None when it does not fall in that year.

    A one-off falls only in its own year; "5th monday" or 29 February skip years
    without one.
    """
    if rule.date is not None:
        return rule.date if rule.date.year == year else None
    if rule.day is not None:
        if rule.day > calendar.monthrange(year, rule.month)[1]:
            return None
        return dt.date(year, rule.month, rule.day)
    if rule.nth is None or rule.weekday is None:
        return None
    return _nth_weekday(year, rule.month, rule.nth, rule.weekday)


def _nth_weekday(year: int, month: int, nth: int, weekday: int) -> dt.date | None:
    days_in_month = calendar.monthrange(year, month)[1]
    if nth == _LAST:
        last = dt.date(year, month, days_in_month)
        return last - dt.timedelta(days=(last.weekday() - weekday) % 7)
    first = dt.date(year, month, 1)
    day = 1 + (weekday - first.weekday()) % 7 + 7 * (nth - 1)
    return dt.date(year, month, day) if day <= days_in_month else None


def _parse_rule(text: str) -> tuple[int, int] | None:
    words = text.strip().casefold().split()
    if len(words) != 2:
        return None
    a, b = words
    if a in _ORDINALS and b in WEEKDAY_WORDS:
        return _ORDINALS[a], WEEKDAY_WORDS[b]
    if b in _ORDINALS and a in WEEKDAY_WORDS:  # Indonesian order: "kamis kedua"
        return _ORDINALS[b], WEEKDAY_WORDS[a]
    return None


def _as_int(value: object, low: int, high: int) -> int | None:
    """``value`` when it is a whole number from ``low`` to ``high``, else None."""
    if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
        return value
    return None


def _fail(name: str, problem: str) -> ConfigError:
    return ConfigError(
        _("health_days entry '{name}': {problem}").format(name=name, problem=problem)
    )


def _parse_entry(index: int, entry: object) -> HealthDayRule | str:  # noqa: C901  # one check per key
    """One entry as a rule, or its name when it says ``enabled = false``."""
    if not isinstance(entry, Mapping):
        raise ConfigError(
            _("health_days entry {number}: must be a table with name, month and day").format(
                number=index + 1
            )
        )
    raw_name = entry.get("name")
    if not isinstance(raw_name, str) or not raw_name.strip():
        raise ConfigError(
            _("health_days entry {number}: name is missing; give each day a name").format(
                number=index + 1
            )
        )
    name = raw_name.strip()
    for key in entry:
        if key not in _KEYS:
            raise _fail(
                name,
                _("unknown key '{key}'; use name, month, day, rule, until, date or enabled").format(
                    key=key
                ),
            )
    enabled = entry.get("enabled", True)
    if not isinstance(enabled, bool):
        raise _fail(name, _("enabled must be true or false"))
    if not enabled:
        return name

    one_off = entry.get("date")
    if one_off is not None:
        return _parse_one_off(name, entry, one_off)

    if entry.get("month") is None:
        raise _fail(name, _("month is missing; add e.g. month = 3, or a one-off date = 2026-11-20"))
    month = _as_int(entry.get("month"), 1, 12)
    if month is None:
        raise _fail(name, _("month must be a number from 1 to 12"))
    day = entry.get("day")
    rule = entry.get("rule")
    if day is not None and rule is not None:
        raise _fail(name, _("give either day or rule, not both"))
    if day is None and rule is None:
        raise _fail(name, _('day is missing; add e.g. day = 25, or rule = "2nd thursday"'))
    until = entry.get("until")
    if rule is not None:
        parsed = _parse_rule(rule) if isinstance(rule, str) else None
        if parsed is None or not isinstance(rule, str):
            raise _fail(
                name,
                _(
                    'rule "{rule}" is not understood; write e.g. "2nd thursday" or "last sunday"'
                ).format(rule=rule),
            )
        if until is not None:
            raise _fail(name, _("until only works with day (e.g. day = 1, until = 7), not rule"))
        return HealthDayRule(name, month, rule=rule.strip(), nth=parsed[0], weekday=parsed[1])
    max_day = calendar.monthrange(2024, month)[1]  # a leap year: 29 February is allowed
    checked_day = _as_int(day, 1, max_day)
    if checked_day is None:
        raise _fail(
            name,
            _("day must be a number from 1 to {max_day} for month {month}").format(
                max_day=max_day, month=month
            ),
        )
    until_day = _check_until(name, until, checked_day, max_day)
    return HealthDayRule(name, month, day=checked_day, until=until_day)


def _parse_one_off(name: str, entry: Mapping[str, object], value: object) -> HealthDayRule:
    if any(entry.get(key) is not None for key in ("month", "day", "rule")):
        raise _fail(name, _("date is a one-off date; leave out month, day and rule"))
    when: dt.date | None = None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        when = value
    elif isinstance(value, str):
        try:
            when = dt.date.fromisoformat(value.strip())
        except ValueError:
            when = None
    if when is None:
        raise _fail(name, _("date must be a date like 2026-11-20"))
    max_day = calendar.monthrange(when.year, when.month)[1]
    until = _check_until(name, entry.get("until"), when.day, max_day)
    return HealthDayRule(name, when.month, until=until, date=when)


def _check_until(name: str, until: object, first: int, max_day: int) -> int | None:
    if until is None:
        return None
    checked = _as_int(until, first + 1, max_day)
    if checked is None:
        raise _fail(
            name,
            _("until must be a later day of the same month, from {low} to {high}").format(
                low=first + 1, high=max_day
            ),
        )
    return checked


def _parse_entries(entries: Sequence[object]) -> list[HealthDayRule | str]:
    return [_parse_entry(i, entry) for i, entry in enumerate(entries)]


@cache
def _shipped_rules() -> tuple[HealthDayRule, ...]:
    text = files("postme").joinpath("data/health_days.toml").read_text(encoding="utf-8")
    parsed = _parse_entries(tomllib.loads(text).get("day", []))
    return tuple(rule for rule in parsed if isinstance(rule, HealthDayRule))


def _key(rule: HealthDayRule) -> tuple[str, int | None]:
    return rule.name.casefold(), rule.date.year if rule.date is not None else None


def load_health_day_rules(
    extra: Sequence[Mapping[str, object]] = (), replace: bool = False
) -> list[HealthDayRule]:
    """The shipped health days, with a team's ``extra`` entries applied in order.

    An extra entry adds a day; one with a shipped day's name (case ignored) replaces it,
    except that a one-off ``date`` replaces that day in its own year only;
    ``enabled = false`` switches every entry of that name off; ``replace=True`` starts
    from an empty list. Bad entries raise ``ConfigError`` naming the entry and the key.
    """
    merged: dict[tuple[str, int | None], HealthDayRule] = (
        {} if replace else {_key(rule): rule for rule in _shipped_rules()}
    )
    for item in _parse_entries(extra):
        if isinstance(item, HealthDayRule):
            merged[_key(item)] = item
            continue
        gone = [key for key in merged if key[0] == item.casefold()]
        if not gone:
            raise _fail(
                item,
                _("there is no health day of that name to switch off; check the spelling"),
            )
        for key in gone:
            del merged[key]
    return list(merged.values())


def special_days(
    start: dt.date,
    end: dt.date,
    rules: Sequence[HealthDayRule],
    *,
    include_holidays: bool = True,
    include_cuti_bersama: bool = False,
) -> list[SpecialDay]:
    """Every special day from ``start`` to ``end`` inclusive, sorted by date then name.

    Works across year ends. Holiday names are the ``holidays`` package's Indonesian
    names; estimated Islamic dates keep its "(perkiraan)" mark. The package knows cuti
    bersama only for the years the government has announced.
    """
    if start > end:
        return []
    years = range(start.year, end.year + 1)
    found: list[SpecialDay] = []

    one_offs = {_key(rule) for rule in rules if rule.date is not None}
    for rule in rules:
        for year in years:
            if rule.date is None and (rule.name.casefold(), year) in one_offs:
                continue
            when = rule_date(rule, year)
            if when is not None and start <= when <= end:
                found.append(SpecialDay(when, rule.display_name, HEALTH_DAY))

    categories = []
    if include_holidays:
        categories.append(("public", NATIONAL_HOLIDAY))
    if include_cuti_bersama:
        categories.append(("government", CUTI_BERSAMA))
    if categories:
        from postme.holiday_table import indonesian_days  # a shipped table, not `holidays`

        for category, kind in categories:
            for when, name in indonesian_days(years, category):
                if start <= when <= end:
                    found.append(SpecialDay(when, name, kind))

    return sorted(found, key=lambda special: (special.date, special.name, special.kind))
