"""The content policy (README "Definitions", ``docs/rules.md``): check calendar rows and
return findings.

The rules, their default severities and why they exist are in ``postme.rules`` (one
registry; ``docs/rules.md`` is generated from it). ``[policy] severity = { "rule-id" =
"error" | "warning" | "off" }`` changes a severity. ``bad-date`` and ``bad-time`` are
always reported: ``"off"`` makes them warnings, not silent.

Decisions the README leaves open:

- Scope: rows dated from the Monday of the ISO week before ``as_of`` to ``as_of`` + 14
  days; rows without a readable date are always in scope. ``bad-date``/``bad-time``
  are reported for every row whatever the scope.
- Cancelled rows are checked only for unreadable values (bad-date, bad-time, unknown-…):
  a cancelled post never goes out, and its caption is often reused by the replacement.
- ``missing-field``: the date and the programme are needed on every row; the other
  fields are the stage's own list in ``[policy.required_fields]`` (the defaults are
  already cumulative). A field whose column is not in the sheet is not reported per row
  (``postme check`` reports the column). A published row without a verifier gets only
  ``unverified-published``, not also ``missing-field``.
- ``caption-too-long`` counts the characters Instagram gets: the caption, plus a space
  and the hashtags column when that is filled (hashtags are posted with the caption).
- ``too-many-hashtags``/``too-many-mentions`` count distinct tags/names (ignoring case)
  in the caption and the hashtags column; hashtags above ``max_hashtags`` (5, Instagram's
  cap since December 2025). ``generic-hashtag``: a tag of ``generic_hashtags``
  (``#reels``, ``#explore``, ``#viral``, ``#fyp`` …), ignoring case.
- ``missing-hashtag``, ``cerdik-missing``: checked once the row has text (a caption or
  hashtags; for CERDIK a title or caption). An empty caption is ``missing-field``'s job.
  ``cerdik-missing`` checks the programmes of ``[policy] cerdik_programs`` (default
  Konde Emas). A configured name that is not a programme is a config error; when the
  default name is not among the programmes (the team renamed it), ``postme check``
  warns that the rule checks nothing.
- Stories and lives (format ``story`` / ``live``) have no post address: their link is
  not required by ``missing-field`` and any Instagram address (a story, the live, a
  replay's post) passes ``bad-link``.
- ``banned-phrase`` matches whole words (as ``parsing.contains_phrase``), but a CERDIK
  word may sit inside a longer word, because Indonesian adds affixes: "merokok",
  "berolahraga" name a CERDIK habit. Both ignore case and accents (``fold_text``).
- ``self-verified``: every name in the verifier cell is also in the creator cell (names
  split on , / & ; + "dan" "and", compared ignoring case, accents and punctuation).
- ``duplicate-caption``: captions compared case-, accent- and space-insensitively; blank
  captions and captions shorter than 20 characters are ignored. The later row (in sheet
  order) is reported, naming the first row; the first may be outside the scope.
- ``bad-link``: only on published rows (drafts often link to Canva or Drive). Accepted:
  a post link as ``postme.links`` reads it (``/p/``, ``/reel/``, ``/reels/``, ``/tv/``
  on instagram.com or instagr.am, the same grammar the slot checks match posts by).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from postme.calendar import Calendar, CalendarEntry
from postme.config import Program, Settings
from postme.i18n import _
from postme.links import parse_link
from postme.parsing import extract_hashtags, extract_mentions, normalize_label
from postme.rules import ALWAYS_REPORTED, DEFAULT_SEVERITY, RULE_IDS
from postme.stores.base import Cell

ERROR = "error"
WARNING = "warning"

DUPLICATE_MIN_CHARS = 20
VALUE_MAX_CHARS = 500  # Finding.value
SHOWN_MAX_CHARS = 200  # the value quoted in a message

_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_RULE_ORDER = {rule: index for index, rule in enumerate(RULE_IDS)}
_NAME_SPLIT = re.compile(r"\s*(?:[,/&;+]|\bdan\b|\band\b)\s*", re.IGNORECASE)
# Formats with no post address: a story, a live not kept as a replay.
_NO_POST_FORMATS = frozenset({"story", "live"})


@dataclass(frozen=True)
class Finding:
    """One policy finding on one cell (``cell`` is "" when the field has no column)."""

    rule: str
    severity: str  # "error" | "warning"
    row: int
    cell: str
    field: str
    value: Cell
    message: str

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "row": self.row,
            "cell": self.cell,
            "field": self.field,
            "value": _json_value(self.value),
            "message": self.message,
        }


@dataclass(frozen=True)
class ValidationResult:
    as_of: dt.date
    scope: tuple[dt.date | None, dt.date | None]  # (None, None) with --all
    rows_checked: int
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == WARNING)

    def to_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "findings": [f.to_json() for f in self.findings],
            "summary": {
                "rows": self.rows_checked,
                "errors": self.errors,
                "warnings": self.warnings,
            },
        }


def severities(settings: Settings) -> dict[str, str | None]:
    """Rule → "error", "warning" or None (off), after the config's overrides."""
    levels: dict[str, str | None] = {}
    for rule in RULE_IDS:
        level: str = settings.policy.severity.get(rule, DEFAULT_SEVERITY[rule])
        if level == "off":
            levels[rule] = WARNING if rule in ALWAYS_REPORTED else None
        else:
            levels[rule] = level
    return levels


