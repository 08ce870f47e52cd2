"""Comment threads in instaloader's own formats.

- :func:`comment_node` — a comment as Instagram's GraphQL answers it
  (``edge_media_to_parent_comment`` edges, replies in ``edge_threaded_comments``): what
  ``Post.get_comments()`` wraps in ``PostComment`` / ``PostCommentAnswer``.
- :func:`write_post_with_comments` — a post and its comments written by instaloader
  itself: ``save_structure_to_file`` for ``<name>.json`` and ``Instaloader.update_comments``
  (what ``instaloader --comments`` runs) for ``<name>_comments.json``.
- :data:`THREADS` — the Puskesmas Bakung threads the tests use.

``PYTHONPATH=.:tests python -m fakes.comments`` regenerates ``tests/data/comments``; with
``--screenshot`` it draws ``docs/img/komentar-tab.png``.
"""

from __future__ import annotations

import zlib
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import instaloader

from fakes.instagram import BAKUNG, BAKUNG_ID, graphql_post_node, ts, utc
from postme.instagram.jsondir import OfflineContext

DATA_DIR = Path(__file__).parent.parent / "data" / "comments"


@dataclass(frozen=True)
class Reply:
    id: str
    by: str
    text: str
    at: datetime


@dataclass(frozen=True)
class Thread:
    id: str
    by: str
    text: str
    at: datetime
    likes: int = 0
    replies: tuple[Reply, ...] = ()


@dataclass(frozen=True)
class PostThreads:
    shortcode: str
    posted_at: datetime
    threads: tuple[Thread, ...] = field(default=())

    @property
    def comment_count(self) -> int:
        return len(self.threads) + sum(len(t.replies) for t in self.threads)


def _user_id(username: str) -> str:
    return str(BAKUNG_ID) if username == BAKUNG else str(zlib.crc32(username.encode()))


def owner(username: str) -> dict[str, Any]:
    return {
        "id": _user_id(username),
        "username": username,
        "is_verified": False,
        "profile_pic_url": f"https://scontent.cdninstagram.com/v/{username}.jpg",
    }


def comment_node(thread: Thread | Reply, with_replies: bool = True) -> dict[str, Any]:
    """A GraphQL comment node (a reply when ``thread`` is a :class:`Reply`)."""
    node: dict[str, Any] = {
        "id": thread.id,
        "text": thread.text,
        "created_at": ts(thread.at),
        "did_report_as_spam": False,
        "owner": owner(thread.by),
        "viewer_has_liked": False,
        "edge_liked_by": {"count": thread.likes if isinstance(thread, Thread) else 0},
        "is_restricted_pending": False,
    }
    if isinstance(thread, Thread) and with_replies:
        node["edge_threaded_comments"] = {
            "count": len(thread.replies),
            "page_info": {"has_next_page": False, "end_cursor": None},
            "edges": [{"node": comment_node(r)} for r in thread.replies],
        }
    return node


def comment_edges(post: PostThreads) -> dict[str, Any]:
    return {
        "count": len(post.threads),
        "page_info": {"has_next_page": False, "end_cursor": None},
        "edges": [{"node": comment_node(t)} for t in post.threads],
    }


def post_node(post: PostThreads) -> dict[str, Any]:
    """The post's GraphQL node, its comments included (as instaloader keeps it)."""
    node = graphql_post_node(post.shortcode, post.posted_at, comments=post.comment_count)
    node["edge_media_to_parent_comment"] = comment_edges(post)
    return node


def logged_in_context() -> OfflineContext:
    context = OfflineContext()
    context.username = BAKUNG  # get_comments() wants a logged-in context; it makes no request
    return context


def write_post_with_comments(folder: Path, post: PostThreads) -> Path:
    """``<date>_UTC.json`` and ``<date>_UTC_comments.json``, both written by instaloader."""
    folder.mkdir(parents=True, exist_ok=True)
    context = logged_in_context()
    structure = instaloader.Post(context, post_node(post))
    base = folder / f"{post.posted_at:%Y-%m-%d_%H-%M-%S}_UTC"
    instaloader.save_structure_to_file(structure, str(base) + ".json")
    loader = instaloader.Instaloader(quiet=True)
    with closing(loader):  # instaloader's close() is unannotated; closing() calls it for us
        loader.context.quiet = True
        loader.update_comments(str(base), structure)
    return Path(str(base) + "_comments.json")


# --- the threads the tests use ----------------------------------------------------------

AS_OF_NOW = utc(2026, 11, 23, 2, 0)  # Monday 23 Nov 2026, 09:00 WIB

ANSWERED_COMPLAINT = Thread(
    "17912345678901234",
    "warga.satu",
    "Antre lama sekali tadi pagi, kecewa.",
    utc(2026, 11, 18, 13, 0),
    likes=4,
    replies=(
        Reply(
            "17912345678905555", BAKUNG, "Mohon maaf, kami tindak lanjuti.", utc(2026, 11, 19, 9, 0)
        ),
    ),
)
OVERDUE_COMPLAINT = Thread(
    "180123456789012345",
    "warga.dua",
    "Obat habis terus, BPJS ditolak di loket.",
    utc(2026, 11, 18, 14, 0),
    replies=(
        Reply("180123456789019999", "warga.tiga", "Iya sama, saya juga.", utc(2026, 11, 18, 15, 0)),
        Reply(
            "180123456789018888",
            "warga.empat",
            "@warga.dua coba ke loket 2",
            utc(2026, 11, 19, 8, 0),
        ),
    ),
)
ANSWERED_QUESTION = Thread(
    "17955555555555555",
    "ibu.ani",
    "Jam buka hari Sabtu sampai jam berapa?",
    utc(2026, 11, 19, 1, 0),
    replies=(
        Reply(
            "17955555555556666", BAKUNG, "Sabtu buka 07.30-11.00 ya Bu.", utc(2026, 11, 19, 4, 0)
        ),
    ),
)
THANKS = Thread("17966666666666666", "pak.budi", "Terima kasih infonya 🙏", utc(2026, 11, 19, 2, 0))
SPAM = Thread("17977777777777777", "promo.murah", "Slot gacor, cek DM!", utc(2026, 11, 19, 3, 0))
OWN = Thread("17988888888888888", BAKUNG, "Info lengkap di link bio.", utc(2026, 11, 18, 12, 30))
OPEN_QUESTION = Thread(
    "17999999999999999", "mas.dedi", "Kapan ada imunisasi?", utc(2026, 11, 22, 3, 0)
)
OLD_COMPLAINT = Thread(
    "17900000000000001", "warga.lima", "Kecewa, tidak ramah.", utc(2026, 11, 1, 13, 0)
)

