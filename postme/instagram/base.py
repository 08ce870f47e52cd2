"""The one small interface every Instagram source implements, the records it returns,
and the translation of instaloader's failures into messages a health worker can act on.

Three sources implement :class:`InstagramSource`: live instaloader (``live.py``), a folder
of instaloader metadata files (``jsondir.py``) and a Meta Business Suite CSV export
(``meta_csv.py``). :func:`record_from_post` turns an instaloader ``Post`` into a
:class:`PostRecord` reading only what its node already holds, so it never makes a request.
"""

from __future__ import annotations

import pickle
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import instaloader
import requests

from postme.errors import InstagramError
from postme.i18n import _
from postme.links import build_post_link

POST_TYPES = ("photo", "video", "carousel", "reels")

# Instaloader's own hashtag pattern (structures._hashtag_regex), keeping case and the "#".
_HASHTAG = re.compile(r"#(\w{1,150})")


@dataclass(frozen=True)
class AccountSnapshot:
    username: str
    taken_at: datetime  # timezone-aware
    followers: int | None
    following: int | None
    posts: int | None


@dataclass(frozen=True)
class PostRecord:
    shortcode: str
    link: str  # https://www.instagram.com/p/<shortcode>/ (or /reel/ for reels)
    posted_at: datetime  # timezone-aware UTC
    type: str  # "photo" | "video" | "carousel" | "reels" | "story" (Meta Story export)
    likes: int | None
    comments: int | None
    views: int | None
    caption: str
    hashtags: tuple[str, ...]
    reach: int | None = None
    saves: int | None = None
    shares: int | None = None
    # Story figures (a Meta Story export; None elsewhere).
    replies: int | None = None
    link_clicks: int | None = None
    profile_visits: int | None = None
    sticker_taps: int | None = None
    navigation: int | None = None


@dataclass(frozen=True)
class Collection:
    account: AccountSnapshot | None  # None when the source has no follower count (Meta CSV)
    posts: tuple[PostRecord, ...]
    requests_used: int  # requests made (0 offline)
    complete: bool  # False when stopped early (budget, or an error part way): see notes
    notes: tuple[str, ...]  # plain messages for the officer


class InstagramSource(Protocol):
    def fetch(
        self, since: datetime, progress: Callable[[int], None] | None = None
    ) -> Collection: ...


def quiet_loader(**options: Any) -> instaloader.Instaloader:
    """An ``Instaloader`` that downloads nothing, prints nothing on stdout and times out
    (``options`` add to or override these settings)."""
    settings: dict[str, Any] = {
        "quiet": True,
        "download_pictures": False,
        "download_videos": False,
        "download_video_thumbnails": False,
        "save_metadata": False,
        "request_timeout": 30.0,
    }
    settings.update(options)
    return instaloader.Instaloader(**settings)


def post_link(shortcode: str, post_type: str) -> str:
    """The public address of a post: ``/reel/`` for reels, ``/p/`` for everything else."""
    return build_post_link(shortcode, "reel" if post_type == "reels" else "post")


def extract_hashtags(caption: str) -> tuple[str, ...]:
    """Hashtags in a caption as written (``#Germas``), each once (case-insensitively), in order."""
    seen: set[str] = set()
    tags: list[str] = []
    for match in _HASHTAG.finditer(caption):
        key = match.group(1).casefold()
        if key not in seen:
            seen.add(key)
            tags.append("#" + match.group(1))
    return tuple(tags)


# --- reading instaloader nodes without touching the network --------------------------------


def node_value(node: dict[str, Any], *paths: tuple[str, ...]) -> Any:
    """The first value found at one of ``paths`` in ``node`` that is not None, else None."""
    for path in paths:
        value: Any = node
        for key in path:
            if not isinstance(value, dict) or key not in value:
                value = None
                break
            value = value[key]
        if value is not None:
            return value
    return None


def node_count(node: dict[str, Any], *paths: tuple[str, ...]) -> int | None:
    value = node_value(node, *paths)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value)


def _post_node(post: instaloader.Post) -> dict[str, Any]:
    # The node instaloader already holds: reading from it costs no request, whereas a
    # Post property whose key is missing fetches the whole post (one request each).
    node: dict[str, Any] = post._node
    return node


def owner_of(node: dict[str, Any]) -> str | None:
    """The username of a post's owner (lower case) from its node, None when it does not say:
    ``owner`` in GraphQL nodes, ``iphone_struct.user`` in the logged-in timeline's."""
    owner = node_value(node, ("owner", "username"), ("iphone_struct", "user", "username"))
    return owner.lower() if isinstance(owner, str) and owner else None


