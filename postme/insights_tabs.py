"""Tab layouts of the history work, as pure functions: header + records, then planned
into a :class:`WritePlan` with :mod:`postme.stores.upsert`.

- ``Waktu Terbaik`` (``[report] best_time_tab``): one row per weekday, one engagement
  column per time band (a colour-scale heat map, drawn by each store) and one post-count
  column per band, and a summary row. A band's engagement is shown only when it has
  ``min_posts`` posts (ranked); its post count is always shown.
- ``Laporan Bulanan`` (``[report] tab``): one row per month, upserted by month.
- the city league table: one row per account per month, replaced by month.

Headers come in the team's language as (Indonesian, English) pairs, like the weekly tabs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from postme.stores.base import Cell, ColorScaleSpec, Tab, WritePlan
from postme.stores.upsert import plan_replace, plan_upsert
from postme.tabs.weekly import cell_value, header_in

if TYPE_CHECKING:
    from postme.calendar import Calendar
    from postme.config import Settings
    from postme.history import BestTime, Insights, Trends
    from postme.metrics import FollowerPoint, PostMetric
    from postme.monthly import LeagueRow, MonthlyReport

Layout = tuple[list[str], list[dict[str, Cell]]]


# --- Waktu Terbaik -----------------------------------------------------------------------------

DAY = ("Hari", "Day")
RATE = ("ER {band} (%)", "ER {band} (%)")
COUNT = ("Postingan {band}", "Posts {band}")
NOTE = ("Catatan", "Note")
UPDATED = ("Diperbarui", "Updated")
SUMMARY = ("Ringkasan", "Summary")


def best_time_headers(language: str) -> tuple[list[str], list[str]]:
    """(all headers, the engagement headers the heat map colours)."""
    from postme.history import BANDS

    rates = [header_in(RATE, language).format(band=label) for _a, _b, label in BANDS]
    counts = [header_in(COUNT, language).format(band=label) for _a, _b, label in BANDS]
    return [
        header_in(DAY, language),
        *rates,
        *counts,
        header_in(NOTE, language),
        header_in(UPDATED, language),
    ], rates


def best_time_layout(best: BestTime, language: str, updated_at: dt.datetime) -> Layout:
    """Seven weekday rows (Monday first) and a summary row."""
    from postme.history import BANDS
    from postme.words import weekday_name

    headers, _rates = best_time_headers(language)
    records: list[dict[str, Cell]] = []
    for weekday in range(7):
        record: dict[str, Cell] = {header_in(DAY, language): weekday_name(weekday, language)}
        for _a, _b, label in BANDS:
            cell = best.cell(weekday, label)
            rate = cell.engagement_rate_pct if cell.ranked else None
            record[header_in(RATE, language).format(band=label)] = cell_value(rate)
            record[header_in(COUNT, language).format(band=label)] = cell.posts
        record[header_in(NOTE, language)] = None
        record[header_in(UPDATED, language)] = cell_value(updated_at)
        records.append(record)
    summary: dict[str, Cell] = dict.fromkeys(headers)
    summary[header_in(DAY, language)] = header_in(SUMMARY, language)
    summary[header_in(NOTE, language)] = " ".join(best.summary(language))
    summary[header_in(UPDATED, language)] = cell_value(updated_at)
    records.append(summary)
    return headers, records


def plan_best_time_tab(
    plan: WritePlan,
    existing: Tab | None,
    best: BestTime,
    settings: Settings,
    updated_at: dt.datetime,
) -> None:
    language = settings.language
    title = settings.report.best_time_tab
    headers, records = best_time_layout(best, language, updated_at)
    _all, rates = best_time_headers(language)
    plan_upsert(
        plan,
        title,
        existing,
        headers,
        [header_in(DAY, language)],
        records,
        volatile=[header_in(UPDATED, language)],
    )
    plan.formats.append(ColorScaleSpec(title, tuple(rates)))


def plan_history(
    plan: WritePlan,
    existing: Tab | None,
    calendar: Calendar,
    followers: Sequence[FollowerPoint],
    posts: Sequence[PostMetric],
    settings: Settings,
    *,
    as_of: dt.date,
    now: dt.datetime,
) -> tuple[Insights, list[str]]:
    """The weekly run's history step, from data it has already read: the ``Waktu Terbaik``
    tab planned into ``plan``, and the summary lines (best time, trends, programme mix)."""
    from postme.history import compute_insights

    insights = compute_insights(calendar, followers, posts, settings, as_of=as_of, now=now)
    plan_best_time_tab(plan, existing, insights.best, settings, now)
    return insights, insights.summary(settings.language)


TREND_HEADERS = {
    "follower_growth": ("Δ Pertumbuhan", "Δ Growth"),
    "engagement_rate_pct": ("Δ ER", "Δ ER"),
    "plan_adherence_pct": ("Δ Kepatuhan", "Δ Adherence"),
    "posts": ("Δ Postingan", "Δ Posts"),
}


def trend_cells(trends: Trends, language: str) -> dict[str, Cell]:
    """Cells for the weekly tab: per figure "▲3 / ▼1.5" (vs last week / vs the 4-week
    average); empty when a side is unknown."""
    from postme.history import signed_change

    cells: dict[str, Cell] = {}
    for figure, pair in TREND_HEADERS.items():
        trend = trends.get(figure)
        if trend.change_vs_previous is None and trend.change_vs_average is None:
            cells[header_in(pair, language)] = None
            continue
        cells[header_in(pair, language)] = (
            f"{signed_change(trend, trend.change_vs_previous)} / "
            f"{signed_change(trend, trend.change_vs_average)}"
        )
    return cells


# --- Laporan Bulanan ----------------------------------------------------------------------------

MONTH_HEADERS: dict[str, tuple[str, str]] = {
    "month": ("Bulan", "Month"),
    "followers_start": ("Pengikut Awal", "Followers at Start"),
    "followers_end": ("Pengikut Akhir", "Followers at End"),
    "follower_growth": ("Pertumbuhan Pengikut", "Follower Growth"),
    "follower_growth_pct": ("Pertumbuhan (%)", "Growth (%)"),
    "posts": ("Postingan", "Posts"),
    "interactions": ("Interaksi", "Interactions"),
    "engagement_rate_pct": ("Engagement Rate (%)", "Engagement Rate (%)"),
    "planned": ("Direncanakan", "Planned"),
    "published": ("Terupload", "Published"),
    "cancelled": ("Dibatalkan", "Cancelled"),
    "plan_adherence_pct": ("Kepatuhan Rencana (%)", "Plan Adherence (%)"),
    "days_due": ("Hari Besar", "Special Days"),
    "days_greeted": ("Hari Besar Diucapkan", "Special Days Greeted"),
    "posts_by_program": ("Postingan per Program", "Posts by Programme"),
    "posts_by_format": ("Postingan per Format", "Posts by Format"),
    "posts_by_topic": ("Postingan per Topik Promkes", "Posts by Promkes Topic"),
    "top_posts": ("Postingan Teratas", "Top Posts"),
    "vs_previous": ("Δ ER vs Bulan Lalu", "Δ ER vs Last Month"),
    "vs_last_year": ("Δ ER vs Tahun Lalu", "Δ ER vs Last Year"),
    # From the Komentar register (empty with the reason in the note when it is absent).
    "comments": ("Komentar Tercatat", "Comments Registered"),
    "complaints": ("Keluhan", "Complaints"),
    "needing_answer": ("Perlu Dijawab", "Needing an Answer"),
    "answered_in_time": ("Dijawab dalam Tenggat", "Answered within Deadline"),
    "answered_in_time_pct": ("Dijawab dalam Tenggat (%)", "Answered within Deadline (%)"),
    "still_open": ("Menunggu (Tenggat Belum Lewat)", "Waiting (Deadline Not Passed)"),
    "median_first_response_hours": (
        "Median Respons Pertama (jam)",
        "Median First Response (hours)",
    ),
    "comments_note": ("Catatan Komentar", "Comments Note"),
    "updated_at": ("Diperbarui", "Updated"),
}


def _pairs(values: Sequence[tuple[str, int]]) -> str | None:
    return "; ".join(f"{name} {count}" for name, count in values) or None


def _delta(now: float | None, then: float | None) -> Cell:
    return None if now is None or then is None else round(now - then, 2)


def format_pairs(values: Sequence[tuple[str, int]], language: str) -> list[tuple[str, int]]:
    """Posts by format with the format's name in ``language`` ("photo" → "Foto")."""
    from postme.words import format_label

    return [(format_label(name, language), count) for name, count in values]