def scope_for(as_of: dt.date) -> tuple[dt.date, dt.date]:
    """Monday of the ISO week before ``as_of`` .. ``as_of`` + 14 days (both included)."""
    start = as_of - dt.timedelta(days=as_of.weekday() + 7)
    return start, as_of + dt.timedelta(days=14)


def validate(
    calendar: Calendar, settings: Settings, as_of: dt.date, *, all_rows: bool = False
) -> ValidationResult:
    """Check the calendar against ``[policy]``; pure, no I/O."""
    if all_rows:
        scope: tuple[dt.date | None, dt.date | None] = (None, None)
        in_scope = list(calendar.entries)
    else:
        start, end = scope_for(as_of)
        scope = (start, end)
        in_scope = calendar.between(start, end, undated=True)
    rows = {e.row for e in in_scope}
    checker = _Checker(calendar, settings)
    checker.problems(rows)
    checker.duplicates(calendar.entries, rows)
    for entry in in_scope:
        checker.entry(entry)
    return ValidationResult(as_of, scope, len(in_scope), checker.sorted_findings())


# ---------------------------------------------------------------------------------------


class _PhraseSet:
    """Phrases looked for in text that went through ``_fold`` (so every run of spaces is
    one space). With ``whole_words`` a phrase must not be part of a longer word (the
    rule of ``parsing.contains_phrase``); without, it may be. A plain substring test
    comes first, so the regex runs only on the rare near-hit."""

    def __init__(self, phrases: Iterable[str], *, whole_words: bool = True) -> None:
        self.whole_words = whole_words
        self.entries: list[tuple[str, str, re.Pattern[str]]] = []
        for phrase in dict.fromkeys(phrases):
            words = _fold(phrase).split()
            if not words:
                continue
            pattern = r"\s+".join(re.escape(word) for word in words)
            if whole_words:
                start = r"(?<!\w)" if re.match(r"\w", words[0]) else ""
                end = r"(?!\w)" if re.search(r"\w$", words[-1]) else ""
                pattern = start + pattern + end
            self.entries.append((phrase, " ".join(words), re.compile(pattern)))

    def found(self, folded: str) -> list[str]:
        """The phrases (as configured) that ``folded`` contains."""
        return [
            phrase
            for phrase, needle, pattern in self.entries
            if needle in folded and (not self.whole_words or pattern.search(folded))
        ]

    def matches(self, folded: str) -> bool:
        return any(
            needle in folded and (not self.whole_words or pattern.search(folded))
            for _phrase, needle, pattern in self.entries
        )


