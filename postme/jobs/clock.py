"""The clock of one run, decided once.

The rule: rows due *today* are judged against the clock only on a real "today" run.
With ``--as-of`` (a re-run of an old week, a test) there is no "now" to judge by: a
row due that day is not yet missed. "Updated at" and "collected at" always carry the
real moment (or the one a test gives).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from postme.weeks import local_date


@dataclass(frozen=True)
class Clock:
    as_of: dt.date  # the reference date: "last complete week" counts back from it
    now: dt.datetime | None  # the moment rows due today are judged by; None with --as-of
    stamp: dt.datetime  # written as "updated at" / "collected at"


def run_clock(
    zone: ZoneInfo, as_of: dt.date | None = None, real_now: dt.datetime | None = None
) -> Clock:
    """The clock for a run on ``as_of`` (default: today in ``zone``). ``real_now`` is the
    real moment (default: the system clock)."""
    moment = real_now or dt.datetime.now(zone)
    if as_of is None:
        return Clock(as_of=local_date(moment, zone), now=moment, stamp=moment)
    return Clock(as_of=as_of, now=None, stamp=moment)