def monthly_layout(report: MonthlyReport, language: str, updated_at: dt.datetime) -> Layout:
    f = report.figures
    c = report.comments
    values: dict[str, object] = {
        "month": f.month,
        "followers_start": f.followers_start,
        "followers_end": f.followers_end,
        "follower_growth": f.follower_growth,
        "follower_growth_pct": f.follower_growth_pct,
        "posts": f.posts,
        "interactions": f.interactions,
        "engagement_rate_pct": f.engagement_rate_pct,
        "planned": f.planned,
        "published": f.published,
        "cancelled": f.cancelled,
        "plan_adherence_pct": f.plan_adherence_pct,
        "days_due": f.days_due,
        "days_greeted": f.days_greeted,
        "posts_by_program": _pairs(f.posts_by_program),
        "posts_by_format": _pairs(format_pairs(f.posts_by_format, language)),
        "posts_by_topic": _pairs(f.posts_by_topic),
        "top_posts": "; ".join(f"{p.shortcode or p.link} ({p.interactions})" for p in f.top_posts)
        or None,
        "vs_previous": _delta(
            f.engagement_rate_pct, report.previous.engagement_rate_pct if report.previous else None
        ),
        "vs_last_year": _delta(
            f.engagement_rate_pct,
            report.last_year.engagement_rate_pct if report.last_year else None,
        ),
        "comments": c.comments,
        "complaints": c.complaints,
        "needing_answer": c.needing_answer,
        "answered_in_time": c.answered_in_time,
        "answered_in_time_pct": c.answered_in_time_pct,
        "still_open": c.still_open,
        "median_first_response_hours": c.median_first_response_hours,
        "comments_note": c.reason_text(language),
        "updated_at": updated_at,
    }
    headers = [header_in(pair, language) for pair in MONTH_HEADERS.values()]
    record = {header_in(MONTH_HEADERS[k], language): cell_value(v) for k, v in values.items()}
    return headers, [record]


