"""The offline Instagram sources: a folder of instaloader metadata files and a Meta
Business Suite CSV export, plus the shared record helpers. The network is refused."""

from __future__ import annotations

import json
import lzma
import os
import shutil
from datetime import UTC, date, datetime, timedelta
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
from fakes.network import NetworkUsed

from postme.errors import ExitCode, InputFileError
from postme.instagram.base import extract_hashtags, post_link
from postme.instagram.jsondir import JsonDirSource
from postme.instagram.meta_csv import MetaCsvSource, PublishZone

BAKUNG_DIR = DATA_DIR / BAKUNG
META_DIR = DATA_DIR / "meta"
SINCE = datetime(2026, 11, 2, tzinfo=ZoneInfo("Asia/Jakarta"))  # Monday of 2026-W45


pytestmark = pytest.mark.usefixtures("no_network")


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
    with pytest.raises(ValueError, match="since must be timezone-aware"):
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


def test_meta_csv_unknown_column_is_ignored_with_a_note(tmp_path: Path) -> None:
    path = _write_csv(
        tmp_path,
        "Permalink,Publish time,Likes,Engagement\n"
        "https://www.instagram.com/p/AbcDefGhIjK/,11/16/2026 19:00,5,9\n",
    )
    collection = MetaCsvSource(path).fetch(SINCE)
    assert [(p.shortcode, p.likes) for p in collection.posts] == [("AbcDefGhIjK", 5)]
    assert "export.csv: columns postme does not use were ignored: Engagement." in collection.notes


def test_meta_csv_missing_required_columns_are_named_with_the_fix(tmp_path: Path) -> None:
    path = _write_csv(tmp_path, "Publish time,Likes\n11/16/2026 19:00,5\n")
    with pytest.raises(InputFileError, match='"Permalink" are missing. Export the content'):
        MetaCsvSource(path).fetch(SINCE)
    path = _write_csv(tmp_path, "Views,Likes\n5,5\n")
    with pytest.raises(InputFileError, match='"Publish time", "Permalink" are missing'):
        MetaCsvSource(path).fetch(SINCE)
    story = _write_csv(tmp_path, "Permalink,Replies,Navigation\n,1,2\n")
    with pytest.raises(InputFileError, match='"Publish time", "Post ID" are missing'):
        MetaCsvSource(story).fetch(SINCE)


def test_meta_csv_headers_match_case_and_spacing_and_timezone(tmp_path: Path) -> None:
    path = _write_csv(
        tmp_path,
        "\ufeffPERMALINK ;  publish   TIME;post type;likes\n"
        "https://www.instagram.com/puskesmas.bakung/p/AbcDefGhIjK/?igsh=x;11/16/2026 7:05 PM;"
        "IG video;1.234\n",
    )
    collection = MetaCsvSource(path, timezone="Asia/Makassar").fetch(SINCE)
    (post,) = collection.posts
    assert post.shortcode == "AbcDefGhIjK"
    assert post.type == "video"
    assert post.likes == 1234
    # A made-up shortcode tells nothing: Publish time is read as US Pacific (PST, UTC-8).
    assert post.posted_at == datetime(2026, 11, 17, 3, 5, tzinfo=UTC)
    assert collection.notes[0] == (
        "export.csv: no post link to check Publish time against; it was read as "
        "America/Los_Angeles time (Meta writes its exports in US Pacific time) and converted "
        "to the team's time zone Asia/Makassar."
    )


def test_meta_csv_day_first_only_when_the_file_shows_it(tmp_path: Path) -> None:
    path = _write_csv(
        tmp_path,
        "Permalink,Publish time\n"
        "https://www.instagram.com/p/AbcDefGhIj1/,27/11/2026 06:08\n"
        "https://www.instagram.com/p/AbcDefGhIj2/,03/11/2026 06:08\n",
    )
    posts = {p.shortcode: p.posted_at for p in MetaCsvSource(path).fetch(SINCE).posts}
    assert posts["AbcDefGhIj2"] == datetime(2026, 11, 3, 14, 8, tzinfo=UTC)  # 3 Nov PST
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


