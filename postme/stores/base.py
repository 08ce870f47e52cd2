"""The one small interface both spreadsheet stores implement, and the pure helpers
that turn "upsert these rows by key" into cell ranges.

Cell values cross this interface in the shape Google returns with
``valueRenderOption=UNFORMATTED_VALUE`` and ``dateTimeRenderOption=SERIAL_NUMBER``:
``str``, ``int``, ``float``, ``bool`` or ``None``. Date cells are serial day counts
from 1899-12-30 (a time of day is the fraction), so the .xlsx store and the Google
store give equal tables for the same workbook.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import Protocol

Cell = str | int | float | bool | None
Record = Mapping[str, Cell]
# (link header, shortcode of a link): a row with no key but a post link is keyed by it.
LinkKey = tuple[str, Callable[[str], "str | None"]]

# How many rows to look through for the header row when none is configured.
HEADER_SEARCH_ROWS = 20


@dataclass(frozen=True)
class TabRequest:
    """What to read from one tab.

    ``header_row`` is the 1-based sheet row of the header; ``None`` finds it: the first
    row among the first 20 that contains every header in ``expected_headers``.
    """

    title: str
    header_row: int | None = 1
    expected_headers: tuple[str, ...] = ()
    required: bool = True  # a missing tab is an error (human tabs) or just absent


@dataclass(frozen=True)
class SheetRow:
    number: int  # 1-based sheet row number
    values: tuple[Cell, ...]  # padded with None to the header's width

    def get(self, column: int) -> Cell:
        return self.values[column] if column < len(self.values) else None


@dataclass(frozen=True)
class Tab:
    """One tab as read: its header row and every row below it (blank rows dropped)."""

    title: str
    header_row: int  # 1-based; 0 when the tab is empty
    headers: tuple[str, ...]
    rows: tuple[SheetRow, ...]
    last_row: int  # last non-empty sheet row (header included); 0 when empty

    def column_index(self, header: str) -> int | None:
        """0-based column of ``header``, matched ignoring case and surrounding spaces."""
        wanted = normalize_header(header)
        for index, name in enumerate(self.headers):
            if normalize_header(name) == wanted:
                return index
        return None


@dataclass(frozen=True)
class NewTab:
    title: str
    headers: tuple[str, ...]


@dataclass(frozen=True)
class RangeWrite:
    """Values for a rectangle starting at (row, column), both 1-based."""

    tab: str
    row: int
    column: int
    values: tuple[tuple[Cell, ...], ...]
    # New rows: Google places them after the tab's last row as it is when the write lands
    # (appendCells), so a row a person appended meanwhile is not overwritten. ``row`` is
    # where they go if nobody appended anything.
    append: bool = field(default=False, compare=False)

    @property
    def a1(self) -> str:
        end_row = self.row + len(self.values) - 1
        width = max((len(r) for r in self.values), default=1)
        start = f"{column_letter(self.column)}{self.row}"
        end = f"{column_letter(self.column + width - 1)}{end_row}"
        return f"{quote_tab(self.tab)}!{start}:{end}"


@dataclass(frozen=True)
class ChartSpec:
    """A line chart over a tool-owned tab, added once and left in place after that."""

    tab: str
    title: str
    x_header: str
    series_headers: tuple[str, ...]
    # The axis layout, decided here once and drawn by each store: these series on the
    # right axis, the others on the left. ``None``: the first series left, the rest right
    # (followers in thousands left, rates in % right).
    right_axis: tuple[str, ...] | None = None

    def axis_of(self, header: str) -> str:
        """ "LEFT_AXIS" or "RIGHT_AXIS" for a series header (matched ignoring case)."""
        wanted = normalize_header(header)
        right = self.series_headers[1:] if self.right_axis is None else self.right_axis
        return "RIGHT_AXIS" if wanted in {normalize_header(h) for h in right} else "LEFT_AXIS"


@dataclass(frozen=True)
class ColorScaleSpec:
    """A heat map on a tool-owned tab: the cells under ``headers`` (every data row) coloured
    from ``low_color`` (smallest) to ``high_color`` (largest), drawn as a conditional-format
    colour scale by each store (Sheets: addConditionalFormatRule; xlsx: ColorScaleRule).
    Added once per tab; a re-run does not stack a second rule."""

    tab: str
    headers: tuple[str, ...]
    low_color: str = "FFFFFF"  # RRGGBB
    high_color: str = "57BB8A"


@dataclass(frozen=True)
class UpsertRows:
    """Keyed intent: the rows of ``tab`` whose ``key`` columns match a record get the
    record's values, the other records become new rows. Resolved against the tab as it is
    when the write lands (:func:`postme.stores.upsert.resolve_plan`), never against
    remembered row numbers. ``seen`` is the tab as read when planning (for previews)."""

    tab: str
    headers: tuple[str, ...]
    key: tuple[str, ...]
    records: tuple[Record, ...]
    volatile: frozenset[str] = frozenset()
    link_key: LinkKey | None = None
    seen: Tab | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class ReplaceGroup:
    """Keyed intent: the rows of ``tab`` whose ``group`` column holds one of ``groups``
    become ``records``. With a ``key`` a record lands on the row holding its key and rows
    of the groups whose key is not among the records are blanked (by-programme rows);
    without one the group's rows are reused in sheet order and leftovers blanked
    (findings). Rows of other groups, and rows a person typed, stay."""

    tab: str
    headers: tuple[str, ...]
    group: str
    groups: frozenset[str]
    records: tuple[Record, ...]
    key: tuple[str, ...] = ()
    volatile: frozenset[str] = frozenset()
    seen: Tab | None = field(default=None, compare=False, repr=False)


Intent = UpsertRows | ReplaceGroup


@dataclass(frozen=True)
class CellShortened:
    """A value changed before it was written (cut to the cell limit, characters a
    spreadsheet cannot hold removed), named for the summary."""

    tab: str
    cell: str  # A1, e.g. "C12" (the row as planned; appended rows may land lower)
    header: str
    original_length: int
    written_length: int
    removed_characters: int = 0


@dataclass
class WritePlan:
    """Everything one run writes. ``intents`` are keyed (resolved against the tab at write
    time); ``ranges`` are plain rectangles (headers of a new tab, the setup wizard)."""

    new_tabs: list[NewTab] = field(default_factory=list)
    ranges: list[RangeWrite] = field(default_factory=list)
    charts: list[ChartSpec] = field(default_factory=list)
    formats: list[ColorScaleSpec] = field(default_factory=list)
    intents: list[Intent] = field(default_factory=list)

    @property
    def writes(self) -> list[RangeWrite]:
        """The cells this plan writes if nobody edits the tabs meanwhile (a preview for
        ``--dry-run`` and tests; the stores resolve the intents again at write time)."""
        from postme.stores.upsert import preview_writes

        return preview_writes(self)

    def is_empty(self) -> bool:
        return not (self.new_tabs or self.ranges or self.charts or self.formats or self.intents)

    def cell_count(self) -> int:
        return sum(len(row) for write in self.writes for row in write.values)


@dataclass
class WriteReport:
    """What a store's ``write`` did: for the summary ("what was written")."""

    tabs_added: list[str] = field(default_factory=list)
    cells_written: int = 0
    rows_appended: int = 0
    charts_added: int = 0
    shortened: list[CellShortened] = field(default_factory=list)