class _Checker:
    def __init__(self, calendar: Calendar, settings: Settings) -> None:
        self.calendar = calendar
        self.settings = settings
        self.policy = settings.policy
        self.levels = severities(settings)
        self.findings: list[Finding] = []
        self.generic = _required_tags(self.policy.generic_hashtags)
        self.generic_keys = frozenset(key for key, _tag in self.generic)
        self.folded_captions: dict[int, str] = {}  # row → folded caption, filled by duplicates
        self.headers = settings.calendar.columns
        self.programs: dict[str, Program] = {p.name: p for p in settings.programs}
        self.banned = _PhraseSet(self.policy.banned_phrases)
        # Indonesian wraps words in affixes (merokok, berolahraga): CERDIK words match
        # inside longer words too.
        self.cerdik = _PhraseSet(self.policy.cerdik_words, whole_words=False)
        # Required hashtags as (folded key, tag as shown), globally and per programme.
        self.required_global = _required_tags(self.policy.required_hashtags)
        self.required = {
            p.name: _required_tags((*self.policy.required_hashtags, *p.hashtags))
            for p in settings.programs
        }
        self.program_names = ", ".join(p.name for p in settings.programs)
        self.cerdik_programs = frozenset(normalize_label(n) for n in settings.cerdik_programs)

    # -- helpers ------------------------------------------------------------------------

    def flag(
        self, rule: str, entry: CalendarEntry, field: str, message: str, severity: str | None = None
    ) -> None:
        """A finding on ``field`` of ``entry``'s row, showing what the cell holds."""
        self.add(rule, entry.row, field, entry.raw.get(field), message, severity)

    def add(
        self,
        rule: str,
        entry_row: int,
        field: str,
        value: Cell,
        message: str,
        severity: str | None = None,
    ) -> None:
        level = severity or self.levels[rule]
        if level is None:
            return
        self.findings.append(
            Finding(
                rule=rule,
                severity=level,
                row=entry_row,
                cell=self.calendar.cell(entry_row, field),
                field=field,
                value=_clip(value),
                message=message,
            )
        )

    def on(self, rule: str) -> bool:
        return self.levels[rule] is not None

    def column(self, field: str) -> str:
        """The team's own header for a field, for messages."""
        header = getattr(self.headers, field, None)
        return str(header or field)

    def sorted_findings(self) -> tuple[Finding, ...]:
        columns = self.calendar.columns
        wide = len(columns) + 1000

        def key(f: Finding) -> tuple[int, int, int, str, str]:
            column = columns.get(f.field, wide)
            return (f.row, column, _RULE_ORDER.get(f.rule, len(_RULE_ORDER)), f.cell, f.message)

        return tuple(sorted(self.findings, key=key))

    # -- cells postme could not read ---------------------------------------------------

    def problems(self, rows_in_scope: set[int]) -> None:
        for problem in self.calendar.problems:
            if problem.rule not in ALWAYS_REPORTED and problem.row not in rows_in_scope:
                continue
            level = self.levels.get(problem.rule, ERROR)
            if level is None:
                continue
            self.findings.append(
                Finding(
                    rule=problem.rule,
                    severity=level,
                    row=problem.row,
                    cell=problem.cell,
                    field=problem.field,
                    value=_clip(problem.value),
                    message=problem.message,
                )
            )

    # -- duplicate captions across rows -----------------------------------------------

    def duplicates(self, entries: Iterable[CalendarEntry], rows_in_scope: set[int]) -> None:
        if not self.on("duplicate-caption") or "caption" not in self.calendar.columns:
            return
        first: dict[str, int] = {}
        # Every caption of the calendar is folded (the first row may be outside the
        # scope): this loop runs for each row of a big calendar, so it is kept lean.
        for entry in entries:
            caption = entry.get("caption")
            if len(caption) < DUPLICATE_MIN_CHARS or entry.stage == "cancelled":
                continue
            key = _fold(caption)
            row = entry.row
            in_scope = row in rows_in_scope
            if in_scope:
                self.folded_captions[row] = key  # for the row's own checks
            if len(key) < DUPLICATE_MIN_CHARS:
                continue
            seen = first.setdefault(key, row)
            if in_scope and seen != row:
                self.flag(
                    "duplicate-caption",
                    entry,
                    "caption",
                    _(
                        "The caption {value} is the same as the caption on row {first}. "
                        "Write a new caption, or mark one of the rows as cancelled if it "
                        "is a copy."
                    ).format(value=_show(caption), first=seen),
                )

    # -- one row ----------------------------------------------------------------------

    def entry(self, entry: CalendarEntry) -> None:
        if entry.stage == "cancelled":
            return
        self.missing_fields(entry)
        caption = entry.get("caption")
        hashtags = entry.get("hashtags")
        self.caption_length(entry, caption, hashtags)
        self.hashtags(entry, caption, hashtags)
        self.mentions(entry, caption, hashtags)
        folded: dict[str, str] = {}
        if title := entry.get("title"):
            folded["title"] = _fold(title)
        if caption:
            cached = self.folded_captions.get(entry.row)
            folded["caption"] = _fold(caption) if cached is None else cached
        self.banned_phrases(entry, folded)
        self.verification(entry)
        self.format_mismatch(entry)
        self.outside_hours(entry)
        self.cerdik_missing(entry, folded)
        self.bad_link(entry)

    def missing_fields(self, entry: CalendarEntry) -> None:
        if not self.on("missing-field"):
            return
        raw = entry.raw
        if raw.get("date") is None and "date" in self.calendar.columns:
            self.flag(
                "missing-field",
                entry,
                "date",
                _(
                    "Row {row} has no date in the {column} column. Type the posting date, "
                    "for example 16/11/2026."
                ).format(row=entry.row, column=self.column("date")),
            )
        if raw.get("program") is None and "program" in self.calendar.columns:
            self.flag(
                "missing-field",
                entry,
                "program",
                _(
                    "Row {row} has no programme in the {column} column. Choose one of: {known}."
                ).format(row=entry.row, column=self.column("program"), known=self.program_names),
            )
        if entry.stage is None:
            return
        required: tuple[str, ...] = getattr(self.policy.required_fields, entry.stage, ())
        for name in required:
            if name in ("date", "program") or name not in self.calendar.columns:
                continue
            if raw.get(name) is not None:
                continue
            if name == "link" and entry.format in _NO_POST_FORMATS:
                continue  # a story or a live has no post address
            if (
                name == "verifier"
                and entry.stage == "published"
                and self.on("unverified-published")
            ):
                continue  # reported as unverified-published
            self.flag(
                "missing-field",
                entry,
                name,
                _(
                    "The {column} cell is empty, but a post with status {status} needs it. "
                    "Fill in {column}, or set the status back to the stage the post is at."
                ).format(column=self.column(name), status=_show(entry.raw.get("status"))),
            )

    def caption_length(self, entry: CalendarEntry, caption: str, hashtags: str) -> None:
        if not self.on("caption-too-long"):
            return
        count = len(caption) + (len(hashtags) + 1 if hashtags and caption else len(hashtags))
        limit = self.policy.caption_max_chars
        if count <= limit:
            return
        field = "caption" if caption and "caption" in self.calendar.columns else "hashtags"
        if hashtags and caption:
            message = _(
                "The caption and the hashtags together are {count} characters; Instagram "
                "allows {limit}. Shorten them by {excess} characters. The caption: {value}"
            )
        else:
            message = _(
                "The {column} text is {count} characters; Instagram allows {limit}. Shorten "
                "it by {excess} characters. It reads: {value}"
            )
        self.flag(
            "caption-too-long",
            entry,
            field,
            message.format(
                count=count,
                limit=limit,
                excess=count - limit,
                column=self.column(field),
                value=_show(entry.get(field)),
            ),
        )

    def _tag_field(self, hashtags: str) -> str:
        if hashtags and "hashtags" in self.calendar.columns:
            return "hashtags"
        return "caption"

    def hashtags(self, entry: CalendarEntry, caption: str, hashtags: str) -> None:
        if not caption and not hashtags:
            return
        required = self.required.get(entry.program or "", self.required_global)
        limit = self.policy.max_hashtags
        if not required and not self.generic and caption.count("#") + hashtags.count("#") <= limit:
            return  # nothing to look for, and cannot be too many
        distinct = dict(_hashtags(caption)) if "#" in caption else {}
        if "#" in hashtags:
            distinct.update(
                (key, tag) for key, tag in _hashtags_cached(hashtags) if key not in distinct
            )
        field = self._tag_field(hashtags)
        if self.on("too-many-hashtags") and len(distinct) > limit:
            self.flag(
                "too-many-hashtags",
                entry,
                field,
                _(
                    "This post has {count} different hashtags; keep it to {limit} or "
                    "fewer. Remove {excess}. Hashtags: {value}"
                ).format(
                    count=len(distinct),
                    limit=limit,
                    excess=len(distinct) - limit,
                    value=_show(" ".join(distinct.values())),
                ),
            )
        generic = [tag for key, tag in distinct.items() if key in self.generic_keys]
        if self.on("generic-hashtag") and generic:
            self.flag(
                "generic-hashtag",
                entry,
                field,
                _(
                    "{tags}: Instagram says generic hashtags do not help people find a post. "
                    "Use tags about the topic instead. The {column} cell reads: {value}"
                ).format(
                    tags=" ".join(generic),
                    column=self.column(field),
                    value=_show(entry.get(field)),
                ),
            )
        if self.on("missing-hashtag"):
            missing = [tag for key, tag in required if key not in distinct]
            if missing:
                self.flag(
                    "missing-hashtag",
                    entry,
                    field,
                    _(
                        "This post needs the hashtag {missing}. Add it to the {column} cell, "
                        "which now reads: {value}"
                    ).format(
                        missing=" ".join(missing),
                        column=self.column(field),
                        value=_show(entry.get(field)),
                    ),
                )

    def mentions(self, entry: CalendarEntry, caption: str, hashtags: str) -> None:
        if not self.on("too-many-mentions"):
            return
        text = f"{caption} {hashtags}" if hashtags else caption
        if text.count("@") <= self.policy.mentions_max:
            return  # cannot be too many
        distinct = {m.casefold(): m for m in extract_mentions(text)}
        limit = self.policy.mentions_max
        if len(distinct) <= limit:
            return
        self.flag(
            "too-many-mentions",
            entry,
            "caption",
            _(
                "This post mentions {count} accounts; Instagram allows {limit}. Remove "
                "{excess} @mentions. Mentions: {value}"
            ).format(
                count=len(distinct),
                limit=limit,
                excess=len(distinct) - limit,
                value=_show(" ".join(distinct.values())),
            ),
        )

    def banned_phrases(self, entry: CalendarEntry, folded: Mapping[str, str]) -> None:
        if not self.on("banned-phrase"):
            return
        for name, text in folded.items():
            phrases = self.banned.found(text)
            if phrases:
                self.flag(
                    "banned-phrase",
                    entry,
                    name,
                    _(
                        "The {column} cell says {phrases}, a claim that must not be "
                        "published. Rewrite it without that phrase. The text: {value}"
                    ).format(
                        column=self.column(name),
                        phrases=", ".join(f"'{p}'" for p in phrases),
                        value=_show(entry.get(name)),
                    ),
                )

    def verification(self, entry: CalendarEntry) -> None:
        columns = self.calendar.columns
        verifier = entry.get("verifier")
        if self.on("self-verified") and verifier and "creator" in columns:
            checkers = _names(verifier)
            makers = _names(entry.get("creator"))
            if checkers and checkers <= makers:
                self.flag(
                    "self-verified",
                    entry,
                    "verifier",
                    _(
                        "{value} made this content and also verified it. Ask another team "
                        "member to verify it and put their name in the {column} cell."
                    ).format(value=_show(verifier), column=self.column("verifier")),
                )
        if (
            self.on("unverified-published")
            and entry.stage == "published"
            and not verifier
            and "verifier" in columns
        ):
            self.flag(
                "unverified-published",
                entry,
                "verifier",
                _(
                    "This post is marked {status} but nobody verified it. Have a verifier "
                    "check it now (edit or take it down if needed) and put their name in "
                    "the {column} cell."
                ).format(status=_show(entry.raw.get("status")), column=self.column("verifier")),
            )

    def format_mismatch(self, entry: CalendarEntry) -> None:
        if not self.on("format-mismatch") or entry.program is None or entry.format is None:
            return
        program = self.programs.get(entry.program)
        if program is None or not program.formats or entry.format in program.formats:
            return
        self.flag(
            "format-mismatch",
            entry,
            "format",
            _(
                "{program} is made as {allowed}, not {value}. Change the format, or the "
                "programme if this post belongs to another one."
            ).format(
                program=program.name,
                allowed=", ".join(program.formats),
                value=_show(entry.raw.get("format")),
            ),
        )

    def outside_hours(self, entry: CalendarEntry) -> None:
        if not self.on("outside-hours") or entry.time is None:
            return
        start, end = self.policy.posting_window
        moment = entry.time.replace(tzinfo=None)
        raw = entry.raw.get("time")
        inside = start <= moment <= end if start <= end else (moment >= start or moment <= end)
        if inside:
            return
        self.flag(
            "outside-hours",
            entry,
            "time",
            _(
                "The time {value} is outside the posting hours {start}–{end}. Move the post "
                "into those hours."
            ).format(
                value=_show(raw) if isinstance(raw, str) else f"'{moment:%H:%M}'",
                start=start.strftime("%H:%M"),
                end=end.strftime("%H:%M"),
            ),
        )

    def cerdik_missing(self, entry: CalendarEntry, folded: Mapping[str, str]) -> None:
        if not self.on("cerdik-missing") or entry.program is None or not folded:
            return
        if normalize_label(entry.program) not in self.cerdik_programs or not self.cerdik.entries:
            return
        if any(self.cerdik.matches(text) for text in folded.values()):
            return
        field = "caption" if "caption" in folded else "title"
        self.flag(
            "cerdik-missing",
            entry,
            field,
            _(
                "This {program} post does not name a CERDIK habit (Cek kesehatan, Enyahkan "
                "asap rokok, Rajin aktivitas fisik, Diet seimbang, Istirahat cukup, Kelola "
                "stres). Name the one it teaches in the title or caption. The text: {value}"
            ).format(program=entry.program, value=_show(entry.get(field))),
        )

    def bad_link(self, entry: CalendarEntry) -> None:
        if not self.on("bad-link") or entry.stage != "published":
            return
        link = entry.get("link")
        if not link or entry.link_shortcode is not None:  # a post link (parsed once a run)
            return
        if entry.format in _NO_POST_FORMATS and parse_link(link) is not None:
            return
        self.flag(
            "bad-link",
            entry,
            "link",
            _(
                "{value} is not a link to an Instagram post. Open the post on Instagram, "
                "copy its link (it looks like https://www.instagram.com/p/ABC123xyz/) and "
                "paste it in the {column} cell."
            ).format(value=_show(link), column=self.column("link")),
        )