# --- Publish time: the zone found from shortcodes -----------------------------------------

_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_MEDIA_EPOCH = datetime(2011, 8, 24, 21, 7, 1, 721000, tzinfo=UTC)


def shortcode_made_at(created: datetime, sequence: int = 1) -> str:
    """A shortcode as Instagram makes it: the media id (milliseconds since Instagram's epoch
    shifted left by 23 bits, a sequence in the low bits) in base 64, 11 characters."""
    media_id = (int((created - _MEDIA_EPOCH).total_seconds() * 1000) << 23) | sequence
    digits = []
    while media_id:
        media_id, digit = divmod(media_id, 64)
        digits.append(_ALPHABET[digit])
    return "".join(reversed(digits)).rjust(11, "A")


def test_shortcode_made_at_round_trips_through_the_reader() -> None:
    from postme.instagram.meta_csv import shortcode_created_at

    moment = datetime(2026, 11, 16, 11, 58, 30, 125000, tzinfo=UTC)
    assert shortcode_created_at(shortcode_made_at(moment)) == moment
    assert shortcode_created_at("DJFZK2IxaWw") == datetime(
        2025, 4, 30, 20, 33, 23, 178000, tzinfo=UTC
    )  # a real reel, published "04/30/2025 13:36" Pacific
    assert shortcode_created_at("not a code!") is None


def _pacific_rows(
    moments: list[datetime], zone: str, account: str = "puskesmas.bakung"
) -> list[list[str]]:
    rows = []
    for number, moment in enumerate(moments, start=1):
        code = shortcode_made_at(moment - timedelta(minutes=2), number)
        local = moment.astimezone(ZoneInfo(zone)).strftime("%m/%d/%Y %H:%M")
        rows.append([account, local, f"https://www.instagram.com/p/{code}/", "IG image", "5"])
    return rows


def _meta_csv(tmp_path: Path, rows: list[list[str]], name: str = "export.csv") -> Path:
    lines = ["Account username,Publish time,Permalink,Post type,Likes"]
    lines += [",".join(row) for row in rows]
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    return path


@pytest.mark.parametrize(
    ("zone", "moments"),
    [
        # US Pacific across its change on 1 Nov 2026: PDT then PST.
        (
            "America/Los_Angeles",
            [datetime(2026, 10, 30, 12, tzinfo=UTC), datetime(2026, 11, 5, 12, tzinfo=UTC)],
        ),
        # An export that would be in the team's own zone is read as such.
        ("Asia/Jakarta", [datetime(2026, 11, 10, 12, tzinfo=UTC)] * 3),
        # A zone postme has no reason to expect, found all the same.
        ("America/New_York", [datetime(2026, 3, 1, 15, tzinfo=UTC)] * 2),
    ],
)
def test_publish_time_zone_is_found_from_the_shortcodes(
    tmp_path: Path, zone: str, moments: list[datetime]
) -> None:
    path = _meta_csv(tmp_path, _pacific_rows(moments, zone))
    source = MetaCsvSource(path, timezone="Asia/Jakarta")
    collection = source.fetch(datetime(2026, 1, 1, tzinfo=UTC))
    assert len(collection.posts) == len(moments)
    assert {p.posted_at for p in collection.posts} == set(moments)
    assert source.publish_zone is not None and source.publish_zone.zone == zone
    assert collection.notes[0] == (
        f"export.csv: Publish time is {zone} time (checked against the creation time in "
        f"{len(moments)} of {len(moments)} post links); converted to the team's time zone "
        "Asia/Jakarta."
    )