class Store(Protocol):
    """A spreadsheet: read tabs in one call, write a plan in one call."""

    @property
    def name(self) -> str:
        """Where the data lives, for messages (a path or a spreadsheet title)."""
        ...

    @property
    def identity(self) -> str:
        """What names this document whatever string the config used: the spreadsheet id,
        or the real path of the workbook (symlinks followed). Keys the locks."""
        ...

    def tab_titles(self) -> list[str]: ...

    def shared_lock(self, owner: str, ttl_seconds: float) -> AbstractContextManager[None]:
        """Hold the document's own lock, seen by every postme on every machine (Google:
        kept in the spreadsheet; .xlsx: a lock file beside the workbook) for one run.
        Raises :class:`~postme.errors.LockBusy` naming the holder and since when; a lock
        older than its expiry is taken over."""
        ...

    def read(self, requests: Sequence[TabRequest]) -> dict[str, Tab | None]:
        """Read every requested tab in one go. A missing tab is ``None`` when not
        ``required`` and a :class:`~postme.errors.TabMissing` error when it is."""
        ...

    def write(self, plan: WritePlan) -> WriteReport:
        """Apply the plan: add tabs and charts, resolve the keyed intents against the tabs
        as they are now, write every range, values RAW. Either the whole batch is applied
        or nothing is; the report says what was written."""
        ...


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off while a read builds its rows: 100k rows of tuples
    and dicts hold no cycles, and the collector's passes over them cost about as much as
    building them."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


