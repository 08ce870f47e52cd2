"""Slot checks (README "Definitions"): missed, unplanned, empty-day, upcoming-day,
not-found, off-plan."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fakes.calendar import make_calendar, make_settings

from postme.errors import ConfigError
from postme.healthdays import HEALTH_DAY, NATIONAL_HOLIDAY, SpecialDay
from postme.i18n import set_language
from postme.slots import (
    SlotFinding,
    SlotResult,
    check_slots,
    shortcode_from_link,
    unknown_label,
)
from postme.stores.base import Cell
from postme.weeks import IsoWeek
from postme.words import day_label, weekday_name

D = dt.date
WIB = ZoneInfo("Asia/Jakarta")
# Reference: Monday 16 November 2026; the default week is 2026-W46, Mon 9 – Sun 15 Nov.
AS_OF = D(2026, 11, 16)
W46 = IsoWeek(2026, 46)
NTK_SLOTS = [{"program": "Nice to Know", "days": ["senin", "kamis"], "time": "19:00"}]


@dataclass(frozen=True)
class Post:
    shortcode: str
    link: str
    posted_at: dt.datetime | None


def post(code: str, when: dt.datetime | None, reel: bool = False) -> Post:
    kind = "reel" if reel else "p"
    return Post(code, f"https://www.instagram.com/{kind}/{code}/", when)


def wib(year: int, month: int, day: int, hour: int, minute: int) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=WIB)


def run(
    rows: Sequence[Mapping[str, Cell]],
    *,
    as_of: dt.date = AS_OF,
    slots: Sequence[Mapping[str, Any]] = (),
    schedule: Mapping[str, Any] | None = None,
    special: Sequence[SpecialDay] | None = (),
    settings_extra: Mapping[str, Any] | None = None,
    **options: Any,
) -> SlotResult:
    """check_slots with no minimum per day and no special days unless asked."""
    settings = make_settings(
        slots=list(slots),
        schedule={"min_posts_per_day": 0, **(schedule or {})},
        **(settings_extra or {}),
    )
    calendar = make_calendar(rows, settings=settings)
    return check_slots(calendar, settings, as_of, special=special, **options)


def kinds(result: SlotResult) -> list[tuple[str, dt.date, int | None]]:
    return [(f.kind, f.date, f.row) for f in result.findings]


def only(result: SlotResult, kind: str) -> list[SlotFinding]:
    return [f for f in result.findings if f.kind == kind]


# --- missed ------------------------------------------------------------------------------


def test_missed_flags_due_rows_that_are_not_published() -> None:
    rows: list[Mapping[str, Cell]] = [
        {"date": "2026-11-09", "time": "19:00", "program": "NTK", "status": "rencana"},  # 2
        {"date": "2026-11-10", "time": "09:00", "program": "SIKAKUNG", "status": "terupload"},
        {"date": "2026-11-11", "time": "09:00", "program": "SIKAKUNG", "status": "batal"},  # 4
        {"date": "2026-11-12", "program": "Info Grafis"},  # 5: no status, no time
        {"date": "2026-11-08", "time": "09:00", "program": "SIKAKUNG"},  # 6: week before
        {"date": "2026-11-17", "time": "09:00", "program": "SIKAKUNG"},  # 7: after as_of
    ]
    result = run(rows)
    assert kinds(result) == [
        ("missed", D(2026, 11, 9), 2),
        ("missed", D(2026, 11, 12), 5),
    ]
    assert result.missed_rows == {2, 5}
    assert result.has_missed
    first = result.findings[0]
    assert first.program == "Nice to Know"
    assert first.time == dt.time(19, 0)
    assert "published" in first.message and "cancelled" in first.message


def test_cancelled_rows_are_never_missed_even_with_now() -> None:
    rows = [{"date": "2026-11-16", "time": "07:00", "program": "NTK", "status": "dibatalkan"}]
    result = run(rows, now=wib(2026, 11, 16, 23, 59))
    assert result.findings == ()
    assert not result.has_missed


def test_missed_covers_the_current_week_up_to_the_reference_date() -> None:
    # as_of Wednesday 18 Nov: the default week is still W46, and Monday/Tuesday of W47
    # are checked too.
    rows = [
        {"date": "2026-11-16", "time": "19:00", "program": "NTK"},
        {"date": "2026-11-17", "time": "19:00", "program": "NTK"},
        {"date": "2026-11-18", "time": "06:00", "program": "NTK"},  # the reference day
    ]
    result = run(rows, as_of=D(2026, 11, 18))
    assert result.week == W46
    assert result.missed_rows == {2, 3}


@pytest.mark.parametrize(
    ("now", "missed"),
    [
        (None, False),  # --as-of given: the reference day is not judged
        (wib(2026, 11, 16, 10, 59), False),  # 09:00 + 120 min grace not yet over
        (wib(2026, 11, 16, 11, 1), True),
        (dt.datetime(2026, 11, 16, 4, 1, tzinfo=dt.UTC), True),  # 11:01 WIB
        (dt.datetime(2026, 11, 16, 3, 59, tzinfo=dt.UTC), False),  # 10:59 WIB
        (dt.datetime(2026, 11, 16, 11, 1), True),  # naive: read in the team's zone
    ],
)
def test_row_on_the_reference_day(now: dt.datetime | None, missed: bool) -> None:
    rows = [{"date": "2026-11-16", "time": "09:00", "program": "NTK", "status": "disetujui"}]
    result = run(rows, now=now)
    assert result.has_missed is missed


@pytest.mark.parametrize(("minute", "missed"), [(59, False), (0, False), (1, True)])
def test_grace_period_edge(minute: int, missed: bool) -> None:
    # Due 19:00, grace 120 minutes: missed only after 21:00.
    hour = 20 if minute == 59 else 21
    rows = [{"date": "2026-11-16", "time": "19:00", "program": "NTK"}]
    result = run(rows, now=wib(2026, 11, 16, hour, minute), schedule={"grace_minutes": 120})
    assert result.has_missed is missed


def test_grace_reaches_into_the_next_day() -> None:
    # 23:00 + 120 min is due at 01:00 the next day.
    rows = [{"date": "2026-11-15", "time": "23:00", "program": "NTK"}]
    assert not run(rows, now=wib(2026, 11, 16, 0, 30)).has_missed
    assert run(rows, now=wib(2026, 11, 16, 1, 30)).has_missed


def test_row_without_time_is_due_at_the_end_of_its_day() -> None:
    rows = [{"date": "2026-11-16", "program": "NTK"}]
    assert not run(rows, now=wib(2026, 11, 16, 23, 59)).has_missed
    assert not run(rows, now=wib(2026, 11, 17, 1, 59), as_of=D(2026, 11, 17)).has_missed
    assert run(rows, now=wib(2026, 11, 17, 2, 1), as_of=D(2026, 11, 17)).has_missed


# --- unplanned -------------------------------------------------------------------------------


def test_unplanned_slot_without_a_row() -> None:
    rows = [
        {"date": "2026-11-09", "time": "19:00", "program": "NTK", "status": "terupload"},
        {"date": "2026-11-12", "time": "19:00", "program": "SIKAKUNG", "status": "terupload"},
    ]
    result = run(rows, slots=NTK_SLOTS)
    (finding,) = result.findings
    assert (finding.kind, finding.date, finding.time) == ("unplanned", D(2026, 11, 12), dt.time(19))
    assert finding.program == "Nice to Know"
    assert finding.row is None
    assert "[[slots]]" in finding.message


def test_a_row_at_another_time_fills_the_slot() -> None:
    rows = [
        {"date": "2026-11-09", "time": "08:00", "program": "NTK", "status": "terupload"},
        {"date": "2026-11-12", "program": "Nice to Know", "status": "terupload"},
    ]
    assert run(rows, slots=NTK_SLOTS).findings == ()


def test_a_cancelled_row_does_not_fill_the_slot() -> None:
    rows = [
        {"date": "2026-11-09", "time": "19:00", "program": "NTK", "status": "terupload"},
        {"date": "2026-11-12", "time": "19:00", "program": "NTK", "status": "batal"},
    ]
    assert kinds(run(rows, slots=NTK_SLOTS)) == [("unplanned", D(2026, 11, 12), None)]


def test_slot_program_in_other_case_and_two_slots_a_day() -> None:
    slots = [
        {"program": "sikakung", "days": ["Rabu"], "time": "09:00"},
        {"program": "SIKAKUNG", "days": ["wednesday"], "time": "15:00"},
    ]
    rows = [{"date": "2026-11-11", "time": "15:00", "program": "SIKAKUNG", "status": "terupload"}]
    result = run(rows, slots=slots)
    # One row fills the earlier slot; the 15:00 one is still open.
    assert [(f.kind, f.time, f.program) for f in result.findings] == [
        ("unplanned", dt.time(15), "SIKAKUNG")
    ]


# --- empty-day -------------------------------------------------------------------------------


def test_empty_day_below_the_minimum() -> None:
    rows: list[Mapping[str, Cell]] = [
        {"date": f"2026-11-{day:02d}", "program": "SIKAKUNG", "status": "terupload"}
        for day in range(9, 14)
    ]
    rows.append({"date": "2026-11-14", "program": "SIKAKUNG", "status": "batal"})
    result = run(rows, schedule={"min_posts_per_day": 1})
    assert kinds(result) == [
        ("empty-day", D(2026, 11, 14), None),
        ("empty-day", D(2026, 11, 15), None),
    ]
    assert "0" in result.findings[0].message


def test_no_empty_day_when_every_day_meets_the_minimum() -> None:
    rows = [
        {"date": f"2026-11-{day:02d}", "program": "SIKAKUNG", "status": "terupload"}
        for day in range(9, 16)
    ]
    assert run(rows, schedule={"min_posts_per_day": 1}).findings == ()
    assert only(run(rows, schedule={"min_posts_per_day": 2}), "empty-day")
    assert run([], schedule={"min_posts_per_day": 0}).findings == ()


# --- upcoming-day -----------------------------------------------------------------------------


def test_upcoming_health_day_without_a_greeting_row() -> None:
    result = run([], as_of=D(2026, 11, 5), special=None, schedule={"lookahead_days": 7})
    upcoming = only(result, "upcoming-day")
    assert [(f.date, f.title) for f in upcoming] == [
        (D(2026, 11, 12), "Hari Kesehatan Nasional, Hari Pneumonia Sedunia")
    ]
    assert upcoming[0].program == "Ucapan Hari Besar"
    assert "Thursday 12 November" in upcoming[0].message
    assert "Ucapan Hari Besar" in upcoming[0].message


def test_a_greeting_row_clears_the_day_but_a_cancelled_one_does_not() -> None:
    greeting = {"date": "12/11/2026", "program": "Ucapan", "status": "rencana"}
    result = run([greeting], as_of=D(2026, 11, 5), special=None, schedule={"lookahead_days": 7})
    assert only(result, "upcoming-day") == []
    cancelled = {**greeting, "status": "batal"}
    result = run([cancelled], as_of=D(2026, 11, 5), special=None, schedule={"lookahead_days": 7})
    assert [f.date for f in only(result, "upcoming-day")] == [D(2026, 11, 12)]
    other = {**greeting, "program": "Nice to Know"}
    result = run([other], as_of=D(2026, 11, 5), special=None, schedule={"lookahead_days": 7})
    assert [f.date for f in only(result, "upcoming-day")] == [D(2026, 11, 12)]


def test_lookahead_window_is_inclusive_and_bounded() -> None:
    result = run([], as_of=D(2026, 11, 5), special=None, schedule={"lookahead_days": 6})
    assert only(result, "upcoming-day") == []
    result = run([], as_of=D(2026, 11, 12), special=None, schedule={"lookahead_days": 0})
    assert [f.date for f in only(result, "upcoming-day")] == [D(2026, 11, 12)]


def test_upcoming_national_holiday() -> None:
    result = run([], as_of=D(2026, 12, 23), special=None, schedule={"lookahead_days": 3})
    assert [(f.date, f.title) for f in only(result, "upcoming-day")] == [
        (D(2026, 12, 25), "Hari Raya Natal")
    ]


def test_health_day_override_from_config() -> None:
    moved = {"health_days": {"days": [{"name": "Hari Kesehatan Nasional", "month": 11, "day": 13}]}}
    result = run(
        [],
        as_of=D(2026, 11, 5),
        special=None,
        schedule={"lookahead_days": 8},
        settings_extra=moved,
    )
    assert [(f.date, f.title) for f in only(result, "upcoming-day")] == [
        (D(2026, 11, 12), "Hari Pneumonia Sedunia"),
        (D(2026, 11, 13), "Hari Kesehatan Nasional"),
    ]
    replaced = {
        "health_days": {
            "replace": True,
            "days": [{"name": "Hari Jadi Puskesmas", "date": "2026-11-10"}],
        }
    }
    result = run(
        [],
        as_of=D(2026, 11, 5),
        special=None,
        schedule={"lookahead_days": 8},
        settings_extra=replaced,
    )
    assert [(f.date, f.title) for f in only(result, "upcoming-day")] == [
        (D(2026, 11, 10), "Hari Jadi Puskesmas")
    ]


def test_special_days_passed_in_are_kept_to_the_window() -> None:
    special = [
        SpecialDay(D(2026, 11, 20), "Hari A", HEALTH_DAY),
        SpecialDay(D(2026, 11, 20), "Hari B", NATIONAL_HOLIDAY),
        SpecialDay(D(2026, 12, 30), "Too far", HEALTH_DAY),
        SpecialDay(D(2026, 11, 15), "Already past", HEALTH_DAY),
    ]
    result = run([], special=special)
    assert [(f.date, f.title) for f in result.findings] == [(D(2026, 11, 20), "Hari A, Hari B")]


# --- not-found and off-plan -------------------------------------------------------------------


def published(date: str, link: str | None = None, time: str = "19:00") -> dict[str, Cell]:
    return {"date": date, "time": time, "program": "NTK", "status": "terupload", "link": link}


def test_published_row_matched_by_link_or_by_day() -> None:
    rows = [
        published("2026-11-09", "https://www.instagram.com/p/AAA111/"),
        # posted a day late, the link still finds it
        published("2026-11-10", "https://instagram.com/reel/BBB222/?igsh=xyz"),
        published("2026-11-11"),  # no link: a post that day is enough
    ]
    posts = [
        post("AAA111", wib(2026, 11, 9, 19, 5)),
        post("BBB222", wib(2026, 11, 11, 8, 0), reel=True),
        post("CCC333", wib(2026, 11, 11, 19, 2)),
    ]
    assert run(rows, posts=posts).findings == ()


def test_not_found_when_neither_link_nor_day_matches() -> None:
    rows = [
        published("2026-11-09", "https://www.instagram.com/p/ZZZ999/"),  # 2
        published("2026-11-10"),  # 3: no link, no post that day
        published("2026-11-11", "https://www.instagram.com/p/WRONG1/"),  # 4: a post that day
    ]
    posts = [post("AAA111", wib(2026, 11, 11, 19, 0))]
    result = run(rows, posts=posts)
    assert kinds(result) == [
        ("not-found", D(2026, 11, 9), 2),
        ("not-found", D(2026, 11, 10), 3),
    ]
    assert "marked published" in result.findings[0].message


def test_no_instagram_data_means_no_post_findings() -> None:
    rows: list[Mapping[str, Cell]] = [
        published("2026-11-09"),
        {"date": "2026-11-10", "program": "NTK"},
    ]
    result = run(rows, posts=None)
    assert [f.kind for f in result.findings] == ["missed"]
    # An empty list is data: nothing was posted.
    assert [f.kind for f in run(rows, posts=[]).findings] == ["not-found", "missed"]


def test_off_plan_post_without_a_row() -> None:
    posts = [
        post("MON111", wib(2026, 11, 9, 19, 0)),
        post("AAA111", wib(2026, 11, 10, 12, 0)),
        post("OLD000", wib(2026, 11, 8, 12, 0)),  # the week before: not this week's concern
    ]
    result = run([published("2026-11-09")], posts=posts)
    (finding,) = result.findings
    assert (finding.kind, finding.date, finding.time) == ("off-plan", D(2026, 11, 10), dt.time(12))
    assert finding.row is None
    assert finding.title == "https://www.instagram.com/p/AAA111/"


def test_two_posts_one_published_row_one_is_off_plan() -> None:
    posts = [post("AAA111", wib(2026, 11, 9, 9, 0)), post("BBB222", wib(2026, 11, 9, 20, 0))]
    result = run([published("2026-11-09")], posts=posts)
    assert [(f.kind, f.time) for f in result.findings] == [("off-plan", dt.time(20))]


def test_post_on_a_day_with_an_unmarked_row_is_not_off_plan() -> None:
    rows = [{"date": "2026-11-10", "time": "19:00", "program": "NTK", "status": "disetujui"}]
    result = run(rows, posts=[post("AAA111", wib(2026, 11, 10, 19, 3))])
    # The team forgot to mark it published: the row is missed, the post is not off-plan.
    assert kinds(result) == [("missed", D(2026, 11, 10), 2)]


def test_post_late_on_sunday_belongs_to_that_sunday_in_wib() -> None:
    # 23:30 WIB on Sunday 15 Nov is 16:30 UTC: in week 46, on the Sunday.
    late = post("SUN230", dt.datetime(2026, 11, 15, 16, 30, tzinfo=dt.UTC))
    result = run([], posts=[late])
    (finding,) = result.findings
    assert (finding.kind, finding.date, finding.time) == (
        "off-plan",
        D(2026, 11, 15),
        dt.time(23, 30),
    )
    # A published row on that Sunday without a link is matched by it.
    assert run([published("2026-11-15", time="23:00")], posts=[late]).findings == ()
    # Naive times are UTC (as instaloader gives them).
    naive = post("SUN230", dt.datetime(2026, 11, 15, 16, 30))
    assert [f.date for f in run([], posts=[naive]).findings] == [D(2026, 11, 15)]
    # 17:30 UTC is already Monday 00:30 WIB: week 47, nothing in week 46.
    monday = post("MON003", dt.datetime(2026, 11, 15, 17, 30, tzinfo=dt.UTC))
    assert run([], posts=[monday]).findings == ()
    result = run([published("2026-11-15")], posts=[monday])
    assert kinds(result) == [("not-found", D(2026, 11, 15), 2)]


def test_post_without_a_time_matches_only_by_link() -> None:
    undated = post("AAA111", None)
    rows = [published("2026-11-09", "https://www.instagram.com/p/AAA111/")]
    assert run(rows, posts=[undated]).findings == ()
    assert kinds(run([published("2026-11-09")], posts=[undated])) == [
        ("not-found", D(2026, 11, 9), 2)
    ]


# --- weeks ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "week"),
    [
        (D(2026, 11, 15), IsoWeek(2026, 45)),  # Sunday: its own week is not complete yet
        (D(2026, 11, 16), IsoWeek(2026, 46)),  # Monday: the week just ended
        (D(2027, 1, 3), IsoWeek(2026, 52)),
        (D(2027, 1, 4), IsoWeek(2026, 53)),  # 2026 has a week 53: 28 Dec – 3 Jan
        (D(2027, 1, 11), IsoWeek(2027, 1)),
    ],
)
def test_default_week(as_of: dt.date, week: IsoWeek) -> None:
    assert run([], as_of=as_of).week == week


def test_week_53_across_the_year_end() -> None:
    slots = [{"program": "Nice to Know", "days": ["jumat"], "time": "19:00"}]
    rows = [
        {"date": "2026-12-27", "time": "19:00", "program": "NTK"},  # 2: Sunday of W52
        {"date": "2026-12-31", "time": "19:00", "program": "NTK"},  # 3: W53 Thursday
        {"date": "2027-01-03", "time": "19:00", "program": "NTK", "status": "terupload"},
        {"date": "3/1/2027", "time": "20:00", "program": "NTK"},  # 5: W53 Sunday
        {"date": "2027-01-04", "time": "07:00", "program": "NTK"},  # 6: W01, after as_of
    ]
    result = run(rows, as_of=D(2027, 1, 4), slots=slots)
    assert result.week == IsoWeek(2026, 53)
    assert result.to_json()["week"] == "2026-W53"
    assert kinds(result) == [
        ("missed", D(2026, 12, 31), 3),
        ("unplanned", D(2027, 1, 1), None),
        ("missed", D(2027, 1, 3), 5),
    ]
    assert result.grid.days[0] == D(2026, 12, 28)
    assert result.grid.days[-1] == D(2027, 1, 3)
    # The same rows looked at for 2027-W01, explicitly.
    result = run(rows, as_of=D(2027, 1, 11), slots=slots, week=IsoWeek(2027, 1))
    assert kinds(result) == [("missed", D(2027, 1, 4), 6), ("unplanned", D(2027, 1, 8), None)]


# --- output -----------------------------------------------------------------------------------


def test_json_shape_and_order() -> None:
    rows = [
        {"date": "2026-11-12", "time": "19:00", "program": "NTK", "title": "Cuci tangan"},
        {"date": "2026-11-09", "time": "09:30", "program": "SIKAKUNG"},
    ]
    result = run(
        rows,
        slots=NTK_SLOTS,
        schedule={"min_posts_per_day": 1},
        special=[SpecialDay(D(2026, 11, 20), "Hari A", HEALTH_DAY)],
    )
    document = result.to_json()
    assert document["as_of"] == "2026-11-16"
    assert document["week"] == "2026-W46"
    findings = document["findings"]
    assert isinstance(findings, list)
    assert [(f["date"], f["time"], f["kind"]) for f in findings] == [
        ("2026-11-09", "09:30", "missed"),
        ("2026-11-09", "19:00", "unplanned"),
        ("2026-11-10", None, "empty-day"),
        ("2026-11-11", None, "empty-day"),
        ("2026-11-12", "19:00", "missed"),
        ("2026-11-13", None, "empty-day"),
        ("2026-11-14", None, "empty-day"),
        ("2026-11-15", None, "empty-day"),
        ("2026-11-20", None, "upcoming-day"),
    ]
    missed = findings[4]
    assert missed == {
        "kind": "missed",
        "date": "2026-11-12",
        "time": "19:00",
        "program": "Nice to Know",
        "row": 2,
        "title": "Cuci tangan",
        "message": missed["message"],
    }
    assert '"Cuci tangan"' in missed["message"]


def test_grid_counts_per_day_and_programme() -> None:
    rows = [
        {"date": "2026-11-09", "time": "19:00", "program": "NTK", "status": "terupload"},
        {"date": "2026-11-09", "time": "10:00", "program": "SIKAKUNG"},  # missed
        {"date": "2026-11-12", "time": "19:00", "program": "NTK", "status": "batal"},
        {"date": "2026-11-13", "program": "Konten Lain", "status": "terupload"},  # unknown
        {"date": "2026-11-11", "time": "10:00", "program": "SIKAKUNG"},  # as_of 11 Nov: pending
    ]
    grid = run(rows, slots=NTK_SLOTS, as_of=D(2026, 11, 11), week=W46).grid
    assert grid.days == tuple(D(2026, 11, d) for d in range(9, 16))
    assert grid.programs == ("SIKAKUNG", "Nice to Know", unknown_label())
    monday_ntk = grid.cell(D(2026, 11, 9), "Nice to Know")
    assert (monday_ntk.planned, monday_ntk.published, monday_ntk.slots) == (1, 1, (dt.time(19),))
    assert (monday_ntk.pending, monday_ntk.slot) == (0, True)
    assert grid.cell(D(2026, 11, 9), "SIKAKUNG").missed == 1
    thursday = grid.cell(D(2026, 11, 12), "Nice to Know")
    assert (thursday.planned, thursday.cancelled, thursday.unplanned) == (0, 1, 1)
    assert grid.cell(D(2026, 11, 13), unknown_label()).published == 1
    empty = grid.cell(D(2026, 11, 10), "Obral Ketan")
    assert (empty.planned, empty.slot) == (0, False)
    sikakung = grid.cell(D(2026, 11, 11), "SIKAKUNG")
    assert (sikakung.planned, sikakung.pending) == (1, 1)
    total = grid.day_total(D(2026, 11, 9))
    assert (total.planned, total.published, total.missed) == (2, 1, 1)


def test_day_names_follow_the_run_language_not_the_config() -> None:
    # `--lang en` on an Indonesian config: messages and day names both in English.
    special = [SpecialDay(D(2026, 11, 12), "Hari Kesehatan Nasional", HEALTH_DAY)]
    result = run([], as_of=D(2026, 11, 5), special=special, settings_extra={"language": "id"})
    assert "Hari Kesehatan Nasional on Thursday 12 November" in result.findings[0].message
    set_language("id")
    result = run([], as_of=D(2026, 11, 5), special=special, settings_extra={"language": "en"})
    assert "pada Kamis 12 November" in result.findings[0].message


def test_weekday_and_day_names() -> None:
    assert weekday_name(D(2026, 11, 16).weekday(), "id") == "Senin"
    assert weekday_name(D(2026, 11, 22).weekday(), "id") == "Minggu"
    assert weekday_name(D(2026, 11, 20).weekday(), "en") == "Friday"
    assert day_label(D(2026, 8, 17), "id") == "Senin 17 Agustus"
    assert day_label(D(2026, 8, 17), "en") == "Monday 17 August"


@pytest.mark.parametrize(
    ("link", "code"),
    [
        ("https://www.instagram.com/p/DAbc_12-x/", "DAbc_12-x"),
        ("https://instagram.com/reel/C0de123/?igsh=abc", "C0de123"),
        ("instagram.com/reels/C0de123", "C0de123"),
        ("https://www.instagram.com/puskesmas.x/p/XYZ987/", "XYZ987"),
        ("https://www.instagram.com/tv/TV12345/", "TV12345"),
        ("https://www.instagram.com/puskesmas.x/", None),
        ("https://notinstagram.com/p/XYZ/", None),
        ("https://facebook.com/p/XYZ987/", None),
        ("", None),
        (None, None),
    ],
)
def test_shortcode_from_link(link: str | None, code: str | None) -> None:
    assert shortcode_from_link(link) == code


def test_a_programme_alias_in_slots_is_accepted_and_resolved() -> None:
    settings = make_settings(slots=[{"program": "ntk", "days": ["senin"], "time": "19:00"}])
    assert settings.slots[0].program == "ntk"
    calendar = make_calendar([], settings)
    result = check_slots(calendar, settings, AS_OF, week=W46, special=())
    [unplanned] = result.of_kind("unplanned")
    assert (unplanned.program, unplanned.date) == ("Nice to Know", D(2026, 11, 9))
    with pytest.raises(ConfigError, match="'Tidak Ada' is not in"):
        make_settings(slots=[{"program": "Tidak Ada", "days": ["senin"]}])
