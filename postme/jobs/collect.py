"""``collect``: Instagram figures into the account and post metrics tabs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from postme.config import Settings
from postme.errors import ExitCode, InstagramError, NothingCollected
from postme.i18n import _
from postme.jobs.checks import metrics_requests, read_sheet
from postme.jobs.lock import spreadsheet_lock
from postme.stores.base import Store, WritePlan
from postme.weeks import last_complete_week, week_of

if TYPE_CHECKING:
    from postme.instagram.base import Collection, InstagramSource
    from postme.metrics import CollectSummary, FollowerPoint, PostMetric

Progress = Callable[[str], None]


@dataclass
class CollectResult:
    collection: Collection | None
    summary: CollectSummary | None
    plan: WritePlan
    written: bool
    error: str | None = None

    @property
    def complete(self) -> bool:
        return self.collection is not None and self.collection.complete

    @property
    def exit_code(self) -> ExitCode:
        """OK when Instagram was read whole; PARTIAL (what was read was written) otherwise."""
        return ExitCode.OK if self.complete else ExitCode.PARTIAL

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
            "complete": self.complete,
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
    way (budget, a block after some posts) writes what it got (exit 4)."""
    from postme.jobs.wiring import open_store
    from postme.tabs.metrics import plan_collect

    store = store or open_store(settings)
    try:
        collection = fetch_instagram(source, settings, as_of, progress)
    except InstagramError as e:
        raise NothingCollected(_("{error} Nothing was written.").format(error=e)) from None
    with spreadsheet_lock(store):
        data = read_sheet(store, settings, metrics_requests(settings))
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
            replies=_first(record.replies, old.replies if old else None),
            link_clicks=_first(record.link_clicks, old.link_clicks if old else None),
            profile_visits=_first(record.profile_visits, old.profile_visits if old else None),
            sticker_taps=_first(record.sticker_taps, old.sticker_taps if old else None),
            navigation=_first(record.navigation, old.navigation if old else None),
        )
    merged_posts = [p for p in posts if not p.shortcode] + list(by_code.values())
    return merged_followers, merged_posts


def _first(value: int | None, fallback: int | None) -> int | None:
    return value if value is not None else fallback
