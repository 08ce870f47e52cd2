"""Comments read live through instaloader's own ``Post.from_shortcode(...).get_comments()``,
faked only at ``requests.Session.send`` (as tests/test_instagram_live.py does): instaloader's
GraphQL queries, ``NodeIterator`` and rate controller run for real."""

from __future__ import annotations

import datetime as dt
import json
import urllib.parse
from pathlib import Path
from typing import Any

import pytest
import requests
from fakes.comments import (
    AS_OF_NOW,
    OVERDUE_COMPLAINT,
    POST_A,
    POST_B,
    PostThreads,
    comment_edges,
)
from fakes.instagram import (
    BAKUNG,
    FakeInstagram,
    loader_for_tests,
    make_response,
    media,
    post_from_media,
    write_session,
)

from postme.comments_job import collect_comments, plan_comments
from postme.config import Settings, settings_from_dict
from postme.errors import ExitCode
from postme.instagram.base import Collection, record_from_post
from postme.stores.base import WritePlan

POST_DOC_ID = "27128499623469141"  # Post metadata (instaloader 4.16 _obtain_metadata)
COMMENTS_QUERY_HASH = "97b41c52301f77ce508f55e66d17620e"  # Post.get_comments() pages
AS_OF = dt.date(2026, 11, 23)


pytestmark = pytest.mark.usefixtures("no_network")


def answer_posts(posts: dict[str, PostThreads]) -> Any:
    """Answers the post-metadata query and the comments query for ``posts``."""

    def respond(request: requests.PreparedRequest) -> requests.Response | None:
        url = request.url or ""
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
        form: dict[str, list[str]] = {}
        if request.body:
            body = request.body if isinstance(request.body, str) else request.body.decode()
            form = urllib.parse.parse_qs(body)
        if form.get("doc_id") == [POST_DOC_ID]:
            shortcode = json.loads(form["variables"][0])["shortcode"]
            post = posts[shortcode]
            item = media(shortcode, post.posted_at, comments=post.comment_count)
            web_info = {"xdt_api__v1__media__shortcode__web_info": {"items": [item]}}
            return make_response(request, 200, {"data": web_info, "status": "ok"})
        if query.get("query_hash") == [COMMENTS_QUERY_HASH]:
            shortcode = json.loads(query["variables"][0])["shortcode"]
            edges = comment_edges(posts[shortcode])
            comments = {"shortcode_media": {"edge_media_to_parent_comment": edges}}
            return make_response(request, 200, {"data": comments, "status": "ok"})
        return None

    return respond


def settings_with_session(tmp_path: Path) -> Settings:
    session = write_session(tmp_path / "session-puskesmas.bakung")
    return settings_from_dict(
        {
            "sheet": {"backend": "xlsx", "path": str(tmp_path / "p.xlsx")},
            "instagram": {"username": BAKUNG, "session_file": str(session)},
        }
    )


def collection_of(*posts: PostThreads) -> Collection:
    records = [
        record_from_post(
            post_from_media(media(p.shortcode, p.posted_at, comments=p.comment_count))
        )[0]
        for p in posts
    ]
    return Collection(None, tuple(records), 0, True, ())


def test_live_comments_are_read_and_counted(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fake = FakeInstagram(pages=[], fail=answer_posts({p.shortcode: p for p in (POST_A, POST_B)}))
    fake.install(monkeypatch)
    settings = settings_with_session(tmp_path)
    result = collect_comments(
        settings,
        collection_of(POST_A, POST_B),
        AS_OF,
        budget=20,
        now=AS_OF_NOW,
        loader_factory=loader_for_tests,
    )
    assert result.complete and result.error is None
    assert len(fake.log) == 4  # per post: its metadata, then one page of comments
    assert result.collection is not None and result.collection.requests_used == 4
    assert result.assessment is not None
    ids = {c.comment.id for c in result.assessment.comments}
    assert OVERDUE_COMPLAINT.id in ids and len(ids) == 5  # spam and own comment ignored
    assert result.exit_code == ExitCode.FINDINGS
    assert result.to_json()["requests_used"] == 4


def test_budget_reached_part_way_keeps_what_was_read(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fake = FakeInstagram(pages=[], fail=answer_posts({p.shortcode: p for p in (POST_A, POST_B)}))
    fake.install(monkeypatch)
    settings = settings_with_session(tmp_path)
    result = collect_comments(
        settings,
        collection_of(POST_B, POST_A),  # newest first, as collect returns them
        AS_OF,
        budget=3,
        now=AS_OF_NOW,
        loader_factory=loader_for_tests,
    )
    assert not result.complete and result.exit_code == ExitCode.PARTIAL
    assert len(fake.log) == 3  # never a request beyond the budget
    assert result.collection is not None and result.collection.posts_read == 1
    assert any("stopped after 3 requests" in n for n in result.notes)
    plan = WritePlan()
    result = plan_comments(plan, None, result, settings, AS_OF)
    written = [row[0] for w in plan.writes for row in w.values]
    assert written == ["17999999999999999"]  # the post read in full is written


def test_no_session_fails_soft(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    FakeInstagram(pages=[]).install(monkeypatch)
    settings = settings_from_dict(
        {
            "sheet": {"backend": "xlsx", "path": str(tmp_path / "p.xlsx")},
            "instagram": {"username": BAKUNG, "session_file": str(tmp_path / "none")},
        }
    )
    result = collect_comments(
        settings, collection_of(POST_A), AS_OF, 10, now=AS_OF_NOW, loader_factory=loader_for_tests
    )
    assert result.error is not None and "postme login" in result.error
    assert result.exit_code == ExitCode.PARTIAL and result.summary_lines() == []
