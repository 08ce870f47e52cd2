"""What ``postme init`` reads from a team's planner beyond its headers: the status and
format words typed in the calendar, the month tabs of one calendar, and the tabs that
hold follower and post figures. Pure functions over titles, tabs and cells.

Words are compared after ``normalize_label`` (case, accents, emoji and punctuation do
not count), and a known word inside a longer label counts (``Sudah Tayang ✅`` →
``tayang``; ``Batal (narsum sakit)`` → ``batal``): see ``postme.calendar.WordFinder``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase

from postme.calendar import WordFinder
from postme.parsing import normalize_label
from postme.stores.base import Cell

# Words teams use beside the config's defaults, Indonesian and English, by stage.
STATUS_SYNONYMS: Mapping[str, tuple[str, ...]] = {
    "planned": (
        "plan",
        "to do",
        "todo",
        "belum mulai",
        "belum dibuat",
        "belum tayang",
        "belum upload",
        "belum diunggah",
        "not started",
        "not yet",
        "not posted",
        "backlog",
        "ide konten",
        "usulan",
    ),
    "in_production": (
        "on progress",
        "in progress",
        "progress",
        "progres",
        "revisi",
        "revision",
        "editing",
        "desain",
        "design",
        "wip",
        "on going",
        "ongoing",
        "diproses",
    ),
    "ready_for_review": (
        "menunggu acc",
        "waiting approval",
        "perlu cek",
        "siap cek",
        "cek",
        "to review",
        "in review",
    ),
    "approved": (
        "ok",
        "oke",
        "siap tayang",
        "siap posting",
        "scheduled",
        "terjadwal",
        "dijadwalkan",
        "approve",
    ),
    "published": (
        "done",
        "selesai",
        "sudah tayang",
        "uploaded",
        "diupload",
        "terposting",
        "sudah posting",
        "sudah diunggah",
        "terbit",
        "posted",
        "complete",
        "completed",
    ),
    "cancelled": ("cancel", "tidak jadi", "gagal tayang", "dropped", "drop"),
}
FORMAT_SYNONYMS: Mapping[str, tuple[str, ...]] = {
    "photo": ("single post", "post", "postingan", "foto tunggal", "photo", "feeds"),
    "carousel": ("slides", "multiple", "geser", "multi post"),
    "video": ("vidio", "video feed", "igtv"),
    "reels": ("reel ig", "ig reels", "instagram reels"),
    "live": ("live ig", "instagram live", "ig live", "live instagram", "streaming"),
    "story": ("ig story", "insta story", "snapgram", "instagram story", "sg"),
}

MONTH_WORDS = (
    "januari jan january februari feb february pebruari maret mar march april apr mei may "
    "juni jun june juli jul july agustus agu agt aug august september sep sept oktober okt "
    "oct october november nov nop desember des dec december"
).split()
_MONTH = re.compile(r"(?i)(?<![a-z])(" + "|".join(sorted(MONTH_WORDS, key=len)[::-1]) + r")\b")

# Tab titles of the follower and post figures (normalized words, both languages).
FOLLOWER_TAB_WORDS = (
    "data followers",
    "followers",
    "follower",
    "data pengikut",
    "pengikut",
    "metrik akun",
    "account metrics",
    "statistik akun",
    "data akun",
    "insight",
    "insights",
)
POST_TAB_WORDS = (
    "metrik postingan",
    "post metrics",
    "insight postingan",
    "insight post",
    "insight konten",
    "data postingan",
    "data post",
    "performa konten",
    "performa postingan",
    "statistik postingan",
    "post insights",
    "content insights",
)

# Headers of the figures tabs: logical field → names teams use.
ACCOUNT_HEADER_WORDS: Mapping[str, tuple[str, ...]] = {
    "date": ("tanggal", "tgl", "date", "tanggal data", "per tanggal", "hari tanggal"),
    "followers": (
        "pengikut",
        "followers",
        "follower",
        "jumlah followers",
        "jumlah pengikut",
        "total followers",
        "total pengikut",
    ),
    "following": ("mengikuti", "following", "jumlah mengikuti", "jumlah following"),
    "posts": ("jumlah postingan", "posts", "jumlah post", "total posts", "total postingan"),
}
POST_HEADER_WORDS: Mapping[str, tuple[str, ...]] = {
    "shortcode": ("shortcode", "kode postingan", "kode"),
    "link": ("link", "url", "permalink", "link postingan", "tautan", "link post"),
    "posted_at": (
        "waktu posting",
        "tanggal posting",
        "tanggal",
        "tgl",
        "posted at",
        "publish time",
        "waktu unggah",
        "tanggal upload",
        "date",
    ),
    "type": ("jenis", "type", "tipe", "format", "jenis konten"),
    "likes": ("suka", "likes", "like", "jumlah like", "jumlah suka"),
    "comments": ("komentar", "comments", "comment", "jumlah komentar"),
    "views": ("tayangan", "views", "plays", "jumlah tayangan"),
    "reach": ("jangkauan", "reach", "akun dijangkau"),
    "saves": ("disimpan", "saves", "simpan"),
    "shares": ("dibagikan", "shares", "bagikan"),
    "caption": ("caption", "keterangan"),
    "collected_at": ("diambil pada", "collected at"),
}


@dataclass(frozen=True)
class PlacedWords:
    """Distinct words of one column: each placed word (as typed) → its canonical value,
    and the words that could not be placed."""

    placed: Mapping[str, str]
    unknown: tuple[str, ...]


def place_words(
    values: Iterable[Cell], known: Mapping[str, str], synonyms: Mapping[str, Sequence[str]]
) -> PlacedWords:
    """Place every distinct word of ``values`` with the config's words (``known``:
    normalized word → canonical) and the common ``synonyms``; the first spelling of a word
    stands for all its spellings."""
    table = dict(known)
    for canonical, words in synonyms.items():
        for word in words:
            table.setdefault(normalize_label(word), canonical)
    finder = WordFinder(table)
    placed: dict[str, str] = {}
    unknown: list[str] = []
    seen: set[str] = set()
    for value in values:
        key = normalize_label(value)
        if not key or key in seen:
            continue
        seen.add(key)
        typed = str(value).strip()
        found = finder.find(value)
        if found is None:
            unknown.append(typed)
        else:
            placed[typed] = found
    return PlacedWords(placed, tuple(unknown))


def month_tab_group(titles: Sequence[str]) -> tuple[str | list[str], list[str]] | None:
    """Tabs of one calendar kept one per month (``IG Oktober 2026``, ``IG November
    2026`` …): (the value for ``[tabs] calendar``, the tabs). The value is a pattern
    (``"IG *"``) when a pattern fits exactly those tabs, so next month's tab is read
    without editing the config; else the list of titles. None when there is no group."""
    groups: dict[str, list[str]] = {}
    for title in titles:
        match = _MONTH.search(title)
        if match:
            groups.setdefault(title[: match.start()], []).append(title)
    best = max(groups.items(), key=lambda item: len(item[1]), default=None)
    if best is None or len(best[1]) < 2:
        return None
    prefix, tabs = best
    for pattern in (f"{prefix}*", f"{prefix}* 20[0-9][0-9]"):
        if prefix.strip() or "[" in pattern:
            fits = [t for t in titles if fnmatchcase(t.casefold(), pattern.casefold())]
            if fits == tabs:
                return pattern, tabs
    return tabs, tabs


def find_figures_tab(
    titles: Sequence[str], words: Sequence[str], exclude: Iterable[str] = ()
) -> str | None:
    """The tab whose title names ``words`` best (an exact title first, then the one that
    contains the earliest-listed word); tabs in ``exclude`` are never picked."""
    left = [t for t in titles if t not in set(exclude)]
    for word in words:
        for title in left:
            if normalize_label(title) == word:
                return title
    for word in words:
        pattern = re.compile(rf"(?<!\w){re.escape(word)}(?!\w)")
        for title in left:
            if pattern.search(normalize_label(title)):
                return title
    return None
