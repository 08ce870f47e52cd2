"""Pure builders of ``spreadsheets.batchUpdate`` requests (Sheets API v4), testable
without a server. Each returns one request object; bodies follow Google's discovery
document (``tests/test_gsheets_batch.py`` checks them against the one shipped in
google-api-python-client).

Values go in as ``userEnteredValue`` with an explicit type (``stringValue``,
``numberValue``, ``boolValue``), which Google stores as given: text from outside never
becomes a formula (the same guarantee as ``valueInputOption=RAW``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

from postme.stores.base import Cell, ChartSpec, ColorScaleSpec

# Google's limits (https://support.google.com/drive/answer/37603).
SPREADSHEET_CELL_LIMIT = 10_000_000
COLUMN_LIMIT = 18_278  # column ZZZ
LOCK_METADATA_ID = 1_770_119  # fixed: Google refuses to create a second one with this id
LOCK_METADATA_KEY = "postme.lock"
CHART_COLUMNS = 8  # columns a chart anchored beside the data covers (600 px at 100 px)

Request = dict[str, Any]


def cell_data(value: Cell) -> dict[str, Any]:
    """One cell for ``updateCells``/``appendCells``; ``None`` (and a number JSON cannot
    carry) clears the cell."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return {}
    if isinstance(value, bool):
        return {"userEnteredValue": {"boolValue": value}}
    if isinstance(value, int | float):
        return {"userEnteredValue": {"numberValue": value}}
    return {"userEnteredValue": {"stringValue": str(value)}}


def row_data(values: Sequence[Cell]) -> dict[str, Any]:
    return {"values": [cell_data(v) for v in values]}


def add_sheet(sheet_id: int, title: str, rows: int, columns: int) -> Request:
    return {
        "addSheet": {
            "properties": {
                "sheetId": sheet_id,
                "title": title,
                "gridProperties": {"rowCount": rows, "columnCount": columns},
            }
        }
    }


def append_dimension(sheet_id: int, dimension: str, length: int) -> Request:
    return {"appendDimension": {"sheetId": sheet_id, "dimension": dimension, "length": length}}


def update_cells(
    sheet_id: int, row_index: int, column_index: int, rows: Sequence[Sequence[Cell]]
) -> Request:
    """Values of a rectangle whose top-left cell is (row_index, column_index), 0-based."""
    return {
        "updateCells": {
            "start": {"sheetId": sheet_id, "rowIndex": row_index, "columnIndex": column_index},
            "rows": [row_data(r) for r in rows],
            "fields": "userEnteredValue",
        }
    }


def append_cells(sheet_id: int, rows: Sequence[Sequence[Cell]]) -> Request:
    """New rows placed by Google after the last row holding data *when the batch lands*
    (a row a person appended meanwhile stays above them), the grid grown as needed."""
    return {
        "appendCells": {
            "sheetId": sheet_id,
            "rows": [row_data(r) for r in rows],
            "fields": "userEnteredValue",
        }
    }


def add_chart(
    spec: ChartSpec,
    sheet_id: int,
    header_row: int,
    headers: Sequence[str],
    x: int,
    series: Sequence[int],
    anchor_column: int,
) -> Request:
    """A line chart over whole columns from the header row down, each series on the axis
    the planner chose (``ChartSpec.axis_of``), anchored at ``anchor_column`` (0-based)
    on the header row: clear of the data when the anchor is past its last column."""

    def source(column: int) -> dict[str, Any]:
        return {
            "sourceRange": {
                "sources": [
                    {
                        "sheetId": sheet_id,
                        "startRowIndex": header_row - 1,
                        "startColumnIndex": column,
                        "endColumnIndex": column + 1,
                    }
                ]
            }
        }

    axes = [spec.axis_of(headers[c]) for c in series]
    left = [headers[c] for c, a in zip(series, axes, strict=True) if a == "LEFT_AXIS"]
    right = [headers[c] for c, a in zip(series, axes, strict=True) if a == "RIGHT_AXIS"]
    axis: list[dict[str, Any]] = [{"position": "BOTTOM_AXIS", "title": headers[x]}]
    if left:
        axis.append({"position": "LEFT_AXIS", "title": ", ".join(left)})
    if right:
        axis.append({"position": "RIGHT_AXIS", "title": ", ".join(right)})
    return {
        "addChart": {
            "chart": {
                "spec": {
                    "title": spec.title,
                    "basicChart": {
                        "chartType": "LINE",
                        "legendPosition": "BOTTOM_LEGEND",
                        "headerCount": 1,
                        "axis": axis,
                        "domains": [{"domain": source(x)}],
                        "series": [
                            {"series": source(c), "targetAxis": a}
                            for c, a in zip(series, axes, strict=True)
                        ],
                    },
                },
                "position": {
                    "overlayPosition": {
                        "anchorCell": {
                            "sheetId": sheet_id,
                            "rowIndex": header_row - 1,
                            "columnIndex": anchor_column,
                        }
                    }
                },
            }
        }
    }


