"""The offline Instagram sources: a folder of instaloader metadata files and a Meta
Business Suite CSV export, plus the shared record helpers. The network is refused."""

from __future__ import annotations

import json
import lzma
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import instaloader
import pytest
import requests
from fakes.instagram import (
    BAKUNG,
    BAKUNG_POSTS,
    DATA_DIR,
    build_bakung_folder,
    graphql_post_node,
    post_from_node,
    profile_node,
    utc,
    write_post,
    write_profile,
)

from postme.errors import ExitCode, InputFileError
from postme.i18n import set_language
from postme.instagram.base import extract_hashtags, post_link
from postme.instagram.jsondir import JsonDirSource
from postme.instagram.meta_csv import MetaCsvSource

BAKUNG_DIR = DATA_DIR / BAKUNG
META_DIR = DATA_DIR / "meta"
SINCE = datetime(2026, 11, 2, tzinfo=ZoneInfo("Asia/Jakarta"))  # Monday of 2026-W45


class NetworkUsed(AssertionError):
    pass


@pytest.fixture(autouse=True)
def refuse_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise NetworkUsed("a test tried to use the network")

    monkeypatch.setattr(requests.Session, "send", refuse)
    monkeypatch.setattr(requests.Session, "request", refuse)
    set_language("en")


# --- folder of instaloader JSON ---------------------------------------------------------------


def test_committed_folder_reads_every_post_type_offline() -> None:
    collection = JsonDirSource(BAKUNG_DIR).fetch(SINCE)

    assert collection.requests_used == 0
    assert collection.complete is True
    got = {p.shortcode: (p.type, p.likes, p.comments, p.views) for p in collection.posts}
    expected = {
        e.shortcode: (e.type, e.likes, e.comments, e.views)
        for _label, _build, _xz, e in BAKUNG_POSTS
        if e.shortcode != "BkgOLD01Oct"
    }
    assert got == expected
    # newest first, timezone-aware UTC
    dates = [p.posted_at for p in collection.posts]
    assert dates == sorted(dates, reverse=True)
    assert all(d.tzinfo is not None and d.utcoffset() == UTC.utcoffset(None) for d in dates)


def test_committed_folder_has_json_and_xz_and_a_comments_file() -> None:
    names = [p.name for p in BAKUNG_DIR.iterdir()]
    assert any(n.endswith(".json.xz") for n in names)
    assert any(n.endswith("_UTC.json") for n in names)
    assert any(n.endswith("_comments.json") for n in names)
    # the .xz files are real xz, the .json files indented JSON in instaloader's wrapper
    xz = next(p for p in BAKUNG_DIR.iterdir() if p.name.endswith(".json.xz"))
    wrapper = json.loads(lzma.decompress(xz.read_bytes()))
    assert wrapper["instaloader"]["node_type"] == "Post"
    assert wrapper["instaloader"]["version"] == instaloader.__version__


def test_account_snapshot_from_profile_file() -> None:
    taken = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
    account = (
        JsonDirSource(BAKUNG_DIR, username="Puskesmas.Bakung", taken_at=taken).fetch(SINCE).account
    )
    assert account is not None
    assert (account.username, account.followers, account.following, account.posts) == (
        BAKUNG,
        1530,
        212,
        48,
    )
    assert account.taken_at == taken


def test_posts_count_is_none_when_the_round_trip_dropped_it(tmp_path: Path) -> None:
    node = profile_node(posts=None)
    node["edge_owner_to_timeline_media"] = {"count": 48}  # popped by save_structure_to_file
    write_profile(tmp_path, node)
    account = JsonDirSource(tmp_path).fetch(SINCE).account
    assert account is not None
    assert account.followers == 1530
    assert account.posts is None


def test_taken_at_defaults_to_the_profile_file_time(tmp_path: Path) -> None:
    path = write_profile(tmp_path, profile_node())
    stamp = datetime(2026, 11, 20, 3, 4, 5, tzinfo=UTC).timestamp()
    os.utime(path, (stamp, stamp))
    account = JsonDirSource(tmp_path).fetch(SINCE).account
    assert account is not None
    assert account.taken_at == datetime(2026, 11, 20, 3, 4, 5, tzinfo=UTC)


