"""``postme init``: write a config for an existing planner, create the tool-owned tabs and,
when asked, add drop-downs to the calendar's status, programme and format columns.

Everything the command needs comes from :class:`InitOptions` (the flags); whatever is
missing is asked through an ``ask`` callable (the CLI passes one built on
``typer.prompt``; ``None`` means "no questions": defaults, or an error saying which flag
to give). The calendar's tab (or its month tabs, as a pattern like ``"IG *"``) and header
row are found in the spreadsheet, the columns matched to the logical fields by their
Indonesian or English names, the status and format words typed in the calendar placed on
stages and formats (``postme.planner_words``), and the follower and post figures tabs
found by their names. A doubtful match, a role no header names and a word that cannot be
placed are asked about; the whole mapping is shown and needs a yes before anything is
written. Without questions (``--yes``) unplaced words are listed under
``[unknown_words]`` for ``postme check`` to show.

Nothing a person typed is changed: the only writes are new tabs (a header row each) and
data validation rules. The config is validated by loading it back before it is saved.
"""

from __future__ import annotations

import difflib
import json
import os
import tempfile
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from string import Template
from typing import Any, Protocol

from postme.config import CalendarColumns, Settings, load_config, settings_from_dict
from postme.errors import ConfigError
from postme.i18n import _, set_language
from postme.parsing import normalize_label
from postme.stores.base import (
    Cell,
    NewTab,
    SheetRow,
    Store,
    Tab,
    TabRequest,
    WritePlan,
    find_title,
)
from postme.words import FORMAT_NAMES

# Words in the title of a calendar tab, most telling first.
CALENDAR_TAB_WORDS = ("kalender", "calendar", "planner", "jadwal", "konten", "content")
# How far down to look for the header row.
HEADER_SEARCH_ROWS = 20

# Logical field → header names teams use (compared after normalize_label), Indonesian
# and English. An exact match is taken without asking; a partial one is asked about.
FIELD_ALIASES: Mapping[str, tuple[str, ...]] = {
    "date": (
        "tanggal",
        "tgl",
        "tanggal posting",
        "tgl posting",
        "tanggal upload",
        "tgl upload",
        "tanggal unggah",
        "tanggal tayang",
        "hari tanggal",
        "hari dan tanggal",
        "date",
        "posting date",
        "post date",
        "publish date",
    ),
    "time": (
        "jam",
        "waktu",
        "jam posting",
        "jam upload",
        "jam unggah",
        "jam tayang",
        "waktu posting",
        "waktu upload",
        "time",
        "posting time",
        "post time",
    ),
    "program": (
        "program",
        "program konten",
        "nama program",
        "rubrik",
        "rubrikasi",
        "segmen",
        "programme",
        "program name",
        "series",
        "pilar konten",
        "pilar",
        "content pillar",
        "pillar",
        "kategori konten",
    ),
    "format": (
        "format",
        "jenis konten",
        "format konten",
        "bentuk konten",
        "tipe konten",
        "jenis postingan",
        "content type",
        "post type",
        "type",
    ),
    "title": (
        "judul",
        "topik",
        "tema",
        "judul konten",
        "topik konten",
        "materi",
        "title",
        "topic",
        "theme",
    ),
    "caption": ("caption", "keterangan", "narasi", "teks", "isi caption", "deskripsi", "copy"),
    "hashtags": ("hashtag", "hashtags", "tagar"),
    "creator": (
        "pembuat konten",
        "pembuat",
        "desainer",
        "desain",
        "kreator",
        "konten kreator",
        "pic konten",
        "pic",
        "pembuat desain",
        "creator",
        "content creator",
        "designer",
    ),
    "editor": (
        "redaksi",
        "penulis caption",
        "penulis",
        "editor",
        "copywriter",
        "caption writer",
        "penulis naskah",
        "writer",
    ),
    "verifier": (
        "verifikator",
        "verifikasi",
        "penanggung jawab",
        "pj",
        "pemeriksa",
        "verifier",
        "approver",
        "reviewer",
        "cek akhir",
        "final check",
        "acc",
        "approval",
        "pemeriksa akhir",
        "diperiksa oleh",
        "verified by",
    ),
    "status": (
        "status",
        "status konten",
        "status posting",
        "status upload",
        "status tayang",
        "progres",
        "progress",
    ),
    "link": (
        "link",
        "tautan",
        "url",
        "link postingan",
        "link post",
        "link instagram",
        "permalink",
        "link upload",
        "link konten",
    ),
    "notes": ("catatan", "keterangan lain", "catatan tambahan", "notes", "note", "remarks"),
}
FIELDS: tuple[str, ...] = tuple(CalendarColumns.model_fields)
REQUIRED = ("date", "program")
DROPDOWN_FIELDS = ("status", "program", "format")
# Roles asked about when no header names them (and a column is left unnamed).
ASKED_ROLES = ("creator", "editor", "verifier", "status", "link")

SURE, PARTIAL, FUZZY = 3, 2, 1

# The word shown in a drop-down for each stage / format, when the calendar has none yet.
STATUS_WORDS: Mapping[str, Mapping[str, str]] = {
    "id": {
        "planned": "Rencana",
        "in_production": "Proses",
        "ready_for_review": "Siap Review",
        "approved": "Disetujui",
        "published": "Terupload",
        "cancelled": "Batal",
    },
    "en": {
        "planned": "Planned",
        "in_production": "In production",
        "ready_for_review": "Ready for review",
        "approved": "Approved",
        "published": "Published",
        "cancelled": "Cancelled",
    },
}
FORMAT_WORDS: Mapping[str, Mapping[str, str]] = FORMAT_NAMES  # the one table: words.py


class Ask(Protocol):
    """Ask the person one question; ``choices`` are shown numbered. Returns the answer
    as typed (a number, a choice, free text, or "" for the default)."""

    def __call__(
        self, question: str, choices: Sequence[str] = (), default: str | None = None
    ) -> str: ...


@dataclass(frozen=True)
class InitOptions:
    """The flags of ``postme init``; ``None`` means "ask, or use the default"."""

    output: Path = Path("postme.toml")
    backend: str | None = None  # "xlsx" or "gsheets"
    path: Path | None = None
    spreadsheet: str | None = None
    key_file: Path | None = None
    instagram: str | None = None
    language: str | None = None
    tab: str | None = None
    dropdowns: bool | None = None
    force: bool = False


@dataclass(frozen=True)
class FieldMatch:
    """The column proposed for one logical field."""

    field: str
    header: str | None
    column: int | None  # 0-based
    sure: bool


@dataclass(frozen=True)
class CalendarLayout:
    """Where the calendar's header is and which column holds which field."""

    tab: str
    header_row: int
    headers: tuple[str, ...]
    matches: tuple[FieldMatch, ...]

    def column(self, name: str) -> int | None:
        return next((m.column for m in self.matches if m.field == name), None)

    def header(self, name: str) -> str | None:
        return next((m.header for m in self.matches if m.field == name), None)


@dataclass(frozen=True)
class Dropdown:
    field: str
    header: str
    column: int  # 0-based
    values: tuple[str, ...]


