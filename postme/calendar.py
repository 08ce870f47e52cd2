"""The content calendar as read from the team's own tab: headers mapped to logical
fields, messy values parsed, every unparseable cell kept as a problem with its cell.

Parsing is cached per distinct string (see ``postme.parsing``), so a 100k-row
calendar costs one parse per distinct date text, not one per cell.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from postme.config import CalendarColumns, Settings, Stage
from postme.errors import ColumnMissing
from postme.i18n import _
from postme.parsing import ParseProblem, normalize_label, parse_date, parse_time, show_value
from postme.stores.base import Cell, SheetRow, Tab, TabRequest, cell_a1, gc_paused

T = TypeVar("T")

REQUIRED_FIELDS = ("date", "program")
TEXT_FIELDS = ("title", "caption", "hashtags", "creator", "editor", "verifier", "link", "notes")


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


@dataclass(frozen=True)
class Calendar:
    tab: str
    columns: Mapping[str, int]  # logical field → 0-based column
    entries: tuple[CalendarEntry, ...]
    problems: tuple[FieldProblem, ...] = field(default=())

    def cell(self, row: int, name: str) -> str:
        column = self.columns.get(name)
        return cell_a1(row, column) if column is not None else ""


def calendar_request(settings: Settings) -> TabRequest:
    columns = settings.calendar.columns
    return TabRequest(
        title=settings.tabs.calendar,
        header_row=settings.calendar.header_row,
        expected_headers=(columns.date, columns.program),
    )


def map_columns(tab: Tab, columns: CalendarColumns) -> dict[str, int]:
    """Logical field → column index. A required or explicitly configured header that
    is missing is an error naming the headers that were found."""
    mapping: dict[str, int] = {}
    missing: list[str] = []
    for name in CalendarColumns.model_fields:
        header = getattr(columns, name)
        if not header:
            continue
        index = tab.column_index(header)
        if index is not None:
            mapping[name] = index
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
                found=", ".join(f"'{h}'" for h in tab.headers if h) or "-",
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


def read_calendar(tab: Tab | None, settings: Settings) -> Calendar:
    title = settings.tabs.calendar
    if tab is None or not tab.headers:
        return Calendar(title, {}, ())
    columns = map_columns(tab, settings.calendar.columns)
    vocabulary = Vocabulary(settings)
    entries: list[CalendarEntry] = []
    problems: list[FieldProblem] = []
    memo: _Memo = {}
    with gc_paused():
        for row in tab.rows:
            entry, row_problems = _read_row(row, columns, vocabulary, memo)
            entries.append(entry)
            problems.extend(row_problems)
    return Calendar(tab.title, columns, tuple(entries), tuple(problems))


# (parser, type, value) → what the parser gave or the problem it raised. A big calendar
# repeats the same few thousand dates and times; each is parsed once per read.
_Memo = dict[tuple[Callable[[Cell], object], type, Cell], object]


def _cached(memo: _Memo, parse: Callable[[Cell], T], value: Cell) -> T:
    """``parse(value)``, remembered in ``memo``; a ParseProblem is raised again each time."""
    key = (parse, value.__class__, value)
    try:
        found = memo[key]
    except KeyError:
        try:
            found = memo[key] = parse(value)
        except ParseProblem as e:
            found = memo[key] = e
    if isinstance(found, ParseProblem):
        raise found.with_traceback(None)
    return found  # type: ignore[return-value]


def _read_row(
    row: SheetRow, columns: Mapping[str, int], vocabulary: Vocabulary, memo: _Memo | None = None
) -> tuple[CalendarEntry, list[FieldProblem]]:
    memo = {} if memo is None else memo
    values = row.values
    try:  # rows are padded to the header's width, so this is the usual case
        raw = {name: values[index] for name, index in columns.items()}
    except IndexError:
        raw = {name: row.get(index) for name, index in columns.items()}
    problems: list[FieldProblem] = []

    def problem(rule: str, name: str, message: str) -> None:
        cell = cell_a1(row.number, columns[name])
        problems.append(FieldProblem(rule, row.number, name, cell, raw[name], message))

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
    stage = _lookup(raw.get("status"), vocabulary.stages, memo)
    if stage is None and raw.get("status") is not None:
        problem(
            "unknown-status",
            "status",
            _("{value} is not a known status. Use a word from [statuses] in the config.").format(
                value=show_value(raw["status"])
            ),
        )
    format_ = _lookup(raw.get("format"), vocabulary.formats, memo)
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
    entry = CalendarEntry(row.number, date, time, program, format_, stage, text, raw)
    return entry, problems


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
