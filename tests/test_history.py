"""The history tables: best time from 16 weeks, trends over weeks, programme mix."""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fakes.calendar import make_calendar, make_settings

from postme.history import (
    BANDS,
    HistoryPost,
    band_of,
    best_time,
    compute_insights,
    history_posts,
    post_frame,
    programme_mix,
    trends,
    weekly_history,
)
from postme.metrics import FollowerPoint, PostMetric
from postme.weeks import week_of

ZONE = ZoneInfo("Asia/Jakarta")
AS_OF = dt.date(2026, 11, 29)  # a Sunday
SETTINGS = make_settings()


def _post(row: int, moment: dt.datetime, likes: int, kind: str = "Foto") -> PostMetric:
    return PostMetric(
        row=row,
        shortcode=f"C{row:05d}",
        link=None,
        posted_at=moment,
        type=kind,
        likes=likes,
        comments=0,
        views=None,
        reach=None,
        saves=None,
        shares=None,
    )


def _history(weeks: int, followers: int = 1000) -> tuple[list[PostMetric], list[FollowerPoint]]:
    """One post a day at 08:00 with 10 interactions; Thursdays at 19:00 with 50 (the
    planted best slot). Followers double over the period: a raw interaction count would
    favour recent posts, the rate at posting time does not."""
    first = AS_OF - dt.timedelta(days=weeks * 7 - 1)
    posts: list[PostMetric] = []
    points: list[FollowerPoint] = []
    for offset in range(weeks * 7):
        day = first + dt.timedelta(days=offset)
        count = followers + offset * followers // (weeks * 7)
        points.append(FollowerPoint(offset + 2, day, count, None, None))
        if day.weekday() == 3:
            moment = dt.datetime.combine(day, dt.time(19, 0), ZONE)
            likes = count * 5 // 100  # 5 % of followers at posting
        else:
            moment = dt.datetime.combine(day, dt.time(8, 0), ZONE)
            likes = count * 1 // 100  # 1 %
        posts.append(_post(offset + 2, moment, likes))
    return posts, points


def test_band_of_covers_the_day() -> None:
    assert band_of(0) == "00–06" and band_of(5) == "00–06"
    assert band_of(6) == "06–09" and band_of(20) == "18–21" and band_of(23) == "21–24"


def test_sixteen_weeks_name_the_planted_slot_with_its_post_count() -> None:
    posts, points = _history(16)
    calendar = make_calendar([], settings=SETTINGS)
    table = history_posts(posts, points, calendar, SETTINGS)
    result = best_time(table, as_of=AS_OF, weeks=16, min_posts=3)
    assert result.best is not None
    assert (result.best.weekday, result.best.key) == (3, "18–21")
    assert result.best.posts == 16
    assert result.best.engagement_rate_pct == pytest.approx(5.0, abs=0.1)
    assert result.weeks_needed is None
    assert result.cell(0, "06–09").posts == 16
    assert result.cell(0, "18–21").posts == 0
    assert result.cell(0, "18–21").engagement_rate_pct is None  # no post: empty, not 0
    assert "Kamis 18–21" in result.summary("id")[0]
    assert "16" in result.summary("id")[0]


def test_followers_at_posting_time_not_today() -> None:
    """A later post with more raw likes but the same rate does not win."""
    posts, points = _history(16)
    table = post_frame(posts, points, make_calendar([], settings=SETTINGS), SETTINGS)
    first = table.iloc[0]
    assert first["followers_at_post"] == 1000
    last = table.iloc[-1]
    assert last["followers_at_post"] > 1900


def test_thin_history_says_not_enough_data_and_how_many_weeks() -> None:
    posts, points = _history(2)
    table = history_posts(posts, points, make_calendar([], settings=SETTINGS), SETTINGS)
    result = best_time(table, as_of=AS_OF, weeks=16, min_posts=3)
    assert result.best is None
    assert result.weeks_needed == 1  # each weekday slot has 2 posts; 3 are needed
    line = result.summary("en")[0]
    assert "not enough data" in line and "1 more week" in line


