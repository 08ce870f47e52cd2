"""The city roll-up tab (``[rollup] tab``, default ``Rekap Kota``): one row per account
per week, keyed by (account, week), and its chart."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from postme.config import RollupSettings, Settings
from postme.stores.base import Cell, ChartSpec, Tab, TabRequest, WritePlan
from postme.stores.upsert import plan_upsert
from postme.weeks import IsoWeek

if TYPE_CHECKING:
    from postme.city.results import AccountResult, Status


# field → (Indonesian header, English header), in the tab's column order.
ROLLUP_HEADERS: Mapping[str, tuple[str, str]] = {
    "account": ("Akun", "Account"),
    "week": ("Minggu", "Week"),
    "followers_end": ("Pengikut", "Followers"),
    "follower_growth": ("Pertumbuhan", "Growth"),
    "posts": ("Postingan", "Posts"),
    "plan_adherence_pct": ("Kepatuhan Rencana (%)", "Plan Adherence (%)"),
    "engagement_rate_pct": ("Engagement Rate (%)", "Engagement Rate (%)"),
    "errors": ("Error", "Errors"),
    "missed": ("Terlewat", "Missed"),
    "status": ("Status", "Status"),
    "updated_at": ("Diperbarui", "Updated"),
}
STATUS_LABELS: Mapping[Status, tuple[str, str]] = {
    "ok": ("OK", "OK"),
    "findings": ("Ada temuan", "Findings"),
    "partial": ("Sebagian", "Partial"),
    "failed": ("Gagal", "Failed"),
}
_FIGURES = (
    "followers_end",
    "follower_growth",
    "posts",
    "plan_adherence_pct",
    "engagement_rate_pct",
    "errors",
    "missed",
)


def rollup_headers(language: str) -> list[str]:
    return [en if language == "en" else id_ for id_, en in ROLLUP_HEADERS.values()]


def rollup_request(city: Settings) -> TabRequest:
    tab = (city.rollup or RollupSettings()).tab
    return TabRequest(title=tab, header_row=1, required=False)


def plan_rollup(
    plan: WritePlan,
    existing_tab: Tab | None,
    city: Settings,
    results: Sequence[AccountResult],
    week: IsoWeek,
    updated_at: dt.datetime,
) -> int:
    """Upsert one row per account for its week into the roll-up tab, by (account, week),
    and ask for the chart. Returns the number of rows planned.

    A failed account's row gets only its status (a new row has empty figures; figures an
    earlier run of the same week wrote stay, the status says this run failed). "Updated"
    alone does not count as a change, so a re-run with the same results writes nothing.
    """
    language = city.language
    tab = (city.rollup or RollupSettings()).tab
    headers = rollup_headers(language)
    column = dict(zip(ROLLUP_HEADERS, headers, strict=True))
    stamp = updated_at.astimezone(city.zone).strftime("%Y-%m-%d %H:%M")
    records: list[dict[str, Cell]] = []
    for result in results:
        label = STATUS_LABELS[result.status]
        record: dict[str, Cell] = {
            column["account"]: result.name,
            column["week"]: result.week or week.label,
            column["status"]: label[1] if language == "en" else label[0],
            column["updated_at"]: stamp,
        }
        if result.status != "failed":
            for name in _FIGURES:
                value = getattr(result, name)
                record[column[name]] = round(value, 2) if isinstance(value, float) else value
        records.append(record)
    plan_upsert(
        plan,
        tab,
        existing_tab,
        headers,
        [column["account"], column["week"]],
        records,
        volatile=[column["updated_at"]],
    )
    title = (
        "Plan adherence and engagement rate per account"
        if language == "en"
        else "Kepatuhan rencana dan engagement rate per akun"
    )
    plan.charts.append(
        ChartSpec(
            tab,
            title,
            column["account"],
            (column["plan_adherence_pct"], column["engagement_rate_pct"]),
        )
    )
    return len(records)
