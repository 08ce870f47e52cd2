"""The weekly analysis on a week worked out by hand, its edges, and its rows in the tabs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from fakes import Grid, apply_plan, read_grid
from fakes.calendar import make_calendar, make_settings

from postme.analysis import ProgramStats, WeekReport, analyse_week
from postme.calendar import Calendar
from postme.metrics import FollowerPoint, PostMetric
from postme.stores.base import Tab, TabRequest, WritePlan
from postme.tabs.by_program import program_rows
from postme.tabs.report import plan_report_writes
from postme.tabs.weekly import report_rows
from postme.weeks import IsoWeek

WIB = ZoneInfo("Asia/Jakarta")
UTC = dt.UTC
W47 = IsoWeek(2026, 47)  # Monday 16 – Sunday 22 November 2026
NOW = dt.datetime(2026, 11, 23, 8, 0, tzinfo=WIB)
AS_OF = dt.date(2026, 11, 23)
GRACE = dt.timedelta(minutes=120)


def link(code: str) -> str:
    return f"https://www.instagram.com/p/{code}/"


def metric(
    row: int,
    code: str,
    posted_at: dt.datetime,
    likes: int | None,
    comments: int | None,
    views: int | None = None,
    reach: int | None = None,
    has_time: bool = True,
) -> PostMetric:
    return PostMetric(
        row, code, link(code), posted_at, "photo", likes, comments, views, reach, None, None,
        has_time,
    )  # fmt: skip


def points(*values: tuple[dt.date, int | None]) -> list[FollowerPoint]:
    return [FollowerPoint(i + 2, day, n, None, None) for i, (day, n) in enumerate(values)]


def week47_calendar() -> Calendar:
    return make_calendar(
        [
            # row 2..9 (the header is row 1)
            {"date": "16/11/2026", "time": "19:00", "program": "Nice to Know",
             "status": "Terupload", "link": link("AAA111")},
            {"date": "17/11/2026", "time": "09:00", "program": "SIKAKUNG", "status": "Terupload"},
            {"date": "19/11/2026", "time": "19:00", "program": "NTK", "status": "sudah upload",
             "link": link("CCC333")},
            {"date": "20/11/2026", "time": "15:00", "program": "Obral Ketan", "status": "Batal"},
            {"date": "21/11/2026", "time": "10:00", "program": "Konde Emas", "status": "proses"},
            {"date": "22/11/2026", "time": "19:00", "program": "Info Grafis",
             "status": "Terupload ✅", "link": link("DDD444")},
            {"date": "23/11/2026", "program": "SIKAKUNG", "status": "rencana"},  # next week
            {"date": "15/11/2026", "program": "SIKAKUNG", "status": "Terupload"},  # last week
        ]
    )  # fmt: skip


def week47_followers() -> list[FollowerPoint]:
    return points(
        (dt.date(2026, 11, 9), 1000),
        (dt.date(2026, 11, 16), 1200),
        (dt.date(2026, 11, 19), 1250),
        (dt.date(2026, 11, 23), 1300),
    )


def week47_posts() -> list[PostMetric]:
    return [
        # Monday 16, 19:05 WIB
        metric(2, "AAA111", dt.datetime(2026, 11, 16, 12, 5, tzinfo=UTC), 48, 12, reach=1000),
        # Tuesday 17, 09:10 WIB (no link in the calendar: matched by day to SIKAKUNG)
        metric(3, "BBB222", dt.datetime(2026, 11, 17, 2, 10, tzinfo=UTC), 30, 6),
        # Thursday 19, 19:00 WIB, a reel
        metric(4, "CCC333", dt.datetime(2026, 11, 19, 12, 0, tzinfo=UTC), 100, 25, 900, 2500),
        # Sunday 22, 23:30 WIB: still week 47
        metric(5, "DDD444", dt.datetime(2026, 11, 22, 16, 30, tzinfo=UTC), 20, 5),
        # Monday 23, 00:30 WIB (Sunday 17:30 UTC): week 48, not this one
        metric(6, "EEE555", dt.datetime(2026, 11, 22, 17, 30, tzinfo=UTC), 999, 999),
        # Sunday 15 (week 46)
        metric(7, "ZZZ000", dt.datetime(2026, 11, 15, 3, 0, tzinfo=UTC), 999, 999),
    ]


@dataclass(frozen=True)
class Flag:
    """A policy finding as the week counts it (``postme.analysis.FindingLike``)."""

    row: int
    severity: str


# The run's policy findings: 2 errors and 5 warnings on the week's rows (2–7); those on
# rows 8 (next week) and 9 (last week) are not the week's.
WEEK47_FINDINGS = [
    Flag(2, "error"),
    Flag(6, "error"),
    *(Flag(row, "warning") for row in (3, 3, 4, 5, 7)),
    Flag(8, "error"),
    Flag(9, "warning"),
]


def week47(
    *, missed_rows: Collection[int] | None = frozenset({6, 8}), now: dt.datetime = NOW
) -> WeekReport:
    """Week 47 as the weekly run sees it; by default the slot checks found rows 6 and 8
    missed (row 8 is next week's: not counted here)."""
    return analyse_week(
        W47,
        week47_calendar(),
        week47_followers(),
        week47_posts(),
        zone=WIB,
        as_of=AS_OF,
        now=now,
        missed_rows=missed_rows,
        findings=WEEK47_FINDINGS,
        grace=GRACE,
    )


def test_a_week_computed_by_hand() -> None:
    report = week47()

    assert (report.week, report.start, report.end) == (
        "2026-W47",
        dt.date(2026, 11, 16),
        dt.date(2026, 11, 22),
    )
    # Followers: start = latest snapshot on or before Monday 16 → 16 Nov: 1200;
    # end = latest on or before the next Monday (23 Nov, where the week ends) → 1300.
    # Growth 1300 − 1200 = 100; 100 / 1200 × 100 = 8.333…%.
    assert (report.followers_start, report.followers_end) == (1200, 1300)
    assert report.follower_growth == 100
    assert report.follower_growth_pct == pytest.approx(8.3333333)
    # Plan: rows 2–7 are dated in the week → planned 6; published rows 2, 3, 4, 7 → 4;
    # cancelled row 5 → 1; missed row 6 → 1; adherence 4 / (6 − 1) × 100 = 80%.
    assert (report.planned, report.published, report.cancelled, report.missed) == (6, 4, 1, 1)
    assert report.plan_adherence_pct == pytest.approx(80.0)
    assert (report.errors, report.warnings) == (2, 5)
    # Posts in the week (WIB): AAA111, BBB222, CCC333, DDD444 (Sunday 23:30) → 4.
    # Likes 48 + 30 + 100 + 20 = 198; comments 12 + 6 + 25 + 5 = 48; views: only the reel, 900.
    # Interactions 60 + 36 + 125 + 25 = 246; average 246 / 4 = 61.5.
    assert report.posts == 4
    assert (report.likes, report.comments, report.views) == (198, 48, 900)
    assert report.interactions == 246
    assert report.avg_interactions_per_post == pytest.approx(61.5)
    # ER by followers at posting (latest snapshot on or before the post's day):
    #   AAA111 60 / 1200 = 5%, BBB222 36 / 1200 = 3%, CCC333 125 / 1250 = 10%,
    #   DDD444 25 / 1250 = 2% → mean (5 + 3 + 10 + 2) / 4 = 5.00%.
    assert report.engagement_rate_pct == pytest.approx(5.0)
    # By reach, only where reach exists: AAA111 60 / 1000 = 6%, CCC333 125 / 2500 = 5% → 5.5%.
    assert report.reach_engagement_rate_pct == pytest.approx(5.5)
    # Programmes: Nice to Know (AAA111 60, CCC333 125 → mean 92.5) beats SIKAKUNG 36 and
    # Info Grafis 25. Top post CCC333 (125).
    assert report.top_program == "Nice to Know"
    assert report.top_post == "CCC333"
    assert report.updated_at == NOW


def test_by_program_breakdown() -> None:
    report = week47()
    assert report.by_program == (
        # Info Grafis: row 7 published, DDD444 by link: 25 / 1250 = 2%.
        ProgramStats("Info Grafis", 1, 1, 0, 0, 100.0, 1, 20, 5, None, 25, 2.0),
        # Konde Emas: row 6 in production and missed; no post.
        ProgramStats("Konde Emas", 1, 0, 0, 1, 0.0, 0, None, None, None, None, None),
        # Nice to Know: rows 2, 4 published; AAA111 5% and CCC333 10% → 7.5%.
        ProgramStats("Nice to Know", 2, 2, 0, 0, 100.0, 2, 148, 37, 900, 185, 7.5),
        # Obral Ketan: cancelled, nothing left to publish → adherence None.
        ProgramStats("Obral Ketan", 1, 0, 1, 0, None, 0, None, None, None, None, None),
        # SIKAKUNG: row 3 matched by day to BBB222: 36 / 1200 = 3%.
        ProgramStats("SIKAKUNG", 1, 1, 0, 0, 100.0, 1, 30, 6, None, 36, 3.0),
    )


def test_missed_worked_out_when_not_given() -> None:
    # Row 6 (Saturday 21 10:00, in production) is due 12:00 with the grace; NOW is past it.
    report = week47(missed_rows=None)
    assert report.missed == 1
    early = week47(missed_rows=None, now=dt.datetime(2026, 11, 21, 11, 0, tzinfo=WIB))
    assert early.missed == 0


def test_a_week_with_no_posts() -> None:
    report = analyse_week(
        W47, week47_calendar(), week47_followers(), [], zone=WIB, as_of=AS_OF, now=NOW,
        grace=GRACE, missed_rows=(),
    )  # fmt: skip
    assert report.posts == 0
    assert (report.planned, report.published) == (6, 4)
    assert report.followers_end == 1300
    for name in (
        "likes",
        "comments",
        "views",
        "interactions",
        "avg_interactions_per_post",
        "engagement_rate_pct",
        "reach_engagement_rate_pct",
        "top_program",
        "top_post",
    ):
        assert getattr(report, name) is None, name
    assert all(p.posts == 0 and p.likes is None for p in report.by_program)


def test_a_week_with_no_snapshots() -> None:
    report = analyse_week(
        W47, week47_calendar(), [], week47_posts(), zone=WIB, as_of=AS_OF, now=NOW, grace=GRACE,
        missed_rows=(),
    )  # fmt: skip
    assert report.followers_start is None and report.followers_end is None
    assert report.follower_growth is None and report.follower_growth_pct is None
    assert report.engagement_rate_pct is None  # no follower count to divide by
    assert report.interactions == 246  # the posts' own figures are still there


def test_snapshots_far_from_the_week_give_no_follower_figures() -> None:
    # Only a snapshot a month before and one a month after: nothing says what the
    # count was at the week's edges (not a growth of 0).
    far = points((dt.date(2026, 10, 19), 900), (dt.date(2026, 12, 21), 1500))
    report = analyse_week(
        W47, week47_calendar(), far, week47_posts(), zone=WIB, as_of=dt.date(2026, 12, 31),
        now=NOW, grace=GRACE, missed_rows=(),
    )  # fmt: skip
    assert (report.followers_start, report.followers_end, report.follower_growth) == (
        None,
        None,
        None,
    )
    # ER still uses the latest snapshot before each post (19 Oct: 900):
    # (60 + 36 + 125 + 25) / 900 / 4 × 100 = 6.833…%.
    assert report.engagement_rate_pct == pytest.approx(246 / 900 / 4 * 100)


def test_nearest_snapshot_on_or_before_each_boundary() -> None:
    # Saturday 14 (900) and Tuesday 17 (950): Monday 16's value is Saturday's, even though
    # Tuesday is nearer. Sunday 22 (990) and Monday 30 (1100): the end is Sunday's.
    snaps = points(
        (dt.date(2026, 11, 14), 900),
        (dt.date(2026, 11, 17), 950),
        (dt.date(2026, 11, 22), 990),
        (dt.date(2026, 11, 30), 1100),
    )
    report = analyse_week(
        W47, week47_calendar(), snaps, [], zone=WIB, as_of=AS_OF, now=NOW, grace=GRACE,
        missed_rows=(),
    )  # fmt: skip
    assert (report.followers_start, report.followers_end, report.follower_growth) == (900, 990, 90)
    assert report.follower_growth_pct == pytest.approx(10.0)


def test_a_snapshot_a_week_old_is_too_old_for_the_boundary() -> None:
    # The Monday run of 23 Nov failed: the last snapshot (16 Nov) is 7 days before the end.
    snaps = points((dt.date(2026, 11, 9), 1000), (dt.date(2026, 11, 16), 1200))
    report = analyse_week(
        W47, Calendar("Kalender Konten", {}, ()), snaps, [], zone=WIB, as_of=AS_OF, now=NOW,
        grace=GRACE,
    )  # fmt: skip
    assert (report.followers_start, report.followers_end, report.follower_growth) == (
        1200,
        None,
        None,
    )
    assert report.planned == 0 and report.plan_adherence_pct is None


def test_followers_at_posting_falls_back_to_the_first_snapshot_after() -> None:
    # Only a snapshot after the posts: 1250 on the 19th. AAA111 (16th) uses it too.
    snaps = points((dt.date(2026, 11, 19), 1250))
    posts = [metric(2, "AAA111", dt.datetime(2026, 11, 16, 12, 5, tzinfo=UTC), 50, 0)]
    report = analyse_week(
        W47, week47_calendar(), snaps, posts, zone=WIB, as_of=AS_OF, now=NOW, grace=GRACE,
    )  # fmt: skip
    assert report.engagement_rate_pct == pytest.approx(50 / 1250 * 100)  # 4%
    assert report.followers_start is None  # but not for the week's start boundary


def test_iso_week_53_across_the_year_end() -> None:
    week = IsoWeek(2026, 53)  # Monday 28 December 2026 – Sunday 3 January 2027
    calendar = make_calendar(
        [
            {"date": "31/12/2026", "program": "Info Grafis", "status": "Terupload"},
            {"date": "01/01/2027", "program": "Ucapan Hari Besar", "status": "Terupload"},
            {"date": "04/01/2027", "program": "SIKAKUNG", "status": "rencana"},  # 2027-W01
        ]
    )
    snaps = points((dt.date(2026, 12, 28), 2000), (dt.date(2027, 1, 4), 2100))
    posts = [
        metric(2, "NY1", dt.datetime(2026, 12, 31, 10, 0, tzinfo=UTC), 40, 10),
        metric(3, "NY2", dt.datetime(2027, 1, 1, 1, 0, tzinfo=UTC), 90, 10),
        # Sunday 3 Jan 23:30 WIB is still week 53; Monday 00:30 WIB is 2027-W01.
        metric(4, "NY3", dt.datetime(2027, 1, 3, 16, 30, tzinfo=UTC), 10, 10),
        metric(5, "NY4", dt.datetime(2027, 1, 3, 17, 30, tzinfo=UTC), 500, 0),
    ]
    report = analyse_week(
        week, calendar, snaps, posts, zone=WIB, as_of=dt.date(2027, 1, 4),
        now=dt.datetime(2027, 1, 4, 8, 0, tzinfo=WIB), grace=GRACE, missed_rows=(),
    )  # fmt: skip
    assert (report.week, report.start, report.end) == (
        "2026-W53",
        dt.date(2026, 12, 28),
        dt.date(2027, 1, 3),
    )
    assert (report.followers_start, report.followers_end, report.follower_growth) == (
        2000,
        2100,
        100,
    )
    assert (report.planned, report.published, report.plan_adherence_pct) == (2, 2, 100.0)
    # NY1 50, NY2 100, NY3 20 → 170; ER (50 + 100 + 20) / 2000 / 3 × 100 = 2.833…%.
    assert (report.posts, report.interactions) == (3, 170)
    assert report.engagement_rate_pct == pytest.approx(170 / 2000 / 3 * 100)
    assert report.top_post == "NY2"
    assert report.top_program == "Ucapan Hari Besar"  # NY2 matched by day (01/01)


def test_to_json_has_every_field() -> None:
    data = week47().to_json()
    assert list(data) == [
        "week", "start", "end", "followers_start", "followers_end", "follower_growth",
        "follower_growth_pct", "planned", "published", "cancelled", "missed",
        "plan_adherence_pct", "errors", "warnings", "posts", "likes", "comments", "views",
        "interactions", "avg_interactions_per_post", "engagement_rate_pct",
        "reach_engagement_rate_pct", "top_program", "top_post", "updated_at", "by_program",
    ]  # fmt: skip
    assert data["start"] == "2026-11-16"
    assert data["follower_growth_pct"] == 8.33
    assert data["updated_at"] == "2026-11-23T08:00:00+07:00"
    by_program = data["by_program"]
    assert isinstance(by_program, list)
    assert by_program[1] == {
        "program": "Konde Emas", "planned": 1, "published": 0, "cancelled": 0, "missed": 1,
        "plan_adherence_pct": 0.0, "posts": 0, "likes": None, "comments": None, "views": None,
        "interactions": None, "engagement_rate_pct": None,
    }  # fmt: skip


# --- rows for the tabs ------------------------------------------------------------------------


def test_report_rows_in_indonesian() -> None:
    headers, rows = report_rows([week47()], "id", WIB)
    assert headers == [
        "Minggu", "Mulai", "Selesai", "Pengikut Awal", "Pengikut Akhir",
        "Pertumbuhan Pengikut", "Pertumbuhan (%)", "Direncanakan", "Terupload", "Dibatalkan",
        "Terlewat", "Kepatuhan Rencana (%)", "Error", "Peringatan", "Postingan", "Suka",
        "Komentar", "Tayangan", "Interaksi", "Rata-rata Interaksi/Post", "Engagement Rate (%)",
        "ER Jangkauan (%)", "Program Teratas", "Postingan Teratas", "Diperbarui",
    ]  # fmt: skip
    (row,) = rows
    assert row["Minggu"] == "2026-W47"
    assert row["Mulai"] == "2026-11-16"
    assert row["Pertumbuhan (%)"] == 8.33
    assert row["Kepatuhan Rencana (%)"] == 80.0
    assert row["Diperbarui"] == "2026-11-23 08:00"
    empty = analyse_week(
        W47, week47_calendar(), [], [], zone=WIB, as_of=AS_OF, now=NOW, grace=GRACE,
        missed_rows=(),
    )  # fmt: skip
    _, (blank,) = report_rows([empty], "id")
    assert blank["Pengikut Awal"] is None and blank["Suka"] is None and blank["Postingan"] == 0


def test_english_headers() -> None:
    headers, _ = report_rows([], "en")
    assert headers[:3] == ["Week", "Start", "End"] and headers[-1] == "Updated"
    headers, _ = program_rows([], "en")
    assert headers[:2] == ["Week", "Programme"]


def test_program_rows_keyed_by_week_and_programme() -> None:
    headers, rows = program_rows([week47()], "id", WIB)
    assert headers[:3] == ["Minggu", "Program", "Direncanakan"]
    assert [(r["Minggu"], r["Program"]) for r in rows] == [
        ("2026-W47", "Info Grafis"),
        ("2026-W47", "Konde Emas"),
        ("2026-W47", "Nice to Know"),
        ("2026-W47", "Obral Ketan"),
        ("2026-W47", "SIKAKUNG"),
    ]
    assert rows[2]["Engagement Rate (%)"] == 7.5


def read(grids: dict[str, Grid], title: str) -> Tab | None:
    return read_grid(grids, TabRequest(title))


def test_report_writes_are_upserted_by_week_and_rerun_writes_nothing() -> None:
    settings = make_settings()
    weekly, by_program = settings.tabs.weekly, settings.tabs.by_program
    grids: dict[str, Grid] = {}
    first = WritePlan()
    plan_report_writes(first, [week47()], None, None, settings, NOW)
    assert [t.title for t in first.new_tabs] == [weekly, by_program]
    (chart,) = first.charts
    assert (chart.tab, chart.x_header) == (weekly, "Minggu")
    assert chart.series_headers == ("Pengikut Akhir", "Engagement Rate (%)")
    apply_plan(grids, first)
    assert [r[0] for r in grids[weekly]] == ["Minggu", "2026-W47"]
    assert len(grids[by_program]) == 6

    # A person adds a note column and a row of their own between runs.
    grids[weekly][0].append("Catatan")
    grids[weekly][1].append("minggu sibuk")
    grids[weekly].append(["2026-W40", None, None, 999])

    later = NOW + dt.timedelta(days=1)
    again = WritePlan()
    plan_report_writes(
        again, [week47()], read(grids, weekly), read(grids, by_program), settings, later
    )
    assert again.writes == [] and again.new_tabs == []  # only "Diperbarui" would change

    # A new week is appended after the rows there (newest last), the note and row kept.
    week48 = analyse_week(
        W47.shift(1), week47_calendar(), week47_followers(), week47_posts(), zone=WIB,
        as_of=dt.date(2026, 11, 30), now=later, grace=GRACE, missed_rows=(),
    )  # fmt: skip
    third = WritePlan()
    plan_report_writes(
        third, [week48, week47()], read(grids, weekly), read(grids, by_program), settings, later
    )
    apply_plan(grids, third)
    assert [r[0] for r in grids[weekly]] == ["Minggu", "2026-W47", "2026-W40", "2026-W48"]
    assert grids[weekly][1][-1] == "minggu sibuk"
    assert grids[weekly][2][3] == 999


def test_a_programme_line_that_no_longer_applies_is_blanked() -> None:
    settings = make_settings()
    by_program = settings.tabs.by_program
    grids: dict[str, Grid] = {}
    first = WritePlan()
    plan_report_writes(first, [week47()], None, None, settings, NOW)
    apply_plan(grids, first)
    # The team moved row 6 from Konde Emas to SIKAKUNG: Konde Emas has no line in W47 now.
    calendar = make_calendar(
        [
            {"date": "21/11/2026", "program": "SIKAKUNG", "status": "Terupload"},
        ]
    )
    report = analyse_week(
        W47, calendar, [], [], zone=WIB, as_of=AS_OF, now=NOW, grace=GRACE, missed_rows=()
    )
    again = WritePlan()
    plan_report_writes(
        again, [report], read(grids, settings.tabs.weekly), read(grids, by_program), settings, NOW
    )
    apply_plan(grids, again)
    remaining = [r[:2] for r in grids[by_program][1:] if any(v is not None for v in r)]
    assert remaining == [["2026-W47", "SIKAKUNG"]]