POST_A = PostThreads(
    "BkgKLH18Nov",
    utc(2026, 11, 18, 12, 0),
    (OWN, ANSWERED_COMPLAINT, OVERDUE_COMPLAINT, ANSWERED_QUESTION, THANKS, SPAM),
)
POST_B = PostThreads("BkgTNY21Nov", utc(2026, 11, 21, 12, 0), (OPEN_QUESTION,))
POST_OLD = PostThreads("BkgOLD01Nov", utc(2026, 11, 1, 12, 0), (OLD_COMPLAINT,))
THREADS = (POST_A, POST_B, POST_OLD)


def build_comments_folder(folder: Path) -> Path:
    for post in THREADS:
        write_post_with_comments(folder, post)
    return folder


def main() -> None:
    import shutil
    import sys

    if "--screenshot" in sys.argv:
        target = Path(__file__).parents[2] / "docs" / "img" / "komentar-tab.png"
        print(f"wrote {render_register_png(target)}")
        return
    if DATA_DIR.exists():
        shutil.rmtree(DATA_DIR)
    build_comments_folder(DATA_DIR)
    print(f"wrote {DATA_DIR}")


def render_register_png(target: Path) -> Path:
    """Draw the ``Komentar`` tab as a real run writes it (team cells of one row filled in
    by hand) into ``target``: ``PYTHONPATH=.:tests python -m fakes.comments --screenshot``."""
    import datetime as dt
    import tempfile

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import openpyxl

    from postme.comments_job import collect_comments, comments_request, plan_comments
    from postme.config import settings_from_dict
    from postme.stores.base import WritePlan
    from postme.stores.xlsx import XlsxStore

    with tempfile.TemporaryDirectory() as temp:
        folder = build_comments_folder(Path(temp) / "ig")
        workbook = Path(temp) / "planner.xlsx"
        book = openpyxl.Workbook()
        book.save(workbook)
        settings = settings_from_dict(
            {"sheet": {"backend": "xlsx", "path": str(workbook)}, "instagram": {"username": BAKUNG}}
        )
        store = XlsxStore(workbook)
        as_of = dt.date(2026, 11, 23)
        result = collect_comments(settings, folder, as_of, 0, now=AS_OF_NOW)
        plan = WritePlan()
        plan_comments(
            plan, store.read([comments_request(settings)])["Komentar"], result, settings, as_of
        )
        store.write(plan)
        book = openpyxl.load_workbook(workbook)
        sheet = book["Komentar"]
        headers = [c.value for c in sheet[1]]
        for row in sheet.iter_rows(min_row=2):
            if row[0].value == ANSWERED_COMPLAINT.id:
                row[headers.index("Tindak lanjut")].value = "Antrean pagi ditambah 1 loket"
                row[headers.index("PIC")].value = "drg. Elva"
                row[headers.index("Kategori LAPOR")].value = "Pelayanan"
                row[headers.index("Selesai")].value = "2026-11-20"
        rows = [["" if v is None else str(v) for v in r] for r in sheet.iter_rows(values_only=True)]

    def cut(text: str, width: int) -> str:
        text = "".join(c for c in text if ord(c) <= 0xFFFF)  # emoji: not in the plot font
        return text if len(text) <= width else text[: width - 1] + "…"

    widths = [24, 50, 19, 16, 44, 13, 11, 19, 19, 16, 33, 12, 18, 13]
    table = [[cut(v, w) for v, w in zip(r, widths, strict=False)] for r in rows]
    letters = [chr(ord("A") + i) for i in range(len(headers))]
    fig, ax = plt.subplots(figsize=(28, 0.42 * (len(table) + 2)))
    ax.axis("off")
    cells = ax.table(
        cellText=table,
        colLabels=letters,
        colWidths=[w / sum(widths) for w in widths],
        cellLoc="left",
        loc="upper left",
    )
    cells.auto_set_font_size(False)
    cells.set_fontsize(8.5)
    cells.scale(1, 1.5)
    team = range(len(headers) - 4, len(headers))
    for (row, column), cell in cells.get_celld().items():
        cell.set_edgecolor("#c0c0c0")
        if row == 0:
            cell.set_facecolor("#eeeeee")
            cell.get_text().set_horizontalalignment("center")
        elif row == 1:
            cell.set_text_props(weight="bold")
            cell.set_facecolor("#fff2cc" if column in team else "#d9e2f3")
        elif column in team:
            cell.set_facecolor("#fffaf0")
    ax.set_title(
        "Komentar (Register Umpan Balik): blue = postme's columns, yellow = the team's columns",
        loc="left",
        fontsize=10,
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(target, dpi=110, bbox_inches="tight")
    plt.close(fig)
    return target


if __name__ == "__main__":
    main()
