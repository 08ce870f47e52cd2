"""The comments register in a run: read the comments (offline folder or live, within a
request budget), then plan the ``Komentar`` tab and the summary lines.

Two calls for the weekly job (see docs/comments.md):

    result = collect_comments(settings, folder_or_collection, as_of, budget)  # before the lock
    ...
    result = plan_comments(plan, data.tab(settings.comments.tab), result, settings, as_of)

Exit code: 4 when the comments were read only in part or not at all (the rest written),
else 1 when an unanswered complaint (or urgent comment) is past its deadline and the team
has not closed its row, else 0. Names and texts never reach a note, a log line or JSON.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from postme.comments import Assessment, assess, overdue_complaints, summary_lines
from postme.comments_tab import RegisterPlan, plan_comment_tab
from postme.config import Settings
from postme.errors import ExitCode, InstagramError
from postme.i18n import _
from postme.links import account_key
from postme.stores.base import Tab, TabRequest, WritePlan

if TYPE_CHECKING:  # instaloader is slow to import; only a run that reads comments needs it
    import instaloader

    from postme.instagram.base import Collection
    from postme.instagram.comments import CommentsCollection

log = logging.getLogger("postme")


@dataclass(frozen=True)
class CommentsResult:
    collection: CommentsCollection | None  # None when nothing could be read (see error)
    assessment: Assessment | None
    now: dt.datetime  # the moment deadlines are judged against
    budget: int  # requests allowed for comments (0 offline)
    response_days: int
    error: str | None = None
    register: RegisterPlan | None = None  # set by plan_comments
    notes: tuple[str, ...] = field(default=())

    @property
    def closed(self) -> frozenset[str]:
        return self.register.closed if self.register else frozenset()

    @property
    def complete(self) -> bool:
        return self.error is None and self.collection is not None and self.collection.complete

    @property
    def overdue_complaints(self) -> int:
        if self.assessment is None:
            return 0
        late = overdue_complaints(self.assessment)
        return sum(1 for c in late if c.comment.id not in self.closed)

    @property
    def exit_code(self) -> ExitCode:
        """4 read in part or not at all; 1 an overdue complaint still open; else 0."""
        if not self.complete:
            return ExitCode.PARTIAL
        if self.overdue_complaints:
            return ExitCode.FINDINGS
        return ExitCode.OK

    def summary_lines(self) -> list[str]:
        """What needs an answer (counts and post links only), for the weekly summary."""
        if self.assessment is None:
            return []
        return summary_lines(self.assessment, self.response_days, closed=self.closed)

    def to_json(self) -> dict[str, Any]:
        """Counts only: no commenter, no text."""
        rows = self.assessment.comments if self.assessment else ()
        by_category: dict[str, int] = {}
        for row in rows:
            by_category[row.category] = by_category.get(row.category, 0) + 1
        collection = self.collection
        return {
            "ok": self.error is None,
            "error": self.error,
            "complete": self.complete,
            "posts_read": collection.posts_read if collection else 0,
            "comments": len(rows),
            "by_category": by_category,
            "unanswered": sum(1 for r in rows if r.needs_answer and not r.answered),
            "overdue_complaints": self.overdue_complaints,
            "ignored_spam": self.assessment.ignored_spam if self.assessment else 0,
            "requests_used": collection.requests_used if collection else 0,
            "request_budget": self.budget,
            "rows_written": self.register.rows_written if self.register else 0,
            "closed_rows": len(self.closed),
            "notes": list(self.notes),
            "summary": self.summary_lines(),
        }


def comments_since(settings: Settings, as_of: dt.date) -> dt.datetime:
    """Start of the window: midnight (team's timezone) ``[comments] days`` before ``as_of``."""
    start = as_of - dt.timedelta(days=settings.comments.days)
    return dt.datetime.combine(start, dt.time(), settings.zone)


def comments_request(settings: Settings) -> TabRequest:
    """The register, for the run's one batch read (absent on the first run)."""
    return TabRequest(title=settings.comments.tab, header_row=1, required=False)


def collect_comments(
    settings: Settings,
    source_or_folder: Path | Collection,
    as_of: dt.date,
    budget: int,
    *,
    now: dt.datetime | None = None,
    loader_factory: Callable[..., instaloader.Instaloader] | None = None,
) -> CommentsResult:
    """Read and assess the comments of the posts of the last ``[comments] days``.

    ``source_or_folder``: a folder written by ``instaloader --comments`` (offline, no
    request), or this run's post ``Collection`` (live: the comments of its posts in the
    window are read with the saved session, at most ``budget`` requests). Fails soft: when
    Instagram cannot be read the result carries the error (exit 4) and nothing is assessed.
    """
    moment = now or dt.datetime.now(dt.UTC)
    since = comments_since(settings, as_of)
    account = account_key(settings.instagram.username or "")
    from postme.instagram.comments import CommentsCollection, LiveComments, read_comment_files

    collection: CommentsCollection | None = None
    error: str | None = None
    try:
        if isinstance(source_or_folder, Path):
            collection = read_comment_files(source_or_folder, account, since)
            budget = 0
        else:
            posts = [p for p in source_or_folder.posts if p.posted_at >= since]
            if not posts:
                collection = CommentsCollection((), 0, 0, True, ())
            else:
                live = LiveComments(
                    account,
                    settings.instagram.session_file,
                    request_budget=max(1, budget),
                    max_wait_seconds=settings.instagram.max_wait_seconds,
                    loader_factory=loader_factory,
                )
                collection = live.fetch(posts)
    except InstagramError as e:
        error = _("Comments were not read: {error}").format(error=e)
        log.warning("%s", error)
    notes = collection.notes if collection else ()
    for note in notes:
        log.warning("%s", note)  # notes name files, posts and counts only
    assessment = assess(collection.comments, settings.comments, moment) if collection else None
    return CommentsResult(
        collection=collection,
        assessment=assessment,
        now=moment,
        budget=budget,
        response_days=settings.comments.response_days,
        error=error,
        notes=notes,
    )


def plan_comments(
    plan: WritePlan,
    tab: Tab | None,
    result: CommentsResult,
    settings: Settings,
    as_of: dt.date,
) -> CommentsResult:
    """Add the register's rows to ``plan`` (closed rows and the team's columns untouched)
    and return the result with what the register holds (closed rows) for the summary.
    ``as_of`` is the run's day (deadlines are judged at ``result.now``, set when read)."""
    if result.assessment is None:
        return result
    register = plan_comment_tab(plan, tab, result.assessment, settings)
    return replace(result, register=register)


def comments_for_run(
    settings: Settings,
    source: object,
    collection: Collection | None,
    as_of: dt.date,
    now: dt.datetime,
) -> CommentsResult | None:
    """The comments step of a weekly run, or None when it does not apply (``[comments]
    enabled = false``, no source, or a Meta CSV export, which has no comments).

    A folder source (``--from DIR``) is read offline; the live source reads the comments
    of this run's posts with what is left of ``[instagram] request_budget``.
    """
    if not settings.comments.enabled or source is None:
        return None  # (checked first: the sources import instaloader, which is slow)
    from postme.instagram.jsondir import JsonDirSource
    from postme.instagram.live import LiveSource

    if isinstance(source, JsonDirSource):
        return collect_comments(settings, source.folder, as_of, 0, now=now)
    if not isinstance(source, LiveSource) or collection is None:
        return None
    left = settings.instagram.request_budget - collection.requests_used
    if left < 1:
        note = _(
            "Comments were not read: the request budget was spent on the posts. Raise "
            "[instagram] request_budget to read comments too."
        )
        log.warning("%s", note)
        return CommentsResult(None, None, now, 0, settings.comments.response_days, note)
    return collect_comments(settings, collection, as_of, left, now=now)