RUN_LOCK_TTL = 900.0  # seconds a run's shared lock lives if the run dies holding it


def run_owner() -> str:
    """Who holds a shared lock, for the message another run shows: user@host (pid)."""
    import getpass
    import os
    import socket

    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "?"
    return f"{user}@{socket.gethostname()} (pid {os.getpid()})"


def same_title(a: str, b: str) -> bool:
    """Tab titles are equal ignoring case, as Google Sheets and Excel treat them."""
    return a.casefold() == b.casefold()


def find_title(titles: Sequence[str], wanted: str) -> str | None:
    """The existing title that names the same tab as ``wanted`` (the one rule for both
    stores and ``check``): an exact match first, then one equal ignoring case."""
    if wanted in titles:
        return wanted
    return next((title for title in titles if same_title(title, wanted)), None)


def normalize_header(text: object) -> str:
    return " ".join(str(text or "").split()).casefold()


def column_letter(column: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while column > 0:
        column, remainder = divmod(column - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def quote_tab(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


def cell_a1(row: int, column_index: int) -> str:
    """Row is 1-based, column_index 0-based: (12, 5) → F12."""
    return f"{column_letter(column_index + 1)}{row}"


def is_blank(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def build_tab(title: str, grid: Sequence[Sequence[Cell]], request: TabRequest) -> Tab:
    """Turn a raw grid (row 1 first, ragged, trailing blanks possibly omitted) into a Tab."""
    from postme.errors import ColumnMissing

    header_row = request.header_row
    if header_row is None:
        wanted = {normalize_header(h) for h in request.expected_headers}
        for index, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
            present = {normalize_header(v) for v in row if not is_blank(v)}
            if present and wanted <= present:
                header_row = index + 1
                break
        else:
            first_row = next((i + 1 for i, r in enumerate(grid) if any(map(_filled, r))), 0)
            if first_row == 0:
                return Tab(title, 0, (), (), 0)
            # Show the row that looks most like the header (a person renamed a column
            # there), not a title row above it.
            candidates = [
                (len(wanted & {normalize_header(v) for v in row if not is_blank(v)}), index)
                for index, row in enumerate(grid[:HEADER_SEARCH_ROWS])
            ]
            best = max(candidates, key=lambda c: (c[0], -c[1]))
            shown = best[1] + 1 if best[0] else first_row
            found = [str(v) for v in grid[shown - 1] if not is_blank(v)]
            raise ColumnMissing(
                _missing_headers_message(title, request.expected_headers, found, shown)
            )
    # The last row holding a value: looked for from the end (usually the very last row).
    last_row = next((i + 1 for i in range(len(grid) - 1, -1, -1) if any(map(_filled, grid[i]))), 0)
    if last_row < header_row:
        return Tab(title, header_row if last_row else 0, (), (), last_row)
    header_cells = list(grid[header_row - 1])
    # Trailing blank header cells carry no column name; keep data under named columns.
    while header_cells and is_blank(header_cells[-1]):
        header_cells.pop()
    headers = tuple("" if is_blank(h) else str(h).strip() for h in header_cells)
    width = len(headers)
    rows = []
    # The hot loop of every read (100k rows × 14 columns): blanks become None inline, an
    # all-blank row is one C-level count, and padding is one extend.
    with gc_paused():
        for index in range(header_row, min(last_row, len(grid))):
            cells = [None if isinstance(v, str) and not v.strip() else v for v in grid[index]]
            size = len(cells)
            if cells.count(None) == size:
                continue
            if size < width:
                cells.extend([None] * (width - size))
            rows.append(SheetRow(index + 1, tuple(cells)))
    return Tab(title, header_row, headers, tuple(rows), last_row)


def _filled(value: Cell) -> bool:
    return not is_blank(value)


def _missing_headers_message(
    title: str, expected: Sequence[str], found: Sequence[str], row: int
) -> str:
    from postme.i18n import _

    return _(
        "Tab '{tab}': no header row with the columns {expected} in the first {n} rows "
        "(row {row} has: {found}). Fix the column names in the config or in the sheet."
    ).format(
        tab=title,
        expected=", ".join(f"'{h}'" for h in expected),
        n=HEADER_SEARCH_ROWS,
        row=row,
        found=", ".join(f"'{h}'" for h in found) or "-",
    )
