"""The week: ``report`` and the cron job ``weekly``.

:func:`plan_week` is the whole decision, pure: the tables read, this run's Instagram
collection, the settings, the week and the clock in; the write plan and the results
out. :func:`run_weekly` is only read → plan → write around it (and the Instagram read
before the lock, whose failure does not stop the rest).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from postme.config import Settings
from postme.errors import ExitCode, InstagramError
from postme.i18n import _
from postme.jobs.checks import SheetData, metrics_requests, posts_covering, read_sheet, tool_tab
from postme.jobs.clock import Clock
from postme.jobs.collect import CollectResult, Progress, fetch_instagram, merge_collection
from postme.jobs.lock import spreadsheet_lock
from postme.policy import ValidationResult, validate
from postme.slots import SlotResult, check_slots
from postme.stores.base import Store, TabRequest, WritePlan, WriteReport, gc_paused
from postme.weeks import IsoWeek, last_complete_week

if TYPE_CHECKING:
    from postme.analysis import WeekReport
    from postme.comments_job import CommentsResult
    from postme.history import Insights
    from postme.instagram.base import Collection, InstagramSource
    from postme.metrics import CollectSummary

log = logging.getLogger("postme")


@dataclass(frozen=True)
class WeekResults:
    """What :func:`plan_week` found: the checks, the analysis, what collect adds."""

    validation: ValidationResult
    slots: SlotResult
    report: WeekReport
    collect_summary: CollectSummary | None
    comments: CommentsResult | None = None
    reasons: dict[str, str] = field(default_factory=dict)  # empty figure → why
    warnings: tuple[str, ...] = ()  # optional columns or tabs the run went without
    insights: Insights | None = None  # best time, trends, programme mix (postme.history)


@dataclass
class WeeklyResult:
    as_of: dt.date
    week: IsoWeek
    validation: ValidationResult
    slots: SlotResult
    report: WeekReport
    collect: CollectResult | None
    plan: WritePlan
    written: bool
    dry_run: bool
    store_name: str
    findings_tab: str = "Temuan"
    comments: CommentsResult | None = None  # [comments] register (postme.comments_job)
    reasons: dict[str, str] = field(default_factory=dict)  # empty figure → why
    warnings: tuple[str, ...] = ()  # optional columns or tabs the run went without
    insights: Insights | None = None  # best time, trends, programme mix (postme.history)
    write_report: WriteReport | None = None  # what the store wrote (None: nothing sent)

    @property
    def exit_code(self) -> ExitCode:
        if self.collect is not None and (
            self.collect.error is not None
            or (self.collect.collection is not None and not self.collect.collection.complete)
        ):
            return ExitCode.PARTIAL  # Instagram not read, or only in part: the rest written
        if self.comments is not None and self.comments.exit_code != ExitCode.OK:
            return self.comments.exit_code  # comments read in part (4), overdue complaint (1)
        if self.validation.errors or self.slots.has_missed:
            return ExitCode.FINDINGS
        return ExitCode.OK

    def to_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "week": self.week.label,
            "validate": self.validation.to_json(),
            "slots": self.slots.to_json(),
            "collect": None if self.collect is None else self.collect.to_json(),
            "comments": None if self.comments is None else self.comments.to_json(),
            "report": self.report.to_json() | {"reasons": self.reasons},
            "warnings": list(self.warnings),
            "insights": None if self.insights is None else self.insights.to_json(),
            "written": {
                "store": self.store_name,
                "dry_run": self.dry_run,
                "written": self.written,
                "ranges": [w.a1 for w in self.plan.writes],
                "cells": self.plan.cell_count(),
                "new_tabs": [t.title for t in self.plan.new_tabs],
                "report": None if self.write_report is None else asdict(self.write_report),
            },
        }


def week_requests(settings: Settings, *, comments: bool = False) -> list[TabRequest]:
    """The tabs a weekly run reads besides the calendar (the comments register when this
    run has comments to write)."""
    from postme.comments_job import comments_request

    tabs = settings.tabs
    return [
        *metrics_requests(settings),
        tool_tab(tabs.weekly),
        tool_tab(tabs.by_program),
        tool_tab(tabs.findings),
        tool_tab(settings.report.best_time_tab),
        *([comments_request(settings)] if comments else []),
    ]


def plan_week(
    data: SheetData,
    collection: Collection | None,
    settings: Settings,
    week: IsoWeek,
    clock: Clock,
    comments: CommentsResult | None = None,
) -> tuple[WritePlan, WeekResults]:
    """Everything one weekly run writes, and what it found: collect (when ``collection``
    is given), validate, slots, the analysis, the findings and the comments register
    (when ``comments`` were read). Pure: no store, no network, no clock but ``clock``."""
    from postme.analysis import analyse_week
    from postme.comments_job import plan_comments
    from postme.history import compute_insights
    from postme.insights_tabs import plan_best_time_tab, trend_cells
    from postme.metrics import read_follower_points, read_post_metrics
    from postme.reasons import empty_figure_reasons, missing_tab_warnings
    from postme.tabs.findings import plan_findings
    from postme.tabs.metrics import plan_collect
    from postme.tabs.report import plan_report_writes

    tabs = settings.tabs
    plan = WritePlan()
    summary: CollectSummary | None = None
    if collection is not None:
        summary = plan_collect(
            plan,
            collection,
            data.tab(tabs.account_metrics),
            data.tab(tabs.post_metrics),
            settings,
            collected_at=clock.stamp,
        )
    followers, _f = read_follower_points(data.tab(tabs.account_metrics), settings)
    posts, _p = read_post_metrics(data.tab(tabs.post_metrics), settings)
    if collection is not None:
        followers, posts = merge_collection(followers, posts, collection, settings)

    validation = validate(data.calendar, settings, clock.as_of)
    slots = check_slots(
        data.calendar,
        settings,
        clock.as_of,
        week=week,
        now=clock.now,
        posts=posts_covering(week, posts, settings),
    )
    report = analyse_week(
        week,
        data.calendar,
        followers,
        posts,
        zone=settings.zone,
        as_of=clock.as_of,
        now=clock.stamp,
        missed_rows=slots.missed_rows,
        findings=validation.findings,  # counted on the week's rows only
        grace=dt.timedelta(minutes=settings.schedule.grace_minutes),
    )
    # The account's own history: best time from the last weeks, trends, programme mix.
    insights = compute_insights(
        data.calendar,
        followers,
        posts,
        settings,
        as_of=clock.as_of,
        now=clock.stamp,
        last_week=week,
    )
    plan_report_writes(
        plan,
        [report],
        data.tab(tabs.weekly),
        data.tab(tabs.by_program),
        settings,
        updated_at=clock.stamp,
        trends={week.label: trend_cells(insights.trends, settings.language)},
    )
    plan_findings(plan, data.tab(tabs.findings), settings, week, validation, slots)
    plan_best_time_tab(
        plan, data.tab(settings.report.best_time_tab), insights.best, settings, clock.stamp
    )
    if comments is not None:
        comments = plan_comments(
            plan, data.tab(settings.comments.tab), comments, settings, clock.as_of
        )
    # Without Instagram this run, a missing metrics tab leaves its figures empty.
    missing_tabs = missing_tab_warnings(settings, data.tabs) if collection is None else []
    reasons = empty_figure_reasons(
        report,
        settings,
        data.calendar,
        followers,
        data.tab(tabs.account_metrics),
        data.tab(tabs.post_metrics),
    )
    return plan, WeekResults(
        validation,
        slots,
        report,
        summary,
        comments=comments,
        reasons=reasons,
        warnings=(*data.calendar.warnings, *missing_tabs),
        insights=insights,
    )


def read_instagram(
    source: InstagramSource, settings: Settings, as_of: dt.date, progress: Progress | None
) -> tuple[Collection | None, str | None]:
    """This run's collection, or why there is none. Never raises: a failing source must
    not stop the rest of the weekly job."""
    if progress:
        progress(_("Reading Instagram …"))
    try:
        collection = fetch_instagram(source, settings, as_of, progress)
    except InstagramError as e:
        log.warning("%s", e)
        return None, str(e)
    except Exception as e:
        from postme.secrets import scrub

        error = _(
            "Instagram could not be read ({error}). The rest of the weekly job went on; "
            "run `postme collect --debug` to see why."
        ).format(error=scrub(f"{type(e).__name__}: {e}")[:300])
        log.warning("%s", error)
        return None, error
    if not collection.complete:
        for note in collection.notes:  # why Instagram was read only in part (exit 4)
            log.warning("%s", note)
    return collection, None


def run_report(
    settings: Settings,
    as_of: dt.date,
    *,
    week: IsoWeek | None = None,
    dry_run: bool = False,
    store: Store | None = None,
    now: dt.datetime | None = None,
    clock_now: dt.datetime | None = None,
) -> WeeklyResult:
    """The weekly analysis (and the findings it counts) into the analysis tabs: the
    weekly job without Instagram collection."""
    return run_weekly(
        settings,
        as_of,
        week=week,
        dry_run=dry_run,
        store=store,
        now=now,
        clock_now=clock_now,
        source=None,
    )


def run_weekly(
    settings: Settings,
    as_of: dt.date,
    *,
    source: InstagramSource | None,
    week: IsoWeek | None = None,
    dry_run: bool = False,
    store: Store | None = None,
    now: dt.datetime | None = None,
    clock_now: dt.datetime | None = None,
    progress: Progress | None = None,
) -> WeeklyResult:
    """The cron job: read Instagram (if a source is given), then read the sheet, plan the
    week (:func:`plan_week`) and write it in one batch, under the document's lock.

    ``now`` is the current moment used to judge rows due today (None with --as-of, see
    :mod:`postme.jobs.clock`); ``clock_now`` stamps "updated at" and "collected at"
    (default: the real time).
    """
    from postme.jobs.wiring import open_store

    store = store or open_store(settings)
    week = week or last_complete_week(as_of)
    clock = Clock(as_of=as_of, now=now, stamp=clock_now or dt.datetime.now(settings.zone))

    collection: Collection | None = None
    collect_error: str | None = None
    if source is not None:
        collection, collect_error = read_instagram(source, settings, as_of, progress)
    # The comments register (read before the lock, like the posts): None when off.
    from postme.comments_job import comments_for_run

    comments = comments_for_run(settings, source, collection, as_of, clock.stamp)

    with spreadsheet_lock(store):
        if progress:
            progress(_("Reading the spreadsheet …"))
        # The rows, reports and findings are acyclic: no collector passes over them.
        with gc_paused():
            data = read_sheet(
                store, settings, week_requests(settings, comments=comments is not None)
            )
            plan, results = plan_week(data, collection, settings, week, clock, comments)
        for warning in results.warnings[len(data.calendar.warnings) :]:
            log.warning("%s", warning)
        if progress:
            progress(_("Writing {n} cells …").format(n=plan.cell_count()))
        write_report = None if dry_run or plan.is_empty() else store.write(plan)

    collect_result = None
    if source is not None:
        collect_result = CollectResult(
            collection,
            results.collect_summary,
            WritePlan(),
            written=not dry_run,
            error=collect_error,
        )
    return WeeklyResult(
        as_of=as_of,
        week=week,
        validation=results.validation,
        slots=results.slots,
        report=results.report,
        collect=collect_result,
        plan=plan,
        written=not dry_run and not plan.is_empty(),
        dry_run=dry_run,
        store_name=store.name,
        findings_tab=settings.tabs.findings,
        comments=results.comments,
        reasons=results.reasons,
        warnings=results.warnings,
        insights=results.insights,
        write_report=write_report,
    )
