"""ISO weeks (Monday to Sunday) and the reference date."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cached_property
from zoneinfo import ZoneInfo

from postme.errors import ConfigError
from postme.i18n import _

_WEEK = re.compile(r"^\s*(\d{4})-?W(\d{1,2})\s*$", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class IsoWeek:
    year: int
    week: int

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    # Cached: the analysis compares every row's date with the week's bounds.
    @cached_property
    def start(self) -> dt.date:
        return dt.date.fromisocalendar(self.year, self.week, 1)

    @cached_property
    def end(self) -> dt.date:
        return dt.date.fromisocalendar(self.year, self.week, 7)

    def days(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=i) for i in range(7)]

    def shift(self, weeks: int) -> IsoWeek:
        return week_of(self.start + dt.timedelta(weeks=weeks))

    def __str__(self) -> str:
        return self.label


def week_of(day: dt.date) -> IsoWeek:
    year, week, _weekday = day.isocalendar()
    return IsoWeek(year, week)


def parse_week(text: str) -> IsoWeek:
    """'2026-W47' (or '2026W47') → IsoWeek; a clear error otherwise."""
    match = _WEEK.match(text)
    if match:
        year, week = int(match.group(1)), int(match.group(2))
        try:
            dt.date.fromisocalendar(year, week, 1)
            return IsoWeek(year, week)
        except ValueError:
            pass
    raise ConfigError(
        _("--week {value}: not an ISO week. Write it like 2026-W47 (year, W, week 1–53).").format(
            value=text
        )
    )


def last_complete_week(as_of: dt.date) -> IsoWeek:
    """The last Monday–Sunday week that ended before ``as_of``."""
    return week_of(as_of - dt.timedelta(days=as_of.isoweekday()))


def today_in(zone: ZoneInfo) -> dt.date:
    return dt.datetime.now(zone).date()


def local_date(moment: dt.datetime, zone: ZoneInfo) -> dt.date:
    """The calendar date of an aware (or naive UTC) moment in the team's timezone."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(zone).date()
