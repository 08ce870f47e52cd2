"""The content policy (``docs/rules.md``) on small calendars built in the test."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from fakes.calendar import DEFAULT_HEADERS, make_calendar, make_settings, make_tab
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from postme.calendar import read_calendar
from postme.config import Settings
from postme.i18n import get_language, set_language
from postme.parsing import ParseProblem, contains_phrase, parse_date
from postme.policy import (
    Finding,
    ValidationResult,
    scope_for,
    severities,
    validate,
)
from postme.rules import DEFAULT_SEVERITY, RULE_IDS
from postme.stores.base import Cell, cell_a1

AS_OF = dt.date(2026, 11, 18)  # a Wednesday in 2026-W47; scope 2026-11-09 .. 2026-12-02

CLEAN: dict[str, Cell] = {
    "date": "18/11/2026",
    "time": "19:00",
    "program": "Nice to Know",
    "format": "foto",
    "title": "Cuci tangan pakai sabun",
    "caption": "Cuci tangan pakai sabun selama 20 detik sebelum makan. Yuk biasakan!",
    "hashtags": "#PuskesmasSehat #CuciTangan",
    "creator": "Ani",
    "editor": "Budi",
    "verifier": "Citra",
    "status": "Terupload ✅",
    "link": "https://www.instagram.com/p/C1a2b3c4d5E/",
}
KONDE: dict[str, Cell] = {
    **CLEAN,
    "program": "Konde Emas",
    "title": "Ayo rajin olahraga",
    "caption": "Ayo rajin aktivitas fisik 30 menit sehari! #Germas",
    "hashtags": None,
}


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    before = get_language()
    set_language("en")
    yield
    set_language(before)


def row(**changes: Cell) -> dict[str, Cell]:
    return {**CLEAN, **changes}


def check(
    rows: list[dict[str, Cell]],
    settings: Settings | None = None,
    as_of: dt.date = AS_OF,
    all_rows: bool = False,
    **tab: Any,
) -> ValidationResult:
    settings = settings or make_settings()
    return validate(make_calendar(rows, settings, **tab), settings, as_of, all_rows=all_rows)


def found(result: ValidationResult, rule: str) -> list[Finding]:
    return [f for f in result.findings if f.rule == rule]


def test_a_clean_row_has_no_findings() -> None:
    result = check([row(), dict(KONDE)])
    assert result.findings == ()
    assert result.rows_checked == 2
    assert (result.errors, result.warnings) == (0, 0)


# Each rule: (rule, changes that trigger it, near-miss changes that do not, cell on row 2).
RULES: list[tuple[str, Mapping[str, Cell], Mapping[str, Cell], str]] = [
    ("bad-date", {"date": "31/11/2026"}, {"date": "Rabu, 18 Nopember 2026"}, "A2"),
    ("bad-date", {"date": "besok"}, {"date": 46344}, "A2"),  # serial 46344 = 2026-11-18
    ("bad-time", {"time": "jam tujuh"}, {"time": "7 PM"}, "B2"),
    ("unknown-program", {"program": "Ngobrol Santai"}, {"program": "  nice TO know "}, "C2"),
    ("unknown-status", {"status": "sudah di post"}, {"status": "  SUDAH upload!! "}, "K2"),
    ("unknown-format", {"format": "tiktok"}, {"format": "Karosel"}, "D2"),
    ("missing-field", {"status": "siap review", "caption": None}, {"status": "rencana"}, "F2"),
    ("missing-field", {"date": None}, {"date": "2026-11-18"}, "A2"),
    ("missing-field", {"program": None}, {"program": "NTK"}, "C2"),
    ("missing-field", {"link": None}, {"status": "disetujui", "link": None}, "L2"),
    (
        "caption-too-long",
        {"caption": "a" * 2201, "hashtags": None},
        {"caption": "a" * 2200, "hashtags": None},
        "F2",
    ),
    (
        "caption-too-long",
        {"caption": "a" * 2190, "hashtags": "#PuskesmasSehat"},
        {"caption": "a" * 2184, "hashtags": "#PuskesmasSehat"},  # 2184 + 1 + 15 = 2200
        "F2",
    ),
    ("too-many-hashtags", {"hashtags": "#a1 #a2 #a3 #a4 #a5 #a6"}, {"hashtags": "#a1 #a2"}, "G2"),
    (
        "too-many-hashtags",
        {"caption": "Halo #a1 #a2 #a3", "hashtags": "#a4 #a5 #a6"},
        {"caption": "Halo #a1 #A2 #a3", "hashtags": "#a1 #a2 #a3 #a4 #a5"},  # 5 distinct
        "G2",
    ),
    (
        "too-many-mentions",
        {"caption": " ".join(f"@user{i}" for i in range(21))},
        {"caption": " ".join(f"@user{i}" for i in range(20)) + " @USER0 admin@puskesmas.id"},
        "F2",
    ),
    (
        "banned-phrase",
        {"caption": "Minum jamu ini, Dijamin   SEMBUH dalam sehari"},
        {"caption": "Tidak ada obat yang dijamin menyembuhkan, periksa ke dokter"},
        "F2",
    ),
    ("banned-phrase", {"title": "Obat ajáib untuk flu"}, {"title": "Obatnya ajaib?"}, "E2"),
    ("banned-phrase", {"caption": "Jamu 100% AMPUH!"}, {"caption": "Jamu 100% ampuhnya?"}, "F2"),
    ("self-verified", {"creator": "Ani, Budi", "verifier": "budi"}, {"creator": "Ani"}, "J2"),
    ("self-verified", {"creator": "Ani dan Budi", "verifier": "ANI"}, {"verifier": "Anita"}, "J2"),
    ("unverified-published", {"verifier": None}, {"verifier": "Dewi"}, "J2"),
    (
        "format-mismatch",
        {"program": "Obral Ketan", "format": "foto"},
        {"program": "SIKAKUNG"},
        "D2",
    ),
    ("format-mismatch", {"program": "Info Grafis", "format": "reels"}, {"format": "slide"}, "D2"),
    ("outside-hours", {"time": "22:00"}, {"time": "21:00"}, "B2"),
    ("outside-hours", {"time": "05.59"}, {"time": 0.25}, "B2"),  # 0.25 day = 06:00
    ("bad-link", {"link": "https://drive.google.com/file/d/abc"}, {}, "L2"),
    (
        "bad-link",
        {"link": "instagram.com/puskesmas"},
        {"link": "instagram.com/reel/Cxyz12345"},
        "L2",
    ),
]


@pytest.mark.parametrize(("rule", "trigger", "near_miss", "cell"), RULES)
def test_rule_fires_and_near_miss_does_not(
    rule: str, trigger: Mapping[str, Cell], near_miss: Mapping[str, Cell], cell: str
) -> None:
    hit = found(check([row(**trigger)]), rule)
    assert [f.cell for f in hit] == [cell]
    assert hit[0].row == 2
    expected = DEFAULT_SEVERITY[rule]
    assert hit[0].severity == expected
    assert found(check([row(**near_miss)]), rule) == []


def test_konde_emas_needs_germas_and_a_cerdik_word() -> None:
    no_tag = check([{**KONDE, "caption": "Ayo rajin aktivitas fisik 30 menit sehari!"}])
    assert [(f.rule, f.cell) for f in no_tag.findings] == [("missing-hashtag", "F2")]
    assert "#Germas" in no_tag.findings[0].message
    lower = check([{**KONDE, "caption": "Ayo rajin aktivitas fisik! #germas"}])
    assert found(lower, "missing-hashtag") == []
    # The tag may sit in the hashtags column instead.
    column = check([{**KONDE, "caption": "Ayo berolahraga!", "hashtags": "#GERMAS"}])
    assert column.findings == ()


def test_global_required_hashtags_and_per_programme_ones_add_up() -> None:
    settings = make_settings(policy={"required_hashtags": ["PuskesmasSehat", "#SehatItuMudah"]})
    result = check([{**KONDE, "caption": "Ayo berolahraga #puskesmassehat"}], settings)
    [finding] = found(result, "missing-hashtag")
    assert "#SehatItuMudah" in finding.message and "#Germas" in finding.message
    assert "#PuskesmasSehat" not in finding.message.split("Add it")[0]
    assert (
        found(
            check([row(caption=None, hashtags=None, status="rencana")], settings), "missing-hashtag"
        )
        == []
    )


def test_cerdik_missing() -> None:
    plain = {**KONDE, "title": "Jaga jantung", "caption": "Jaga kesehatan jantung Anda #Germas"}
    [finding] = found(check([plain]), "cerdik-missing")
    assert (finding.cell, finding.severity) == ("F2", "warning")
    assert "Jaga kesehatan jantung" in finding.message
    for text in ("Stop MEROKOK sekarang #Germas", "Tidur cukup 8 jam #Germas", "Diet seimbang"):
        assert found(check([{**plain, "caption": text}]), "cerdik-missing") == [], text
    assert found(check([{**plain, "title": "Kelola stres di kantor"}]), "cerdik-missing") == []
    # Other programmes are not asked for CERDIK.
    assert found(check([{**plain, "program": "SIKAKUNG"}]), "cerdik-missing") == []


def test_too_many_hashtags_is_an_error_above_instagrams_cap_of_five() -> None:
    five = "#a #b #c #d #e"
    assert found(check([row(hashtags=five)]), "too-many-hashtags") == []
    [error] = found(check([row(hashtags=five + " #f")]), "too-many-hashtags")
    assert error.severity == "error" and "6" in error.message and "5" in error.message
    roomy = make_settings(policy={"max_hashtags": 10})
    assert found(check([row(hashtags=five + " #f")], roomy), "too-many-hashtags") == []


def test_configs_with_the_old_two_hashtag_limits_still_load() -> None:
    old = make_settings(policy={"hashtags_warn_above": 7, "hashtags_error_above": 30})
    assert old.policy.max_hashtags == 7
    seven = "#a #b #c #d #e #f #g"
    assert found(check([row(hashtags=seven)], old), "too-many-hashtags") == []
    [hit] = found(check([row(hashtags=seven + " #h")], old), "too-many-hashtags")
    assert hit.severity == "error"


def test_generic_hashtags_are_a_warning() -> None:
    [hit] = found(check([row(hashtags="#Germas #FYP #viral")]), "generic-hashtag")
    assert hit.severity == "warning" and hit.message.startswith("#FYP #viral:")
    assert found(check([row(hashtags="#Germas #sehat")]), "generic-hashtag") == []
    own = make_settings(policy={"generic_hashtags": ["#sehat"]})
    [own_hit] = found(check([row(hashtags="#Germas #sehat #FYP")], own), "generic-hashtag")
    assert own_hit.message.startswith("#sehat:")


def test_hashtags_only_in_the_caption_are_reported_on_the_caption() -> None:
    caption = "Halo " + " ".join(f"#t{i}" for i in range(7))
    [finding] = found(check([row(caption=caption, hashtags=None)]), "too-many-hashtags")
    assert finding.cell == "F2" and finding.value == caption


def test_caption_length_counts_characters_not_bytes() -> None:
    emoji = "😷" * 2200
    assert found(check([row(caption=emoji, hashtags=None)]), "caption-too-long") == []
    [finding] = found(check([row(caption=emoji + "!", hashtags=None)]), "caption-too-long")
    assert "2201" in finding.message and "2200" in finding.message
    limit = make_settings(policy={"caption_max_chars": 50})
    assert found(check([row()], limit), "caption-too-long")[0].cell == "F2"


def test_published_without_verifier_is_one_finding_not_two() -> None:
    result = check([row(verifier=None)])
    assert [(f.rule, f.cell) for f in result.findings] == [("unverified-published", "J2")]
    off = make_settings(policy={"severity": {"unverified-published": "off"}})
    result = check([row(verifier=None)], off)
    assert [(f.rule, f.cell) for f in result.findings] == [("missing-field", "J2")]


def test_missing_field_follows_the_configured_stage_list() -> None:
    settings = make_settings(policy={"required_fields": {"planned": ["title", "time"]}})
    result = check([row(status="rencana", title=None, time=None, caption=None)], settings)
    assert [(f.rule, f.cell) for f in result.findings] == [
        ("missing-field", "B2"),
        ("missing-field", "E2"),
    ]
    assert "Jam" in result.findings[0].message and "'rencana'" in result.findings[0].message


def test_missing_field_skips_a_column_the_sheet_does_not_have() -> None:
    headers = tuple(h for h in DEFAULT_HEADERS if h != "Link")
    data = {k: v for k, v in row().items() if k != "link"}
    result = check([data], headers=headers)
    assert result.findings == ()


def test_cancelled_rows_only_get_unreadable_values() -> None:
    cancelled = row(
        status="batal", caption="Dijamin sembuh", verifier=None, link=None, time="23:00"
    )
    assert check([cancelled]).findings == ()
    result = check([{**cancelled, "date": "31/11/2026", "program": "Lainnya"}])
    assert [f.rule for f in result.findings] == ["bad-date", "unknown-program"]


def test_unknown_status_rows_are_still_checked_for_content() -> None:
    result = check([row(status="???", caption="Pasti sembuh! Cuci tangan pakai sabun ya")])
    assert [f.rule for f in result.findings] == ["banned-phrase", "unknown-status"]


def test_duplicate_caption_names_the_first_row() -> None:
    caption = "Cuci tangan pakai sabun selama 20 detik sebelum makan."
    rows = [
        row(caption=caption),
        row(caption="Jangan lupa sarapan pagi dengan gizi seimbang ya"),
        row(caption="  CUCI tangan pakai   sabun selama 20 detik sebelum makan. "),
        row(caption=caption.upper()),
    ]
    result = check(rows)
    hits = found(result, "duplicate-caption")
    assert [(f.row, f.cell) for f in hits] == [(4, "F4"), (5, "F5")]
    assert all("row 2" in f.message for f in hits)
    assert hits[0].severity == "warning"


def test_duplicate_caption_ignores_short_blank_and_cancelled() -> None:
    rows = [
        row(caption="Selamat pagi!"),
        row(caption="Selamat pagi!"),
        row(caption=None, status="rencana"),
        row(caption=None, status="rencana"),
        row(caption="Ini caption yang dibatalkan lalu dipakai lagi", status="batal"),
        row(caption="Ini caption yang dibatalkan lalu dipakai lagi"),
    ]
    assert found(check(rows), "duplicate-caption") == []


def test_duplicate_of_a_row_outside_the_scope_is_reported_on_the_row_in_scope() -> None:
    caption = "Cuci tangan pakai sabun selama 20 detik sebelum makan."
    rows = [row(date="01/01/2026", caption=caption), row(caption=caption)]
    [hit] = found(check(rows), "duplicate-caption")
    assert hit.row == 3 and "row 2" in hit.message


@pytest.mark.parametrize(
    "link",
    [
        "https://www.instagram.com/p/C1a2b3c4d5E/",
        "https://instagram.com/p/C1a2b3c4d5E",
        "http://www.instagram.com/reel/C1a2b3c4d5E/?igsh=MTc4MmM1YmI2Ng==",
        "https://www.instagram.com/reels/C1a2b3c4d5E/",
        "https://www.instagram.com/tv/B_a-2b3c4d5/",
        "https://www.instagram.com/puskesmas.sehat/p/C1a2b3c4d5E/",
        "https://instagr.am/p/C1a2b3c4d5E/",
        "  www.instagram.com/p/C1a2b3c4d5E/?utm_source=ig_web_copy_link  ",
        "https://m.instagram.com/p/C1a2b3c4d5E/#",
    ],
)
def test_instagram_links_are_accepted(link: str) -> None:
    assert found(check([row(link=link)]), "bad-link") == []


@pytest.mark.parametrize(
    "link",
    [
        "https://www.instagram.com/puskesmas.sehat/",
        "https://www.instagram.com/stories/puskesmas/3123456789/",
        "https://www.instagram.com/p/",
        "https://www.canva.com/design/DAF1234/view",
        "https://evil.example/instagram.com/p/C1a2b3c4d5E/",
        "sudah",
        "https://www.instagram.com/p/C1a2b3c4d5E/ dan https://www.instagram.com/p/Xyz12345/",
    ],
)
def test_other_links_on_published_rows_are_bad(link: str) -> None:
    [hit] = found(check([row(link=link)]), "bad-link")
    assert hit.cell == "L2" and hit.value == link
    # Before publishing, the link column may hold a draft link.
    assert found(check([row(link=link, status="disetujui")]), "bad-link") == []


def test_a_live_row_may_link_to_the_stream() -> None:
    live = "https://www.instagram.com/puskesmas.sehat/live/"
    obral = row(program="Obral Ketan", format="IG Live", link=live)
    assert check([obral]).findings == ()
    [hit] = found(check([row(link=live)]), "bad-link")  # a photo post: not its address
    assert hit.cell == "L2"


def test_published_stories_and_lives_need_no_post_link() -> None:
    story = {**KONDE, "format": "story", "link": None}
    live = row(program="Obral Ketan", format="IG Live", link=None)
    assert check([story, live]).findings == ()
    # A story's own address is fine; a link that is not Instagram's is still flagged.
    story_link = "https://www.instagram.com/stories/puskesmas.sehat/3123456789/"
    assert check([{**story, "link": story_link}]).findings == ()
    canva = {**story, "link": "https://canva.com/design/x"}
    assert [f.rule for f in check([canva]).findings] == ["bad-link"]
    # A feed post still needs its link.
    [missing] = found(check([row(link=None)]), "missing-field")
    assert missing.field == "link"


def test_bad_link_number_cell() -> None:
    [hit] = found(check([row(link=12345)]), "bad-link")
    assert hit.value == 12345 and "'12345'" in hit.message


def test_outside_hours_window_across_midnight() -> None:
    night = make_settings(policy={"posting_window": ["18:00", "02:00"]})
    assert found(check([row(time="23:30")], night), "outside-hours") == []
    assert found(check([row(time="01:00")], night), "outside-hours") == []
    [hit] = found(check([row(time="12:00")], night), "outside-hours")
    assert "18:00" in hit.message and "02:00" in hit.message


def test_outside_hours_shows_a_serial_time_as_clock_time() -> None:
    [hit] = found(check([row(time=23 / 24)]), "outside-hours")
    assert "'23:00'" in hit.message


def test_a_banned_phrase_typed_in_bold_letters_is_found() -> None:
    """Captions are often pasted from Instagram in "bold" Unicode letters."""
    settings = make_settings(policy={"banned_phrases": ["obat ajaib"]})
    [hit] = found(check([row(caption="Ini 𝐎𝐁𝐀𝐓 𝐀𝐉𝐀𝐈𝐁 untuk flu")], settings), "banned-phrase")
    assert "'obat ajaib'" in hit.message


def test_a_programme_and_status_typed_in_bold_letters_are_known() -> None:
    calendar = make_calendar(
        [{"date": "16/11/2026", "program": "𝐍𝐢𝐜𝐞 𝐭𝐨 𝐊𝐧𝐨𝐰", "status": "𝐓𝐞𝐫𝐮𝐩𝐥𝐨𝐚𝐝"}],
        make_settings(),
    )
    (entry,) = calendar.entries
    assert (entry.program, entry.stage) == ("Nice to Know", "published")
    assert calendar.problems == ()


def test_banned_phrases_from_config_and_several_in_one_cell() -> None:
    settings = make_settings(policy={"banned_phrases": ["tanpa efek samping", "Obat Ajaib"]})
    caption = "Obat ajaib, TANPA efek   samping!"
    [hit] = found(check([row(caption=caption)], settings), "banned-phrase")
    assert "'tanpa efek samping'" in hit.message and "'Obat Ajaib'" in hit.message
    assert found(check([row(caption="Pasti sembuh")], settings), "banned-phrase") == []
    none = make_settings(policy={"banned_phrases": []})
    assert found(check([row(caption="Pasti sembuh")], none), "banned-phrase") == []


@given(
    # Pieces that fold differently from how they look (ß → ss, ﬁ → fi, É → e, İ → i̇),
    # joined with and without the spaces that make word boundaries.
    text=st.lists(
        st.sampled_from(
            ["a", "á", "b", "c", "1", "%", "!", "-", "ß", "SS", "ﬁ", "É", "e\u0301", "İ", "ı"]
            + [" ", "\u00a0", "\n", "\t", "100% ampuh", "ÁB"]
            + ["𝐀", "𝐁", "𝐚"]  # bold letters pasted from Instagram
        ),
        max_size=10,
    ).map("".join),
    phrase=st.sampled_from(["a b", "ab", "100% ampuh", "é", "b-c", "ÁB", "!", "ss", "fi", "e"]),
)
@example(text="Obat ß", phrase="ss")
@example(text="ﬁ!", phrase="fi")
@example(text="É", phrase="e")
@example(text="𝐀𝐁", phrase="ab")
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_banned_phrases_are_found_as_contains_phrase_finds_them(text: str, phrase: str) -> None:
    """The checker's fast folding and phrase search agree with ``parsing``'s rule."""
    banned = make_settings(policy={"banned_phrases": [phrase]})
    hits = found(check([row(title="x", caption=text)], banned), "banned-phrase")
    assert bool(hits) == contains_phrase(text, phrase)


# -- severity ------------------------------------------------------------------------------


def test_every_rule_has_a_default_severity() -> None:
    assert set(DEFAULT_SEVERITY) == set(RULE_IDS)
    assert set(DEFAULT_SEVERITY.values()) <= {"error", "warning"}
    assert severities(make_settings()) == DEFAULT_SEVERITY


def test_severity_override_and_off() -> None:
    late = [row(time="22:00")]
    assert found(check(late), "outside-hours")[0].severity == "warning"
    louder = make_settings(policy={"severity": {"outside-hours": "error"}})
    result = check(late, louder)
    assert found(result, "outside-hours")[0].severity == "error"
    assert (result.errors, result.warnings) == (1, 0)
    off = make_settings(policy={"severity": {"outside-hours": "off"}})
    assert check(late, off).findings == ()


def test_severity_override_of_too_many_hashtags() -> None:
    quiet = make_settings(policy={"severity": {"too-many-hashtags": "warning"}})
    tags = " ".join(f"#tag{i}" for i in range(40))
    assert found(check([row(hashtags=tags)], quiet), "too-many-hashtags")[0].severity == "warning"


def test_parse_problems_follow_severity_but_bad_date_is_never_silenced() -> None:
    rows = [row(date="31/11/2026", time="25:00", program="Lainnya")]
    settings = make_settings(
        policy={"severity": {"bad-date": "off", "bad-time": "off", "unknown-program": "off"}}
    )
    result = check(rows, settings)
    assert [(f.rule, f.severity) for f in result.findings] == [
        ("bad-date", "warning"),
        ("bad-time", "warning"),
    ]
    lowered = make_settings(policy={"severity": {"unknown-program": "warning"}})
    assert found(check(rows, lowered), "unknown-program")[0].severity == "warning"


# -- scope ---------------------------------------------------------------------------------


def test_scope_is_previous_iso_week_start_to_14_days_ahead() -> None:
    assert scope_for(dt.date(2026, 11, 18)) == (dt.date(2026, 11, 9), dt.date(2026, 12, 2))
    assert scope_for(dt.date(2026, 11, 16)) == (dt.date(2026, 11, 9), dt.date(2026, 11, 30))
    assert scope_for(dt.date(2026, 11, 22)) == (dt.date(2026, 11, 9), dt.date(2026, 12, 6))
    assert scope_for(dt.date(2027, 1, 1)) == (dt.date(2026, 12, 21), dt.date(2027, 1, 15))


def test_rows_outside_the_scope_are_not_checked_but_bad_dates_are() -> None:
    rows = [
        row(date="08/11/2026", time="23:00"),  # Sunday before the previous week: out
        row(date="09/11/2026", time="23:00"),  # Monday of the previous week: in
        row(date="02/12/2026", time="23:00"),  # as_of + 14: in
        row(date="03/12/2026", time="23:00"),  # out
        row(date="31/11/2026"),  # no date: always in
        row(date="01/01/2020", time="jam 25", program="Lainnya"),  # out, but bad-time shows
    ]
    for number, data in enumerate(rows):
        data["caption"] = f"Caption {number}"
    result = check(rows)
    assert result.scope == (dt.date(2026, 11, 9), dt.date(2026, 12, 2))
    assert result.rows_checked == 3
    assert [(f.rule, f.row) for f in result.findings] == [
        ("outside-hours", 3),
        ("outside-hours", 4),
        ("bad-date", 6),
        ("bad-time", 7),
    ]
    everything = check(rows, all_rows=True)
    assert everything.scope == (None, None)
    assert everything.rows_checked == 6
    assert [(f.rule, f.row) for f in everything.findings] == [
        ("outside-hours", 2),
        ("outside-hours", 3),
        ("outside-hours", 4),
        ("outside-hours", 5),
        ("bad-date", 6),
        ("bad-time", 7),
        ("unknown-program", 7),
    ]


# -- cells, order, JSON ----------------------------------------------------------------------


def test_caption_on_sheet_row_12_is_f12() -> None:
    rows = [row(caption=f"Caption nomor {i} tentang kesehatan gigi") for i in range(10)]
    rows.append(row(caption="Dijamin sembuh"))
    [hit] = found(check(rows), "banned-phrase")
    assert (hit.row, hit.cell) == (12, "F12")


def test_caption_on_sheet_row_12_with_a_title_row_above_the_header() -> None:
    rows = [row(caption=f"Caption nomor {i} tentang kesehatan gigi") for i in range(8)]
    rows.append(row(caption="Dijamin sembuh"))
    result = check(rows, first_row=4, banner="KALENDER KONTEN PUSKESMAS 2026")
    [hit] = found(result, "banned-phrase")
    assert (hit.row, hit.cell) == (12, "F12")


def test_cells_follow_the_team_s_own_column_order() -> None:
    headers = ("Catatan", "Caption", "Program", "Tanggal", "Status", "Verifikator", "Jam")
    data = row(caption="Pasti sembuh", time="23:00", status="rencana")
    names = {"Catatan": "notes", "Caption": "caption", "Program": "program", "Tanggal": "date"}
    names |= {"Status": "status", "Verifikator": "verifier", "Jam": "time"}
    result = check([{names[h]: data.get(names[h]) for h in headers}], headers=headers)
    assert [(f.rule, f.cell) for f in result.findings] == [
        ("banned-phrase", "B2"),
        ("outside-hours", "G2"),
    ]


def test_findings_are_sorted_by_row_then_column_then_rule() -> None:
    rows = [
        row(caption="Pasti sembuh " + " ".join(f"@u{i}" for i in range(25)), time="23:00"),
        row(date="besok", verifier=None),
    ]
    result = check(rows)
    assert [(f.row, f.cell, f.rule) for f in result.findings] == [
        (2, "B2", "outside-hours"),
        (2, "F2", "too-many-mentions"),
        (2, "F2", "banned-phrase"),
        (3, "A3", "bad-date"),
        (3, "J3", "unverified-published"),
    ]


def test_json_document_shape() -> None:
    huge = "Dijamin sembuh " + "x" * 5000
    result = check([row(caption=huge), row(date="besok", time=float("nan"))])
    document = result.to_json()
    assert set(document) == {"as_of", "findings", "summary"}
    assert document["as_of"] == "2026-11-18"
    assert document["summary"] == {"rows": 2, "errors": result.errors, "warnings": result.warnings}
    assert result.errors == 4  # caption-too-long, banned-phrase, bad-date, bad-time
    for item in document["findings"]:
        assert list(item) == ["rule", "severity", "row", "cell", "field", "value", "message"]
    json.dumps(document, allow_nan=False)
    long = [f for f in result.findings if f.rule == "banned-phrase"][0]
    assert isinstance(long.value, str) and len(long.value) == 500
    assert huge[:400] in long.value
    assert len(long.message) < 600
    time_cell = [f for f in document["findings"] if f["rule"] == "bad-time"][0]
    assert time_cell["value"] == "nan"


# -- messages --------------------------------------------------------------------------------

EVERY_RULE_ROWS = [
    row(
        time="22:00",
        format="foto",
        program="Obral Ketan",
        caption="Pasti sembuh " + " ".join(f"@u{i} #t{i}" for i in range(31)) + "x" * 2200,
        creator="Ani",
        verifier="Ani",
        link="https://example.com/post",
    ),
    row(caption="Pasti sembuh " + " ".join(f"@u{i} #t{i}" for i in range(31)) + "x" * 2200),
    row(hashtags="#Germas #explore"),
    row(date="31/11/2026", time="jam 25", program="Lainnya", status="??", format="tiktok"),
    {**KONDE, "title": "Jantung", "caption": "Jaga jantung Anda setiap hari", "verifier": None},
    row(date=None, program=None, status="siap review", caption=None),
]


def test_every_rule_is_exercised_by_the_message_fixture() -> None:
    rules = {f.rule for f in check(EVERY_RULE_ROWS).findings}
    assert rules == set(RULE_IDS)


@pytest.mark.parametrize("language", ["en", "id"])
def test_messages_quote_the_value_and_are_not_empty(language: str) -> None:
    set_language(language)
    for finding in check(EVERY_RULE_ROWS).findings:
        assert finding.message.strip(), finding
        assert "{" not in finding.message, finding
        if finding.value is None or finding.rule in ("too-many-hashtags", "too-many-mentions"):
            continue
        shown = " ".join(str(finding.value).split())[:30]
        assert shown in finding.message, finding


def test_hashtag_and_mention_messages_list_them() -> None:
    result = check(EVERY_RULE_ROWS)
    tags = found(result, "too-many-hashtags")[0]
    mentions = found(result, "too-many-mentions")[0]
    assert "#t0" in tags.message and "@u0" in mentions.message


# -- arbitrary calendars ---------------------------------------------------------------------

FIELDS = list(
    zip(
        (
            "date time program format title caption hashtags creator editor verifier status "
            "link notes"
        ).split(),
        DEFAULT_HEADERS,
        strict=True,
    )
)
A1 = re.compile(r"([A-Z]+)([1-9][0-9]*)")

cells = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.sampled_from(
        [
            "=SUM(A1:A3)",
            '=HYPERLINK("https://www.instagram.com/p/C1a2b3c4d5E/")',
            "مرحبا بالعالم \u202e",
            "😷🎉🇮🇩" * 50,
            "x" * 20000,
            "#a " * 100,
            "@b " * 100,
            "31/11/2026",
            "16 Nopember 2026",
            "Senin, 16 November 2026",
            "besok",
            "19.00",
            "7 PM",
            "Terupload ✅",
            "Konde Emas",
            "pasti sembuh",
            "\u0000\ufeff",
            "   ",
        ]
    ),
    st.integers(),
    st.integers(min_value=40000, max_value=50000),
    st.floats(),
    st.floats(min_value=0, max_value=1),
    st.booleans(),
)
rows_strategy = st.lists(
    st.dictionaries(st.sampled_from([name for name, _h in FIELDS]), cells, max_size=13),
    max_size=8,
)


@given(
    rows=rows_strategy,
    as_of=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 1, 1)),
    all_rows=st.booleans(),
)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_arbitrary_calendars_never_crash_and_name_their_cells(
    rows: list[dict[str, Cell]], as_of: dt.date, all_rows: bool
) -> None:
    settings_ = make_settings()
    calendar = read_calendar(make_tab(rows), settings_)
    result = validate(calendar, settings_, as_of, all_rows=all_rows)
    for problem in calendar.problems:
        assert problem.cell == cell_a1(problem.row, calendar.columns[problem.field])
    for finding in result.findings:
        match = A1.fullmatch(finding.cell)
        assert match, finding
        assert finding.cell == cell_a1(finding.row, calendar.columns[finding.field])
        assert finding.severity in ("error", "warning")
        assert finding.message
    json.dumps(result.to_json(), allow_nan=False)
    # Every unreadable date is reported on its own cell, whatever the scope.
    reported = {f.cell for f in result.findings if f.rule == "bad-date"}
    for entry in calendar.entries:
        try:
            parse_date(entry.raw.get("date"))
        except ParseProblem:
            assert f"A{entry.row}" in reported
