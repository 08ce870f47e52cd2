"""The parsers for messy planner values (README "Your own spreadsheet"): real-looking
inputs and arbitrary ones."""

from __future__ import annotations

import math
import pickle
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from postme import i18n, parsing
from postme.parsing import (
    ParseProblem,
    contains_phrase,
    date_to_serial,
    extract_hashtags,
    extract_mentions,
    fold_text,
    normalize_label,
    parse_count,
    parse_date,
    parse_dates,
    parse_datetime_cell,
    parse_time,
    parse_times,
    serial_to_date,
    serial_to_datetime,
)
from postme.stores.base import Cell

KINDS = {"unrecognised", "ambiguous", "impossible", "relative", "no-year"}
NOV16 = date(2026, 11, 16)


@pytest.fixture(autouse=True)
def english() -> object:
    before = i18n.get_language()
    i18n.set_language("en")
    yield
    i18n.set_language(before)


# --- dates -----------------------------------------------------------------------------

DATES = [
    # serial numbers as Google returns date cells (the fraction is a time of day)
    (46342, NOV16),
    (46342.0, NOV16),
    (46342.79166666, NOV16),
    (1, date(1899, 12, 31)),
    (2958465, date(9999, 12, 31)),
    # ISO, year first
    ("2026-11-16", NOV16),
    ("2026/11/16", NOV16),
    ("2026-1-6", date(2026, 1, 6)),
    ("2026-11-16 19:00", NOV16),
    ("2026-11-16T19:00:00", NOV16),
    ("2026-11-16T19:00:00+07:00", NOV16),
    ("2026-11-16T12:00:00.123Z", NOV16),
    # day first, always
    ("16/11/2026", NOV16),
    ("16-11-2026", NOV16),
    ("16.11.2026", NOV16),
    ("16/11/26", NOV16),
    ("16-11-26", NOV16),
    ("1/2/2026", date(2026, 2, 1)),
    ("05/03/2026", date(2026, 3, 5)),
    ("  16/11/2026  ", NOV16),
    ("16 / 11 / 2026", NOV16),
    ("16/11/2026 19.00", NOV16),
    ("29/02/2028", date(2028, 2, 29)),
    # month names, Indonesian and English
    ("16 Nov 2026", NOV16),
    ("16 November 2026", NOV16),
    ("16 Nopember 2026", NOV16),
    ("16 Nop 2026", NOV16),
    ("16-Nov-2026", NOV16),
    ("16 nov. 2026", NOV16),
    ("16 NOVEMBER 2026", NOV16),
    ("16 Nov 26", NOV16),
    ("November 16, 2026", NOV16),
    ("1 Januari 2026", date(2026, 1, 1)),
    ("2 Feb 2026", date(2026, 2, 2)),
    ("2 Pebruari 2026", date(2026, 2, 2)),
    ("3 Peb 2026", date(2026, 2, 3)),
    ("17 Maret 2026", date(2026, 3, 17)),
    ("7 April 2026", date(2026, 4, 7)),
    ("1 Mei 2026", date(2026, 5, 1)),
    ("1 May 2026", date(2026, 5, 1)),
    ("5 Juni 2026", date(2026, 6, 5)),
    ("5 Jun 2026", date(2026, 6, 5)),
    ("20 Juli 2026", date(2026, 7, 20)),
    ("17 Agustus 2026", date(2026, 8, 17)),
    ("17 Agt 2026", date(2026, 8, 17)),
    ("17 Agu 2026", date(2026, 8, 17)),
    ("17 Ags 2026", date(2026, 8, 17)),
    ("17 Aug 2026", date(2026, 8, 17)),
    ("9 Sept 2026", date(2026, 9, 9)),
    ("9 Sep 2026", date(2026, 9, 9)),
    ("1 Oktober 2026", date(2026, 10, 1)),
    ("1 Okt 2026", date(2026, 10, 1)),
    ("1 Oct 2026", date(2026, 10, 1)),
    ("25 Desember 2026", date(2026, 12, 25)),
    ("25 Des 2026", date(2026, 12, 25)),
    ("25 Dec 2026", date(2026, 12, 25)),
    # leading weekday that agrees with the date
    ("Senin, 16 November 2026", NOV16),
    ("Senin 16/11/2026", NOV16),
    ("senin,16/11/2026", NOV16),
    ("Monday, 16 November 2026", NOV16),
    ("Mon 16 Nov 2026", NOV16),
    ("Jumat, 20 November 2026", date(2026, 11, 20)),
    ("Jum'at, 20 November 2026", date(2026, 11, 20)),
    ("Jum\u2019at, 20 November 2026", date(2026, 11, 20)),
    ("Minggu, 22 Nov 2026", date(2026, 11, 22)),
    ("Ahad, 22 Nov 2026", date(2026, 11, 22)),
    ("Sabtu, 21/11/2026", date(2026, 11, 21)),
    ("tgl 16 Nov 2026", NOV16),
    ("Senin, tanggal 16 November 2026", NOV16),
    # blanks
    (None, None),
    ("", None),
    ("   ", None),
    # real date objects (an adapter may hand one over)
    (datetime(2026, 11, 16, 19, 0), NOV16),
    (NOV16, NOV16),
]


