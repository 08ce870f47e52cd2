"""Health days (shipped data + team overrides) and national holidays
(``postme/data/health_days.toml``)."""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping
from pathlib import Path

import pytest

from postme.errors import ConfigError
from postme.healthdays import (
    CUTI_BERSAMA,
    HEALTH_DAY,
    NATIONAL_HOLIDAY,
    HealthDayRule,
    SpecialDay,
    load_health_day_rules,
    rule_date,
    special_days,
)

D = dt.date

# postme/data/health_days.toml, resolved for 2026 by hand. The rule-based ones:
# - Jan 2026: 1 Jan is a Thursday, Sundays are 4, 11, 18, 25 -> last Sunday is 25 Jan,
#   the same day as Hari Gizi Nasional; both must be listed.
# - Mar 2026: 1 Mar is a Sunday, Thursdays are 5, 12 -> 2nd Thursday is 12 Mar.
# - Oct 2026: 1 Oct is a Thursday, Thursdays are 1, 8 -> 2nd Thursday is 8 Oct.
# Week-long observances appear once, on their first day, with the span in the name.
EXPECTED_2026: dict[int, list[tuple[int, str]]] = {
    1: [
        (25, "Hari Gizi Nasional"),
        (25, "Hari Kusta Sedunia"),
        (30, "Hari Penyakit Tropis Terabaikan Sedunia"),
    ],
    2: [(4, "Hari Kanker Sedunia"), (15, "Hari Kanker Anak Sedunia")],
    3: [
        (3, "Hari Pendengaran Sedunia"),
        (12, "Hari Ginjal Sedunia"),
        (17, "Hari Perawat Nasional"),
        (20, "Hari Kesehatan Gigi dan Mulut Sedunia"),
        (24, "Hari Tuberkulosis Sedunia"),
    ],
    4: [
        (2, "Hari Peduli Autisme Sedunia"),
        (7, "Hari Kesehatan Sedunia"),
        (24, "Pekan Imunisasi Dunia (24–30 April)"),
        (25, "Hari Malaria Sedunia"),
        (29, "Hari Posyandu Nasional"),
    ],
    5: [
        (8, "Hari Thalasemia Sedunia"),
        (17, "Hari Hipertensi Sedunia"),
        (20, "Hari Bakti Dokter Indonesia"),
        (29, "Hari Lanjut Usia Nasional"),
        (31, "Hari Tanpa Tembakau Sedunia"),
    ],
    6: [
        (14, "Hari Donor Darah Sedunia"),
        (15, "Hari Demam Berdarah ASEAN"),
        (24, "Hari Bidan Nasional"),
        (26, "Hari Anti Narkotika Internasional"),
        (29, "Hari Keluarga Nasional"),
    ],
    7: [(23, "Hari Anak Nasional"), (28, "Hari Hepatitis Sedunia")],
    8: [(1, "Pekan ASI Sedunia (1–7 Agustus)")],
    9: [
        (9, "Hari Olahraga Nasional"),
        (10, "Hari Pencegahan Bunuh Diri Sedunia"),
        (26, "Hari Kontrasepsi Sedunia"),
        (28, "Hari Rabies Sedunia"),
        (29, "Hari Jantung Sedunia"),
    ],
    10: [
        (8, "Hari Penglihatan Sedunia"),
        (10, "Hari Kesehatan Jiwa Sedunia"),
        (15, "Hari Cuci Tangan Pakai Sabun Sedunia"),
        (16, "Hari Pangan Sedunia"),
        (24, "Hari Polio Sedunia"),
        (29, "Hari Stroke Sedunia"),
    ],
    11: [
        (12, "Hari Kesehatan Nasional"),
        (12, "Hari Pneumonia Sedunia"),
        (14, "Hari Diabetes Sedunia"),
        (18, "Pekan Kesadaran Antimikroba Sedunia (18–24 November)"),
        (19, "Hari Toilet Sedunia"),
    ],
    12: [
        (1, "Hari AIDS Sedunia"),
        (3, "Hari Disabilitas Internasional"),
        (22, "Hari Ibu"),
    ],
}


def health_only(start: dt.date, end: dt.date, rules: list[HealthDayRule]) -> list[SpecialDay]:
    return special_days(start, end, rules, include_holidays=False)


def names_on(days: list[SpecialDay], when: dt.date) -> list[str]:
    return [day.name for day in days if day.date == when]


