"""The metrics tabs: reading hand-typed values, planning what collect writes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from zoneinfo import ZoneInfo

from fakes import Grid, apply_plan, read_grid, written_cells
from fakes.calendar import make_settings

from postme.instagram.base import AccountSnapshot, Collection, PostRecord
from postme.metrics import (
    CollectSummary,
    FollowerPoint,
    account_request,
    post_request,
    read_follower_points,
    read_post_metrics,
)
from postme.parsing import date_to_serial
from postme.stores.base import TabRequest, WritePlan
from postme.tabs.metrics import plan_collect

WIB = ZoneInfo("Asia/Jakarta")
UTC = dt.UTC
SETTINGS = make_settings()
ACCOUNT = SETTINGS.tabs.account_metrics  # "Metrik Akun"
POSTS = SETTINGS.tabs.post_metrics  # "Metrik Postingan"
POST_HEADERS = [
    "Shortcode",
    "Link",
    "Waktu Posting",
    "Jenis",
    "Suka",
    "Komentar",
    "Tayangan",
    "Jangkauan",
    "Disimpan",
    "Dibagikan",
    "Caption",
    "Diambil Pada",
]


def post(
    shortcode: str,
    posted_at: dt.datetime,
    likes: int | None,
    comments: int | None,
    caption: str = "Cuci tangan pakai sabun #Germas",
    views: int | None = None,
    reach: int | None = None,
) -> PostRecord:
    return PostRecord(
        shortcode=shortcode,
        link=f"https://www.instagram.com/p/{shortcode}/",
        posted_at=posted_at,
        type="photo",
        likes=likes,
        comments=comments,
        views=views,
        caption=caption,
        hashtags=(),
        reach=reach,
    )


def collection(
    posts: Sequence[PostRecord], followers: int | None = 1250, account: bool = True
) -> Collection:
    """What a source returns; ``account=False`` is a Meta CSV export (no follower count)."""
    snapshot = AccountSnapshot(
        username="pkm_sehat",
        taken_at=dt.datetime(2026, 11, 22, 1, 0, tzinfo=UTC),  # 08:00 WIB, Sunday 22 Nov
        followers=followers,
        following=80,
        posts=312,
    )
    return Collection(
        snapshot if account else None, tuple(posts), requests_used=0, complete=True, notes=()
    )


# --- reading ----------------------------------------------------------------------------------


def test_follower_points_from_a_messy_hand_typed_tab() -> None:
    grids: dict[str, Grid] = {
        ACCOUNT: [
            ["Data Pengikut Instagram Puskesmas"],  # a title row above the header
            [],
            ["Tanggal", "Pengikut", "Mengikuti", "Jumlah Postingan", "Catatan"],
            [date_to_serial(dt.date(2026, 11, 9)), 2100, 80, 300, "serial date cell"],
            ["16/11/2026", "2.345", "80", None],
            [None, None, None, None],  # blank row in the middle
            ["Senin, 23 November 2026", "2,5 rb", 81, "310"],
            ["18 Nopember 2026", "banyak", None, None],  # unreadable count
            ["32/11/2026", 2400, None, None],  # no such date
            [None, 2450, None, None],  # figures but no date
        ]
    }
    tab = read_grid(grids, account_request(SETTINGS))
    assert tab is not None and tab.header_row == 3

    points, problems = read_follower_points(tab, SETTINGS)

    assert points == [
        FollowerPoint(4, dt.date(2026, 11, 9), 2100, 80, 300),
        FollowerPoint(5, dt.date(2026, 11, 16), 2345, 80, None),
        FollowerPoint(8, dt.date(2026, 11, 18), None, None, None),
        FollowerPoint(7, dt.date(2026, 11, 23), 2500, 81, 310),
    ]
    assert [(p.row, p.cell, p.field, p.value) for p in problems] == [
        (8, "B8", "followers", "banyak"),
        (9, "A9", "date", "32/11/2026"),
        (10, "A10", "date", None),
    ]
    assert all(p.tab == ACCOUNT and p.message for p in problems)


def test_missing_tab_and_missing_column() -> None:
    assert read_follower_points(None, SETTINGS) == ([], [])
    grids: dict[str, Grid] = {ACCOUNT: [["Tanggal", "Followers"], ["16/11/2026", 10]]}
    tab = read_grid(grids, TabRequest(ACCOUNT, header_row=1))
    points, problems = read_follower_points(tab, SETTINGS)
    assert points == [FollowerPoint(2, dt.date(2026, 11, 16), None, None, None)]
    assert [(p.field, p.row) for p in problems] == [("followers", 1)]
    assert "'Pengikut'" in problems[0].message


def test_post_metrics_from_a_hand_typed_tab() -> None:
    evening = date_to_serial(dt.datetime(2026, 11, 17, 9, 30))
    grids: dict[str, Grid] = {
        POSTS: [
            ["Link", "Waktu Posting", "Suka", "Komentar", "Jangkauan", "Catatan Tim"],
            ["https://www.instagram.com/p/AAA111/?igsh=x", "16/11/2026 19.05", "1.234", 5, 900],
            ["https://instagram.com/reel/BBB222", evening, 40, "abc", None, "komentar?"],
            ["https://www.instagram.com/p/CCC333/", "18 Nov 2026", 10, 1],
            ["https://www.instagram.com/p/AAA111/", "16/11/2026 19:05", 1, 1],  # duplicate
            ["", "99/99/2026", 3, 0],
        ]
    }
    tab = read_grid(grids, post_request(SETTINGS))
    metrics, problems = read_post_metrics(tab, SETTINGS)

    first, second, third, fifth = metrics
    assert first.shortcode == "AAA111"
    assert first.posted_at == dt.datetime(2026, 11, 16, 19, 5, tzinfo=WIB)
    assert (first.likes, first.comments, first.reach, first.views) == (1234, 5, 900, None)
    assert first.has_time
    assert second.shortcode == "BBB222" and second.row == 3
    assert second.posted_at == dt.datetime(2026, 11, 17, 9, 30, tzinfo=WIB)
    assert (second.likes, second.comments) == (40, None)
    assert third.posted_at == dt.datetime(2026, 11, 18, tzinfo=WIB) and not third.has_time
    assert (fifth.row, fifth.shortcode, fifth.posted_at, fifth.likes) == (6, None, None, 3)
    assert [(p.cell, p.field) for p in problems] == [
        ("D3", "comments"),
        ("A5", "link"),
        ("B6", "posted_at"),
    ]
    assert "row 2" in problems[1].message


def test_posted_at_with_an_offset_keeps_it() -> None:
    grids: dict[str, Grid] = {
        POSTS: [
            ["Shortcode", "Waktu Posting", "Suka", "Komentar"],
            ["X1", "2026-11-16T12:05:00Z", 1, 2],
        ]
    }
    metrics, _ = read_post_metrics(read_grid(grids, post_request(SETTINGS)), SETTINGS)
    assert metrics[0].posted_at == dt.datetime(2026, 11, 16, 19, 5, tzinfo=WIB)


# --- collecting -------------------------------------------------------------------------------


def test_collect_into_a_new_spreadsheet_creates_both_tabs() -> None:
    plan = WritePlan()
    posts = [
        post(
            "NEW222", dt.datetime(2026, 11, 18, 12, 0, tzinfo=UTC), 30, 4, caption="=HYPERLINK(1)"
        ),
        post("OLD111", dt.datetime(2026, 11, 16, 12, 5, tzinfo=UTC), 48, 12, views=None),
    ]
    summary = plan_collect(
        plan, collection(posts), None, None, SETTINGS, dt.datetime(2026, 11, 22, 1, 0, tzinfo=UTC)
    )
    assert summary == CollectSummary(snapshot_written=True, posts_new=2, posts_updated=0)
    assert [(t.title, t.headers) for t in plan.new_tabs] == [
        (ACCOUNT, ("Tanggal", "Pengikut", "Mengikuti", "Jumlah Postingan")),
        (POSTS, tuple(POST_HEADERS)),
    ]
    grids: dict[str, Grid] = {}
    apply_plan(grids, plan)
    assert grids[ACCOUNT] == [
        ["Tanggal", "Pengikut", "Mengikuti", "Jumlah Postingan"],
        ["2026-11-22", 1250, 80, 312],
    ]
    rows = grids[POSTS]
    # Oldest first; times as wall time in WIB; figures we lack (reach, saves …) not written.
    assert rows[1][:6] == [
        "OLD111",
        "https://www.instagram.com/p/OLD111/",
        "2026-11-16 19:05",
        "photo",
        48,
        12,
    ]
    assert rows[1][6:10] == [None, None, None, None]
    assert rows[1][11] == "2026-11-22 08:00"
    assert rows[2][0] == "NEW222"
    caption = rows[2][10]
    assert isinstance(caption, str) and caption == "=HYPERLINK(1)"


def test_collect_keeps_hand_typed_rows_and_extra_columns() -> None:
    grids: dict[str, Grid] = {
        ACCOUNT: [
            ["Tanggal", "Pengikut", "Mengikuti", "Jumlah Postingan"],
            ["15/11/2026", "1.100", 79, 300],
            ["22/11/2026", "1.200", None, None],  # typed by hand this morning
        ],
        POSTS: [
            ["Shortcode", "Link", "Waktu Posting", "Suka", "Komentar", "Jangkauan", "Catatan Tim"],
            [None, "https://instagram.com/p/OLD111", "16/11/2026 19:05", "48", 3, 950, "bagus"],
        ],
    }
    plan = WritePlan()
    posts = [
        post("OLD111", dt.datetime(2026, 11, 16, 12, 5, tzinfo=UTC), 48, 12),
        post("NEW222", dt.datetime(2026, 11, 18, 12, 0, tzinfo=UTC), 30, 4),
    ]
    summary = plan_collect(
        plan,
        collection(posts),
        read_grid(grids, account_request(SETTINGS)),
        read_grid(grids, post_request(SETTINGS)),
        SETTINGS,
        dt.datetime(2026, 11, 22, 1, 0, tzinfo=UTC),
    )
    assert summary == CollectSummary(snapshot_written=True, posts_new=1, posts_updated=1)
    assert plan.new_tabs == []
    cells = written_cells(plan)

    # The same-day snapshot row is updated in place: no second row for 22 Nov, the date
    # cell as typed is not rewritten.
    assert {k: v for k, v in cells.items() if k[0] == ACCOUNT} == {
        (ACCOUNT, 3, 1): "22/11/2026",
        (ACCOUNT, 3, 2): 1250,
        (ACCOUNT, 3, 3): 80,
        (ACCOUNT, 3, 4): 312,
    }
    apply_plan(grids, plan)
    assert grids[ACCOUNT][3:] == []
    post_rows = grids[POSTS]
    headers = post_rows[0]
    assert headers[:7] == [
        "Shortcode",
        "Link",
        "Waktu Posting",
        "Suka",
        "Komentar",
        "Jangkauan",
        "Catatan Tim",
    ]
    assert headers[7:] == ["Jenis", "Tayangan", "Disimpan", "Dibagikan", "Caption", "Diambil Pada"]
    old = dict(zip(headers, post_rows[1], strict=False))
    # Matched through its link; comments updated; equal values kept as typed; the
    # person's reach and note untouched; the shortcode filled in.
    assert old["Shortcode"] == "OLD111"
    assert old["Link"] == "https://instagram.com/p/OLD111"
    assert old["Waktu Posting"] == "16/11/2026 19:05"
    assert old["Suka"] == "48"
    assert old["Komentar"] == 12
    assert old["Jangkauan"] == 950
    assert old["Catatan Tim"] == "bagus"
    assert old["Jenis"] == "photo"
    assert len(post_rows) == 3 and post_rows[2][0] == "NEW222"


def test_a_rerun_writes_nothing_new() -> None:
    grids: dict[str, Grid] = {}
    posts = [post("OLD111", dt.datetime(2026, 11, 16, 12, 5, tzinfo=UTC), 48, 12, reach=700)]
    first = WritePlan()
    plan_collect(
        first, collection(posts), None, None, SETTINGS, dt.datetime(2026, 11, 22, 1, tzinfo=UTC)
    )
    apply_plan(grids, first)

    again = WritePlan()
    summary = plan_collect(
        again,
        collection(posts),
        read_grid(grids, account_request(SETTINGS)),
        read_grid(grids, post_request(SETTINGS)),
        SETTINGS,
        dt.datetime(2026, 11, 22, 3, tzinfo=UTC),  # two hours later: collected_at is volatile
    )
    assert summary == CollectSummary(snapshot_written=False, posts_new=0, posts_updated=0)
    assert again.is_empty()


def test_instaloader_without_reach_leaves_a_typed_reach() -> None:
    grids: dict[str, Grid] = {}
    first = WritePlan()
    meta = [post("OLD111", dt.datetime(2026, 11, 16, 12, 5, tzinfo=UTC), 48, 12, reach=700)]
    plan_collect(
        first,
        collection(meta, account=False),
        None,
        None,
        SETTINGS,
        dt.datetime(2026, 11, 22, tzinfo=UTC),
    )
    apply_plan(grids, first)
    assert ACCOUNT not in grids  # nothing known about the account: no snapshot row

    later = WritePlan()
    live = [post("OLD111", dt.datetime(2026, 11, 16, 12, 5, tzinfo=UTC), 50, 12)]
    summary = plan_collect(
        later,
        collection(live),
        None,
        read_grid(grids, post_request(SETTINGS)),
        SETTINGS,
        dt.datetime(2026, 11, 23, tzinfo=UTC),
    )
    assert summary.posts_updated == 1
    apply_plan(grids, later)
    row = dict(zip(POST_HEADERS, grids[POSTS][1], strict=False))
    assert (row["Suka"], row["Jangkauan"]) == (50, 700)


def test_a_tab_without_a_shortcode_column_gets_one() -> None:
    grids: dict[str, Grid] = {
        POSTS: [
            ["Link", "Suka", "Komentar"],
            ["https://www.instagram.com/p/OLD111/", 48, 12],
        ]
    }
    plan = WritePlan()
    posts = [post("OLD111", dt.datetime(2026, 11, 16, 12, 5, tzinfo=UTC), 48, 12)]
    summary = plan_collect(
        plan,
        collection(posts),
        None,
        read_grid(grids, post_request(SETTINGS)),
        SETTINGS,
        dt.datetime(2026, 11, 22, tzinfo=UTC),
    )
    assert summary.posts_new == 0  # matched through the link, not appended
    apply_plan(grids, plan)
    assert grids[POSTS][0][3] == "Shortcode"
    assert len(grids[POSTS]) == 2


def test_caption_starting_with_equals_arrives_as_text_in_xlsx(tmp_path: Path) -> None:
    from openpyxl import Workbook

    from postme.stores.xlsx import XlsxStore

    path = tmp_path / "planner.xlsx"
    Workbook().save(path)
    store = XlsxStore(path)
    plan = WritePlan()
    posts = [post("EQ1", dt.datetime(2026, 11, 16, 12, 5, tzinfo=UTC), 1, 1, caption="=1+1 sehat")]
    plan_collect(
        plan, collection(posts), None, None, SETTINGS, dt.datetime(2026, 11, 22, tzinfo=UTC)
    )
    store.write(plan)
    tab = store.read([post_request(SETTINGS)])[POSTS]
    metrics, problems = read_post_metrics(tab, SETTINGS)
    assert problems == []
    assert tab is not None and tab.rows[0].get(10) == "=1+1 sehat"
    assert metrics[0].posted_at == dt.datetime(2026, 11, 16, 19, 5, tzinfo=WIB)