def plan_monthly_tab(
    plan: WritePlan,
    existing: Tab | None,
    report: MonthlyReport,
    settings: Settings,
    updated_at: dt.datetime,
) -> None:
    """Upsert the month's row of ``Laporan Bulanan`` (by month)."""
    language = settings.language
    headers, records = monthly_layout(report, language, updated_at)
    plan_upsert(
        plan,
        settings.report.tab,
        existing,
        headers,
        [header_in(MONTH_HEADERS["month"], language)],
        records,
        volatile=[header_in(MONTH_HEADERS["updated_at"], language)],
    )


# --- the city league table -----------------------------------------------------------------------

LEAGUE_HEADERS: dict[str, tuple[str, str]] = {
    "month": ("Bulan", "Month"),
    "rank": ("Peringkat", "Rank"),
    "account": ("Akun", "Account"),
    "engagement_per_1000": ("Interaksi per 1.000 Pengikut", "Engagement per 1,000 Followers"),
    "posts": ("Postingan", "Posts"),
    "plan_adherence_pct": ("Kepatuhan Rencana (%)", "Plan Adherence (%)"),
    "greeting_coverage_pct": ("Hari Besar Diucapkan (%)", "Special Days Greeted (%)"),
    "follower_growth": ("Pertumbuhan Pengikut", "Follower Growth"),
    "follower_growth_pct": ("Pertumbuhan (%)", "Growth (%)"),
    "best_post": ("Postingan Terbaik", "Best Post"),
    "best_post_interactions": ("Interaksi Postingan Terbaik", "Best Post Interactions"),
}


def league_layout(month: str, rows: Sequence[LeagueRow], language: str) -> Layout:
    headers = [header_in(pair, language) for pair in LEAGUE_HEADERS.values()]
    records: list[dict[str, Cell]] = []
    for row in rows:
        best = row.best_post
        values: dict[str, object] = {
            "month": month,
            "rank": row.rank,
            "account": row.account,
            "engagement_per_1000": row.engagement_per_1000,
            "posts": row.posts,
            "plan_adherence_pct": row.plan_adherence_pct,
            "greeting_coverage_pct": row.greeting_coverage_pct,
            "follower_growth": row.follower_growth,
            "follower_growth_pct": row.follower_growth_pct,
            "best_post": None if best is None else post_link(best.link, best.shortcode),
            "best_post_interactions": None if best is None else best.interactions,
        }
        records.append(
            {header_in(LEAGUE_HEADERS[k], language): cell_value(v) for k, v in values.items()}
        )
    return headers, records


def post_link(link: str | None, shortcode: str | None) -> str | None:
    """The post's link as collected, else built from its shortcode (/p/ opens every kind)."""
    if link:
        return link
    return f"https://www.instagram.com/p/{shortcode}/" if shortcode else None


def plan_league_tab(
    plan: WritePlan,
    existing: Tab | None,
    title: str,
    month: str,
    rows: Sequence[LeagueRow],
    language: str,
) -> None:
    """Replace the month's rows of the city's league tab (other months stay)."""
    headers, records = league_layout(month, rows, language)
    plan_replace(
        plan,
        title,
        existing,
        headers,
        header_in(LEAGUE_HEADERS["month"], language),
        [month],
        records,
    )
