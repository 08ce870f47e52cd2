"""Developer metadata on rows, the data-filter routes and grid data of the local Sheets
server, driven through the real gspread + google-auth stack (issue 19: writes that land on
their row whatever a person did meanwhile)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gspread
import pytest
from gspread.http_client import ParamsType
from gspread.urls import SPREADSHEETS_API_V4_BASE_URL as API
from gspread.utils import InsertDataOption
from sheets_server import Grid, SheetsServer, local_session
from sheets_server.grid import StoredCell
from sheets_server.metadata import METADATA_CHARACTER_LIMIT

POSTS: Grid = [
    ["Kunci", "Judul", "Suka"],
    ["k1", "Gizi", 5],
    ["k2", "KIA", 9],
    ["k3", "TB", 1],
]


@pytest.fixture
def server(sheets_server: SheetsServer) -> SheetsServer:
    return sheets_server


@pytest.fixture
def client(sheets_server: SheetsServer, sheets_key_file: Path) -> gspread.Client:
    # gspread documents Client(auth=None, session=...) but annotates auth as Credentials.
    return gspread.Client(auth=None, session=local_session(sheets_server, sheets_key_file))  # type: ignore[arg-type]


@contextlib.contextmanager
def refused() -> Iterator[None]:
    """Google refuses the request with a 400 (its wording is Google's to choose)."""
    with pytest.raises(gspread.exceptions.APIError) as caught:
        yield
    assert caught.value.code == 400


def batch(client: gspread.Client, sid: str, *requests: Any, **body: Any) -> Any:
    return client.http_client.batch_update(sid, {"requests": list(requests), **body})


def post(client: gspread.Client, sid: str, route: str, body: Any, **params: Any) -> Any:
    """POST to ``{spreadsheet}{route}`` (e.g. ``/values:batchUpdateByDataFilter``)."""
    answer = client.http_client.request("post", f"{API}/{sid}{route}", json=body, params=params)
    return answer.json()


def row_tag(sheet_id: int, row: int, value: str, **extra: Any) -> dict[str, Any]:
    """createDeveloperMetadata on 0-based ``row`` (key ``postme.row``)."""
    location = {
        "dimensionRange": {
            "sheetId": sheet_id,
            "dimension": "ROWS",
            "startIndex": row,
            "endIndex": row + 1,
        }
    }
    meta = {"metadataKey": "postme.row", "metadataValue": value, "location": location}
    return {
        "createDeveloperMetadata": {
            "developerMetadata": {"visibility": "DOCUMENT", **meta, **extra}
        }
    }


def by_value(value: str) -> dict[str, Any]:
    return {"developerMetadataLookup": {"metadataKey": "postme.row", "metadataValue": value}}


def write_by_tag(client: gspread.Client, sid: str, *data: Any, option: str = "RAW") -> Any:
    entries = [{"dataFilter": by_value(value), "values": values} for value, values in data]
    body = {"valueInputOption": option, "data": entries}
    return post(client, sid, "/values:batchUpdateByDataFilter", body)


def tagged_posts(server: SheetsServer, client: gspread.Client) -> tuple[str, int]:
    """POSTS with rows 2-4 tagged k1..k3 (metadataId 11, 12, 13)."""
    sid = server.create_spreadsheet({"Posts": POSTS})
    sheet_id = client.open_by_key(sid).sheet1.id
    tags = [row_tag(sheet_id, row, f"k{row}", metadataId=10 + row) for row in (1, 2, 3)]
    batch(client, sid, *tags)
    return sid, sheet_id


def tag_rows(server: SheetsServer, sid: str) -> dict[int, list[str]]:
    """1-based row → the values of its tags."""
    return {
        row: [m["metadataValue"] for m in tags]
        for row, tags in server.row_metadata(sid, "Posts").items()
    }


def cell_values(row: dict[str, Any]) -> list[dict[str, Any]]:
    """A RowData's cells, values only (Google adds formats too)."""
    keys = ("userEnteredValue", "effectiveValue", "formattedValue")
    return [{k: cell[k] for k in keys if k in cell} for cell in row.get("values", [])]


# ---------------------------------------------------------------- creating


def test_a_row_tag_is_created_with_its_location_as_google_returns_it(
    server: SheetsServer, client: gspread.Client
) -> None:
    sid = server.create_spreadsheet({"Intro": [["x"]], "Posts": POSTS})
    sheet_id = client.open_by_key(sid).worksheet("Posts").id  # not 0: no field is a default
    reply = batch(client, sid, row_tag(sheet_id, 2, "k2"))
    created = reply["replies"][0]["createDeveloperMetadata"]["developerMetadata"]
    assert created["location"] == {
        "locationType": "ROW",
        "dimensionRange": {
            "sheetId": sheet_id,
            "dimension": "ROWS",
            "startIndex": 2,
            "endIndex": 3,
        },
    }
    assert created["metadataId"] > 0  # none given: one is assigned
    answer = client.http_client.request(
        "get", f"{API}/{sid}/developerMetadata/{created['metadataId']}"
    )
    assert answer.json() == created
    assert tag_rows(server, sid) == {3: ["k2"]}
    assert server.developer_metadata(sid) == {}  # the lock's view: spreadsheet level only


def test_sheet_and_spreadsheet_metadata_come_back_where_google_puts_them(
    server: SheetsServer, client: gspread.Client
) -> None:
    sid = server.create_spreadsheet({"Posts": POSTS, "Temuan": [["a"]]})
    book = client.open_by_key(sid)
    temuan = book.worksheet("Temuan").id
    on_sheet = {"metadataKey": "tab", "visibility": "DOCUMENT", "location": {"sheetId": temuan}}
    on_book = {"metadataKey": "book", "visibility": "PROJECT", "location": {"spreadsheet": True}}
    batch(
        client,
        sid,
        {"createDeveloperMetadata": {"developerMetadata": on_sheet}},
        {"createDeveloperMetadata": {"developerMetadata": on_book}},
    )
    got = book.fetch_sheet_metadata()
    assert [m["metadataKey"] for m in got["developerMetadata"]] == ["book"]
    assert got["developerMetadata"][0]["location"] == {
        "locationType": "SPREADSHEET",
        "spreadsheet": True,
    }
    (posts, tab) = got["sheets"]
    assert "developerMetadata" not in posts
    assert tab["developerMetadata"][0]["location"] == {"locationType": "SHEET", "sheetId": temuan}
    # Deleting the sheet deletes what is on it; the spreadsheet's stays.
    book.del_worksheet(book.worksheet("Temuan"))
    assert [m["metadataKey"] for m in server.all_developer_metadata(sid).values()] == ["book"]


@pytest.mark.parametrize(
    "meta",
    [
        {"visibility": "DOCUMENT"},
        {"metadataKey": "k"},
        {"metadataKey": "k", "visibility": "DOCUMENT", "metadataId": -3},
    ],
    ids=["no key", "no visibility", "negative id"],
)
def test_key_visibility_and_a_positive_id_are_required(
    server: SheetsServer, client: gspread.Client, meta: dict[str, Any]
) -> None:
    sid = server.create_spreadsheet({"Posts": POSTS})
    meta["location"] = {"spreadsheet": True}
    with refused():
        batch(client, sid, {"createDeveloperMetadata": {"developerMetadata": meta}})
    assert server.all_developer_metadata(sid) == {}


def test_a_row_location_must_be_one_row(server: SheetsServer, client: gspread.Client) -> None:
    sid = server.create_spreadsheet({"Posts": POSTS})
    request = row_tag(0, 1, "k1")
    request["createDeveloperMetadata"]["developerMetadata"]["location"]["dimensionRange"][
        "endIndex"
    ] = 3
    with refused():
        batch(client, sid, request)
    past_the_grid = row_tag(0, 1000, "k")  # the grid has 1000 rows: 0..999
    with refused():
        batch(client, sid, past_the_grid)


def test_a_duplicate_id_fails_the_whole_batch(server: SheetsServer, client: gspread.Client) -> None:
    sid, sheet_id = tagged_posts(server, client)
    before = server.all_developer_metadata(sid)
    with refused():
        batch(
            client,
            sid,
            {"addSheet": {"properties": {"title": "Baru"}}},
            row_tag(sheet_id, 5, "k5"),
            row_tag(sheet_id, 6, "k6", metadataId=12),
        )
    assert server.tab_titles(sid) == ["Posts"]
    assert server.all_developer_metadata(sid) == before


def test_the_metadata_character_quota(server: SheetsServer, client: gspread.Client) -> None:
    sid = server.create_spreadsheet({"Posts": POSTS})
    key = "postme.row"
    fits = METADATA_CHARACTER_LIMIT - 2 * len(key) - 10  # room for one more key + 10
    batch(client, sid, row_tag(0, 1, "x" * fits))
    with refused():
        batch(client, sid, row_tag(0, 2, "y" * 11))  # 11 more than fit
    batch(client, sid, row_tag(0, 2, "y" * 10))  # exactly at the quota
    assert len(server.row_metadata(sid, "Posts")) == 2
    # The spreadsheet-level quota is its own.
    lock = {
        "metadataKey": "lock",
        "metadataValue": "z" * 100,
        "visibility": "DOCUMENT",
        "location": {"spreadsheet": True},
    }
    batch(client, sid, {"createDeveloperMetadata": {"developerMetadata": lock}})


# ---------------------------------------------------------------- moving with the rows


def test_a_row_tag_moves_with_a_persons_insert_above_and_the_write_lands_on_it(
    server: SheetsServer, client: gspread.Client
) -> None:
    sid, _ = tagged_posts(server, client)
    server.insert_rows(sid, "Posts", 2, [["catatan", "ditulis orang"]])
    assert tag_rows(server, sid) == {3: ["k1"], 4: ["k2"], 5: ["k3"]}
    reply = write_by_tag(client, sid, ("k2", [["k2", "KIA baru", 10]]))
    assert reply["responses"][0]["updatedRange"] == "Posts!A4:C4"
    assert server.values(sid, "Posts") == [
        ["Kunci", "Judul", "Suka"],
        ["catatan", "ditulis orang"],
        ["k1", "Gizi", 5],
        ["k2", "KIA baru", 10],
        ["k3", "TB", 1],
    ]


def test_a_row_tag_moves_with_a_persons_sort(server: SheetsServer, client: gspread.Client) -> None:
    sid, _ = tagged_posts(server, client)
    server.sort_rows(sid, "Posts", 2)  # by Judul: Gizi, KIA, TB → as before
    server.sort_rows(sid, "Posts", 3)  # by Suka as text: "1", "5", "9"
    assert server.values(sid, "Posts")[1:] == [["k3", "TB", 1], ["k1", "Gizi", 5], ["k2", "KIA", 9]]
    assert tag_rows(server, sid) == {2: ["k3"], 3: ["k1"], 4: ["k2"]}
    write_by_tag(client, sid, ("k1", [[None, None, 6]]))
    assert server.values(sid, "Posts")[2] == ["k1", "Gizi", 6]


def test_a_persons_delete_moves_tags_below_and_deletes_the_rows_own(
    server: SheetsServer, client: gspread.Client
) -> None:
    sid, _ = tagged_posts(server, client)
    server.delete_rows(sid, "Posts", 2)  # k1's row
    assert tag_rows(server, sid) == {2: ["k2"], 3: ["k3"]}
    assert 11 not in server.all_developer_metadata(sid)
    before = server.values(sid, "Posts")
    reply = write_by_tag(client, sid, ("k1", [["k1", "hilang", 0]]))
    # The filter matches nothing: nothing written, no response for it, no error.
    assert reply.get("responses", []) == [] and reply.get("totalUpdatedCells", 0) == 0
    assert server.values(sid, "Posts") == before


def test_gspreads_insert_delete_and_sort_carry_the_tags(
    server: SheetsServer, client: gspread.Client
) -> None:
    sid, sheet_id = tagged_posts(server, client)
    sheet = client.open_by_key(sid).sheet1
    sheet.insert_rows([["baru", "x", 7]], row=2)  # insertDimension + values:update
    assert tag_rows(server, sid) == {3: ["k1"], 4: ["k2"], 5: ["k3"]}
    sheet.delete_rows(4)  # deleteDimension: k2's row
    assert tag_rows(server, sid) == {3: ["k1"], 4: ["k3"]}
    sheet.sort((3, "des"), range="A2:Z1000")  # sortRange over whole rows, by Suka
    assert server.values(sid, "Posts")[1:] == [["baru", "x", 7], ["k1", "Gizi", 5], ["k3", "TB", 1]]
    assert tag_rows(server, sid) == {3: ["k1"], 4: ["k3"]}
    sheet.sort((3, "asc"), range="A2:Z1000")
    assert tag_rows(server, sid) == {2: ["k3"], 3: ["k1"]}
    move = {
        "source": {"sheetId": sheet_id, "dimension": "ROWS", "startIndex": 1, "endIndex": 2},
        "destinationIndex": 4,
    }
    batch(client, sid, {"moveDimension": move})
    assert server.values(sid, "Posts")[1:] == [["k1", "Gizi", 5], ["baru", "x", 7], ["k3", "TB", 1]]
    assert tag_rows(server, sid) == {2: ["k1"], 4: ["k3"]}


def test_a_sort_of_part_of_the_row_leaves_the_tags(
    server: SheetsServer, client: gspread.Client
) -> None:
    sid, _ = tagged_posts(server, client)
    client.open_by_key(sid).sheet1.sort((3, "asc"), range="B2:C4")  # not whole rows
    assert server.values(sid, "Posts")[1:] == [["k1", "TB", 1], ["k2", "Gizi", 5], ["k3", "KIA", 9]]
    assert tag_rows(server, sid) == {2: ["k1"], 3: ["k2"], 4: ["k3"]}


def test_appending_moves_nothing_and_shrinking_the_grid_deletes_what_it_cuts(
    server: SheetsServer, client: gspread.Client
) -> None:
    sid, sheet_id = tagged_posts(server, client)
    cells = {
        "sheetId": sheet_id,
        "fields": "userEnteredValue",
        "rows": [{"values": [{"userEnteredValue": {"stringValue": "k4"}}]}],
    }
    batch(
        client,
        sid,
        {"appendCells": cells},
        {"appendDimension": {"sheetId": sheet_id, "dimension": "ROWS", "length": 5}},
    )
    server.append_row(sid, "Posts", ["k5"])
    assert tag_rows(server, sid) == {2: ["k1"], 3: ["k2"], 4: ["k3"]}
    client.open_by_key(sid).sheet1.resize(rows=3)
    assert tag_rows(server, sid) == {2: ["k1"], 3: ["k2"]}


def test_appending_values_with_insert_rows_pushes_the_rows_below_down(
    server: SheetsServer, client: gspread.Client
) -> None:
    sid, sheet_id = tagged_posts(server, client)
    batch(client, sid, row_tag(sheet_id, 6, "di bawah"))  # an empty row below the table
    sheet = client.open_by_key(sid).sheet1
    sheet.append_rows([["k4", "Baru", 2]], table_range="A1:C4")  # OVERWRITE: nothing moves
    assert tag_rows(server, sid)[7] == ["di bawah"]
    sheet.append_rows(
        [["k5", "Lagi", 3]], insert_data_option=InsertDataOption.insert_rows, table_range="A1:C5"
    )
    assert server.values(sid, "Posts")[5] == ["k5", "Lagi", 3]
    assert tag_rows(server, sid)[8] == ["di bawah"]


def test_column_metadata_moves_with_an_inserted_column(
    server: SheetsServer, client: gspread.Client
) -> None:
    sid = server.create_spreadsheet({"Posts": POSTS})
    sheet = client.open_by_key(sid).sheet1
    location = {
        "dimensionRange": {
            "sheetId": sheet.id,
            "dimension": "COLUMNS",
            "startIndex": 2,
            "endIndex": 3,
        }
    }
    meta = {
        "metadataKey": "kolom",
        "metadataValue": "suka",
        "visibility": "DOCUMENT",
        "location": location,
    }
    batch(client, sid, {"createDeveloperMetadata": {"developerMetadata": meta}})
    sheet.insert_cols([["Baru"]], col=1)
    lookup = {"developerMetadataLookup": {"metadataKey": "kolom"}}
    got = post(client, sid, "/values:batchGetByDataFilter", {"dataFilters": [lookup]})
    assert got["valueRanges"][0]["valueRange"]["range"] == "Posts!D1:D1000"
    assert got["valueRanges"][0]["valueRange"]["values"] == [["Suka"], ["5"], ["9"], ["1"]]


# ---------------------------------------------------------------- writing by data filter


def test_null_skips_an_empty_string_clears_raw_stays_text(
    server: SheetsServer, client: gspread.Client
) -> None:
    sid, _ = tagged_posts(server, client)
    reply = write_by_tag(client, sid, ("k2", [[None, "", "=1+1"]]))
    assert server.values(sid, "Posts")[2] == ["k2", "", "=1+1"]
    assert not server.is_formula(sid, "Posts", "C3")
    (response,) = reply["responses"]
    assert response["dataFilter"] == by_value("k2")
    assert (response["updatedRange"], response["updatedCells"]) == ("Posts!A3:C3", 2)
    assert reply["totalUpdatedCells"] == 2 and reply["totalUpdatedSheets"] == 1
    write_by_tag(client, sid, ("k2", [["k2", "=1+1"]]), option="USER_ENTERED")
    assert server.is_formula(sid, "Posts", "B3")


def test_values_beyond_the_matched_row_fail_the_request_and_write_nothing(
    server: SheetsServer, client: gspread.Client
) -> None:
    sid, _ = tagged_posts(server, client)
    before = server.values(sid, "Posts")
    with refused():
        write_by_tag(client, sid, ("k1", [["k1", "baru"]]), ("k2", [["k2"], ["satu baris lagi"]]))
    with refused():
        write_by_tag(client, sid, ("k1", [["x"] * 27]))
    with refused():
        write_by_tag(client, sid, ("k1", [["k1", "ok"]]), ("k3", [["k3", "x" * 50_001]]))
    assert server.values(sid, "Posts") == before


def test_a_filter_matching_several_rows_writes_each(
    server: SheetsServer, client: gspread.Client
) -> None:
    sid, sheet_id = tagged_posts(server, client)
    batch(client, sid, *(row_tag(sheet_id, row, "ulang") for row in (1, 3)))
    body = {
        "valueInputOption": "RAW",
        "includeValuesInResponse": True,
        "responseValueRenderOption": "UNFORMATTED_VALUE",
        "data": [
            {
                "dataFilter": by_value("ulang"),
                "majorDimension": "COLUMNS",
                "values": [[None], [None], [0]],
            }
        ],
    }
    reply = post(client, sid, "/values:batchUpdateByDataFilter", body)
    responses = sorted(reply["responses"], key=lambda r: str(r["updatedRange"]))
    assert [r["updatedRange"] for r in responses] == ["Posts!A2:C2", "Posts!A4:C4"]
    assert responses[1]["updatedData"]["values"] == [["k3", "TB", 0]]
    assert [row[2] for row in server.values(sid, "Posts")[1:]] == [0, 9, 0]


def test_a1_and_grid_range_filters_and_the_required_input_option(
    server: SheetsServer, client: gspread.Client
) -> None:
    sid, sheet_id = tagged_posts(server, client)
    grid = {"sheetId": sheet_id, "startRowIndex": 3, "endRowIndex": 4, "startColumnIndex": 1}
    body = {
        "valueInputOption": "RAW",
        "data": [
            {"dataFilter": {"a1Range": "Posts!B2"}, "values": [["satu"]]},
            {"dataFilter": {"gridRange": grid}, "values": [["tiga", 3]]},
        ],
    }
    post(client, sid, "/values:batchUpdateByDataFilter", body)
    assert [row[1:] for row in server.values(sid, "Posts")[1:]] == [
        ["satu", 5],
        ["KIA", 9],
        ["tiga", 3],
    ]
    del body["valueInputOption"]
    with refused():
        post(client, sid, "/values:batchUpdateByDataFilter", body)
    both = {
        "valueInputOption": "RAW",
        "data": [{"dataFilter": {"a1Range": "A1", "gridRange": grid}}],
    }
    with refused():
        post(client, sid, "/values:batchUpdateByDataFilter", both)


def test_reading_and_clearing_by_tag(server: SheetsServer, client: gspread.Client) -> None:
    sid, _ = tagged_posts(server, client)
    filters = [by_value("k2"), {"a1Range": "Posts!A3:Z3"}, by_value("hilang")]
    got = post(client, sid, "/values:batchGetByDataFilter", {"dataFilters": filters})
    (matched,) = got["valueRanges"]  # the same row, once, with both filters that chose it
    assert matched["dataFilters"] == filters[:2]
    assert matched["valueRange"]["values"] == [["k2", "KIA", "9"]]
    cleared = post(client, sid, "/values:batchClearByDataFilter", {"dataFilters": [by_value("k3")]})
    assert cleared["clearedRanges"] == ["Posts!A4:Z4"]
    assert server.values(sid, "Posts")[1:] == [["k1", "Gizi", 5], ["k2", "KIA", 9]]
    assert tag_rows(server, sid)[4] == ["k3"]  # clearing values keeps the row and its tag


# ---------------------------------------------------------------- finding and deleting


def test_delete_by_key_and_value_deletes_only_what_matches_every_field(
    server: SheetsServer, client: gspread.Client
) -> None:
    sid, _ = tagged_posts(server, client)
    reply = batch(client, sid, {"deleteDeveloperMetadata": {"dataFilter": by_value("k2")}})
    (deleted,) = reply["replies"][0]["deleteDeveloperMetadata"]["deletedDeveloperMetadata"]
    assert (deleted["metadataId"], deleted["metadataValue"]) == (12, "k2")
    assert tag_rows(server, sid) == {2: ["k1"], 4: ["k3"]}
    nothing = batch(client, sid, {"deleteDeveloperMetadata": {"dataFilter": by_value("k2")}})
    assert (
        nothing["replies"][0]["deleteDeveloperMetadata"].get("deletedDeveloperMetadata", []) == []
    )
    every_row = {"developerMetadataLookup": {"metadataKey": "postme.row", "locationType": "ROW"}}
    batch(client, sid, {"deleteDeveloperMetadata": {"dataFilter": every_row}})
    assert server.all_developer_metadata(sid) == {}


def test_search_by_location_exact_or_intersecting(
    server: SheetsServer, client: gspread.Client
) -> None:
    sid, sheet_id = tagged_posts(server, client)
    on_sheet = {"metadataKey": "tab", "visibility": "DOCUMENT", "location": {"sheetId": sheet_id}}
    batch(client, sid, {"createDeveloperMetadata": {"developerMetadata": on_sheet}})
    row_2 = {
        "dimensionRange": {"sheetId": sheet_id, "dimension": "ROWS", "startIndex": 2, "endIndex": 3}
    }

    def search(*filters: Any) -> list[str]:
        got = post(client, sid, "/developerMetadata:search", {"dataFilters": list(filters)})
        return [
            m["developerMetadata"]["metadataKey"]
            + ":"
            + m["developerMetadata"].get("metadataValue", "")
            for m in got.get("matchedDeveloperMetadata", [])
        ]

    exact = {"metadataLocation": row_2, "locationMatchingStrategy": "EXACT_LOCATION"}
    assert search({"developerMetadataLookup": exact}) == ["postme.row:k2"]
    # Unspecified is INTERSECTING: the row and the sheet it is on.
    assert search({"developerMetadataLookup": {"metadataLocation": row_2}}) == [
        "postme.row:k2",
        "tab:",
    ]
    assert search({"a1Range": "Posts!B3:B4"}) == ["postme.row:k2", "postme.row:k3", "tab:"]
    assert search({"developerMetadataLookup": {"metadataId": 99}}) == []
    bad = {
        "locationType": "ROW",
        "metadataLocation": row_2,
        "locationMatchingStrategy": "EXACT_LOCATION",
    }
    with refused():
        search({"developerMetadataLookup": bad})
    with refused():
        search({"developerMetadataLookup": {"locationMatchingStrategy": "EXACT_LOCATION"}})
    with refused():
        search({"developerMetadataLookup": {}})


def test_update_metadata_value_and_location(server: SheetsServer, client: gspread.Client) -> None:
    sid, sheet_id = tagged_posts(server, client)
    new_location = row_tag(sheet_id, 6, "")["createDeveloperMetadata"]["developerMetadata"][
        "location"
    ]
    update = {
        "dataFilters": [by_value("k1")],
        "fields": "metadataValue,location",
        "developerMetadata": {"metadataValue": "k1b", "location": new_location},
    }
    reply = batch(client, sid, {"updateDeveloperMetadata": update})
    (updated,) = reply["replies"][0]["updateDeveloperMetadata"]["developerMetadata"]
    assert updated["metadataId"] == 11
    assert tag_rows(server, sid) == {3: ["k2"], 4: ["k3"], 7: ["k1b"]}


# ---------------------------------------------------------------- grid data


def test_get_with_ranges_and_grid_data_returns_row_metadata(
    server: SheetsServer, client: gspread.Client
) -> None:
    sid, _ = tagged_posts(server, client)
    server.add_tab(sid, "Lain", [["x"]])
    formula = StoredCell("=A2", formula=True, computed="k1")  # as Google computes it
    server.set_values(sid, "Posts", [[formula]], start="E3")
    params: ParamsType = {"ranges": "Posts!A2:E5", "includeGridData": "true"}
    got = client.http_client.request("get", f"{API}/{sid}", params=params).json()
    (sheet,) = got["sheets"]  # only the sheet the range is on
    (grid,) = sheet["data"]
    assert (grid.get("startRow", 0), grid.get("startColumn", 0)) == (1, 0)
    assert cell_values(grid["rowData"][0]) == [
        {
            "userEnteredValue": {"stringValue": "k1"},
            "effectiveValue": {"stringValue": "k1"},
            "formattedValue": "k1",
        },
        {
            "userEnteredValue": {"stringValue": "Gizi"},
            "effectiveValue": {"stringValue": "Gizi"},
            "formattedValue": "Gizi",
        },
        {
            "userEnteredValue": {"numberValue": 5},
            "effectiveValue": {"numberValue": 5},
            "formattedValue": "5",
        },
    ]
    assert cell_values(grid["rowData"][1])[3:] == [
        {},
        {
            "userEnteredValue": {"formulaValue": "=A2"},
            "effectiveValue": {"stringValue": "k1"},
            "formattedValue": "k1",
        },
    ]
    assert len(grid["rowData"]) == 3  # row 5 is empty: dropped
    assert [m["pixelSize"] for m in grid["rowMetadata"]] == [21, 21, 21, 21]
    tags = [
        [t["metadataValue"] for t in m.get("developerMetadata", [])] for m in grid["rowMetadata"]
    ]
    assert tags == [["k1"], ["k2"], ["k3"], []]
    assert len(grid["columnMetadata"]) == 5
    # ranges without grid data: the sheets' properties only.
    plain = client.http_client.request("get", f"{API}/{sid}", params={"ranges": "Lain!A1"}).json()
    assert [s["properties"]["title"] for s in plain["sheets"]] == ["Lain"]
    assert "data" not in plain["sheets"][0]


def test_batch_update_answers_with_the_grid_after_the_batch(
    server: SheetsServer, client: gspread.Client
) -> None:
    sid, sheet_id = tagged_posts(server, client)
    reply = batch(
        client,
        sid,
        {
            "insertDimension": {
                "range": {"sheetId": sheet_id, "dimension": "ROWS", "startIndex": 1, "endIndex": 2}
            }
        },
        row_tag(sheet_id, 1, "baru"),
        includeSpreadsheetInResponse=True,
        responseRanges=["Posts!A1:C3"],
        responseIncludeGridData=True,
    )
    (grid,) = reply["updatedSpreadsheet"]["sheets"][0]["data"]
    tags = [
        [t["metadataValue"] for t in m.get("developerMetadata", [])] for m in grid["rowMetadata"]
    ]
    assert tags == [[], ["baru"], ["k1"]]
    assert [r.get("values", [{}])[0].get("formattedValue") for r in grid["rowData"]] == [
        "Kunci",
        None,
        "k1",
    ]


def test_a_field_mask_selects_the_answer_and_decides_on_grid_data(
    server: SheetsServer, client: gspread.Client
) -> None:
    sid, _ = tagged_posts(server, client)
    fields = "sheets(properties.title,data(rowMetadata/developerMetadata/metadataValue))"
    params: ParamsType = {"ranges": "Posts!A3:A4", "fields": fields}
    got = client.http_client.request("get", f"{API}/{sid}", params=params).json()
    assert got == {
        "sheets": [
            {
                "properties": {"title": "Posts"},
                "data": [
                    {
                        "rowMetadata": [
                            {"developerMetadata": [{"metadataValue": "k2"}]},
                            {"developerMetadata": [{"metadataValue": "k3"}]},
                        ]
                    }
                ],
            }
        ]
    }
    with refused():
        client.http_client.request("get", f"{API}/{sid}", params={"fields": "sheets.titel"})


# ---------------------------------------------------------------- Google's checks


def test_unknown_names_are_refused_as_google_does(
    server: SheetsServer, client: gspread.Client
) -> None:
    sid, _ = tagged_posts(server, client)
    body = {"valueInputOption": "RAW", "data": [{"dataFilter": by_value("k1"), "valus": [["x"]]}]}
    with pytest.raises(
        gspread.exceptions.APIError, match="Unknown name \"valus\" at 'data\\[0\\]'"
    ):
        post(client, sid, "/values:batchUpdateByDataFilter", body)
    with pytest.raises(gspread.exceptions.APIError, match="Cannot bind query parameter"):
        post(client, sid, "/developerMetadata:search", {"dataFilters": []}, include="x")
    wrong_enum = {"dataFilters": [{"developerMetadataLookup": {"locationType": "ROWS"}}]}
    with pytest.raises(gspread.exceptions.APIError, match="Invalid value at"):
        post(client, sid, "/developerMetadata:search", wrong_enum)
    # proto3 JSON: snake_case names and integers as strings are accepted.
    snake = {
        "value_input_option": "RAW",
        "data": [
            {
                "data_filter": {"developer_metadata_lookup": {"metadata_id": "12"}},
                "values": [["k2", "KIA!"]],
            }
        ],
    }
    post(client, sid, "/values:batchUpdateByDataFilter", snake)
    assert server.values(sid, "Posts")[2] == ["k2", "KIA!", 9]


def test_the_new_routes_are_logged_and_faults_reach_them(
    server: SheetsServer, client: gspread.Client
) -> None:
    sid, _ = tagged_posts(server, client)
    server.reset_log()
    server.inject("batchUpdateByDataFilter", status=503)
    with pytest.raises(gspread.exceptions.APIError, match="unavailable"):
        write_by_tag(client, sid, ("k1", [["k1", "x"]]))
    write_by_tag(client, sid, ("k1", [["k1", "x"]]))
    post(client, sid, "/values:batchGetByDataFilter", {"dataFilters": [by_value("k1")]})
    post(client, sid, "/values:batchClearByDataFilter", {"dataFilters": [by_value("k3")]})
    post(
        client, sid, ":getByDataFilter", {"dataFilters": [by_value("k1")], "includeGridData": True}
    )
    post(client, sid, "/developerMetadata:search", {"dataFilters": [by_value("k1")]})
    assert server.counts() == {
        "batchUpdateByDataFilter": 2,
        "batchGetByDataFilter": 1,
        "batchClearByDataFilter": 1,
        "getByDataFilter": 1,
        "metadataSearch": 1,
    }
    assert server.values(sid, "Posts")[1] == ["k1", "x", 5]
