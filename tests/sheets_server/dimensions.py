"""Rows and columns inserted, deleted, moved, reordered or cut off: the cells move and so
does the developer metadata on those rows and columns (metadata.py says how). One copy for
the batchUpdate requests and for a person's edits (``SheetsServer.insert_rows`` ...)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from . import metadata
from .grid import ApiError, Sheet, Spreadsheet, StoredCell

ROWS, COLUMNS = "ROWS", "COLUMNS"


def _move(
    book: Spreadsheet, sheet: Sheet, dimension: str, where: Callable[[int], int | None]
) -> None:
    """Every cell and metadata of the dimension to ``where(old index)`` (None: gone)."""
    if dimension == ROWS:
        moved: dict[int, dict[int, StoredCell]] = {}
        for row, cells in sheet.cells.items():
            new = where(row)
            if new is not None:
                moved[new] = cells
        sheet.cells = moved
    else:
        for row in list(sheet.cells):
            cells = {}
            for col, cell in sheet.cells[row].items():
                new = where(col)
                if new is not None:
                    cells[new] = cell
            if cells:
                sheet.cells[row] = cells
            else:
                del sheet.cells[row]
    metadata.remap(book, sheet.sheet_id, dimension, where)


def _size(sheet: Sheet, dimension: str) -> int:
    if dimension not in (ROWS, COLUMNS):
        raise ApiError(400, "dimension must be ROWS or COLUMNS")
    return sheet.row_count if dimension == ROWS else sheet.column_count


def _resize(sheet: Sheet, dimension: str, size: int) -> None:
    if dimension == ROWS:
        sheet.row_count = size
    else:
        sheet.column_count = size


def insert(book: Spreadsheet, sheet: Sheet, dimension: str, start: int, count: int) -> None:
    """``count`` empty rows (or columns) before index ``start``; those below move down."""
    size = _size(sheet, dimension)
    if count <= 0:
        raise ApiError(400, "endIndex must be greater than startIndex")
    if not 0 <= start <= size:
        raise ApiError(400, f"startIndex {start} is past the end of the grid ({size}).")
    _move(book, sheet, dimension, lambda i: i + count if i >= start else i)
    _resize(sheet, dimension, size + count)


def delete(book: Spreadsheet, sheet: Sheet, dimension: str, start: int, end: int) -> None:
    """Rows (or columns) ``[start, end)`` gone with their cells and metadata."""
    size = _size(sheet, dimension)
    if not 0 <= start < end:
        raise ApiError(400, "endIndex must be greater than startIndex")
    if end > size:
        kind = "row" if dimension == ROWS else "column"
        raise ApiError(
            400,
            f"Cannot delete a {kind} that doesn't exist. Tried to delete {kind} index "
            f"{end - 1} but there are only {size} {kind}s.",
        )
    if end - start == size:
        kind = "rows" if dimension == ROWS else "columns"
        raise ApiError(400, f"You can't delete all the {kind} on the sheet.")
    count = end - start
    _move(book, sheet, dimension, lambda i: None if start <= i < end else i - count * (i >= end))
    _resize(sheet, dimension, size - count)


def move(
    book: Spreadsheet, sheet: Sheet, dimension: str, start: int, end: int, destination: int
) -> None:
    """moveDimension: ``[start, end)`` to before ``destination`` (an index counted before
    the source is taken out, as Google's example: rows 1-2 of 0..4 to 4 give 0,3,1,2,4)."""
    size = _size(sheet, dimension)
    if not 0 <= start < end <= size or not 0 <= destination <= size:
        raise ApiError(400, "Invalid moveDimension: indexes outside the grid.")
    if start <= destination <= end:
        return  # already there
    order = [i for i in range(size) if not start <= i < end]
    at = destination if destination < start else destination - (end - start)
    order[at:at] = range(start, end)
    new_index = {old: new for new, old in enumerate(order)}
    _move(book, sheet, dimension, new_index.__getitem__)


def reorder_rows(
    book: Spreadsheet,
    sheet: Sheet,
    start: int,
    order: Sequence[int],
    columns: tuple[int, int] | None = None,
) -> None:
    """Rows ``start, start+1, ...`` become the old rows ``order`` (a permutation of those
    indexes). With ``columns`` (first, last) only the cells in those columns move and the
    rows' metadata stays (part of a row is no row); without, whole rows move."""
    new_index = {old: start + offset for offset, old in enumerate(order)}
    assert sorted(new_index) == list(range(start, start + len(order))), "not a permutation"
    if columns is None:
        _move(book, sheet, ROWS, lambda i: new_index.get(i, i))
        return
    first, last = columns
    band = {
        row: {c: v for c, v in sheet.cells.get(row, {}).items() if first <= c <= last}
        for row in new_index
    }
    for old, new in new_index.items():
        rest = {c: v for c, v in sheet.cells.get(new, {}).items() if not first <= c <= last}
        cells = {**rest, **band[old]}
        if cells:
            sheet.cells[new] = cells
        else:
            sheet.cells.pop(new, None)


def resize(book: Spreadsheet, sheet: Sheet, rows: int, columns: int) -> None:
    """The grid set to ``rows`` × ``columns``; what is cut off goes with its metadata."""
    if rows < sheet.row_count:
        _move(book, sheet, ROWS, lambda i: i if i < rows else None)
    if columns < sheet.column_count:
        _move(book, sheet, COLUMNS, lambda i: i if i < columns else None)
    sheet.row_count, sheet.column_count = rows, columns


def remove_sheet(book: Spreadsheet, sheet: Sheet) -> None:
    book.sheets.remove(sheet)
    metadata.drop_sheet(book, sheet.sheet_id)
    book.normalize_indexes()


# ----------------------------------------------------------------- sorting


def sort_key(cell: StoredCell | None) -> tuple[int, Any]:
    """Google's ascending order: numbers, then text (ignoring case), then booleans."""
    assert cell is not None
    value = cell.computed if cell.formula and cell.computed is not None else cell.value
    if isinstance(value, bool):
        return (2, value)
    if isinstance(value, int | float):
        return (0, value)
    return (1, str(value).casefold())


def sort_range(
    book: Spreadsheet, sheet: Sheet, box: tuple[int, int, int, int], specs: list[dict[str, Any]]
) -> None:
    """sortRange: rows ``row0..row1`` of columns ``col0..col1`` sorted by ``specs``
    (stable; blanks last in either order)."""
    row0, col0, row1, col1 = box
    rows = list(range(row0, row1 + 1))
    for spec in reversed(specs or [{"dimensionIndex": col0}]):
        column = int(spec.get("dimensionIndex") or 0)
        descending = spec.get("sortOrder") == "DESCENDING"
        filled = [r for r in rows if sheet.get(r, column) is not None]
        blank = [r for r in rows if sheet.get(r, column) is None]
        filled.sort(key=lambda r: sort_key(sheet.get(r, column)), reverse=descending)
        rows = filled + blank
    whole = col0 == 0 and col1 == sheet.column_count - 1
    reorder_rows(book, sheet, row0, rows, None if whole else (col0, col1))
