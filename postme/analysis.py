"""The weekly analysis (SPEC §6): tables in, a :class:`WeekReport` out, and the rows it
becomes in the tool-owned ``Analisis Mingguan`` and ``Analisis Program`` tabs.

Definitions (the README repeats them for the team). Everything is judged in the team's
timezone; a week is an ISO week, Monday to Sunday.

*Missing is not zero.* Counts of things are numbers, 0 included: ``planned``,
``published``, ``cancelled``, ``missed``, ``errors``, ``warnings``, ``posts``. Measures of
things that are absent are ``None`` (an empty cell, ``null`` in JSON): with no post in
the week, ``likes``, ``comments``, ``views``, ``interactions``, the averages and rates,
``top_post``, ``best_weekday`` and ``best_hour`` are ``None``; ``views`` is ``None`` when no
post of the week has a view count (photos have none).

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
    among ``missed_rows`` (from the slot checks); ``plan_adherence_pct`` = published /
    (planned − cancelled) × 100, ``None`` when nothing was left to publish.
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
    A post belongs to a calendar row (and so to its programme) when the row's link has
    the post's shortcode (any row of the calendar); otherwise, on the post's date, when
    the rows left over that day (not cancelled) are exactly as many as the posts left
    over, they pair up in time order. ``top_program`` = the programme with the highest
    mean interactions per post (ties: more posts, then name); ``top_post`` = the
    shortcode of the post with the most interactions (ties: the earlier); ``best_weekday``
    / ``best_hour`` = the weekday / hour of day with the highest mean interactions per
    post (ties: more posts, then the earlier), the hour only over posts typed with a
    time. ``by_program`` has one line per programme with a row or a post in the week,
    by name.

The data of one week is small (tens of rows), so plain loops do the grouping: clearer
than pandas here and no import cost.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from statistics import fmean
from zoneinfo import ZoneInfo

from postme.calendar import Calendar, CalendarEntry
from postme.config import Settings
from postme.i18n import WEEKDAY_NAMES
from postme.metrics import FollowerPoint, PostMetric
from postme.slots import shortcode_from_link
from postme.stores.base import Cell, ChartSpec, Tab, WritePlan
from postme.stores.upsert import plan_replace, plan_upsert
from postme.weeks import IsoWeek

MAX_SNAPSHOT_AGE = dt.timedelta(days=7)  # a boundary value from an older snapshot is None


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
    """One ISO week, every field of SPEC §6 (definitions in the module docstring)."""

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
    best_weekday: str | None
    best_hour: int | None  # 0–23, local time
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
class _Post:
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
    errors: int = 0,
    warnings: int = 0,
    grace: dt.timedelta,
    language: str = "id",
) -> WeekReport:
    """The report of ``week``. ``missed_rows`` are the calendar rows the slot checks found
    missed (only those dated in the week count); ``None`` works them out here with the
    same rule (due = date and time, or the end of the day, plus ``grace``, before
    ``now``). ``errors`` / ``warnings`` are the policy finding counts of the week.
    ``language`` names the best weekday ("id": Senin … Minggu, "en": Monday … Sunday)."""
    points = sorted(
        (p for p in followers if p.followers is not None and p.date <= as_of),
        key=lambda p: (p.date, p.row),
    )
    followers_start = _at_boundary(points, week.start)
    followers_end = _at_boundary(points, week.end + dt.timedelta(days=1))
    growth = growth_pct = None
    if followers_start is not None and followers_end is not None:
        growth = followers_end - followers_start
        if followers_start > 0:
            growth_pct = growth / followers_start * 100

    rows = [e for e in calendar.entries if e.date is not None and week.start <= e.date <= week.end]
    if missed_rows is None:
        missed_set = _missed(rows, as_of, now, zone, grace)
    else:
        missed_set = {e.row for e in rows if e.row in missed_rows}

    week_posts = _week_posts(week, posts, points, zone, as_of)
    week_posts = _attribute(week_posts, rows, calendar.entries)
    figures = _figures(week_posts)

    return WeekReport(
        week=week.label,
        start=week.start,
        end=week.end,
        followers_start=followers_start,
        followers_end=followers_end,
        follower_growth=growth,
        follower_growth_pct=growth_pct,
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
        best_weekday=_weekday_name(_best(week_posts, lambda p: p.local.weekday()), language),
        best_hour=_best([p for p in week_posts if p.metric.has_time], lambda p: p.local.hour),
        updated_at=now,
        by_program=_by_program(rows, week_posts, missed_set),
    )


def _weekday_name(day: int | None, language: str) -> str | None:
    if day is None:
        return None
    return WEEKDAY_NAMES.get(language, WEEKDAY_NAMES["id"])[day]


def _at_boundary(points: Sequence[FollowerPoint], boundary: dt.date) -> int | None:
    """Followers of the latest snapshot on or before ``boundary``, if recent enough."""
    found: FollowerPoint | None = None
    for point in points:  # sorted by date, then row
        if point.date > boundary:
            break
        found = point
    if found is None or boundary - found.date >= MAX_SNAPSHOT_AGE:
        return None
    return found.followers


def _followers_on(points: Sequence[FollowerPoint], day: dt.date) -> int | None:
    """Followers at posting: latest snapshot on or before ``day``, else the earliest after."""
    before = [p for p in points if p.date <= day]
    if before:
        return before[-1].followers
    return points[0].followers if points else None


def _missed(
    rows: Sequence[CalendarEntry],
    as_of: dt.date,
    now: dt.datetime,
    zone: ZoneInfo,
    grace: dt.timedelta,
) -> set[int]:
    reference = now if now.tzinfo is not None else now.replace(tzinfo=zone)
    missed: set[int] = set()
    for entry in rows:
        if entry.date is None or entry.date > as_of:
            continue
        if entry.stage in ("published", "cancelled"):
            continue
        if entry.time is not None:
            due = dt.datetime.combine(entry.date, entry.time, zone)
        else:
            due = dt.datetime.combine(entry.date + dt.timedelta(days=1), dt.time.min, zone)
        if reference > due + grace:
            missed.add(entry.row)
    return missed


def _adherence(rows: Sequence[CalendarEntry]) -> float | None:
    published = sum(1 for e in rows if e.stage == "published")
    due = len(rows) - sum(1 for e in rows if e.stage == "cancelled")
    return published / due * 100 if due > 0 else None


def _week_posts(
    week: IsoWeek,
    posts: Sequence[PostMetric],
    points: Sequence[FollowerPoint],
    zone: ZoneInfo,
    as_of: dt.date,
) -> list[_Post]:
    found: list[_Post] = []
    seen: set[str] = set()
    for metric in posts:
        if metric.posted_at is None:
            continue
        moment = metric.posted_at
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=zone)
        local = moment.astimezone(zone)
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
        found.append(_Post(metric, local, interactions, _followers_on(points, day)))
    found.sort(key=lambda p: (p.local, p.metric.row))
    return found


def _attribute(
    posts: list[_Post], rows: Sequence[CalendarEntry], entries: Sequence[CalendarEntry]
) -> list[_Post]:
    """Each post with the programme of its calendar row (see the module docstring)."""
    by_code: dict[str, CalendarEntry] = {}
    for entry in entries:
        code = shortcode_from_link(entry.get("link"))
        if code is not None:
            by_code.setdefault(code, entry)
    matched: dict[int, CalendarEntry] = {}  # index in posts → row
    used: set[int] = set()
    for index, post in enumerate(posts):
        linked = by_code.get(post.metric.shortcode or "")
        if linked is not None and linked.row not in used:
            matched[index] = linked
            used.add(linked.row)
    left_rows: dict[dt.date, list[CalendarEntry]] = defaultdict(list)
    for entry in rows:
        if entry.row not in used and entry.stage != "cancelled" and entry.date is not None:
            left_rows[entry.date].append(entry)
    left_posts: dict[dt.date, list[int]] = defaultdict(list)
    for index, post in enumerate(posts):
        if index not in matched:
            left_posts[post.local.date()].append(index)
    for day, indexes in left_posts.items():
        day_rows = sorted(left_rows.get(day, []), key=lambda e: (e.time or dt.time.max, e.row))
        if len(day_rows) == len(indexes):
            matched.update(zip(indexes, day_rows, strict=True))
    return [
        replace(post, program=matched[i].program) if i in matched else post
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


def _figures(posts: Sequence[_Post]) -> _Figures:
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


def _top_program(posts: Sequence[_Post]) -> str | None:
    groups: dict[str, list[int]] = defaultdict(list)
    for post in posts:
        if post.program is not None and post.interactions is not None:
            groups[post.program].append(post.interactions)
    if not groups:
        return None
    return min(groups, key=lambda name: (-fmean(groups[name]), -len(groups[name]), name))


def _top_post(posts: Sequence[_Post]) -> str | None:
    best: _Post | None = None
    for post in posts:  # in posting order: the earlier wins a tie
        if post.interactions is None:
            continue
        if best is None or post.interactions > (best.interactions or 0):
            best = post
    if best is None:
        return None
    return best.metric.shortcode or best.metric.link


def _best(posts: Sequence[_Post], key: Callable[[_Post], int]) -> int | None:
    groups: dict[int, list[int]] = defaultdict(list)
    for post in posts:
        if post.interactions is not None:
            groups[key(post)].append(post.interactions)
    if not groups:
        return None
    return min(groups, key=lambda k: (-fmean(groups[k]), -len(groups[k]), k))


def _by_program(
    rows: Sequence[CalendarEntry], posts: Sequence[_Post], missed: Collection[int]
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


# --- rows for the tool-owned tabs -------------------------------------------------------------

# field → (Indonesian header, English header), in the tab's column order.
WEEK_HEADERS: Mapping[str, tuple[str, str]] = {
    "week": ("Minggu", "Week"),
    "start": ("Mulai", "Start"),
    "end": ("Selesai", "End"),
    "followers_start": ("Pengikut Awal", "Followers at Start"),
    "followers_end": ("Pengikut Akhir", "Followers at End"),
    "follower_growth": ("Pertumbuhan Pengikut", "Follower Growth"),
    "follower_growth_pct": ("Pertumbuhan (%)", "Growth (%)"),
    "planned": ("Direncanakan", "Planned"),
    "published": ("Terupload", "Published"),
    "cancelled": ("Dibatalkan", "Cancelled"),
    "missed": ("Terlewat", "Missed"),
    "plan_adherence_pct": ("Kepatuhan Rencana (%)", "Plan Adherence (%)"),
    "errors": ("Error", "Errors"),
    "warnings": ("Peringatan", "Warnings"),
    "posts": ("Postingan", "Posts"),
    "likes": ("Suka", "Likes"),
    "comments": ("Komentar", "Comments"),
    "views": ("Tayangan", "Views"),
    "interactions": ("Interaksi", "Interactions"),
    "avg_interactions_per_post": ("Rata-rata Interaksi/Post", "Avg Interactions/Post"),
    "engagement_rate_pct": ("Engagement Rate (%)", "Engagement Rate (%)"),
    "reach_engagement_rate_pct": ("ER Jangkauan (%)", "Reach Engagement Rate (%)"),
    "top_program": ("Program Teratas", "Top Programme"),
    "top_post": ("Postingan Teratas", "Top Post"),
    "best_weekday": ("Hari Terbaik", "Best Weekday"),
    "best_hour": ("Jam Terbaik", "Best Hour"),
    "updated_at": ("Diperbarui", "Updated"),
}
PROGRAM_FIELDS = (
    "program",
    "planned",
    "published",
    "cancelled",
    "missed",
    "plan_adherence_pct",
    "posts",
    "likes",
    "comments",
    "views",
    "interactions",
    "engagement_rate_pct",
)
PROGRAM_HEADER: tuple[str, str] = ("Program", "Programme")


def _header(pair: tuple[str, str], language: str) -> str:
    return pair[1] if language == "en" else pair[0]


def week_headers(language: str) -> list[str]:
    return [_header(pair, language) for pair in WEEK_HEADERS.values()]


def program_headers(language: str) -> list[str]:
    return [
        _header(WEEK_HEADERS["week"], language),
        *(
            _header(PROGRAM_HEADER if name == "program" else WEEK_HEADERS[name], language)
            for name in PROGRAM_FIELDS
        ),
        _header(WEEK_HEADERS["updated_at"], language),
    ]


def _cell(name: str, value: object, zone: ZoneInfo | None) -> Cell:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        moment = value.astimezone(zone) if zone is not None else value
        return moment.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if name == "best_hour" and isinstance(value, int):
        return f"{value:02d}:00"
    if isinstance(value, float):
        return round(value, 2)
    if isinstance(value, str | int | bool):
        return value
    return str(value)


def report_rows(
    reports: Sequence[WeekReport], language: str, zone: ZoneInfo | None = None
) -> tuple[list[str], list[dict[str, Cell]]]:
    """Headers and one row per week for the weekly tab (headers in ``language``; rates
    rounded to 2 decimals; dates as ISO text; missing values empty). ``updated_at`` is
    written as wall time in ``zone`` (default: its own offset)."""
    headers = week_headers(language)
    rows = []
    for report in reports:
        rows.append(
            {
                header: _cell(name, getattr(report, name), zone)
                for name, header in zip(WEEK_HEADERS, headers, strict=True)
            }
        )
    return headers, rows


def program_rows(
    reports: Sequence[WeekReport], language: str, zone: ZoneInfo | None = None
) -> tuple[list[str], list[dict[str, Cell]]]:
    """Headers and one row per (week, programme) for the by-programme tab."""
    headers = program_headers(language)
    rows = []
    for report in reports:
        for stats in report.by_program:
            values: list[Cell] = [report.week]
            values.extend(_cell(name, getattr(stats, name), zone) for name in PROGRAM_FIELDS)
            values.append(_cell("updated_at", report.updated_at, zone))
            rows.append(dict(zip(headers, values, strict=True)))
    return headers, rows


def plan_report_writes(
    plan: WritePlan,
    reports: Sequence[WeekReport],
    weekly_tab: Tab | None,
    program_tab: Tab | None,
    settings: Settings,
    updated_at: dt.datetime,
) -> None:
    """Upsert the weekly rows (by week, oldest first so a new week lands last) and the
    by-programme rows (by week and programme) into their tabs, and ask for the chart.

    ``updated_at`` alone does not count as a change: a re-run with the same figures
    writes nothing. A programme line left over from an earlier run of a covered week
    (its rows moved to another programme) is blanked, so the tab never shows a stale
    figure.
    """
    language = settings.language
    zone = settings.zone
    ordered = [replace(r, updated_at=updated_at) for r in sorted(reports, key=lambda r: r.week)]
    week_header = _header(WEEK_HEADERS["week"], language)
    updated_header = _header(WEEK_HEADERS["updated_at"], language)

    headers, rows = report_rows(ordered, language, zone)
    plan_upsert(
        plan,
        settings.tabs.weekly,
        weekly_tab,
        headers,
        [week_header],
        rows,
        volatile=[updated_header],
    )

    program_header = _header(PROGRAM_HEADER, language)
    headers, rows = program_rows(ordered, language, zone)
    key = [week_header, program_header]
    weeks = [r.week for r in ordered]
    plan_replace(
        plan,
        settings.tabs.by_program,
        program_tab,
        headers,
        week_header,
        weeks,
        rows,
        key=key,
        volatile=[updated_header],
    )

    followers_header = _header(WEEK_HEADERS["followers_end"], language)
    rate_header = _header(WEEK_HEADERS["engagement_rate_pct"], language)
    title = (
        "Followers and engagement rate per week"
        if language == "en"
        else "Pengikut dan engagement rate per minggu"
    )
    plan.charts.append(
        ChartSpec(settings.tabs.weekly, title, week_header, (followers_header, rate_header))
    )