def test_only_posts_since_the_cutoff() -> None:
    source = JsonDirSource(BAKUNG_DIR)
    assert "BkgOLD01Oct" in {p.shortcode for p in source.fetch(utc(2026, 9, 1)).posts}
    late = source.fetch(utc(2026, 11, 13, 12, 0))
    assert [p.shortcode for p in late.posts] == ["BkgNTK16Nov", "BkgRLS14Nov", "BkgVID13Nov"]


def test_missing_like_count_is_none_and_names_the_file() -> None:
    collection = JsonDirSource(BAKUNG_DIR).fetch(SINCE)
    post = next(p for p in collection.posts if p.shortcode == "BkgNOL09Nov")
    assert post.likes is None
    assert post.comments == 6
    assert any("2026-11-09_12-00-00_UTC.json" in n and "like count" in n for n in collection.notes)


def test_links_captions_and_hashtags() -> None:
    posts = {p.shortcode: p for p in JsonDirSource(BAKUNG_DIR).fetch(SINCE).posts}
    assert posts["BkgRLS14Nov"].link == "https://www.instagram.com/reel/BkgRLS14Nov/"
    assert posts["BkgCRS12Nov"].link == "https://www.instagram.com/p/BkgCRS12Nov/"
    assert posts["BkgNTK16Nov"].caption.startswith("Nice to Know: tekanan darah")
    assert posts["BkgNTK16Nov"].hashtags == ("#NiceToKnow", "#PuskesmasBakung", "#Germas")
    assert posts["BkgCRS10Nov"].hashtags == ("#Germas", "#CERDIK", "#PuskesmasBakung")


def test_progress_is_called_per_post_file(tmp_path: Path) -> None:
    calls: list[int] = []
    JsonDirSource(BAKUNG_DIR).fetch(SINCE, progress=calls.append)
    assert calls == list(range(1, len(BAKUNG_POSTS) + 1))


def test_a_fresh_build_reads_like_the_committed_folder(tmp_path: Path) -> None:
    fresh = JsonDirSource(build_bakung_folder(tmp_path / "x")).fetch(SINCE)
    committed = JsonDirSource(BAKUNG_DIR).fetch(SINCE)
    assert fresh.posts == committed.posts


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("2026-11-20_12-00-00_UTC.json", b'{"instaloader": {"node_type": "Post"'),
        ("2026-11-20_12-00-00_UTC.json.xz", b"not xz at all"),
        ("2026-11-20_12-00-00_UTC.json", b'{"something": "else"}'),
        ("2026-11-20_12-00-00_UTC.json", b'{"instaloader": {"node_type": "Post"}, "node": {}}'),
        ("2026-11-20_12-00-00_UTC.json", b"\xff\xfe\x00garbage"),
    ],
)
def test_corrupt_file_is_an_input_error_naming_it(
    tmp_path: Path, name: str, content: bytes
) -> None:
    shutil.copytree(BAKUNG_DIR, tmp_path / "d")
    (tmp_path / "d" / name).write_bytes(content)
    with pytest.raises(InputFileError) as caught:
        JsonDirSource(tmp_path / "d").fetch(SINCE)
    assert name in str(caught.value)
    assert caught.value.exit_code == ExitCode.USAGE


def test_truncated_xz_file_is_an_input_error(tmp_path: Path) -> None:
    path = write_post(tmp_path, post_from_node(graphql_post_node("BkgCUT20Nov", utc(2026, 11, 20))))
    path.write_bytes(path.read_bytes()[:40])
    with pytest.raises(InputFileError, match="BkgCUT20Nov|2026-11-20"):
        JsonDirSource(tmp_path).fetch(SINCE)


def test_old_instaloader3_file_is_refused_without_network(tmp_path: Path) -> None:
    # instaloader 3 wrote bare nodes; loading one calls Post.from_shortcode (a request).
    (tmp_path / "old.json").write_text(json.dumps({"shortcode": "BkgV3xxxxxx"}))
    with pytest.raises(InputFileError, match="old.json"):
        JsonDirSource(tmp_path).fetch(SINCE)


