"""Instagram addresses: the one grammar of a post link, for the policy (``bad-link``),
the slot checks and the analysis (matching a row to its post), the metrics tabs and the
Instagram sources.

An address is read whole (surrounding spaces ignored), with or without ``http://`` or
``https://``, on ``instagram.com``, ``www.instagram.com``, ``m.instagram.com``,
``instagr.am`` or ``www.instagr.am`` (host case ignored), with an optional query string
(``?igsh=…``, ``?utm_source=…``) or fragment and an optional trailing slash:

==========================================  ==========  ================================
path                                        kind        what it names
==========================================  ==========  ================================
``/p/<code>``, ``/<user>/p/<code>``         ``post``    a feed post (photo, carousel …)
``/reel/<code>``, ``/reels/<code>``         ``reel``    a reel (``/<user>/`` allowed too)
``/tv/<code>``                              ``tv``      an old IGTV video
``/stories/<user>/<id>``                    ``story``   one story (digits)
``/<user>/live``                            ``live``    a live stream (no post address)
``/<user>``                                 ``profile`` an account
==========================================  ==========  ================================

A shortcode is 5 to 64 of ``A–Z a–z 0–9 _ -`` and keeps its case (Instagram's codes are
case-sensitive). ``post``, ``reel`` and ``tv`` are *post links*: they name one post by
its shortcode, and are what a published row's link cell must hold.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

LinkKind = Literal["post", "reel", "tv", "story", "live", "profile"]
POST_KINDS: frozenset[LinkKind] = frozenset({"post", "reel", "tv"})

_HOST = r"(?:https?://)?(?:(?:www\.|m\.)?instagram\.com|(?:www\.)?instagr\.am)"
_USER = r"[A-Za-z0-9._]{1,30}"
_CODE = r"[A-Za-z0-9_-]{5,64}"
_TAIL = r"/?(?:[?#]\S*)?"
_LINK = re.compile(
    _HOST
    + r"/(?:"
    + rf"(?:(?P<post_user>{_USER})/)?(?P<segment>p|reels?|tv)/(?P<code>{_CODE})"
    + rf"|stories/(?P<story_user>{_USER})/(?P<story_id>[0-9]{{1,30}})"
    + rf"|(?P<live_user>{_USER})/live"
    + rf"|(?P<profile>{_USER})"
    + r")"
    + _TAIL,
    re.IGNORECASE | re.ASCII,
)
_SEGMENT_KIND: dict[str, LinkKind] = {"p": "post", "reel": "reel", "reels": "reel", "tv": "tv"}
_KIND_SEGMENT: dict[LinkKind, str] = {"post": "p", "reel": "reel", "tv": "tv"}
# Paths of instagram.com that are pages of the site, not accounts.
_NOT_ACCOUNTS = frozenset(
    {"p", "reel", "reels", "tv", "stories", "explore", "accounts", "direct", "about", "developer"}
)


@dataclass(frozen=True)
class InstagramLink:
    """What an Instagram address names. ``shortcode`` is set for post links (``post``,
    ``reel``, ``tv``), ``story_id`` for a story, ``username`` when the address names one."""

    kind: LinkKind
    shortcode: str | None = None
    username: str | None = None
    story_id: str | None = None

    @property
    def is_post(self) -> bool:
        return self.kind in POST_KINDS

    @property
    def canonical(self) -> str:
        """The address in one spelling: ``https://www.instagram.com/p/<code>/``."""
        if self.shortcode is not None and self.kind in _KIND_SEGMENT:
            return build_post_link(self.shortcode, self.kind)
        if self.kind == "story":
            return f"https://www.instagram.com/stories/{self.username}/{self.story_id}/"
        if self.kind == "live":
            return f"https://www.instagram.com/{self.username}/live/"
        return f"https://www.instagram.com/{self.username}/"


def parse_link(text: str | None) -> InstagramLink | None:
    """The Instagram address ``text`` holds (the whole cell), or None when it is not one."""
    if not text:
        return None
    match = _LINK.fullmatch(text.strip())
    if match is None:
        return None
    if match.group("code") is not None:
        kind = _SEGMENT_KIND[match.group("segment").lower()]
        return InstagramLink(kind, shortcode=match.group("code"), username=match.group("post_user"))
    if match.group("story_id") is not None:
        return InstagramLink(
            "story", username=match.group("story_user"), story_id=match.group("story_id")
        )
    if match.group("live_user") is not None:
        return InstagramLink("live", username=match.group("live_user"))
    user = match.group("profile")
    if user.lower() in _NOT_ACCOUNTS:
        return None
    return InstagramLink("profile", username=user)


def link_kind(text: str | None) -> LinkKind | None:
    """What an address names ('post', 'reel', 'tv', 'story', 'live', 'profile'), or None."""
    found = parse_link(text)
    return found.kind if found is not None else None


def is_post_link(text: str | None) -> bool:
    """Whether ``text`` is the address of one post (a feed post, reel or IGTV video)."""
    found = parse_link(text)
    return found is not None and found.is_post


def shortcode_from_link(text: str | None) -> str | None:
    """The shortcode of a post link, e.g. ``https://instagr.am/p/DAbc123/?igsh=x`` →
    ``DAbc123``; None for anything else (a story, a profile, another site)."""
    if not text:
        return None
    # Only post links (post, reel, tv) have a code: no InstagramLink is needed to say so,
    # and every calendar row's link is asked once per run.
    match = _LINK.fullmatch(text.strip())
    return None if match is None else match.group("code")


def build_post_link(shortcode: str, kind: LinkKind = "post") -> str:
    """The canonical address of a post: ``/p/`` for a post, ``/reel/``, ``/tv/``."""
    segment = _KIND_SEGMENT.get(kind)
    if segment is None:
        raise ValueError(f"{kind!r} is not a kind of post link (post, reel, tv)")
    return f"https://www.instagram.com/{segment}/{shortcode}/"


def canonical_link(text: str | None) -> str | None:
    """``text`` in its canonical spelling, or None when it is not an Instagram address."""
    found = parse_link(text)
    return found.canonical if found is not None else None


def account_key(username: str) -> str:
    """An account name as postme compares it: lower case, no leading ``@`` (Instagram
    account names ignore case)."""
    return username.lower().lstrip("@")
