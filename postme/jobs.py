"""The commands as library functions: each reads the spreadsheet once, computes with the
pure modules, and writes at most once. ``run_weekly`` is the cron job.

Stores and Instagram sources are passed in (``open_store`` and ``open_source`` build
them from the config), so tests and the city roll-up can hand in their own.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from postme.calendar import Calendar, calendar_request, read_calendar
from postme.config import ENV_ENDPOINT, Settings
from postme.errors import ExitCode, InstagramError, LockBusy, NothingCollected
from postme.i18n import _
from postme.policy import Finding, ValidationResult, validate
from postme.slots import SlotResult, check_slots
from postme.stores.base import RUN_LOCK_TTL, Cell, Store, Tab, TabRequest, WritePlan, run_owner
from postme.stores.upsert import plan_replace
from postme.weeks import IsoWeek, last_complete_week, local_date, week_of

if TYPE_CHECKING:
    from postme.analysis import WeekReport
    from postme.instagram.base import Collection, InstagramSource
    from postme.metrics import CollectSummary, FollowerPoint, PostMetric

log = logging.getLogger("postme")

Progress = Callable[[str], None]


# --- building stores and sources -----------------------------------------------------------


def open_store(settings: Settings) -> Store:
    sheet = settings.sheet
    if sheet.backend == "xlsx":
        from postme.stores.xlsx import XlsxStore

        assert sheet.path is not None  # checked by the config
        return XlsxStore(sheet.path)
    from postme.stores.gsheets import GoogleSheetsStore

    return GoogleSheetsStore(
        spreadsheet=str(sheet.spreadsheet),
        credentials=sheet.credentials,
        key_file=sheet.key_file,
        oauth_client_file=sheet.oauth_client_file,
        endpoint=sheet.endpoint or os.environ.get(ENV_ENDPOINT) or None,
        timeout=sheet.timeout_seconds,
        max_tries=sheet.max_tries,
    )


def open_source(
    settings: Settings, from_dir: Path | None = None, meta_csv: Path | None = None
) -> InstagramSource:
    """The Instagram source for a run: a folder of instaloader JSON, a Meta CSV export,
    or live instaloader with the saved session."""
    if from_dir is not None:
        from postme.instagram.jsondir import JsonDirSource

        return JsonDirSource(from_dir, settings.instagram.username)
    if meta_csv is not None:
        from postme.instagram.meta_csv import MetaCsvSource

        return MetaCsvSource(meta_csv, timezone=settings.timezone)
    if not settings.instagram.username:
        raise InstagramError(
            _(
                "No Instagram account in the config. Set [instagram] username, "
                "or use --from DIR / --meta-csv FILE, or --no-collect."
            )
        )
    from postme.instagram.live import LiveSource

    return LiveSource(
        settings.instagram.username,
        settings.instagram.session_file,
        request_budget=settings.instagram.request_budget,
        max_wait_seconds=settings.instagram.max_wait_seconds,
    )


# --- the lock --------------------------------------------------------------------------------


@contextmanager
def spreadsheet_lock(settings: Settings, wait_seconds: float = 60.0) -> Iterator[None]:
    """One run at a time per spreadsheet (cron overlap), across processes."""
    from filelock import FileLock, Timeout
    from platformdirs import user_cache_dir

    target = settings.sheet_label
    if settings.sheet.backend == "xlsx" and settings.sheet.path is not None:
        target = str(settings.sheet.path.resolve())
    digest = hashlib.sha256(target.encode()).hexdigest()[:16]
    folder = Path(user_cache_dir("postme"))
    folder.mkdir(parents=True, exist_ok=True)
    lock = FileLock(folder / f"{digest}.lock")
    try:
        lock.acquire(timeout=0)
    except Timeout:
        log.warning(
            _("Another postme run is working on this spreadsheet; waiting up to {s} s.").format(
                s=int(wait_seconds)
            )
        )
        try:
            lock.acquire(timeout=wait_seconds)
        except Timeout:
            raise LockBusy(
                _(
                    "Another postme run is still working on {sheet} (lock {lock}). Nothing was "
                    "written. Run again when it has finished."
                ).format(sheet=settings.sheet_label, lock=lock.lock_file)
            ) from None
    try:
        yield
    finally:
        lock.release()


# --- reading ---------------------------------------------------------------------------------


@dataclass
class SheetData:
    """Everything one run read, in one call."""

    calendar: Calendar
    tabs: dict[str, Tab | None]

    def tab(self, title: str) -> Tab | None:
        return self.tabs.get(title)


def read_sheet(store: Store, settings: Settings, extra: Sequence[TabRequest] = ()) -> SheetData:
    requests = [calendar_request(settings), *extra]
    tabs = store.read(requests)
    calendar = read_calendar(tabs[settings.tabs.calendar], settings)
    return SheetData(calendar, tabs)


def _tool_tab(title: str) -> TabRequest:
    return TabRequest(title=title, header_row=1, required=False)


def _metrics_requests(settings: Settings) -> list[TabRequest]:
    from postme.metrics import account_request, post_request

    return [account_request(settings), post_request(settings)]


# --- validate and slots ----------------------------------------------------------------------


def run_validate(
    settings: Settings, as_of: dt.date, *, all_rows: bool = False, store: Store | None = None
) -> ValidationResult:
    store = store or open_store(settings)
    data = read_sheet(store, settings)
    return validate(data.calendar, settings, as_of, all_rows=all_rows)


def run_slots(
    settings: Settings,
    as_of: dt.date,
    *,
    week: IsoWeek | None = None,
    now: dt.datetime | None = None,
    store: Store | None = None,
) -> SlotResult:
    from postme.metrics import read_post_metrics

    store = store or open_store(settings)
    data = read_sheet(store, settings, _metrics_requests(settings))
    posts, _problems = read_post_metrics(data.tab(settings.tabs.post_metrics), settings)
    chosen = week or last_complete_week(as_of)
    return check_slots(
        data.calendar,
        settings,
        as_of,
        week=chosen,
        now=now,
        posts=posts_covering(chosen, posts, settings),
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


# --- collect ---------------------------------------------------------------------------------


@dataclass
class CollectResult:
    collection: Collection | None
    summary: CollectSummary | None
    plan: WritePlan
    written: bool
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        collection = self.collection
        return {
            "ok": self.error is None,
            "error": self.error,
            "account": None
            if collection is None or collection.account is None
            else {
                "username": collection.account.username,
                "followers": collection.account.followers,
                "following": collection.account.following,
                "posts": collection.account.posts,
            },
            "posts_seen": 0 if collection is None else len(collection.posts),
            "posts_new": self.summary.posts_new if self.summary else 0,
            "posts_updated": self.summary.posts_updated if self.summary else 0,
            "snapshot_written": bool(self.summary and self.summary.snapshot_written),
            "requests_used": 0 if collection is None else collection.requests_used,
            "complete": bool(collection and collection.complete),
            "notes": list(collection.notes) if collection else [],
            "written": self.written,
        }


def collect_since(settings: Settings, as_of: dt.date) -> dt.datetime:
    """Start of the collection window: the last complete week and the current one by default."""
    first_week = last_complete_week(as_of).shift(-(settings.instagram.window_weeks - 2))
    start = min(first_week.start, week_of(as_of).start)
    return dt.datetime.combine(start, dt.time(), settings.zone)


def fetch_instagram(
    source: InstagramSource, settings: Settings, as_of: dt.date, progress: Progress | None = None
) -> Collection:
    since = collect_since(settings, as_of)

    def on_post(count: int) -> None:
        if progress:
            progress(_("{n} posts read").format(n=count))

    return source.fetch(since, on_post)


def run_collect(
    settings: Settings,
    source: InstagramSource,
    as_of: dt.date,
    *,
    dry_run: bool = False,
    store: Store | None = None,
    now: dt.datetime | None = None,
    progress: Progress | None = None,
) -> CollectResult:
    """Instagram figures into the account and post metrics tabs. When Instagram cannot
    be read at all, NothingCollected (exit 3) and nothing is written; a read stopped part
    way (budget, a block after some posts) writes what it got (the CLI exits 4)."""
    from postme.metrics import plan_collect

    store = store or open_store(settings)
    try:
        collection = fetch_instagram(source, settings, as_of, progress)
    except InstagramError as e:
        raise NothingCollected(_("{error} Nothing was written.").format(error=e)) from None
    with spreadsheet_lock(settings), store.shared_lock(run_owner(), RUN_LOCK_TTL):
        data = read_sheet(store, settings, _metrics_requests(settings))
        plan = WritePlan()
        summary = plan_collect(
            plan,
            collection,
            data.tab(settings.tabs.account_metrics),
            data.tab(settings.tabs.post_metrics),
            settings,
            collected_at=now or dt.datetime.now(settings.zone),
        )
        if not dry_run:
            store.write(plan)
    return CollectResult(collection, summary, plan, written=not dry_run and not plan.is_empty())


# --- report and weekly -----------------------------------------------------------------------


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

    @property
    def exit_code(self) -> ExitCode:
        if self.collect is not None and (
            self.collect.error is not None
            or (self.collect.collection is not None and not self.collect.collection.complete)
        ):
            return ExitCode.PARTIAL  # Instagram not read, or only in part: the rest written
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
            "report": self.report.to_json(),
            "written": {
                "store": self.store_name,
                "dry_run": self.dry_run,
                "written": self.written,
                "ranges": [w.a1 for w in self.plan.writes],
                "cells": self.plan.cell_count(),
                "new_tabs": [t.title for t in self.plan.new_tabs],
            },
        }


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
    """The cron job: collect (if a source is given; its failure does not stop the rest),
    validate, slots, report and findings, from one batch read and one batch write.

    ``now`` is the current moment used to judge rows due today (None with --as-of);
    ``clock_now`` stamps "updated at" and "collected at" (default: the real time).
    """
    from postme.analysis import analyse_week, plan_report_writes
    from postme.metrics import plan_collect, read_follower_points, read_post_metrics

    store = store or open_store(settings)
    week = week or last_complete_week(as_of)
    stamp = clock_now or dt.datetime.now(settings.zone)

    collection: Collection | None = None
    collect_error: str | None = None
    if source is not None:
        if progress:
            progress(_("Reading Instagram …"))
        try:
            collection = fetch_instagram(source, settings, as_of, progress)
        except InstagramError as e:
            collect_error = str(e)
            log.warning("%s", e)
        except Exception as e:  # a failing source must not stop the rest of the job
            from postme.secrets import scrub

            collect_error = _(
                "Instagram could not be read ({error}). The rest of the weekly job went on; "
                "run `postme collect --debug` to see why."
            ).format(error=scrub(f"{type(e).__name__}: {e}")[:300])
            log.warning("%s", collect_error)
        if collection is not None and not collection.complete:
            for note in collection.notes:  # why Instagram was read only in part (exit 4)
                log.warning("%s", note)

    with spreadsheet_lock(settings), store.shared_lock(run_owner(), RUN_LOCK_TTL):
        if progress:
            progress(_("Reading the spreadsheet …"))
        tabs = settings.tabs
        data = read_sheet(
            store,
            settings,
            [
                *_metrics_requests(settings),
                _tool_tab(tabs.weekly),
                _tool_tab(tabs.by_program),
                _tool_tab(tabs.findings),
            ],
        )
        plan = WritePlan()
        summary: CollectSummary | None = None
        if collection is not None:
            summary = plan_collect(
                plan,
                collection,
                data.tab(tabs.account_metrics),
                data.tab(tabs.post_metrics),
                settings,
                collected_at=stamp,
            )
        followers, _f = read_follower_points(data.tab(tabs.account_metrics), settings)
        posts, _p = read_post_metrics(data.tab(tabs.post_metrics), settings)
        if collection is not None:
            followers, posts = merge_collection(followers, posts, collection, settings)

        validation = validate(data.calendar, settings, as_of)
        slots = check_slots(
            data.calendar,
            settings,
            as_of,
            week=week,
            now=now,
            posts=posts_covering(week, posts, settings),
        )
        report = analyse_week(
            week,
            data.calendar,
            followers,
            posts,
            zone=settings.zone,
            as_of=as_of,
            now=stamp,
            missed_rows=slots.missed_rows,
            errors=validation.errors,
            warnings=validation.warnings,
            grace=dt.timedelta(minutes=settings.schedule.grace_minutes),
            language=settings.language,
        )
        plan_report_writes(
            plan,
            [report],
            data.tab(tabs.weekly),
            data.tab(tabs.by_program),
            settings,
            updated_at=stamp,
        )
        plan_findings(plan, data.tab(tabs.findings), settings, week, validation, slots)
        if progress:
            progress(_("Writing {n} cells …").format(n=plan.cell_count()))
        if not dry_run:
            store.write(plan)

    collect_result = None
    if source is not None:
        collect_result = CollectResult(
            collection, summary, WritePlan(), written=not dry_run, error=collect_error
        )
    return WeeklyResult(
        as_of=as_of,
        week=week,
        validation=validation,
        slots=slots,
        report=report,
        collect=collect_result,
        plan=plan,
        written=not dry_run and not plan.is_empty(),
        dry_run=dry_run,
        store_name=store.name,
        findings_tab=settings.tabs.findings,
    )


def merge_collection(
    followers: Sequence[FollowerPoint],
    posts: Sequence[PostMetric],
    collection: Collection,
    settings: Settings,
) -> tuple[list[FollowerPoint], list[PostMetric]]:
    """The metrics as they will be after this run's write, for the analysis of this run."""
    from postme.metrics import FollowerPoint, PostMetric

    merged_followers = list(followers)
    account = collection.account
    if account is not None and account.followers is not None:
        day = account.taken_at.astimezone(settings.zone).date()
        merged_followers = [p for p in merged_followers if p.date != day]
        merged_followers.append(
            FollowerPoint(0, day, account.followers, account.following, account.posts)
        )
    by_code = {p.shortcode: p for p in posts if p.shortcode}
    for record in collection.posts:
        old = by_code.get(record.shortcode)
        by_code[record.shortcode] = PostMetric(
            row=old.row if old else 0,
            shortcode=record.shortcode,
            link=record.link,
            posted_at=record.posted_at,
            type=record.type,
            likes=record.likes if record.likes is not None else (old.likes if old else None),
            comments=_first(record.comments, old.comments if old else None),
            views=_first(record.views, old.views if old else None),
            reach=_first(record.reach, old.reach if old else None),
            saves=_first(record.saves, old.saves if old else None),
            shares=_first(record.shares, old.shares if old else None),
        )
    merged_posts = [p for p in posts if not p.shortcode] + list(by_code.values())
    return merged_followers, merged_posts