@dataclass(frozen=True)
class InitResult:
    config_path: Path
    settings: Settings
    layout: CalendarLayout
    created_tabs: tuple[str, ...]
    dropdowns: tuple[Dropdown, ...] = ()
    added_programs: tuple[str, ...] = ()  # the team's programmes found in the calendar
    calendar_tabs: Sequence[str] = ()
    words: PlannerWords | None = None
    figures: Sequence[FiguresTab] = ()
    skipped_dropdowns: tuple[str, ...] = ()  # columns that already had a validation

    def to_json(self) -> dict[str, Any]:
        words = self.words or PlannerWords()
        return {
            "config": str(self.config_path),
            "calendar_tab": self.layout.tab,
            "calendar": self.settings.tabs.calendar,
            "calendar_tabs": list(self.calendar_tabs or (self.layout.tab,)),
            "header_row": self.layout.header_row,
            "columns": {m.field: m.header for m in self.layout.matches},
            "statuses": dict(words.statuses),
            "formats": dict(words.formats),
            "unknown_words": {
                "statuses": list(words.unknown_statuses),
                "formats": list(words.unknown_formats),
            },
            "figures_tabs": {f.kind: f.title for f in self.figures},
            "created_tabs": list(self.created_tabs),
            "dropdowns": [
                {"field": d.field, "header": d.header, "values": list(d.values)}
                for d in self.dropdowns
            ],
            "dropdowns_skipped": list(self.skipped_dropdowns),
            "added_programs": list(self.added_programs),
        }

    def mapping_lines(self) -> list[str]:
        """The whole mapping, as shown before anything is written and after."""
        tabs = self.settings.tabs
        calendar = tabs.calendar if isinstance(tabs.calendar, str) else ", ".join(tabs.calendar)
        lines = [
            _("Calendar: [tabs] calendar = '{value}' ({tabs}), header in row {row}.").format(
                value=calendar,
                tabs=", ".join(f"'{t}'" for t in self.calendar_tabs or (self.layout.tab,)),
                row=self.layout.header_row,
            )
        ]
        for match in self.layout.matches:
            if match.header:
                lines.append(
                    _("  {field} = column '{header}'").format(
                        field=match.field, header=match.header
                    )
                )
        missing = [m.field for m in self.layout.matches if not m.header]
        if missing:
            lines.append(
                _("  Not in your calendar (left empty in the config): {fields}").format(
                    fields=", ".join(missing)
                )
            )
        words = self.words or PlannerWords()
        for label, placed in (
            (_("Status words"), words.statuses),
            (_("Format words"), words.formats),
        ):
            if placed:
                lines.append(
                    "{label}: {words}".format(
                        label=label,
                        words=", ".join(f"'{w}' → {c}" for w, c in placed.items()),
                    )
                )
        unknown = [*words.unknown_statuses, *words.unknown_formats]
        if unknown:
            lines.append(
                _(
                    "Words postme could not place (listed under [unknown_words]; "
                    "'postme check' shows them until you place them): {words}"
                ).format(words=", ".join(f"'{w}'" for w in unknown))
            )
        if self.added_programs:
            lines.append(
                _("Programmes from your calendar, added to the config: {names}.").format(
                    names=", ".join(self.added_programs)
                )
            )
        found = {f.kind: f.title for f in self.figures}
        for kind, title, what in (
            ("account_metrics", tabs.account_metrics, _("followers")),
            ("post_metrics", tabs.post_metrics, _("post figures")),
        ):
            if kind in found:
                lines.append(_("Tab of {what}: '{tab}'.").format(what=what, tab=title))
            else:
                lines.append(
                    _(
                        "No tab of {what} found in the spreadsheet: postme creates an empty "
                        "'{tab}' (type the figures there, or run 'postme collect')."
                    ).format(what=what, tab=title)
                )
        return lines

    def summary(self) -> list[str]:
        """Lines for the person, in the current language."""
        lines = [_("Config written to {path}.").format(path=self.config_path)]
        lines += self.mapping_lines()
        if self.created_tabs:
            lines.append(
                _("Tabs created: {tabs}.").format(
                    tabs=", ".join(f"'{t}'" for t in self.created_tabs)
                )
            )
        else:
            lines.append(_("The tabs postme writes to were already there."))
        for dropdown in self.dropdowns:
            lines.append(
                _("Drop-down added to column '{header}': {values}.").format(
                    header=dropdown.header, values=", ".join(dropdown.values)
                )
            )
        for header in self.skipped_dropdowns:
            lines.append(
                _("Column '{header}' already has a drop-down or validation: left as it is.").format(
                    header=header
                )
            )
        lines.append(_("Next: run 'postme check', then 'postme weekly --dry-run'."))
        return lines


# --- the whole command -------------------------------------------------------------------


def run_init(
    options: InitOptions,
    ask: Ask | None = None,
    *,
    env: Mapping[str, str] | None = None,
    store: Store | None = None,
) -> InitResult:
    """Ask what is missing, read the calendar (headers and values) and the figures tabs,
    show the whole mapping and (when asking) wait for a yes, then write the config,
    create the tabs and (when asked) the drop-downs. ``store`` replaces the one the
    answers point at (tests)."""
    env = os.environ if env is None else env
    output = options.output
    if output.is_dir():
        output = output / "postme.toml"
    if output.exists() and not options.force:
        raise ConfigError(
            _(
                "{path} already exists and was left as it is. Use --force to replace it, "
                "or --output to write the config somewhere else."
            ).format(path=output)
        )
    language = _choose_language(options.language, ask)
    set_language(language)
    base = output.resolve().parent
    sheet = _sheet_answers(options, ask, base)
    draft = settings_from_dict({"language": language, "sheet": sheet}, output, env)
    if store is None:
        from postme.jobs import open_store

        store = open_store(draft)

    titles = store.tab_titles()
    calendar_value, calendar_titles = choose_calendar_tabs(
        titles, calendar_name(draft), options.tab, ask
    )
    read = store.read([TabRequest(title=title, header_row=1) for title in calendar_titles])
    tabs = [tab for title in calendar_titles if (tab := read[title]) is not None]
    layout = confirm_layout(detect_layout(tabs[0]), ask)
    header_rows = {layout.header_row} | {
        found.header_row for tab in tabs[1:] if (found := find_header(tab)) is not None
    }
    header_row = layout.header_row if len(header_rows) == 1 else None
    rows = [row for tab in tabs for row in _rows_below(tab, _header_row_of(tab, layout))]
    words = read_words(rows, layout, draft, ask)
    figures = find_figures_tabs(store, titles, calendar_titles)

    instagram = _instagram_answer(options.instagram, ask)
    dropdowns_wanted = options.dropdowns
    if dropdowns_wanted is None:
        dropdowns_wanted = ask is not None and _yes(
            ask(
                _(
                    "Add drop-down lists to the status, programme and format columns, "
                    "so only known values can be picked? (y/n)"
                ),
                (),
                "n",
            )
        )

    text = config_text(
        language=language,
        sheet=_relative_sheet(sheet, base),
        layout=layout,
        instagram=instagram,
        calendar=calendar_value,
        header_row=header_row,
        words=words,
        figures=figures,
    )
    settings = validate_config_text(text, output, env)
    preview = InitResult(
        output, settings, layout, (), (), words.new_programs, calendar_titles, words, figures
    )
    if ask is not None:
        lines = preview.mapping_lines()
        question = "\n".join([*lines, _("Write this config and create the tabs? (y/n)")])
        if not _yes(ask(question, (), "y")):
            raise ConfigError(_("Nothing was written. Run 'postme init' again to change it."))

    created = create_tool_tabs(store, settings, titles)
    dropdowns: tuple[Dropdown, ...] = ()
    skipped: tuple[str, ...] = ()
    if dropdowns_wanted:
        dropdowns, skipped = add_dropdowns(store, layout, rows, settings, calendar_titles)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    return InitResult(
        config_path=output,
        settings=load_config(output, env),
        layout=layout,
        created_tabs=created,
        dropdowns=dropdowns,
        added_programs=words.new_programs,
        calendar_tabs=tuple(calendar_titles),
        words=words,
        figures=tuple(figures),
        skipped_dropdowns=skipped,
    )