def test_no_posts_at_all() -> None:
    table = history_posts([], [], make_calendar([], settings=SETTINGS), SETTINGS)
    result = best_time(table, as_of=AS_OF)
    assert result.best is None and result.weeks_needed is None
    assert result.best_format is None and result.best_program is None


def test_best_format_and_programme_by_the_same_rate() -> None:
    posts, points = _history(6)
    # Thursdays are reels of "Konde Emas"; the rest photos of "Nice to Know".
    rows = []
    changed = []
    for post in posts:
        assert post.posted_at is not None
        thursday = post.posted_at.weekday() == 3
        rows.append(
            {
                "date": post.posted_at.date().strftime("%d/%m/%Y"),
                "time": post.posted_at.strftime("%H:%M"),
                "program": "Konde Emas" if thursday else "Nice to Know",
                "status": "Terupload",
            }
        )
        changed.append(
            post if not thursday else _post(post.row, post.posted_at, post.likes or 0, "Reels")
        )
    calendar = make_calendar(rows, settings=SETTINGS)
    table = history_posts(changed, points, calendar, SETTINGS)
    result = best_time(table, as_of=AS_OF, weeks=16)
    assert result.best_format is not None and result.best_format.key == "reels"
    assert result.best_format.posts == 6
    assert result.best_program is not None and result.best_program.key == "Konde Emas"


def _rows(
    values: list[tuple[int | None, float | None, float | None, int]],
) -> list[dict[str, object]]:
    return [
        {
            "week": f"2026-W{40 + i}",
            "follower_growth": g,
            "engagement_rate_pct": e,
            "plan_adherence_pct": a,
            "posts": p,
        }
        for i, (g, e, a, p) in enumerate(values)
    ]


def test_trends_against_previous_week_and_four_week_average() -> None:
    rows = _rows(
        [
            (10, 2.0, 100.0, 7),
            (20, 3.0, 80.0, 5),
            (None, None, 90.0, 6),  # no snapshot that week: left out of the mean
            (30, 4.0, 70.0, 7),
            (40, 5.0, 60.0, 4),
        ]
    )
    result = trends(rows)
    growth = result.get("follower_growth")
    assert growth.value == 40 and growth.previous == 30
    assert growth.change_vs_previous == 10
    assert growth.average == pytest.approx(20.0)  # (10 + 20 + 30) / 3
    assert growth.change_vs_average == pytest.approx(20.0)
    assert growth.arrow(growth.change_vs_previous) == "▲"
    posts = result.get("posts")
    assert posts.change_vs_previous == -3 and posts.arrow(-3) == "▼"


def test_trends_missing_latest_value_stays_missing() -> None:
    result = trends(_rows([(10, 2.0, 100.0, 7), (None, None, None, 0)]))
    growth = result.get("follower_growth")
    assert growth.value is None and growth.change_vs_previous is None
    assert result.get("posts").change_vs_previous == -7


def test_programme_mix_and_the_programme_not_delivered() -> None:
    last = week_of(AS_OF)
    rows = []
    for back in range(4):
        monday = last.shift(-back).start
        rows.append(
            {"date": monday.strftime("%d/%m/%Y"), "program": "SIKAKUNG", "status": "Terupload"}
        )
        rows.append(
            {"date": monday.strftime("%d/%m/%Y"), "program": "Info Grafis", "status": "Rencana"}
        )
    calendar = make_calendar(rows, settings=SETTINGS)
    posts = [
        _post(100 + back, dt.datetime.combine(last.shift(-back).start, dt.time(9), ZONE), 30)
        for back in range(4)
    ]
    points = [FollowerPoint(2, last.shift(-5).start, 1000, None, None)]
    now = dt.datetime.combine(AS_OF, dt.time(23), ZONE)
    reports = weekly_history(calendar, points, posts, SETTINGS, last_week=last, weeks=12, now=now)
    assert len(reports) == 12
    mix = programme_mix(reports, 4)
    by_name = {p.program: p for p in mix.programs}
    assert mix.not_delivered == ("Info Grafis",)
    # Two rows a day, one post: the post pairs with the day's published row (the one
    # matching rule of postme.matching), never with the row still planned.
    assert by_name["SIKAKUNG"].plan_adherence_pct == 100.0
    assert by_name["Info Grafis"].plan_adherence_pct == 0.0
    assert by_name["SIKAKUNG"].share_of_interactions_pct == 100.0
    assert by_name["Info Grafis"].share_of_interactions_pct in (None, 0.0)


