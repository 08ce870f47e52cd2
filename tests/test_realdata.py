"""What postme reads from files that real tools wrote (tests/data/realdata, provenance in
its README): Meta Business Suite exports of a US account and instaloader metadata from
public repositories. Times are checked in the team's zone (Asia/Jakarta, UTC+7), every
row is accounted for (read, or skipped with the reason in a note)."""

from __future__ import annotations

import csv
import lzma
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from postme.errors import InputFileError
from postme.instagram.jsondir import JsonDirSource
from postme.instagram.meta_csv import MetaCsvSource, PublishZone, shortcode_created_at

REALDATA = Path(__file__).parent / "data" / "realdata"
META = REALDATA / "meta"
INSTALOADER = REALDATA / "instaloader"
POSTS_SPRING = META / "Post_Feb-01-2025_Apr-30-2025_872994255236814.csv"
POSTS_WINTER = META / "Post_Nov-01-2024_Jan-31-2025_25223838703951561.csv"
STORIES = META / "Story_Nov-01-2025_Dec-04-2025_1580503163303421.csv"
FACEBOOK = META / "FB_Jan-01-2024_Dec-31-2024_1509169891251840.sample.csv"
REEL_1790 = INSTALOADER / "2023-06-10_01-16-16_UTC.json.xz"
REEL_SIRFPV = INSTALOADER / "2023-06-22_09-57-15_UTC.json.xz"
PROFILE = INSTALOADER / "instagram_25025320.json.xz"

JAKARTA = ZoneInfo("Asia/Jakarta")
EVER = datetime(2000, 1, 1, tzinfo=UTC)
ACCOUNT = "atu_business"


pytestmark = pytest.mark.usefixtures("no_network")


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _wib(moment: datetime) -> str:
    return moment.astimezone(JAKARTA).strftime("%Y-%m-%d %H:%M")


def test_every_real_file_is_tested_here() -> None:
    tested = {POSTS_SPRING, POSTS_WINTER, STORIES, FACEBOOK, REEL_1790, REEL_SIRFPV, PROFILE}
    present = {p for p in REALDATA.rglob("*") if p.is_file() and p.name != "README.md"}
    assert present == tested
    assert "tylerparker22/work_to_show" in (REALDATA / "README.md").read_text(encoding="utf-8")


# --- Meta "Post" exports ------------------------------------------------------------------


def test_spring_export_reads_every_post_of_the_account_in_the_teams_zone() -> None:
    source = MetaCsvSource(POSTS_SPRING, timezone="Asia/Jakarta", username=ACCOUNT)
    collection = source.fetch(EVER)
    rows = _rows(POSTS_SPRING)
    ours = [r for r in rows if r["Account username"] == ACCOUNT]
    assert (len(rows), len(ours)) == (50, 30)
    assert len(collection.posts) == 30
    assert {p.link for p in collection.posts} == {r["Permalink"] for r in ours}
    # Publish time is US Pacific (PDT in April): 04/30/2025 13:36 is 20:36 UTC, the next
    # morning in Jakarta.
    newest = collection.posts[0]
    assert newest.shortcode == "DJFZK2IxaWw" and newest.type == "reels"
    assert _wib(newest.posted_at) == "2025-05-01 03:36"
    assert (newest.views, newest.likes, newest.shares, newest.comments, newest.saves) == (
        3125,
        80,
        5,
        1,
        3,
    )
    assert newest.reach == 1732
    assert source.publish_zone == PublishZone("America/Los_Angeles", checked=49, matched=48)
    assert collection.notes[0] == (
        "Post_Feb-01-2025_Apr-30-2025_872994255236814.csv: Publish time is "
        "America/Los_Angeles time (checked against the creation time in 48 of 49 post "
        "links); converted to the team's time zone Asia/Jakarta."
    )


def test_spring_export_skips_metas_error_row_with_its_content_id() -> None:
    collection = MetaCsvSource(POSTS_SPRING).fetch(EVER)
    assert len(collection.posts) == 49  # 50 rows, one of them Meta's error
    assert (
        "Meta wrote an error instead of figures in 1 row(s) (content ids 17981441249667255); "
        "they were skipped. Export again later to get their figures." in collection.notes
    )
    assert any(
        n.startswith("The export holds several accounts (_livjohnson34,") for n in collection.notes
    )