def calendar_name(settings: Settings) -> str:
    wanted = settings.tabs.calendar
    return wanted if isinstance(wanted, str) else wanted[0]


def _header_row_of(tab: Tab, layout: CalendarLayout) -> int:
    if tab.title == layout.tab:
        return layout.header_row
    found = find_header(tab)
    return layout.header_row if found is None else found.header_row


def choose_calendar_tabs(
    titles: Sequence[str], preferred: str, given: str | None = None, ask: Ask | None = None
) -> tuple[str | list[str], list[str]]:
    """The calendar's tabs: (the value for ``[tabs] calendar``, the titles). One tab per
    month (``IG Oktober 2026``, ``IG November 2026`` …) gives a pattern (``"IG *"``)."""
    from postme.calendar import calendar_tab_titles, is_tab_pattern
    from postme.planner_words import month_tab_group

    if given is not None and is_tab_pattern(given):
        return given, calendar_tab_titles(given, titles)
    if given is None and find_title(titles, preferred) is None:
        group = month_tab_group(titles)
        if group is not None:
            return group
    title = choose_calendar_tab(titles, preferred, given, ask)
    return title, [title]


STAGE_CHOICES = ("planned", "in_production", "ready_for_review", "approved", "published")
FORMAT_CHOICES = ("photo", "carousel", "video", "reels", "live", "story")


def read_words(
    rows: Sequence[SheetRow], layout: CalendarLayout, settings: Settings, ask: Ask | None
) -> PlannerWords:
    """Every status and format word typed in the calendar placed on a stage or format
    (the config's words, the common synonyms, a known word inside a longer label); a word
    that cannot be placed is asked about, or (without ``ask``) listed as unknown. Programme
    names the config does not know become programmes of their own."""
    from postme.calendar import Vocabulary
    from postme.planner_words import FORMAT_SYNONYMS, STATUS_SYNONYMS, place_words

    vocabulary = Vocabulary(settings)

    def values(name: str) -> list[Cell]:
        column = layout.column(name)
        return [] if column is None else [row.get(column) for row in rows]

    statuses = place_words(values("status"), vocabulary.stages, STATUS_SYNONYMS)
    formats = place_words(values("format"), vocabulary.formats, FORMAT_SYNONYMS)
    placed_statuses = dict(statuses.placed)
    placed_formats = dict(formats.placed)
    unknown_statuses: list[str] = []
    unknown_formats: list[str] = []
    for word in statuses.unknown:
        stage = _ask_word(ask, word, _("status"), (*STAGE_CHOICES, "cancelled"))
        if stage is None:
            unknown_statuses.append(word)
        else:
            placed_statuses[word] = stage
    for word in formats.unknown:
        format_ = _ask_word(ask, word, _("format"), FORMAT_CHOICES)
        if format_ is None:
            unknown_formats.append(word)
        else:
            placed_formats[word] = format_

    program_values = [v for v in values("program") if normalize_label(v)]
    known = vocabulary.programs
    used = {known[normalize_label(v)] for v in program_values if normalize_label(v) in known}
    new: dict[str, str] = {}
    for value in program_values:
        key = normalize_label(value)
        if key not in known and key not in new:
            new[key] = str(value).strip()
    # The greeting programme stays: the health-day reminders ask for its rows.
    used.add(settings.schedule.greeting_program)
    kept = None if not program_values else tuple(n for n, *_rest in TEMPLATE_PROGRAMS if n in used)
    return PlannerWords(
        statuses=placed_statuses,
        formats=placed_formats,
        unknown_statuses=tuple(unknown_statuses),
        unknown_formats=tuple(unknown_formats),
        new_programs=tuple(new.values()),
        kept_programs=kept,
    )


def _ask_word(ask: Ask | None, word: str, what: str, choices: Sequence[str]) -> str | None:
    if ask is None:
        return None
    question = _(
        "The calendar has the {what} '{word}', which postme does not know. What does it mean? "
        "(number or name; '-' to leave it unknown)"
    ).format(what=what, word=word)
    return choose(ask, question, choices, None, allow_none=True)


def find_figures_tabs(
    store: Store, titles: Sequence[str], calendar_titles: Sequence[str]
) -> list[FiguresTab]:
    """The team's own follower and post figures tabs (``Data Followers``, ``Insight
    Postingan`` …), with their header row and columns; a tab whose header names neither a
    date and a follower count nor likes and comments is not used."""
    from postme.planner_words import (
        ACCOUNT_HEADER_WORDS,
        FOLLOWER_TAB_WORDS,
        POST_HEADER_WORDS,
        POST_TAB_WORDS,
        find_figures_tab,
    )

    taken = list(calendar_titles)
    post_title = find_figures_tab(titles, POST_TAB_WORDS, taken)
    if post_title:
        taken.append(post_title)
    account_title = find_figures_tab(titles, FOLLOWER_TAB_WORDS, taken)
    wanted = [
        ("account_metrics", account_title, ACCOUNT_HEADER_WORDS, ("date", "followers")),
        ("post_metrics", post_title, POST_HEADER_WORDS, ("likes", "comments")),
    ]
    requests = [TabRequest(title, header_row=1) for _k, title, _t, _r in wanted if title]
    if not requests:
        return []
    read = store.read(requests)
    found = []
    for kind, title, table, required in wanted:
        tab = read.get(title) if title else None
        layout = None if tab is None else find_header(tab, table, required)
        if layout is None or not all(layout.header(name) for name in required):
            continue
        columns = {m.field: m.header for m in layout.matches if m.header}
        found.append(FiguresTab(kind, layout.tab, layout.header_row, columns))
    return found


# --- questions -----------------------------------------------------------------------------


def choose(
    ask: Ask,
    question: str,
    options: Sequence[str],
    default: str | None = None,
    allow_none: bool = False,
) -> str | None:
    """Ask until the answer names one of ``options`` (by number or by text). "-" is "none"
    when ``allow_none``; an empty answer takes ``default``."""
    for _attempt in range(5):
        answer = ask(question, options, default).strip()
        if not answer and default is not None:
            answer = default
        if allow_none and answer in ("-", ""):
            return None
        picked = pick(answer, options)
        if picked is not None:
            return picked
    raise ConfigError(
        _("No valid answer to: {question}. Run 'postme init' again.").format(question=question)
    )


