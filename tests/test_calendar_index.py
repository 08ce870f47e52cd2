"""The calendar's indexes (``Calendar.between``, ``Calendar.rows_for``) and the matching
that uses them (``postme.matching.match_calendar``): each consumer looks only at the
rows that can matter to it, and must find exactly what a walk over every row finds.

Random calendars from hypothesis: few days and few shortcodes, so rows share days and
links often; rows of two month tabs with the same numbers; posts in far-off timezones
(a post's own date two days off the team's) and without a moment."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from fakes.calendar import make_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from postme.analysis import analyse_week
from postme.calendar import Calendar, CalendarEntry, RowNumber
from postme.config import STAGES
from postme.history import history_posts
from postme.links import build_post_link, shortcode_from_link
from postme.matching import match_calendar, match_posts, needs_post
from postme.metrics import FollowerPoint, PostMetric
from postme.slots import check_slots
from postme.weeks import IsoWeek

W47 = IsoWeek(2026, 47)  # Monday 16 – Sunday 22 November 2026
DAYS = [W47.start + dt.timedelta(days=offset) for offset in range(-4, 11)]
CODES = ("AAAAA", "BBBBB", "CCCCC", "DDDDD", "EEEEE")
LINKS = (
    "",
    *(build_post_link(code) for code in CODES),
    "https://www.instagram.com/reel/BBBBB/?igsh=x",
    "https://www.instagram.com/stories/puskesmas/123/",
    "https://www.canva.com/design/AAAAA",
)
# The team's zone and the posts' zones: 26 hours apart at the extremes.
TEAM = ZoneInfo("Pacific/Kiritimati")  # UTC+14
POST_ZONES = (ZoneInfo("Etc/GMT+12"), ZoneInfo("Asia/Jakarta"), dt.UTC, TEAM)
SETTINGS = make_settings(timezone="Pacific/Kiritimati")
PROGRAMS = [p.name for p in SETTINGS.programs]

COLUMNS = {"link": 0, "title": 1}  # where an entry's cells are
_SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def calendars(draw: st.DrawFn) -> Calendar:
    count = draw(st.integers(0, 30))
    # The rows of two month tabs (numbers start again on the second) or of one tab.
    second_tab = draw(st.integers(0, count)) if draw(st.booleans()) else None
    entries = []
    for index in range(count):
        row: int = index + 2
        if second_tab is not None:
            first = index < second_tab
            row = RowNumber(
                index + 2 if first else index - second_tab + 2,
                "IG November" if first else "IG Desember",
                0 if first else 1,
            )
        link = draw(st.sampled_from(LINKS))
        entries.append(
            CalendarEntry(
                row=row,
                date=draw(st.none() | st.sampled_from(DAYS)),
                time=draw(st.none() | st.builds(dt.time, st.integers(0, 23), st.just(0))),
                program=draw(st.none() | st.sampled_from(PROGRAMS)),
                format=draw(st.sampled_from([None, "photo", "reels", "story", "live"])),
                stage=draw(st.none() | st.sampled_from(STAGES)),
                link_shortcode=shortcode_from_link(link),
                cells=(link or None, f"t{index}"),
                columns=COLUMNS,
            )
        )
    return Calendar("IG November", {"date": 0, "link": 1}, tuple(entries))


@st.composite
def post_lists(draw: st.DrawFn) -> list[PostMetric]:
    posts = []
    for index in range(draw(st.integers(0, 12))):
        moment = None
        if draw(st.integers(0, 9)):  # one post in ten has no moment
            day = draw(st.sampled_from(DAYS))
            hour = draw(st.integers(0, 23))
            zone = draw(st.sampled_from(POST_ZONES))
            moment = dt.datetime.combine(day, dt.time(hour), zone)
        code = draw(st.sampled_from([*CODES, "ZZZZZ", None]))
        # Without a shortcode cell, the code may still be in the link.
        link = build_post_link(code) if code and draw(st.booleans()) else None
        shortcode = None if link and draw(st.booleans()) else code
        kind = draw(st.sampled_from(["photo", "story", None]))
        posts.append(
            PostMetric(index + 2, shortcode, link, moment, kind, 10, 1, None, None, None, None)
        )
    return posts


def _dated_in(entry: CalendarEntry, start: dt.date, end: dt.date) -> bool:
    return entry.date is not None and start <= entry.date <= end


@_SETTINGS
@given(
    calendar=calendars(),
    start=st.sampled_from(DAYS),
    days=st.integers(0, 8),
    chosen=st.sets(st.sampled_from(DAYS)),
    codes=st.sets(st.sampled_from([*CODES, "ZZZZZ"])),
)
def test_the_indexes_give_the_rows_a_walk_over_every_row_gives(
    calendar: Calendar, start: dt.date, days: int, chosen: set[dt.date], codes: set[str]
) -> None:
    end = start + dt.timedelta(days=days)
    entries = calendar.entries
    assert calendar.between(start, end) == [e for e in entries if _dated_in(e, start, end)]
    assert calendar.between(start, end, undated=True) == [
        e for e in entries if e.date is None or _dated_in(e, start, end)
    ]
    assert calendar.between(end, start - dt.timedelta(days=1)) == []
    assert calendar.rows_for(chosen, codes) == [
        e for e in entries if e.date in chosen or e.link_shortcode in codes
    ]
    assert calendar.rows_for((), ()) == []


@_SETTINGS
@given(calendar=calendars(), posts=post_lists())
def test_matching_through_the_indexes_is_matching_every_row(
    calendar: Calendar, posts: list[PostMetric]
) -> None:
    assert match_calendar(calendar, posts, TEAM) == match_posts(calendar.entries, posts, TEAM)


def _off_plan(posts: Sequence[PostMetric], index: int, moment: dt.datetime) -> tuple[object, ...]:
    post = posts[index]
    code = post.shortcode or shortcode_from_link(post.link)
    title = post.link or (build_post_link(code) if code else "")
    return (moment.date(), moment.time().replace(tzinfo=None), title)


@_SETTINGS
@given(calendar=calendars(), posts=post_lists())
def test_the_slot_checks_judge_the_week_as_against_every_row_and_post(
    calendar: Calendar, posts: list[PostMetric]
) -> None:
    """``not-found`` and ``off-plan`` from the narrowed matching (the week's posts, the
    rows that can match them) equal those of matching every post to every row."""
    whole = match_posts(calendar.entries, posts, TEAM)
    in_week = calendar.between(W47.start, W47.end)
    not_found = [e.row for e in in_week if needs_post(e) and e.row not in whole.confirmed_rows]
    off_plan = [
        _off_plan(posts, index, moment)
        for index in whole.unmatched_posts()
        if (moment := whole.moments[index]) is not None and W47.start <= moment.date() <= W47.end
    ]
    found = check_slots(calendar, SETTINGS, W47.end, week=W47, posts=posts, special=())
    assert sorted(f.row or 0 for f in found.of_kind("not-found")) == sorted(not_found)
    assert sorted(
        (f.date, f.time, f.title) for f in found.of_kind("off-plan")
    ) == sorted(off_plan)  # fmt: skip


@_SETTINGS
@given(calendar=calendars(), posts=post_lists())
def test_the_week_gives_each_post_the_programme_of_matching_every_row(
    calendar: Calendar, posts: list[PostMetric]
) -> None:
    as_of = W47.end + dt.timedelta(days=1)
    now = dt.datetime.combine(as_of, dt.time(8), TEAM)
    report = analyse_week(
        W47, calendar, [], posts, zone=TEAM, as_of=as_of, now=now, grace=dt.timedelta(0)
    )
    # The week's posts (a repeated shortcode once), in posting order, as the analysis.
    week: dict[str, tuple[dt.datetime, PostMetric]] = {}
    for post in posts:
        assert post.posted_at is None or post.posted_at.tzinfo is not None
        moment = post.posted_at.astimezone(TEAM) if post.posted_at else None
        if moment is not None and W47.start <= moment.date() <= W47.end:
            week.setdefault(post.shortcode or f"#{post.row}", (moment, post))
    ordered = [post for _moment, post in sorted(week.values(), key=lambda p: (p[0], p[1].row))]
    whole = match_posts(calendar.entries, ordered, TEAM)
    programs = [
        whole.entry_of_post[i].program if i in whole.entry_of_post else None
        for i in range(len(ordered))
    ]
    assert report.posts == len(ordered)
    for stats in report.by_program:
        assert stats.posts == programs.count(stats.program)
    assert sum(p.posts for p in report.by_program) == sum(1 for p in programs if p)


def test_a_post_two_days_off_in_its_own_zone_is_still_of_the_week() -> None:
    """Saturday 14 November 23:00 at UTC−12 is Monday 16 November 01:00 at UTC+14: the
    cheap first filter on a post's own date must not drop it."""
    post = PostMetric(
        2, "AAAAA", None, dt.datetime(2026, 11, 14, 23, tzinfo=POST_ZONES[0]),
        "photo", 10, 1, None, None, None, None,
    )  # fmt: skip
    as_of = W47.end + dt.timedelta(days=1)
    now = dt.datetime.combine(as_of, dt.time(8), TEAM)
    empty = Calendar("IG", {}, ())
    report = analyse_week(
        W47, empty, [], [post], zone=TEAM, as_of=as_of, now=now, grace=dt.timedelta(0)
    )
    assert report.posts == 1
    slots = check_slots(empty, SETTINGS, as_of, week=W47, posts=[post], special=())
    assert [f.date for f in slots.of_kind("off-plan")] == [W47.start]
    points = [FollowerPoint(2, dt.date(2026, 11, 1), 1000, None, None)]
    window = history_posts([post], points, empty, SETTINGS, since=W47.start)
    assert [p.date for p in window] == [W47.start]


