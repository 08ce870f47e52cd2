"""The Spreadsheet resource as ``spreadsheets.get`` (``ranges``, ``includeGridData``),
``spreadsheets.getByDataFilter`` and batchUpdate's ``updatedSpreadsheet`` return it.

* ``ranges`` given: only the sheets those ranges are on come back ("Limiting the range
  returns only the portions of the spreadsheet that intersect the requested ranges"), in
  the spreadsheet's order; with grid data each sheet's ``data`` has one GridData per
  range on it, in the order asked ("the second one will have startRow 14").
* GridData: ``startRow``/``startColumn`` (always written, also when 0), ``rowData`` (one
  RowData per row up to the last row with a value in the range; a row's ``values`` up to
  its last cell with a value; empty cells and rows in between are ``{}``), and
  ``rowMetadata``/``columnMetadata`` for every row and column of the range (``pixelSize``
  21 and 100, Google's defaults, plus the ``developerMetadata`` on that row or column).
* CellData: ``userEnteredValue`` (numberValue, stringValue, boolValue or formulaValue),
  ``effectiveValue`` and ``formattedValue`` as the values API renders the cell
  (UNFORMATTED_VALUE and FORMATTED_VALUE; a formula's value is the workbook's cached one,
  or its text when there is none: this server computes no formula). No formats.
* Sheet-level metadata is in ``sheets[].developerMetadata``, spreadsheet-level in the
  top-level ``developerMetadata`` (grid.Spreadsheet.metadata).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from . import metadata
from .discovery import Mask, selects
from .grid import Box, Sheet, Spreadsheet, StoredCell, _render

ROW_PIXELS = 21
COLUMN_PIXELS = 100


CELL_FIELDS = ("userEnteredValue", "effectiveValue", "formattedValue")


def wanted(mask: Mask | None, flag: bool, *prefix: str) -> tuple[bool, frozenset[str]]:
    """(grid data?, the CellData fields to build) for the Spreadsheet at ``prefix`` of an
    answer: a field mask decides ("If a field mask is set, the includeGridData parameter
    is ignored"), else the request's flag. Cell fields a mask leaves out are not even
    built (a test server's speed: the benchmarks time whole runs against it)."""
    if mask is None:
        return flag, frozenset(CELL_FIELDS)
    data = (*prefix, "sheets", "data")
    values = (*data, "rowData", "values")
    return selects(mask, *data), frozenset(f for f in CELL_FIELDS if selects(mask, *values, f))


def spreadsheet_resource(
    book: Spreadsheet,
    ranges: Sequence[tuple[Sheet, Box]] | None,
    grid_data: bool,
    cells: frozenset[str] = frozenset(CELL_FIELDS),
) -> dict[str, Any]:
    resource = book.metadata()
    if ranges is None and not grid_data:
        return resource
    entries = []
    for entry in resource["sheets"]:
        sheet = book.sheet_by_id(entry["properties"]["sheetId"])
        assert sheet is not None
        boxes = (
            [Box(0, 0, sheet.row_count - 1, sheet.column_count - 1)]
            if ranges is None
            else [box for s, box in ranges if s is sheet]
        )
        if not boxes:
            continue
        if grid_data:
            entry["data"] = [grid(book, sheet, box, cells) for box in boxes]
        entries.append(entry)
    if entries:
        resource["sheets"] = entries
    else:
        del resource["sheets"]
    return resource


def grid(
    book: Spreadsheet, sheet: Sheet, box: Box, cells: frozenset[str] = frozenset(CELL_FIELDS)
) -> dict[str, Any]:
    assert box.row1 is not None and box.col1 is not None
    rows: list[dict[str, Any]] = []
    last = min(box.row1, sheet.last_row()) if cells else -1
    for r in range(box.row0, last + 1):
        cols = sheet.cells.get(r) or {}
        values = [cell_data(cols.get(c), cells) for c in range(box.col0, box.col1 + 1)]
        while values and not values[-1]:
            values.pop()
        rows.append({"values": values} if values else {})
    while rows and not rows[-1]:
        rows.pop()
    out: dict[str, Any] = {"startRow": box.row0, "startColumn": box.col0}
    if rows:
        out["rowData"] = rows
    out["rowMetadata"] = _dimension(book, sheet, "ROWS", box.row0, box.row1, ROW_PIXELS)
    out["columnMetadata"] = _dimension(book, sheet, "COLUMNS", box.col0, box.col1, COLUMN_PIXELS)
    return out


def _dimension(
    book: Spreadsheet, sheet: Sheet, dimension: str, first: int, last: int, pixels: int
) -> list[dict[str, Any]]:
    tags = metadata.on_dimension(book, sheet.sheet_id, dimension)
    out = []
    for index in range(first, last + 1):
        entry: dict[str, Any] = {"pixelSize": pixels}
        if index in tags:
            entry["developerMetadata"] = tags[index]
        out.append(entry)
    return out


def cell_data(
    cell: StoredCell | None, fields: frozenset[str] = frozenset(CELL_FIELDS)
) -> dict[str, Any]:
    if cell is None:
        return {}
    out: dict[str, Any] = {}
    if "userEnteredValue" in fields:
        out["userEnteredValue"] = (
            {"formulaValue": cell.value} if cell.formula else _extended(cell.value)
        )
    if "effectiveValue" in fields:
        out["effectiveValue"] = _extended(_render(cell, "UNFORMATTED_VALUE", "SERIAL_NUMBER"))
    if "formattedValue" in fields:
        out["formattedValue"] = str(_render(cell, "FORMATTED_VALUE", "SERIAL_NUMBER"))
    return out


def _extended(value: Any) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, int | float):
        return {"numberValue": value}
    return {"stringValue": str(value)}
