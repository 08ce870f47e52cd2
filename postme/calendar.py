"""The content calendar as read from the team's own tab: headers mapped to logical
fields, messy values parsed, every unparseable cell kept as a problem with its cell.

Parsing is cached per distinct string (see ``postme.parsing``), so a 100k-row
calendar costs one parse per distinct date text, not one per cell.

A calendar may span several tabs (one per month: ``[tabs] calendar = "IG *"``); they are
read into one :class:`Calendar` whose rows know their tab (:class:`RowNumber`), so a
finding names ``'IG November 2026'!K34``.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from functools import cached_property
from typing import Any, TypeVar

from postme.config import CalendarColumns, Settings, Stage
from postme.errors import ColumnMissing, TabMissing
from postme.i18n import _
from postme.links import shortcode_from_link
from postme.parsing import ParseProblem, normalize_label, parse_date, parse_time, show_value
from postme.stores.base import (
    Cell,
    SheetRow,
    Tab,
    TabRequest,
    cell_a1,
    find_title,
    gc_paused,
    quote_tab,
)

T = TypeVar("T")

REQUIRED_FIELDS = ("date", "program")
TEXT_FIELDS = ("title", "caption", "hashtags", "creator", "editor", "verifier", "link", "notes")
_TEXT_FIELD_SET = frozenset(TEXT_FIELDS)


class RowNumber(int):
    """The sheet row number of a calendar row read from one of several tabs.

    It prints and computes as the row number people see, but two rows are equal only
    when their tabs are too, and rows sort tab by tab (in the calendar's tab order): the
    modules that key findings and matches by row stay right across month tabs.
    """

    tab: str
    order: int

    def __new__(cls, number: int, tab: str, order: int = 0) -> RowNumber:
        row = super().__new__(cls, number)
        row.tab = tab
        row.order = order
        return row

    def __reduce__(self) -> tuple[Any, ...]:
        return (RowNumber, (int(self), self.tab, self.order))

    def __format__(self, spec: str) -> str:
        """In a message, the row and its tab: "row 9 of 'IG November 2026'"."""
        if spec:
            return format(int(self), spec)
        return _("{number} of '{tab}'").format(number=int(self), tab=self.tab)

    def _key(self) -> tuple[int, int]:
        return (self.order, int(self))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, RowNumber):
            return int(self) == int(other) and self.tab == other.tab
        return int(self) == other

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = int.__hash__  # equal rows have equal numbers, so the int hash is right

    def __lt__(self, other: int) -> bool:
        if isinstance(other, RowNumber):
            return self._key() < other._key()
        return int(self) < other

    def __le__(self, other: int) -> bool:
        return self == other or self < other

    def __gt__(self, other: int) -> bool:
        return not self <= other

    def __ge__(self, other: int) -> bool:
        return not self < other


def tab_of(row: int) -> str | None:
    """The tab of a calendar row, when the calendar spans several tabs (else None)."""
    return row.tab if isinstance(row, RowNumber) else None


def row_tab(row: int, settings: Settings) -> str:
    """The calendar tab a row (of a finding) is on."""
    return tab_of(row) or calendar_request(settings).title


@dataclass(frozen=True)
class FieldProblem:
    """A cell whose value could not be understood (becomes a bad-date, unknown-… finding)."""

    rule: str
    row: int
    field: str
    cell: str
    value: Cell
    message: str


@dataclass(frozen=True)
class CalendarEntry:
    row: int  # the sheet row number a person sees
    date: dt.date | None
    time: dt.time | None
    program: str | None  # canonical programme name; None when blank or unknown
    format: str | None  # canonical format; None when blank or unknown
    stage: Stage | None  # None when blank or unknown
    # The shortcode of the post the row's link names (None: no post link): every matching
    # of a run (slots, the week, each week of the history) asks for it.
    link_shortcode: str | None
    # The row's cells and its tab's columns (field → index). The text and raw views below
    # are built from them when asked: a weekly run looks at most fields of a few hundred
    # rows only, and at the caption and link of the others.
    cells: tuple[Cell, ...] = field(repr=False)
    columns: Mapping[str, int] = field(repr=False)

    def get(self, name: str) -> str:
        """A text field (title, caption, hashtags, creator, …) stripped; "" when blank."""
        index = self.columns.get(name)
        if index is None or name not in _TEXT_FIELD_SET:
            return ""
        value = self.cells[index] if index < len(self.cells) else None
        if value.__class__ is str:
            return value.strip()
        return _text(value)

    @cached_property
    def text(self) -> Mapping[str, str]:
        """Every text field of the row ("" when blank)."""
        return {name: self.get(name) for name in TEXT_FIELDS if name in self.columns}

    @cached_property
    def raw(self) -> Mapping[str, Cell]:
        """Every mapped field's value as typed."""
        width = len(self.cells)
        return {
            name: self.cells[index] if index < width else None
            for name, index in self.columns.items()
        }

    @property
    def title(self) -> str:
        return self.get("title")


@dataclass(frozen=True)
class Calendar:
    tab: str  # the first (or only) tab
    columns: Mapping[str, int]  # logical field → 0-based column (of the first tab with it)
    entries: tuple[CalendarEntry, ...]
    problems: tuple[FieldProblem, ...] = field(default=())
    tabs: tuple[str, ...] = ()  # every tab read, in order
    tab_columns: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    # Why a rule or figure is skipped this run (an optional column not found …).
    warnings: tuple[str, ...] = ()

    def cell(self, row: int, name: str) -> str:
        """``K34``; ``'IG November 2026'!K34`` when the calendar spans several tabs."""
        tab = tab_of(row)
        columns = self.columns if tab is None else self.tab_columns.get(tab, {})
        column = columns.get(name)
        if column is None:
            return ""
        a1 = cell_a1(int(row), column)
        return a1 if tab is None else f"{quote_tab(tab)}!{a1}"

    # One run asks the calendar the same two questions many times (validation, the slot
    # checks, the week, each week of the history): the rows of some days, and the rows
    # linking to some posts. Two indexes, built on first use and shared by every asker,
    # answer them without walking every row again; the answers keep sheet order.

    @cached_property
    def _positions_by_day(self) -> dict[dt.date | None, list[int]]:
        """Date (None: no readable date) → positions in ``entries`` of its rows."""
        by_day: defaultdict[dt.date | None, list[int]] = defaultdict(list)
        for position, entry in enumerate(self.entries):
            by_day[entry.date].append(position)
        return dict(by_day)

    @cached_property
    def _days(self) -> list[dt.date]:
        """The dates that have rows, ascending."""
        return sorted(day for day in self._positions_by_day if day is not None)

    @cached_property
    def _positions_by_link(self) -> dict[str, list[int]]:
        """Post shortcode → positions of the rows whose link names that post."""
        by_code: defaultdict[str, list[int]] = defaultdict(list)
        for position, entry in enumerate(self.entries):
            if (code := entry.link_shortcode) is not None:
                by_code[code].append(position)
        return dict(by_code)

    def rows_for(
        self, days: Iterable[dt.date], shortcodes: Iterable[str] = (), *, undated: bool = False
    ) -> list[CalendarEntry]:
        """The rows dated on one of ``days`` or linking to a post of ``shortcodes`` (and,
        with ``undated``, those without a readable date), in sheet order."""
        by_day = self._positions_by_day
        by_link = self._positions_by_link if shortcodes else {}
        positions: set[int] = set()
        for day in days:
            positions.update(by_day.get(day, ()))
        for code in shortcodes:
            positions.update(by_link.get(code, ()))
        if undated:
            positions.update(by_day.get(None, ()))
        return [self.entries[position] for position in sorted(positions)]

    def between(
        self, start: dt.date, end: dt.date, *, undated: bool = False
    ) -> list[CalendarEntry]:
        """The rows dated from ``start`` to ``end`` (both included; with ``undated``, also
        those without a readable date), in sheet order."""
        days = self._days
        span = days[bisect.bisect_left(days, start) : bisect.bisect_right(days, end)]
        return self.rows_for(span, undated=undated)


def is_tab_pattern(name: str) -> bool:
    return any(char in name for char in "*?[")


def calendar_tab_titles(wanted: str | Sequence[str], titles: Sequence[str]) -> list[str]:
    """The calendar tabs among ``titles`` (the spreadsheet's, in its order): ``wanted`` is
    a title, a list of titles, or patterns like ``"IG *"`` (fnmatch, any case). A title
    that is not there is kept (reading it says so); a pattern that fits no tab is an
    error naming the tabs there are."""
    chosen: list[str] = []
    for name in [wanted] if isinstance(wanted, str) else wanted:
        if is_tab_pattern(name):
            pattern = name.casefold()
            found = [title for title in titles if fnmatchcase(title.casefold(), pattern)]
            if not found:
                raise TabMissing(
                    _(
                        "No tab fits [tabs] calendar = '{pattern}' (tabs: {tabs}). Fix the "
                        'pattern in the config (* stands for any text, e.g. "IG *").'
                    ).format(pattern=name, tabs=", ".join(f"'{t}'" for t in titles) or "-")
                )
        else:
            found = [find_title(titles, name) or name]
        chosen.extend(title for title in found if title not in chosen)
    return chosen


def calendar_requests(
    settings: Settings, list_titles: Callable[[], Sequence[str]]
) -> list[TabRequest]:
    """One request per calendar tab; ``list_titles`` (the store's tab list) is called
    only when the config names a pattern or a list."""
    wanted = settings.tabs.calendar
    if isinstance(wanted, str) and not is_tab_pattern(wanted):
        return [calendar_request(settings)]
    return [calendar_request(settings, t) for t in calendar_tab_titles(wanted, list_titles())]


def calendar_request(settings: Settings, title: str | None = None) -> TabRequest:
    columns = settings.calendar.columns
    wanted = settings.tabs.calendar
    if title is None:
        title = wanted if isinstance(wanted, str) else wanted[0]
    return TabRequest(
        title=title,
        header_row=settings.calendar.header_row,
        expected_headers=(columns.date, columns.program),
    )


def map_columns(
    tab: Tab, columns: CalendarColumns, warnings: list[str] | None = None
) -> dict[str, int]:
    """Logical field → column index. A required or explicitly configured header that
    is missing is an error naming the headers that were found; with ``warnings``, a
    missing optional column is a warning there instead and its rules are skipped."""
    mapping: dict[str, int] = {}
    missing: list[str] = []
    found = ", ".join(f"'{h}'" for h in tab.headers if h) or "-"
    for name in CalendarColumns.model_fields:
        header = getattr(columns, name)
        if not header:
            continue
        index = tab.column_index(header)
        if index is not None:
            mapping[name] = index
        elif warnings is not None and name not in REQUIRED_FIELDS:
            if name in columns.model_fields_set:
                warnings.append(
                    _(
                        "Tab '{tab}' row {row}: column '{header}' ({field}) not found, so the "
                        "rules and figures that need it are skipped this run. Headers found: "
                        "{found}. Rename the column back or fix [calendar.columns] {field}."
                    ).format(
                        tab=tab.title, row=tab.header_row, header=header, field=name, found=found
                    )
                )
        elif name in REQUIRED_FIELDS or name in columns.model_fields_set:
            missing.append(header)
    if missing and tab.headers:
        raise ColumnMissing(
            _(
                "Tab '{tab}' row {row}: column {missing} not found. Headers found: {found}. "
                "Rename the column in the sheet or fix [calendar.columns] in the config."
            ).format(
                tab=tab.title,
                row=tab.header_row,
                missing=", ".join(f"'{m}'" for m in missing),
                found=found,
            )
        )
    return mapping


class Vocabulary:
    """Programme, status and format words (with aliases) → canonical values."""

    def __init__(self, settings: Settings) -> None:
        self.programs: dict[str, str] = {}
        for program in settings.programs:
            for word in (program.name, *program.aliases):
                self.programs[normalize_label(word)] = program.name
        self.stages: dict[str, Stage] = {}
        for stage, words in settings.statuses.items():
            self.stages[normalize_label(stage.replace("_", " "))] = stage
            for word in words:
                self.stages[normalize_label(word)] = stage
        self.formats: dict[str, str] = {}
        for canonical, words in settings.formats.items():
            self.formats[normalize_label(canonical)] = canonical
            for word in words:
                self.formats[normalize_label(word)] = canonical
        # A known word inside a longer label counts ("Sudah Tayang ✅" is "tayang").
        self.stage_words = WordFinder(self.stages)
        self.format_words = WordFinder(self.formats)


class WordFinder:
    """A label → its canonical value: the whole label when it is a known word, else the
    known word (or words) inside it that starts first, the longest of those."""

    def __init__(self, table: Mapping[str, T]) -> None:
        self.table = table
        self.longest = max((len(key.split()) for key in table), default=0)

    def find(self, value: Cell) -> Any:
        key = normalize_label(value)
        if key in self.table:
            return self.table[key]
        words = key.split()
        for start in range(len(words)):
            for size in range(min(self.longest, len(words) - start), 0, -1):
                found = self.table.get(" ".join(words[start : start + size]))
                if found is not None:
                    return found
        return None


def read_calendar(tabs: Tab | Sequence[Tab | None] | None, settings: Settings) -> Calendar:
    """The calendar from its tab, or from several (month) tabs merged in their order."""
    listed = [tabs] if tabs is None or isinstance(tabs, Tab) else list(tabs)
    found = [tab for tab in listed if tab is not None and tab.headers]
    if not found:
        first = listed[0].title if listed and listed[0] is not None else None
        return Calendar(first or calendar_request(settings).title, {}, ())
    wanted = settings.tabs.calendar
    # Rows name their tab when there are several tabs, or may be (a list or a pattern).
    several = len(found) > 1 or not isinstance(wanted, str) or is_tab_pattern(wanted)
    fields = _Fields(settings)
    entries: list[CalendarEntry] = []
    problems: list[FieldProblem] = []
    warnings: list[str] = []
    tab_columns: dict[str, dict[str, int]] = {}
    merged: dict[str, int] = {}
    with gc_paused():
        for order, tab in enumerate(found):
            columns = map_columns(tab, settings.calendar.columns, warnings)
            tab_columns[tab.title] = columns
            for name, index in columns.items():
                merged.setdefault(name, index)
            reader = _RowReader(columns, fields, tab.title if several else None, problems)
            read = reader.read
            if several:
                entries.extend(
                    read(row, RowNumber(row.number, tab.title, order)) for row in tab.rows
                )
            else:
                entries.extend(read(row, row.number) for row in tab.rows)
    return Calendar(
        found[0].title,
        merged,
        tuple(entries),
        tuple(problems),
        tabs=tuple(tab.title for tab in found),
        tab_columns=tab_columns,
        warnings=tuple(dict.fromkeys(warnings)),
    )


# A cell's meaning, and the message of the problem it has (None when it has none).
_Meaning = tuple[Any, str | None]


class _Fields:
    """What each distinct date, time and label of one read means: a big calendar repeats
    the same few thousand values, so each is worked out once per read (in every tab of
    it). Keys carry the value's type: ``1``, ``1.0`` and ``True`` are equal in Python but
    not the same cell."""

    def __init__(self, settings: Settings) -> None:
        vocabulary = Vocabulary(settings)
        programs = ", ".join(sorted(set(vocabulary.programs.values())))
        formats = ", ".join(sorted(set(vocabulary.formats.values())))

        def date(cell: Cell) -> _Meaning:
            return _parsed(parse_date, cell)

        def time(cell: Cell) -> _Meaning:
            return _parsed(parse_time, cell)

        def program(cell: Cell) -> _Meaning:
            found = vocabulary.programs.get(normalize_label(cell))
            message = _("{value} is not a known programme. Use one of: {known}.")
            return found, None if found is not None else message.format(
                value=show_value(cell), known=programs
            )

        def stage(cell: Cell) -> _Meaning:
            found = vocabulary.stage_words.find(cell)
            message = _("{value} is not a known status. Use a word from [statuses] in the config.")
            return found, None if found is not None else message.format(value=show_value(cell))

        def format_(cell: Cell) -> _Meaning:
            found = vocabulary.format_words.find(cell)
            message = _("{value} is not a known format. Use one of: {known}.")
            return found, None if found is not None else message.format(
                value=show_value(cell), known=formats
            )

        # (column, rule of a problem, how to work a cell out), in the order a row's
        # problems are listed.
        self.kinds: tuple[tuple[str, str, Callable[[Cell], _Meaning]], ...] = (
            ("date", "bad-date", date),
            ("time", "bad-time", time),
            ("program", "unknown-program", program),
            ("status", "unknown-status", stage),
            ("format", "unknown-format", format_),
        )
        self.caches: dict[str, dict[tuple[type, Cell], _Meaning]] = {
            name: {} for name, *_rest in self.kinds
        }


def _parsed(parse: Callable[[Cell], object], cell: Cell) -> _Meaning:
    try:
        return parse(cell), None
    except ParseProblem as e:
        return None, str(e)


class _RowReader:
    """Reads the rows of one calendar tab into entries; the cells it cannot understand
    go to ``problems``. This runs for every row of a 100k-row calendar: a blank cell
    costs nothing, a known value one lookup, and the row's text is not copied."""

    def __init__(
        self,
        columns: Mapping[str, int],
        fields: _Fields,
        tab: str | None,
        problems: list[FieldProblem],
    ) -> None:
        self.columns = columns
        self.tab = tab
        self.problems = problems
        self.width = max(columns.values(), default=-1) + 1
        self.link = columns.get("link")
        self.kinds = [
            (position, columns[name], name, rule, fields.caches[name], work_out)
            for position, (name, rule, work_out) in enumerate(fields.kinds)
            if name in columns
        ]

    def read(self, row: SheetRow, number: int) -> CalendarEntry:
        """One row; ``number`` is its row as entries carry it (a RowNumber across tabs)."""
        cells = row.values
        if len(cells) < self.width:  # rows are padded to the header's width: rare
            cells = (*cells, *[None] * (self.width - len(cells)))
        meaning: list[Any] = [None, None, None, None, None]
        for position, index, name, rule, cache, work_out in self.kinds:
            if (cell := cells[index]) is None:
                continue
            key = (cell.__class__, cell)
            known = cache.get(key)
            if known is None:
                known = cache[key] = work_out(cell)
            meaning[position], trouble = known
            if trouble is not None:
                self.problem(rule, name, number, row, cell, trouble)
        date, time, program, stage, format_ = meaning
        link = cells[self.link] if self.link is not None else None
        code = shortcode_from_link(link) if link.__class__ is str else None
        return CalendarEntry(number, date, time, program, format_, stage, code, cells, self.columns)

    def problem(
        self, rule: str, name: str, number: int, row: SheetRow, value: Cell, message: str
    ) -> None:
        cell = cell_a1(row.number, self.columns[name])
        if self.tab is not None:
            cell = f"{quote_tab(self.tab)}!{cell}"
        self.problems.append(FieldProblem(rule, number, name, cell, value, message))


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
