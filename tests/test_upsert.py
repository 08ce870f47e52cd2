from __future__ import annotations

from postme.stores.base import Cell, RangeWrite, Record, Tab, TabRequest, WritePlan, build_tab
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


# ---------------------------------------------------------------- keyed intents, resolved late

from postme.stores.base import SheetRow  # noqa: E402
from postme.stores.upsert import resolve_plan  # noqa: E402


def test_intents_resolve_against_the_tab_as_it_is_when_writing() -> None:
    seen = tab([list(HEADERS), ["2026-W46", 5, "a"], ["2026-W47", 9, "b"]])
    plan = WritePlan()
    records: list[Record] = [
        {"Minggu": "2026-W47", "Pengikut": 12},
        {"Minggu": "2026-W48", "Pengikut": 1},
    ]
    plan_upsert(plan, "Analisis", seen, HEADERS, ["Minggu"], records)
    # Meanwhile a person inserted a note row on top and sorted the weeks newest first.
    now = tab([list(HEADERS), ["catatan rapat"], ["2026-W47", 9, "b"], ["2026-W46", 5, "a"]])
    resolved = resolve_plan(plan, {"Analisis": now})
    assert resolved.writes == [
        RangeWrite("Analisis", 3, 1, (("2026-W47", 12),)),  # W47 where it is now
        RangeWrite("Analisis", 5, 1, (("2026-W48", 1),), append=True),
    ]
    assert resolved.writes[1].append  # placed by the store after the last row at write time
    assert plan.writes[0] == RangeWrite("Analisis", 3, 1, (("2026-W47", 12),))  # preview


def test_a_tab_created_meanwhile_is_upserted_not_created_again() -> None:
    plan = WritePlan()
    plan_upsert(plan, "ANALISIS", None, HEADERS, ["Minggu"], [{"Minggu": "W1", "Pengikut": 2}])
    assert [t.title for t in plan.new_tabs] == ["ANALISIS"]
    other_run = tab([list(HEADERS), ["W1", 1]])  # another run made "Analisis" meanwhile
    resolved = resolve_plan(plan, {"Analisis": other_run})
    assert resolved.new_tabs == []  # equal ignoring case: the same tab
    assert resolved.writes == [RangeWrite("Analisis", 2, 1, (("W1", 2),))]


def test_link_key_matches_a_row_that_has_only_a_link() -> None:
    headers = ("Shortcode", "Link", "Suka")
    seen = tab([list(headers), [None, "https://www.instagram.com/p/Abc123/", 5]])

    def shortcode(link: str) -> str | None:
        return link.rstrip("/").rsplit("/", 1)[-1] or None

    plan = WritePlan()
    plan_upsert(
        plan,
        "Analisis",
        seen,
        headers,
        ["Shortcode"],
        [{"Shortcode": "Abc123", "Suka": 9}],
        link_key=("Link", shortcode),
    )
    assert plan.writes == [
        RangeWrite("Analisis", 2, 1, (("Abc123",),)),
        RangeWrite("Analisis", 2, 3, ((9,),)),
    ]


def test_keyed_group_replace_blanks_only_stale_rows_of_the_group() -> None:
    headers = ("Minggu", "Program", "Suka", "Diperbarui")
    seen = tab(
        [
            list(headers),
            ["W46", "Gizi", 3, "x"],
            ["W47", "Gizi", 4, "x"],
            ["W47", "KIA", 8, "x"],  # KIA has no posts this week any more: blanked
            ["catatan", None, None, None],
        ]
    )
    plan = WritePlan()
    plan_replace(
        plan,
        "Analisis",
        seen,
        headers,
        "Minggu",
        ["W47"],
        [{"Minggu": "W47", "Program": "Gizi", "Suka": 4, "Diperbarui": "y"}],
        key=["Minggu", "Program"],
        volatile=["Diperbarui"],
    )
    assert plan.writes == [RangeWrite("Analisis", 4, 1, ((None, None, None, None),))]


def test_values_over_the_cell_limit_are_cut_and_named() -> None:
    plan = WritePlan()
    plan_upsert(
        plan, "Catatan", None, ["Kunci", "Isi"], ["Kunci"], [{"Kunci": "a", "Isi": "y" * 120}]
    )
    resolved = resolve_plan(plan, {}, cell_limit=100)
    (write,) = resolved.writes
    assert len(str(write.values[0][1])) == 100
    (cut,) = resolved.shortened
    assert (cut.tab, cut.cell, cut.header, cut.original_length) == ("Catatan", "B2", "Isi", 120)


def test_tab_helper_is_a_tab() -> None:
    made = tab([list(HEADERS), ["W1"]])
    assert isinstance(made, Tab) and made.rows == (SheetRow(2, ("W1", None, None)),)
