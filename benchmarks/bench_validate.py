"""``validate`` on generated calendars: read (build_tab + read_calendar) and the policy
check, default scope and ``--all``, without I/O (the grid as Google would send it)."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import generate

from postme.calendar import calendar_request, read_calendar
from postme.config import settings_from_dict
from postme.parsing import date_to_serial
from postme.policy import validate
from postme.stores.base import build_tab


def as_google(value: Any) -> Any:
    """A cell as Google returns it with UNFORMATTED_VALUE and SERIAL_NUMBER."""
    if isinstance(value, dt.datetime | dt.date):
        return date_to_serial(value)
    if isinstance(value, dt.time):
        return (value.hour * 60 + value.minute) / 1440
    return value


def run(sizes: list[int]) -> list[dict[str, Any]]:
    settings = settings_from_dict(
        generate.settings_dict({"backend": "xlsx", "path": "planner.xlsx"}), env={}
    )
    out = []
    for rows in sizes:
        grid = [[as_google(v) for v in row] for row in generate.make_tabs(rows)["Kalender Konten"]]
        start = time.perf_counter()
        tab = build_tab("Kalender Konten", grid, calendar_request(settings))
        calendar = read_calendar(tab, settings)
        read_s = time.perf_counter() - start
        start = time.perf_counter()
        scoped = validate(calendar, settings, generate.AS_OF)
        scoped_s = time.perf_counter() - start
        start = time.perf_counter()
        everything = validate(calendar, settings, generate.AS_OF, all_rows=True)
        all_s = time.perf_counter() - start
        out.append(
            {
                "rows": rows,
                "read_s": read_s,
                "validate_s": scoped_s,
                "validate_all_s": all_s,
                "findings": len(scoped.findings),
                "findings_all": len(everything.findings),
            }
        )
    return out


if __name__ == "__main__":
    for line in run([1000, 10_000]):
        print(line)
