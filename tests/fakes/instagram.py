"""Builders for Instagram test data in instaloader's own formats.

- :func:`media` — a post as Instagram's iPhone API returns it in the logged-in profile
  timeline (what ``Profile.get_posts()`` wraps with ``Post.from_iphone_struct``).
- :func:`graphql_post_node` — a post node in the older GraphQL shape that instaloader
  wrote for years (``edge_media_preview_like``, ``edge_media_to_comment``...).
- :func:`profile_node` / :func:`profile_page_user` — a profile as instaloader keeps it
  after reading it logged in, and as the profile web page embeds it.
- :func:`write_profile` / :func:`write_post` — written with instaloader's own
  ``save_structure_to_file`` (``.json`` indented, ``.json.xz`` compressed), so the files
  are exactly what instaloader writes.
- :class:`FakeInstagram` — the network boundary for the live source: it replaces
  ``requests.Session.send`` and answers the few requests instaloader 4.16 makes for a
  logged-in profile walk (profile page, profile query, start page, timeline pages).

``python -m fakes.instagram`` (from ``tests/``) regenerates ``tests/data/instagram``.
"""

from __future__ import annotations

import json
import pickle
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import instaloader
import requests
from requests.structures import CaseInsensitiveDict

from postme.instagram.jsondir import OfflineContext
from postme.instagram.live import LiveSource

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "instagram"
BAKUNG = "puskesmas.bakung"
BAKUNG_ID = 51234567890

_MEDIA_TYPES = {"photo": 1, "video": 2, "reels": 2, "carousel": 8}
_TYPENAMES = {"photo": "GraphImage", "video": "GraphVideo", "reels": "GraphVideo"}
_TYPENAMES["carousel"] = "GraphSidecar"

CAPTIONS = {
    "cerdik": (
        "Yuk terapkan CERDIK! Cek kesehatan berkala, Enyahkan asap rokok, Rajin aktivitas "
        "fisik, Diet seimbang, Istirahat cukup, Kelola stres. #Germas #CERDIK "
        "#PuskesmasBakung"
    ),
    "tensi": (
        "Nice to Know: tekanan darah normal orang dewasa di bawah 120/80 mmHg. Cek tensi "
        "gratis setiap hari kerja di Puskesmas Bakung. #NiceToKnow #PuskesmasBakung #Germas"
    ),
    "posyandu": (
        "SIKAKUNG: kegiatan Posyandu Balita di Desa Bakung Lor pagi ini, penimbangan dan "
        "pemberian vitamin A. #SIKAKUNG #PuskesmasBakung"
    ),
    "cuci_tangan": (
        "Cuci tangan pakai sabun 6 langkah, minimal 20 detik. Tonton videonya sampai habis ya! "
        "#Germas #CTPS #PuskesmasBakung"
    ),
    "gizi": (
        "Isi Piringku: separuh piring sayur dan buah, sepertiga makanan pokok, sisanya lauk "
        "pauk. Geser untuk infografis lengkap. #InfoGrafis #Germas #PuskesmasBakung"
    ),
    "senam": (
        "Senam Germas bareng tim Puskesmas Bakung setiap Jumat pagi. Ayo gerak! #Germas "
        "#CERDIK #PuskesmasBakung"
    ),
    "hkn": (
        "Selamat Hari Kesehatan Nasional ke-62! Generasi sehat, masa depan hebat. "
        "#HKN62 #PuskesmasBakung"
    ),
    "lama": ("Jadwal imunisasi bulan Oktober di Puskesmas Bakung. #Imunisasi #PuskesmasBakung"),
}


def ts(when: datetime) -> int:
    return int(when.timestamp())


def owner_user(username: str = BAKUNG, user_id: int = BAKUNG_ID) -> dict[str, Any]:
    return {
        "pk": str(user_id),
        "username": username,
        "full_name": "UPTD Puskesmas Bakung",
        "is_private": False,
        "profile_pic_url": f"https://scontent.cdninstagram.com/v/{username}.jpg",
    }


