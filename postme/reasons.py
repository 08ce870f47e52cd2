"""Why a figure of the weekly summary is empty, and which optional tabs a run went without.

"Missing is not zero": an empty figure is right when the data is not there, but a person
must be told what is missing and where (``no follower snapshot on or before Monday
2026-11-16 in tab 'Data Followers'``). Pure functions over what the run read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from postme.config import Settings
from postme.i18n import _
from postme.stores.base import Tab

if TYPE_CHECKING:
    from postme.analysis import WeekReport
    from postme.calendar import Calendar
    from postme.metrics import FollowerPoint

SNAPSHOT_MAX_AGE = dt.timedelta(days=7)  # as in postme.analysis: older is too old


def missing_tab_warnings(settings: Settings, tabs: Mapping[str, Tab | None]) -> list[str]:
    """A warning for each optional metrics tab the spreadsheet does not have."""
    warnings = []
    names = settings.tabs
    for title, what in (
        (names.account_metrics, _("follower figures")),
        (names.post_metrics, _("post figures (likes, comments, engagement rate)")),
    ):
        if tabs.get(title) is None:
            warnings.append(
                _(
                    "Tab '{tab}' is not in the spreadsheet, so the {what} are empty this run. "
                    "Set [tabs] to your own tab, or run 'postme collect' to fill it."
                ).format(tab=title, what=what)
            )
    return warnings


def empty_figure_reasons(
    report: WeekReport,
    settings: Settings,
    calendar: Calendar,
    followers: Sequence[FollowerPoint],
    account_tab: Tab | None,
    post_tab: Tab | None,
) -> dict[str, str]:
    """Field of ``report`` → why it is empty, for every empty figure of the summary."""
    reasons: dict[str, str] = {}
    follower_tab = settings.tabs.account_metrics
    for name, boundary in (
        ("followers_start", report.start),
        ("followers_end", report.end + dt.timedelta(days=1)),
    ):
        if getattr(report, name) is None:
            reasons[name] = _follower_reason(followers, boundary, follower_tab, account_tab)
    if report.follower_growth is None:
        reasons["follower_growth"] = reasons.get("followers_start") or reasons.get(
            "followers_end", ""
        )
        reasons["follower_growth_pct"] = reasons["follower_growth"]
    if report.plan_adherence_pct is None:
        reasons["plan_adherence_pct"] = _(
            "no row in the calendar ({tabs}) is dated {start} – {end} (or every one was cancelled)"
        ).format(tabs=_tab_list(calendar), start=report.start, end=report.end)
    elif "status" not in calendar.columns:
        reasons["plan_adherence_pct"] = _(
            "the calendar has no status column, so no row counts as published"
        )
    if report.posts == 0:
        if post_tab is None:
            why = _("tab '{tab}' is not in the spreadsheet").format(tab=settings.tabs.post_metrics)
        else:
            why = _(
                "no Instagram post dated {start} – {end} in tab '{tab}' (run 'postme collect')"
            ).format(start=report.start, end=report.end, tab=settings.tabs.post_metrics)
        for name in ("interactions", "engagement_rate_pct", "top_post"):
            reasons[name] = why
    elif report.engagement_rate_pct is None:
        reasons["engagement_rate_pct"] = _(
            "no follower count to divide by: no snapshot in tab '{tab}'"
        ).format(tab=follower_tab)
    if report.top_program is None and report.posts:
        reasons["top_program"] = _(
            "none of the week's posts belongs to a calendar row with a programme"
        )
    return reasons


def _follower_reason(
    points: Sequence[FollowerPoint], boundary: dt.date, title: str, tab: Tab | None
) -> str:
    if tab is None:
        return _("tab '{tab}' is not in the spreadsheet").format(tab=title)
    before = [p for p in points if p.date <= boundary and p.followers is not None]
    if not before:
        return _("no follower snapshot on or before Monday {date} in tab '{tab}'").format(
            date=boundary.isoformat(), tab=title
        )
    latest = max(before, key=lambda p: p.date)
    return _(
        "the latest follower snapshot before Monday {date} in tab '{tab}' is from {found}, "
        "more than 7 days earlier"
    ).format(date=boundary.isoformat(), tab=title, found=latest.date.isoformat())


def _tab_list(calendar: Calendar) -> str:
    return ", ".join(f"'{t}'" for t in calendar.tabs or (calendar.tab,))