def pick(answer: str, options: Sequence[str]) -> str | None:
    """``"2"`` → the second option; otherwise the option equal to ``answer`` (any case)."""
    answer = answer.strip()
    if answer.isdigit() and 1 <= int(answer) <= len(options):
        return options[int(answer) - 1]
    wanted = normalize_label(answer)
    for option in options:
        if normalize_label(option) == wanted or option.casefold() == answer.casefold():
            return option
    return None


def _yes(answer: str) -> bool:
    return answer.strip().casefold() in ("y", "ya", "yes", "iya", "1", "true")


def _choose_language(language: str | None, ask: Ask | None) -> str:
    if language is not None:
        if language not in ("id", "en"):
            raise ConfigError(_("--language {value}: use id or en.").format(value=language))
        return language
    if ask is None:
        return "id"
    answer = choose(
        ask,
        _("Language of messages and of the new tabs (id = Bahasa Indonesia, en = English)"),
        ("id", "en"),
        "id",
    )
    return answer or "id"


def _sheet_answers(options: InitOptions, ask: Ask | None, base: Path) -> dict[str, Any]:
    backend = _backend_answer(options, ask)
    if backend == "xlsx":
        return {"backend": "xlsx", "path": _workbook_answer(options.path, ask)}
    return _gsheets_answers(options, ask)


def _backend_answer(options: InitOptions, ask: Ask | None) -> str:
    """ "xlsx" or "gsheets": from --store, else from --path / --spreadsheet, else asked."""
    backend = options.backend
    if backend is not None and backend not in ("xlsx", "gsheets"):
        raise ConfigError(_("--store {value}: use xlsx or gsheets.").format(value=backend))
    if backend is not None:
        return backend
    if options.path is not None:
        return "xlsx"
    if options.spreadsheet is not None:
        return "gsheets"
    if ask is None:
        raise ConfigError(_("Say where the planner is: --path FILE.xlsx or --spreadsheet URL."))
    picked = choose(
        ask,
        _("Where is the planner? xlsx = an Excel file on this computer, gsheets = a Google Sheet"),
        ("xlsx", "gsheets"),
        "xlsx",
    )
    return "gsheets" if picked == "gsheets" else "xlsx"


def _workbook_answer(path: Path | None, ask: Ask | None) -> str:
    """The resolved path of the planner workbook (given, else asked up to 5 times)."""
    if path is not None:
        problem = workbook_problem(path)
        if problem:
            raise ConfigError(problem)
        return str(path.expanduser().resolve())
    if ask is None:
        raise ConfigError(_("--store xlsx needs --path FILE.xlsx."))
    question = _("Path of the Excel workbook (.xlsx)")
    for _attempt in range(5):
        answer = clean_path(ask(question, (), None))
        if not answer:
            raise ConfigError(_("No workbook given. Run 'postme init' again."))
        problem = workbook_problem(Path(answer))
        if not problem:
            return str(Path(answer).expanduser().resolve())
        question = problem + " " + _("Path of the Excel workbook (.xlsx)")
    raise ConfigError(problem)


def _gsheets_answers(options: InitOptions, ask: Ask | None) -> dict[str, Any]:
    spreadsheet = options.spreadsheet
    if spreadsheet is None:
        if ask is None:
            raise ConfigError(_("--store gsheets needs --spreadsheet URL."))
        spreadsheet = ask(_("URL of the Google Sheet"), (), None).strip()
        if not spreadsheet:
            raise ConfigError(_("No spreadsheet given. Run 'postme init' again."))
    sheet: dict[str, Any] = {"backend": "gsheets", "spreadsheet": spreadsheet.strip()}
    key_file = options.key_file
    if key_file is None and ask is not None:
        answer = ask(
            _(
                "Service-account key file (JSON); leave empty for "
                "~/.config/gspread/service_account.json"
            ),
            (),
            "",
        ).strip()
        key_file = Path(clean_path(answer)) if answer else None
    if key_file is not None:
        resolved = key_file.expanduser().resolve()
        if not resolved.is_file():
            raise ConfigError(
                _("Key file {path} does not exist. Check the path and run again.").format(
                    path=resolved
                )
            )
        sheet["key_file"] = str(resolved)
    return sheet


def clean_path(answer: str) -> str:
    """A path as typed or drag-and-dropped: spaces and the quotes a terminal adds
    around a path with spaces ('…' or "…") removed."""
    text = answer.strip()
    while len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        text = text[1:-1].strip()
    return text


def workbook_problem(path: Path) -> str | None:
    """Why ``path`` cannot be the planner workbook, in plain words; None when it can."""
    resolved = path.expanduser().resolve()
    suffix = resolved.suffix.casefold()
    if suffix in (".xls", ".ods", ".csv"):
        kinds = {
            ".xls": _("an old Excel file (.xls)"),
            ".ods": _("a LibreOffice file (.ods)"),
            ".csv": _("a CSV text file (.csv), which has only one tab and no formats"),
        }
        return _(
            "{path} is {kind}. postme reads Excel workbooks (.xlsx). Open the file in Excel or "
            "LibreOffice, choose File → Save As → Excel Workbook (.xlsx), and give that file."
        ).format(path=resolved, kind=kinds[suffix])
    if not resolved.is_file():
        return _("Workbook {path} does not exist. Check the path and run again.").format(
            path=resolved
        )
    return None


def _instagram_answer(username: str | None, ask: Ask | None) -> str | None:
    if username is None and ask is not None:
        username = ask(_("Instagram username of the account (leave empty to skip)"), (), "")
    if not username:
        return None
    cleaned = username.strip().rstrip("/").rsplit("/", 1)[-1].lstrip("@")
    return cleaned or None


# --- the calendar tab and its columns ------------------------------------------------------


def choose_calendar_tab(
    titles: Sequence[str], preferred: str, given: str | None = None, ask: Ask | None = None
) -> str:
    """The tab holding the content calendar: the one given, the configured default name,
    else a tab whose title says calendar/planner/jadwal/konten (asked when several do)."""
    by_key = {t.casefold(): t for t in titles}
    listing = ", ".join(f"'{t}'" for t in titles) or "-"
    if given is not None:
        found = by_key.get(given.strip().casefold())
        if found is None:
            raise ConfigError(
                _("There is no tab '{tab}' in the spreadsheet (tabs: {tabs}).").format(
                    tab=given, tabs=listing
                )
            )
        return found
    if preferred.casefold() in by_key:
        return by_key[preferred.casefold()]
    candidates = [
        title for word in CALENDAR_TAB_WORDS for title in titles if word in title.casefold()
    ]
    candidates = list(dict.fromkeys(candidates))
    if len(candidates) == 1 or (candidates and ask is None):
        return candidates[0]
    if ask is not None and titles:
        question = _("Which tab holds the content calendar?")
        default = candidates[0] if candidates else titles[0]
        return choose(ask, question, list(titles), default) or default
    if len(titles) == 1:
        return titles[0]
    raise ConfigError(
        _(
            "Could not tell which tab holds the content calendar (tabs: {tabs}). "
            "Give it with --tab NAME."
        ).format(tabs=listing)
    )


