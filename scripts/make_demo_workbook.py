"""Build the bundled demo workbook, postme/data/demo/planner.xlsx.

A fictional Puskesmas Sukamaju, weeks 2026-W43 … W48, around the bundled Instagram
snapshot (postme/data/demo_instagram). The calendar is typed the way teams type:
a title row above the header, a blank row in the middle, dates in six styles,
times as 19.00 and 7 PM, statuses with emoji. Planted problems (each should be found):

- 16 Nov NTK published without a verifier          → unverified-published, missing-field
- 17 Nov SIKAKUNG verified by its own creator       → self-verified; profile URL as link → bad-link
- 18 Nov Konde Emas with no CERDIK word, no #Germas → cerdik-missing, missing-hashtag
- 19 Nov NTK caption promising "pasti sembuh"       → banned-phrase
- 20 Nov Obral Ketan still "Proses" after 15:00     → missed; the Info Grafis post that day
  has no row                                         → off-plan
- 21 Nov (Saturday) no SIKAKUNG row                  → unplanned
- 24 Nov Obral Ketan as "Foto"                       → format-mismatch
- 25 Nov Konde Emas with 8 hashtags                  → too-many-hashtags (warning)
- 26 Nov NTK at 22.30                                → outside-hours; "31/11/2026" → bad-date
- 27 Nov "besok" as a date                           → bad-date; status "otw" → unknown-status
- 28 Nov caption copied from 19 Nov                  → duplicate-caption
- 3 Dec Hari Disabilitas Internasional, no greeting  → upcoming-day

The weekly analysis of W43 … W46 is written by postme itself (``run_report``) so the
chart has history; the demo run then adds W47.

Run: python scripts/make_demo_workbook.py
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
from openpyxl.styles import Font, PatternFill

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT = ROOT / "postme" / "data" / "demo_instagram"
TARGET = ROOT / "postme" / "data" / "demo" / "planner.xlsx"
WIB = dt.timezone(dt.timedelta(hours=7))

PROGRAMS = {
    "NTK": "Nice to Know",
    "SKK": "SIKAKUNG",
    "KEM": "Konde Emas",
    "UHB": "Ucapan Hari Besar",
    "IGR": "Info Grafis",
}
FORMATS = {"GraphImage": "Foto", "GraphSidecar": "Carousel", "GraphVideo": "Reels"}
TEAM = [("Rina", "Dewi", "drg. Elva"), ("Bayu", "Sari", "Candra"), ("Wisda", "Dewi", "drg. Elva")]
DATE_STYLES = ("cell", "long", "slash", "short", "nop", "iso")
MONTHS = [
    "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
    "September", "Oktober", "November", "Desember",
]  # fmt: skip
DAYS = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]
HEADERS = [
    "Tanggal", "Jam", "Program", "Format", "Judul", "Caption", "Hashtag", "Pembuat Konten",
    "Redaksi", "Verifikator", "Status", "Link", "Catatan", "Ide Visual",
]  # fmt: skip


def typed_date(day: dt.date, index: int) -> object:
    style = DATE_STYLES[index % len(DATE_STYLES)]
    if style == "cell":
        return dt.datetime(day.year, day.month, day.day)
    if style == "long":
        return f"{DAYS[day.weekday()]}, {day.day} {MONTHS[day.month - 1]} {day.year}"
    if style == "slash":
        return day.strftime("%d/%m/%Y")
    if style == "short":
        return day.strftime("%d-%m-%y")
    if style == "nop":
        month = "Nop" if day.month == 11 else MONTHS[day.month - 1][:3]
        return f"{day.day} {month} {day.year}"
    return day.isoformat()


def typed_time(moment: dt.time, index: int) -> object:
    if index % 3 == 0:
        return moment
    if index % 3 == 1:
        return moment.strftime("%H.%M")
    hour = moment.hour % 12 or 12
    return f"{hour} {'PM' if moment.hour >= 12 else 'AM'}"


def load_posts() -> list[dict[str, object]]:
    posts = []
    for path in sorted(SNAPSHOT.glob("2026-*.json")):
        node = json.loads(path.read_text(encoding="utf-8"))["node"]
        posted = dt.datetime.fromtimestamp(node["date"], dt.UTC).astimezone(WIB)
        posts.append(
            {
                "code": node["shortcode"],
                "posted": posted,
                "program": PROGRAMS[node["shortcode"][4:7]],
                "format": FORMATS.get(node["__typename"], "Foto"),
                "caption": node.get("caption") or "",
                "likes": node["edge_media_preview_like"]["count"],
                "comments": node.get("comments"),
                "views": node.get("video_view_count"),
                "type": {"GraphSidecar": "carousel", "GraphVideo": "reels"}.get(
                    node["__typename"], "photo"
                ),
            }
        )
    return posts


def calendar_rows(posts: list[dict[str, object]]) -> list[list[object]]:
    rows: list[list[object]] = []
    for index, post in enumerate(posts):
        posted = post["posted"]
        assert isinstance(posted, dt.datetime)
        if post["code"] == "DemoIGR1120":
            continue  # posted without a calendar row: off-plan
        creator, editor, verifier = TEAM[index % len(TEAM)]
        caption = str(post["caption"])
        title = caption.split(":")[0][:60] if ":" in caption else caption[:40]
        planned = posted.replace(minute=0).time()
        rows.append(
            [
                typed_date(posted.date(), index),
                typed_time(planned, index),
                post["program"],
                post["format"],
                title,
                caption,
                "",
                creator,
                editor,
                verifier,
                ["Terupload ✅", "sudah upload", "Terupload"][index % 3],
                f"https://www.instagram.com/p/{post['code']}/",
                "",
                "",
            ]
        )
    # Obral Ketan live streams (no feed post); the one on 20 Nov never happened.
    for day, status in [
        (dt.date(2026, 10, 23), "Terupload"),
        (dt.date(2026, 10, 30), "Terupload"),
        (dt.date(2026, 11, 6), "batal"),
        (dt.date(2026, 11, 13), "Terupload"),
        (dt.date(2026, 11, 20), "Proses"),
    ]:
        rows.append(
            [
                typed_date(day, day.day),
                "15.00",
                "Obral Ketan",
                "Live",
                "Obral Ketan: tanya jawab seputar kesehatan",
                "Live bersama dokter Puskesmas Sukamaju. Kirim pertanyaanmu! "
                "#ObralKetan #PuskesmasSukamaju",
                "",
                "Bayu",
                "Sari",
                "Candra",
                status,
                "https://www.instagram.com/puskesmas.sukamaju/live/"
                if status == "Terupload"
                else "",
                "Live IG, tidak tersimpan di feed" if status == "Terupload" else "",
                "",
            ]
        )
    plant(rows)
    rows.sort(key=sort_key)
    return rows


def plant(rows: list[list[object]]) -> None:
    """The planted problems of the module docstring."""

    def row_for(code: str) -> list[object]:
        return next(r for r in rows if isinstance(r[11], str) and code in r[11])

    row_for("DemoNTK1116")[9] = ""  # no verifier on a published row
    sikakung = row_for("DemoSKK1117")
    sikakung[9] = sikakung[7]  # verified by its own creator
    sikakung[11] = "https://www.instagram.com/puskesmas.sukamaju/"  # profile, not a post
    konde = row_for("DemoKEM1118")
    konde[5] = "Yuk jaga kesehatan keluarga bersama Puskesmas Sukamaju! #PuskesmasSukamaju"
    ntk = row_for("DemoNTK1119")
    ntk[5] = (
        "Nice to Know: minum rebusan daun sirsak, dijamin pasti sembuh dari darah tinggi! "
        "#NiceToKnow #PuskesmasSukamaju"
    )
    copied = ntk[5]
    hashtags = " ".join(
        f"#{t}" for t in ("Germas", "CERDIK", "Sehat", "Sukamaju", "Diet", "Gizi", "Sayur", "Buah")
    )
    team = ["Rina", "Dewi", ""]
    future: list[list[object]] = [
        # W48: planned rows, some with problems.
        [dt.datetime(2026, 11, 23), "19.00", "Nice to Know", "Carousel", "Cuci tangan 6 langkah",
         "Nice to Know: cuci tangan pakai sabun 6 langkah. #NiceToKnow #PuskesmasSukamaju", "",
         *team, "Siap review", "", "", "foto tangan"],
        ["Selasa, 24 November 2026", "10.00", "Obral Ketan", "Foto", "Obral Ketan spesial lansia",
         "Obral Ketan bersama perawat lansia. #ObralKetan #PuskesmasSukamaju", "", "Bayu", "Sari",
         "", "Rencana", "", "", ""],
        ["25/11/2026", "19.00", "Konde Emas", "Carousel", "Isi piringku",
         "Konde Emas: diet seimbang dengan Isi Piringku. #PuskesmasSukamaju", hashtags, "Wisda",
         "Dewi", "", "Proses", "", "", ""],
        ["26-11-26", "22.30", "Nice to Know", "Reels", "Tidur cukup",
         "Nice to Know: tidur cukup 7-8 jam sehari. #NiceToKnow #PuskesmasSukamaju", "", *team,
         "Rencana", "", "", ""],
        ["31/11/2026", "19.00", "Info Grafis", "Foto", "Data imunisasi November", "", "", "Rina",
         "", "", "Rencana", "", "tanggal salah ketik", ""],
        ["besok", "7 PM", "Nice to Know", "Foto", "Bahaya gula berlebih", "", "", "Rina", "", "",
         "otw", "", "", ""],
        ["28 Nop 2026", "10.00", "SIKAKUNG", "Foto", "Posyandu lansia", copied, "", "Bayu", "Sari",
         "", "Rencana", "", "", ""],
        [dt.datetime(2026, 12, 1), "08.00", "Ucapan Hari Besar", "Foto", "Hari AIDS Sedunia",
         "Selamat Hari AIDS Sedunia. #PuskesmasSukamaju", "", "Rina", "Dewi", "drg. Elva",
         "Disetujui", "", "", ""],
    ]  # fmt: skip
    rows.extend(future)


def sort_key(row: list[object]) -> tuple[int, str]:
    from postme.parsing import ParseProblem, parse_date
    from postme.stores.xlsx.reader import to_cell

    try:
        day = parse_date(to_cell(row[0]))
    except ParseProblem:
        day = None
    return (day.toordinal() if day else 10**7, str(row[1]))


def build(path: Path) -> None:
    posts = load_posts()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Kalender Konten"
    sheet["A1"] = "SOCIAL MEDIA PLANNER — UPTD PUSKESMAS SUKAMAJU 2026 (POST ME)"
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.merge_cells("A1:F1")
    sheet.append([])
    sheet.append(HEADERS)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="FFD966")
    rows = calendar_rows(posts)
    for index, row in enumerate(rows):
        sheet.append(row)
        if index == 12:
            sheet.append([])  # a blank row in the middle, as people leave them
    for row in sheet.iter_rows(min_row=4):
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # typed text, not a formula
        if isinstance(row[0].value, dt.datetime):
            row[0].number_format = "dd/mm/yyyy"
        if isinstance(row[1].value, dt.time):
            row[1].number_format = "hh:mm"
    for column, width in zip(
        "ABCDEFGHIJKLMN", (24, 8, 18, 10, 30, 60, 20, 14, 10, 12, 14, 44, 24, 14), strict=True
    ):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A4"

    account = book.create_sheet("Metrik Akun")
    account.append(["Tanggal", "Pengikut", "Mengikuti", "Jumlah Postingan", "Catatan"])
    for day, followers, posts_count, note in [
        ("19/10/2026", 2215, 287, ""),
        ("26/10/2026", "2.248", 292, "diketik dari aplikasi"),
        ("02/11/2026", 2290, 297, ""),
        ("09/11/2026", 2331, 302, ""),
        ("16/11/2026", "2.362", 307, ""),
    ]:
        account.append([day, followers, 318, posts_count, note])

    post_tab = book.create_sheet("Metrik Postingan")
    post_tab.append(
        ["Shortcode", "Link", "Waktu Posting", "Jenis", "Suka", "Komentar", "Tayangan",
         "Jangkauan", "Disimpan", "Dibagikan", "Caption", "Diambil Pada", "Catatan Tim"]
    )  # fmt: skip
    # Earlier weeks, as earlier collects left them; the team typed reach from Insights.
    for post in posts:
        posted = post["posted"]
        assert isinstance(posted, dt.datetime)
        if posted.date() >= dt.date(2026, 11, 16):
            continue
        reach = int(post["likes"]) * 9 if post["code"] in ("DemoNTK1105", "DemoKEM1111") else None  # type: ignore[call-overload]
        post_tab.append(
            [
                post["code"],
                f"https://www.instagram.com/p/{post['code']}/",
                posted.strftime("%Y-%m-%d %H:%M"),
                post["type"],
                post["likes"],
                post["comments"],
                post["views"],
                reach,
                None,
                None,
                post["caption"],
                posted.date().isoformat(),
                "konten favorit" if post["code"] == "DemoNTK1105" else None,
            ]
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    backfill_history(path)


def backfill_history(path: Path) -> None:
    """Weeks W43–W46 as weekly postme runs would have written them."""
    import tomllib

    from postme.config import settings_from_dict
    from postme.demo import DEMO_CONFIG
    from postme.jobs import run_report
    from postme.weeks import IsoWeek

    data = tomllib.loads(DEMO_CONFIG)
    data["sheet"]["path"] = str(path)
    settings = settings_from_dict(data, env={})
    for number in (43, 44, 45, 46):
        week = IsoWeek(2026, number)
        as_of = week.end + dt.timedelta(days=1)
        clock = dt.datetime.combine(as_of, dt.time(7, 0), WIB)
        run_report(settings, as_of, week=week, now=clock, clock_now=clock)
    # The store keeps the team's original before its first write; the demo ships none.
    path.with_name(path.stem + ".bak" + path.suffix).unlink(missing_ok=True)


if __name__ == "__main__":
    build(TARGET)
    print(f"wrote {TARGET}")