@pytest.mark.parametrize(("value", "expected"), DATES)
def test_parse_date_reads(value: Cell | date, expected: date | None) -> None:
    assert parse_date(value) == expected


DATE_PROBLEMS = [
    ("31/11/2026", "impossible", "November 2026 has 30 days"),
    ("29/02/2026", "impossible", "February 2026 has 28 days"),
    ("31 Juni 2026", "impossible", "June 2026 has 30 days"),
    ("0/11/2026", "impossible", "day 0"),
    ("16/13/2026", "impossible", "no month 13"),
    ("2026-13-01", "impossible", "no month 13"),
    ("03/27/2026", "impossible", "day comes first"),
    ("12/31/2026", "impossible", "31/12/2026"),
    ("16/11/2026 25:00", "impossible", "24-hour clock"),
    ("Selasa, 16 November 2026", "ambiguous", "is a Monday, not a Tuesday"),
    ("Sunday 16/11/2026", "ambiguous", "is a Monday"),
    ("besok", "relative", "actual date"),
    ("Besok", "relative", "actual date"),
    ("lusa", "relative", "actual date"),
    ("minggu depan", "relative", "actual date"),
    ("Senin depan", "relative", "actual date"),
    ("hari ini", "relative", "actual date"),
    ("tomorrow", "relative", "actual date"),
    ("next week", "relative", "actual date"),
    ("Senin", "relative", "actual date"),
    ("16 Nov", "no-year", "no year"),
    ("16/11", "no-year", "no year"),
    ("16 November", "no-year", "no year"),
    ("Nov 16", "no-year", "no year"),
    ("Senin, 16 Nov", "no-year", "no year"),
    ("=TODAY()", "unrecognised", "day/month/year"),
    ("TBD", "unrecognised", "day/month/year"),
    ("16 Abc 2026", "unrecognised", "day/month/year"),
    ("16/11/202", "unrecognised", "day/month/year"),
    ("16/11/1026", "impossible", "year 1026"),
    ("16 Nov 0700", "impossible", "year 700"),
    ("2226-11-16", "impossible", "year 2226"),
    ("x" * 5000, "unrecognised", "…"),
    (True, "unrecognised", "day/month/year"),
    (False, "unrecognised", "day/month/year"),
    (0, "unrecognised", "not a date"),
    (-3, "unrecognised", "not a date"),
    (0.5, "unrecognised", "not a date"),
    (2958466, "unrecognised", "not a date"),
    (float("nan"), "unrecognised", "not a date"),
    (float("inf"), "unrecognised", "not a date"),
]


@pytest.mark.parametrize(("value", "kind", "words"), DATE_PROBLEMS)
def test_parse_date_reports(value: Cell | date, kind: str, words: str) -> None:
    with pytest.raises(ParseProblem) as caught:
        parse_date(value)
    assert caught.value.kind == kind
    assert words in caught.value.message
    assert str(caught.value) == caught.value.message


def test_impossible_date_message_says_the_fix() -> None:
    with pytest.raises(ParseProblem) as caught:
        parse_date("31/11/2026")
    assert caught.value.message == (
        "'31/11/2026' is not a real date (November 2026 has 30 days). "
        "Type a real date as day/month/year, for example 30/11/2026."
    )


def test_month_first_date_suggests_day_first() -> None:
    with pytest.raises(ParseProblem) as caught:
        parse_date("03/27/2026")
    assert "27/03/2026" in caught.value.message