def match_score(header: str, name: str) -> int:
    """How well ``header`` names the field ``name``: SURE, PARTIAL, FUZZY or 0."""
    return alias_score(header, FIELD_ALIASES[name])


def alias_score(header: str, aliases: Sequence[str]) -> int:
    """How well ``header`` is one of ``aliases``: SURE, PARTIAL, FUZZY or 0."""
    text = normalize_label(header)
    if not text:
        return 0
    if text in aliases:
        return SURE
    words = text.split()
    for alias in aliases:
        alias_words = alias.split()
        size = len(alias_words)
        if any(words[i : i + size] == alias_words for i in range(len(words) - size + 1)):
            return PARTIAL
    if len(text) >= 4 and any(
        difflib.SequenceMatcher(None, text, alias).ratio() >= 0.85 for alias in aliases
    ):
        return FUZZY
    return 0


def propose_columns(
    headers: Sequence[str], table: Mapping[str, Sequence[str]] = FIELD_ALIASES
) -> tuple[FieldMatch, ...]:
    """The best column for each field of ``table``: strongest matches first, each column
    used once."""
    names = tuple(table)
    scored = sorted(
        (
            (-score, column, names.index(name), name)
            for column, header in enumerate(headers)
            for name in names
            if (score := alias_score(header, table[name]))
        )
    )
    taken_fields: dict[str, tuple[int, int]] = {}
    taken_columns: set[int] = set()
    for negative, column, _order, name in scored:
        if name in taken_fields or column in taken_columns:
            continue
        taken_fields[name] = (column, -negative)
        taken_columns.add(column)
    matches = []
    for name in names:
        if name in taken_fields:
            column, score = taken_fields[name]
            matches.append(FieldMatch(name, headers[column], column, score == SURE))
        else:
            matches.append(FieldMatch(name, None, None, True))
    return tuple(matches)


def _layout_score(
    matches: Sequence[FieldMatch], required: Sequence[str] = REQUIRED
) -> tuple[int, int]:
    """Rows with both required columns first, then the most (and surest) matches."""
    found = {m.field for m in matches if m.header}
    return (
        len(set(required) & found),
        sum(2 if m.sure else 1 for m in matches if m.header),
    )


def detect_layout(tab: Tab) -> CalendarLayout:
    """Find the header row among the first rows of ``tab`` (read with header_row=1, so
    title rows above the header are among its rows) and propose the columns. A required
    column that is not found is left for :func:`confirm_layout` to ask about."""
    found = find_header(tab)
    if found is None:
        first = tab.headers or (_header_texts(tab.rows[0]) if tab.rows else ())
        raise ConfigError(
            _(
                "Tab '{tab}': no row in the first {n} rows looks like a header with a date "
                "and a programme column (first row: {found}). Give the tab with --tab NAME, "
                "or name the columns e.g. 'Tanggal' and 'Program'."
            ).format(
                tab=tab.title,
                n=HEADER_SEARCH_ROWS,
                found=", ".join(f"'{h}'" for h in first if h) or "-",
            )
        )
    return found


def find_header(
    tab: Tab, table: Mapping[str, Sequence[str]] = FIELD_ALIASES, required: Sequence[str] = REQUIRED
) -> CalendarLayout | None:
    """The row among the first rows of ``tab`` that names the most fields of ``table``
    (the ``required`` ones first), with its proposed columns; None when no row names any."""
    candidates: list[tuple[int, tuple[str, ...]]] = []
    if tab.headers:
        candidates.append((tab.header_row, tab.headers))
    for row in tab.rows:
        if row.number > HEADER_SEARCH_ROWS:
            break
        candidates.append((row.number, _header_texts(row)))
    best: tuple[tuple[int, int], int, tuple[str, ...], tuple[FieldMatch, ...]] | None = None
    for number, headers in candidates:
        matches = propose_columns(headers, table)
        score = _layout_score(matches, required)
        if score[1] and (best is None or score > best[0]):
            best = (score, number, headers, matches)
    if best is None:
        return None
    _score, number, headers, matches = best
    return CalendarLayout(tab.title, number, headers, matches)


def _header_texts(row: SheetRow) -> tuple[str, ...]:
    values = list(row.values)
    while values and (values[-1] is None or not str(values[-1]).strip()):
        values.pop()
    return tuple("" if v is None else str(v).strip() for v in values)


def confirm_layout(layout: CalendarLayout, ask: Ask | None) -> CalendarLayout:
    """Ask about each doubtful match (and a required field with no match); without
    ``ask`` a doubtful match is kept and a missing required column is an error."""
    named = [h for h in layout.headers if h]
    matches: list[FieldMatch] = []
    used: set[int] = set()
    for position, match in enumerate(layout.matches):
        later = {m.column for m in layout.matches[position + 1 :] if m.column is not None}
        free = [i for i, h in enumerate(layout.headers) if h and i not in used | later]
        needs_question = (
            (match.header is not None and not match.sure)
            or (match.header is None and match.field in REQUIRED)
            or (match.header is None and match.field in ASKED_ROLES and bool(free))
        )
        if needs_question and ask is not None:
            question = _(
                "Which column holds the {field}? (number or name; '-' if there is none)"
            ).format(field=field_label(match.field))
            allow_none = match.field not in REQUIRED
            answer = choose(ask, question, named, match.header, allow_none=allow_none)
            if answer is None:
                match = FieldMatch(match.field, None, None, True)
            else:
                column = layout.headers.index(answer)
                match = FieldMatch(match.field, answer, column, True)
        if match.header is None and match.field in REQUIRED:
            raise ConfigError(
                _(
                    "Tab '{tab}' row {row}: no column for the {field}. Headers found: "
                    "{found}. Run 'postme init' without --yes to pick it."
                ).format(
                    tab=layout.tab,
                    row=layout.header_row,
                    field=field_label(match.field),
                    found=", ".join(f"'{h}'" for h in named) or "-",
                )
            )
        if match.column is not None and match.column in used:
            raise ConfigError(
                _("Column '{header}' was picked twice. Run 'postme init' again.").format(
                    header=match.header
                )
            )
        if match.column is not None:
            used.add(match.column)
        matches.append(match)
    return CalendarLayout(layout.tab, layout.header_row, layout.headers, tuple(matches))


def field_label(name: str) -> str:
    labels = {
        "date": _("posting date"),
        "time": _("posting time"),
        "program": _("programme"),
        "format": _("format (photo, reels, …)"),
        "title": _("title or topic"),
        "caption": _("caption"),
        "hashtags": _("hashtags"),
        "creator": _("content maker"),
        "editor": _("caption writer (editor)"),
        "verifier": _("verifier"),
        "status": _("status"),
        "link": _("link to the published post"),
        "notes": _("notes"),
    }
    return labels.get(name, name)


def _rows_below(tab: Tab, header_row: int) -> list[SheetRow]:
    return [row for row in tab.rows if row.number > header_row]


# --- the config text -----------------------------------------------------------------------