def test_spring_export_counts_the_rows_of_other_accounts() -> None:
    collection = MetaCsvSource(POSTS_SPRING, username="@ATU_Business").fetch(EVER)
    assert (
        "19 row(s) of other accounts (_livjohnson34, ashley_.m, atuagriculture_tourism, "
        "atufbla, go2atu, josiahhcarterr, karson.hutchins, mekkybliss_, savannah.g.rodriguez) "
        "were not read: [instagram] username is atu_business." in collection.notes
    )


def test_real_posts_are_published_minutes_after_their_shortcode_was_made() -> None:
    """The check independent of the detection: each post's time as read lies just after the
    creation time its shortcode encodes (Publish time has whole minutes, hence -1). Two
    posts of 87 do not: one published 25 minutes after creation (scheduled), one whose
    Publish time is 6 hours before its creation (Meta's figure; not an hour of zone)."""
    late = []
    for path in (POSTS_SPRING, POSTS_WINTER):
        for post in MetaCsvSource(path).fetch(EVER).posts:
            created = shortcode_created_at(post.shortcode)
            assert created is not None
            delay = post.posted_at - created
            if not timedelta(minutes=-1) <= delay <= timedelta(minutes=20):
                late.append((post.shortcode, round(delay.total_seconds() / 60)))
    assert late == [("DI1aFQzxmsG", 25), ("DHhLnIHRgRu", -361)]


def test_winter_export_is_right_on_both_sides_of_the_us_daylight_saving_change() -> None:
    source = MetaCsvSource(POSTS_WINTER, timezone="Asia/Jakarta")
    collection = source.fetch(EVER)
    assert len(collection.posts) == 38 == len(_rows(POSTS_WINTER))
    assert source.publish_zone == PublishZone("America/Los_Angeles", checked=38, matched=38)
    times = {p.shortcode: p.posted_at for p in collection.posts}
    # 11/01/2024 10:30, before the change on 3 Nov: PDT (UTC-7) → 17:30 UTC → 00:30 WIB.
    assert _wib(times["DB1lJqhvGbj"]) == "2024-11-02 00:30"
    # 01/30/2025 10:00, after it: PST (UTC-8) → 18:00 UTC → 01:00 WIB.
    assert _wib(times["DFdXuJwPrwO"]) == "2025-01-31 01:00"
    before = [p for p in collection.posts if p.posted_at < datetime(2024, 11, 3, 10, tzinfo=UTC)]
    assert len(before) == 2
    for post in collection.posts:  # one hour off on either side would show here
        created = shortcode_created_at(post.shortcode)
        assert created is not None
        assert timedelta(minutes=-1) <= post.posted_at - created < timedelta(minutes=20)


def test_winter_export_with_the_account_filter() -> None:
    collection = MetaCsvSource(POSTS_WINTER, username=ACCOUNT).fetch(EVER)
    assert len(collection.posts) == 20
    assert any(
        n.startswith("18 row(s) of other accounts (_livjohnson34,") for n in collection.notes
    )
    assert collection.account is None  # the export has no follower count


def test_teams_zone_changes_only_the_note_not_the_moment() -> None:
    jakarta = MetaCsvSource(POSTS_WINTER, timezone="Asia/Jakarta").fetch(EVER)
    makassar = MetaCsvSource(POSTS_WINTER, timezone="Asia/Makassar").fetch(EVER)
    assert [p.posted_at for p in jakarta.posts] == [p.posted_at for p in makassar.posts]
    assert makassar.notes[0].endswith("converted to the team's time zone Asia/Makassar.")


# --- Meta "Story" export ------------------------------------------------------------------