def test_publish_time_zone_by_the_majority_or_pacific_when_none(tmp_path: Path) -> None:
    moment = datetime(2026, 11, 10, 12, tzinfo=UTC)
    since = datetime(2026, 1, 1, tzinfo=UTC)
    rows = _pacific_rows([moment], "Asia/Jakarta") + _pacific_rows(
        [moment + timedelta(hours=1), moment + timedelta(hours=2)], "Europe/Berlin"
    )
    source = MetaCsvSource(_meta_csv(tmp_path, rows))
    source.fetch(since)
    assert source.publish_zone == PublishZone("Europe/Berlin", checked=3, matched=2)
    # Three rows, three zones: no majority, so US Pacific, and the note says why.
    rows = [
        *_pacific_rows([moment], "Asia/Jakarta"),
        *_pacific_rows([moment + timedelta(hours=1)], "Europe/Berlin"),
        *_pacific_rows([moment + timedelta(hours=2)], "America/New_York"),
    ]
    source = MetaCsvSource(_meta_csv(tmp_path, rows, "mixed.csv"))
    collection = source.fetch(since)
    assert source.publish_zone == PublishZone("America/Los_Angeles", checked=3, matched=0)
    assert collection.notes[0].startswith(
        "mixed.csv: the post links do not agree on the time zone of Publish time; it was "
        "read as America/Los_Angeles time"
    )


def test_meta_error_rows_are_skipped_and_named(tmp_path: Path) -> None:
    path = _write_csv(
        tmp_path,
        "Permalink,Publish time,Data comment,Likes\n"
        ",,An error occurred while computing metadata for content with ID 111. An error "
        "occurred while computing metrics.,\n"
        "https://www.instagram.com/p/AbcDefGhIjK/,11/16/2026 19:00,,5\n"
        ",,An error occurred while computing metadata for content with ID 222.,\n",
    )
    collection = MetaCsvSource(path).fetch(SINCE)
    assert [p.shortcode for p in collection.posts] == ["AbcDefGhIjK"]
    assert (
        "Meta wrote an error instead of figures in 2 row(s) (content ids 111, 222); they were "
        "skipped. Export again later to get their figures." in collection.notes
    )


def test_meta_other_accounts_are_counted_not_read(tmp_path: Path) -> None:
    moment = datetime(2026, 11, 10, 12, tzinfo=UTC)
    rows = _pacific_rows([moment, moment], "America/Los_Angeles")
    rows += _pacific_rows([moment] * 2, "America/Los_Angeles", account="mitra.kolab")
    collection = MetaCsvSource(_meta_csv(tmp_path, rows), username="@Puskesmas.Bakung").fetch(SINCE)
    assert len(collection.posts) == 2
    assert (
        "2 row(s) of other accounts (mitra.kolab) were not read: [instagram] username is "
        "puskesmas.bakung." in collection.notes
    )


def test_facebook_header_is_refused(tmp_path: Path) -> None:
    path = _write_csv(tmp_path, "Post ID,Page ID,Page name,Publish time,Permalink\n1,2,x,,\n")
    with pytest.raises(InputFileError, match="is a Facebook Page export") as caught:
        MetaCsvSource(path).fetch(SINCE)
    assert caught.value.exit_code == ExitCode.USAGE


# --- a weekly run on a Meta export --------------------------------------------------------


def _demo_meta_csv(
    folder: Path, settings: Any, *, real_shortcodes: bool
) -> tuple[Path, dict[str, str]]:
    """The demo's posts as Meta Business Suite exports them: Publish time in US Pacific
    time, a collaboration post of another account on a free day, and Meta's error row.
    ``real_shortcodes``: shortcodes made as Instagram makes them (the zone is then found
    from them); otherwise the demo's own (the calendar's links match; Pacific is assumed)."""
    posts = (
        JsonDirSource(folder / "instagram", settings.instagram.username)
        .fetch(datetime(2026, 10, 1, tzinfo=UTC))
        .posts
    )
    pacific = ZoneInfo("America/Los_Angeles")
    header = "Account username,Publish time,Permalink,Post type,Data comment,Views,Likes,Comments"
    lines = [header]
    renamed: dict[str, str] = {}
    kinds = {
        "photo": "IG image",
        "carousel": "IG carousel",
        "video": "IG video",
        "reels": "IG reel",
    }
    for number, post in enumerate(posts, start=1):
        code = shortcode_made_at(post.posted_at - timedelta(minutes=3), number)
        link = post_link(code, post.type) if real_shortcodes else post.link
        renamed[post.link] = link
        local = post.posted_at.astimezone(pacific).strftime("%m/%d/%Y %H:%M")
        lines.append(
            f"{settings.instagram.username},{local},{link},{kinds[post.type]},,"
            f"{post.views or ''},{post.likes},{post.comments}"
        )
    # Saturday 21 Nov 2026, 10:00 WIB: a post of another account on a SIKAKUNG slot.
    collab = datetime(2026, 11, 21, 3, 0, tzinfo=UTC)
    lines.append(
        f"mitra.kolab,{collab.astimezone(pacific):%m/%d/%Y %H:%M},"
        f"https://www.instagram.com/p/{shortcode_made_at(collab - timedelta(minutes=1))}/,"
        "IG image,,,40,2"
    )
    lines.append(
        ",,,,An error occurred while computing metadata for content with ID 17981441249667255.,,,"
    )
    path = folder / "export.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    return path, renamed


