"""Reading tabs: python-calamine (Rust, about 20× faster than openpyxl's read-only mode)
for every value it reads as openpyxl does, openpyxl for the rest.

The cells come out in the shape Google's API gives with UNFORMATTED_VALUE and
SERIAL_NUMBER: dates and times as serial day counts, formulas as their saved results
(never the formula text), text as text. tests/test_xlsx_reader.py reads the test
workbooks with both libraries and asserts equal grids. Where calamine differs:

- error results (``#REF!``, ``#N/A`` …): calamine reads them as empty. They are found in
  the sheet's XML (a streaming scan for ``t="e"``) and laid over calamine's grid; a sheet
  whose error cells carry no cell reference is read with openpyxl instead.
- a date-formatted cell holding a negative number or a day after 31-12-9999: openpyxl
  gives ``#VALUE!`` or a negative serial, calamine the number or a time. Neither is a date
  a planner holds; left as calamine reads it (written down in docs/xlsx.md).
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
import zipfile
from collections.abc import Sequence
from typing import Any

from postme.stores.base import Cell
from postme.stores.xlsx.package import attributes, unescape
from postme.stores.xlsx.sheet_xml import split_ref

EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_ERROR_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*\bt=[\"']e[\"'][^>]*)>(.*?)</(?:\w+:)?c>", re.DOTALL)
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")
_CHUNK = 1 << 20
_OVERLAP = 4096
_ROOT = re.compile(rb"<(\w+:)?(?:worksheet|sst)\b")


def to_cell(value: object) -> Cell:
    """A library's value → the shape Google's UNFORMATTED_VALUE/SERIAL_NUMBER gives."""
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() and abs(value) < 2**53 else value
    if isinstance(value, dt.datetime):
        delta = value.replace(tzinfo=None) - EXCEL_EPOCH
        return delta.days + delta.seconds / 86400
    if isinstance(value, dt.date):
        return (value - EXCEL_EPOCH.date()).days
    if isinstance(value, dt.time):
        return (value.hour * 3600 + value.minute * 60 + value.second) / 86400
    if isinstance(value, dt.timedelta):
        return value.total_seconds() / 86400
    return str(value)


_PLAIN = (str, int, bool)


def calamine_grid(sheet: Any) -> list[list[Cell]]:
    """One calamine sheet as rows of cells, row 1 first (empty rows above kept)."""
    grid = sheet.to_python(skip_empty_area=False)
    convert = to_cell
    out: list[list[Cell]] = []
    for row in grid:
        # Most cells are text or whole numbers: convert only the others.
        if all(type(v) in _PLAIN for v in row):
            out.append(row)
        else:
            out.append([v if type(v) in _PLAIN else convert(v) for v in row])
    return out


def openpyxl_grid(data: bytes, title: str) -> list[list[Cell]]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        return [[to_cell(v) for v in row] for row in book[title].iter_rows(values_only=True)]
    finally:
        book.close()


def error_cells(package: zipfile.ZipFile, part: str) -> dict[tuple[int, int], str] | None:
    """Error results in one sheet part by (row, column); ``None`` when calamine cannot be
    trusted with this sheet (an error cell without a reference, or text whose surrounding
    spaces calamine would drop): the caller then reads it with openpyxl."""
    has_errors, odd_spaces = scan(package, part)
    if odd_spaces:
        return None
    if not has_errors:
        return {}
    found: dict[tuple[int, int], str] = {}
    for match in _ERROR_CELL.finditer(package.read(part)):
        attrs = attributes(match.group(1).decode("utf-8"))
        if "r" not in attrs:
            return None
        value = _VALUE.search(match.group(2))
        if value is not None:
            found[split_ref(attrs["r"])] = unescape(value.group(1).decode("utf-8"))
    return found


def scan(package: zipfile.ZipFile, part: str) -> tuple[bool, bool]:
    """(holds an error cell, holds text with spaces at an end but no xml:space="preserve"),
    read as a stream (little memory on a 100k-row sheet). Excel and LibreOffice always
    mark such text; calamine drops the spaces when it is not marked, openpyxl keeps them."""
    errors = spaces = False
    tail = b""
    unmarked: re.Pattern[bytes] | None = None
    with package.open(part) as stream:
        while chunk := stream.read(_CHUNK):
            window = tail + chunk
            if unmarked is None:
                root = _ROOT.search(window)
                unmarked = _unmarked_pattern(root.group(1) if root and root.group(1) else b"")
            if not errors:
                errors = b't="e"' in window or b"t='e'" in window
            if not spaces:
                spaces = unmarked.search(window) is not None
            if errors and spaces:
                break
            tail = window[-_OVERLAP:]
    return errors, spaces


@functools.cache
def _unmarked_pattern(prefix: bytes) -> re.Pattern[bytes]:
    # A <t> without attributes (so without xml:space="preserve") whose text starts or ends
    # with a space; a literal start keeps the search at memchr speed.
    return re.compile(b"<" + re.escape(prefix) + rb"t>(?:\s|[^<]*\s</)")


def overlay(grid: list[list[Cell]], cells: dict[tuple[int, int], str]) -> None:
    for (row, column), value in cells.items():
        while len(grid) < row:
            grid.append([])
        line = grid[row - 1]
        if len(line) < column:
            line.extend([None] * (column - len(line)))
        line[column - 1] = value


def read_grids(
    data: bytes,
    package: zipfile.ZipFile,
    parts: dict[str, str],
    titles: Sequence[str],
    shared_strings: str | None = None,
) -> dict[str, list[list[Cell]]]:
    """Each title's grid. ``parts`` maps a title to its sheet part name."""
    from python_calamine import CalamineWorkbook

    strings_odd = shared_strings is not None and scan(package, shared_strings)[1]
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    grids: dict[str, list[list[Cell]]] = {}
    try:
        for title in titles:
            errors = None if strings_odd else error_cells(package, parts[title])
            if errors is None:
                grids[title] = openpyxl_grid(data, title)
                continue
            grid = calamine_grid(book.get_sheet_by_name(title))
            overlay(grid, errors)
            grids[title] = grid
    finally:
        book.close()
    return grids