def test_story_export_reads_every_story_with_its_story_figures() -> None:
    source = MetaCsvSource(STORIES, timezone="Asia/Jakarta", username=ACCOUNT)
    collection = source.fetch(EVER)
    assert len(collection.posts) == 26 == len(_rows(STORIES))
    assert {p.type for p in collection.posts} == {"story"}
    assert all(p.link == "" for p in collection.posts)
    stories = {p.shortcode: p for p in collection.posts}
    pizza = stories["story-17948379702024729"]
    # 11/03/2025 09:42, PST (the US change was on 2 Nov 2025) → 17:42 UTC → 00:42 WIB.
    assert _wib(pizza.posted_at) == "2025-11-04 00:42"
    assert pizza.caption.startswith("WHO SAID WE CAN")
    assert (pizza.views, pizza.reach, pizza.likes, pizza.shares) == (461, 355, 3, 9)
    assert (pizza.profile_visits, pizza.replies, pizza.sticker_taps, pizza.navigation) == (
        3,
        0,
        None,
        403,
    )
    assert pizza.link_clicks is None
    with_stickers = stories["story-18017182985619017"]
    assert (with_stickers.sticker_taps, with_stickers.navigation) == (2, 351)
    # No permalink, so nothing to check the zone against: US Pacific, said so.
    assert source.publish_zone == PublishZone("America/Los_Angeles", checked=0, matched=0)
    assert collection.notes[0] == (
        "Story_Nov-01-2025_Dec-04-2025_1580503163303421.csv: no post link to check Publish "
        "time against; it was read as America/Los_Angeles time (Meta writes its exports in "
        "US Pacific time) and converted to the team's time zone Asia/Jakarta."
    )


# --- Facebook Page export -----------------------------------------------------------------


def test_facebook_page_export_is_refused_with_the_way_to_export_instagram() -> None:
    with pytest.raises(InputFileError) as caught:
        MetaCsvSource(FACEBOOK).fetch(EVER)
    message = str(caught.value)
    assert "is a Facebook Page export" in message
    assert "choose Instagram as the platform and export again" in message


# --- instaloader metadata -----------------------------------------------------------------


def _folder(tmp_path: Path, *files: Path) -> Path:
    folder = tmp_path / "ig"
    folder.mkdir()
    for path in files:
        shutil.copy2(path, folder / path.name)
    return folder


@pytest.mark.parametrize(
    ("path", "owner", "shortcode", "wib", "likes", "views"),
    [
        (REEL_1790, "motivation_wallah_", "CtSoNueAswy", "2023-06-10 08:16", 743071, 4600436),
        (REEL_SIRFPV, "sirfpv", "CtybwGjJzwe", "2023-06-22 16:57", 2846681, 35661590),
    ],
)
def test_instaloader_reel(
    tmp_path: Path, path: Path, owner: str, shortcode: str, wib: str, likes: int, views: int
) -> None:
    collection = JsonDirSource(_folder(tmp_path, path), username=owner).fetch(EVER)
    (post,) = collection.posts
    assert (post.shortcode, post.type, post.likes, post.views) == (shortcode, "reels", likes, views)
    assert _wib(post.posted_at) == wib  # the file name is the UTC time instaloader saved
    created = shortcode_created_at(shortcode)
    assert created is not None and abs(post.posted_at - created) < timedelta(minutes=20)
    assert collection.notes == (
        f"No profile file for {owner} in {tmp_path / 'ig'}: follower figures were not collected.",
    )


def test_instaloader_profile_without_a_post_count(tmp_path: Path) -> None:
    collection = JsonDirSource(_folder(tmp_path, PROFILE)).fetch(EVER)
    assert collection.account is not None
    assert collection.account.username == "instagram"
    assert collection.account.followers == 686333781
    assert collection.account.posts is None
    assert collection.posts == ()


def test_instaloader_reels_of_two_owners_without_a_profile_are_noted(tmp_path: Path) -> None:
    collection = JsonDirSource(_folder(tmp_path, REEL_1790, REEL_SIRFPV)).fetch(EVER)
    assert len(collection.posts) == 2
    assert collection.notes == (
        f"No profile file in {tmp_path / 'ig'}: follower figures were not collected.",
        "The folder holds posts of several accounts (motivation_wallah_, sirfpv) and no "
        "profile file to say whose it is; all were read. Set [instagram] username to keep one.",
    )
    assert all("?" not in note for note in collection.notes)


