"""``validate`` and ``slots`` as library calls: read the sheet once, judge, return a
result that knows its exit code."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from postme.calendar import Calendar, calendar_requests, read_calendar
from postme.config import Settings
from postme.errors import ExitCode
from postme.policy import ValidationResult, validate
from postme.slots import SlotResult, check_slots
from postme.stores.base import Store, Tab, TabRequest
from postme.weeks import IsoWeek, last_complete_week, local_date

log = logging.getLogger("postme")

if TYPE_CHECKING:
    from postme.metrics import PostMetric


@dataclass
class SheetData:
    """Everything one run read, in one call."""

    calendar: Calendar
    tabs: dict[str, Tab | None]

    def tab(self, title: str) -> Tab | None:
        return self.tabs.get(title)


def read_sheet(store: Store, settings: Settings, extra: Sequence[TabRequest] = ()) -> SheetData:
    calendar_tabs = calendar_requests(settings, store.tab_titles)
    tabs = store.read([*calendar_tabs, *extra])
    calendar = read_calendar([tabs[request.title] for request in calendar_tabs], settings)
    for warning in calendar.warnings:
        log.warning("%s", warning)
    return SheetData(calendar, tabs)


def tool_tab(title: str) -> TabRequest:
    """A tab postme writes: header on row 1, created when missing."""
    return TabRequest(title=title, header_row=1, required=False)


def metrics_requests(settings: Settings) -> list[TabRequest]:
    from postme.metrics import account_request, post_request

    return [account_request(settings), post_request(settings)]


@dataclass(frozen=True)
class ValidateOutcome:
    validation: ValidationResult

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.FINDINGS if self.validation.errors else ExitCode.OK

    def to_json(self) -> dict[str, Any]:
        return self.validation.to_json()


@dataclass(frozen=True)
class SlotsOutcome:
    slots: SlotResult

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.FINDINGS if self.slots.has_missed else ExitCode.OK

    def to_json(self) -> dict[str, Any]:
        return self.slots.to_json()


def run_validate(
    settings: Settings, as_of: dt.date, *, all_rows: bool = False, store: Store | None = None
) -> ValidateOutcome:
    from postme.jobs.wiring import open_store

    store = store or open_store(settings)
    data = read_sheet(store, settings)
    return ValidateOutcome(validate(data.calendar, settings, as_of, all_rows=all_rows))


def run_slots(
    settings: Settings,
    as_of: dt.date,
    *,
    week: IsoWeek | None = None,
    now: dt.datetime | None = None,
    store: Store | None = None,
) -> SlotsOutcome:
    from postme.jobs.wiring import open_store
    from postme.metrics import read_post_metrics

    store = store or open_store(settings)
    data = read_sheet(store, settings, metrics_requests(settings))
    posts, _problems = read_post_metrics(data.tab(settings.tabs.post_metrics), settings)
    chosen = week or last_complete_week(as_of)
    return SlotsOutcome(
        check_slots(
            data.calendar,
            settings,
            as_of,
            week=chosen,
            now=now,
            posts=posts_covering(chosen, posts, settings),
        )
    )


def posts_covering(
    week: IsoWeek, posts: Sequence[PostMetric], settings: Settings
) -> Sequence[PostMetric] | None:
    """The post metrics when they speak for ``week``, else None (no Instagram data).

    With no post dated in or after the week, nothing was collected for it yet (a new
    team, or ``report`` on a week before the first ``collect``): then "not-found" and
    "off-plan" cannot be judged, and every published row would be flagged for nothing.
    """
    for post in posts:
        if post.posted_at is not None and local_date(post.posted_at, settings.zone) >= week.start:
            return posts
    return None