@pytest.mark.parametrize("month", range(1, 13))
def test_each_month_of_spec_table_resolves_to_its_2026_dates(month: int) -> None:
    start = D(2026, month, 1)
    end = D(2026 + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    days = health_only(start, end, load_health_day_rules())
    got = [(day.date.day, day.name) for day in days]
    assert got == EXPECTED_2026[month]
    assert all(day.kind == HEALTH_DAY for day in days)


def test_shipped_file_has_every_day_once() -> None:
    rules = load_health_day_rules()
    assert len(rules) == sum(len(days) for days in EXPECTED_2026.values()) == 47
    assert len({rule.name for rule in rules}) == len(rules)


def test_hari_gizi_is_25_january_not_28_february() -> None:
    days = health_only(D(2026, 1, 1), D(2026, 12, 31), load_health_day_rules())
    assert [day.date for day in days if day.name == "Hari Gizi Nasional"] == [D(2026, 1, 25)]


def test_rule_days_move_with_the_year_2027() -> None:
    # Jan 2027: 1 Jan is a Friday, Sundays 3, 10, 17, 24, 31 -> last Sunday 31 Jan.
    # Mar 2027: 1 Mar is a Monday, Thursdays 4, 11 -> 2nd Thursday 11 Mar.
    # Oct 2027: 1 Oct is a Friday, Thursdays 7, 14 -> 2nd Thursday 14 Oct.
    days = health_only(D(2027, 1, 1), D(2027, 12, 31), load_health_day_rules())
    dates = {day.name: day.date for day in days}
    assert dates["Hari Kusta Sedunia"] == D(2027, 1, 31)
    assert dates["Hari Ginjal Sedunia"] == D(2027, 3, 11)
    assert dates["Hari Penglihatan Sedunia"] == D(2027, 10, 14)
    assert dates["Hari Gizi Nasional"] == D(2027, 1, 25)
    assert dates["Pekan ASI Sedunia (1–7 Agustus)"] == D(2027, 8, 1)
    assert len(days) == 47


def test_range_across_the_year_end() -> None:
    days = special_days(D(2026, 12, 20), D(2027, 1, 10), load_health_day_rules())
    assert [(day.date, day.name, day.kind) for day in days] == [
        (D(2026, 12, 22), "Hari Ibu", HEALTH_DAY),
        (D(2026, 12, 25), "Hari Raya Natal", NATIONAL_HOLIDAY),
        (D(2027, 1, 1), "Tahun Baru Masehi", NATIONAL_HOLIDAY),
        (D(2027, 1, 5), "Isra Mikraj Nabi Muhammad", NATIONAL_HOLIDAY),
    ]
    assert "Hari Gizi Nasional" not in [day.name for day in days]


def test_range_ends_are_inclusive_and_empty_when_reversed() -> None:
    rules = load_health_day_rules()
    assert names_on(health_only(D(2026, 12, 22), D(2026, 12, 22), rules), D(2026, 12, 22)) == [
        "Hari Ibu"
    ]
    assert special_days(D(2026, 12, 31), D(2026, 1, 1), rules) == []


def test_week_long_observance_appears_once_on_its_first_day() -> None:
    days = health_only(D(2026, 7, 25), D(2026, 8, 15), load_health_day_rules())
    asi = [day for day in days if day.name.startswith("Pekan ASI")]
    assert asi == [SpecialDay(D(2026, 8, 1), "Pekan ASI Sedunia (1–7 Agustus)", HEALTH_DAY)]
    # A range starting inside the week does not list it again.
    assert health_only(D(2026, 8, 2), D(2026, 8, 7), load_health_day_rules()) == []


def test_sorted_by_date_then_name() -> None:
    days = special_days(D(2026, 1, 1), D(2027, 12, 31), load_health_day_rules())
    assert days == sorted(days, key=lambda day: (day.date, day.name))
    assert names_on(days, D(2026, 5, 31)) == ["Hari Raya Waisak", "Hari Tanpa Tembakau Sedunia"]


def test_national_holidays_have_indonesian_names() -> None:
    days = special_days(D(2026, 8, 1), D(2026, 8, 31), [], include_holidays=True)
    assert days == [
        SpecialDay(D(2026, 8, 17), "Hari Kemerdekaan Republik Indonesia", NATIONAL_HOLIDAY),
        SpecialDay(D(2026, 8, 25), "Maulid Nabi Muhammad", NATIONAL_HOLIDAY),
    ]


def test_estimated_islamic_dates_keep_the_package_mark_in_2027() -> None:
    days = special_days(D(2027, 3, 1), D(2027, 3, 31), [])
    assert SpecialDay(D(2027, 3, 10), "Hari Raya Idul Fitri (perkiraan)", NATIONAL_HOLIDAY) in days
    assert names_on(days, D(2027, 3, 8)) == ["Hari Suci Nyepi"]


def test_holidays_and_cuti_bersama_can_be_switched() -> None:
    start, end = D(2026, 12, 20), D(2026, 12, 31)
    rules = load_health_day_rules()
    default = special_days(start, end, rules)
    assert CUTI_BERSAMA not in {day.kind for day in default}
    with_cuti = special_days(start, end, rules, include_cuti_bersama=True)
    assert SpecialDay(D(2026, 12, 24), "Cuti Bersama Hari Raya Natal", CUTI_BERSAMA) in with_cuti
    assert len(with_cuti) == len(default) + 1
    health = special_days(start, end, rules, include_holidays=False)
    assert [day.name for day in health] == ["Hari Ibu"]


def test_extra_adds_a_day_and_a_one_off() -> None:
    extra: list[Mapping[str, object]] = [
        {"name": "Hari Puskesmas Kita", "month": 7, "day": 1},
        {"name": "Bulan Imunisasi Anak Sekolah", "month": 8, "rule": "1st monday"},
        {"name": "Lomba Posyandu", "date": D(2026, 11, 20)},
        {"name": "Pekan Sehat Desa", "date": "2026-09-14", "until": 18},
    ]
    rules = load_health_day_rules(extra)
    assert len(rules) == 51
    days = health_only(D(2026, 1, 1), D(2027, 12, 31), rules)
    by_name: dict[str, list[dt.date]] = {}
    for day in days:
        by_name.setdefault(day.name, []).append(day.date)
    assert by_name["Hari Puskesmas Kita"] == [D(2026, 7, 1), D(2027, 7, 1)]
    # 1 Aug 2026 is a Saturday -> first Monday 3 Aug; 1 Aug 2027 is a Sunday -> 2 Aug.
    assert by_name["Bulan Imunisasi Anak Sekolah"] == [D(2026, 8, 3), D(2027, 8, 2)]
    assert by_name["Lomba Posyandu"] == [D(2026, 11, 20)]
    assert by_name["Pekan Sehat Desa (14–18 September)"] == [D(2026, 9, 14)]


def test_extra_overrides_a_shipped_day_by_name() -> None:
    rules = load_health_day_rules([{"name": "hari ibu", "month": 12, "day": 23}])
    assert len(rules) == 47
    days = health_only(D(2026, 12, 1), D(2026, 12, 31), rules)
    assert [(day.date.day, day.name) for day in days] == [
        (1, "Hari AIDS Sedunia"),
        (3, "Hari Disabilitas Internasional"),
        (23, "hari ibu"),
    ]


def test_one_off_override_moves_the_day_in_its_year_only() -> None:
    rules = load_health_day_rules([{"name": "Hari Kesehatan Nasional", "date": D(2026, 11, 13)}])
    days = health_only(D(2026, 1, 1), D(2027, 12, 31), rules)
    assert [day.date for day in days if day.name == "Hari Kesehatan Nasional"] == [
        D(2026, 11, 13),
        D(2027, 11, 12),
    ]


def test_extra_disables_a_shipped_day() -> None:
    rules = load_health_day_rules([{"name": "Hari Toilet Sedunia", "enabled": False}])
    assert len(rules) == 46
    days = health_only(D(2026, 11, 1), D(2026, 11, 30), rules)
    assert "Hari Toilet Sedunia" not in [day.name for day in days]
    assert "Hari Diabetes Sedunia" in [day.name for day in days]


def test_replace_drops_the_shipped_list() -> None:
    extra: list[Mapping[str, object]] = [{"name": "Hari Puskesmas Kita", "month": 7, "day": 1}]
    rules = load_health_day_rules(extra, replace=True)
    assert [rule.name for rule in rules] == ["Hari Puskesmas Kita"]
    assert load_health_day_rules(replace=True) == []


def test_extra_in_toml_form_as_a_team_config_would_write_it() -> None:
    config = tomllib.loads(
        """
        [[health_days]]
        name = "Hari Kanker Sedunia"
        enabled = false

        [[health_days]]
        name = "Hari Lomba Posyandu"
        date = 2026-11-20

        [[health_days]]
        name = "Hari Ginjal Sedunia"
        month = 3
        rule = "kamis kedua"
        """
    )
    rules = load_health_day_rules(config["health_days"])
    days = health_only(D(2026, 1, 1), D(2026, 12, 31), rules)
    names = {day.name: day.date for day in days}
    assert "Hari Kanker Sedunia" not in names
    assert names["Hari Lomba Posyandu"] == D(2026, 11, 20)
    assert names["Hari Ginjal Sedunia"] == D(2026, 3, 12)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            {"name": "Hari X", "month": 13, "day": 1},
            "'Hari X': month must be a number from 1 to 12",
        ),
        ({"name": "Hari X", "month": True, "day": 1}, "'Hari X': month must be"),
        ({"name": "Hari X", "day": 1}, "'Hari X': month is missing"),
        ({"name": "Hari X", "month": 2, "day": 30}, "'Hari X': day must be a number from 1 to 29"),
        ({"name": "Hari X", "month": 2, "day": "5"}, "'Hari X': day must be"),
        ({"name": "Hari X", "month": 2}, "'Hari X': day is missing"),
        ({"name": "Hari X", "month": 2, "day": 1, "rule": "last sunday"}, "'Hari X': give either"),
        ({"name": "Hari X", "month": 3, "rule": "6th thursday"}, "'Hari X': rule \"6th thursday\""),
        ({"name": "Hari X", "month": 3, "rule": "2nd"}, "'Hari X': rule \"2nd\""),
        ({"name": "Hari X", "month": 3, "rule": "last sunday", "until": 9}, "'Hari X': until"),
        ({"name": "Hari X", "month": 4, "day": 24, "until": 31}, "'Hari X': until must be"),
        ({"name": "Hari X", "month": 4, "day": 24, "until": 24}, "'Hari X': until must be"),
        ({"name": "Hari X", "date": "20-11-2026"}, "'Hari X': date must be a date like"),
        ({"name": "Hari X", "date": D(2026, 11, 20), "month": 11}, "'Hari X': date is a one-off"),
        ({"name": "Hari X", "month": 1, "day": 1, "enabled": "no"}, "'Hari X': enabled must be"),
        ({"name": "Hari X", "month": 1, "dya": 1}, "'Hari X': unknown key 'dya'"),
        ({"name": "Hari Y", "enabled": False}, "'Hari Y': there is no health day of that name"),
        ({"month": 1, "day": 1}, "entry 1: name is missing"),
    ],
)
def test_bad_extra_raises_config_error_naming_entry_and_key(
    entry: Mapping[str, object], message: str
) -> None:
    with pytest.raises(ConfigError) as error:
        load_health_day_rules([entry])
    assert str(error.value).startswith("health_days entry ")
    assert message in str(error.value)