def _toml(value: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(value, ensure_ascii=False)


def _relative_sheet(sheet: Mapping[str, Any], base: Path) -> dict[str, Any]:
    """Paths in the config are relative to its folder when they are inside it."""
    result = dict(sheet)
    for key in ("path", "key_file"):
        if isinstance(result.get(key), str):
            path = Path(result[key])
            try:
                result[key] = path.relative_to(base).as_posix()
            except ValueError:
                result[key] = str(path)
    return result


def _sheet_block(sheet: Mapping[str, Any]) -> str:
    if sheet["backend"] == "xlsx":
        return "\n".join(
            [
                '# "xlsx" = a local Excel workbook; "gsheets" = a Google Sheet.',
                'backend = "xlsx"',
                "# The workbook. Relative to this file.",
                f"path = {_toml(sheet['path'])}",
                '# For a Google Sheet instead: backend = "gsheets" and',
                '# spreadsheet = "https://docs.google.com/spreadsheets/d/1AbC.../edit"',
            ]
        )
    lines = [
        '# "xlsx" = a local Excel workbook; "gsheets" = a Google Sheet.',
        'backend = "gsheets"',
        "# The spreadsheet's URL or key.",
        f"spreadsheet = {_toml(sheet['spreadsheet'])}",
        '# "service_account" (a JSON key; share the sheet with its e-mail as Editor) or',
        '# "oauth" (your own Google login, a browser opens the first time).',
        'credentials = "service_account"',
        "# The service-account key file (default: ~/.config/gspread/service_account.json).",
    ]
    if sheet.get("key_file"):
        lines.append(f"key_file = {_toml(sheet['key_file'])}")
    else:
        lines.append('# key_file = "~/.config/gspread/service_account.json"')
    lines += [
        '# For credentials = "oauth": the OAuth client file (default: gspread\'s '
        "credentials.json).",
        '# oauth_client_file = "~/.config/gspread/credentials.json"',
    ]
    return "\n".join(lines)


def _columns_block(layout: CalendarLayout) -> str:
    lines = []
    for match in layout.matches:
        if match.header:
            lines.append(f"{match.field} = {_toml(match.header)}")
        else:
            lines.append(f'{match.field} = ""  # not in your calendar')
    return "\n".join(lines)


def _toml_list(values: Sequence[str]) -> str:
    return "[" + ", ".join(_toml(v) for v in values) + "]"


# The programmes and slots of the template (the demo Puskesmas's): kept when the
# calendar uses the programme, or when it has no programme typed yet.
TEMPLATE_PROGRAMS: tuple[tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]], ...] = (
    ("SIKAKUNG", ("dokumentasi kegiatan",), ("photo", "carousel", "video", "reels"), ()),
    ("Obral Ketan", ("obrolan seputar kesehatan",), ("live",), ()),
    ("Nice to Know", ("ntk", "tips kesehatan"), ("photo", "carousel", "reels"), ()),
    ("Konde Emas", ("konten edukasi germas",), (), ("#Germas",)),
    ("Info Grafis", ("infografis",), ("photo", "carousel"), ()),
    ("Ucapan Hari Besar", ("ucapan", "ucapan hari kesehatan"), ("photo",), ()),
)
TEMPLATE_SLOTS = (
    ("Nice to Know", ("senin", "kamis"), "19:00"),
    ("Konde Emas", ("rabu",), "19:00"),
    ("Obral Ketan", ("jumat",), "15:00"),
    ("SIKAKUNG", ("selasa", "sabtu"), "10:00"),
    ("Info Grafis", ("minggu",), "08:00"),
)


def template_programs(kept: Sequence[str] | None) -> list[dict[str, Any]]:
    """The template's programmes, only those named in ``kept`` (None: all)."""
    return [
        {"name": name, "aliases": aliases, "formats": formats, "hashtags": hashtags}
        for name, aliases, formats, hashtags in TEMPLATE_PROGRAMS
        if kept is None or name in kept
    ]