def media(
    shortcode: str,
    taken_at: datetime,
    *,
    kind: str = "photo",
    caption: str = CAPTIONS["tensi"],
    likes: int = 87,
    comments: int = 6,
    views: int | None = None,
    view_key: str = "view_count",
    username: str = BAKUNG,
    user_id: int = BAKUNG_ID,
) -> dict[str, Any]:
    """A timeline item of Instagram's iPhone API (``xdt_api__v1__feed__user_timeline``)."""
    pk = str(instaloader.Post.shortcode_to_mediaid(shortcode))
    item: dict[str, Any] = {
        "code": shortcode,
        "pk": pk,
        "id": f"{pk}_{user_id}",
        "media_type": _MEDIA_TYPES[kind],
        "product_type": {"reels": "clips", "carousel": "carousel_container"}.get(kind, "feed"),
        "taken_at": ts(taken_at),
        "caption": {"text": caption, "pk": str(int(pk) + 1)},
        "has_liked": False,
        "like_count": likes,
        "comment_count": comments,
        "image_versions2": {
            "candidates": [{"url": f"https://scontent.cdninstagram.com/v/{shortcode}.jpg"}]
        },
        "user": owner_user(username, user_id),
    }
    if kind in ("video", "reels"):
        item["video_versions"] = [{"url": f"https://scontent.cdninstagram.com/v/{shortcode}.mp4"}]
        item["video_duration"] = 42.5
        if views is not None:
            item[view_key] = views
    if kind == "carousel":
        item["carousel_media"] = [
            {
                "media_type": 1,
                "image_versions2": {
                    "candidates": [
                        {"url": f"https://scontent.cdninstagram.com/v/{shortcode}_{n}.jpg"}
                    ]
                },
            }
            for n in range(1, 4)
        ]
    return item


def graphql_post_node(
    shortcode: str,
    taken_at: datetime,
    *,
    kind: str = "photo",
    caption: str = CAPTIONS["tensi"],
    likes: int | None = 87,
    comments: int | None = 6,
    views: int | None = None,
    username: str = BAKUNG,
    user_id: int = BAKUNG_ID,
) -> dict[str, Any]:
    """A post node in the GraphQL shape older instaloader versions wrote."""
    node: dict[str, Any] = {
        "__typename": _TYPENAMES[kind],
        "id": str(instaloader.Post.shortcode_to_mediaid(shortcode)),
        "shortcode": shortcode,
        "taken_at_timestamp": ts(taken_at),
        "is_video": kind in ("video", "reels"),
        "display_url": f"https://scontent.cdninstagram.com/v/{shortcode}.jpg",
        "edge_media_to_caption": {"edges": [{"node": {"text": caption}}]},
        "owner": {"id": str(user_id), "username": username},
    }
    if likes is not None:
        node["edge_media_preview_like"] = {"count": likes, "edges": []}
    if comments is not None:
        node["edge_media_to_comment"] = {"count": comments}
    if kind in ("video", "reels"):
        node["video_url"] = f"https://scontent.cdninstagram.com/v/{shortcode}.mp4"
        node["video_view_count"] = views
        if kind == "reels":
            node["product_type"] = "clips"
    if kind == "carousel":
        node["edge_sidecar_to_children"] = {
            "edges": [
                {
                    "node": {
                        "__typename": "GraphImage",
                        "is_video": False,
                        "display_url": f"https://scontent.cdninstagram.com/v/{shortcode}_{n}.jpg",
                    }
                }
                for n in range(1, 4)
            ]
        }
    return node


