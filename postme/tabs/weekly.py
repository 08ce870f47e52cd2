"""The weekly analysis tab (default ``Analisis Mingguan``): one row per ISO week, keyed by
the week, and the chart of followers and engagement rate over the weeks.

The figures are computed by :mod:`postme.analysis`; this module only lays them out.
:func:`plan_report_writes` plans this tab and the by-programme tab
(:mod:`postme.tabs.by_program`) together, as one weekly run writes them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from postme.config import Settings
from postme.stores.base import Cell, ChartSpec, Tab, WritePlan
from postme.stores.upsert import plan_upsert

if TYPE_CHECKING:
    from postme.analysis import WeekReport

# field → (Indonesian header, English header), in the tab's column order.
WEEK_HEADERS: Mapping[str, tuple[str, str]] = {
    "week": ("Minggu", "Week"),
    "start": ("Mulai", "Start"),
    "end": ("Selesai", "End"),
    "followers_start": ("Pengikut Awal", "Followers at Start"),
    "followers_end": ("Pengikut Akhir", "Followers at End"),
    "follower_growth": ("Pertumbuhan Pengikut", "Follower Growth"),
    "follower_growth_pct": ("Pertumbuhan (%)", "Growth (%)"),
    "planned": ("Direncanakan", "Planned"),
    "published": ("Terupload", "Published"),
    "cancelled": ("Dibatalkan", "Cancelled"),
    "missed": ("Terlewat", "Missed"),
    "plan_adherence_pct": ("Kepatuhan Rencana (%)", "Plan Adherence (%)"),
    "errors": ("Error", "Errors"),
    "warnings": ("Peringatan", "Warnings"),
    "posts": ("Postingan", "Posts"),
    "likes": ("Suka", "Likes"),
    "comments": ("Komentar", "Comments"),
    "views": ("Tayangan", "Views"),
    "interactions": ("Interaksi", "Interactions"),
    "avg_interactions_per_post": ("Rata-rata Interaksi/Post", "Avg Interactions/Post"),
    "engagement_rate_pct": ("Engagement Rate (%)", "Engagement Rate (%)"),
    "reach_engagement_rate_pct": ("ER Jangkauan (%)", "Reach Engagement Rate (%)"),
    "top_program": ("Program Teratas", "Top Programme"),
    "top_post": ("Postingan Teratas", "Top Post"),
    "updated_at": ("Diperbarui", "Updated"),
}


def header_in(pair: tuple[str, str], language: str) -> str:
    return pair[1] if language == "en" else pair[0]


def week_headers(language: str) -> list[str]:
    return [header_in(pair, language) for pair in WEEK_HEADERS.values()]


def cell_value(value: object, zone: ZoneInfo | None = None) -> Cell:
    """A figure as postme writes it: rates to 2 decimals, dates as ISO text, a moment as
    wall time in ``zone`` (default: its own offset), missing as an empty cell."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        moment = value.astimezone(zone) if zone is not None else value
        return moment.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 2)
    if isinstance(value, str | int | bool):
        return value
    return str(value)


def report_rows(
    reports: Sequence[WeekReport], language: str, zone: ZoneInfo | None = None
) -> tuple[list[str], list[dict[str, Cell]]]:
    """Headers and one row per week for the weekly tab (headers in ``language``; rates
    rounded to 2 decimals; dates as ISO text; missing values empty). ``updated_at`` is
    written as wall time in ``zone`` (default: its own offset)."""
    headers = week_headers(language)
    rows = []
    for report in reports:
        rows.append(
            {
                header: cell_value(getattr(report, name), zone)
                for name, header in zip(WEEK_HEADERS, headers, strict=True)
            }
        )
    return headers, rows


def plan_weekly_tab(
    plan: WritePlan,
    ordered: Sequence[WeekReport],
    weekly_tab: Tab | None,
    settings: Settings,
    trends: Mapping[str, Mapping[str, Cell]],
) -> None:
    """Upsert one row per week (``ordered``: oldest first, so a new week lands last) by
    week, and ask for the chart. "Updated" alone does not count as a change. ``trends``
    (week label → its trend cells, postme.insights_tabs) add their columns at the end."""
    language = settings.language
    week_header = header_in(WEEK_HEADERS["week"], language)
    updated_header = header_in(WEEK_HEADERS["updated_at"], language)
    headers, rows = report_rows(ordered, language, settings.zone)
    for report, row in zip(ordered, rows, strict=True):
        for header, value in trends.get(report.week, {}).items():
            if header not in headers:
                headers.append(header)
            row[header] = value
    plan_upsert(
        plan,
        settings.tabs.weekly,
        weekly_tab,
        headers,
        [week_header],
        rows,
        volatile=[updated_header],
    )
    followers_header = header_in(WEEK_HEADERS["followers_end"], language)
    rate_header = header_in(WEEK_HEADERS["engagement_rate_pct"], language)
    title = (
        "Followers and engagement rate per week"
        if language == "en"
        else "Pengikut dan engagement rate per minggu"
    )
    plan.charts.append(
        ChartSpec(settings.tabs.weekly, title, week_header, (followers_header, rate_header))
    )
