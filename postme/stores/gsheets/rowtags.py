"""Rows written on their keys whatever a person does meanwhile: row tags (issue 19).

Each existing row of a tab that postme updates is first *tagged*: row-located developer
metadata (key ``postme.row``, this run's token as value), and so is the tab's last grid
row (a *sentinel*). Google keeps a row's metadata with the row when people insert,
delete or move rows, and deletes it with the row. The tags are made in one
``spreadsheets.batchUpdate`` whose answer carries the touched tabs' grid *after*
tagging (``responseIncludeGridData``): the keyed intents are resolved against that grid,
and each row to update must carry one of this run's tags there (a tag placed on a row
that moved before the tagging landed is not used: the row is tagged again, at most
:data:`TAG_ROUNDS` times).

The write stays one atomic ``spreadsheets.batchUpdate`` with ``updateCells`` at the rows
of that grid, opened by a **guard** per tag: delete the tag *at its row as seen*
(``EXACT_LOCATION``), then create it again with the same ``metadataId`` at that row. If
a person moved the row since (an insert or delete above it, a sort), the delete matches
nothing, the tag still exists elsewhere, and Google refuses the second tag with that id:
**the whole batch is refused, nothing is written**, and the store looks again. A row a
person deleted takes its tag with it, but the sentinel below it moves up and is caught
the same way; a deleted last row leaves the sentinel's row outside the grid, which
Google refuses too. So no ``updateCells`` ever lands on a row that moved. The write's
last steps delete every ``postme.row`` tag (a crashed run's too).

Limits (docs/reliability.md): Google keeps at most 30,000 characters of developer
metadata per sheet; a tag costs about 18, so at most :data:`TAG_BUDGET` rows of one tab
are tagged per run; beyond that (a re-run replacing thousands of findings) only the
sentinel guards the tab: inserts and deletes are still caught, a sort is not. Google
documents that metadata moves with inserted and deleted rows; that a sort carries it is
read from "remains associated ... as they move around" (the local server does so).
Everything here is pure.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from postme.stores.base import Cell, RangeWrite

TAG_KEY = "postme.row"
TAG_BUDGET = 1000  # rows tagged per tab and run (Google: 30,000 metadata characters/sheet)
TAG_ROUNDS = 3  # tagging rounds before giving up on a sheet that keeps moving

# Google's error values as the values API renders them (UNFORMATTED_VALUE).
_ERRORS = {
    "DIVIDE_BY_ZERO": "#DIV/0!",
    "N_A": "#N/A",
    "NAME": "#NAME?",
    "NULL_VALUE": "#NULL!",
    "NUM": "#NUM!",
    "REF": "#REF!",
    "VALUE": "#VALUE!",
    "ERROR": "#ERROR!",
    "LOADING": "Loading...",
}


def create_tag(sheet_id: int, row: int, token: str) -> dict[str, Any]:
    """Tag the 1-based ``row`` of a sheet for this run (Google assigns the id; the
    guard names it)."""
    return {
        "createDeveloperMetadata": {
            "developerMetadata": {
                "metadataKey": TAG_KEY,
                "metadataValue": token,
                "location": _row_location(sheet_id, row),
                "visibility": "DOCUMENT",
            }
        }
    }


def delete_tags() -> dict[str, Any]:
    """Every row tag of postme's, this run's and any a crashed run left."""
    return {
        "deleteDeveloperMetadata": {
            "dataFilter": {"developerMetadataLookup": {"metadataKey": TAG_KEY}}
        }
    }


def grid_fields(metadata_fields: str) -> str:
    """The ``fields`` mask of a tagging batch's answer: the spreadsheet's metadata plus
    each touched tab's values and row tags."""
    data = (
        "data(startRow,rowData(values(effectiveValue)),"
        "rowMetadata(developerMetadata(metadataId,metadataKey,metadataValue)))"
    )
    inner = metadata_fields.replace("sheets(properties(", "sheets(" + data + ",properties(", 1)
    return "replies,updatedSpreadsheet(" + inner + ")"


@dataclass
class TaggedGrid:
    """One tab as a tagging batch's answer shows it: its rows (index 0 = row 1) and the
    1-based rows holding one of this run's tags, with the tag's id."""

    rows: list[list[Cell]] = field(default_factory=list)
    tags: dict[int, int] = field(default_factory=dict)