def test_compute_insights_from_read_data() -> None:
    posts, points = _history(16)
    calendar = make_calendar([], settings=SETTINGS)
    now = dt.datetime.combine(AS_OF, dt.time(23), ZONE)
    insights = compute_insights(calendar, points, posts, SETTINGS, as_of=AS_OF, now=now)
    assert insights.best.best is not None and insights.best.best.key == "18–21"
    assert insights.trends.get("posts").value == 7
    assert any("Kamis" in line for line in insights.summary("id"))


def test_importing_the_module_does_not_import_pandas() -> None:
    import subprocess

    code = "import postme.history, sys; print('pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_weekly_run_computes_its_insights_without_importing_pandas(tmp_path: Path) -> None:
    """Best time, trends and the mix of a weekly run are a few hundred posts: plain Python.
    pandas (0.2–0.7 s of import) is for frames(), the monthly report and the league."""
    import json
    import subprocess

    from postme.demo import prepare_demo

    prepare_demo(tmp_path / "demo")
    script = (
        "import json, sys, datetime as dt\n"
        "from pathlib import Path\n"
        "from postme.config import load_config\n"
        "from postme.jobs import run_report\n"
        f"settings = load_config(Path({str(tmp_path / 'demo' / 'postme.toml')!r}), env={{}})\n"
        "result = run_report(settings, dt.date(2026, 11, 23), dry_run=True)\n"
        "print(json.dumps([result.insights.best.posts_used, 'pandas' in sys.modules]))\n"
    )
    root = Path(__file__).resolve().parent.parent
    env = {"XDG_CACHE_HOME": str(tmp_path), "HOME": str(tmp_path), "PYTHONPATH": str(root)}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=root, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    posts_used, pandas_loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert posts_used > 0  # the history step ran, on the demo's posts
    assert pandas_loaded is False


def test_the_window_of_posts_keeps_the_programmes_of_matching_every_post() -> None:
    """A row dated in the window may link to a post from before it: that row is its post's,
    so the window's post of that day pairs with the other row, as when every post is
    matched."""
    since = dt.date(2026, 11, 16)
    before = _post(2, dt.datetime(2026, 11, 2, 8, 0, tzinfo=ZONE), 10)
    inside = _post(3, dt.datetime(2026, 11, 17, 9, 0, tzinfo=ZONE), 20)
    rows = [
        {
            "date": "17/11/2026",
            "time": "07:00",
            "program": "Konde Emas",
            "status": "Terupload",
            "link": f"https://www.instagram.com/p/{before.shortcode}/",  # typed late
        },
        {"date": "17/11/2026", "time": "10:00", "program": "Nice to Know", "status": "Terupload"},
    ]
    calendar = make_calendar(rows, settings=SETTINGS)
    points = [FollowerPoint(2, dt.date(2026, 11, 1), 1000, None, None)]
    whole = history_posts([before, inside], points, calendar, SETTINGS)
    window = history_posts([before, inside], points, calendar, SETTINGS, since=since)
    assert [p.program for p in whole] == ["Konde Emas", "Nice to Know"]
    assert window == [p for p in whole if p.date >= since]
    assert [(p.shortcode, p.program) for p in window] == [(inside.shortcode, "Nice to Know")]


