"""The account's history as tables: best time to post, trends over weeks, programme mix.

The per-post figures have one home, :func:`history_posts` (plain records); the figures of
the weekly run (best time, trends, programme mix) are computed from those records and
from the weekly reports with plain Python: over 16 weeks they are a few hundred posts, and
``import pandas`` (0.2–0.7 s, +40 MiB) would cost a weekly run more than all of its
computing. pandas is the table engine of what works on the whole history: the frames for
data people (:func:`frames`, :func:`post_frame`: the same records as DataFrames), the
monthly report and the city league (:mod:`postme.monthly`). It is imported inside those
functions, never at module level.

Definitions (``docs/insights.md`` repeats them for the team):

Engagement rate of a post (ER)
    interactions (likes + comments) / followers at posting time × 100. Followers at
    posting time = the latest follower snapshot dated on or before the post's day (in the
    team's timezone); a post with no such snapshot (or 0 followers) has no ER and is left
    out of every ER mean, so follower growth does not favour recent posts.
Best time
    The posts of the last ``weeks`` weeks (the ``weeks × 7`` days up to ``as_of``) that
    have an ER and a time of day, grouped by weekday × time band in the team's zone
    (:data:`BANDS`). A cell's score is the mean ER of its posts; only cells with at least
    ``min_posts`` posts are ranked. With no ranked cell there is no winner: the result
    says how many more weeks, at the team's posting rate so far, the fullest cell needs.
    Best format / programme: the same mean ER, by the post's format / programme, ranked
    only with ``min_posts`` posts. Ties: more posts, then the earlier weekday and band.
Trends
    For each figure, the change of the latest week against the week before and against
    the mean of the 4 weeks before it (weeks where the figure is missing are left out of
    the mean; fewer than one known week gives no change).
Programme mix
    Over the last 4 and 12 weeks: a programme's share of the posts and of the
    interactions (both in %), its plan adherence (published / (planned − cancelled)), and
    the programmes planned but not delivered (rows due, none published).

Missing stays missing: an unknown figure is ``None`` (an empty cell), never 0.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from operator import attrgetter
from statistics import fmean
from typing import TYPE_CHECKING, Any

from postme.i18n import _
from postme.weeks import IsoWeek, last_complete_week
from postme.words import format_label, weekday_name

if TYPE_CHECKING:
    import pandas as pd

    from postme.analysis import WeekReport
    from postme.calendar import Calendar
    from postme.config import Settings
    from postme.jobs import SheetData
    from postme.metrics import FollowerPoint, PostMetric
    from postme.stores.base import Store, TabRequest

# (first hour, end hour, label): the night band first, then three-hour bands.
BANDS: tuple[tuple[int, int, str], ...] = (
    (0, 6, "00–06"),
    (6, 9, "06–09"),
    (9, 12, "09–12"),
    (12, 15, "12–15"),
    (15, 18, "15–18"),
    (18, 21, "18–21"),
    (21, 24, "21–24"),
)
DEFAULT_WEEKS = 16
DEFAULT_MIN_POSTS = 3
TREND_AVERAGE_WEEKS = 4
MIX_WEEKS = (4, 12)


def band_of(hour: int) -> str:
    """The label of the time band holding ``hour`` (0–23)."""
    for first, end, label in BANDS:
        if first <= hour < end:
            return label
    raise ValueError(f"hour {hour} outside 0-23")


# --- the frames ------------------------------------------------------------------------------


@dataclass
class HistoryFrames:
    """An account's history as DataFrames: ``calendar`` (one row per calendar row),
    ``posts`` (one row per Instagram post, with its programme, format, followers at
    posting time and ER; columns :data:`POST_COLUMNS`) and ``followers`` (one row per
    snapshot: date, followers, following, posts)."""

    calendar: pd.DataFrame
    posts: pd.DataFrame
    followers: pd.DataFrame


def frames(settings: Settings, store: Store | None = None) -> HistoryFrames:
    """Read a Puskesmas's spreadsheet once and return its history as DataFrames, for a
    notebook::

        from postme.config import load_config
        from postme.history import frames
        history = frames(load_config("postme.toml"))
        history.posts.groupby("program")["engagement_rate_pct"].mean()
    """
    history = read_history(settings, store)
    data, followers, posts = history.data, history.followers, history.posts
    return HistoryFrames(
        calendar=calendar_frame(data.calendar),
        posts=post_frame(posts, followers, data.calendar, settings),
        followers=follower_frame(followers),
    )


@dataclass
class ReadHistory:
    """One read of the spreadsheet for the history: the sheet data (calendar and any
    extra tabs asked for), the follower snapshots and the post metrics."""

    data: SheetData
    followers: list[FollowerPoint]
    posts: list[PostMetric]


def read_history(
    settings: Settings, store: Store | None = None, extra: Sequence[TabRequest] = ()
) -> ReadHistory:
    """Read the calendar and both metrics tabs (and ``extra`` tabs) in one call."""
    from postme.jobs import open_store, read_sheet
    from postme.metrics import (
        account_request,
        post_request,
        read_follower_points,
        read_post_metrics,
    )

    store = store or open_store(settings)
    requests = [account_request(settings), post_request(settings), *extra]
    data = read_sheet(store, settings, requests)
    followers, _f = read_follower_points(data.tab(settings.tabs.account_metrics), settings)
    posts, _p = read_post_metrics(data.tab(settings.tabs.post_metrics), settings)
    return ReadHistory(data, followers, posts)


def calendar_frame(calendar: Calendar) -> pd.DataFrame:
    """One row per calendar row: row, date, time, program, format, stage, title, link."""
    import pandas as pd

    records = [
        {
            "row": e.row,
            "date": e.date,
            "time": e.time,
            "program": e.program,
            "format": e.format,
            "stage": e.stage,
            "title": e.title or None,
            "link": e.get("link") or None,
        }
        for e in calendar.entries
    ]
    columns = ["row", "date", "time", "program", "format", "stage", "title", "link"]
    return pd.DataFrame.from_records(records, columns=columns)


def follower_frame(points: Sequence[FollowerPoint]) -> pd.DataFrame:
    import pandas as pd

    records = [
        {"date": p.date, "followers": p.followers, "following": p.following, "posts": p.posts}
        for p in points
    ]
    frame = pd.DataFrame.from_records(
        records, columns=["date", "followers", "following", "posts"]
    ).astype({"followers": "Int64", "following": "Int64", "posts": "Int64"})
    return frame


@dataclass(frozen=True, slots=True)
class HistoryPost:
    """One Instagram post of the history with the figures the history works from: its
    moment in the team's zone, weekday and time band, format, programme (from the
    calendar), followers at posting time and ER. A row of :func:`post_frame`."""

    shortcode: str | None
    link: str | None
    posted_at: dt.datetime  # in the team's zone
    date: dt.date
    weekday: int  # Monday 0
    band: str | None  # None: the post was typed with a date only
    has_time: bool
    format: str | None
    program: str | None
    likes: int | None
    comments: int | None
    views: int | None
    reach: int | None
    interactions: int | None
    followers_at_post: int | None
    engagement_rate_pct: float | None


POST_COLUMNS = tuple(f.name for f in fields(HistoryPost))


def history_posts(
    posts: Sequence[PostMetric],
    followers: Sequence[FollowerPoint],
    calendar: Calendar,
    settings: Settings,
    *,
    since: dt.date | None = None,
) -> list[HistoryPost]:
    """Each post (in posting order; a repeated shortcode once, posts without a moment
    left out) with its programme from the calendar by the weekly analysis's rule (link
    shortcode, else the day's rows in time order). ``since``: only posts dated on or
    after that day are returned, with the programmes matching every post would give them.

    Matching pairs a post with a row of its own day, or with a row (of any day) linking to
    it. So a post before ``since`` can change the programme of a later one only through a
    row dated from ``since`` on that links to it: such a row is its post's, not free for a
    post of its day. Those earlier posts are matched along; the others are left out (at
    100k calendar rows that is most of the history)."""
    from postme.analysis import WeekPost, with_programs
    from postme.matching import POST_DATE_MARGIN, post_shortcode
    from postme.parsing import normalize_label
    from postme.tabs.metrics import format_words

    zone = settings.zone
    known = sorted((p for p in followers if p.followers is not None), key=lambda p: (p.date, p.row))
    days = [p.date for p in known]
    words = format_words(settings)
    linked: set[str | None] = set()
    if since is not None:
        linked = {e.link_shortcode for e in calendar.between(since, dt.date.max)}
        linked.discard(None)
        # A post's own date is tested first: cheaper than converting years of posts.
        roughly_since = since - POST_DATE_MARGIN
    wrapped: list[WeekPost] = []
    seen: set[str] = set()
    for metric in posts:
        if metric.posted_at is None or (metric.shortcode and metric.shortcode in seen):
            continue
        if metric.shortcode:
            seen.add(metric.shortcode)
        if (
            since is not None
            and metric.posted_at.date() < roughly_since
            and post_shortcode(metric) not in linked
        ):
            continue
        local = metric.posted_at.astimezone(zone)
        if since is not None and local.date() < since and post_shortcode(metric) not in linked:
            continue
        at = bisect.bisect_right(days, local.date())
        count = known[at - 1].followers if at else None
        interactions = None
        if metric.likes is not None or metric.comments is not None:
            interactions = (metric.likes or 0) + (metric.comments or 0)
        wrapped.append(WeekPost(metric, local, interactions, count))
    wrapped.sort(key=lambda p: (p.local, p.metric.row))
    wrapped = with_programs(wrapped, calendar, zone)
    records: list[HistoryPost] = []
    for post in wrapped:
        day = post.local.date()
        if since is not None and day < since:
            continue
        metric = post.metric
        rate = None
        if post.interactions is not None and post.followers:
            rate = post.interactions / post.followers * 100
        kind = metric.type
        records.append(
            HistoryPost(
                shortcode=metric.shortcode,
                link=metric.link,
                posted_at=post.local,
                date=day,
                weekday=post.local.weekday(),
                band=band_of(post.local.hour) if metric.has_time else None,
                has_time=metric.has_time,
                format=words.get(normalize_label(kind), kind) if kind else None,
                program=post.program,
                likes=metric.likes,
                comments=metric.comments,
                views=metric.views,
                reach=metric.reach,
                interactions=post.interactions,
                followers_at_post=post.followers,
                engagement_rate_pct=rate,
            )
        )
    return records


def post_frame(
    posts: Sequence[PostMetric],
    followers: Sequence[FollowerPoint],
    calendar: Calendar,
    settings: Settings,
) -> pd.DataFrame:
    """:func:`history_posts` as a DataFrame (columns :data:`POST_COLUMNS`; counts as
    nullable integers, the ER as floats with NaN where unknown)."""
    import pandas as pd

    row = attrgetter(*POST_COLUMNS)
    records = [row(post) for post in history_posts(posts, followers, calendar, settings)]
    frame = pd.DataFrame.from_records(records, columns=list(POST_COLUMNS))
    counts = ("likes", "comments", "views", "reach", "interactions", "followers_at_post")
    frame = frame.astype(dict.fromkeys(counts, "Int64"))
    return frame.astype({"engagement_rate_pct": "float64"})


# --- best time -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreCell:
    """One weekday × band cell (or one format / programme): its posts and mean ER."""

    key: str  # band label, format or programme
    weekday: int | None  # 0 = Monday; None for format / programme cells
    posts: int
    engagement_rate_pct: float | None
    ranked: bool


@dataclass(frozen=True)
class BestTime:
    """The best-time table of the last ``weeks`` weeks (definitions in the module doc)."""

    as_of: dt.date
    weeks: int
    min_posts: int
    cells: tuple[ScoreCell, ...]  # every weekday × band, Monday first, bands in BANDS order
    best: ScoreCell | None  # None: not enough data
    weeks_needed: int | None  # more weeks of posting before a cell can be ranked
    formats: tuple[ScoreCell, ...] = ()
    programs: tuple[ScoreCell, ...] = ()
    posts_used: int = 0

    @property
    def best_format(self) -> ScoreCell | None:
        return _winner(self.formats)

    @property
    def best_program(self) -> ScoreCell | None:
        return _winner(self.programs)

    def cell(self, weekday: int, band: str) -> ScoreCell:
        return next(c for c in self.cells if c.weekday == weekday and c.key == band)

    def summary(self, language: str = "id") -> list[str]:
        """Lines for the summary and the tab: the winner, or how many weeks are missing."""
        lines: list[str] = []
        if self.best is None or self.best.weekday is None:
            if self.weeks_needed is None:
                lines.append(
                    _(
                        "Best time to post: not enough data (no post with figures in the "
                        "last {weeks} weeks)."
                    ).format(weeks=self.weeks)
                )
            else:
                lines.append(
                    _(
                        "Best time to post: not enough data yet; about {n} more week(s) of "
                        "posting are needed (a slot needs {m} posts)."
                    ).format(n=self.weeks_needed, m=self.min_posts)
                )
        else:
            lines.append(
                _(
                    "Best time to post (last {weeks} weeks): {day} {band}, engagement "
                    "{rate}% over {n} posts."
                ).format(
                    weeks=self.weeks,
                    day=weekday_name(self.best.weekday, language),
                    band=self.best.key,
                    rate=_pct(self.best.engagement_rate_pct),
                    n=self.best.posts,
                )
            )
        for label, best, name in (
            (_("Best format"), self.best_format, format_label),
            (_("Best programme"), self.best_program, lambda key, _language: key),
        ):
            if best is not None:
                lines.append(
                    _("{label}: {name}, engagement {rate}% over {n} posts.").format(
                        label=label,
                        name=name(best.key, language),
                        rate=_pct(best.engagement_rate_pct),
                        n=best.posts,
                    )
                )
        return lines

    def to_json(self) -> dict[str, object]:
        def cell(c: ScoreCell) -> dict[str, object]:
            return {
                "key": c.key,
                "weekday": c.weekday,
                "posts": c.posts,
                "engagement_rate_pct": _round(c.engagement_rate_pct),
                "ranked": c.ranked,
            }

        return {
            "as_of": self.as_of.isoformat(),
            "weeks": self.weeks,
            "min_posts": self.min_posts,
            "posts_used": self.posts_used,
            "best": None if self.best is None else cell(self.best),
            "weeks_needed": self.weeks_needed,
            "best_format": None if self.best_format is None else cell(self.best_format),
            "best_program": None if self.best_program is None else cell(self.best_program),
            "cells": [cell(c) for c in self.cells],
        }


def best_time(
    posts: Sequence[HistoryPost],
    *,
    as_of: dt.date,
    weeks: int = DEFAULT_WEEKS,
    min_posts: int = DEFAULT_MIN_POSTS,
) -> BestTime:
    """The weekday × band table of ``posts`` (from :func:`history_posts`) over the
    ``weeks`` weeks up to ``as_of``. Followers at posting time are already in each post's
    ER, so the follower snapshots are not needed again here."""
    start = as_of - dt.timedelta(days=weeks * 7 - 1)
    window = [p for p in posts if start <= p.date <= as_of and p.engagement_rate_pct is not None]
    timed = [p for p in window if p.band is not None]
    rates = _rates_by(timed, lambda p: (p.weekday, p.band))
    cells = tuple(
        _score_cell(label, weekday, rates.get((weekday, label), []), min_posts)
        for weekday in range(7)
        for _first, _end, label in BANDS
    )
    best = _winner(cells)
    weeks_needed: int | None = None
    if best is None and timed:
        fullest = max(c.posts for c in cells)
        first_day = min(p.date for p in timed)
        covered = max(1, math.ceil(((as_of - first_day).days + 1) / 7))
        weeks_needed = max(1, math.ceil(covered * min_posts / fullest) - covered)
    return BestTime(
        as_of=as_of,
        weeks=weeks,
        min_posts=min_posts,
        cells=cells,
        best=best,
        weeks_needed=weeks_needed,
        formats=_group_cells(window, lambda p: p.format, min_posts),
        programs=_group_cells(window, lambda p: p.program, min_posts),
        posts_used=len(timed),
    )


def _rates_by(
    posts: Sequence[HistoryPost], key: Callable[[HistoryPost], Any]
) -> dict[Any, list[float]]:
    """The ERs of ``posts`` grouped by ``key`` (posts whose key is None left out)."""
    groups: dict[Any, list[float]] = defaultdict(list)
    for post in posts:
        group = key(post)
        if group is not None and post.engagement_rate_pct is not None:
            groups[group].append(post.engagement_rate_pct)
    return groups


def _score_cell(key: str, weekday: int | None, rates: Sequence[float], min_posts: int) -> ScoreCell:
    mean = fmean(rates) if rates else None
    return ScoreCell(key, weekday, len(rates), mean, len(rates) >= min_posts)


def _group_cells(
    window: Sequence[HistoryPost], key: Callable[[HistoryPost], str | None], min_posts: int
) -> tuple[ScoreCell, ...]:
    groups = _rates_by(window, key)
    return tuple(_score_cell(name, None, groups[name], min_posts) for name in sorted(groups))


def _winner(cells: Sequence[ScoreCell]) -> ScoreCell | None:
    ranked = [c for c in cells if c.ranked and c.engagement_rate_pct is not None]
    if not ranked:
        return None
    order = {label: i for i, (_a, _b, label) in enumerate(BANDS)}
    return min(
        ranked,
        key=lambda c: (
            -(c.engagement_rate_pct or 0.0),
            -c.posts,
            c.weekday if c.weekday is not None else -1,
            order.get(c.key, 0),
            c.key,
        ),
    )


# --- weekly history, trends, programme mix ----------------------------------------------------


def weekly_history(
    calendar: Calendar,
    followers: Sequence[FollowerPoint],
    posts: Sequence[PostMetric],
    settings: Settings,
    *,
    last_week: IsoWeek,
    weeks: int = max(MIX_WEEKS),
    now: dt.datetime,
    as_of: dt.date | None = None,
) -> list[WeekReport]:
    """The weekly analysis (:func:`postme.analysis.analyse_week`) of ``weeks`` weeks up to
    ``last_week``, oldest first: the rows trends and the programme mix are computed from.
    ``as_of`` is the run's reference day (default: the Monday after ``last_week``, when
    the weekly run reports it); missed rows are judged by the analysis's rule at ``now``.

    Each week's analysis looks only at the rows that can matter to it (the calendar's
    indexes); here the posts are narrowed once to those of these weeks, so each week
    does not walk the whole history again.
    """
    from postme.analysis import analyse_week
    from postme.matching import POST_DATE_MARGIN

    as_of = as_of or last_week.end + dt.timedelta(days=1)
    first = last_week.shift(-(weeks - 1)).start - POST_DATE_MARGIN
    last = last_week.end + POST_DATE_MARGIN
    span_posts = [
        p for p in posts if p.posted_at is not None and first <= p.posted_at.date() <= last
    ]
    grace = dt.timedelta(minutes=settings.schedule.grace_minutes)
    return [
        analyse_week(
            last_week.shift(-back),
            calendar,
            followers,
            span_posts,
            zone=settings.zone,
            as_of=as_of,
            now=now,
            grace=grace,
        )
        for back in range(weeks - 1, -1, -1)
    ]


TREND_FIGURES = ("follower_growth", "engagement_rate_pct", "plan_adherence_pct", "posts")


@dataclass(frozen=True)
class Trend:
    figure: str
    value: float | None  # the latest week
    previous: float | None  # the week before
    average: float | None  # mean of the 4 weeks before the latest (known weeks only)
    change_vs_previous: float | None
    change_vs_average: float | None

    def arrow(self, change: float | None) -> str:
        if change is None:
            return ""
        return "▲" if change > 0 else "▼" if change < 0 else "="


@dataclass(frozen=True)
class Trends:
    week: str | None
    figures: tuple[Trend, ...]

    def get(self, figure: str) -> Trend:
        return next(t for t in self.figures if t.figure == figure)

    def summary(self) -> list[str]:
        names = {
            "follower_growth": _("Followers gained"),
            "engagement_rate_pct": _("Engagement rate (%)"),
            "plan_adherence_pct": _("Plan adherence (%)"),
            "posts": _("Posts"),
        }
        lines = []
        for t in self.figures:
            if t.value is None:
                continue
            lines.append(
                _("{name}: {value} ({prev} vs last week, {avg} vs 4-week average)").format(
                    name=names[t.figure],
                    value=_num(t.value),
                    prev=signed_change(t, t.change_vs_previous),
                    avg=signed_change(t, t.change_vs_average),
                )
            )
        return lines


def trends(weekly_rows: Sequence[WeekReport | Mapping[str, Any]]) -> Trends:
    """Change of the latest week (the last row) against the week before and against the
    mean of the 4 weeks before it, for :data:`TREND_FIGURES`. Rows are
    :class:`~postme.analysis.WeekReport` or mappings with the same field names, oldest
    first; a value that is not a number counts as missing."""
    records = [_as_mapping(row) for row in weekly_rows]
    if not records:
        return Trends(None, tuple(Trend(f, None, None, None, None, None) for f in TREND_FIGURES))
    result = []
    for figure in TREND_FIGURES:
        series = [_number(r.get(figure)) for r in records]
        value = series[-1]
        previous = series[-2] if len(series) > 1 else None
        before = [v for v in series[-1 - TREND_AVERAGE_WEEKS : -1] if v is not None]
        average = fmean(before) if before else None
        result.append(
            Trend(
                figure,
                value,
                previous,
                average,
                None if value is None or previous is None else value - previous,
                None if value is None or average is None else value - average,
            )
        )
    return Trends(str(records[-1].get("week")), tuple(result))


@dataclass(frozen=True)
class ProgramShare:
    program: str
    posts: int
    interactions: int | None
    share_of_posts_pct: float | None
    share_of_interactions_pct: float | None
    planned: int
    published: int
    cancelled: int
    plan_adherence_pct: float | None


@dataclass(frozen=True)
class ProgramMix:
    weeks: int
    programs: tuple[ProgramShare, ...]
    not_delivered: tuple[str, ...]  # planned (rows due) but nothing published

    def summary(self) -> list[str]:
        lines = []
        for p in self.programs:
            lines.append(
                _(
                    "{program} ({weeks} weeks): {posts_pct}% of posts, {inter_pct}% of "
                    "interactions, plan adherence {adherence}%"
                ).format(
                    program=p.program,
                    weeks=self.weeks,
                    posts_pct=_num(p.share_of_posts_pct),
                    inter_pct=_num(p.share_of_interactions_pct),
                    adherence=_num(p.plan_adherence_pct),
                )
            )
        if self.not_delivered:
            lines.append(
                _("Planned but not delivered in {weeks} weeks: {names}").format(
                    weeks=self.weeks, names=", ".join(self.not_delivered)
                )
            )
        return lines


def programme_mix(reports: Sequence[WeekReport], weeks: int) -> ProgramMix:
    """The programme mix of the last ``weeks`` of ``reports`` (oldest first)."""
    from postme.analysis import percent

    chosen = list(reports)[-weeks:] if weeks > 0 else []
    posts: dict[str, int] = defaultdict(int)
    interactions: dict[str, int | None] = {}
    planned: dict[str, int] = defaultdict(int)
    published: dict[str, int] = defaultdict(int)
    cancelled: dict[str, int] = defaultdict(int)
    for report in chosen:
        for p in report.by_program:
            posts[p.program] += p.posts
            planned[p.program] += p.planned
            published[p.program] += p.published
            cancelled[p.program] += p.cancelled
            known = interactions.get(p.program)
            if p.interactions is not None:
                interactions[p.program] = (known or 0) + p.interactions
            else:
                interactions.setdefault(p.program, None)
    total_posts = sum(posts.values())
    known_totals = [v for v in interactions.values() if v is not None]
    total_inter = sum(known_totals) if known_totals else None
    shares = []
    not_delivered = []
    for name in sorted(posts):
        inter = interactions[name]
        due = planned[name] - cancelled[name]
        if due > 0 and published[name] == 0:
            not_delivered.append(name)
        shares.append(
            ProgramShare(
                program=name,
                posts=posts[name],
                interactions=inter,
                share_of_posts_pct=percent(posts[name], total_posts),
                share_of_interactions_pct=(
                    percent(inter, total_inter) if inter is not None and total_inter else None
                ),
                planned=planned[name],
                published=published[name],
                cancelled=cancelled[name],
                plan_adherence_pct=percent(published[name], due),
            )
        )
    return ProgramMix(weeks, tuple(shares), tuple(not_delivered))


# --- the weekly wiring: everything the lead calls from ``weekly`` ------------------------------


@dataclass
class Insights:
    """What the history adds to a weekly run: the best-time table, trends, the mix."""

    best: BestTime
    trends: Trends
    mixes: tuple[ProgramMix, ...] = field(default=())

    def summary(self, language: str = "id") -> list[str]:
        """Short, for the weekly summary: the best time, format and programme, the trends,
        and a programme planned but not delivered (the whole mix is in the monthly report
        and ``--json``)."""
        lines = [*self.best.summary(language), *self.trends.summary()]
        for mix in self.mixes:
            lines.extend(mix.summary()[len(mix.programs) :])  # the not-delivered line
        return lines

    def to_json(self) -> dict[str, object]:
        """Stable keys and numbers (no translated words) for ``weekly --json``."""
        from dataclasses import asdict

        return {
            "best_time": self.best.to_json(),
            "trends": [asdict(trend) for trend in self.trends.figures],
            "programme_mix": [asdict(mix) for mix in self.mixes],
        }


def compute_insights(
    calendar: Calendar,
    followers: Sequence[FollowerPoint],
    posts: Sequence[PostMetric],
    settings: Settings,
    *,
    as_of: dt.date,
    now: dt.datetime,
    last_week: IsoWeek | None = None,
) -> Insights:
    """Best time, trends and programme mix from data a weekly run has already read; the
    best-time window and its minimum posts per cell are the config's ``[report]``."""
    weeks = settings.report.best_time_weeks
    min_posts = settings.report.best_time_min_posts
    last_week = last_week or last_complete_week(as_of)
    since = as_of - dt.timedelta(days=weeks * 7 - 1)  # best_time's window
    recent = history_posts(posts, followers, calendar, settings, since=since)
    best = best_time(recent, as_of=as_of, weeks=weeks, min_posts=min_posts)
    reports = weekly_history(
        calendar,
        followers,
        posts,
        settings,
        last_week=last_week,
        weeks=max(MIX_WEEKS),
        now=now,
        as_of=as_of,
    )
    return Insights(
        best=best,
        trends=trends(reports[-(TREND_AVERAGE_WEEKS + 1) :]),
        mixes=tuple(programme_mix(reports, w) for w in MIX_WEEKS),
    )


# --- small helpers ------------------------------------------------------------------------------


def _as_mapping(row: WeekReport | Mapping[str, Any]) -> Mapping[str, Any]:
    if isinstance(row, Mapping):
        return row
    return {k: getattr(row, k) for k in ("week", *TREND_FIGURES)}


def _number(value: object) -> float | None:
    """A figure as a float; None for a missing value (None, NaN) or one that is not a
    number."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        return None
    return float(value)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _num(value: float | None) -> str:
    if value is None:
        return "–"
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def signed_change(trend: Trend, change: float | None) -> str:
    if change is None:
        return "–"
    return f"{trend.arrow(change)}{_num(abs(change))}"
