"""Small builders for calendar tests: a Tab, Settings and a Calendar from a few dicts.

Rows are dicts keyed by logical field (``"date"``, ``"caption"``) or by a header as it
appears in the sheet (``"Tanggal"``). The tab goes through ``build_tab``, the same code
both stores use, so blank rows are dropped and blanks become ``None`` exactly as in a
real read.

    tab = make_tab([{"date": "16/11/2026", "program": "NTK", "caption": "Halo"}])
    calendar = make_calendar([...], settings=make_settings(policy={"mentions_max": 3}))
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from postme.calendar import Calendar, read_calendar
from postme.config import CalendarColumns, Settings, settings_from_dict
from postme.stores.base import Cell, Tab, TabRequest, build_tab

# Logical field → the default Indonesian header, in the default column order:
# A Tanggal, B Jam, C Program, D Format, E Judul, F Caption, G Hashtag, H Pembuat Konten,
# I Redaksi, J Verifikator, K Status, L Link, M Catatan.
FIELD_HEADERS: dict[str, str] = {
    name: str(getattr(CalendarColumns(), name)) for name in CalendarColumns.model_fields
}
DEFAULT_HEADERS: tuple[str, ...] = tuple(FIELD_HEADERS.values())


def make_tab(
    rows: Sequence[Mapping[str, Cell]],
    headers: Sequence[str] = DEFAULT_HEADERS,
    title: str = "Kalender Konten",
    first_row: int = 2,
    banner: str | None = None,
) -> Tab:
    """A calendar tab whose header sits on sheet row ``first_row - 1`` and whose rows
    start on ``first_row``. ``banner`` puts a title text in A1 above the header (only
    when ``first_row >= 3``); other rows above the header are blank."""
    if first_row < 2:
        raise ValueError("first_row must be 2 or more (the header is on the row above)")
    width = len(headers)
    grid: list[list[Cell]] = [[None] * width for _ in range(first_row - 2)]
    if banner is not None:
        if not grid:
            raise ValueError("a banner needs first_row >= 3")
        grid[0][0] = banner
    grid.append(list(headers))
    for row in rows:
        values: list[Cell] = [None] * width
        for key, value in row.items():
            header = FIELD_HEADERS.get(key, key)
            values[list(headers).index(header)] = value
        grid.append(values)
    return build_tab(title, grid, TabRequest(title=title, header_row=first_row - 1))


def make_settings(**overrides: Any) -> Settings:
    """Settings for an .xlsx sheet with the defaults, plus top-level config sections as
    dicts, e.g. ``make_settings(policy={"severity": {"outside-hours": "off"}})``."""
    data: dict[str, Any] = {"sheet": {"backend": "xlsx", "path": "planner.xlsx"}}
    data.update(overrides)
    return settings_from_dict(data, env={})


def make_calendar(
    rows: Sequence[Mapping[str, Cell]],
    settings: Settings | None = None,
    **tab_options: Any,
) -> Calendar:
    """``read_calendar(make_tab(rows, ...), settings)``."""
    return read_calendar(make_tab(rows, **tab_options), settings or make_settings())
