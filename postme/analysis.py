"""The weekly analysis (README "Definitions", the field table): tables in, a
:class:`WeekReport` out, and the rows it becomes in the tool-owned ``Analisis Mingguan``
and ``Analisis Program`` tabs.

Definitions (the README repeats them for the team). Everything is judged in the team's
timezone; a week is an ISO week, Monday to Sunday.

*Missing is not zero.* Counts of things are numbers, 0 included: ``planned``,
``published``, ``cancelled``, ``missed``, ``errors``, ``warnings``, ``posts``. Measures of
things that are absent are ``None`` (an empty cell, ``null`` in JSON): with no post in
the week, ``likes``, ``comments``, ``views``, ``interactions``, the averages and rates,
and ``top_post`` are ``None``; ``views`` is ``None`` when no post of the week has a view
count (photos have none). The best time to post is not a one-week figure: it comes from
the account's history (``postme.history.best_time``).

Followers
    ``followers_start`` is the latest snapshot dated on or before the week's Monday,
    ``followers_end`` the latest dated on or before the *next* Monday, where the week
    ends. Snapshots carry a date, not an hour, and the weekly run collects on Monday
    before it reports the week that just ended, so a snapshot dated on a Monday counts
    as the count at that turn of the week; this way one week's end is the next week's
    start and weekly growth adds up. A snapshot older than 7 days at the boundary says
    nothing about it: the value is then ``None`` (a week with no snapshots near it has no
    follower figures, never a made-up growth of 0). Snapshots dated after ``as_of`` are
    ignored. ``follower_growth`` = end − start; ``follower_growth_pct`` = growth / start
    × 100 (``None`` when either is missing or start is 0).
Plan
    ``planned`` = calendar rows dated in the week (any row with a date: a row the team
    put in the calendar is a planned post, as the slot checks count it);
    ``published`` / ``cancelled`` = those rows at that stage; ``missed`` = those rows
    among ``missed_rows`` (from the slot checks, else ``postme.matching.missed_rows``);
    ``errors`` / ``warnings`` = the policy findings on those rows;
    ``plan_adherence_pct`` = published / (planned − cancelled) × 100, ``None`` when
    nothing was left to publish.
Posts
    ``posts`` = Instagram posts whose ``posted_at`` falls in the week in the team's
    timezone (a post at 23:30 WIB on Sunday belongs to that week). A post's
    interactions are likes + comments (a blank one of the two counts as 0; both blank:
    unknown). ``likes``, ``comments``, ``views``, ``interactions`` sum the known values;
    ``avg_interactions_per_post`` = interactions / posts with known interactions.
Engagement
    ``engagement_rate_pct`` = mean over the week's posts of interactions / followers at
    posting × 100 (Hootsuite's "ER post"). Followers at posting = the latest snapshot on
    or before the post's date, else the earliest after it; a post with neither (or 0
    followers) is left out of the mean. ``reach_engagement_rate_pct`` = mean of
    interactions / reach × 100 over the posts that have a reach (Meta export or typed),
    ``None`` when none has. Both use the same interactions so they compare.
Programmes, top and best
    A post belongs to the calendar row (and so to the programme) that
    ``postme.matching.match_posts`` gives it: the rule the slot checks use, so a post
    matched there has its programme here. ``top_program`` = the programme with the highest
    mean interactions per post (ties: more posts, then name); ``top_post`` = the
    shortcode of the post with the most interactions (ties: the earlier). ``by_program``
    has one line per programme with a row or a post in the week, by name.

The data of one week is small (tens of rows), so plain loops do the grouping: clearer
than pandas here and no import cost.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, fields, replace
from statistics import fmean
from typing import Protocol
from zoneinfo import ZoneInfo

from postme.calendar import Calendar, CalendarEntry
from postme.matching import POST_DATE_MARGIN, local_moment, match_calendar
from postme.matching import missed_rows as missed_rows_of
from postme.metrics import FollowerPoint, PostMetric
from postme.weeks import IsoWeek

MAX_SNAPSHOT_AGE = dt.timedelta(days=7)  # a boundary value from an older snapshot is None


class FindingLike(Protocol):
    """A policy finding as counted here (``postme.policy.Finding`` fits)."""

    @property
    def row(self) -> int: ...

    @property
    def severity(self) -> str: ...


@dataclass(frozen=True)
class ProgramStats:
    program: str
    planned: int
    published: int
    cancelled: int
    missed: int
    plan_adherence_pct: float | None
    posts: int
    likes: int | None
    comments: int | None
    views: int | None
    interactions: int | None
    engagement_rate_pct: float | None

    def to_json(self) -> dict[str, object]:
        return {f.name: _json_value(getattr(self, f.name)) for f in fields(self)}


@dataclass(frozen=True)
class WeekReport:
    """One ISO week, every field of the README "Definitions" table (definitions in the
    module docstring)."""

    week: str  # "2026-W47"
    start: dt.date
    end: dt.date
    followers_start: int | None
    followers_end: int | None
    follower_growth: int | None
    follower_growth_pct: float | None
    planned: int
    published: int
    cancelled: int
    missed: int
    plan_adherence_pct: float | None
    errors: int
    warnings: int
    posts: int
    likes: int | None
    comments: int | None
    views: int | None
    interactions: int | None
    avg_interactions_per_post: float | None
    engagement_rate_pct: float | None
    reach_engagement_rate_pct: float | None
    top_program: str | None
    top_post: str | None
    updated_at: dt.datetime
    by_program: tuple[ProgramStats, ...] = ()

    def to_json(self) -> dict[str, object]:
        """The §6 fields and ``by_program``: dates ISO, rates rounded to 2 decimals,
        missing values ``null``."""
        data: dict[str, object] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "by_program":
                data[f.name] = [p.to_json() for p in value]
            else:
                data[f.name] = _json_value(value)
        return data


def _json_value(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 2)
    return value


# --- the analysis -----------------------------------------------------------------------------


@dataclass(frozen=True)
class WeekPost:
    metric: PostMetric
    local: dt.datetime  # posted_at in the team's timezone
    interactions: int | None
    followers: int | None  # at posting time
    program: str | None = None


def analyse_week(
    week: IsoWeek,
    calendar: Calendar,
    followers: Sequence[FollowerPoint],
    posts: Sequence[PostMetric],
    *,
    zone: ZoneInfo,
    as_of: dt.date,
    now: dt.datetime,
    missed_rows: Collection[int] | None = None,
    findings: Sequence[FindingLike] = (),
    grace: dt.timedelta,
) -> WeekReport:
    """The report of ``week``. ``missed_rows`` are the calendar rows the slot checks found
    missed (only those dated in the week count); ``None`` works them out here with the
    same rule (``postme.matching.missed_rows``, judged at ``now``). ``findings`` are the
    policy findings of the run: only those on the week's rows are counted."""
    points = known_followers(followers, as_of)
    change = follower_change(points, week.start, week.end + dt.timedelta(days=1))

    rows = calendar.between(week.start, week.end)
    if missed_rows is None:
        found = missed_rows_of(rows, start=week.start, as_of=as_of, now=now, zone=zone, grace=grace)
        missed_set = {e.row for e in found}
    else:
        missed_set = {e.row for e in rows if e.row in missed_rows}
    errors, warnings = week_finding_counts(findings, {e.row for e in rows})

    week_posts = _week_posts(week, posts, points, zone, as_of)
    week_posts = with_programs(week_posts, calendar, zone)
    figures = _figures(week_posts)

    return WeekReport(
        week=week.label,
        start=week.start,
        end=week.end,
        followers_start=change.start,
        followers_end=change.end,
        follower_growth=change.growth,
        follower_growth_pct=change.growth_pct,
        planned=len(rows),
        published=sum(1 for e in rows if e.stage == "published"),
        cancelled=sum(1 for e in rows if e.stage == "cancelled"),
        missed=len(missed_set),
        plan_adherence_pct=_adherence(rows),
        errors=errors,
        warnings=warnings,
        posts=len(week_posts),
        likes=figures.likes,
        comments=figures.comments,
        views=figures.views,
        interactions=figures.interactions,
        avg_interactions_per_post=figures.average,
        engagement_rate_pct=figures.engagement_rate,
        reach_engagement_rate_pct=figures.reach_rate,
        top_program=_top_program(week_posts),
        top_post=_top_post(week_posts),
        updated_at=now,
        by_program=_by_program(rows, week_posts, missed_set),
    )