def test_post_without_date_is_an_input_error(tmp_path: Path) -> None:
    node = graphql_post_node("BkgNODATE01", utc(2026, 11, 20))
    del node["taken_at_timestamp"]
    wrapper = {"instaloader": {"node_type": "Post", "version": "4.16"}, "node": node}
    (tmp_path / "nodate.json").write_text(json.dumps(wrapper))
    with pytest.raises(InputFileError, match="nodate.json"):
        JsonDirSource(tmp_path).fetch(SINCE)


def test_missing_typename_and_views_are_left_empty_not_fetched(tmp_path: Path) -> None:
    node = graphql_post_node("BkgVID20Nov", utc(2026, 11, 20), kind="video", views=None)
    del node["__typename"]
    del node["edge_media_to_comment"]
    write_post(tmp_path, post_from_node(node), compress=False)
    collection = JsonDirSource(tmp_path).fetch(SINCE)
    (post,) = collection.posts
    assert (post.type, post.views, post.comments) == ("video", None, None)
    assert any("view count" in n and "comment count" in n for n in collection.notes)
    assert collection.account is None
    assert any("No profile file" in n for n in collection.notes)


def test_several_profiles_need_a_username(tmp_path: Path) -> None:
    write_profile(tmp_path, profile_node())
    write_profile(tmp_path, profile_node(username="puskesmas.lain", user_id=42))
    with pytest.raises(InputFileError, match="puskesmas.lain"):
        JsonDirSource(tmp_path).fetch(SINCE)
    account = JsonDirSource(tmp_path, username="puskesmas.lain").fetch(SINCE).account
    assert account is not None and account.username == "puskesmas.lain"


def test_posts_of_another_account_are_ignored(tmp_path: Path) -> None:
    write_profile(tmp_path, profile_node())
    write_post(tmp_path, post_from_node(graphql_post_node("BkgOWN20Nov", utc(2026, 11, 20))))
    other = graphql_post_node("OtherXX20No", utc(2026, 11, 21), username="akun.lain", user_id=7)
    write_post(tmp_path, post_from_node(other))
    collection = JsonDirSource(tmp_path).fetch(SINCE)
    assert [p.shortcode for p in collection.posts] == ["BkgOWN20Nov"]
    assert any("other accounts" in n for n in collection.notes)


def test_missing_folder_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="nope"):
        JsonDirSource(tmp_path / "nope").fetch(SINCE)


def test_naive_since_is_refused() -> None:
    with pytest.raises(ValueError):
        JsonDirSource(BAKUNG_DIR).fetch(datetime(2026, 11, 1))


def test_the_network_really_is_refused_here() -> None:
    with pytest.raises(NetworkUsed):
        requests.get("https://www.instagram.com/")


# --- Meta Business Suite CSV ------------------------------------------------------------------


def test_meta_csv_english() -> None:
    collection = MetaCsvSource(META_DIR / "post_insights_en.csv").fetch(SINCE)
    assert collection.account is None
    assert collection.requests_used == 0
    posts = {p.shortcode: p for p in collection.posts}
    assert list(posts) == ["BkgNTK16Nov", "BkgRLS14Nov", "BkgCRS12Nov"]  # Oct row is older
    reel = posts["BkgRLS14Nov"]
    assert reel.type == "reels"
    assert reel.link == "https://www.instagram.com/reel/BkgRLS14Nov/"
    assert (reel.views, reel.reach, reel.likes, reel.shares, reel.comments, reel.saves) == (
        3875,
        2410,
        240,
        31,
        17,
        52,
    )
    assert reel.posted_at == datetime(2026, 11, 14, 11, 30, tzinfo=UTC)  # 18:30 WIB
    assert "\n" in reel.caption and reel.hashtags == ("#Germas", "#CERDIK")
    assert posts["BkgNTK16Nov"].type == "photo"
    assert posts["BkgNTK16Nov"].views == 1204
    assert posts["BkgCRS12Nov"].type == "carousel"
    assert posts["BkgCRS12Nov"].posted_at == datetime(2026, 11, 12, 1, 15, tzinfo=UTC)
    assert any("no follower count" in n for n in collection.notes)


