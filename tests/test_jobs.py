"""The application layer on the in-memory store: plan_week is pure (tables in, plan and
results out), run_weekly is read → plan → write under the document's locks, and the
clock rule judges rows due today only on a real today."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from fakes import Grid, MemoryStore, calendar_grid
from fakes.calendar import make_settings

from postme.errors import ExitCode, LockBusy
from postme.jobs import (
    Clock,
    plan_week,
    read_sheet,
    run_clock,
    run_slots,
    run_validate,
    run_weekly,
)
from postme.jobs.weekly import week_requests
from postme.weeks import IsoWeek, parse_week

WIB = ZoneInfo("Asia/Jakarta")
SETTINGS = make_settings(slots=[])
W47 = parse_week("2026-W47")
MONDAY = dt.date(2026, 11, 23)
STAMP = dt.datetime(2026, 11, 23, 7, 0, tzinfo=WIB)


def planner() -> dict[str, Grid]:
    return {
        "Kalender Konten": calendar_grid(
            [
                {
                    "Tanggal": "16/11/2026",
                    "Jam": "19.00",
                    "Program": "Nice to Know",
                    "Format": "foto",
                    "Judul": "Cuci tangan",
                    "Caption": "Cuci tangan pakai sabun #Germas",
                    "Pembuat Konten": "Ana",
                    "Verifikator": "Budi",
                    "Status": "terupload",
                    "Link": "https://www.instagram.com/p/DAbc123xyz/",
                },
                {
                    "Tanggal": "18/11/2026",
                    "Jam": "10.00",
                    "Program": "Nice to Know",
                    "Format": "foto",
                    "Judul": "Gizi seimbang",
                    "Caption": "Isi piringku #Germas",
                    "Pembuat Konten": "Ana",
                    "Status": "proses",
                },
            ]
        )
    }


def test_plan_week_is_pure_and_a_second_plan_on_its_result_writes_nothing() -> None:
    store = MemoryStore(planner())
    clock = Clock(as_of=MONDAY, now=None, stamp=STAMP)
    data = read_sheet(store, SETTINGS, week_requests(SETTINGS))
    before = {title: [list(row) for row in grid] for title, grid in store.grids.items()}

    plan, results = plan_week(data, None, SETTINGS, W47, clock)

    assert store.grids == before and store.plans == []  # planning touched nothing
    assert [t.title for t in plan.new_tabs] == [
        "Analisis Mingguan",
        "Analisis Program",
        "Temuan",
        "Waktu Terbaik",
    ]
    assert [f.row for f in results.slots.findings if f.kind == "missed"] == [3]
    assert results.report.week == "2026-W47" and results.report.planned == 2
    assert results.collect_summary is None

    store.write(plan)
    assert [row[0] for row in store.grids["Analisis Mingguan"]] == ["Minggu", "2026-W47"]
    assert {row[1] for row in store.grids["Temuan"][1:]} >= {"missed"}

    # The same week again, an hour later: only "updated at" would change, so nothing.
    later = Clock(as_of=MONDAY, now=None, stamp=STAMP + dt.timedelta(hours=1))
    again, _results = plan_week(
        read_sheet(store, SETTINGS, week_requests(SETTINGS)), None, SETTINGS, W47, later
    )
    assert again.writes == [] and again.new_tabs == []


def test_the_clock_rule_judges_a_row_due_today_only_on_a_real_today() -> None:
    thursday = dt.date(2026, 11, 26)
    grid = planner()
    grid["Kalender Konten"].extend(
        calendar_grid(
            [
                {
                    "Tanggal": "26/11/2026",
                    "Jam": "10.00",
                    "Program": "Nice to Know",
                    "Format": "foto",
                    "Judul": "Hari ini",
                    "Caption": "Teks #Germas",
                    "Pembuat Konten": "Ana",
                    "Status": "proses",
                }
            ]
        )[1:]
    )
    data = read_sheet(MemoryStore(grid), SETTINGS, week_requests(SETTINGS))
    week = IsoWeek(2026, 48)
    real = run_clock(WIB, None, real_now=dt.datetime(2026, 11, 26, 20, 0, tzinfo=WIB))
    assert real.as_of == thursday and real.now == dt.datetime(2026, 11, 26, 20, 0, tzinfo=WIB)
    rerun = run_clock(WIB, thursday, real_now=dt.datetime(2026, 12, 1, 9, 0, tzinfo=WIB))
    assert rerun.now is None and rerun.stamp.date() == dt.date(2026, 12, 1)

    _plan, today = plan_week(data, None, SETTINGS, week, real)
    _plan, as_of = plan_week(data, None, SETTINGS, week, rerun)
    assert [f.row for f in today.slots.findings if f.kind == "missed"] == [4]
    assert [f.row for f in as_of.slots.findings if f.kind == "missed"] == []


def test_run_weekly_reads_once_writes_once_under_the_shared_lock() -> None:
    store = MemoryStore(planner())
    result = run_weekly(SETTINGS, MONDAY, source=None, store=store, clock_now=STAMP)
    assert len(store.reads) == 1 and len(store.plans) == 1
    assert store.reads[0][0] == "Kalender Konten"
    (owner,) = store.lock_owners
    assert " pid " in owner and not store.lock_held
    assert result.exit_code == ExitCode.FINDINGS  # the missed row
    assert result.to_json()["written"]["cells"] == store.plans[0].cell_count()


def test_a_held_shared_lock_stops_the_run_before_anything_is_read_or_written() -> None:
    store = MemoryStore(planner())
    store.busy = "held by ana@laptop pid 7"
    with pytest.raises(LockBusy, match="ana@laptop"):
        run_weekly(SETTINGS, MONDAY, source=None, store=store, clock_now=STAMP)
    assert store.reads == [] and store.plans == []


def test_validate_and_slots_results_carry_their_exit_codes() -> None:
    store = MemoryStore(planner())
    slots = run_slots(SETTINGS, MONDAY, week=W47, store=store)
    assert slots.exit_code == ExitCode.FINDINGS and slots.to_json()["week"] == "2026-W47"
    validation = run_validate(SETTINGS, MONDAY, store=store)
    expected = ExitCode.FINDINGS if validation.validation.errors else ExitCode.OK
    assert validation.exit_code == expected
    clean = MemoryStore({"Kalender Konten": planner()["Kalender Konten"][:2]})
    assert run_slots(SETTINGS, MONDAY, week=W47, store=clean).exit_code == ExitCode.OK