def week_finding_counts(findings: Sequence[FindingLike], rows: Collection[int]) -> tuple[int, int]:
    """(errors, warnings) among ``findings`` on the calendar ``rows`` of one week."""
    errors = sum(1 for f in findings if f.row in rows and f.severity == "error")
    warnings = sum(1 for f in findings if f.row in rows and f.severity == "warning")
    return errors, warnings


def percent(part: float, whole: float) -> float | None:
    """``part`` as a percentage of ``whole``; None when ``whole`` is 0 (nothing to compare)."""
    return part / whole * 100 if whole > 0 else None


def known_followers(followers: Sequence[FollowerPoint], as_of: dt.date) -> list[FollowerPoint]:
    """The snapshots with a follower count up to ``as_of``, by date then row."""
    return sorted(
        (p for p in followers if p.followers is not None and p.date <= as_of),
        key=lambda p: (p.date, p.row),
    )


@dataclass(frozen=True)
class FollowerChange:
    """Followers at the start and end of a period, and the change (None: not known)."""

    start: int | None
    end: int | None
    growth: int | None
    growth_pct: float | None


def follower_change(
    points: Sequence[FollowerPoint], start: dt.date, end: dt.date | None
) -> FollowerChange:
    """The change between the ``start`` and ``end`` boundaries (``end`` None: the period
    is not over); ``points`` as from :func:`known_followers`."""
    at_start = followers_at_boundary(points, start)
    at_end = followers_at_boundary(points, end) if end is not None else None
    if at_start is None or at_end is None:
        return FollowerChange(at_start, at_end, None, None)
    growth = at_end - at_start
    return FollowerChange(at_start, at_end, growth, percent(growth, at_start))