def test_cached_problem_is_raised_fresh_each_time() -> None:
    first = second = None
    for _ in range(2):
        try:
            parse_date("31/11/2026")
        except ParseProblem as problem:
            first, second = second, problem
    assert first is not None and second is not None and first is not second
    assert first.message == second.message


def test_problem_message_is_translated_when_raised_not_when_cached(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with pytest.raises(ParseProblem):
        parse_date("besok")  # now cached
    monkeypatch.setattr(parsing, "_", lambda message: "[id] " + message)
    with pytest.raises(ParseProblem) as caught:
        parse_date("besok")
    assert caught.value.kind == "relative"
    assert caught.value.message.startswith("[id] 'besok' depends on the day")


def test_parse_problem_pickles() -> None:
    problem = ParseProblem("no-year", "'16/11' has no year.", "16/11")
    copy = pickle.loads(pickle.dumps(problem))
    assert (copy.kind, copy.message, copy.value) == ("no-year", "'16/11' has no year.", "16/11")


def test_parse_dates_deduplicates_and_returns_problems() -> None:
    values: list[Cell] = ["16/11/2026", 46342, None, "besok", "16/11/2026", True, 1, "besok"]
    out = parse_dates(values)
    assert out[:3] == [NOV16, NOV16, None]
    assert out[4] == NOV16
    assert isinstance(out[3], ParseProblem) and out[3].kind == "relative"
    # True and 1 are equal in Python; a checkbox is not serial day 1.
    assert isinstance(out[5], ParseProblem)
    assert out[6] == date(1899, 12, 31)
    assert isinstance(out[7], ParseProblem)


def test_parse_dates_handles_a_big_column_quickly() -> None:
    column = [f"{d % 28 + 1}/{d % 12 + 1}/2026" for d in range(100_000)]
    out = parse_dates(column)
    assert len(out) == 100_000
    assert out[0] == date(2026, 1, 1)


# --- datetimes ---------------------------------------------------------------------------

DATETIMES = [
    (46342.791666666664, datetime(2026, 11, 16, 19, 0)),
    (46342, datetime(2026, 11, 16)),
    ("2026-11-16 19:00", datetime(2026, 11, 16, 19, 0)),
    ("2026-11-16T19:00:00", datetime(2026, 11, 16, 19, 0)),
    ("2026-11-16T19:00:05.250", datetime(2026, 11, 16, 19, 0, 5, 250000)),
    ("2026-11-16T12:00:00Z", datetime(2026, 11, 16, 12, 0, tzinfo=UTC)),
    (
        "2026-11-16T19:00:00+07:00",
        datetime(2026, 11, 16, 19, 0, tzinfo=timezone(timedelta(hours=7))),
    ),
    (
        "2026-03-27T06:08:00-0700",
        datetime(2026, 3, 27, 6, 8, tzinfo=timezone(timedelta(hours=-7))),
    ),
    ("16/11/2026 19.00", datetime(2026, 11, 16, 19, 0)),
    ("16/11/2026 07:30 PM", datetime(2026, 11, 16, 19, 30)),
    ("Senin, 16 November 2026 pukul 19.00 WIB", datetime(2026, 11, 16, 19, 0)),
    ("16/11/2026", datetime(2026, 11, 16)),
    (None, None),
    ("", None),
]


@pytest.mark.parametrize(("value", "expected"), DATETIMES)
def test_parse_datetime_cell(value: Cell | date, expected: datetime | None) -> None:
    assert parse_datetime_cell(value) == expected


def test_meta_export_is_month_first_only_when_asked() -> None:
    assert parse_datetime_cell("03/27/2026 06:08", month_first=True) == datetime(2026, 3, 27, 6, 8)
    assert parse_datetime_cell("03/04/2026 18:08", month_first=True) == datetime(2026, 3, 4, 18, 8)
    assert parse_datetime_cell("03/04/2026 18:08") == datetime(2026, 4, 3, 18, 8)
    with pytest.raises(ParseProblem) as caught:
        parse_datetime_cell("03/27/2026 06:08")
    assert caught.value.kind == "impossible"


@pytest.mark.parametrize("value", ["besok", True, "31/11/2026 10:00", "x", float("nan"), -1])
def test_parse_datetime_cell_reports(value: Cell | date) -> None:
    with pytest.raises(ParseProblem):
        parse_datetime_cell(value)


# --- times -------------------------------------------------------------------------------

TIMES = [
    (0.7916, time(19, 0)),
    (0.791666666666, time(19, 0)),
    (0.5, time(12, 0)),
    (0.0, time(0, 0)),
    (0.99999, time(23, 59)),
    (46342.7916, time(19, 0)),
    (19, time(19, 0)),
    (0, time(0, 0)),
    (7.0, time(7, 0)),
    ("19:00", time(19, 0)),
    ("19.00", time(19, 0)),
    ("19:00:00", time(19, 0)),
    ("19:00:30", time(19, 0, 30)),
    ("19", time(19, 0)),
    ("7", time(7, 0)),
    ("7 PM", time(19, 0)),
    ("7pm", time(19, 0)),
    ("7.30 pm", time(19, 30)),
    ("7:30 p.m.", time(19, 30)),
    ("12 PM", time(12, 0)),
    ("12 AM", time(0, 0)),
    ("9 am", time(9, 0)),
    ("07.00 WIB", time(7, 0)),
    ("07.00 WITA", time(7, 0)),
    ("10.00 WIT", time(10, 0)),
    ("19.00 (WIB)", time(19, 0)),
    ("jam 19", time(19, 0)),
    ("Jam 19.00", time(19, 0)),
    ("pukul 19.00", time(19, 0)),
    ("Pukul 19.00 WIB", time(19, 0)),
    ("pkl. 08.30", time(8, 30)),
    ("19:00 - 20:00", time(19, 0)),
    ("19.00-20.00 WIB", time(19, 0)),
    ("19.00 s/d 21.00", time(19, 0)),
    ("19.00 sampai selesai", time(19, 0)),
    ("7 pm - 9 pm", time(19, 0)),
    ("10.00-12.00 WITA", time(10, 0)),
    ("jam 7 malam", time(19, 0)),
    ("7 pagi", time(7, 0)),
    ("1 siang", time(13, 0)),
    ("4 sore", time(16, 0)),
    ("19.00 malam", time(19, 0)),
    ("2026-11-16 19:00", time(19, 0)),
    (None, None),
    ("", None),
    ("  ", None),
]


@pytest.mark.parametrize(("value", "expected"), TIMES)
def test_parse_time_reads(value: Cell | date, expected: time | None) -> None:
    assert parse_time(value) == expected


TIME_PROBLEMS = [
    ("25:00", "impossible"),
    ("19:75", "impossible"),
    ("24", "impossible"),
    ("pagi", "unrecognised"),
    ("malam", "unrecognised"),
    ("sore", "unrecognised"),
    ("sekarang", "unrecognised"),
    ("nanti", "unrecognised"),
    ("19 am", "ambiguous"),
    ("9 sore", "ambiguous"),
    ("12 pagi", "ambiguous"),
    (19.3, "ambiguous"),
    (24, "unrecognised"),
    (46342, "unrecognised"),
    (46342.0, "unrecognised"),
    (-0.5, "unrecognised"),
    (float("nan"), "unrecognised"),
    (True, "unrecognised"),
    ("=NOW()", "unrecognised"),
    ("- 20:00", "unrecognised"),
    ("12-31", "unrecognised"),
    ("19.00 - besok", "unrecognised"),
    ("7 - 9 pm", "ambiguous"),
    ("y" * 1000, "unrecognised"),
]


@pytest.mark.parametrize(("value", "kind"), TIME_PROBLEMS)
def test_parse_time_reports(value: Cell | date, kind: str) -> None:
    with pytest.raises(ParseProblem) as caught:
        parse_time(value)
    assert caught.value.kind == kind
    assert "19:" in caught.value.message  # every time message shows a time to copy


def test_parse_times_deduplicates() -> None:
    out = parse_times(["19.00", "19.00", 0.5, "pagi", None])
    assert out[:3] == [time(19), time(19), time(12)]
    assert isinstance(out[3], ParseProblem) and out[3].kind == "unrecognised"
    assert out[4] is None


# --- counts ------------------------------------------------------------------------------

COUNTS = [
    (0, 0),
    (1234, 1234),
    (1234.0, 1234),
    ("1234", 1234),
    ("1.234", 1234),
    ("1,234", 1234),
    ("1 234", 1234),
    ("1\u00a0234", 1234),
    ("1.234.567", 1234567),
    ("1,234,567", 1234567),
    ("1.000", 1000),
    ("12.0", 12),
    ("1,2 rb", 1200),
    ("1,2rb", 1200),
    ("1.2K", 1200),
    ("1,2k", 1200),
    ("15 ribu", 15000),
    ("2 jt", 2000000),
    ("2,5 juta", 2500000),
    ("2M", 2000000),
    ("1.5m", 1500000),
    (" 42 ", 42),
    (None, None),
    ("", None),
]


@pytest.mark.parametrize(("value", "expected"), COUNTS)
def test_parse_count_reads(value: Cell, expected: int | None) -> None:
    assert parse_count(value) == expected


COUNT_PROBLEMS = [
    (-1, "impossible"),
    (-2.0, "impossible"),
    ("-5", "impossible"),
    ("-1.234", "impossible"),
    (1.5, "impossible"),
    ("1,5", "impossible"),
    ("12.34", "impossible"),
    ("abc", "unrecognised"),
    ("1.234.56", "unrecognised"),
    ("12 34", "unrecognised"),
    ("-", "unrecognised"),
    ("+100", "unrecognised"),
    ("10%", "unrecognised"),
    ("9" * 500, "unrecognised"),
    (True, "unrecognised"),
    (float("nan"), "unrecognised"),
    (float("inf"), "unrecognised"),
]


@pytest.mark.parametrize(("value", "kind"), COUNT_PROBLEMS)
def test_parse_count_reports(value: Cell, kind: str) -> None:
    with pytest.raises(ParseProblem) as caught:
        parse_count(value)
    assert caught.value.kind == kind


# --- labels and phrases --------------------------------------------------------------------

LABELS = [
    ("  Terupload ✅ ", "terupload"),
    ("Nice-to-Know", "nice to know"),
    ("SUDAH   upload!!", "sudah upload"),
    ("Sudah Upload", "sudah upload"),
    ("sudah_upload", "sudah upload"),
    ("Café Sehat", "cafe sehat"),
    ("🎬 Reels", "reels"),
    ("Ready for review (QC)", "ready for review qc"),
    ("STRASSE", "strasse"),
    ("Straße", "strasse"),
    ("", ""),
    (None, ""),
    (3, "3"),
    (3.0, "3"),
    (True, "true"),
]


@pytest.mark.parametrize(("value", "expected"), LABELS)
def test_normalize_label(value: Cell, expected: str) -> None:
    assert normalize_label(value) == expected


def test_fold_text_keeps_punctuation() -> None:
    assert fold_text("  Obat  ini\n100% AMPUH! Dijamin Sémbuh ") == (
        "obat ini 100% ampuh! dijamin sembuh"
    )


PHRASES = [
    ("Obat ini 100% AMPUH!", "100% ampuh", True),
    ("Obat ini 100%   ampuh", "100% ampuh", True),
    ("keampuhan ramuan", "ampuh", False),
    ("Ramuan ampuh.", "ampuh", True),
    ("Ramuan AMPUH", "ampuh", True),
    ("Dijamin sembuh total", "dijamin sembuh", True),
    ("Dijamin, sembuh", "dijamin sembuh", False),
    ("dijaminsembuh", "dijamin sembuh", False),
    ("Obat herbal pasti sémbuh", "pasti sembuh", True),
    ("Obat herbal pasti sembuh", "pasti sémbuh", True),
    ("#ampuh", "ampuh", True),
    ("anything", "", False),
    ("anything", "   ", False),
]


@pytest.mark.parametrize(("text", "phrase", "expected"), PHRASES)
def test_contains_phrase(text: str, phrase: str, expected: bool) -> None:
    assert contains_phrase(text, phrase) is expected


# --- hashtags and mentions -----------------------------------------------------------------

HASHTAGS = [
    ("Ayo #CekKesehatan rutin", ["#CekKesehatan"]),
    ("#GERMAS #germas", ["#GERMAS", "#germas"]),
    ("#sehat_selalu!", ["#sehat_selalu"]),
    ("#2026 bukan hashtag, #2026sehat iya", ["#2026sehat"]),
    ("#kesehatan💪 #jantung❤️", ["#kesehatan", "#jantung"]),
    ("#héllo #日本語", ["#héllo", "#日本語"]),
    ("tanda&#39;kutip", []),
    ("harga#10 x#y", []),
    ("##dobel", ["#dobel"]),
    ("# spasi", []),
    ("", []),
]


@pytest.mark.parametrize(("text", "expected"), HASHTAGS)
def test_extract_hashtags(text: str, expected: list[str]) -> None:
    assert extract_hashtags(text) == expected


MENTIONS = [
    ("Hubungi @puskesmas.kota.", ["@puskesmas.kota"]),
    ("(@kemenkes_ri) dan @dinkes.kota", ["@kemenkes_ri", "@dinkes.kota"]),
    ("Email info@dinkes.go.id saja", []),
    ("a.b@c.com", []),
    ("@", []),
    ("@... titik", []),
    ("@" + "a" * 31, []),
    ("@user123, @User_2!", ["@user123", "@User_2"]),
]


@pytest.mark.parametrize(("text", "expected"), MENTIONS)
def test_extract_mentions(text: str, expected: list[str]) -> None:
    assert extract_mentions(text) == expected


# --- serials ---------------------------------------------------------------------------------


def test_serial_round_trip() -> None:
    assert serial_to_date(46342.75) == NOV16
    assert serial_to_datetime(46342.75) == datetime(2026, 11, 16, 18, 0)
    assert date_to_serial(NOV16) == 46342.0
    assert date_to_serial(datetime(2026, 11, 16, 18, 0)) == 46342.75
    moment = datetime(2026, 11, 16, 19, 7, 31)
    assert serial_to_datetime(date_to_serial(moment)) == moment
    assert serial_to_date(0) == date(1899, 12, 30)
    with pytest.raises(ValueError, match="not a serial day number: nan"):
        serial_to_date(float("nan"))
    with pytest.raises(ValueError, match="serial day number out of range"):
        serial_to_date(1e12)


# --- arbitrary values --------------------------------------------------------------------

_TRICKY = st.sampled_from(
    ["=", "+", "-", "@", "#", "=TODAY()", "\u202e", "مرحبا", "שלום", "🎉", "\u00a0", "/", "."]
)
_TEXT = st.one_of(
    st.text(max_size=30),
    st.builds(lambda a, b: a + b, _TRICKY, st.text(max_size=20)),
    st.text(alphabet="0123456789/-.:, ", max_size=20),
    st.text(max_size=8).map(lambda s: s * 2000),
    # pieces of real dates, times and counts, glued at random
    st.lists(
        st.sampled_from(
            "0 1 9 12 16 19 24 29 31 60 99 2026 26 0000 / - . : , t z +07:00 -0700 "
            "nov Nopember mei senin Selasa jum'at tgl jam pukul pm am malam siang wib "
            "s/d rb k jt m besok depan".split()
            + [" "]
        ),
        max_size=8,
    ).map("".join),
)
_CELLS = st.one_of(
    _TEXT,
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.none(),
    st.booleans(),
    st.dates(),
)


def _valid(result: object) -> bool:
    if result is None:
        return True
    if isinstance(result, datetime):
        return True
    if isinstance(result, date | time | str):
        return True
    return isinstance(result, int) and not isinstance(result, bool) and result >= 0


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_CELLS)
def test_arbitrary_values_give_a_result_or_a_parse_problem(value: object) -> None:
    parsers: list[Callable[[Any], object]] = [
        parse_date,
        parse_time,
        parse_datetime_cell,
        lambda v: parse_datetime_cell(v, month_first=True),
        parse_count,
        normalize_label,
    ]
    for parser in parsers:
        try:
            result = parser(value)
        except ParseProblem as problem:
            assert problem.kind in KINDS
            assert problem.message and len(problem.message) < 400
        else:
            assert _valid(result)
    if isinstance(value, str):
        folded = fold_text(value)
        assert fold_text(folded) == folded  # folding twice changes nothing more
        assert contains_phrase(value, "ampuh") == contains_phrase(folded, "ampuh")
        assert all(tag.startswith("#") for tag in extract_hashtags(value))
        assert all(name.startswith("@") for name in extract_mentions(value))
    if isinstance(value, float) and math.isfinite(value) and 1 <= value < 2958466:
        assert parse_date(value) == serial_to_date(value)


def test_bold_text_pasted_from_instagram_folds_to_plain_words() -> None:
    # Found by hypothesis: "𝐴" folded to "A" and only to "a" the second time.
    assert fold_text("𝐍𝐢𝐜𝐞 𝐭𝐨 𝐊𝐧𝐨𝐰") == "nice to know"
    assert fold_text("𝐴") == fold_text(fold_text("𝐴")) == "a"
    assert normalize_label("𝐍𝐢𝐜𝐞 𝐭𝐨 𝐊𝐧𝐨𝐰 ✅") == "nice to know"