def _fold(text: str) -> str:
    """``parsing.fold_text``, faster: ASCII text has no accents to strip, and in other
    text only the distinct non-ASCII characters are looked at."""
    if text.isascii():
        return " ".join(text.lower().split())
    folded = unicodedata.normalize("NFKD", text.casefold())
    for char in set(_NON_ASCII.findall(folded)):
        if unicodedata.combining(char):
            folded = folded.replace(char, "")
    return " ".join(folded.casefold().split())  # bold "𝐍𝐢𝐜𝐞" is "Nice" only after NFKD


@lru_cache(maxsize=4096)
def _names(text: str) -> frozenset[str]:
    return frozenset(key for part in _NAME_SPLIT.split(text) if (key := normalize_label(part)))


def _required_tags(tags: Iterable[str]) -> tuple[tuple[str, str], ...]:
    unique: dict[str, str] = {}
    for tag in tags:
        shown = "#" + tag.strip().lstrip("#")
        if shown != "#":
            unique.setdefault(_fold(shown), shown)
    return tuple(unique.items())


def _hashtags(text: str) -> tuple[tuple[str, str], ...]:
    """Distinct hashtags in order as (folded key, tag as first typed)."""
    unique: dict[str, str] = {}
    for tag in extract_hashtags(text):
        unique.setdefault(_fold(tag), tag)
    return tuple(unique.items())


# The hashtags column often repeats the same tags on every row.
_hashtags_cached = lru_cache(maxsize=4096)(_hashtags)


def _clip(value: Cell) -> Cell:
    if isinstance(value, str) and len(value) > VALUE_MAX_CHARS:
        return value[: VALUE_MAX_CHARS - 1] + "…"
    return value


def _show(value: Cell) -> str:
    """A value quoted in a message, on one line, at most 200 characters."""
    if value is None:
        return "''"
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        text = str(int(value))
    else:
        text = " ".join(str(value).split())
    if len(text) > SHOWN_MAX_CHARS:
        text = text[: SHOWN_MAX_CHARS - 1] + "…"
    return f"'{text}'"


def _json_value(value: Cell) -> str | int | float | bool | None:
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value
