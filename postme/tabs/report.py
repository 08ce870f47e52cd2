"""The two analysis tabs of a weekly run, planned together."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from postme.config import Settings
from postme.stores.base import Cell, Tab, WritePlan
from postme.tabs.by_program import plan_program_tab
from postme.tabs.weekly import plan_weekly_tab

if TYPE_CHECKING:
    from postme.analysis import WeekReport


def plan_report_writes(
    plan: WritePlan,
    reports: Sequence[WeekReport],
    weekly_tab: Tab | None,
    program_tab: Tab | None,
    settings: Settings,
    updated_at: dt.datetime,
    trends: Mapping[str, Mapping[str, Cell]] | None = None,
) -> None:
    """Upsert the weekly rows (by week, oldest first so a new week lands last) and the
    by-programme rows (by week and programme) into their tabs, and ask for the chart.

    ``updated_at`` alone does not count as a change: a re-run with the same figures
    writes nothing. A programme line left over from an earlier run of a covered week
    (its rows moved to another programme) is blanked, so the tab never shows a stale
    figure.
    """
    ordered = [replace(r, updated_at=updated_at) for r in sorted(reports, key=lambda r: r.week)]
    plan_weekly_tab(plan, ordered, weekly_tab, settings, trends or {})
    plan_program_tab(plan, ordered, program_tab, settings)
