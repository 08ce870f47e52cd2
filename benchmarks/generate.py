"""Seeded generator of realistic planners for the benchmarks.

A calendar typed the way Puskesmas teams type it: a title row above the header, the six
programmes with their aliases and odd case, dates in six styles (date cells, ``Senin,
16 November 2026``, ``16/11/2026``, ``16-11-26``, ``16 Nop 2026``, ISO), times as
``19.00``, ``7 PM`` and time cells, statuses with emoji, blank rows in the middle, an
extra column, and a sprinkling of problems (``besok``, ``31/11/2026``, unknown statuses,
banned phrases, too many hashtags, self-verification, duplicate captions, profile links).

Large calendars are a city roll-up: the dates span at most three years, so 100k rows
are about 90 rows a day. Post metrics hold about half the published rows, account
metrics one snapshot a week plus the last 30 days.

    tabs = make_tabs(10_000, seed=8)   # {"Kalender Konten": [[...], ...], ...}

Values are Python str/int/float/date/datetime/time/None, which both the local Sheets
server (``create_spreadsheet``) and openpyxl accept.
"""

from __future__ import annotations

import datetime as dt
import random
import string
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

AS_OF = dt.date(2026, 11, 23)  # a Monday; the reported week is 2026-W47
CLOCK = dt.datetime(2026, 11, 23, 7, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))


HEADERS = [
    "Tanggal", "Jam", "Program", "Format", "Judul", "Caption", "Hashtag", "Pembuat Konten",
    "Redaksi", "Verifikator", "Status", "Link", "Catatan", "Ide Visual",
]  # fmt: skip
ACCOUNT_HEADERS = ["Tanggal", "Pengikut", "Mengikuti", "Jumlah Postingan"]
POST_HEADERS = [
    "Shortcode", "Link", "Waktu Posting", "Jenis", "Suka", "Komentar", "Tayangan",
    "Jangkauan", "Disimpan", "Dibagikan", "Caption", "Diambil Pada",
]  # fmt: skip

# programme → (ways people type it, formats typed, usual hour)
PROGRAMS: dict[str, tuple[tuple[str, ...], tuple[str, ...], int]] = {
    "SIKAKUNG": (("SIKAKUNG", "Sikakung", " sikakung "), ("Foto", "Carousel", "Video"), 10),
    "Obral Ketan": (("Obral Ketan", "obral ketan", "OBRAL KETAN"), ("Live", "IG Live"), 15),
    "Nice to Know": (("Nice to Know", "NTK", "nice to know "), ("Foto", "Reels", "slide"), 19),
    "Konde Emas": (("Konde Emas", "konde emas", "Konten Edukasi Germas"), ("Foto", "Reels"), 19),
    "Info Grafis": (("Info Grafis", "Infografis", "info grafis"), ("Foto", "Carousel"), 12),
    "Ucapan Hari Besar": (("Ucapan Hari Besar", "Ucapan", "ucapan hari besar"), ("Foto",), 7),
}
TOPICS = (
    "tekanan darah", "cuci tangan", "imunisasi balita", "gizi seimbang", "posyandu lansia",
    "demam berdarah", "kesehatan gigi", "TBC", "stunting", "ASI eksklusif", "diabetes",
    "kesehatan jiwa", "anemia remaja", "hipertensi", "senam germas", "jentik nyamuk",
)  # fmt: skip
CERDIK = ("cek kesehatan berkala", "olahraga", "diet seimbang", "istirahat cukup", "rokok")
TEAM = (("Rina", "Dewi", "drg. Elva"), ("Bayu", "Sari", "Candra"), ("Wisda", "Dewi", "Bayu"))
DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
MONTHS = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
    "September", "Oktober", "November", "Desember",
)  # fmt: skip
PAST_STATUS = ("Terupload ✅", "sudah upload", "Tayang", "terupload", "Batal", "Proses")
FUTURE_STATUS = ("Rencana", "proses", "Siap Review", "ACC", "direncanakan", "Draft")
HASHTAGS = {
    "Konde Emas": "#PuskesmasSukamaju #Germas #CERDIK",
    "Nice to Know": "#PuskesmasSukamaju #NiceToKnow",
}