def profile_page_user(
    username: str = BAKUNG,
    user_id: int = BAKUNG_ID,
    followers: int = 1530,
    following: int = 212,
    posts: int = 48,
) -> dict[str, Any]:
    """The ``xig_user_by_username`` object a profile's web page embeds."""
    return {
        "pk": str(user_id),
        "id": "17841400000000000",  # the page's id is not the user id
        "username": username,
        "full_name": "UPTD Puskesmas Bakung",
        "biography": "Akun resmi UPTD Puskesmas Bakung. Melayani dengan sepenuh hati.",
        "is_private": False,
        "is_verified": False,
        "follower_count": followers,
        "following_count": following,
        "media_count": posts,
        "profile_pic_url": f"https://scontent.cdninstagram.com/v/{username}.jpg",
    }


def profile_node(
    username: str = BAKUNG,
    user_id: int = BAKUNG_ID,
    followers: int = 1530,
    following: int = 212,
    posts: int | None = 48,
) -> dict[str, Any]:
    """A profile node as instaloader holds it after reading it logged in (normalized)."""
    user = profile_page_user(username, user_id, followers, following, posts or 0)
    if posts is None:
        del user["media_count"]
    node: dict[str, Any] = instaloader.Profile._normalize_profile_data(dict(user, id=str(user_id)))
    return node


# --- files, written by instaloader itself ---------------------------------------------------


def _context() -> instaloader.InstaloaderContext:
    return OfflineContext()


def write_profile(folder: Path, node: dict[str, Any], *, compress: bool = False) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    profile = instaloader.Profile(_context(), node)
    path = folder / f"{node['username']}_{node['id']}.json{'.xz' if compress else ''}"
    instaloader.save_structure_to_file(profile, str(path))
    return path


def post_from_media(item: dict[str, Any]) -> instaloader.Post:
    post: instaloader.Post = instaloader.Post.from_iphone_struct(_context(), item)
    return post


def post_from_node(node: dict[str, Any]) -> instaloader.Post:
    return instaloader.Post(_context(), node)