def _programs_block(programs: Sequence[Mapping[str, Any]]) -> str:
    blocks = []
    for program in programs:
        lines = ["[[programs]]", f"name = {_toml(program['name'])}"]
        for key in ("aliases", "formats", "hashtags"):
            if program.get(key):
                lines.append(f"{key} = {_toml_list(program[key])}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _slots_block(programs: Sequence[str]) -> str:
    blocks = [
        f"[[slots]]\nprogram = {_toml(name)}\ndays = {_toml_list(days)}\ntime = {_toml(time)}"
        for name, days, time in TEMPLATE_SLOTS
        if name in programs
    ]
    if not blocks:
        return (
            '# [[slots]]\n# program = "Nice to Know"\n# days = ["senin", "kamis"]\n# time = "19:00"'
        )
    return "\n\n".join(blocks)


def _words_block(defaults: Mapping[Any, Sequence[str]], added: Mapping[str, str]) -> str:
    """``stage = [words]``: the defaults, then the team's own words placed by init."""
    lines = []
    for canonical, words in defaults.items():
        known = {normalize_label(w) for w in words}
        extra = [w for w, c in added.items() if c == canonical and normalize_label(w) not in known]
        lines.append(f"{canonical} = {_toml_list([*words, *extra])}")
    return "\n".join(lines)


def _unknown_block(statuses: Sequence[str], formats: Sequence[str]) -> str:
    if not statuses and not formats:
        return ""
    return (
        "\n# Words in your calendar postme could not place (`postme check` shows them as ✗):\n"
        "# add each to a list above, then remove it here.\n"
        f"[unknown_words]\nstatuses = {_toml_list(statuses)}\nformats = {_toml_list(formats)}\n"
    )


def _tabs_block(calendar: str | Sequence[str], names: Mapping[str, str]) -> str:
    value = _toml(calendar) if isinstance(calendar, str) else _toml_list(calendar)
    lines = [f"calendar = {value}"]
    notes = {
        "account_metrics": "followers per date (you may type rows; collect adds)",
        "post_metrics": "one row per post (collect upserts by shortcode)",
        "weekly": "written by postme: one row per ISO week",
        "by_program": "written by postme: one row per week and programme",
        "findings": "written by postme: findings of the latest run",
    }
    for key, note in notes.items():
        lines.append(f"{key} = {_toml(names[key])}  # {note}")
    return "\n".join(lines)


def _figures_block(section: str, found: FiguresTab | None, columns: Mapping[str, str]) -> str:
    lines = []
    if found is not None and found.header_row is not None:
        lines.append(f"header_row = {found.header_row}")
    lines.append("")
    lines.append(f"[{section}.columns]")
    for name, header in columns.items():
        mine = found.columns.get(name) if found is not None else None
        lines.append(f"{name} = {_toml(mine or header)}")
    return "\n".join(lines).lstrip("\n")


def _instagram_block(username: str | None) -> str:
    if username:
        return (
            f"username = {_toml(username)}\n"
            "# The session saved by `postme login USER` (default: instaloader's own "
            "session file).\n"
            f'# session_file = "~/.config/instaloader/session-{username}"'
        )
    return (
        '# username = "puskesmasbakung"\n'
        "# The session saved by `postme login USER` (default: instaloader's own session "
        "file).\n"
        '# session_file = "~/.config/instaloader/session-puskesmasbakung"'
    )


@dataclass(frozen=True)
class FiguresTab:
    """A tab of follower or post figures found in the planner, with its columns."""

    kind: str  # "account_metrics" or "post_metrics"
    title: str
    header_row: int | None
    columns: Mapping[str, str]  # logical field → the team's header


@dataclass(frozen=True)
class PlannerWords:
    """The status, format and programme words of the calendar, as init placed them."""

    statuses: Mapping[str, str] = field(default_factory=dict)  # typed word → stage
    formats: Mapping[str, str] = field(default_factory=dict)  # typed word → format
    unknown_statuses: tuple[str, ...] = ()
    unknown_formats: tuple[str, ...] = ()
    new_programs: tuple[str, ...] = ()
    kept_programs: tuple[str, ...] | None = None  # template programmes kept (None: all)


def config_text(
    *,
    language: str,
    sheet: Mapping[str, Any],
    layout: CalendarLayout,
    instagram: str | None,
    added_programs: Sequence[str] = (),
    calendar: str | Sequence[str] | None = None,
    header_row: int | None = -1,
    words: PlannerWords | None = None,
    figures: Sequence[FiguresTab] = (),
) -> str:
    """The whole postme.toml: every section of config.example.toml, commented, with the
    chosen values filled in (``header_row`` None: found in each tab)."""
    from postme.config import (
        DEFAULT_FORMATS,
        DEFAULT_STATUSES,
        ENGLISH_COLUMNS,
        ENGLISH_TAB_NAMES,
        AccountColumns,
        PostColumns,
        TabNames,
    )

    words = words or PlannerWords(new_programs=tuple(added_programs))
    names = TabNames().model_dump() | (ENGLISH_TAB_NAMES if language == "en" else {})
    found = {f.kind: f for f in figures}
    for kind, tab in found.items():
        names[kind] = tab.title
    account_columns = AccountColumns().model_dump()
    post_columns = PostColumns().model_dump()
    if language == "en":
        account_columns |= ENGLISH_COLUMNS["account_metrics"]
        post_columns |= ENGLISH_COLUMNS["post_metrics"]
    programs = template_programs(words.kept_programs)
    programs += [{"name": name} for name in words.new_programs]
    row = layout.header_row if header_row == -1 else header_row
    return CONFIG_TEMPLATE.substitute(
        language=_toml(language),
        sheet_block=_sheet_block(sheet),
        tabs_block=_tabs_block(layout.tab if calendar is None else calendar, names),
        header_row_line=f"header_row = {row}" if row else "# header_row = 3",
        columns_block=_columns_block(layout),
        account_block=_figures_block(
            "account_metrics", found.get("account_metrics"), account_columns
        ),
        post_block=_figures_block("post_metrics", found.get("post_metrics"), post_columns),
        programs_block=_programs_block(programs),
        statuses_block=_words_block(DEFAULT_STATUSES, words.statuses),
        formats_block=_words_block(DEFAULT_FORMATS, words.formats),
        unknown_block=_unknown_block(words.unknown_statuses, words.unknown_formats),
        slots_block=_slots_block([p["name"] for p in programs]),
        instagram_block=_instagram_block(instagram),
        cerdik_line=_cerdik_line([p["name"] for p in programs]),
        rule_list=_rule_list(),
    )


def _cerdik_line(programs: Sequence[str]) -> str:
    """Konde Emas when the team has it; otherwise left for the team to name."""
    if any(name.casefold() == "konde emas" for name in programs):
        return 'cerdik_programs = ["Konde Emas"]'
    return '# cerdik_programs = ["<your CERDIK programme>"]'


def _rule_list() -> str:
    """Every rule id from the registry, as comment lines of at most 90 characters."""
    import textwrap

    from postme.rules import RULE_IDS

    return "\n".join(
        "# " + line
        for line in textwrap.wrap(", ".join(RULE_IDS) + ".", width=88, break_on_hyphens=False)
    )


def validate_config_text(text: str, output: Path, env: Mapping[str, str]) -> Settings:
    """Load ``text`` with the real loader (beside ``output``, so relative paths resolve
    the same way); a config that would not load is never written."""
    folder = output.resolve().parent
    folder.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=".postme-init-", suffix=".toml", dir=folder)
    os.close(handle)
    temporary = Path(name)
    try:
        temporary.write_text(text, encoding="utf-8")
        try:
            return load_config(temporary, env)
        except ConfigError as error:
            raise ConfigError(
                _(
                    "The config postme made does not load ({error}). Nothing was written; "
                    "please report this."
                ).format(error=error)
            ) from None
    finally:
        temporary.unlink(missing_ok=True)


# --- tabs and drop-downs -------------------------------------------------------------------


def tool_tab_headers(settings: Settings) -> dict[str, tuple[str, ...]]:
    """Tab title → header row, for every tab postme writes to."""
    from postme.jobs import FINDINGS_HEADERS
    from postme.metrics import POST_FIELDS
    from postme.tabs.by_program import program_headers
    from postme.tabs.weekly import week_headers

    language = settings.language
    account = settings.account_metrics.columns
    post = settings.post_metrics.columns
    return {
        settings.tabs.account_metrics: (
            account.date,
            account.followers,
            account.following,
            account.posts,
        ),
        settings.tabs.post_metrics: tuple(getattr(post, name) for name in POST_FIELDS),
        settings.tabs.weekly: tuple(week_headers(language)),
        settings.tabs.by_program: tuple(program_headers(language)),
        settings.tabs.findings: tuple(FINDINGS_HEADERS[language]),
    }


def create_tool_tabs(store: Store, settings: Settings, titles: Sequence[str]) -> tuple[str, ...]:
    """Add each missing tool-owned tab with its header row; existing tabs are left alone."""
    existing = {t.casefold() for t in titles}
    plan = WritePlan()
    for title, headers in tool_tab_headers(settings).items():
        if title.casefold() not in existing:
            plan.new_tabs.append(NewTab(title, headers))
            existing.add(title.casefold())
    if plan.new_tabs:
        store.write(plan)
    return tuple(t.title for t in plan.new_tabs)


def dropdown_values(name: str, typed: Sequence[Cell], settings: Settings) -> tuple[str, ...]:
    """The drop-down list for status, program or format: one entry per stage, programme or
    format, spelled the way the calendar spells it most often (else a default word)."""
    from postme.calendar import Vocabulary

    vocabulary = Vocabulary(settings)
    language = settings.language
    table: Mapping[str, str]
    if name == "status":
        table = vocabulary.stages
        order: list[str] = list(settings.statuses)
        defaults = STATUS_WORDS[language]
    elif name == "program":
        table = vocabulary.programs
        order = [p.name for p in settings.programs]
        defaults = {p.name: p.name for p in settings.programs}
    elif name == "format":
        table = vocabulary.formats
        order = list(settings.formats)
        defaults = FORMAT_WORDS[language]
    else:
        raise ValueError(name)
    spellings: dict[str, Counter[str]] = {}
    for value in typed:
        key = normalize_label(value)
        if key in table:
            spellings.setdefault(table[key], Counter())[str(value).strip()] += 1
    values = []
    for canonical in order:
        if canonical in spellings:
            values.append(spellings[canonical].most_common(1)[0][0])
            continue
        word = defaults.get(canonical, canonical)
        values.append(word if table.get(normalize_label(word)) == canonical else canonical)
    return tuple(dict.fromkeys(v.replace(",", " ") for v in values))