def span_days(rows: int) -> int:
    """Days the calendar covers: about four rows a day, at most three years."""
    return max(28, min(rows // 4, 3 * 365))


def typed_date(day: dt.date, style: int) -> Any:
    if style == 0:
        return dt.datetime(day.year, day.month, day.day)
    if style == 1:
        return f"{DAYS[day.weekday()]}, {day.day} {MONTHS[day.month - 1]} {day.year}"
    if style == 2:
        return day.strftime("%d/%m/%Y")
    if style == 3:
        return day.strftime("%d-%m-%y")
    if style == 4:
        month = "Nop" if day.month == 11 else MONTHS[day.month - 1][:3]
        return f"{day.day} {month} {day.year}"
    return day.isoformat()


def typed_time(hour: int, minute: int, style: int) -> Any:
    if style == 0:
        return dt.time(hour, minute)
    if style == 1:
        return f"{hour:02d}.{minute:02d}"
    if style == 2:
        return f"{hour % 12 or 12}{':' + format(minute, '02d') if minute else ''} " + (
            "PM" if hour >= 12 else "AM"
        )
    return f"{hour:02d}:{minute:02d}"


def _shortcode(rng: random.Random) -> str:
    return "".join(rng.choices(string.ascii_letters + string.digits + "_-", k=11))


def make_tabs(  # noqa: C901  # one straight recipe for a whole workbook; splitting scatters it
    rows: int, seed: int = 8, as_of: dt.date = AS_OF
) -> dict[str, list[list[Any]]]:
    """Every tab a weekly run reads, as ``{tab: rows}`` (row 1 first). The tool-owned tabs
    are absent: the first run creates them."""
    rng = random.Random(seed)
    days = span_days(rows)
    last = as_of + dt.timedelta(days=14)
    first = last - dt.timedelta(days=days - 1)
    calendar: list[list[Any]] = [
        ["Kalender Konten Puskesmas Sukamaju"] + [None] * (len(HEADERS) - 1),
        list(HEADERS),
    ]
    posts: list[list[Any]] = [list(POST_HEADERS)]
    captions: list[str] = []
    names = list(PROGRAMS)
    weights = (3, 1, 3, 2, 2, 1)
    for index in range(rows):
        if index and index % 250 == 0:
            calendar.append([None] * len(HEADERS))  # a blank row in the middle
        day = first + dt.timedelta(days=index * days // rows)
        program = rng.choices(names, weights)[0]
        typed_names, formats, hour = PROGRAMS[program]
        minute = rng.choice((0, 0, 0, 30))
        topic = rng.choice(TOPICS)
        creator, editor, verifier = rng.choice(TEAM)
        past = day < as_of
        status = rng.choice(PAST_STATUS) if past else rng.choice(FUTURE_STATUS)
        title = f"{program}: {topic}"
        caption = (
            f"{program} hari ini membahas {topic}. Datang ke Puskesmas Sukamaju untuk "
            f"informasi lengkap ({index % 997})."
        )
        if program == "Konde Emas":
            caption += f" Ingat CERDIK: {rng.choice(CERDIK)}."
        hashtags = HASHTAGS.get(program, "#PuskesmasSukamaju")
        date_cell: Any = typed_date(day, index % 6)
        time_cell: Any = typed_time(hour, minute, index % 4)
        link: Any = None
        if status in PAST_STATUS[:4]:
            code = _shortcode(rng)
            link = f"https://www.instagram.com/p/{code}/"
            if rng.random() < 0.5:
                posted = dt.datetime.combine(day, dt.time(hour, minute))
                posts.append(
                    [
                        code,
                        link,
                        posted if index % 2 else posted.strftime("%d/%m/%Y %H:%M"),
                        "photo",
                        rng.randint(20, 400),
                        rng.randint(0, 40),
                        None,
                        rng.randint(200, 3000),
                        rng.randint(0, 30),
                        rng.randint(0, 20),
                        caption[:80],
                        "2026-11-22 07:00",
                    ]
                )
        # Problems, about one row in a hundred each.
        roll = rng.random()
        if roll < 0.004:
            date_cell = rng.choice(("besok", "31/11/2026", "minggu depan", "16/13/2026"))
        elif roll < 0.008:
            time_cell = rng.choice(("22.30", "25:00", "nanti malam"))
        elif roll < 0.012:
            status = rng.choice(("otw", "udah?"))
        elif roll < 0.016:
            caption += " Obat ajaib, pasti sembuh!"
        elif roll < 0.020:
            hashtags += " #sehat #bugar #indonesia #puskesmas #kesehatan #germas2026"
        elif roll < 0.024:
            verifier = creator
        elif roll < 0.028 and captions:
            caption = rng.choice(captions)
        elif roll < 0.032 and link:
            link = "https://www.instagram.com/puskesmas.sukamaju/"
        elif roll < 0.036:
            program = "Promkes"
            typed_names = ("Promkes",)
        if len(captions) < 50:
            captions.append(caption)
        calendar.append(
            [
                date_cell,
                time_cell,
                rng.choice(typed_names),
                rng.choice(formats),
                title,
                caption,
                hashtags,
                creator,
                editor,
                verifier,
                status,
                link,
                "cek ulang" if roll > 0.98 else None,
                "foto kegiatan",
            ]
        )
    account: list[list[Any]] = [list(ACCOUNT_HEADERS)]
    followers = 1200
    day = first
    while day <= as_of:
        recent = (as_of - day).days <= 30
        if recent or day.weekday() == 0:
            followers += rng.randint(0, 12)
            account.append(
                [
                    typed_date(day, 0 if day.weekday() else 2),
                    followers,
                    210,
                    len(posts),
                ]
            )
        day += dt.timedelta(days=1)
    return {"Kalender Konten": calendar, "Metrik Akun": account, "Metrik Postingan": posts}


def settings_dict(sheet: dict[str, Any]) -> dict[str, Any]:
    import tomllib

    from postme.demo import DEMO_CONFIG

    # The demo's plan and policy; only the sheet differs (and no Instagram account).
    data = tomllib.loads(DEMO_CONFIG)
    data["sheet"] = sheet
    data.pop("instagram", None)
    return data


def write_xlsx(tabs: Mapping[str, Sequence[Sequence[Any]]], path: Path) -> Path:
    """The tabs as an .xlsx workbook (openpyxl's write-only mode, fast for 100k rows)."""
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    for title, rows in tabs.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
    book.save(path)
    return path


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args()
    write_xlsx(make_tabs(args.rows, args.seed), args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
