"""The live source on instaloader's own objects, faked only at the network boundary:
``requests.Session.send`` answers as Instagram would (see ``FakeInstagram``), so
instaloader's own ``Profile.from_username``, ``get_posts``, ``NodeIterator``, retries and
rate controller run for real."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import instaloader
import pytest
import requests
from fakes.instagram import (
    BAKUNG,
    PLEASE_WAIT,
    PROFILE_DOC_ID,
    TIMELINE_DOC_ID,
    FakeInstagram,
    loader_for_tests,
    make_response,
    media,
    utc,
    write_session,
)

from postme.errors import ExitCode, InstagramError
from postme.instagram.base import translate_instaloader_error
from postme.instagram.jsondir import JsonDirSource
from postme.instagram.live import BoundedRateController, BudgetReached, LiveSource

SINCE = utc(2026, 11, 1, 17, 0)  # Monday 2 Nov 2026, 00:00 WIB
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
# profile page, profile query, start page (web tokens): before the first timeline page
SETUP_REQUESTS = 3


pytestmark = pytest.mark.usefixtures("no_network")


@pytest.fixture
def session_file(tmp_path: Path) -> Path:
    return write_session(tmp_path / "session-puskesmas.bakung")


def new_posts(count: int, start: datetime, prefix: str = "BkgNew") -> list[dict[str, Any]]:
    """``count`` photos, one a day going back from ``start``."""
    return [
        media(f"{prefix}{n:05d}", start - timedelta(days=n), likes=50 + n, comments=n)
        for n in range(count)
    ]


def source(session_file: Path, budget: int = 60, max_wait: float = 120.0, **kw: Any) -> LiveSource:
    return LiveSource(
        BAKUNG,
        session_file,
        request_budget=budget,
        max_wait_seconds=max_wait,
        loader_factory=loader_for_tests,
        clock=lambda: NOW,
        **kw,
    )


def test_reads_profile_and_posts_with_no_request_per_post(
    monkeypatch: pytest.MonkeyPatch, session_file: Path
) -> None:
    page = [
        media("BkgNTK16Nov", utc(2026, 11, 16), likes=112, comments=9),
        media("BkgVID13Nov", utc(2026, 11, 13), kind="video", likes=95, comments=4, views=1460),
        media("BkgCRS12Nov", utc(2026, 11, 12), kind="carousel", likes=87, comments=6),
        media(
            "BkgRLS10Nov",
            utc(2026, 11, 10),
            kind="reels",
            likes=240,
            comments=17,
            views=3875,
            view_key="play_count",
        ),
        *new_posts(8, utc(2026, 11, 9)),
    ]
    fake = FakeInstagram(pages=[page]).install(monkeypatch)
    progress: list[int] = []

    collection = source(session_file).fetch(SINCE, progress=progress.append)

    assert collection.complete is True
    assert collection.account is not None
    assert (collection.account.followers, collection.account.following) == (1530, 212)
    assert collection.account.posts == 48
    assert collection.account.taken_at == NOW
    posts = {p.shortcode: p for p in collection.posts}
    assert len(posts) == 12
    assert (posts["BkgNTK16Nov"].type, posts["BkgNTK16Nov"].likes) == ("photo", 112)
    assert (posts["BkgVID13Nov"].type, posts["BkgVID13Nov"].views) == ("video", 1460)
    assert (posts["BkgCRS12Nov"].type, posts["BkgCRS12Nov"].views) == ("carousel", None)
    reel = posts["BkgRLS10Nov"]
    assert (reel.type, reel.views, reel.comments) == ("reels", 3875, 17)
    assert reel.link == "https://www.instagram.com/reel/BkgRLS10Nov/"
    assert posts["BkgNTK16Nov"].posted_at == utc(2026, 11, 16)
    assert posts["BkgNTK16Nov"].hashtags == ("#NiceToKnow", "#PuskesmasBakung", "#Germas")
    # one timeline page for 12 posts: no per-post metadata or comment requests
    assert len(fake.log) == SETUP_REQUESTS + 1 == collection.requests_used
    assert fake.count(TIMELINE_DOC_ID) == 1
    assert progress == list(range(1, 13))


def test_pinned_old_posts_first_do_not_stop_the_walk(
    monkeypatch: pytest.MonkeyPatch, session_file: Path
) -> None:
    page = [
        media("PinOld00001", utc(2026, 3, 1)),  # pinned, months old
        media("PinOld00002", utc(2026, 5, 20)),  # pinned, months old
        *new_posts(5, utc(2026, 11, 20)),  # 20 .. 16 Nov
        media("OldOct00001", utc(2026, 10, 28)),  # first old post after the pinned ones
        media("NeverRead01", utc(2026, 11, 15)),  # not reached
    ]
    fake = FakeInstagram(pages=[page, new_posts(12, utc(2026, 10, 20), "Page2")]).install(
        monkeypatch
    )

    collection = source(session_file).fetch(SINCE)

    assert [p.shortcode for p in collection.posts] == [f"BkgNew{n:05d}" for n in range(5)]
    assert collection.complete is True
    assert fake.count(TIMELINE_DOC_ID) == 1  # stopped: the second page was never asked for


def test_a_new_pinned_post_is_kept_and_an_old_fourth_post_stops(
    monkeypatch: pytest.MonkeyPatch, session_file: Path
) -> None:
    page = [
        media("PinNew00001", utc(2026, 11, 3)),  # pinned but inside the window
        media("PinOld00001", utc(2026, 1, 1)),
        media("BkgNew00000", utc(2026, 11, 18)),
        media("OldOct00001", utc(2026, 10, 30)),  # 4th: stops here
        media("NeverRead01", utc(2026, 11, 17)),
    ]
    FakeInstagram(pages=[page]).install(monkeypatch)
    shortcodes = [p.shortcode for p in source(session_file).fetch(SINCE).posts]
    assert shortcodes == ["BkgNew00000", "PinNew00001"]


def test_walks_several_pages_and_stops_after_the_cutoff(
    monkeypatch: pytest.MonkeyPatch, session_file: Path
) -> None:
    first = new_posts(12, utc(2026, 11, 22))  # 22 .. 11 Nov
    second = [*new_posts(3, utc(2026, 11, 10), "Page2"), media("OldOct00001", utc(2026, 10, 31))]
    third = new_posts(12, utc(2026, 10, 20), "Page3")
    fake = FakeInstagram(pages=[first, second, third]).install(monkeypatch)

    collection = source(session_file).fetch(SINCE)

    assert len(collection.posts) == 15
    assert fake.count(TIMELINE_DOC_ID) == 2
    assert collection.requests_used == SETUP_REQUESTS + 2


def test_budget_is_never_exceeded(monkeypatch: pytest.MonkeyPatch, session_file: Path) -> None:
    pages = [new_posts(12, utc(2026, 11, 22)), new_posts(12, utc(2026, 11, 10), "Page2")]
    fake = FakeInstagram(pages=pages).install(monkeypatch)

    collection = source(session_file, budget=SETUP_REQUESTS + 1).fetch(utc(2026, 1, 1))

    assert len(fake.log) == SETUP_REQUESTS + 1
    assert collection.requests_used == SETUP_REQUESTS + 1
    assert collection.complete is False
    assert len(collection.posts) == 12
    assert collection.account is not None and collection.account.followers == 1530
    assert any("Stopped after 4 requests" in n and "budget" in n for n in collection.notes)


def test_budget_counts_retries(monkeypatch: pytest.MonkeyPatch, session_file: Path) -> None:
    def flaky_profile_query(request: requests.PreparedRequest) -> Any:
        if request.body and PROFILE_DOC_ID in str(request.body):
            return make_response(request, 500, {"status": "fail", "message": "oops"})
        return None

    fake = FakeInstagram(pages=[new_posts(3, utc(2026, 11, 22))], fail=flaky_profile_query)
    fake.install(monkeypatch)
    collection = source(session_file, budget=3).fetch(SINCE)
    # page + 2 attempts of the profile query = 3; the third attempt is refused by the budget
    assert len(fake.log) == 3
    assert collection.complete is False
    assert collection.account is not None  # read from the profile page
    assert any("Stopped after 3 requests" in n for n in collection.notes)


def test_saved_run_replays_offline(
    monkeypatch: pytest.MonkeyPatch, session_file: Path, tmp_path: Path
) -> None:
    page = [
        media("BkgVID13Nov", utc(2026, 11, 13), kind="video", views=1460),
        media("BkgCRS12Nov", utc(2026, 11, 12), kind="carousel"),
        media("BkgRLS10Nov", utc(2026, 11, 10), kind="reels", views=99, view_key="play_count"),
    ]
    FakeInstagram(pages=[page]).install(monkeypatch)
    live = source(session_file, save_dir=tmp_path / "raw").fetch(SINCE)

    monkeypatch.setattr(requests.Session, "send", lambda *a, **k: pytest.fail("network used"))
    replay = JsonDirSource(tmp_path / "raw", taken_at=NOW).fetch(SINCE)
    assert replay.posts == live.posts
    assert replay.account == live.account
    assert all(p.name.endswith(".json.xz") for p in (tmp_path / "raw").iterdir())


# --- sessions ---------------------------------------------------------------------------------


def test_no_session_tells_them_to_log_in_by_hand(tmp_path: Path) -> None:
    with pytest.raises(InstagramError) as caught:
        source(tmp_path / "missing-session").fetch(SINCE)
    assert "postme login puskesmas.bakung" in str(caught.value)
    assert caught.value.exit_code == ExitCode.PARTIAL


@pytest.mark.parametrize("content", [b"garbage, not a pickle", b"", b"\x80\x04}\x94."])
def test_corrupt_session_file(tmp_path: Path, content: bytes) -> None:
    # the last one is a valid pickle of {} with no csrftoken cookie
    path = tmp_path / "session-puskesmas.bakung"
    path.write_bytes(content)
    path.chmod(0o600)
    with pytest.raises(InstagramError) as caught:
        source(path).fetch(SINCE)
    message = str(caught.value)
    assert "damaged" in message and str(path) in message and "postme login" in message


def test_session_readable_by_others_is_noted(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = write_session(tmp_path / "session", mode=0o644)
    FakeInstagram(pages=[new_posts(2, utc(2026, 11, 20))]).install(monkeypatch)
    collection = source(path).fetch(SINCE)
    assert any("chmod 600" in n for n in collection.notes)


# --- failures through the real instaloader code ----------------------------------------------


def on_profile_page(response: Any) -> Any:
    def fail(request: requests.PreparedRequest) -> Any:
        if request.method == "GET" and request.url and request.url.endswith(f"/{BAKUNG}/"):
            return response(request) if callable(response) else response
        return None

    return fail


def on_timeline(response: Any) -> Any:
    def fail(request: requests.PreparedRequest) -> Any:
        if request.body and TIMELINE_DOC_ID in str(request.body):
            return response(request) if callable(response) else response
        return None

    return fail


@pytest.mark.parametrize(
    ("fail", "expected"),
    [
        (on_profile_page(lambda r: make_response(r, 401, PLEASE_WAIT)), "usually lasts"),
        (on_profile_page(lambda r: make_response(r, 429, "")), "too many requests"),
        (on_profile_page(lambda r: make_response(r, 404, "")), "does not exist"),
        (on_profile_page(lambda r: make_response(r, 200, "<html></html>")), "does not exist"),
        (on_profile_page(lambda r: make_response(r, 403, "")), "may be private"),
        (
            on_profile_page(requests.exceptions.ConnectionError("Name or service not known")),
            "no network connection",
        ),
        (on_profile_page(requests.exceptions.ReadTimeout("read timed out")), "timed out"),
        (
            on_profile_page(
                lambda r: make_response(
                    r, 302, "", {"location": "https://www.instagram.com/accounts/login/"}
                )
            ),
            "logged the saved session out",
        ),
    ],
)
def test_failures_before_anything_was_read_raise_plain_messages(
    monkeypatch: pytest.MonkeyPatch, session_file: Path, fail: Any, expected: str
) -> None:
    FakeInstagram(pages=[[]], fail=fail).install(monkeypatch)
    with pytest.raises(InstagramError) as caught:
        source(session_file).fetch(SINCE)
    assert expected in str(caught.value)
    assert caught.value.exit_code == ExitCode.PARTIAL


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        (
            lambda r: make_response(r, 400, {"message": "checkpoint_required", "status": "fail"}),
            "confirm it is you",
        ),
        (lambda r: make_response(r, 401, PLEASE_WAIT), "do not log in again and again"),
        (
            lambda r: make_response(r, 400, {"message": "challenge_required", "status": "fail"}),
            "postme login puskesmas.bakung",
        ),
    ],
)
def test_failures_part_way_keep_the_account_and_say_why(
    monkeypatch: pytest.MonkeyPatch, session_file: Path, response: Any, expected: str
) -> None:
    FakeInstagram(pages=[new_posts(3, utc(2026, 11, 20))], fail=on_timeline(response)).install(
        monkeypatch
    )
    collection = source(session_file).fetch(SINCE)
    assert collection.complete is False
    assert collection.account is not None and collection.account.followers == 1530
    assert collection.posts == ()
    assert any(expected in n for n in collection.notes)


def test_429_after_retries_is_a_rate_limit_message(
    monkeypatch: pytest.MonkeyPatch, session_file: Path
) -> None:
    slept: list[float] = []
    fake = FakeInstagram(
        pages=[new_posts(3, utc(2026, 11, 20))],
        fail=on_timeline(lambda r: make_response(r, 429, {"status": "fail", "message": "rate"})),
    ).install(monkeypatch)
    collection = source(session_file, max_wait=3600, sleep=slept.append).fetch(SINCE)
    # instaloader retried (3 attempts) with its long 429 back-off, given to our sleep
    assert fake.count(TIMELINE_DOC_ID) == 3
    assert slept and min(slept) > 600
    assert any("too many requests (429)" in n for n in collection.notes)


def test_long_rate_limit_wait_is_refused_not_slept(
    monkeypatch: pytest.MonkeyPatch, session_file: Path
) -> None:
    slept: list[float] = []
    fake = FakeInstagram(
        pages=[new_posts(3, utc(2026, 11, 20))],
        fail=on_timeline(lambda r: make_response(r, 429, {"status": "fail", "message": "rate"})),
    ).install(monkeypatch)
    collection = source(session_file, max_wait=120, sleep=slept.append).fetch(SINCE)
    assert slept == []
    assert fake.count(TIMELINE_DOC_ID) == 1
    assert collection.complete is False
    assert any("asked us to wait 12 minutes" in n for n in collection.notes)


def test_bounded_rate_controller_unit() -> None:
    context = instaloader.InstaloaderContext(sleep=False, quiet=True)
    slept: list[float] = []
    controller = BoundedRateController(context, budget=2, max_wait_seconds=30, sleep=slept.append)
    controller.sleep(10)
    assert slept == [10]
    with pytest.raises(InstagramError, match="wait 2 minutes"):
        controller.sleep(90)
    controller.wait_before_query("other")
    controller.wait_before_query("iphone")
    with pytest.raises(BudgetReached):
        controller.wait_before_query("other")
    assert controller.requests_used == 2


# --- the translation table, one case each ----------------------------------------------------


def _wrapped(outer: BaseException, cause: BaseException) -> BaseException:
    try:
        try:
            raise cause
        except BaseException as inner:
            raise outer from inner
    except BaseException as err:
        return err


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (instaloader.exceptions.LoginRequiredException("Redirected"), "requires a login"),
        (
            instaloader.exceptions.ConnectionException(
                'JSON Query to api/graphql: 401 Unauthorized - "fail" status, message "Please '
                'wait a few minutes before you try again." when accessing https://x'
            ),
            "usually lasts several hours",
        ),
        (
            _wrapped(
                instaloader.exceptions.ConnectionException("JSON Query to api/graphql: rate"),
                instaloader.exceptions.TooManyRequestsException("429 Too Many Requests"),
            ),
            "too many requests (429)",
        ),
        (instaloader.exceptions.ProfileNotExistsException("Profile x does not exist."), "exist"),
        (instaloader.exceptions.QueryReturnedForbiddenException("403 Forbidden"), "refused"),
        (
            instaloader.exceptions.AbortDownloadException("400 Bad Request - checkpoint_required"),
            "open instagram in a browser",
        ),
        (requests.exceptions.ConnectionError("Max retries exceeded"), "no network"),
        (
            instaloader.exceptions.PrivateProfileNotFollowedException("private"),
            "private",
        ),
        (instaloader.exceptions.BadCredentialsException("Login error: Wrong password."), "wrong"),
        (instaloader.exceptions.BadResponseException("odd"), "could not be read (odd)"),
    ],
)
def test_translate_instaloader_error(exc: BaseException, expected: str) -> None:
    error = translate_instaloader_error(exc, username=BAKUNG)
    assert isinstance(error, InstagramError)
    assert expected.casefold() in str(error).casefold()
    assert error.exit_code == ExitCode.PARTIAL


def test_translate_corrupt_session() -> None:
    error = translate_instaloader_error(KeyError("csrftoken"), session_file=Path("/x/session-a"))
    assert "/x/session-a" in str(error) and "damaged" in str(error)


def test_posts_of_other_accounts_on_the_profile_are_counted_not_read(
    monkeypatch: pytest.MonkeyPatch, session_file: Path
) -> None:
    page = [
        *new_posts(2, utc(2026, 11, 20)),
        media("Collab00001", utc(2026, 11, 17), username="mitra.kolab", user_id=77),
        media("Collab00002", utc(2026, 11, 16), username="Mitra.Kolab", user_id=77),
        media("OldOct00001", utc(2026, 10, 28)),
        media("OldOct00002", utc(2026, 10, 27)),
        media("OldOct00003", utc(2026, 10, 26)),
        media("OldOct00004", utc(2026, 10, 25)),
    ]
    FakeInstagram(pages=[page]).install(monkeypatch)

    collection = source(session_file).fetch(SINCE)

    assert [p.shortcode for p in collection.posts] == ["BkgNew00000", "BkgNew00001"]
    assert "2 posts of other accounts (mitra.kolab) were not read." in collection.notes
