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
    text: Mapping[str, str]  # title, caption, hashtags, creator, … ("" when blank)
    raw: Mapping[str, Cell]  # every mapped field's value as typed

    def get(self, name: str) -> str:
        return self.text.get(name, "")

    @property
    def title(self) -> str:
        return self.get("title")

    @cached_property
    def link_shortcode(self) -> str | None:
        """The shortcode of the post the row's link names (None: no post link). Kept: every
        matching of a run (slots, the week, each week of the history) asks for it."""
        return shortcode_from_link(self.get("link"))


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
            if entry.text.get("link") and (code := entry.link_shortcode):  # blank: none
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
    vocabulary = Vocabulary(settings)
    entries: list[CalendarEntry] = []
    problems: list[FieldProblem] = []
    warnings: list[str] = []
    tab_columns: dict[str, dict[str, int]] = {}
    merged: dict[str, int] = {}
    memo: _Memo = {}
    with gc_paused():
        for order, tab in enumerate(found):
            columns = map_columns(tab, settings.calendar.columns, warnings)
            tab_columns[tab.title] = columns
            for name, index in columns.items():
                merged.setdefault(name, index)
            for row in tab.rows:
                number = RowNumber(row.number, tab.title, order) if several else row.number
                entry, row_problems = _read_row(row, columns, vocabulary, memo, number)
                entries.append(entry)
                problems.extend(row_problems)
    return Calendar(
        found[0].title,
        merged,
        tuple(entries),
        tuple(problems),
        tabs=tuple(tab.title for tab in found),
        tab_columns=tab_columns,
        warnings=tuple(dict.fromkeys(warnings)),
    )


# (parser, type, value) → what the parser gave or the problem it raised. A big calendar
# repeats the same few thousand dates and times; each is parsed once per read.
_Memo = dict[tuple[Callable[[Cell], object], type, Cell], object]


def _cached(memo: _Memo, parse: Callable[[Cell], T], value: Cell) -> T:
    """``parse(value)``, remembered in ``memo``; a ParseProblem is raised again each time."""
    key = (parse, value.__class__, value)
    found = memo.get(key, memo)  # the memo itself: not parsed yet
    if found is memo:
        try:
            found = parse(value)
        except ParseProblem as e:
            found = e.with_traceback(None)  # kept without its frames
        memo[key] = found
    if isinstance(found, ParseProblem):
        # A new exception each time: one that was raised carries a traceback (frames →
        # this memo → it), a cycle that kept the whole read alive until a full collection.
        raise ParseProblem(found.kind, found.message, found.value)
    return found  # type: ignore[return-value]


def _read_row(
    row: SheetRow,
    columns: Mapping[str, int],
    vocabulary: Vocabulary,
    memo: _Memo | None = None,
    number: int | None = None,
) -> tuple[CalendarEntry, list[FieldProblem]]:
    """One row; ``number`` is its row as entries carry it (a RowNumber across tabs)."""
    memo = {} if memo is None else memo
    number = row.number if number is None else number
    tab = tab_of(number)
    values = row.values
    try:  # rows are padded to the header's width, so this is the usual case
        raw = {name: values[index] for name, index in columns.items()}
    except IndexError:
        raw = {name: row.get(index) for name, index in columns.items()}
    problems: list[FieldProblem] = []

    def problem(rule: str, name: str, message: str) -> None:
        cell = cell_a1(row.number, columns[name])
        if tab is not None:
            cell = f"{quote_tab(tab)}!{cell}"
        problems.append(FieldProblem(rule, number, name, cell, raw[name], message))

    date: dt.date | None = None
    try:
        date = _cached(memo, parse_date, raw.get("date"))
    except ParseProblem as e:
        problem("bad-date", "date", str(e))
    time: dt.time | None = None
    if "time" in columns:
        try:
            time = _cached(memo, parse_time, raw["time"])
        except ParseProblem as e:
            problem("bad-time", "time", str(e))

    program = _lookup(raw.get("program"), vocabulary.programs, memo)
    if program is None and raw.get("program") is not None:
        problem(
            "unknown-program",
            "program",
            _("{value} is not a known programme. Use one of: {known}.").format(
                value=show_value(raw["program"]),
                known=", ".join(sorted(set(vocabulary.programs.values()))),
            ),
        )
    stage = _find(raw.get("status"), vocabulary.stage_words, memo)
    if stage is None and raw.get("status") is not None:
        problem(
            "unknown-status",
            "status",
            _("{value} is not a known status. Use a word from [statuses] in the config.").format(
                value=show_value(raw["status"])
            ),
        )
    format_ = _find(raw.get("format"), vocabulary.format_words, memo)
    if format_ is None and raw.get("format") is not None:
        problem(
            "unknown-format",
            "format",
            _("{value} is not a known format. Use one of: {known}.").format(
                value=show_value(raw["format"]),
                known=", ".join(sorted(set(vocabulary.formats.values()))),
            ),
        )
    # Inline for the usual text cell: this runs for every cell of a 100k-row calendar.
    text = {
        name: ""
        if (value := raw[name]) is None
        else value.strip()
        if type(value) is str
        else _text(value)
        for name in TEXT_FIELDS
        if name in raw
    }
    entry = CalendarEntry(number, date, time, program, format_, stage, text, raw)
    return entry, problems


def _find(value: Cell, words: WordFinder, memo: _Memo) -> Any:
    if value is None:
        return None
    return _cached(memo, words.find, value)


def _lookup(value: Cell, table: Mapping[str, T], memo: _Memo | None = None) -> T | None:
    if value is None:
        return None
    key = normalize_label(value) if memo is None else _cached(memo, normalize_label, value)
    return table.get(key)


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def entries_between(calendar: Calendar, start: dt.date, end: dt.date) -> Sequence[CalendarEntry]:
    return [e for e in calendar.entries if e.date is not None and start <= e.date <= end]
