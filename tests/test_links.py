"""Instagram addresses (postme.links): one grammar for the policy, the slot checks, the
analysis and the sources."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from fakes.calendar import make_calendar, make_settings
from hypothesis import given
from hypothesis import strategies as st

from postme.instagram.base import post_link
from postme.links import (
    InstagramLink,
    build_post_link,
    canonical_link,
    is_post_link,
    link_kind,
    parse_link,
    shortcode_from_link,
)
from postme.policy import validate
from postme.slots import check_slots
from postme.weeks import IsoWeek

WIB = ZoneInfo("Asia/Jakarta")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://www.instagram.com/p/DAbc_12-x/", InstagramLink("post", "DAbc_12-x")),
        ("https://instagr.am/p/DAbc123/", InstagramLink("post", "DAbc123")),
        ("http://www.instagr.am/p/DAbc123", InstagramLink("post", "DAbc123")),
        ("instagram.com/p/DAbc123/?igsh=MTc4MmM1YmI2Ng==", InstagramLink("post", "DAbc123")),
        ("https://m.instagram.com/p/DAbc123/#", InstagramLink("post", "DAbc123")),
        ("  HTTPS://WWW.INSTAGRAM.COM/p/DAbc123/  ", InstagramLink("post", "DAbc123")),
        ("https://instagram.com/reel/C0de123/?igsh=abc", InstagramLink("reel", "C0de123")),
        ("instagram.com/reels/C0de123", InstagramLink("reel", "C0de123")),
        ("https://instagr.am/reel/C0de123/", InstagramLink("reel", "C0de123")),
        ("https://www.instagram.com/tv/TV12345/", InstagramLink("tv", "TV12345")),
        (
            "https://www.instagram.com/puskesmas.x/p/XYZ987/",
            InstagramLink("post", "XYZ987", username="puskesmas.x"),
        ),
        (
            "https://www.instagram.com/stories/puskesmas/3123456789/",
            InstagramLink("story", username="puskesmas", story_id="3123456789"),
        ),
        (
            "https://www.instagram.com/puskesmas.sehat/live/",
            InstagramLink("live", username="puskesmas.sehat"),
        ),
        (
            "https://www.instagram.com/puskesmas.x/",
            InstagramLink("profile", username="puskesmas.x"),
        ),
    ],
)
def test_parse_link(text: str, expected: InstagramLink) -> None:
    assert parse_link(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        None,
        "https://notinstagram.com/p/XYZ987/",
        "https://facebook.com/p/XYZ987/",
        "https://www.instagram.com/reel/Ab1/",  # too short for a shortcode
        "https://www.instagram.com/explore/",
        "https://www.instagram.com/p/XYZ987/ (reposted)",
        "https://canva.com/design/abc",
    ],
)
def test_not_an_instagram_address(text: str | None) -> None:
    assert parse_link(text) is None
    assert shortcode_from_link(text) is None
    assert not is_post_link(text)


def test_kinds_and_canonical_spelling() -> None:
    assert link_kind("https://instagr.am/reels/C0de123") == "reel"
    assert link_kind("https://www.instagram.com/stories/x/1/") == "story"
    assert not is_post_link("https://www.instagram.com/stories/x/1/")
    assert canonical_link("instagr.am/reels/C0de123?igsh=x") == (
        "https://www.instagram.com/reel/C0de123/"
    )
    assert canonical_link("m.instagram.com/puskesmas/p/DAbc123") == (
        "https://www.instagram.com/p/DAbc123/"
    )
    assert build_post_link("DAbc123", "tv") == "https://www.instagram.com/tv/DAbc123/"
    with pytest.raises(ValueError, match="story"):
        build_post_link("DAbc123", "story")
    # The sources build the same addresses.
    assert post_link("C0de123", "reels") == "https://www.instagram.com/reel/C0de123/"
    assert post_link("C0de123", "photo") == "https://www.instagram.com/p/C0de123/"


@pytest.mark.parametrize(
    "link",
    [
        "https://instagr.am/p/DAbc123/",
        "https://www.instagram.com/reel/Ab1/",
        "https://www.instagram.com/reel/Abc12/",
        "https://m.instagram.com/reels/Abc12",
        "https://www.instagram.com/p/DAbc123/ (reposted)",
        "https://www.instagram.com/puskesmas/",
    ],
)
def test_bad_link_and_matching_agree(link: str) -> None:
    """A published row's link passes bad-link exactly when the slot checks can match it."""
    settings = make_settings()
    row = {
        "date": "16/11/2026",
        "program": "Nice to Know",
        "caption": "Cuci tangan",
        "verifier": "Budi",
        "status": "terupload",
        "link": link,
    }
    result = validate(make_calendar([row], settings), settings, dt.date(2026, 11, 16))
    flagged = any(f.rule == "bad-link" for f in result.findings)
    assert flagged == (shortcode_from_link(link) is None)


def test_an_instagr_am_link_is_matched_to_its_post() -> None:
    """The row is dated Monday, the post went out on Tuesday: only the link ties them."""
    settings = make_settings()
    row = {
        "date": "16/11/2026",
        "program": "Nice to Know",
        "status": "terupload",
        "link": "https://instagr.am/p/DAbc123/",
    }

    class Post:
        shortcode = "DAbc123"
        link = "https://www.instagram.com/p/DAbc123/"
        posted_at = dt.datetime(2026, 11, 17, 19, 0, tzinfo=WIB)

    result = check_slots(
        make_calendar([row], settings),
        settings,
        dt.date(2026, 11, 23),
        week=IsoWeek(2026, 47),
        posts=[Post()],
        special=(),
    )
    kinds = {f.kind for f in result.findings}
    assert not kinds & {"not-found", "off-plan"}


_LINK_PARTS = st.sampled_from(
    [
        "",
        " ",
        "https://",
        "http://",
        "www.",
        "m.",
        "instagram.com",
        "instagr.am",
        "example.com",
        "/",
        "p/",
        "reel/",
        "reels/",
        "tv/",
        "stories/",
        "live",
        "puskesmas_sukamaju",
        "DAbc_12-x",
        "Ab1",
        "123456",
        "?igsh=x",
        "#",
    ]
)


@given(st.lists(_LINK_PARTS, max_size=9).map("".join))
def test_the_shortcode_is_what_the_whole_grammar_says(text: str) -> None:
    """shortcode_from_link takes a short cut past InstagramLink; it must agree with it."""
    found = parse_link(text)
    expected = found.shortcode if found is not None and found.is_post else None
    assert shortcode_from_link(text) == expected
