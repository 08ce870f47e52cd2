"""Instagram requests per collect, on instaloader's own objects with the network faked at
``requests.Session.send`` (tests/fakes/instagram.FakeInstagram counts every request)."""

from __future__ import annotations

import datetime as dt
import math
import sys
import tempfile
from pathlib import Path
from typing import Any

import generate
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from fakes.instagram import BAKUNG, FakeInstagram, loader_for_tests, media, write_session

from postme.config import settings_from_dict
from postme.instagram.live import POSSIBLY_PINNED, LiveSource
from postme.jobs import collect_since, fetch_instagram

PAGE = 12  # posts per timeline page (instaloader 4.16, logged in)
SETUP = 3  # profile page, profile query, start page: before the first timeline page


def account(total: int, new: int, since: dt.datetime, pinned: int) -> list[dict[str, Any]]:
    """``total`` posts newest first: ``pinned`` old pinned posts, then ``new`` posts after
    ``since``, then old ones, one a day."""
    start = since.astimezone(dt.UTC) + dt.timedelta(days=6, hours=12)
    posts = [
        media(f"Pin{n:08d}", dt.datetime(2025, 1, 1 + n, 12, tzinfo=dt.UTC)) for n in range(pinned)
    ]
    posts += [media(f"New{n:08d}", start - dt.timedelta(hours=17 * n)) for n in range(new)]
    oldest = since.astimezone(dt.UTC) - dt.timedelta(hours=12)
    posts += [
        media(f"Old{n:08d}", oldest - dt.timedelta(days=n)) for n in range(total - new - pinned)
    ]
    return posts


def pages(posts: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    return [posts[i : i + PAGE] for i in range(0, len(posts), PAGE)]


def collect_requests(total: int, new: int = 8, pinned: int = 0) -> dict[str, Any]:
    settings = settings_from_dict(
        generate.settings_dict({"backend": "xlsx", "path": "planner.xlsx"})
        | {"instagram": {"username": BAKUNG}},
        env={},
    )
    since = collect_since(settings, generate.AS_OF)
    feed = pages(account(total, new, since, pinned))
    with tempfile.TemporaryDirectory() as folder, pytest.MonkeyPatch.context() as patch:
        session = write_session(Path(folder) / f"session-{BAKUNG}")

        def source(budget: int) -> LiveSource:
            return LiveSource(
                BAKUNG, session, budget, 60.0, loader_for_tests, clock=lambda: generate.CLOCK
            )

        fake = FakeInstagram(pages=feed).install(patch)
        collection = fetch_instagram(source(60), settings, generate.AS_OF)
        ours = len(fake.log)
        assert ours == collection.requests_used
        anchor_fake = FakeInstagram(pages=feed).install(patch)
        everything = source(2000).fetch(dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
        anchor = len(anchor_fake.log)
    goal = SETUP + math.ceil((new + POSSIBLY_PINNED + 1) / PAGE)
    return {
        "posts": total,
        "new": new,
        "pinned": pinned,
        "requests": ours,
        "posts_read": len(collection.posts),
        "goal": goal,
        "anchor": anchor,
        "anchor_posts": len(everything.posts),
    }


def run(sizes: list[int]) -> list[dict[str, Any]]:
    out = []
    for total in sizes:
        out.append(collect_requests(total))
        out.append(collect_requests(total, pinned=3))
    return out


if __name__ == "__main__":
    for line in run([50, 1000]):
        print(line)