def test_meta_csv_indonesian_gives_the_same_posts() -> None:
    english = MetaCsvSource(META_DIR / "post_insights_en.csv").fetch(SINCE).posts
    indonesian = MetaCsvSource(META_DIR / "post_insights_id.csv").fetch(SINCE).posts
    strip = [
        (p.shortcode, p.type, p.posted_at, p.views, p.reach, p.likes, p.saves) for p in english
    ]
    assert [
        (p.shortcode, p.type, p.posted_at, p.views, p.reach, p.likes, p.saves) for p in indonesian
    ] == strip


def test_meta_csv_agrees_with_the_instaloader_folder() -> None:
    meta = {
        p.shortcode: p for p in MetaCsvSource(META_DIR / "post_insights_en.csv").fetch(SINCE).posts
    }
    folder = {p.shortcode: p for p in JsonDirSource(BAKUNG_DIR).fetch(SINCE).posts}
    for shortcode, post in meta.items():
        assert folder[shortcode].posted_at == post.posted_at
        assert folder[shortcode].type == post.type


def _write_csv(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "export.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_meta_csv_unknown_column_fails_loudly(tmp_path: Path) -> None:
    path = _write_csv(
        tmp_path,
        "Permalink,Publish time,Likes,Engagement\n"
        "https://www.instagram.com/p/AbcDefGhIjK/,11/16/2026 19:00,5,9\n",
    )
    with pytest.raises(InputFileError) as caught:
        MetaCsvSource(path).fetch(SINCE)
    message = str(caught.value)
    assert '"Engagement"' in message
    assert "Reach" in message and "Publish time" in message  # the known ones are listed


def test_meta_csv_missing_permalink_column(tmp_path: Path) -> None:
    path = _write_csv(tmp_path, "Publish time,Likes\n11/16/2026 19:00,5\n")
    with pytest.raises(InputFileError, match="Permalink"):
        MetaCsvSource(path).fetch(SINCE)


def test_meta_csv_headers_match_case_and_spacing_and_timezone(tmp_path: Path) -> None:
    path = _write_csv(
        tmp_path,
        "\ufeffPERMALINK ;  publish   TIME;post type;likes\n"
        "https://www.instagram.com/puskesmas.bakung/p/AbcDefGhIjK/?igsh=x;11/16/2026 7:05 PM;"
        "IG video;1.234\n",
    )
    (post,) = MetaCsvSource(path, timezone="Asia/Makassar").fetch(SINCE).posts
    assert post.shortcode == "AbcDefGhIjK"
    assert post.type == "video"
    assert post.likes == 1234
    assert post.posted_at == datetime(2026, 11, 16, 11, 5, tzinfo=UTC)  # WITA is UTC+8


def test_meta_csv_day_first_only_when_the_file_shows_it(tmp_path: Path) -> None:
    path = _write_csv(
        tmp_path,
        "Permalink,Publish time\n"
        "https://www.instagram.com/p/AbcDefGhIj1/,27/11/2026 06:08\n"
        "https://www.instagram.com/p/AbcDefGhIj2/,03/11/2026 06:08\n",
    )
    posts = {p.shortcode: p.posted_at for p in MetaCsvSource(path).fetch(SINCE).posts}
    assert posts["AbcDefGhIj2"] == datetime(2026, 11, 2, 23, 8, tzinfo=UTC)  # 3 Nov WIB
    mixed = _write_csv(
        tmp_path,
        "Permalink,Publish time\n"
        "https://www.instagram.com/p/AbcDefGhIj1/,27/11/2026 06:08\n"
        "https://www.instagram.com/p/AbcDefGhIj2/,11/27/2026 06:08\n",
    )
    with pytest.raises(InputFileError, match="mixes"):
        MetaCsvSource(mixed).fetch(SINCE)


@pytest.mark.parametrize(
    ("column", "value"),
    [("Likes", "lots"), ("Publish time", "tomorrow"), ("Post type", "IG hologram")],
)
def test_meta_csv_bad_value_names_row_and_column(tmp_path: Path, column: str, value: str) -> None:
    row = {
        "Permalink": "https://www.instagram.com/p/AbcDefGhIjK/",
        "Publish time": "11/16/2026 19:00",
    }
    row[column] = value
    header = ",".join(row)
    path = _write_csv(tmp_path, header + "\n" + ",".join(row.values()) + "\n")
    with pytest.raises(InputFileError) as caught:
        MetaCsvSource(path).fetch(SINCE)
    assert "row 2" in str(caught.value) and column in str(caught.value)


def test_meta_csv_utf16_export_and_stories_skipped(tmp_path: Path) -> None:
    path = _write_csv(
        tmp_path,
        "\ufeffPermalink\tPublish time\tPost type\tReach\n"
        "https://www.instagram.com/p/AbcDefGhIjK/\t11/16/2026 19:00\tIG image\t1 204\n"
        "https://www.instagram.com/stories/x/1/\t11/16/2026 20:00\tIG story\t50\n",
        encoding="utf-16-le",
    )
    path.write_bytes(b"\xff\xfe" + path.read_bytes()[2:])  # keep exactly one BOM
    collection = MetaCsvSource(path).fetch(SINCE)
    assert [(p.shortcode, p.reach) for p in collection.posts] == [("AbcDefGhIjK", 1204)]
    assert any("story" in n for n in collection.notes)


def test_meta_csv_caption_starting_with_equals_stays_text(tmp_path: Path) -> None:
    path = _write_csv(
        tmp_path,
        "Permalink,Publish time,Description\nhttps://www.instagram.com/p/AbcDefGhIjK/,"
        '11/16/2026 19:00,"=SEHAT itu pilihan #Germas"\n',
    )
    (post,) = MetaCsvSource(path).fetch(SINCE).posts
    assert post.caption == "=SEHAT itu pilihan #Germas"


# --- helpers ------------------------------------------------------------------------------


def test_extract_hashtags_keeps_case_and_drops_repeats() -> None:
    assert extract_hashtags("Ayo #Germas! #germas #CERDIK,#PuskesmasBakung") == (
        "#Germas",
        "#CERDIK",
        "#PuskesmasBakung",
    )
    assert extract_hashtags("") == ()


def test_post_link() -> None:
    assert post_link("AbcDefGhIjK", "reels") == "https://www.instagram.com/reel/AbcDefGhIjK/"
    assert post_link("AbcDefGhIjK", "carousel") == "https://www.instagram.com/p/AbcDefGhIjK/"


# --- the bundled demo snapshot ------------------------------------------------------------

DEMO_DIR = Path(__file__).resolve().parent.parent / "postme" / "data" / "demo_instagram"


def test_demo_snapshot_reads_offline() -> None:
    import re

    taken = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)
    collection = JsonDirSource(DEMO_DIR, username="puskesmas.sukamaju", taken_at=taken).fetch(
        datetime(2026, 10, 19, tzinfo=ZoneInfo("Asia/Jakarta"))
    )
    assert collection.notes == ()
    assert collection.account is not None
    assert (collection.account.followers, collection.account.posts) == (2486, 312)
    posts = collection.posts
    assert len(posts) == 25
    weeks = {p.posted_at.astimezone(ZoneInfo("Asia/Jakarta")).isocalendar()[:2] for p in posts}
    assert weeks == {(2026, w) for w in range(43, 48)}
    assert {p.type for p in posts} == {"photo", "video", "carousel", "reels"}
    assert all(re.fullmatch(r"Demo[A-Z]{3}\d{4}", p.shortcode) for p in posts)
    assert all(p.views is not None for p in posts if p.type in ("video", "reels"))
    assert sum(p.caption.startswith("=") for p in posts) == 1
    assert all("#PuskesmasSukamaju" in p.hashtags for p in posts)


def test_demo_generator_matches_the_committed_snapshot(tmp_path: Path) -> None:
    from make_demo_instagram import build

    since = datetime(2026, 10, 1, tzinfo=UTC)
    fresh = JsonDirSource(build(tmp_path / "demo"), taken_at=since).fetch(since)
    committed = JsonDirSource(DEMO_DIR, taken_at=since).fetch(since)
    assert fresh == committed
    assert sorted(p.name for p in (tmp_path / "demo").iterdir()) == sorted(
        p.name for p in DEMO_DIR.iterdir()
    )