def test_best_time_and_mix_against_a_hand_computed_case() -> None:
    """Small enough to compute by hand: three posts in one cell, one in another, one
    untimed; two weeks of programme lines for the mix (the trends' case is above)."""
    from postme.analysis import ProgramStats, analyse_week

    def post(day: int, hour: int | None, likes: int, followers: int) -> HistoryPost:
        moment = dt.datetime(2026, 11, day, hour or 0, tzinfo=ZONE)
        rate = likes / followers * 100
        return HistoryPost(
            f"C{day}{hour}", None, moment, moment.date(), moment.weekday(),
            None if hour is None else band_of(hour), hour is not None, "photo",
            "SIKAKUNG" if day < 20 else "Info Grafis", likes, 0, None, None, likes,
            followers, rate,
        )  # fmt: skip

    posts = [
        post(5, 19, 10, 1000),  # Thursday 18–21: 1 %
        post(12, 20, 30, 1000),  # Thursday 18–21: 3 %
        post(19, 18, 50, 2000),  # Thursday 18–21: 2.5 %
        post(23, 7, 90, 1000),  # Monday 06–09: 9 %, one post: not ranked
        post(24, None, 40, 1000),  # no time: format and programme only, 4 %
    ]
    result = best_time(posts, as_of=AS_OF, weeks=4, min_posts=3)
    thursday = result.cell(3, "18–21")
    assert (thursday.posts, thursday.ranked) == (3, True)
    assert thursday.engagement_rate_pct == pytest.approx((1 + 3 + 2.5) / 3)
    assert result.cell(0, "06–09").posts == 1 and not result.cell(0, "06–09").ranked
    assert result.best == thursday and result.posts_used == 4
    photo = result.best_format
    assert photo is not None and photo.posts == 5
    assert photo.engagement_rate_pct == pytest.approx((1 + 3 + 2.5 + 9 + 4) / 5)
    programs = {c.key: c for c in result.programs}
    assert (programs["SIKAKUNG"].posts, programs["SIKAKUNG"].ranked) == (3, True)
    assert programs["SIKAKUNG"].engagement_rate_pct == pytest.approx(6.5 / 3)
    assert (programs["Info Grafis"].posts, programs["Info Grafis"].ranked) == (2, False)
    assert programs["Info Grafis"].engagement_rate_pct == pytest.approx(6.5)
    # Only the 4 weeks up to as_of: a post of October is outside the window.
    october = post(5, 19, 10, 1000)
    october = replace(october, date=dt.date(2026, 10, 1))
    assert best_time([october], as_of=AS_OF, weeks=4).posts_used == 0

    def stats(name: str, planned: int, published: int, posts: int, inter: int | None) -> Any:
        return ProgramStats(
            name, planned, published, 0, 0, None, posts, inter, 0, None, inter, None
        )

    empty = analyse_week(
        week_of(AS_OF),
        make_calendar([], settings=SETTINGS),
        [],
        [],
        zone=ZONE,
        as_of=AS_OF,
        now=dt.datetime.combine(AS_OF, dt.time(23), ZONE),
        grace=dt.timedelta(0),
    )
    week1 = replace(empty, by_program=(stats("A", 2, 2, 2, 30), stats("B", 1, 0, 0, None)))
    week2 = replace(empty, by_program=(stats("A", 1, 1, 1, 10), stats("C", 1, 1, 1, None)))
    mix = programme_mix([week1, week2], 2)
    shares = {p.program: p for p in mix.programs}
    assert [p.program for p in mix.programs] == ["A", "B", "C"]
    assert shares["A"].posts == 3 and shares["A"].interactions == 40
    assert shares["A"].share_of_posts_pct == pytest.approx(75.0)  # 3 of 4 posts
    assert shares["A"].share_of_interactions_pct == pytest.approx(100.0)
    assert shares["C"].interactions is None and shares["C"].share_of_interactions_pct is None
    assert shares["B"].plan_adherence_pct == 0.0 and mix.not_delivered == ("B",)
    assert programme_mix([week1, week2], 1).programs[0].posts == 1  # the last week only