def followers_at_boundary(points: Sequence[FollowerPoint], boundary: dt.date) -> int | None:
    """Followers of the latest snapshot on or before ``boundary``, if recent enough."""
    found: FollowerPoint | None = None
    for point in points:  # sorted by date, then row
        if point.date > boundary:
            break
        found = point
    if found is None or boundary - found.date >= MAX_SNAPSHOT_AGE:
        return None
    return found.followers


def _followers_on(
    points: Sequence[FollowerPoint], days: Sequence[dt.date], day: dt.date
) -> int | None:
    """Followers at posting: latest snapshot on or before ``day``, else the earliest after
    (``days``: the dates of ``points``, for a binary search)."""
    before = bisect.bisect_right(days, day)
    if before:
        return points[before - 1].followers
    return points[0].followers if points else None


def _adherence(rows: Sequence[CalendarEntry]) -> float | None:
    published = sum(1 for e in rows if e.stage == "published")
    return percent(published, len(rows) - sum(1 for e in rows if e.stage == "cancelled"))


def _week_posts(
    week: IsoWeek,
    posts: Sequence[PostMetric],
    points: Sequence[FollowerPoint],
    zone: ZoneInfo,
    as_of: dt.date,
) -> list[WeekPost]:
    found: list[WeekPost] = []
    seen: set[str] = set()
    days = [p.date for p in points]
    # The post's own date first (cheap): a post further off cannot be of the week.
    first, last = week.start - POST_DATE_MARGIN, week.end + POST_DATE_MARGIN
    for metric in posts:
        if metric.posted_at is None or not first <= metric.posted_at.date() <= last:
            continue
        local = local_moment(metric.posted_at, zone)
        assert local is not None
        day = local.date()
        if not week.start <= day <= week.end or day > as_of:
            continue
        if metric.shortcode:
            if metric.shortcode in seen:
                continue
            seen.add(metric.shortcode)
        interactions: int | None = None
        if metric.likes is not None or metric.comments is not None:
            interactions = (metric.likes or 0) + (metric.comments or 0)
        found.append(WeekPost(metric, local, interactions, _followers_on(points, days, day)))
    found.sort(key=lambda p: (p.local, p.metric.row))
    return found


