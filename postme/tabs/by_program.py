"""The by-programme tab (default ``Analisis Program``): one row per (week, programme),
keyed by both. A programme line left over from an earlier run of a covered week is
blanked, so the tab never shows a stale figure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from postme.config import Settings
from postme.stores.base import Cell, Tab, WritePlan, is_blank
from postme.stores.upsert import compact, plan_upsert
from postme.tabs.weekly import WEEK_HEADERS, cell_value, header_in

if TYPE_CHECKING:
    from postme.analysis import WeekReport

PROGRAM_FIELDS = (
    "program",
    "planned",
    "published",
    "cancelled",
    "missed",
    "plan_adherence_pct",
    "posts",
    "likes",
    "comments",
    "views",
    "interactions",
    "engagement_rate_pct",
)
PROGRAM_HEADER: tuple[str, str] = ("Program", "Programme")


def program_headers(language: str) -> list[str]:
    return [
        header_in(WEEK_HEADERS["week"], language),
        *(
            header_in(PROGRAM_HEADER if name == "program" else WEEK_HEADERS[name], language)
            for name in PROGRAM_FIELDS
        ),
        header_in(WEEK_HEADERS["updated_at"], language),
    ]


def program_rows(
    reports: Sequence[WeekReport], language: str, zone: ZoneInfo | None = None
) -> tuple[list[str], list[dict[str, Cell]]]:
    """Headers and one row per (week, programme) for the by-programme tab."""
    headers = program_headers(language)
    rows = []
    for report in reports:
        for stats in report.by_program:
            values: list[Cell] = [report.week]
            values.extend(cell_value(name, getattr(stats, name), zone) for name in PROGRAM_FIELDS)
            values.append(cell_value("updated_at", report.updated_at, zone))
            rows.append(dict(zip(headers, values, strict=True)))
    return headers, rows


def blank_stale(
    plan: WritePlan,
    tab: Tab,
    headers: Sequence[str],
    week_header: str,
    program_header: str,
    reports: Sequence[WeekReport],
    rows: Sequence[Mapping[str, Cell]],
) -> None:
    week_column = tab.column_index(week_header)
    program_column = tab.column_index(program_header)
    if week_column is None or program_column is None:
        return
    weeks = {r.week.casefold() for r in reports}
    current = {(str(r[week_header]).casefold(), str(r[program_header]).casefold()) for r in rows}
    owned = [c for c in (tab.column_index(h) for h in headers) if c is not None]
    cells: dict[tuple[int, int], Cell] = {}
    for row in tab.rows:
        week = str(row.get(week_column) or "").strip().casefold()
        program = str(row.get(program_column) or "").strip().casefold()
        if week in weeks and (week, program) not in current:
            for column in owned:
                if not is_blank(row.get(column)):
                    cells[(row.number, column)] = None
    plan.writes.extend(compact(tab.title, cells))


def plan_program_tab(
    plan: WritePlan,
    ordered: Sequence[WeekReport],
    program_tab: Tab | None,
    settings: Settings,
) -> None:
    """Upsert the (week, programme) rows and blank the stale lines of covered weeks."""
    language = settings.language
    week_header = header_in(WEEK_HEADERS["week"], language)
    updated_header = header_in(WEEK_HEADERS["updated_at"], language)
    program_header = header_in(PROGRAM_HEADER, language)
    headers, rows = program_rows(ordered, language, settings.zone)
    key = [week_header, program_header]
    plan_upsert(
        plan, settings.tabs.by_program, program_tab, headers, key, rows, volatile=[updated_header]
    )
    if program_tab is not None:
        blank_stale(plan, program_tab, headers, week_header, program_header, ordered, rows)