def add_color_scale(
    spec: ColorScaleSpec, sheet_id: int, header_row: int, columns: Sequence[int]
) -> Request:
    """A conditional-format colour scale over the data rows of ``columns`` (0-based)."""
    return {
        "addConditionalFormatRule": {
            "index": 0,
            "rule": {
                "ranges": [
                    {
                        "sheetId": sheet_id,
                        "startRowIndex": header_row,
                        "startColumnIndex": c,
                        "endColumnIndex": c + 1,
                    }
                    for c in columns
                ],
                "gradientRule": {
                    "minpoint": {"type": "MIN", "color": _color(spec.low_color)},
                    "maxpoint": {"type": "MAX", "color": _color(spec.high_color)},
                },
            },
        }
    }


def _color(hex_color: str) -> dict[str, float]:
    value = hex_color.lstrip("#")
    red, green, blue = (int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return {"red": round(red, 4), "green": round(green, 4), "blue": round(blue, 4)}


# ---------------------------------------------------------------- the lock


def lock_value(owner: str, token: str, since: float, expires: float) -> str:
    return json.dumps(
        {"owner": owner, "token": token, "since": since, "expires": expires}, sort_keys=True
    )


def parse_lock(value: object) -> Mapping[str, Any] | None:
    try:
        parsed = json.loads(str(value))
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


def create_lock(value: str) -> Request:
    """The lock: spreadsheet-level developer metadata with a fixed id. Google refuses to
    create it while it exists, so of two runs only one gets it."""
    return {
        "createDeveloperMetadata": {
            "developerMetadata": {
                "metadataId": LOCK_METADATA_ID,
                "metadataKey": LOCK_METADATA_KEY,
                "metadataValue": value,
                "location": {"spreadsheet": True},
                "visibility": "DOCUMENT",
            }
        }
    }


def delete_lock(value: str | None = None) -> Request:
    """Release the lock; with ``value`` only while it is still this run's (a lock taken
    over after it expired is left to its new holder)."""
    lookup: dict[str, Any] = {"metadataId": LOCK_METADATA_ID}
    if value is not None:
        lookup["metadataValue"] = value
    return {"deleteDeveloperMetadata": {"dataFilter": {"developerMetadataLookup": lookup}}}


# ---------------------------------------------------------------- grid limits


def cells_after(grids: Mapping[int, tuple[int, int]], growth: Sequence[Request]) -> int:
    """Cells in the spreadsheet once ``growth`` (addSheet/appendDimension requests) is
    applied to ``grids`` (sheetId → (rows, columns))."""
    sizes = dict(grids)
    for request in growth:
        if "addSheet" in request:
            props = request["addSheet"]["properties"]
            grid = props["gridProperties"]
            sizes[props["sheetId"]] = (grid["rowCount"], grid["columnCount"])
        elif "appendDimension" in request:
            args = request["appendDimension"]
            rows, columns = sizes[args["sheetId"]]
            if args["dimension"] == "ROWS":
                rows += args["length"]
            else:
                columns += args["length"]
            sizes[args["sheetId"]] = (rows, columns)
    return sum(rows * columns for rows, columns in sizes.values())