def test_non_table_entry_is_named_by_position() -> None:
    with pytest.raises(ConfigError, match="health_days entry 2: must be a table"):
        # A bare string where the TOML file gives a table: the wrong type is the point.
        load_health_day_rules([{"name": "Hari X", "month": 1, "day": 1}, "Hari Y"])  # type: ignore[list-item]


def test_29_february_and_fifth_weekday_skip_years_without_one() -> None:
    leap = HealthDayRule("Hari Kabisat", 2, day=29)
    assert rule_date(leap, 2028) == D(2028, 2, 29)
    assert rule_date(leap, 2026) is None
    # March 2026 has Mondays 2, 9, 16, 23, 30; March 2027 has 1, 8, 15, 22, 29.
    fifth = load_health_day_rules([{"name": "Senin Kelima", "month": 3, "rule": "5th monday"}])[-1]
    assert rule_date(fifth, 2026) == D(2026, 3, 30)
    assert rule_date(fifth, 2027) == D(2027, 3, 29)
    # February 2026 has Mondays 2, 9, 16, 23 only.
    feb = load_health_day_rules([{"name": "Senin Kelima", "month": 2, "rule": "5th monday"}])[-1]
    assert rule_date(feb, 2026) is None


def test_a_bad_health_day_is_a_config_error_at_load_so_check_reports_it(tmp_path: Path) -> None:
    from postme.demo import prepare_demo
    from postme.doctor import run_checks

    prepare_demo(tmp_path)
    config = tmp_path / "postme.toml"
    config.write_text(
        config.read_text(encoding="utf-8")
        + '\n[health_days]\ndays = [{ name = "Hari Gizi Kota", month = 13, day = 1 }]\n',
        encoding="utf-8",
    )
    report = run_checks(config, env={}, language="en")
    [item] = report.items
    assert item.status == "fail" and report.exit_code == 2
    assert "health_days" in item.detail and "Hari Gizi Kota" in item.detail
    assert "month must be a number from 1 to 12" in item.detail


def test_check_warns_when_the_cerdik_programme_was_renamed(tmp_path: Path) -> None:
    from postme.demo import prepare_demo
    from postme.doctor import run_checks

    prepare_demo(tmp_path)
    config = tmp_path / "postme.toml"
    config.write_text(
        '[sheet]\npath = "planner.xlsx"\n'
        '[[programs]]\nname = "Konde Emas Sehat"\n[[programs]]\nname = "Nice to Know"\n',
        encoding="utf-8",
    )
    report = run_checks(config, env={}, language="en")
    [item] = [i for i in report.items if i.label == "CERDIK programme"]
    assert item.status == "warn" and "Konde Emas" in item.detail
    assert "cerdik_programs" in item.fix
