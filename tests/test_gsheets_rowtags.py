"""The pure part of writing rows on their keys by row tags (postme/stores/gsheets/rowtags.py):
reading a tagging batch's answer, and splitting a resolved plan into writes by tag and
writes by position."""

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


def test_writes_into_existing_rows_go_by_tag_and_the_rest_by_position() -> None:
    writes = [
        RangeWrite("Temuan", 3, 2, (("a", "b"), ("c", None))),  # rows 3 and 4 from column B
        RangeWrite("Temuan", 3, 5, (("e",),)),  # the same row 3, column E
        RangeWrite("Temuan", 9, 1, (("new",),), True),  # an appended row
        RangeWrite("Baru", 2, 1, (("x",),)),  # a tab that does not exist yet
        RangeWrite("Temuan", 6, 1, (("plain",),)),  # a row with no tag: never dropped
        RangeWrite("Kalender", 4, 6, (("dicek",),)),  # a plain range into a tab not re-read
    ]
    split = rowtags.split_writes(writes, {"Temuan": {3: 30, 4: 40}})
    assert split.by_tag == {30: {1: "a", 2: "b", 4: "e"}, 40: {1: "c", 2: None}}
    assert split.tag_rows == {30: ("Temuan", 3), 40: ("Temuan", 4)}
    assert split.positional == [writes[2], writes[3], writes[4], writes[5]]
    assert split.untagged == {"Temuan": {6}}
    body = rowtags.values_by_filter_body(split.by_tag)
    assert body["data"][0]["values"] == [[None, "a", "b", None, "e"]]
    assert body["data"][1]["values"] == [[None, "c", ""]]


def test_a_tab_over_the_tag_budget_is_written_by_position() -> None:
    rows = {"Temuan": set(range(2, rowtags.TAG_BUDGET + 3)), "Analisis": {2}}
    assert rowtags.over_budget(rows) == {"Temuan"}
    write = RangeWrite("Temuan", 2, 1, (("x",),))
    split = rowtags.split_writes([write], {"Temuan": {2: 20}}, over_budget={"Temuan"})
    assert split.positional == [write] and not split.untagged


def test_the_answer_of_a_write_by_tag_says_which_rows_were_found() -> None:
    reply = {
        "responses": [
            {
                "updatedRange": "Temuan!A3:E3",
                "dataFilter": {"developerMetadataLookup": {"metadataId": 30}},
            },
            {"dataFilter": {"developerMetadataLookup": {"metadataId": 40}}},  # nothing matched
        ]
    }
    assert rowtags.matched_tags(reply) == {30}


def test_the_rows_to_update_are_those_of_existing_tabs_not_appended() -> None:
    writes = [
        RangeWrite("Temuan", 3, 2, (("a",), ("b",))),
        RangeWrite("Temuan", 8, 1, (("n",),), True),
        RangeWrite("Baru", 2, 1, (("x",),)),
    ]
    assert rowtags.rows_to_update(writes, ["Temuan"]) == {"Temuan": {3, 4}}
