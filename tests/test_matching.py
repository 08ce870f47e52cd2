"""Posts against calendar rows, and missed rows (postme.matching): one rule for the slot
checks and the weekly analysis."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from fakes.calendar import make_calendar, make_settings

from postme.analysis import analyse_week, week_finding_counts
from postme.matching import match_posts, missed_rows
from postme.metrics import PostMetric
from postme.policy import validate
from postme.slots import check_slots
from postme.weeks import IsoWeek

WIB = ZoneInfo("Asia/Jakarta")
W47 = IsoWeek(2026, 47)  # Monday 16 – Sunday 22 November 2026
AS_OF = dt.date(2026, 11, 23)
NOW = dt.datetime(2026, 11, 23, 8, 0, tzinfo=WIB)
GRACE = dt.timedelta(minutes=120)


def metric(row: int, code: str, posted_at: dt.datetime, kind: str = "photo") -> PostMetric:
    link = f"https://www.instagram.com/p/{code}/"
    return PostMetric(row, code, link, posted_at, kind, 10, 2, None, None, None, None, True)


def test_a_post_matched_for_the_slot_checks_has_its_programme_in_the_table() -> None:
    """Monday: a published Nice to Know row without a link and a SIKAKUNG row still in
    production; one post at 19:05. The slot checks pair the post with the published row
    (no off-plan, no not-found), so the analysis must count it for Nice to Know."""
    settings = make_settings()
    calendar = make_calendar(
        [
            {"date": "16/11/2026", "time": "19:00", "program": "Nice to Know",
             "status": "terupload"},
            {"date": "16/11/2026", "time": "10:00", "program": "SIKAKUNG", "status": "proses"},
        ],
        settings,
    )  # fmt: skip
    posts = [metric(2, "AAA1111", dt.datetime(2026, 11, 16, 19, 5, tzinfo=WIB))]

    slots = check_slots(calendar, settings, AS_OF, week=W47, posts=posts, special=())
    assert not {f.kind for f in slots.findings} & {"off-plan", "not-found"}

    report = analyse_week(
        W47, calendar, [], posts, zone=WIB, as_of=AS_OF, now=NOW, grace=GRACE,
        missed_rows=slots.missed_rows,
    )  # fmt: skip
    by_name = {p.program: p for p in report.by_program}
    assert by_name["Nice to Know"].posts == 1
    assert by_name["SIKAKUNG"].posts == 0
    assert report.top_program == "Nice to Know"
    assert by_name["SIKAKUNG"].missed == 1  # the slot checks' missed row, counted once


def test_passes_link_then_published_then_any_live_row() -> None:
    settings = make_settings()
    calendar = make_calendar(
        [
            # row 2: linked to a post of another day
            {"date": "16/11/2026", "program": "Nice to Know", "status": "terupload",
             "link": "https://instagr.am/p/LINKED1/"},
            # row 3: published, no link; row 4: approved, same day
            {"date": "17/11/2026", "time": "19:00", "program": "SIKAKUNG", "status": "terupload"},
            {"date": "17/11/2026", "time": "09:00", "program": "Info Grafis", "status": "acc"},
            # row 5: cancelled, never matched
            {"date": "18/11/2026", "program": "Konde Emas", "status": "batal"},
        ],
        settings,
    )  # fmt: skip
    posts = [
        metric(2, "LINKED1", dt.datetime(2026, 11, 18, 8, 0, tzinfo=WIB)),
        metric(3, "EARLY01", dt.datetime(2026, 11, 17, 9, 0, tzinfo=WIB)),
        metric(4, "LATE001", dt.datetime(2026, 11, 17, 20, 0, tzinfo=WIB)),
        metric(5, "CANCEL1", dt.datetime(2026, 11, 18, 10, 0, tzinfo=WIB)),
    ]
    match = match_posts(calendar.entries, posts, WIB)
    assert dict(match.row_of_post) == {0: 2, 1: 3, 2: 4}
    assert match.confirmed_rows == {2, 3}
    assert match.matched_rows == {2, 3, 4}
    assert match.unmatched_posts() == [3]


def test_a_story_row_pairs_only_with_a_story() -> None:
    settings = make_settings()
    calendar = make_calendar(
        [
            {"date": "16/11/2026", "time": "08:00", "program": "Info Grafis",
             "format": "story", "status": "terupload"},
            {"date": "16/11/2026", "time": "19:00", "program": "Nice to Know",
             "format": "foto", "status": "terupload"},
        ],
        settings,
    )  # fmt: skip
    feed = metric(2, "FEED001", dt.datetime(2026, 11, 16, 7, 0, tzinfo=WIB))
    story = metric(3, "STORY01", dt.datetime(2026, 11, 16, 21, 0, tzinfo=WIB), kind="story")
    match = match_posts(calendar.entries, [feed, story], WIB)
    assert dict(match.row_of_post) == {0: 3, 1: 2}


def test_published_stories_and_lives_are_never_not_found() -> None:
    settings = make_settings()
    calendar = make_calendar(
        [
            {"date": "16/11/2026", "program": "Info Grafis", "format": "story",
             "status": "terupload"},
            {"date": "17/11/2026", "program": "Obral Ketan", "format": "live",
             "status": "terupload"},
            {"date": "18/11/2026", "program": "Nice to Know", "format": "foto",
             "status": "terupload"},
        ],
        settings,
    )  # fmt: skip
    result = check_slots(calendar, settings, AS_OF, week=W47, posts=[], special=())
    assert [f.row for f in result.of_kind("not-found")] == [4]


def test_missed_is_judged_at_now_or_at_the_end_of_as_of() -> None:
    settings = make_settings()
    calendar = make_calendar(
        [
            {"date": "16/11/2026", "time": "19:00", "program": "SIKAKUNG", "status": "proses"},
            {"date": "18/11/2026", "program": "SIKAKUNG", "status": "rencana"},
            {"date": "18/11/2026", "program": "SIKAKUNG", "status": "batal"},
        ],
        settings,
    )  # fmt: skip
    rows = calendar.entries

    def missed(as_of: dt.date, now: dt.datetime | None) -> list[int]:
        found = missed_rows(rows, start=W47.start, as_of=as_of, now=now, zone=WIB, grace=GRACE)
        return [e.row for e in found]

    # 16 Nov 19:00 + 2 h grace: due at 21:00.
    assert missed(dt.date(2026, 11, 16), dt.datetime(2026, 11, 16, 20, 59, tzinfo=WIB)) == []
    assert missed(dt.date(2026, 11, 16), dt.datetime(2026, 11, 16, 21, 1, tzinfo=WIB)) == [2]
    # With --as-of (no now) rows dated on as_of are never missed.
    assert missed(dt.date(2026, 11, 18), None) == [2]
    assert missed(dt.date(2026, 11, 19), None) == [2, 3]


def test_errors_and_warnings_of_a_week_count_only_its_rows() -> None:
    settings = make_settings()
    calendar = make_calendar(
        [
            {"date": "16/11/2026", "time": "23:00", "program": "SIKAKUNG", "status": "rencana"},
            {"date": "24/11/2026", "time": "23:00", "program": "SIKAKUNG", "status": "rencana"},
            {"date": "25/11/2026", "program": "Lainnya", "status": "rencana"},
        ],
        settings,
    )  # fmt: skip
    validation = validate(calendar, settings, AS_OF)
    assert (validation.errors, validation.warnings) == (1, 2)
    assert week_finding_counts(validation.findings, {2}) == (0, 1)
    report = analyse_week(
        W47, calendar, [], [], zone=WIB, as_of=AS_OF, now=NOW, grace=GRACE,
        findings=validation.findings,
    )  # fmt: skip
    assert (report.errors, report.warnings) == (0, 1)