def with_programs(posts: list[WeekPost], calendar: Calendar, zone: ZoneInfo) -> list[WeekPost]:
    """Each post with the programme of its calendar row (``postme.matching``)."""
    match = match_calendar(calendar, [p.metric for p in posts], zone)
    entry_of_post = match.entry_of_post
    return [
        replace(post, program=entry_of_post[i].program) if i in entry_of_post else post
        for i, post in enumerate(posts)
    ]


@dataclass(frozen=True)
class _Figures:
    likes: int | None
    comments: int | None
    views: int | None
    interactions: int | None
    average: float | None
    engagement_rate: float | None
    reach_rate: float | None


def _sum(values: Sequence[int | None]) -> int | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def _mean(values: Sequence[float]) -> float | None:
    return fmean(values) if values else None


def _figures(posts: Sequence[WeekPost]) -> _Figures:
    known = [p.interactions for p in posts if p.interactions is not None]
    rates = [
        p.interactions / p.followers * 100
        for p in posts
        if p.interactions is not None and p.followers
    ]
    reach_rates = [
        p.interactions / p.metric.reach * 100
        for p in posts
        if p.interactions is not None and p.metric.reach
    ]
    return _Figures(
        likes=_sum([p.metric.likes for p in posts]),
        comments=_sum([p.metric.comments for p in posts]),
        views=_sum([p.metric.views for p in posts]),
        interactions=sum(known) if known else None,
        average=_mean(known),
        engagement_rate=_mean(rates),
        reach_rate=_mean(reach_rates),
    )


def _top_program(posts: Sequence[WeekPost]) -> str | None:
    groups: dict[str, list[int]] = defaultdict(list)
    for post in posts:
        if post.program is not None and post.interactions is not None:
            groups[post.program].append(post.interactions)
    if not groups:
        return None
    return min(groups, key=lambda name: (-fmean(groups[name]), -len(groups[name]), name))


def _top_post(posts: Sequence[WeekPost]) -> str | None:
    best: WeekPost | None = None
    for post in posts:  # in posting order: the earlier wins a tie
        if post.interactions is None:
            continue
        if best is None or post.interactions > (best.interactions or 0):
            best = post
    if best is None:
        return None
    return best.metric.shortcode or best.metric.link


def _by_program(
    rows: Sequence[CalendarEntry], posts: Sequence[WeekPost], missed: Collection[int]
) -> tuple[ProgramStats, ...]:
    names = {e.program for e in rows if e.program} | {p.program for p in posts if p.program}
    stats = []
    for name in sorted(names, key=lambda n: (n.casefold(), n)):
        own_rows = [e for e in rows if e.program == name]
        own_posts = [p for p in posts if p.program == name]
        figures = _figures(own_posts)
        stats.append(
            ProgramStats(
                program=name,
                planned=len(own_rows),
                published=sum(1 for e in own_rows if e.stage == "published"),
                cancelled=sum(1 for e in own_rows if e.stage == "cancelled"),
                missed=sum(1 for e in own_rows if e.row in missed),
                plan_adherence_pct=_adherence(own_rows),
                posts=len(own_posts),
                likes=figures.likes,
                comments=figures.comments,
                views=figures.views,
                interactions=figures.interactions,
                engagement_rate_pct=figures.engagement_rate,
            )
        )
    return tuple(stats)