def add_dropdowns(
    store: Store,
    layout: CalendarLayout,
    rows: Sequence[SheetRow],
    settings: Settings,
    tabs: Sequence[str] = (),
) -> tuple[tuple[Dropdown, ...], tuple[str, ...]]:
    """Data validation on the status, programme and format columns below the header, in
    the team's own words, on every calendar tab. A column that already has a validation
    on a tab is left as it is there (Excel refuses overlapping validations): (the
    drop-downs added, the headers skipped)."""
    add = getattr(store, "add_data_validation", None)
    if add is None:
        raise ConfigError(_("This kind of spreadsheet cannot have drop-downs added."))
    added: list[Dropdown] = []
    skipped: list[str] = []
    for tab in tabs or (layout.tab,):
        taken = validated_columns(store, tab)
        for name in DROPDOWN_FIELDS:
            column = layout.column(name)
            header = layout.header(name)
            if column is None or header is None:
                continue
            if column in taken:
                skipped.append(f"{tab}: {header}" if len(tabs) > 1 else header)
                continue
            values = dropdown_values(name, [row.get(column) for row in rows], settings)
            add(tab, column, layout.header_row + 1, values)
            if all(d.field != name for d in added):
                added.append(Dropdown(name, header, column, values))
    return tuple(added), tuple(skipped)


def validated_columns(store: Store, tab: str) -> set[int]:
    """0-based columns of ``tab`` that already have a data validation somewhere. Only an
    .xlsx workbook can be asked; in a Google Sheet a new rule replaces the old one on the
    same cells, so nothing overlaps there."""
    path = getattr(store, "path", None)
    if not isinstance(path, Path) or path.suffix.casefold() != ".xlsx":
        return set()
    from openpyxl import load_workbook

    workbook = load_workbook(path)
    try:
        if tab not in workbook.sheetnames:
            return set()
        columns: set[int] = set()
        for validation in workbook[tab].data_validations.dataValidation:
            for cells in validation.sqref.ranges:
                columns.update(range(cells.min_col - 1, cells.max_col))
        return columns
    finally:
        workbook.close()


# The config written by init: config.example.toml with the answers filled in ($names).
CONFIG_TEMPLATE = Template(
    """\
# postme — konfigurasi / config, written by `postme init`.
#
# Every key is explained in config.example.toml. Check it with `postme check`.

# Bahasa pesan: "id" (Bahasa Indonesia) atau "en" (English). Also the language of the
# headers of the tabs postme creates.
language = ${language}
# Zona waktu tim: Asia/Jakarta (WIB), Asia/Makassar (WITA), Asia/Jayapura (WIT).
timezone = "Asia/Jakarta"
# Short name of this account in a city roll-up (default: the Instagram username).
# account = "pkm-bakung"

[sheet]
${sheet_block}
# Seconds before a request to Google is given up (then retried, see max_tries).
timeout_seconds = 30
# How many times one request is tried when Google answers 429/5xx or the network fails.
max_tries = 4
# Google only: seconds a run waits when another postme run holds the spreadsheet's
# lock (0: stop at once and say who holds it).
lock_wait_seconds = 0

[tabs]
# Names of the tabs, exactly as in your spreadsheet. calendar may be one tab, a list, or a
# pattern ("IG *": every tab whose title fits, so next month's tab is read by itself).
${tabs_block}

[calendar]
# Row number of the header row (found by postme init). Remove the line to let postme
# find it (the first row, among the first 20, with the date and programme headers).
${header_row_line}

[calendar.columns]
# Logical field = the header text in YOUR calendar; "" for a column you do not have.
# date and program are required.
${columns_block}

[account_metrics]
${account_block}

[post_metrics]
${post_block}

# --- Programmes (program konten) ---------------------------------------------------------
# name: as written in the calendar; aliases: other spellings people use;
# formats: allowed formats (empty = any); hashtags: required in this programme's posts.
${programs_block}

# --- Status words → stages ---------------------------------------------------------------
# Case, spaces, punctuation and emoji are ignored ("Terupload ✅" = "terupload").
[statuses]
${statuses_block}

# --- Format words → formats ---------------------------------------------------------------
[formats]
${formats_block}
${unknown_block}
# --- Content policy (kebijakan konten) ---------------------------------------------------
[policy]
caption_max_chars = 2200          # Instagram's limit
max_hashtags = 5                  # Instagram's cap (December 2025): more is an error
# Tags Instagram says do not help a post be found (generic-hashtag, a warning).
generic_hashtags = ["#reels", "#explore", "#viral", "#fyp", "#foryou", "#foryoupage"]
mentions_max = 20
# Hashtags every caption must carry, e.g. ["#PuskesmasBakung"].
required_hashtags = []
# Misleading medical claims: never in a caption or title (whole words, any case).
banned_phrases = ["pasti sembuh", "obat ajaib", "100% ampuh", "dijamin sembuh"]
# Planned times outside this window get an outside-hours finding.
posting_window = ["06:00", "21:00"]
# The programme(s) whose posts must name a CERDIK element (cerdik-missing), by name or
# alias as in [[programs]]. Unset: "Konde Emas"; check warns when it is not a programme.
${cerdik_line}
# Words that show a CERDIK programme's post names a CERDIK element.
cerdik_words = [
    "cek kesehatan", "enyahkan asap rokok", "rokok", "aktivitas fisik", "aktifitas fisik",
    "olahraga", "diet seimbang", "gizi seimbang", "istirahat cukup", "tidur cukup",
    "kelola stres", "kelola stress", "cerdik",
]

[policy.required_fields]
# Fields that must be filled once a row reaches a stage.
planned = []
in_production = ["creator"]
ready_for_review = ["caption", "creator", "editor"]
approved = ["caption", "verifier"]
published = ["caption", "verifier", "link"]

[policy.severity]
# Change a rule's severity: "error", "warning" or "off" (docs/rules.md). Rules:
${rule_list}
# outside-hours = "off"

# --- Posting plan (jadwal unggah) ---------------------------------------------------------
[schedule]
min_posts_per_day = 1             # fewer planned rows on a day → empty-day
grace_minutes = 120               # a post is missed this long after its planned time
lookahead_days = 14               # how far ahead to look for health days and holidays
greeting_program = "Ucapan Hari Besar"
include_cuti_bersama = false      # also remind about cuti bersama days

# One [[slots]] per programme: days in Indonesian or English, time HH:MM.
# Change them to your team's plan.
${slots_block}

# --- Health days (hari kesehatan) ----------------------------------------------------------
# The shipped list follows the Ministry of Health calendar; add or change days here.
[health_days]
replace = false                   # true: use only the days below
# days = [
#   { name = "Hari Jadi Puskesmas", month = 3, day = 14 },
#   { name = "Hari Gizi Nasional", enabled = false },
# ]

# --- Instagram -------------------------------------------------------------------------------
[instagram]
${instagram_block}
request_budget = 60               # at most this many requests to Instagram per run
max_wait_seconds = 120            # give up instead of waiting longer when rate-limited
window_weeks = 2                  # collect posts of the last complete week and this one
"""
)