def test_instaloader_folder_with_the_profile_keeps_its_posts_only(tmp_path: Path) -> None:
    folder = _folder(tmp_path, REEL_1790, REEL_SIRFPV, PROFILE)
    collection = JsonDirSource(folder).fetch(EVER)
    assert collection.posts == ()
    assert collection.account is not None and collection.account.username == "instagram"
    assert collection.notes == (
        "2 post files of other accounts (motivation_wallah_, sirfpv) were ignored.",
    )


def test_instaloader_duplicates_and_stray_files(tmp_path: Path) -> None:
    folder = _folder(tmp_path, REEL_1790, PROFILE)
    # The same reel and the same profile also saved uncompressed, plus files that are not
    # instaloader's: a sample and a config.
    for path in (REEL_1790, PROFILE):
        (folder / path.name.removesuffix(".xz")).write_bytes(lzma.decompress(path.read_bytes()))
    (folder / "sample.json").write_text('[{"id": 1, "caption": "x"}]', encoding="utf-8")
    (folder / "config.json").write_text('{"username": "someone"}', encoding="utf-8")
    (folder / "tsconfig.json").write_text("{ // comments: not JSON\n}", encoding="utf-8")
    (folder / "2023-06-10_01-16-16_UTC_comments.json").write_text("[]", encoding="utf-8")

    collection = JsonDirSource(folder, username="motivation_wallah_").fetch(EVER)
    assert [p.shortcode for p in collection.posts] == ["CtSoNueAswy"]
    notes = collection.notes
    assert (
        notes[0]
        == "Files that are not instaloader metadata were skipped: config.json, sample.json, "
        "tsconfig.json."
    )
    assert (
        "2023-06-10_01-16-16_UTC.json.xz: post CtSoNueAswy appears twice in the folder; read once."
        in notes
    )
    assert not any("comments" in note for note in notes)

    # Without a username the one profile (saved twice) is the account, read once.
    collection = JsonDirSource(folder).fetch(EVER)
    assert collection.account is not None and collection.account.username == "instagram"
    assert any(
        n.startswith("The profile instagram is in the folder more than once (")
        for n in collection.notes
    )


# --- into the planner ---------------------------------------------------------------------


def test_story_export_is_written_as_story_rows_with_their_figures(tmp_path: Path) -> None:
    import openpyxl

    from postme.config import load_config
    from postme.jobs import run_collect
    from postme.stores.base import TabRequest
    from postme.stores.xlsx import XlsxStore

    book = openpyxl.Workbook()
    book.active.title = "Kalender Konten"
    book.active.append(["Tanggal", "Program", "Status"])
    book.save(tmp_path / "planner.xlsx")
    (tmp_path / "postme.toml").write_text(
        '[sheet]\npath = "planner.xlsx"\n[instagram]\nusername = "atu_business"\n'
        "window_weeks = 6\n",
        encoding="utf-8",
    )
    settings = load_config(tmp_path / "postme.toml", env={})
    source = MetaCsvSource(STORIES, settings.timezone, settings.instagram.username)
    as_of = datetime(2025, 12, 5).date()
    result = run_collect(settings, source, as_of, now=datetime(2025, 12, 5, 8, tzinfo=JAKARTA))

    assert result.summary is not None and result.summary.posts_new == 26
    tab = XlsxStore(tmp_path / "planner.xlsx").read([TabRequest("Metrik Postingan")])
    found = tab["Metrik Postingan"]
    assert found is not None
    rows = [dict(zip(found.headers, row.values, strict=False)) for row in found.rows]
    assert found.headers[-5:] == (
        "Balasan",
        "Klik Tautan",
        "Kunjungan Profil",
        "Ketukan Stiker",
        "Navigasi",
    )
    pizza = next(row for row in rows if row["Shortcode"] == "story-17948379702024729")
    assert pizza["Jenis"] == "story"
    assert pizza["Link"] is None
    assert pizza["Waktu Posting"] == "2025-11-04 00:42"  # in the team's zone
    assert (pizza["Tayangan"], pizza["Jangkauan"], pizza["Navigasi"], pizza["Balasan"]) == (
        461,
        355,
        403,
        0,
    )
    assert pizza["Ketukan Stiker"] is None  # blank in the export: not a zero