def post_type_of(node: dict[str, Any]) -> str | None:
    """photo/video/carousel/reels from an instaloader post node, None when it does not say."""
    iphone = node.get("iphone_struct") if isinstance(node.get("iphone_struct"), dict) else {}
    product_type = node.get("product_type") or (iphone or {}).get("product_type")
    typename = node.get("__typename")
    if typename is None and "is_video" in node:
        typename = "GraphVideo" if node["is_video"] else "GraphImage"
    if typename == "GraphSidecar" or (typename is None and "edge_sidecar_to_children" in node):
        return "carousel"
    if product_type == "clips":
        return "reels"
    if typename == "GraphVideo":
        return "video"
    if typename == "GraphImage":
        return "photo"
    return None


def record_from_post(post: instaloader.Post) -> tuple[PostRecord, tuple[str, ...]]:
    """A :class:`PostRecord` from an instaloader ``Post``, read from its node only.

    Returns the record and the names of the figures the node did not hold (left as None:
    reading them through instaloader would fetch the post from Instagram). Raises
    ``KeyError`` when the node has no date (the post cannot be placed in a week).
    """
    node = _post_node(post)
    missing: list[str] = []
    shortcode = post.shortcode
    if "date" not in node and "taken_at_timestamp" not in node:
        raise KeyError("taken_at_timestamp")
    posted_at = post.date_utc.replace(tzinfo=UTC)  # instaloader gives naive UTC
    post_type = post_type_of(node)
    if post_type is None:
        missing.append("type")
        post_type = "photo"
    likes = node_count(node, ("edge_media_preview_like", "count"), ("iphone_struct", "like_count"))
    if likes is None:
        missing.append("likes")
    comments = node_count(
        node,
        ("edge_media_to_comment", "count"),
        ("edge_media_to_parent_comment", "count"),
        ("comments",),
        ("iphone_struct", "comment_count"),
    )
    if comments is None:
        missing.append("comments")
    views: int | None = None
    if post_type in ("video", "reels"):
        views = node_count(
            node,
            ("video_view_count",),
            ("video_play_count",),
            ("iphone_struct", "view_count"),
            ("iphone_struct", "play_count"),
        )
        if views is None:
            missing.append("views")
    caption = post.caption or ""
    record = PostRecord(
        shortcode=shortcode,
        link=post_link(shortcode, post_type),
        posted_at=posted_at,
        type=post_type,
        likes=likes,
        comments=comments,
        views=views,
        caption=caption,
        hashtags=extract_hashtags(caption),
    )
    return record, tuple(missing)


def account_from_profile(profile: instaloader.Profile, taken_at: datetime) -> AccountSnapshot:
    """An :class:`AccountSnapshot` from an instaloader ``Profile``, read from its node only."""
    node: dict[str, Any] = profile._node
    username = str(node.get("username", "")).lower()
    return AccountSnapshot(
        username=username,
        taken_at=taken_at,
        followers=node_count(node, ("edge_followed_by", "count"), ("follower_count",)),
        following=node_count(node, ("edge_follow", "count"), ("following_count",)),
        # Profile.mediacount is not kept by instaloader's JSON round trip: read the node.
        posts=node_count(
            node,
            ("edge_owner_to_timeline_media", "count"),
            ("media_count",),
            ("all_media_count",),
        ),
    )


# --- instaloader failures → plain messages ------------------------------------------------


def error_chain(exc: BaseException) -> list[BaseException]:
    """``exc`` and its causes/contexts, outermost first (instaloader wraps after retries)."""
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and all(current is not s for s in seen):
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _any_text(chain: list[BaseException], *needles: str) -> bool:
    texts = " | ".join(str(e) for e in chain).casefold()
    return any(needle.casefold() in texts for needle in needles)


def _status_in(chain: list[BaseException], status: int) -> bool:
    # instaloader's messages read "<status> <reason> ... when accessing <url>".
    pattern = re.compile(rf"(^|[\s:]){status} [A-Z]")
    return any(pattern.search(str(e)) for e in chain)


def translate_instaloader_error(
    exc: BaseException,
    *,
    username: str | None = None,
    session_file: Path | None = None,
) -> InstagramError:
    """One plain message (with the fix) for an instaloader/requests failure.

    Covers login required, the 401 "Please wait a few minutes" block, 429 rate limits
    (also when it surfaces after retries as a plain ``ConnectionException`` caused by the
    429), a profile that does not exist (or a 403 refusal), a checkpoint/challenge
    (``AbortDownloadException``, not an ``InstaloaderException``), no network, and a
    corrupt session file.
    """
    if isinstance(exc, InstagramError):
        return exc
    chain = error_chain(exc)
    if _has(chain, pickle.UnpicklingError) or (
        session_file is not None and _has(chain, (EOFError, KeyError, ValueError, TypeError))
    ):
        return corrupt_session_error(session_file, username)
    user = username or "USER"
    for explain in (_blocked_error, _refused_error, _login_error):
        error = explain(chain, user)
        if error is not None:
            return error
    return InstagramError(
        _("Instagram could not be read ({detail}). Try again later.").format(
            detail=_first_line(exc)
        )
    )


