"""Writes into tool-owned and metrics tabs by key, never by a remembered row number.

Planning (:func:`plan_upsert`, :func:`plan_replace`) records *keyed intents* in the
:class:`WritePlan`: "upsert these rows of tab T by key K", "replace the rows of group G".
A store turns them into cells only when it writes, with :func:`resolve_plan` over the
tabs as they are at that moment (the .xlsx store: the workbook it just opened; Google: a
re-read just before the write), so rows a person inserted, deleted, sorted or appended
after postme's first read are found where they are now.

Columns a person added are left alone, rows a person typed are kept, and a row whose
values did not change is not written again (running the same command twice gives the
same spreadsheet). Everything here is pure.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from postme.stores.base import (
    Cell,
    CellShortened,
    Intent,
    LinkKey,
    NewTab,
    RangeWrite,
    Record,
    ReplaceGroup,
    Tab,
    TabRequest,
    UpsertRows,
    WritePlan,
    WriteReport,
    cell_a1,
    find_title,
    normalize_header,
)
from postme.stores.cells import clean_cell


def plan_upsert(
    plan: WritePlan,
    title: str,
    existing: Tab | None,
    headers: Sequence[str],
    key: Sequence[str],
    records: Sequence[Record],
    *,
    volatile: Collection[str] = (),
    link_key: LinkKey | None = None,
) -> None:
    """Update rows whose ``key`` columns match a record, append the others.

    ``volatile`` headers (e.g. "updated at") do not count as a change on their own.
    ``link_key`` = (link header, shortcode function): a row whose key column is empty
    but whose link column holds a post link is keyed by the link's shortcode (and gets
    the key written when postme updates it). Records unchanged in ``existing`` are
    dropped now, so a re-run with nothing new plans nothing.
    """
    intent = UpsertRows(
        title,
        tuple(headers),
        tuple(key),
        tuple(records),
        frozenset(volatile),
        link_key,
        seen=existing,
    )
    if existing is not None:
        layout = _Layout(existing, intent.headers)
        index = layout.key_index(intent.key, link_key)
        changed = tuple(
            record
            for record in intent.records
            if (row := index.get(_record_key(record, intent.key))) is None
            or not layout.unchanged(row, record, intent.volatile)
        )
        if not changed and not layout.missing:
            return
        intent = UpsertRows(
            title, intent.headers, intent.key, changed, intent.volatile, link_key, seen=existing
        )
    _add(plan, intent, existing)


def plan_replace(
    plan: WritePlan,
    title: str,
    existing: Tab | None,
    headers: Sequence[str],
    group: str,
    groups: Collection[str],
    records: Sequence[Record],
    *,
    key: Sequence[str] = (),
    volatile: Collection[str] = (),
) -> None:
    """Replace every row whose ``group`` column is in ``groups`` with ``records``.

    Rows of other groups (older weeks' findings) and rows a person typed in other
    groups stay. Without ``key`` the group's rows are reused in order and leftovers
    blanked; with ``key`` (e.g. week and programme) each record lands on the row holding
    its key and rows of the groups whose key is not among the records are blanked;
    ``volatile`` headers then do not count as a change on their own.
    """
    intent = ReplaceGroup(
        title,
        tuple(headers),
        group,
        frozenset(_key_value(g) for g in groups),
        tuple(records),
        tuple(key),
        frozenset(volatile),
        seen=existing,
    )
    if existing is not None:
        resolution = _resolve_intent(intent, existing)
        if not (resolution.cells or resolution.new_rows or resolution.header_cells):
            return
    _add(plan, intent, existing)


def _add(plan: WritePlan, intent: Intent, existing: Tab | None) -> None:
    plan.intents.append(intent)
    if existing is None and not any(t.title == intent.tab for t in plan.new_tabs):
        plan.new_tabs.append(NewTab(intent.tab, intent.headers))


# ---------------------------------------------------------------- resolving


@dataclass
class ResolvedPlan:
    """A plan turned into concrete cells against the tabs as they are now."""

    new_tabs: list[NewTab] = field(default_factory=list)
    writes: list[RangeWrite] = field(default_factory=list)  # append=True: new rows
    shortened: list[CellShortened] = field(default_factory=list)

    def cell_count(self) -> int:
        return sum(len(row) for write in self.writes for row in write.values)


def resolve_plan(
    plan: WritePlan, tabs: Mapping[str, Tab | None], *, cell_limit: int | None = None
) -> ResolvedPlan:
    """The cells ``plan`` writes into ``tabs`` (freshly read; a title missing or ``None``
    is a tab that does not exist now). Tabs are matched ignoring case, the plain ranges
    are kept, every value is passed through :func:`clean_cell` when ``cell_limit`` is
    given and each value shortened is named. Used by both stores."""
    titles = [t for t, tab in tabs.items() if tab is not None]
    resolved = ResolvedPlan()
    for new in plan.new_tabs:
        if find_title(titles, new.title) is None and new.title not in {
            t.title for t in resolved.new_tabs
        }:
            resolved.new_tabs.append(new)
    writes = [_retitle(w, titles) for w in plan.ranges]
    # A tab as the earlier intents of this plan leave it (built only when a later intent
    # writes the same tab: a copy of a metrics tab costs more than resolving it).
    grown: dict[str, _Resolution] = {}
    for intent in plan.intents:
        actual = find_title(titles, intent.tab)
        earlier = grown.get((actual or intent.tab).casefold())
        tab = earlier.after() if earlier else (tabs[actual] if actual else None)
        result = _resolve_intent(intent, tab)
        writes.extend(result.writes(actual or intent.tab))
        grown[(actual or intent.tab).casefold()] = result
    if cell_limit is not None:
        writes = _clean(writes, plan, tabs, cell_limit, resolved.shortened)
    resolved.writes = writes
    return resolved


def tabs_to_reread(plan: WritePlan) -> list[TabRequest]:
    """What a store reads right before writing: every tab the plan's intents touch, with
    the header row seen when planning (row 1 for a tab that did not exist)."""
    requests: dict[str, TabRequest] = {}
    for intent in plan.intents:
        header_row = intent.seen.header_row if intent.seen is not None else 1
        requests.setdefault(
            intent.tab.casefold(), TabRequest(intent.tab, header_row or 1, required=False)
        )
    return list(requests.values())


def report_of(resolved: ResolvedPlan, *, charts_added: int = 0) -> WriteReport:
    """The summary of a resolved plan once it has been written."""
    return WriteReport(
        tabs_added=[t.title for t in resolved.new_tabs],
        cells_written=resolved.cell_count(),
        rows_appended=len(
            {(w.tab, w.row + i) for w in resolved.writes if w.append for i in range(len(w.values))}
        ),
        charts_added=charts_added,
        shortened=list(resolved.shortened),
    )


def preview_writes(plan: WritePlan) -> list[RangeWrite]:
    """The plan's cells against the tabs seen when planning (``WritePlan.writes``)."""
    seen: dict[str, Tab | None] = {}
    for intent in plan.intents:
        if intent.seen is not None:
            seen.setdefault(intent.tab, intent.seen)
    return resolve_plan(plan, seen).writes


def _retitle(write: RangeWrite, titles: Sequence[str]) -> RangeWrite:
    actual = find_title(titles, write.tab)
    if actual is None or actual == write.tab:
        return write
    return RangeWrite(actual, write.row, write.column, write.values, write.append)


def _clean(
    writes: Sequence[RangeWrite],
    plan: WritePlan,
    tabs: Mapping[str, Tab | None],
    limit: int,
    shortened: list[CellShortened],
) -> list[RangeWrite]:
    headers_of: dict[str, tuple[str, ...]] = {
        t.title.casefold(): t.headers for t in tabs.values() if t is not None
    }
    for new in plan.new_tabs:
        headers_of.setdefault(new.title.casefold(), new.headers)
    out: list[RangeWrite] = []
    for write in writes:
        rows: list[tuple[Cell, ...]] = []
        changed = False
        for r, values in enumerate(write.values):
            row: list[Cell] = []
            for c, value in enumerate(values):
                clean, change = clean_cell(value, limit)
                if change is not None:
                    changed = True
                    column = write.column - 1 + c
                    headers = headers_of.get(write.tab.casefold(), ())
                    original = len(value) if isinstance(value, str) else 0
                    shortened.append(
                        CellShortened(
                            write.tab,
                            cell_a1(write.row + r, column),
                            headers[column] if column < len(headers) else "",
                            original,
                            len(clean) if isinstance(clean, str) else 0,
                            change.removed_characters,
                        )
                    )
                row.append(clean)
            rows.append(tuple(row))
        out.append(
            RangeWrite(write.tab, write.row, write.column, tuple(rows), write.append)
            if changed
            else write
        )
    return out


@dataclass
class _Resolution:
    cells: dict[tuple[int, int], Cell]  # (1-based row, 0-based column) of existing rows
    header_cells: dict[tuple[int, int], Cell]
    new_rows: list[dict[int, Cell]]  # below the last row, in order
    first_new_row: int
    layout: _Layout

    def after(self) -> Tab:
        """The tab as it is once these cells are written (for a next intent)."""
        return self.layout.after(self.cells, self.new_rows)

    def writes(self, title: str) -> list[RangeWrite]:
        writes = compact(title, {**self.header_cells, **self.cells})
        new_cells = {
            (self.first_new_row + offset, column): value
            for offset, row in enumerate(self.new_rows)
            for column, value in row.items()
        }
        appends = compact(title, new_cells)
        return writes + [RangeWrite(w.tab, w.row, w.column, w.values, True) for w in appends]


def _resolve_intent(intent: Intent, tab: Tab | None) -> _Resolution:
    # A tab that does not exist yet is created by the store with the intent's headers.
    layout = _Layout(tab or Tab(intent.tab, 1, intent.headers, (), 1), intent.headers)
    header_cells: dict[tuple[int, int], Cell] = {
        (layout.header_row, layout.column(h)): h for h in layout.missing
    }
    if isinstance(intent, UpsertRows):
        cells, new_rows = _upsert_cells(intent, layout)
    else:
        cells, new_rows = _replace_cells(intent, layout)
    return _Resolution(cells, header_cells, new_rows, layout.next_free_row, layout)


def _upsert_cells(
    intent: UpsertRows, layout: _Layout
) -> tuple[dict[tuple[int, int], Cell], list[dict[int, Cell]]]:
    index = layout.key_index(intent.key, intent.link_key)
    cells: dict[tuple[int, int], Cell] = {}
    new_rows: list[dict[int, Cell]] = []
    new_index: dict[tuple[str, ...], int] = {}
    for record in intent.records:
        row_key = _record_key(record, intent.key)
        row = index.get(row_key)
        if row is not None:
            if layout.unchanged(row, record, intent.volatile):
                continue
            for header, value in record.items():
                cells[(row, layout.column(header))] = value
            continue
        position = new_index.setdefault(row_key, len(new_rows))
        if position == len(new_rows):
            new_rows.append({})
        for header, value in record.items():
            new_rows[position][layout.column(header)] = value
    return cells, new_rows


def _replace_cells(
    intent: ReplaceGroup, layout: _Layout
) -> tuple[dict[tuple[int, int], Cell], list[dict[int, Cell]]]:
    owned = [layout.column(h) for h in intent.headers]
    in_groups = layout.rows_where(intent.group, set(intent.groups))
    cells: dict[tuple[int, int], Cell] = {}
    new_rows: list[dict[int, Cell]] = []
    if intent.key:
        index = layout.key_index(intent.key, None, rows=in_groups)
        used: set[int] = set()
        for record in intent.records:
            row = index.get(_record_key(record, intent.key))
            if row is None:
                new_rows.append({layout.column(h): v for h, v in record.items()})
                continue
            used.add(row)
            if not layout.unchanged(row, record, intent.volatile):
                for header, value in record.items():
                    cells[(row, layout.column(header))] = value
        leftovers = [row for row in in_groups if row not in used]
    else:
        for position, record in enumerate(intent.records):
            if position >= len(in_groups):
                new_rows.append({layout.column(h): v for h, v in record.items()})
                continue
            row = in_groups[position]
            for column in owned:
                cells[(row, column)] = None
            for header, value in record.items():
                cells[(row, layout.column(header))] = value
        leftovers = in_groups[len(intent.records) :]
    for row in leftovers:
        for column in owned:
            cells[(row, column)] = None
    # Do not rewrite cells that already hold exactly these values.
    cells = {
        (row, column): value
        for (row, column), value in cells.items()
        if not _same(layout.existing_value(row, column), value)
    }
    return cells, new_rows


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
    """Where each header is in a tab; headers the tab lacks get the next columns."""

    def __init__(self, tab: Tab, headers: Sequence[str]) -> None:
        self.tab = tab
        self.rows = {row.number: row for row in tab.rows}
        self.header_row = tab.header_row or 1
        self.columns: dict[str, int] = {}
        for index, name in enumerate(tab.headers):
            self.columns.setdefault(normalize_header(name), index)
        width = len(tab.headers)
        self.missing: list[str] = []
        for header in headers:
            if normalize_header(header) not in self.columns:
                self.columns[normalize_header(header)] = width + len(self.missing)
                self.missing.append(header)
        self.next_free_row = max(tab.last_row, self.header_row) + 1

    def column(self, header: str) -> int:
        return self.columns[normalize_header(header)]

    def existing_value(self, row: int, column: int) -> Cell:
        sheet_row = self.rows.get(row)
        return sheet_row.get(column) if sheet_row else None

    def key_index(
        self, key: Sequence[str], link_key: LinkKey | None, rows: Collection[int] | None = None
    ) -> dict[tuple[str, ...], int]:
        columns = [self.column(k) for k in key]
        link_column = None
        if link_key is not None and len(columns) == 1:
            link_column = self.columns.get(normalize_header(link_key[0]))
        index: dict[tuple[str, ...], int] = {}
        for number, row in self.rows.items():
            if rows is not None and number not in rows:
                continue
            row_key = tuple(_key_value(row.get(c)) for c in columns)
            if not any(row_key) and link_column is not None and link_key is not None:
                link = row.get(link_column)
                code = link_key[1](link) if isinstance(link, str) else None
                row_key = (_key_value(code),)
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

    def after(
        self, cells: Mapping[tuple[int, int], Cell], new_rows: Sequence[Mapping[int, Cell]]
    ) -> Tab:
        """The tab once these cells and rows are written."""
        from postme.stores.base import SheetRow

        headers = (*self.tab.headers, *self.missing)
        width = len(headers)
        rows: dict[int, list[Cell]] = {
            n: list(r.values) + [None] * max(0, width - len(r.values)) for n, r in self.rows.items()
        }
        for (row, column), value in cells.items():
            target = rows.setdefault(row, [None] * width)
            target.extend([None] * max(0, column + 1 - len(target)))
            target[column] = value
        number = self.next_free_row
        for new in new_rows:
            rows[number] = [new.get(c) for c in range(width)]
            number += 1
        last = max([self.tab.last_row, number - 1, self.header_row])
        return Tab(
            self.tab.title,
            self.header_row,
            headers,
            tuple(SheetRow(n, tuple(v)) for n, v in sorted(rows.items())),
            last,
        )


def _record_key(record: Record, key: Sequence[str]) -> tuple[str, ...]:
    return tuple(_key_value(record.get(k)) for k in key)


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