def test_a_row_of_the_week_linking_to_an_older_post_known_by_its_link_is_found() -> None:
    """A published row of the week links to a post of an earlier week whose metrics row
    has only the link (no shortcode cell): the row is matched by link, so it is not
    ``not-found`` and does not take the post of its own day."""
    older = build_post_link("OLDER01")
    row = CalendarEntry(
        2, W47.start, None, "SIKAKUNG", "photo", "published",
        "OLDER01", (older, "t"), COLUMNS,
    )  # fmt: skip
    other = CalendarEntry(
        3, W47.start, None, "Konde Emas", "photo", "published", None, (None, None), COLUMNS
    )
    calendar = Calendar("IG", {"date": 0, "link": 1}, (row, other))
    posts = [
        PostMetric(
            2, None, older, dt.datetime(2026, 11, 2, 9, tzinfo=TEAM),
            "photo", 1, 0, None, None, None, None,
        ),
        PostMetric(
            3, "TODAY01", None, dt.datetime(2026, 11, 16, 9, tzinfo=TEAM),
            "photo", 1, 0, None, None, None, None,
        ),
    ]  # fmt: skip
    found = check_slots(calendar, SETTINGS, W47.end, week=W47, posts=posts, special=())
    assert found.of_kind("not-found") == found.of_kind("off-plan") == []
