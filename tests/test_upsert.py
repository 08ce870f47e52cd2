from __future__ import annotations

from postme.stores.base import Cell, RangeWrite, Tab, TabRequest, WritePlan, build_tab
from postme.stores.upsert import compact, plan_replace, plan_upsert

HEADERS = ("Minggu", "Pengikut", "Diperbarui")


def tab(grid: list[list[Cell]]) -> Tab:
    return build_tab("Analisis", grid, TabRequest("Analisis"))


def test_new_tab_gets_header_and_rows() -> None:
    plan = WritePlan()
    plan_upsert(
        plan, "Analisis", None, HEADERS, ["Minggu"], [{"Minggu": "2026-W47", "Pengikut": 10}]
    )
    assert [t.title for t in plan.new_tabs] == ["Analisis"]
    assert plan.writes == [RangeWrite("Analisis", 2, 1, (("2026-W47", 10),))]


def test_update_by_key_keeps_person_column_and_other_rows() -> None:
    existing = tab(
        [
            ["Minggu", "Catatan tim", "Pengikut", "Diperbarui"],
            ["2026-W46", "rapat", 5, "x"],
            ["2026-W47", "libur", 9, "y"],
            ["catatan bebas"],
        ]
    )
    plan = WritePlan()
    plan_upsert(
        plan,
        "Analisis",
        existing,
        HEADERS,
        ["Minggu"],
        [
            {"Minggu": "2026-W47", "Pengikut": 12, "Diperbarui": "z"},
            {"Minggu": "2026-W48", "Pengikut": 1},
        ],
    )
    # W47 is row 3: Minggu in A, Pengikut and Diperbarui in C:D; "Catatan tim" (B) untouched.
    assert RangeWrite("Analisis", 3, 1, (("2026-W47",),)) in plan.writes
    assert RangeWrite("Analisis", 3, 3, ((12, "z"),)) in plan.writes
    # The new week goes below the last used row (a person's note on row 4 stays).
    assert RangeWrite("Analisis", 5, 1, (("2026-W48",),)) in plan.writes
    assert all(w.row != 2 and w.row != 4 for w in plan.writes)


def test_unchanged_rows_are_not_written_and_volatile_columns_do_not_count() -> None:
    existing = tab([list(HEADERS), ["2026-W47", 12, "old stamp"]])
    plan = WritePlan()
    plan_upsert(
        plan,
        "Analisis",
        existing,
        HEADERS,
        ["Minggu"],
        [{"Minggu": "2026-W47", "Pengikut": 12.0, "Diperbarui": "new stamp"}],
        volatile={"Diperbarui"},
    )
    assert plan.is_empty()


def test_missing_header_is_added_at_the_end() -> None:
    existing = tab([["Minggu", "Pengikut"], ["2026-W47", 3]])
    plan = WritePlan()
    plan_upsert(plan, "Analisis", existing, HEADERS, ["Minggu"], [])
    assert plan.writes == [RangeWrite("Analisis", 1, 3, (("Diperbarui",),))]


def test_replace_group_reuses_rows_blanks_leftovers_and_keeps_other_groups() -> None:
    headers = ("Minggu", "Pesan")
    existing = tab(
        [
            list(headers),
            ["2026-W46", "lama"],
            ["2026-W47", "a"],
            ["2026-W47", "b"],
            ["2026-W47", "c"],
        ]
    )
    plan = WritePlan()
    plan_replace(
        plan,
        "Temuan",
        existing,
        headers,
        "Minggu",
        ["2026-W47"],
        [{"Minggu": "2026-W47", "Pesan": "a"}, {"Minggu": "2026-W47", "Pesan": "baru"}],
    )
    # Row 3 already says "a": not rewritten. Row 4 gets "baru", row 5 is blanked, W46 stays.
    assert plan.writes == [
        RangeWrite("Temuan", 4, 2, (("baru",),)),
        RangeWrite("Temuan", 5, 1, ((None, None),)),
    ]


def test_compact_merges_rectangles() -> None:
    cells = {(2, 0): 1, (2, 1): 2, (3, 0): 3, (3, 1): 4, (3, 3): 5}
    assert compact("T", cells) == [
        RangeWrite("T", 2, 1, ((1, 2), (3, 4))),
        RangeWrite("T", 3, 4, ((5,),)),
    ]
