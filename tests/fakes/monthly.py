"""November 2026 of one Puskesmas, worked out by hand: the tables (calendar, followers,
posts, health days, comments register), the report built from them and the workbook
that holds them. Shared by the monthly report and PDF tests.

    report = november_report()
    workbook = november_workbook(tmp_path)
    add_register(workbook)
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl

from fakes.calendar import make_calendar, make_settings
from postme.comments_tab import comment_headers
from postme.healthdays import SpecialDay
from postme.metrics import FollowerPoint, PostMetric
from postme.monthly import Month, MonthlyReport, build_monthly_report
from postme.stores.base import Cell

ZONE = ZoneInfo("Asia/Jakarta")
NOVEMBER = Month(2026, 11)
AS_OF = dt.date(2026, 12, 1)
NOW = dt.datetime(2026, 12, 1, 7, 0, tzinfo=ZONE)
TOPICS = {"Konde Emas": "GERMAS", "SIKAKUNG": "PTM", "Nice to Know": "PHBS"}


def make_post(
    code: str, when: dt.datetime, likes: int | None, comments: int | None, kind: str = "Foto"
) -> PostMetric:
    return PostMetric(
        row=0,
        shortcode=code,
        link=f"https://www.instagram.com/p/{code}/",
        posted_at=when,
        type=kind,
        likes=likes,
        comments=comments,
        views=None,
        reach=None,
        saves=None,
        shares=None,
    )


def at(day: int, hour: int, month: int = 11) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, 0, tzinfo=ZONE)


POSTS = [
    make_post("OCT28", at(28, 9, month=10), 30, 0),
    make_post("NOV03", at(3, 10), 40, 10),  # 50 interactions, 1000 followers: ER 5.0
    make_post("NOV10", at(10, 19), 18, 2),  # 20 / 1000: ER 2.0
    make_post("NOV20", at(20, 8), 63, None),  # 63 / 1050: ER 6.0 (a blank comment count is 0)
    make_post("NOV25", at(25, 16), None, None, "Reels"),  # no figures: no ER, not 0
]
FOLLOWERS = [
    FollowerPoint(2, dt.date(2026, 10, 1), 900, None, None),
    FollowerPoint(3, dt.date(2026, 11, 1), 1000, None, None),
    FollowerPoint(4, dt.date(2026, 11, 15), 1050, None, None),
    FollowerPoint(5, dt.date(2026, 12, 1), 1100, None, None),
]
CALENDAR_ROWS: list[dict[str, Cell]] = [
    {"date": "28/10/2026", "program": "SIKAKUNG", "status": "Terupload", "link": POSTS[0].link},
    {"date": "03/11/2026", "program": "Konde Emas", "status": "Terupload", "link": POSTS[1].link},
    {"date": "10/11/2026", "program": "SIKAKUNG", "status": "Terupload", "link": POSTS[2].link},
    {"date": "12/11/2026", "program": "Ucapan Hari Besar", "status": "Terupload"},
    {"date": "20/11/2026", "program": "Nice to Know", "status": "Terupload"},
    {"date": "25/11/2026", "program": "Info Grafis", "status": "Rencana"},
    {"date": "27/11/2026", "program": "SIKAKUNG", "status": "Batal"},
]
SPECIAL = [
    SpecialDay(dt.date(2026, 11, 12), "Hari Kesehatan Nasional", "health_day"),
    SpecialDay(dt.date(2026, 11, 14), "Hari Diabetes Sedunia", "health_day"),
]


def november_report() -> MonthlyReport:
    """November 2026 built from the tables above (no store): the month worked out by hand."""
    settings = make_settings(report={"topics": TOPICS})
    calendar = make_calendar(CALENDAR_ROWS, settings=settings)
    return build_monthly_report(
        NOVEMBER,
        calendar,
        FOLLOWERS,
        POSTS,
        settings,
        as_of=AS_OF,
        now=NOW,
        special=lambda start, end: [s for s in SPECIAL if start <= s.date <= end],
    )


def november_workbook(folder: Path) -> Path:
    """``planner.xlsx`` in ``folder``: the calendar, Metrik Akun and Metrik Postingan of
    the tables above, as the store reads them."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Kalender Konten"
    sheet.append(["Tanggal", "Jam", "Program", "Format", "Judul", "Status", "Link"])
    for row in CALENDAR_ROWS:
        sheet.append(
            [row["date"], None, row["program"], None, None, row["status"], row.get("link")]
        )
    account = book.create_sheet("Metrik Akun")
    account.append(["Tanggal", "Pengikut"])
    for point in FOLLOWERS:
        account.append([point.date.strftime("%d/%m/%Y"), point.followers])
    posts = book.create_sheet("Metrik Postingan")
    posts.append(["Shortcode", "Waktu Posting", "Jenis", "Suka", "Komentar"])
    for post in POSTS:
        assert post.posted_at is not None
        posts.append(
            [
                post.shortcode,
                post.posted_at.strftime("%d/%m/%Y %H:%M"),
                post.type,
                post.likes,
                post.comments,
            ]
        )
    path = folder / "planner.xlsx"
    book.save(path)
    return path


# The register as postme writes it (postme.comments_tab), dates in the team's time. Deadline
# 3 days (the default). The run is on 1 December 07:00.
REGISTER = [
    # id, date, category, answered at
    ("17900000000000001", "2026-10-28 09:00", "keluhan", "2026-10-28 10:00"),  # October
    ("17900000000000002", "2026-11-03 10:00", "keluhan", "2026-11-04 10:00"),  # 24 h: in time
    ("17900000000000003", "2026-11-10 09:00", "keluhan", "2026-11-15 09:00"),  # 120 h: late
    ("17900000000000004", "2026-11-20 08:00", "keluhan", ""),  # never: overdue
    ("17900000000000005", "2026-11-25 16:00", "pertanyaan", "2026-11-25 18:00"),  # 2 h
    ("17900000000000006", "2026-11-26 12:00", "lainnya", ""),  # thanks: needs no answer
    ("17900000000000007", "2026-11-30 20:00", "pertanyaan", ""),  # due 3 Dec: still open
]


def add_register(workbook: Path, rows: list[tuple[str, str, str, str]] = REGISTER) -> None:
    """A Komentar tab holding ``rows`` (id, date, category, answered at), added to
    ``workbook``."""
    book = openpyxl.load_workbook(workbook)
    sheet = book.create_sheet("Komentar")
    sheet.append(list(comment_headers("id")))
    for comment_id, when, category, answered in rows:
        created = dt.datetime.strptime(when, "%Y-%m-%d %H:%M")
        deadline = (created + dt.timedelta(days=3)).strftime("%Y-%m-%d %H:%M")
        overdue = "ya" if not answered and category != "lainnya" and deadline < "2026-12-01" else ""
        sheet.append(
            [
                comment_id,
                "https://www.instagram.com/p/NOV03/",
                when,
                "@warga",
                "teks",
                category,
                "ya" if answered else "tidak",
                answered,
                "" if category == "lainnya" else deadline,
                overdue or "tidak",
            ]
        )
    book.save(workbook)