def test_weekly_history_matches_the_weekly_analysis_on_the_whole_calendar() -> None:
    """Narrowing the posts to these weeks' (and each week's matching to the rows that can
    match them) changes nothing: the same reports as the analysis of every post. Rows
    dated a day off carry their post's link, so the link index is needed."""
    from postme.analysis import analyse_week

    posts, points = _history(20)
    rows = []
    for post in posts:
        assert post.posted_at is not None
        day = post.posted_at.date()
        linked = post.row % 3 == 0
        rows.append(
            {
                # Every third row is dated a day off but carries the post's link.
                "date": (day + dt.timedelta(days=1 if linked else 0)).strftime("%d/%m/%Y"),
                "program": "Konde Emas" if linked else "Nice to Know",
                "status": "Terupload",
                "link": f"https://www.instagram.com/p/{post.shortcode}/" if linked else None,
            }
        )
    calendar = make_calendar(rows, settings=SETTINGS)
    last = week_of(AS_OF)
    now = dt.datetime.combine(AS_OF, dt.time(23), ZONE)
    reports = weekly_history(
        calendar, points, posts, SETTINGS, last_week=last, weeks=12, now=now, as_of=AS_OF
    )
    for back, report in zip(range(11, -1, -1), reports, strict=True):
        whole = analyse_week(
            last.shift(-back),
            calendar,
            points,
            posts,
            zone=ZONE,
            as_of=AS_OF,
            now=now,
            grace=dt.timedelta(minutes=SETTINGS.schedule.grace_minutes),
        )
        assert report == whole
    assert any(p.program == "Konde Emas" for p in reports[-1].by_program)


def test_waktu_terbaik_tab_through_the_xlsx_store_with_its_heat_map(tmp_path: Path) -> None:
    import openpyxl

    from postme.insights_tabs import plan_history
    from postme.stores.base import TabRequest, WritePlan
    from postme.stores.xlsx import XlsxStore

    path = tmp_path / "planner.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "Kalender Konten"
    book.save(path)
    posts, points = _history(16)
    calendar = make_calendar([], settings=SETTINGS)
    now = dt.datetime.combine(AS_OF, dt.time(23), ZONE)
    plan = WritePlan()
    _insights, lines = plan_history(
        plan, None, calendar, points, posts, SETTINGS, as_of=AS_OF, now=now
    )
    assert any("Kamis 18–21" in line for line in lines)
    XlsxStore(path).write(plan)
    tab = XlsxStore(path).read([TabRequest("Waktu Terbaik")])["Waktu Terbaik"]
    assert tab is not None
    rows = {row.values[0]: dict(zip(tab.headers, row.values, strict=False)) for row in tab.rows}
    assert list(rows)[:7] == ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]
    thursday = rows["Kamis"]
    assert thursday["Postingan 18–21"] == 16
    assert thursday["ER 18–21 (%)"] == pytest.approx(5.0, abs=0.1)
    assert thursday["ER 06–09 (%)"] is None and thursday["Postingan 06–09"] == 0
    assert "Kamis 18–21" in str(rows["Ringkasan"]["Catatan"])
    # The heat map is asked for over the seven engagement columns; the stores draw it.
    (heat_map,) = plan.formats
    assert heat_map.tab == "Waktu Terbaik"
    assert heat_map.headers == tuple(f"ER {label} (%)" for _a, _b, label in BANDS)
    # A second run with the same data changes nothing.
    again = WritePlan()
    plan_history(again, tab, calendar, points, posts, SETTINGS, as_of=AS_OF, now=now)
    assert again.writes == []