def _first(value: int | None, fallback: int | None) -> int | None:
    return value if value is not None else fallback


FINDINGS_HEADERS = {
    "id": ("Minggu", "Jenis", "Tingkat", "Baris", "Sel", "Tanggal", "Program", "Nilai", "Pesan"),
    "en": ("Week", "Kind", "Severity", "Row", "Cell", "Date", "Program", "Value", "Message"),
}


def plan_findings(
    plan: WritePlan,
    existing: Tab | None,
    settings: Settings,
    week: IsoWeek,
    validation: ValidationResult,
    slots: SlotResult,
) -> None:
    """This run's findings replace the previous run's findings for the same week."""
    headers = FINDINGS_HEADERS[settings.language]
    records: list[dict[str, Cell]] = []
    for finding in validation.findings:
        records.append(_finding_record(headers, week, finding))
    for slot in slots.findings:
        records.append(
            dict(
                zip(
                    headers,
                    (
                        week.label,
                        slot.kind,
                        "error" if slot.kind == "missed" else "warning",
                        slot.row,
                        "",
                        slot.date.isoformat(),
                        slot.program or "",
                        slot.title,
                        slot.message,
                    ),
                    strict=True,
                )
            )
        )
    plan_replace(plan, settings.tabs.findings, existing, headers, headers[0], [week.label], records)


def _finding_record(headers: Sequence[str], week: IsoWeek, finding: Finding) -> dict[str, Cell]:
    value = finding.value
    text = "" if value is None else str(value)
    return dict(
        zip(
            headers,
            (
                week.label,
                finding.rule,
                finding.severity,
                finding.row,
                finding.cell,
                "",
                "",
                text[:500],
                finding.message,
            ),
            strict=True,
        )
    )
