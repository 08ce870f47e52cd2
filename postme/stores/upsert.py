"""Plan writes into tool-owned and metrics tabs by key, never by a remembered row number.

These are pure: they take the tab as read in this run and add cell ranges to a
:class:`WritePlan`. Columns a person added are left alone, rows a person typed are
kept, and a row whose values did not change is not written again (so running the
same command twice gives the same spreadsheet).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence

from postme.stores.base import Cell, NewTab, RangeWrite, Tab, WritePlan, normalize_header

Record = Mapping[str, Cell]


def plan_upsert(
    plan: WritePlan,
    title: str,
    existing: Tab | None,
    headers: Sequence[str],
    key: Sequence[str],
    records: Sequence[Record],
    *,
    volatile: Collection[str] = (),
) -> None:
    """Update rows whose ``key`` columns match a record, append the others.

    ``volatile`` headers (e.g. "updated at") do not count as a change on their own.
    """
    layout = _Layout(plan, title, existing, headers)
    index = layout.key_index(key)
    cells: dict[tuple[int, int], Cell] = {}
    next_row = layout.next_free_row
    for record in records:
        row_key = tuple(_key_value(record.get(k)) for k in key)
        row = index.get(row_key)
        if row is not None and layout.unchanged(row, record, volatile):
            continue
        if row is None:
            row = next_row
            next_row += 1
            index[row_key] = row
        for header, value in record.items():
            cells[(row, layout.column(header))] = value
    plan.writes.extend(compact(title, cells))


def plan_replace(
    plan: WritePlan,
    title: str,
    existing: Tab | None,
    headers: Sequence[str],
    group: str,
    groups: Collection[str],
    records: Sequence[Record],
) -> None:
    """Replace every row whose ``group`` column is in ``groups`` with ``records``.

    Rows of other groups (older weeks' findings) and rows a person typed in other
    groups stay. Rows left over from a larger previous set are blanked.
    """
    layout = _Layout(plan, title, existing, headers)
    wanted = {_key_value(g) for g in groups}
    reusable = layout.rows_where(group, wanted)
    cells: dict[tuple[int, int], Cell] = {}
    next_row = layout.next_free_row
    owned = [layout.column(h) for h in headers]
    for position, record in enumerate(records):
        if position < len(reusable):
            row = reusable[position]
        else:
            row = next_row
            next_row += 1
        for column in owned:
            cells[(row, column)] = None
        for header, value in record.items():
            cells[(row, layout.column(header))] = value
    for row in reusable[len(records) :]:
        for column in owned:
            cells[(row, column)] = None
    # Do not rewrite rows that already hold exactly these values.
    if existing is not None:
        cells = {
            (row, column): value
            for (row, column), value in cells.items()
            if not _same(layout.existing_value(row, column), value)
        }
    plan.writes.extend(compact(title, cells))


def compact(title: str, cells: Mapping[tuple[int, int], Cell]) -> list[RangeWrite]:
    """Group single cells (1-based row, 0-based column) into as few rectangles as possible."""
    by_row: dict[int, dict[int, Cell]] = {}
    for (row, column), value in cells.items():
        by_row.setdefault(row, {})[column] = value
    runs: list[tuple[int, int, list[Cell]]] = []  # (row, first column, values)
    for row in sorted(by_row):
        columns = by_row[row]
        start = previous = None
        values: list[Cell] = []
        for column in sorted(columns):
            if previous is not None and column == previous + 1:
                values.append(columns[column])
            else:
                if start is not None:
                    runs.append((row, start, values))
                start, values = column, [columns[column]]
            previous = column
        if start is not None:
            runs.append((row, start, values))
    writes: list[RangeWrite] = []
    block: list[tuple[int, int, list[Cell]]] = []
    for run in runs:
        if block:
            last_row, last_start, last_values = block[-1]
            if run[0] == last_row + 1 and run[1] == last_start and len(run[2]) == len(last_values):
                block.append(run)
                continue
            writes.append(_block_write(title, block))
        block = [run]
    if block:
        writes.append(_block_write(title, block))
    return writes


def _block_write(title: str, block: Sequence[tuple[int, int, list[Cell]]]) -> RangeWrite:
    row, start, _values = block[0]
    return RangeWrite(title, row, start + 1, tuple(tuple(values) for _, _, values in block))


class _Layout:
    """Where each header is in an existing tab, adding missing headers to the plan."""

    def __init__(
        self, plan: WritePlan, title: str, existing: Tab | None, headers: Sequence[str]
    ) -> None:
        self.existing = existing
        self.rows = {row.number: row for row in existing.rows} if existing else {}
        if existing is None:
            plan.new_tabs.append(NewTab(title, tuple(headers)))
            self.header_row = 1
            self.columns = {normalize_header(h): i for i, h in enumerate(headers)}
            self.next_free_row = 2
            return
        self.header_row = existing.header_row or 1
        self.columns = {}
        for index, name in enumerate(existing.headers):
            self.columns.setdefault(normalize_header(name), index)
        width = len(existing.headers)
        missing: list[str] = []
        for header in headers:
            if normalize_header(header) not in self.columns:
                self.columns[normalize_header(header)] = width + len(missing)
                missing.append(header)
        if missing:
            plan.writes.append(RangeWrite(title, self.header_row, width + 1, (tuple(missing),)))
        self.next_free_row = max(existing.last_row, self.header_row) + 1

    def column(self, header: str) -> int:
        return self.columns[normalize_header(header)]

    def existing_value(self, row: int, column: int) -> Cell:
        sheet_row = self.rows.get(row)
        return sheet_row.get(column) if sheet_row else None

    def key_index(self, key: Sequence[str]) -> dict[tuple[str, ...], int]:
        columns = [self.column(k) for k in key]
        index: dict[tuple[str, ...], int] = {}
        for number, row in self.rows.items():
            row_key = tuple(_key_value(row.get(c)) for c in columns)
            if any(row_key):
                index.setdefault(row_key, number)
        return index

    def rows_where(self, header: str, wanted: set[str]) -> list[int]:
        column = self.column(header)
        return sorted(n for n, row in self.rows.items() if _key_value(row.get(column)) in wanted)

    def unchanged(self, row: int, record: Record, volatile: Collection[str]) -> bool:
        return all(
            _same(self.existing_value(row, self.column(header)), value)
            for header, value in record.items()
            if header not in volatile
        )


def _key_value(value: Cell) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip().casefold()


def _same(old: Cell, new: Cell) -> bool:
    if (old is None or old == "") and (new is None or new == ""):
        return True
    numeric = (int, float)
    if isinstance(old, numeric) and isinstance(new, numeric) and not isinstance(new, bool):
        return math.isclose(float(old), float(new), rel_tol=1e-9, abs_tol=1e-9)
    return old == new
