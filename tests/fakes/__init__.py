"""Test doubles shared by the tests: an in-memory :class:`MemoryStore` (the Store
protocol on plain grids) and :func:`apply_plan`, what a store does with a plan."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from postme.errors import LockBusy, TabMissing
from postme.stores.base import (
    Cell,
    Tab,
    TabRequest,
    WritePlan,
    WriteReport,
    build_tab,
    find_title,
)

Grid = list[list[Any]]


def apply_plan(grids: dict[str, Grid], plan: WritePlan) -> WriteReport:
    """What a store does with a plan, on in-memory grids (row 1 first): the keyed intents
    resolved against the grids as they are now (as both stores do), new tabs with their
    headers, then every range write, growing rows and columns as needed."""
    from postme.stores.upsert import report_of, resolve_plan, tabs_to_reread

    fresh: dict[str, Tab | None] = {}
    for request in tabs_to_reread(plan):
        tab = read_grid(grids, request)
        if tab is not None:
            fresh[tab.title] = tab
    resolved = resolve_plan(plan, fresh)
    for new_tab in resolved.new_tabs:
        grids.setdefault(new_tab.title, [list(new_tab.headers)])
    for write in resolved.writes:
        grid = grids[find_title(list(grids), write.tab) or write.tab]
        for r, values in enumerate(write.values):
            row_index = write.row - 1 + r
            while len(grid) <= row_index:
                grid.append([])
            row = grid[row_index]
            for c, value in enumerate(values):
                column_index = write.column - 1 + c
                while len(row) <= column_index:
                    row.append(None)
                row[column_index] = value
    return report_of(resolved, charts_added=len(plan.charts))


def read_grid(grids: dict[str, Grid], request: TabRequest) -> Tab | None:
    """A tab as a store reads it, or None when the grid has no such tab."""
    title = find_title(list(grids), request.title)
    return None if title is None else build_tab(title, grids[title], request)


def written_cells(plan: WritePlan) -> dict[tuple[str, int, int], Cell]:
    """(tab, row, 1-based column) → value, for every cell the plan writes."""
    cells: dict[tuple[str, int, int], Cell] = {}
    for write in plan.writes:
        for r, values in enumerate(write.values):
            for c, value in enumerate(values):
                cells[(write.tab, write.row + r, write.column + c)] = value
    return cells


class MemoryStore:
    """The Store protocol on in-memory grids: reads, writes and the shared lock are
    recorded, so a test sees exactly what a run asked for, without files or HTTP."""

    def __init__(self, grids: dict[str, Grid], *, identity: str = "memory:planner") -> None:
        self.grids = grids
        self._identity = identity
        self.reads: list[list[str]] = []
        self.plans: list[WritePlan] = []
        self.lock_owners: list[str] = []
        self.lock_held = False
        self.busy: str | None = None  # set to make shared_lock raise LockBusy

    @property
    def name(self) -> str:
        return "memory"

    @property
    def identity(self) -> str:
        return self._identity

    def tab_titles(self) -> list[str]:
        return list(self.grids)

    @contextmanager
    def _lock(self, owner: str) -> Iterator[None]:
        if self.busy is not None:
            raise LockBusy(self.busy)
        self.lock_owners.append(owner)
        self.lock_held = True
        try:
            yield
        finally:
            self.lock_held = False

    def shared_lock(self, owner: str, ttl_seconds: float) -> Any:
        return self._lock(owner)

    def read(self, requests: Sequence[TabRequest]) -> dict[str, Tab | None]:
        self.reads.append([r.title for r in requests])
        tabs: dict[str, Tab | None] = {}
        for request in requests:
            tab = read_grid(self.grids, request)
            if tab is None and request.required:
                raise TabMissing(f"no tab {request.title!r}")
            tabs[request.title] = tab
        return tabs

    def write(self, plan: WritePlan) -> WriteReport:
        self.plans.append(plan)
        return apply_plan(self.grids, plan)


def calendar_grid(rows: Sequence[dict[str, Cell]]) -> Grid:
    """A calendar tab's grid with the default headers on row 1, rows keyed by header."""
    from postme.config import CalendarColumns

    columns = CalendarColumns()
    headers = [str(getattr(columns, name)) for name in CalendarColumns.model_fields]
    return [headers, *([row.get(header) for header in headers] for row in rows)]
