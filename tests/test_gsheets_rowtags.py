"""The pure part of writing rows on their keys by row tags (postme/stores/gsheets/rowtags.py):
reading a tagging batch's answer, the guards that make the write refuse itself when a row
moved, and which rows need a tag."""

from __future__ import annotations

from typing import Any

from postme.stores.base import RangeWrite
from postme.stores.gsheets import rowtags

TOKEN = "0a1b2c3d"


def _tag(metadata_id: int, value: str = TOKEN, key: str = rowtags.TAG_KEY) -> dict[str, Any]:
    return {"metadataId": metadata_id, "metadataKey": key, "metadataValue": value}


def test_a_tagging_answer_gives_each_tab_its_rows_and_this_runs_tags() -> None:
    spreadsheet = {
        "sheets": [
            {
                "properties": {"title": "Temuan", "sheetId": 5},
                "data": [
                    {
                        "rowData": [
                            {"values": [{"effectiveValue": {"stringValue": "Minggu"}}]},
                            {},
                            {
                                "values": [
                                    {"effectiveValue": {"numberValue": 3.0}},
                                    {"effectiveValue": {"boolValue": True}},
                                    {"effectiveValue": {"errorValue": {"type": "DIVIDE_BY_ZERO"}}},
                                    {},
                                ]
                            },
                        ],
                        "rowMetadata": [
                            {},
                            {"developerMetadata": [_tag(7, value="another run")]},
                            {"developerMetadata": [_tag(8, key="other.tool"), _tag(9)]},
                            {"developerMetadata": [_tag(10)]},
                        ],
                    }
                ],
            },
            {"properties": {"title": "Kalender", "sheetId": 6}},  # no grid data asked
        ]
    }
    grids = rowtags.parse_grids(spreadsheet, TOKEN)
    assert list(grids) == ["Temuan"]
    assert grids["Temuan"].rows == [["Minggu"], [], [3, True, "#DIV/0!"]]
    assert grids["Temuan"].tags == {3: 9, 4: 10}  # 1-based rows; other runs' tags ignored


def test_a_guard_deletes_the_tag_at_its_row_only_and_creates_it_again_with_its_id() -> None:
    requests = rowtags.guards({"Temuan": {4: 40, 3: 30}}, {"Temuan": 5}, TOKEN)
    assert [next(iter(r)) for r in requests] == [
        "deleteDeveloperMetadata",
        "createDeveloperMetadata",
        "deleteDeveloperMetadata",
        "createDeveloperMetadata",
    ]
    where = {"dimensionRange": {"sheetId": 5, "dimension": "ROWS", "startIndex": 2, "endIndex": 3}}
    lookup = requests[0]["deleteDeveloperMetadata"]["dataFilter"]["developerMetadataLookup"]
    assert lookup == {
        "metadataId": 30,
        "metadataLocation": where,
        "locationMatchingStrategy": "EXACT_LOCATION",
    }
    created = requests[1]["createDeveloperMetadata"]["developerMetadata"]
    assert created["metadataId"] == 30 and created["location"] == where
    assert created["metadataKey"] == rowtags.TAG_KEY and created["metadataValue"] == TOKEN


def test_a_tab_over_the_tag_budget_is_named() -> None:
    rows = {"Temuan": set(range(2, rowtags.TAG_BUDGET + 3)), "Analisis": {2}}
    assert rowtags.over_budget(rows) == {"Temuan"}


def test_the_rows_to_update_are_those_of_existing_tabs_not_appended() -> None:
    writes = [
        RangeWrite("Temuan", 3, 2, (("a",), ("b",))),
        RangeWrite("Temuan", 8, 1, (("n",),), True),
        RangeWrite("Baru", 2, 1, (("x",),)),
    ]
    assert rowtags.rows_to_update(writes, ["Temuan"]) == {"Temuan": {3, 4}}
