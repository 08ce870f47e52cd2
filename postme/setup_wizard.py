"""``postme init``: write a config for an existing planner, create the tool-owned tabs and,
when asked, add drop-downs to the calendar's status, programme and format columns.

Everything the command needs comes from :class:`InitOptions` (the flags); whatever is
missing is asked through an ``ask`` callable (the CLI passes one built on
``typer.prompt``; ``None`` means "no questions": defaults, or an error saying which flag
to give). The calendar tab and its header row are found in the spreadsheet and the
columns are matched to the logical fields by their Indonesian or English names; only a
doubtful match is asked about.

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
from dataclasses import dataclass
from pathlib import Path
from string import Template
from typing import Any, Protocol

from postme.config import CalendarColumns, Settings, load_config, settings_from_dict
from postme.errors import ConfigError
from postme.i18n import _, set_language
from postme.parsing import normalize_label
from postme.stores.base import Cell, NewTab, SheetRow, Store, Tab, TabRequest, WritePlan

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
    ),
    "status": ("status", "status konten", "status posting", "progres", "progress"),
    "link": ("link", "tautan", "url", "link postingan", "link post", "link instagram", "permalink"),
    "notes": ("catatan", "keterangan lain", "catatan tambahan", "notes", "note", "remarks"),
}
FIELDS: tuple[str, ...] = tuple(CalendarColumns.model_fields)
REQUIRED = ("date", "program")
DROPDOWN_FIELDS = ("status", "program", "format")

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
FORMAT_WORDS: Mapping[str, Mapping[str, str]] = {
    "id": {
        "photo": "Foto",
        "carousel": "Carousel",
        "video": "Video",
        "reels": "Reels",
        "live": "Live",
        "story": "Story",
    },
    "en": {
        "photo": "Photo",
        "carousel": "Carousel",
        "video": "Video",
        "reels": "Reels",
        "live": "Live",
        "story": "Story",
    },
}


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
    unknown_programs: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "config": str(self.config_path),
            "calendar_tab": self.layout.tab,
            "header_row": self.layout.header_row,
            "columns": {m.field: m.header for m in self.layout.matches},
            "created_tabs": list(self.created_tabs),
            "dropdowns": [
                {"field": d.field, "header": d.header, "values": list(d.values)}
                for d in self.dropdowns
            ],
            "unknown_programs": list(self.unknown_programs),
        }

    def summary(self) -> list[str]:
        """Lines for the person, in the current language."""
        lines = [
            _("Config written to {path}.").format(path=self.config_path),
            _("Calendar: tab '{tab}', header in row {row}.").format(
                tab=self.layout.tab, row=self.layout.header_row
            ),
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
        if self.unknown_programs:
            lines.append(
                _(
                    "Programmes in the calendar that the config does not know: {names}. "
                    "Add them under [[programs]] in {path} if they are real programmes."
                ).format(names=", ".join(self.unknown_programs), path=self.config_path)
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
    """Ask what is missing, read the calendar, write the config, create the tabs and (when
    asked) the drop-downs. ``store`` replaces the one the answers point at (tests)."""
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
    tab_title = choose_calendar_tab(titles, draft.tabs.calendar, options.tab, ask)
    tab = store.read([TabRequest(title=tab_title, header_row=1)])[tab_title]
    assert tab is not None  # required=True: a missing tab raised
    layout = confirm_layout(detect_layout(tab), ask)

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

    rows = _rows_below(tab, layout.header_row)
    text = config_text(
        language=language,
        sheet=_relative_sheet(sheet, base),
        layout=layout,
        instagram=instagram,
        unknown_programs=(),
    )
    settings = validate_config_text(text, output, env)
    unknown = unknown_programs(rows, layout, settings)
    if unknown:
        text = config_text(
            language=language,
            sheet=_relative_sheet(sheet, base),
            layout=layout,
            instagram=instagram,
            unknown_programs=unknown,
        )
        settings = validate_config_text(text, output, env)

    created = create_tool_tabs(store, settings, titles)
    dropdowns: tuple[Dropdown, ...] = ()
    if dropdowns_wanted:
        dropdowns = add_dropdowns(store, layout, rows, settings)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    return InitResult(
        config_path=output,
        settings=load_config(output, env),
        layout=layout,
        created_tabs=created,
        dropdowns=dropdowns,
        unknown_programs=unknown,
    )


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
    backend = options.backend
    if backend is not None and backend not in ("xlsx", "gsheets"):
        raise ConfigError(_("--store {value}: use xlsx or gsheets.").format(value=backend))
    if backend is None:
        if options.path is not None:
            backend = "xlsx"
        elif options.spreadsheet is not None:
            backend = "gsheets"
        elif ask is not None:
            picked = choose(
                ask,
                _(
                    "Where is the planner? xlsx = an Excel file on this computer, "
                    "gsheets = a Google Sheet"
                ),
                ("xlsx", "gsheets"),
                "xlsx",
            )
            backend = "gsheets" if picked == "gsheets" else "xlsx"
        else:
            raise ConfigError(_("Say where the planner is: --path FILE.xlsx or --spreadsheet URL."))
    if backend == "xlsx":
        path = options.path
        if path is None:
            if ask is None:
                raise ConfigError(_("--store xlsx needs --path FILE.xlsx."))
            answer = ask(_("Path of the Excel workbook (.xlsx)"), (), None).strip().strip('"')
            if not answer:
                raise ConfigError(_("No workbook given. Run 'postme init' again."))
            path = Path(answer)
        path = path.expanduser().resolve()
        if not path.is_file():
            raise ConfigError(
                _("Workbook {path} does not exist. Check the path and run again.").format(path=path)
            )
        return {"backend": "xlsx", "path": str(path)}
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
        key_file = Path(answer.strip('"')) if answer else None
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
    text = normalize_label(header)
    if not text:
        return 0
    aliases = FIELD_ALIASES[name]
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


def propose_columns(headers: Sequence[str]) -> tuple[FieldMatch, ...]:
    """The best column for each field: strongest matches first, each column used once."""
    scored = sorted(
        (
            (-score, column, FIELDS.index(name), name)
            for column, header in enumerate(headers)
            for name in FIELDS
            if (score := match_score(header, name))
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
    for name in FIELDS:
        if name in taken_fields:
            column, score = taken_fields[name]
            matches.append(FieldMatch(name, headers[column], column, score == SURE))
        else:
            matches.append(FieldMatch(name, None, None, True))
    return tuple(matches)


def _layout_score(matches: Sequence[FieldMatch]) -> tuple[int, int]:
    """Rows with both required columns first, then the most (and surest) matches."""
    found = {m.field for m in matches if m.header}
    return (
        len(set(REQUIRED) & found),
        sum(2 if m.sure else 1 for m in matches if m.header),
    )


def detect_layout(tab: Tab) -> CalendarLayout:
    """Find the header row among the first rows of ``tab`` (read with header_row=1, so
    title rows above the header are among its rows) and propose the columns. A required
    column that is not found is left for :func:`confirm_layout` to ask about."""
    candidates: list[tuple[int, tuple[str, ...]]] = []
    if tab.headers:
        candidates.append((tab.header_row, tab.headers))
    for row in tab.rows:
        if row.number > HEADER_SEARCH_ROWS:
            break
        candidates.append((row.number, _header_texts(row)))
    best: tuple[tuple[int, int], int, tuple[str, ...], tuple[FieldMatch, ...]] | None = None
    for number, headers in candidates:
        matches = propose_columns(headers)
        score = _layout_score(matches)
        if score[1] and (best is None or score > best[0]):
            best = (score, number, headers, matches)
    if best is None:
        first = candidates[0][1] if candidates else ()
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
    for match in layout.matches:
        needs_question = (match.header is not None and not match.sure) or (
            match.header is None and match.field in REQUIRED
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


def _programs_note(unknown: Sequence[str]) -> str:
    if not unknown:
        return ""
    names = ", ".join(_toml(n) for n in unknown)
    return (
        "\n# Found in the calendar but not listed above: "
        f"{names}.\n# Add each real programme as a [[programs]] entry (or as an alias of one)."
    )


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


def config_text(
    *,
    language: str,
    sheet: Mapping[str, Any],
    layout: CalendarLayout,
    instagram: str | None,
    unknown_programs: Sequence[str] = (),
) -> str:
    """The whole postme.toml: every section of config.example.toml, commented, with the
    chosen values filled in."""
    return CONFIG_TEMPLATE.substitute(
        language=_toml(language),
        sheet_block=_sheet_block(sheet),
        calendar_tab=_toml(layout.tab),
        header_row=layout.header_row,
        columns_block=_columns_block(layout),
        programs_note=_programs_note(unknown_programs),
        instagram_block=_instagram_block(instagram),
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


def unknown_programs(
    rows: Sequence[SheetRow], layout: CalendarLayout, settings: Settings
) -> tuple[str, ...]:
    """Programme names typed in the calendar that the config does not know."""
    from postme.calendar import Vocabulary

    column = layout.column("program")
    if column is None:
        return ()
    known = Vocabulary(settings).programs
    seen: dict[str, str] = {}
    for row in rows:
        value = row.get(column)
        key = normalize_label(value)
        if key and key not in known and key not in seen:
            seen[key] = str(value).strip()
    return tuple(seen.values())


# --- tabs and drop-downs -------------------------------------------------------------------


def tool_tab_headers(settings: Settings) -> dict[str, tuple[str, ...]]:
    """Tab title → header row, for every tab postme writes to."""
    from postme.analysis import program_headers, week_headers
    from postme.jobs import FINDINGS_HEADERS
    from postme.metrics import POST_FIELDS

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
    store: Store, layout: CalendarLayout, rows: Sequence[SheetRow], settings: Settings
) -> tuple[Dropdown, ...]:
    """Data validation on the status, programme and format columns, below the header."""
    add = getattr(store, "add_data_validation", None)
    if add is None:
        raise ConfigError(_("This kind of spreadsheet cannot have drop-downs added."))
    added = []
    for name in DROPDOWN_FIELDS:
        column = layout.column(name)
        header = layout.header(name)
        if column is None or header is None:
            continue
        values = dropdown_values(name, [row.get(column) for row in rows], settings)
        add(layout.tab, column, layout.header_row + 1, values)
        added.append(Dropdown(name, header, column, values))
    return tuple(added)


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

[tabs]
# Names of the tabs, exactly as in your spreadsheet.
calendar = ${calendar_tab}
account_metrics = "Metrik Akun"       # followers per date (you may type rows; collect adds)
post_metrics = "Metrik Postingan"     # one row per post (collect upserts by shortcode)
weekly = "Analisis Mingguan"          # written by postme: one row per ISO week
by_program = "Analisis Program"       # written by postme: one row per week and programme
findings = "Temuan"                   # written by postme: findings of the latest run

[calendar]
# Row number of the header row (found by postme init). Remove the line to let postme
# find it (the first row, among the first 20, with the date and programme headers).
header_row = ${header_row}

[calendar.columns]
# Logical field = the header text in YOUR calendar; "" for a column you do not have.
# date and program are required.
${columns_block}

[account_metrics.columns]
date = "Tanggal"
followers = "Pengikut"
following = "Mengikuti"
posts = "Jumlah Postingan"

[post_metrics.columns]
shortcode = "Shortcode"
link = "Link"
posted_at = "Waktu Posting"
type = "Jenis"
likes = "Suka"
comments = "Komentar"
views = "Tayangan"
reach = "Jangkauan"
saves = "Disimpan"
shares = "Dibagikan"
caption = "Caption"
collected_at = "Diambil Pada"

# --- Programmes (program konten) ---------------------------------------------------------
# name: as written in the calendar; aliases: other spellings people use;
# formats: allowed formats (empty = any); hashtags: required in this programme's posts.
[[programs]]
name = "SIKAKUNG"
aliases = ["dokumentasi kegiatan"]
formats = ["photo", "carousel", "video", "reels"]

[[programs]]
name = "Obral Ketan"
aliases = ["obrolan seputar kesehatan"]
formats = ["live"]

[[programs]]
name = "Nice to Know"
aliases = ["ntk", "tips kesehatan"]
formats = ["photo", "carousel", "reels"]

[[programs]]
name = "Konde Emas"
aliases = ["konten edukasi germas"]
hashtags = ["#Germas"]

[[programs]]
name = "Info Grafis"
aliases = ["infografis"]
formats = ["photo", "carousel"]

[[programs]]
name = "Ucapan Hari Besar"
aliases = ["ucapan", "ucapan hari kesehatan"]
formats = ["photo"]
${programs_note}

# --- Status words → stages ---------------------------------------------------------------
# Case, spaces, punctuation and emoji are ignored ("Terupload ✅" = "terupload").
[statuses]
planned = ["rencana", "direncanakan", "planned", "draft", "ide", "belum"]
in_production = ["proses", "produksi", "sedang dibuat", "in production", "dikerjakan"]
ready_for_review = ["siap review", "review", "menunggu verifikasi", "ready for review"]
approved = ["disetujui", "acc", "approved", "terverifikasi", "siap upload"]
published = ["terupload", "sudah upload", "diunggah", "tayang", "posted", "published"]
cancelled = ["batal", "dibatalkan", "cancelled", "canceled"]

# --- Format words → formats ---------------------------------------------------------------
[formats]
photo = ["foto", "feed", "gambar", "single", "image", "poster"]
carousel = ["carousel", "karosel", "slide", "album"]
video = ["video"]
reels = ["reels", "reel"]
live = ["live", "siaran langsung", "ig live", "live streaming"]
story = ["story", "stories", "instastory"]

# --- Content policy (kebijakan konten) ---------------------------------------------------
[policy]
caption_max_chars = 2200          # Instagram's limit
hashtags_warn_above = 5           # Instagram's announced limit (December 2025)
hashtags_error_above = 30         # Instagram's API ceiling
mentions_max = 20
# Hashtags every caption must carry, e.g. ["#PuskesmasBakung"].
required_hashtags = []
# Misleading medical claims: never in a caption or title (whole words, any case).
banned_phrases = ["pasti sembuh", "obat ajaib", "100% ampuh", "dijamin sembuh"]
# Planned times outside this window get an outside-hours finding.
posting_window = ["06:00", "21:00"]
# Words that show a Konde Emas post names a CERDIK element.
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
# Change a rule's severity: "error", "warning" or "off". Rules: bad-date, bad-time,
# unknown-program, unknown-status, unknown-format, missing-field, caption-too-long,
# too-many-hashtags, too-many-mentions, missing-hashtag, banned-phrase, self-verified,
# unverified-published, format-mismatch, outside-hours, duplicate-caption,
# cerdik-missing, bad-link.
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
[[slots]]
program = "Nice to Know"
days = ["senin", "kamis"]
time = "19:00"

[[slots]]
program = "Konde Emas"
days = ["rabu"]
time = "19:00"

[[slots]]
program = "Obral Ketan"
days = ["jumat"]
time = "15:00"

[[slots]]
program = "SIKAKUNG"
days = ["selasa", "sabtu"]
time = "10:00"

[[slots]]
program = "Info Grafis"
days = ["minggu"]
time = "08:00"

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