def write_post(folder: Path, post: instaloader.Post, *, compress: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{post.date_utc:%Y-%m-%d_%H-%M-%S}_UTC.json{'.xz' if compress else ''}"
    path = folder / name
    instaloader.save_structure_to_file(post, str(path))
    return path


def utc(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@dataclass(frozen=True)
class Expected:
    shortcode: str
    type: str
    likes: int | None
    comments: int | None
    views: int | None


# The committed folder tests/data/instagram/puskesmas.bakung: what each file holds.
BAKUNG_POSTS: tuple[tuple[str, Callable[[], instaloader.Post], bool, Expected], ...] = (
    (
        "photo, iPhone API node, .json.xz",
        lambda: post_from_media(
            media(
                "BkgNTK16Nov", utc(2026, 11, 16), caption=CAPTIONS["tensi"], likes=112, comments=9
            )
        ),
        True,
        Expected("BkgNTK16Nov", "photo", 112, 9, None),
    ),
    (
        "reels, iPhone API node with play_count only, .json.xz",
        lambda: post_from_media(
            media(
                "BkgRLS14Nov",
                utc(2026, 11, 14, 11, 30),
                kind="reels",
                caption=CAPTIONS["senam"],
                likes=240,
                comments=17,
                views=3875,
                view_key="play_count",
            )
        ),
        True,
        Expected("BkgRLS14Nov", "reels", 240, 17, 3875),
    ),
    (
        "video, GraphQL node, .json",
        lambda: post_from_node(
            graphql_post_node(
                "BkgVID13Nov",
                utc(2026, 11, 13),
                kind="video",
                caption=CAPTIONS["cuci_tangan"],
                likes=95,
                comments=4,
                views=1460,
            )
        ),
        False,
        Expected("BkgVID13Nov", "video", 95, 4, 1460),
    ),
    (
        "carousel, GraphQL node (GraphSidecar), .json",
        lambda: post_from_node(
            graphql_post_node(
                "BkgCRS12Nov", utc(2026, 11, 12, 1, 15), kind="carousel", caption=CAPTIONS["gizi"]
            )
        ),
        False,
        Expected("BkgCRS12Nov", "carousel", 87, 6, None),
    ),
    (
        "carousel, iPhone API node, .json.xz",
        lambda: post_from_media(
            media(
                "BkgCRS10Nov",
                utc(2026, 11, 10),
                kind="carousel",
                caption=CAPTIONS["cerdik"],
                likes=64,
                comments=3,
            )
        ),
        True,
        Expected("BkgCRS10Nov", "carousel", 64, 3, None),
    ),
    (
        "photo, GraphQL node without like count, .json",
        lambda: post_from_node(
            graphql_post_node(
                "BkgNOL09Nov", utc(2026, 11, 9), caption=CAPTIONS["posyandu"], likes=None
            )
        ),
        False,
        Expected("BkgNOL09Nov", "photo", None, 6, None),
    ),
    (
        "photo, old (before the window), .json.xz",
        lambda: post_from_media(
            media("BkgOLD01Oct", utc(2026, 10, 1), caption=CAPTIONS["lama"], likes=51, comments=2)
        ),
        True,
        Expected("BkgOLD01Oct", "photo", 51, 2, None),
    ),
)


def build_bakung_folder(folder: Path) -> Path:
    """Write the standard fixture set: one profile (.json) and the posts above."""
    write_profile(folder, profile_node())
    for _label, build, compress, _expected in BAKUNG_POSTS:
        write_post(folder, build(), compress=compress)
    # instaloader's comment files are JSON lists next to the posts: they must be skipped.
    comments = folder / "2026-11-16_12-00-00_UTC_comments.json"
    comments.write_text(
        json.dumps([{"id": "1", "text": "Terima kasih infonya!", "created_at": 1794830000}]),
        encoding="utf-8",
    )
    return folder


# --- the network boundary for LiveSource ----------------------------------------------------

TIMELINE_DOC_ID = "29104886249145907"
PROFILE_DOC_ID = "27937681195819736"
START_PAGE = (
    '<html><script>["DTSGInitialData",[],{"token":"dtsg-token"}]'
    '["LSD",[],{"token":"lsd-token"}]{"IG_USER_EIMU":"987654"}</script></html>'
)

# Instagram's answer (with HTTP 401) when it throttles an account.
PLEASE_WAIT = {
    "message": "Please wait a few minutes before you try again.",
    "require_login": True,
    "status": "fail",
}

Responder = Callable[[requests.PreparedRequest], requests.Response | BaseException | None]


def make_response(
    request: requests.PreparedRequest,
    status: int,
    body: str | dict[str, Any] | list[Any] = "",
    headers: dict[str, str] | None = None,
) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    if isinstance(body, dict | list):
        content = json.dumps(body)
        default_headers = {"Content-Type": "application/json; charset=utf-8"}
    else:
        content = body
        default_headers = {"Content-Type": "text/html; charset=utf-8"}
    response._content = content.encode("utf-8")
    response.headers = CaseInsensitiveDict(headers or default_headers)
    response.url = request.url or ""
    response.reason = {
        200: "OK",
        302: "Found",
        400: "Bad Request",
        401: "Unauthorized",
        403: "Forbidden",
        404: "Not Found",
        429: "Too Many Requests",
        500: "Internal Server Error",
    }.get(status, "Error")
    response.request = request
    response.encoding = "utf-8"
    return response


def profile_page_html(user: dict[str, Any]) -> str:
    embedded = {
        "require": [
            [
                "ScheduledServerJS",
                "handle",
                None,
                [{"__bbox": {"result": {"data": {"xig_user_by_username": user}}}}],
            ]
        ]
    }
    return (
        '<html><body><script type="application/json" data-sjs>'
        + json.dumps(embedded)
        + "</script></body></html>"
    )


@dataclass
class FakeInstagram:
    """Answers instaloader's requests for one logged-in profile walk.

    ``pages`` are the timeline pages (lists of iPhone API media). ``fail`` may return a
    response or an exception for a request (or None to answer normally). Every request
    is recorded in ``log`` as ``(method, url, doc_id or "")``.
    """

    pages: Sequence[Sequence[dict[str, Any]]]
    username: str = BAKUNG
    user: dict[str, Any] = field(default_factory=profile_page_user)
    fail: Responder | None = None
    log: list[tuple[str, str, str]] = field(default_factory=list)

    def install(self, monkeypatch: Any) -> FakeInstagram:
        fake = self

        def send(
            session: requests.Session, request: requests.PreparedRequest, **kwargs: Any
        ) -> Any:
            return fake.answer(request)

        monkeypatch.setattr(requests.Session, "send", send)
        return self

    def answer(self, request: requests.PreparedRequest) -> requests.Response:
        url = request.url or ""
        form: dict[str, list[str]] = {}
        if request.body:
            body = request.body if isinstance(request.body, str) else request.body.decode()
            form = urllib.parse.parse_qs(body)
        doc_id = form.get("doc_id", [""])[0]
        self.log.append((request.method or "", url.split("?")[0], doc_id))
        if self.fail is not None:
            outcome = self.fail(request)
            if isinstance(outcome, BaseException):
                raise outcome
            if outcome is not None:
                return outcome
        base = "https://www.instagram.com/"
        if request.method == "GET" and url.startswith(f"{base}{self.username}/"):
            return make_response(request, 200, profile_page_html(self.user))
        if request.method == "GET" and url.split("?")[0] == base:
            return make_response(request, 200, START_PAGE)
        if request.method == "POST" and doc_id == PROFILE_DOC_ID:
            user = dict(self.user, friendship_status={"following": False})
            return make_response(request, 200, {"data": {"user": user}, "status": "ok"})
        if request.method == "POST" and doc_id == TIMELINE_DOC_ID:
            variables = json.loads(form["variables"][0])
            index = int(variables.get("after") or 0)
            page = self.pages[index] if index < len(self.pages) else []
            has_next = index + 1 < len(self.pages)
            data = {
                "edges": [{"node": item, "cursor": f"c{n}"} for n, item in enumerate(page)],
                "page_info": {"has_next_page": has_next, "end_cursor": str(index + 1)},
            }
            return make_response(
                request,
                200,
                {"data": {"xdt_api__v1__feed__user_timeline_graphql_connection": data}},
            )
        raise AssertionError(f"unexpected request {request.method} {url}")

    def count(self, doc_id: str) -> int:
        return sum(1 for _m, _u, d in self.log if d == doc_id)


def write_session(path: Path, username: str = BAKUNG, mode: int = 0o600) -> Path:
    """A session file as ``Instaloader.save_session_to_file`` writes it (pickled cookies)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    cookies = {
        "csrftoken": "csrf-test-token",
        "sessionid": f"{BAKUNG_ID}%3Atestsession%3A12",
        "ds_user_id": str(BAKUNG_ID),
        "mid": "Z-test-mid",
        "ig_did": "TEST-DEVICE",
    }
    with path.open("wb") as handle:
        pickle.dump(cookies, handle)
    path.chmod(mode)
    return path


def loader_for_tests(
    rate_controller: Callable[[instaloader.InstaloaderContext], instaloader.RateController],
) -> instaloader.Instaloader:
    return instaloader.Instaloader(
        sleep=False, quiet=True, rate_controller=rate_controller, max_connection_attempts=3
    )


def main() -> None:
    import shutil

    target = DATA_DIR / BAKUNG
    if target.exists():
        shutil.rmtree(target)
    build_bakung_folder(target)
    print(f"wrote {target}")


NOW = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)


def live(session: Path) -> LiveSource:
    """The live source on a saved session, with the test loader and a fixed clock."""
    return LiveSource(
        BAKUNG,
        session,
        request_budget=30,
        max_wait_seconds=60,
        loader_factory=loader_for_tests,
        sleep=lambda s: None,
        clock=lambda: NOW,
    )


def raising(error: BaseException) -> Responder:
    """A responder that fails every request with ``error``."""

    def fail(request: requests.PreparedRequest) -> BaseException:
        return error

    return fail


if __name__ == "__main__":
    main()
