"""Indonesia's public holidays and cuti bersama, from a shipped table.

The table (``postme/data/holidays_id.json``) is generated from the ``holidays`` package
by ``scripts/make_holidays_table.py`` for the years postme plans around; reading it costs
a millisecond, importing ``holidays`` loads about 300 modules. A year outside the table
is asked of the package, so nothing is lost when the table gets old.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

TABLE_PATH = Path(__file__).parent / "data" / "holidays_id.json"
CATEGORIES = ("public", "government")  # national holidays, cuti bersama


@cache
def _table() -> dict[str, Any]:
    try:
        data: dict[str, Any] = json.loads(TABLE_PATH.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"first_year": 0, "last_year": -1}
    return data


def from_package(years: Iterable[int], category: str) -> dict[str, list[str]]:
    """``{"2026-08-17": ["Hari Kemerdekaan Republik Indonesia"], …}`` from ``holidays``."""
    import holidays  # slow to import: only here

    calendar_ = holidays.country_holidays(
        "ID", years=list(years), language="id", categories=(category,)
    )
    return {when.isoformat(): list(calendar_.get_list(when)) for when in sorted(calendar_)}


def indonesian_days(years: range, category: str) -> list[tuple[dt.date, str]]:
    """(date, Indonesian name) of every ``category`` day in ``years``, by date."""
    table = _table()
    covered = table["first_year"] <= years.start and years.stop - 1 <= table["last_year"]
    days = table[category] if covered else from_package(years, category)
    return [
        (dt.date.fromisoformat(when), name)
        for when, names in sorted(days.items())
        if int(when[:4]) in years
        for name in names
    ]