def _has(
    chain: list[BaseException], kind: type[BaseException] | tuple[type[BaseException], ...]
) -> bool:
    return any(isinstance(e, kind) for e in chain)


def _login_fix(user: str) -> str:
    return _("run `postme login {user}` once by hand to make a new session").format(user=user)


def _checkpoint_error(user: str) -> InstagramError:
    return InstagramError(
        _(
            "Instagram wants to check that it is really you (checkpoint). Open Instagram "
            "in a browser or the app, log in as {user} and confirm it is you, then make a "
            "new session with `postme login {user}`."
        ).format(user=user)
    )


def _blocked_error(chain: list[BaseException], user: str) -> InstagramError | None:
    """The session logged out, a checkpoint, a login wall, a wait or a rate limit."""
    if _has(chain, instaloader.exceptions.AbortDownloadException):
        if _any_text(chain, "Redirected to login page", "logged out"):
            return InstagramError(
                _(
                    "Instagram has logged the saved session out. Wait a few hours, then {fix}."
                ).format(fix=_login_fix(user))
            )
        return _checkpoint_error(user)
    if _any_text(chain, "Please wait a few minutes"):
        return _please_wait_error()
    if _any_text(chain, "checkpoint_required", "challenge_required", "instagram.com/challenge"):
        return _checkpoint_error(user)
    if _has(chain, instaloader.exceptions.LoginRequiredException) or _any_text(
        chain, "login_required"
    ):
        return InstagramError(
            _("Instagram requires a login to read this account: {fix}.").format(
                fix=_login_fix(user)
            )
        )
    if _status_in(chain, 401):
        return _please_wait_error()
    if _has(chain, instaloader.exceptions.TooManyRequestsException) or _status_in(chain, 429):
        return InstagramError(
            _(
                "Instagram says there were too many requests (429). Wait at least an hour "
                "before the next run, do not run postme or instaloader twice at the same "
                "time, and keep the request budget small."
            )
        )
    return None


def _please_wait_error() -> InstagramError:
    return InstagramError(
        _(
            'Instagram answered "Please wait a few minutes before you try again". This '
            "block usually lasts several hours. Run postme again later (for example "
            "tomorrow); do not log in again and again, that makes it last longer."
        )
    )


def _refused_error(chain: list[BaseException], user: str) -> InstagramError | None:
    """A private or missing profile, or no network."""
    if _has(chain, instaloader.exceptions.PrivateProfileNotFollowedException):
        return InstagramError(
            _(
                "The Instagram profile {user} is private and the saved session does not "
                "follow it. Make the session with the account itself (`postme login {user}`)."
            ).format(user=user)
        )
    if (
        _has(chain, instaloader.exceptions.ProfileNotExistsException)
        or _has(chain, instaloader.exceptions.QueryReturnedForbiddenException)
        or _status_in(chain, 403)
    ):
        return InstagramError(
            _(
                "Instagram says the profile {user} does not exist. Check the username in the "
                "config ([instagram] username). If it is right, the profile may be private or "
                "Instagram refused the request; try again later."
            ).format(user=user)
        )
    if _has(chain, (requests.exceptions.ConnectionError, requests.exceptions.Timeout)):
        return InstagramError(
            _(
                "Could not reach Instagram: no network connection (or it timed out). Check "
                "the internet connection and run postme again."
            )
        )
    return None


def _login_error(chain: list[BaseException], user: str) -> InstagramError | None:
    """A login that Instagram refused (``postme login``)."""
    if _has(chain, instaloader.exceptions.BadCredentialsException):
        return InstagramError(
            _(
                "Instagram refused the login: wrong password or code. "
                "Try `postme login {user}` again."
            ).format(user=user)
        )
    if _has(chain, instaloader.exceptions.LoginException):
        if _any_text(chain, "checkpoint"):
            return InstagramError(
                _(
                    "Instagram wants to check that it is really you (checkpoint). Open Instagram "
                    "in a browser or the app, log in as {user} and confirm it is you, then run "
                    "`postme login {user}` again."
                ).format(user=user)
            )
        return InstagramError(
            _("Instagram refused the login ({detail}). Try again later.").format(
                detail=_first_line(chain[0])
            )
        )
    return None


def corrupt_session_error(session_file: Path | None, username: str | None) -> InstagramError:
    """The message for a session file that cannot be read (never shows its content)."""
    user = username or "USER"
    return InstagramError(
        _(
            "The Instagram session file {path} is damaged and cannot be read. Delete it, then "
            "run `postme login {user}` once by hand to make a new session."
        ).format(path=session_file or _("(session file)"), user=user)
    )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__