def _weekly_outcome(result: Any) -> dict[str, Any]:
    report = result.report.to_json()
    keep = ("planned", "published", "missed", "posts", "likes", "comments", "views")
    return {
        "findings": result.slots.to_json()["findings"],
        "report": {key: report[key] for key in (*keep, "top_program")},
        "by_program": [{k: p[k] for k in ("program", *keep)} for p in report["by_program"]],
    }


@pytest.mark.parametrize("real_shortcodes", [True, False])
def test_weekly_run_on_a_meta_export_puts_each_post_on_its_planned_day_and_slot(
    tmp_path: Path, real_shortcodes: bool
) -> None:
    from postme.config import load_config
    from postme.demo import DEMO_AS_OF, DEMO_CLOCK, prepare_demo, run_demo
    from postme.jobs import run_weekly

    expected, _workbook = run_demo(tmp_path / "from_json")  # the demo's own snapshot
    folder = tmp_path / "from_meta"
    prepare_demo(folder)
    settings = load_config(folder / "postme.toml", env={})
    export, renamed = _demo_meta_csv(folder, settings, real_shortcodes=real_shortcodes)
    # The export is not the team's zone: most Pacific dates are the day before Jakarta's.
    assert "11/18/2026 04:00" in export.read_text(encoding="utf-8-sig")  # Wed 19:00 WIB

    source = MetaCsvSource(export, settings.timezone, settings.instagram.username)
    clock = DEMO_CLOCK.replace(tzinfo=settings.zone)
    result = run_weekly(settings, DEMO_AS_OF, source=source, now=clock, clock_now=clock)

    want = json.dumps(_weekly_outcome(expected))
    for demo_link, link in renamed.items():  # an off-plan post is named by its link
        want = want.replace(demo_link, link)
    assert _weekly_outcome(result) == json.loads(want)
    missed = result.slots.of_kind("missed")
    assert [(f.date, f.program) for f in missed] == [(date(2026, 11, 20), "Obral Ketan")]
    assert result.collect is not None and result.collect.collection is not None
    notes = result.collect.collection.notes
    assert source.publish_zone is not None
    assert source.publish_zone.zone == "America/Los_Angeles"
    assert source.publish_zone.checked == (26 if real_shortcodes else 1)
    assert any(n.startswith("1 row(s) of other accounts (mitra.kolab)") for n in notes)
    assert any("content ids 17981441249667255" in n for n in notes)


def test_the_repeated_hour_of_the_daylight_saving_change_is_told_by_the_shortcode(
    tmp_path: Path,
) -> None:
    # 1 Nov 2026, 01:30 in Los Angeles happens twice: 08:30 UTC (PDT), then 09:30 UTC (PST).
    moments = [datetime(2026, 11, 1, 8, 30, tzinfo=UTC), datetime(2026, 11, 1, 9, 30, tzinfo=UTC)]
    rows = _pacific_rows(moments, "America/Los_Angeles")
    assert rows[0][1] == rows[1][1] == "11/01/2026 01:30"
    collection = MetaCsvSource(_meta_csv(tmp_path, rows)).fetch(datetime(2026, 1, 1, tzinfo=UTC))
    assert sorted(p.posted_at for p in collection.posts) == moments
