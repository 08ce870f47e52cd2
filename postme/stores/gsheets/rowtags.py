"""Rows written on their keys whatever a person does meanwhile: row tags (issue 19).

A row of an existing tab that postme updates is first *tagged*: row-located developer
metadata (key ``postme.row``, this run's token as value). Google keeps a row's metadata
with the row when people insert, delete or sort rows, and deletes it with the row. The
values are then written with ``values:batchUpdateByDataFilter`` naming each tag's
``metadataId``: Google finds the row where it is *when the write lands*. A row a person
deleted in the meantime matches nothing and is not written (the summary says so); no
other row is ever written instead.

Tags are made in one ``spreadsheets.batchUpdate`` whose answer carries the grid of the
touched tabs *after* tagging (``responseIncludeGridData``): the keyed intents are
resolved against that grid, and each row to update must carry one of this run's tags
in it (a tag placed on a row that moved before the tagging landed is simply not used;
the row it was meant for is tagged again, at most :data:`TAG_ROUNDS` times). The last
write of the run deletes every ``postme.row`` tag (a crashed run's too).

Limits (written in docs/reliability.md): Google keeps at most 30,000 characters of
developer metadata per sheet; a tag costs about 18, so at most :data:`TAG_BUDGET` rows
of one tab are tagged per run; rows beyond (a re-run replacing thousands of findings)
are written by position in the atomic batch, with the short re-read window that has.
Everything here is pure.
"""

from __future__ import annotations

import math
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
    """Tag the 1-based ``row`` of a sheet for this run (Google assigns the id)."""
    return {
        "createDeveloperMetadata": {
            "developerMetadata": {
                "metadataKey": TAG_KEY,
                "metadataValue": token,
                "location": {
                    "dimensionRange": {
                        "sheetId": sheet_id,
                        "dimension": "ROWS",
                        "startIndex": row - 1,
                        "endIndex": row,
                    }
                },
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


@dataclass
class RowWrites:
    """The cells of a resolved plan split by how they are written."""

    by_tag: dict[int, dict[int, Cell]] = field(default_factory=dict)  # tag id → column → value
    tag_rows: dict[int, tuple[str, int]] = field(default_factory=dict)  # tag id → (tab, row)
    positional: list[RangeWrite] = field(default_factory=list)
    untagged: dict[str, set[int]] = field(default_factory=dict)  # tab → rows written by position


def split_writes(
    writes: Iterable[RangeWrite],
    tags: Mapping[str, Mapping[int, int]],
    over_budget: Iterable[str] = (),
) -> RowWrites:
    """Writes into rows that carry a tag go by tag; the others by position: new rows
    (appends), new tabs, plain ranges of a plan into tabs not re-read (the set-up
    wizard's), and tabs ``over_budget``. A write into a tagged tab with a row lacking
    its tag goes by position too, and is named in ``untagged``."""
    out = RowWrites()
    positional_tabs = set(over_budget)
    for write in writes:
        tab_tags = tags.get(write.tab)
        if write.append or tab_tags is None or write.tab in positional_tabs:
            out.positional.append(write)
            continue
        rows = range(write.row, write.row + len(write.values))
        lacking = {row for row in rows if row not in tab_tags}
        if lacking:
            out.untagged.setdefault(write.tab, set()).update(lacking)
            out.positional.append(write)
            continue
        for row, values in zip(rows, write.values, strict=True):
            tag = tab_tags[row]
            cells = out.by_tag.setdefault(tag, {})
            out.tag_rows[tag] = (write.tab, row)
            for column, value in enumerate(values, start=write.column - 1):
                cells[column] = value
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


def values_by_filter_body(by_tag: Mapping[int, Mapping[int, Cell]]) -> dict[str, Any]:
    """The body of ``values:batchUpdateByDataFilter``: each tagged row from column A,
    ``null`` where postme writes nothing (Google skips it) and ``""`` to clear."""
    data = []
    for tag, cells in by_tag.items():
        width = max(cells) + 1
        row: list[Any] = [None] * width
        for column, value in cells.items():
            row[column] = _json_value(value)
        data.append(
            {
                "dataFilter": {"developerMetadataLookup": {"metadataId": tag}},
                "majorDimension": "ROWS",
                "values": [row],
            }
        )
    return {"valueInputOption": "RAW", "includeValuesInResponse": False, "data": data}


def _json_value(value: Cell) -> Any:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    return value


def matched_tags(reply: Mapping[str, Any]) -> set[int]:
    """The tag ids a ``values:batchUpdateByDataFilter`` answer says were written."""
    found: set[int] = set()
    for response in reply.get("responses") or []:
        if not response.get("updatedRange"):
            continue
        lookup = (response.get("dataFilter") or {}).get("developerMetadataLookup") or {}
        if "metadataId" in lookup:
            found.add(int(lookup["metadataId"]))
    return found


def over_budget(rows: Mapping[str, Sequence[int] | set[int]]) -> set[str]:
    return {tab for tab, numbers in rows.items() if len(numbers) > TAG_BUDGET}