def parse_grids(spreadsheet: Mapping[str, Any], token: str) -> dict[str, TaggedGrid]:
    """Each sheet's grid data in ``spreadsheet`` (a ``Spreadsheet`` resource), by title."""
    out: dict[str, TaggedGrid] = {}
    for sheet in spreadsheet.get("sheets") or []:
        data = sheet.get("data")
        if not data:
            continue
        grid = TaggedGrid()
        for block in data:
            start = int(block.get("startRow", 0))
            for offset, row in enumerate(block.get("rowData") or []):
                values = [_value(c.get("effectiveValue")) for c in row.get("values") or []]
                while values and values[-1] is None:
                    values.pop()
                index = start + offset
                grid.rows.extend([] for _ in range(index + 1 - len(grid.rows)))
                grid.rows[index] = values
            for offset, meta in enumerate(block.get("rowMetadata") or []):
                for tag in meta.get("developerMetadata") or []:
                    if tag.get("metadataKey") == TAG_KEY and tag.get("metadataValue") == token:
                        grid.tags.setdefault(start + offset + 1, int(tag["metadataId"]))
        while grid.rows and not grid.rows[-1]:
            grid.rows.pop()
        out[str(sheet["properties"]["title"])] = grid
    return out


def _value(value: Mapping[str, Any] | None) -> Cell:
    if not value:
        return None
    if "numberValue" in value:
        number = value["numberValue"]
        return int(number) if isinstance(number, float) and number.is_integer() else number
    if "stringValue" in value:
        return str(value["stringValue"])
    if "boolValue" in value:
        return bool(value["boolValue"])
    if "errorValue" in value:
        return _ERRORS.get(str(value["errorValue"].get("type")), "#ERROR!")
    return None


def created_tags(replies: Iterable[Mapping[str, Any]]) -> list[tuple[int, int, int]]:
    """(sheetId, 1-based row, metadataId) of each row tag a batch's replies say it made,
    where it is once the batch applied."""
    out = []
    for reply in replies:
        created = (reply or {}).get("createDeveloperMetadata", {}).get("developerMetadata")
        if not created or created.get("metadataKey") != TAG_KEY:
            continue
        where = created.get("location", {}).get("dimensionRange") or {}
        if where.get("dimension") == "ROWS":
            row = int(where.get("startIndex", 0)) + 1
            out.append((int(where.get("sheetId", 0)), row, int(created["metadataId"])))
    return out


def rows_to_update(writes: Iterable[RangeWrite], existing: Iterable[str]) -> dict[str, set[int]]:
    """The existing rows of existing tabs that ``writes`` change, by tab."""
    titles = set(existing)
    rows: dict[str, set[int]] = {}
    for write in writes:
        if write.append or write.tab not in titles:
            continue
        rows.setdefault(write.tab, set()).update(range(write.row, write.row + len(write.values)))
    return rows


def guards(
    tags: Mapping[str, Mapping[int, int]], sheet_ids: Mapping[str, int], token: str
) -> list[dict[str, Any]]:
    """For each tag (tab → 1-based row → metadataId, as the tagging answer showed them):
    delete it at that row only, then create it again there with the same id. Google
    refuses the second create, and with it the whole batch, when the tag moved."""
    requests: list[dict[str, Any]] = []
    for tab, rows in tags.items():
        for row, metadata_id in sorted(rows.items()):
            location = _row_location(sheet_ids[tab], row)
            requests.append(
                {
                    "deleteDeveloperMetadata": {
                        "dataFilter": {
                            "developerMetadataLookup": {
                                "metadataId": metadata_id,
                                "metadataLocation": location,
                                "locationMatchingStrategy": "EXACT_LOCATION",
                            }
                        }
                    }
                }
            )
            request = create_tag(sheet_ids[tab], row, token)
            request["createDeveloperMetadata"]["developerMetadata"]["metadataId"] = metadata_id
            requests.append(request)
    return requests


def _row_location(sheet_id: int, row: int) -> dict[str, Any]:
    return {
        "dimensionRange": {
            "sheetId": sheet_id,
            "dimension": "ROWS",
            "startIndex": row - 1,
            "endIndex": row,
        }
    }


def over_budget(rows: Mapping[str, Sequence[int] | set[int]]) -> set[str]:
    return {tab for tab, numbers in rows.items() if len(numbers) > TAG_BUDGET}
