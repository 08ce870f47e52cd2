"""The by-programme tab (default ``Analisis Program``): one row per (week, programme),
keyed by both. A programme line left over from an earlier run of a covered week is
blanked, so the tab never shows a stale figure."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from postme.config import Settings
from postme.stores.base import Cell, Tab, WritePlan
from postme.stores.upsert import plan_replace
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
            values.extend(cell_value(getattr(stats, name), zone) for name in PROGRAM_FIELDS)
            values.append(cell_value(report.updated_at, zone))
            rows.append(dict(zip(headers, values, strict=True)))
    return headers, rows


def plan_program_tab(
    plan: WritePlan,
    ordered: Sequence[WeekReport],
    program_tab: Tab | None,
    settings: Settings,
) -> None:
    """Replace the covered weeks' (week, programme) rows, keyed by both: a line left from
    an earlier run of a covered week (its rows moved to another programme) is blanked, so
    the tab never shows a stale figure; "updated" alone is no change."""
    language = settings.language
    week_header = header_in(WEEK_HEADERS["week"], language)
    updated_header = header_in(WEEK_HEADERS["updated_at"], language)
    program_header = header_in(PROGRAM_HEADER, language)
    headers, rows = program_rows(ordered, language, settings.zone)
    plan_replace(
        plan,
        settings.tabs.by_program,
        program_tab,
        headers,
        week_header,
        [r.week for r in ordered],
        rows,
        key=[week_header, program_header],
        volatile=[updated_header],
    )
