"""Slot checks (README "Definitions", slot findings): missed and unplanned slots, empty
days, unmarked special days, and, with Instagram data, published rows with no post and
posts with no row.

Everything is judged in the team's timezone (``settings.zone``). Definitions:

- ``missed``: a row dated from the week's Monday up to ``as_of`` that is due and not
  published (the rule is ``postme.matching.missed_rows``; a blank or unknown status
  counts as not published; grace is ``grace_minutes``).
- ``unplanned``: a plan slot (``[[slots]]``: programme, weekday) in the week with no
  row of that programme on that date. A cancelled row does not fill a slot. When a
  programme has several slots on one weekday, each needs its own row; the earliest
  slots are filled first.
- ``empty-day``: a day of the week with fewer non-cancelled rows (any programme, an
  unknown programme included) than ``min_posts_per_day``.
- ``upcoming-day``: a health day or national holiday from ``as_of`` to
  ``as_of + lookahead_days`` with no non-cancelled row of the greeting programme on
  that date. Several special days on one date make one finding naming them all.
- With ``posts`` (``None`` means no Instagram data; an empty list means "no posts"),
  posts are matched to calendar rows by ``postme.matching`` (the rule the weekly
  analysis uses too). ``not-found``: a published row in the week unmatched by link or
  by a spare post that day; stories and lives are not checked, as they have no post of
  their own (Instagram keeps a live only when shared afterwards). ``off-plan``: a post in
  the week (by its local date) unmatched after all passes.

Day and month names follow the run's language (``postme.i18n.get_language``).

Findings are sorted by date, time (day-level findings first), programme, kind, row.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from postme.calendar import Calendar, CalendarEntry
from postme.config import Settings
from postme.healthdays import SpecialDay, load_health_day_rules, special_days
from postme.i18n import _
from postme.links import build_post_link, shortcode_from_link
from postme.matching import (
    POST_DATE_MARGIN,
    PostLike,
    match_calendar,
    missed_rows,
    needs_post,
    post_shortcode,
)
from postme.weeks import IsoWeek, last_complete_week
from postme.words import day_label

__all__ = ["PostLike", "SlotFinding", "SlotResult", "check_slots", "shortcode_from_link"]

Kind = Literal["missed", "unplanned", "empty-day", "upcoming-day", "not-found", "off-plan"]
KINDS: tuple[Kind, ...] = (
    "missed",
    "unplanned",
    "empty-day",
    "upcoming-day",
    "not-found",
    "off-plan",
)


@dataclass(frozen=True)
class SlotFinding:
    kind: Kind
    date: dt.date
    time: dt.time | None
    program: str | None
    row: int | None
    title: str
    message: str

    def to_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "date": self.date.isoformat(),
            "time": self.time.strftime("%H:%M") if self.time is not None else None,
            "program": self.program,
            "row": self.row,
            "title": self.title,
            "message": self.message,
        }

    def sort_key(self) -> tuple[dt.date, bool, dt.time, str, int, int]:
        return (
            self.date,
            self.time is not None,
            self.time or dt.time.min,
            self.program or "",
            KINDS.index(self.kind),
            self.row or 0,
        )


@dataclass(frozen=True)
class GridCell:
    """One day × programme of the week grid. ``planned`` counts non-cancelled rows;
    ``published`` and ``missed`` are among them; ``slots`` are the plan's times."""

    planned: int = 0
    published: int = 0
    missed: int = 0
    cancelled: int = 0
    slots: tuple[dt.time | None, ...] = ()

    @property
    def unplanned(self) -> int:
        """Plan slots with no row to fill them."""
        return max(0, len(self.slots) - self.planned)

    @property
    def pending(self) -> int:
        """Planned rows neither published nor missed (yet to come, or still in grace)."""
        return max(0, self.planned - self.published - self.missed)

    @property
    def slot(self) -> bool:
        """Whether the plan has a slot for this programme on this day."""
        return bool(self.slots)


_EMPTY_CELL = GridCell()


@dataclass(frozen=True)
class WeekGrid:
    """The week as days × programmes, for the Rich grid. ``programs`` holds the
    programmes with a slot or a row in the week, in config order, then rows whose
    programme is blank or unknown under ``unknown_label()`` (only when there are some)."""

    days: tuple[dt.date, ...]
    programs: tuple[str, ...]
    cells: Mapping[tuple[dt.date, str], GridCell] = field(default_factory=dict)

    def cell(self, day: dt.date, program: str) -> GridCell:
        return self.cells.get((day, program), _EMPTY_CELL)

    def day_total(self, day: dt.date) -> GridCell:
        """The whole day summed over programmes (slots joined)."""
        cells = [self.cell(day, program) for program in self.programs]
        return GridCell(
            planned=sum(c.planned for c in cells),
            published=sum(c.published for c in cells),
            missed=sum(c.missed for c in cells),
            cancelled=sum(c.cancelled for c in cells),
            slots=tuple(t for c in cells for t in c.slots),
        )


@dataclass(frozen=True)
class SlotResult:
    as_of: dt.date
    week: IsoWeek
    findings: tuple[SlotFinding, ...]
    grid: WeekGrid

    @property
    def missed_rows(self) -> set[int]:
        """Calendar rows found missed (from the week's Monday up to ``as_of``: filter by
        date for the week alone)."""
        return {f.row for f in self.findings if f.kind == "missed" and f.row is not None}

    @property
    def has_missed(self) -> bool:
        return any(f.kind == "missed" for f in self.findings)

    def of_kind(self, kind: Kind) -> list[SlotFinding]:
        return [f for f in self.findings if f.kind == kind]

    def to_json(self) -> dict[str, object]:
        return {
            "as_of": self.as_of.isoformat(),
            "week": self.week.label,
            "findings": [f.to_json() for f in self.findings],
        }


# --- the check ---------------------------------------------------------------------------------


def check_slots(
    calendar: Calendar,
    settings: Settings,
    as_of: dt.date,
    *,
    week: IsoWeek | None = None,
    now: dt.datetime | None = None,
    posts: Sequence[PostLike] | None = None,
    special: Sequence[SpecialDay] | None = None,
) -> SlotResult:
    """Every slot finding for ``week`` (default: the last complete ISO week before
    ``as_of``), ``missed`` up to ``as_of`` and ``upcoming-day`` from ``as_of`` on.

    ``now`` is the current moment (aware; naive is read in the team's timezone), given
    only when ``as_of`` is the real today. ``special`` replaces the computed health days
    and holidays (tests).
    """
    week = week or last_complete_week(as_of)
    in_week = calendar.between(week.start, week.end)

    grace = dt.timedelta(minutes=settings.schedule.grace_minutes)
    missed = missed_rows(
        calendar.between(week.start, as_of),
        start=week.start,
        as_of=as_of,
        now=now,
        zone=settings.zone,
        grace=grace,
    )
    findings: list[SlotFinding] = [_missed_finding(e) for e in missed]
    findings.extend(_unplanned(in_week, settings, week))
    findings.extend(_empty_days(in_week, settings, week))
    findings.extend(_upcoming(calendar, settings, as_of, special))
    if posts is not None:
        findings.extend(_posts_vs_plan(calendar, in_week, posts, week, settings))
    findings.sort(key=SlotFinding.sort_key)
    grid = _grid(in_week, settings, week, {e.row for e in missed})
    return SlotResult(as_of, week, tuple(findings), grid)


def _date(entry: CalendarEntry) -> dt.date:
    assert entry.date is not None
    return entry.date


def _canonical(settings: Settings, name: str) -> str:
    """The [[programs]] name for ``name`` (a slot or the greeting programme), case ignored."""
    program = settings.program_named(name)
    return program.name if program is not None else name.strip()


def _live(entry: CalendarEntry) -> bool:
    return entry.stage != "cancelled"


# --- missed ------------------------------------------------------------------------------------


def _describe(entry: CalendarEntry) -> str:
    """'row 12 (Nice to Know, "Cuci tangan")' for messages."""
    parts = [entry.program] if entry.program else []
    if entry.title:
        parts.append(f'"{entry.title}"')
    if not parts:
        return _("row {row}").format(row=entry.row)
    return _("row {row} ({details})").format(row=entry.row, details=", ".join(parts))


def _when(day: dt.date, time: dt.time | None) -> str:
    label = day_label(day)
    return f"{label} {time.strftime('%H:%M')}" if time is not None else label


def _missed_finding(entry: CalendarEntry) -> SlotFinding:
    day = _date(entry)
    message = _(
        "{when}: {what} was due and is not marked published. If it went out, set the status "
        "to published and paste the post's link; if not, post it now or set the status to "
        "cancelled."
    ).format(when=_when(day, entry.time), what=_describe(entry))
    return SlotFinding("missed", day, entry.time, entry.program, entry.row, entry.title, message)


# --- unplanned and empty days ------------------------------------------------------------------


def _slots_on(settings: Settings, day: dt.date) -> dict[str, list[dt.time | None]]:
    """Programme → the plan's slot times on ``day``'s weekday (earliest first)."""
    found: dict[str, list[dt.time | None]] = defaultdict(list)
    for slot in settings.slots:
        if day.weekday() in slot.days:
            found[_canonical(settings, slot.program)].append(slot.time)
    for times in found.values():
        times.sort(key=lambda t: (t is not None, t or dt.time.min))
    return found


def _unplanned(
    in_week: Sequence[CalendarEntry], settings: Settings, week: IsoWeek
) -> list[SlotFinding]:
    planned: dict[tuple[dt.date, str], int] = defaultdict(int)
    for entry in in_week:
        if _live(entry) and entry.program is not None:
            planned[(_date(entry), entry.program)] += 1
    findings = []
    for day in week.days():
        for program, times in _slots_on(settings, day).items():
            for time in times[planned[(day, program)] :]:
                message = _(
                    "{when}: the plan has a '{program}' post, but the calendar has no "
                    "'{program}' row that day. Add a row, or change the plan in [[slots]]."
                ).format(when=_when(day, time), program=program)
                findings.append(SlotFinding("unplanned", day, time, program, None, "", message))
    return findings


def _empty_days(
    in_week: Sequence[CalendarEntry], settings: Settings, week: IsoWeek
) -> list[SlotFinding]:
    minimum = settings.schedule.min_posts_per_day
    counts: dict[dt.date, int] = defaultdict(int)
    for entry in in_week:
        if _live(entry):
            counts[_date(entry)] += 1
    findings = []
    for day in week.days():
        if counts[day] < minimum:
            message = _(
                "{when}: {count} post(s) planned, the plan asks for at least {minimum} a day. "
                "Add a row to the calendar for that day."
            ).format(when=day_label(day), count=counts[day], minimum=minimum)
            findings.append(SlotFinding("empty-day", day, None, None, None, "", message))
    return findings


# --- special days ------------------------------------------------------------------------------


def _upcoming(
    calendar: Calendar,
    settings: Settings,
    as_of: dt.date,
    special: Sequence[SpecialDay] | None,
) -> list[SlotFinding]:
    end = as_of + dt.timedelta(days=settings.schedule.lookahead_days)
    entries = calendar.between(as_of, end)  # a greeting counts only on its own day
    if special is None:
        rules = load_health_day_rules(settings.health_days.days, settings.health_days.replace)
        special = special_days(
            as_of,
            end,
            rules,
            include_holidays=True,
            include_cuti_bersama=settings.schedule.include_cuti_bersama,
        )
    greeting = _canonical(settings, settings.schedule.greeting_program)
    greeted = {
        _date(e) for e in entries if _live(e) and e.program is not None and e.program == greeting
    }
    names: dict[dt.date, list[str]] = defaultdict(list)
    for item in special:
        when = item.date
        if as_of <= when <= end and when not in greeted and item.name not in names[when]:
            names[when].append(item.name)
    findings = []
    for day, day_names in sorted(names.items()):
        if not day_names:
            continue
        title = ", ".join(day_names)
        message = _(
            "{names} on {when}: no '{program}' row yet. Plan a greeting post for that day."
        ).format(names=title, when=day_label(day), program=greeting)
        findings.append(SlotFinding("upcoming-day", day, None, greeting, None, title, message))
    return findings


# --- Instagram posts against the calendar ------------------------------------------------------


def _posts_vs_plan(
    calendar: Calendar,
    in_week: Sequence[CalendarEntry],
    posts: Sequence[PostLike],
    week: IsoWeek,
    settings: Settings,
) -> list[SlotFinding]:
    posts = _posts_for(in_week, posts, week)
    match = match_calendar(calendar, posts, settings.zone)
    findings = [
        _not_found(e) for e in in_week if needs_post(e) and e.row not in match.confirmed_rows
    ]
    for index in match.unmatched_posts():
        moment = match.moments[index]
        if moment is None or not week.start <= moment.date() <= week.end:
            continue
        post = posts[index]
        time = moment.time().replace(second=0, microsecond=0, tzinfo=None)
        code = post.shortcode or shortcode_from_link(post.link)
        title = post.link or (build_post_link(code) if code else "")
        message = _(
            "{when}: an Instagram post ({link}) has no row in the calendar. Add a row for it "
            "with its link, so the week's figures add up."
        ).format(when=_when(moment.date(), time), link=title)
        findings.append(SlotFinding("off-plan", moment.date(), time, None, None, title, message))
    return findings


def _posts_for(
    in_week: Sequence[CalendarEntry], posts: Sequence[PostLike], week: IsoWeek
) -> list[PostLike]:
    """The posts that can decide a finding of ``week``, in their order: those of the
    week's days (``off-plan``) and those the week's rows link to (a row matched by link
    is not ``not-found``). Matching pairs a post with a row of its own day, or with a row
    linking to it: no other post can change the week's findings, and a big calendar has
    years of other posts."""
    linked = {e.link_shortcode for e in in_week} - {None}
    first = week.start - POST_DATE_MARGIN
    last = week.end + POST_DATE_MARGIN
    return [
        post
        for post in posts
        if (post.posted_at is not None and first <= post.posted_at.date() <= last)
        or post_shortcode(post) in linked
    ]


def _not_found(entry: CalendarEntry) -> SlotFinding:
    day = _date(entry)
    message = _(
        "{when}: {what} is marked published, but no Instagram post was found that day or with "
        "its link. Check the link in the calendar (copy it from the post), or the status."
    ).format(when=_when(day, entry.time), what=_describe(entry))
    return SlotFinding("not-found", day, entry.time, entry.program, entry.row, entry.title, message)


# --- the week grid -----------------------------------------------------------------------------


def unknown_label() -> str:
    """The grid's row label for calendar rows whose programme is blank or unknown."""
    return _("(unknown programme)")


def _grid(
    in_week: Sequence[CalendarEntry], settings: Settings, week: IsoWeek, missed: set[int]
) -> WeekGrid:
    unknown = unknown_label()
    counts: dict[tuple[dt.date, str], dict[str, int]] = defaultdict(
        lambda: {"planned": 0, "published": 0, "missed": 0, "cancelled": 0}
    )
    for entry in in_week:
        cell = counts[(_date(entry), entry.program or unknown)]
        if entry.stage == "cancelled":
            cell["cancelled"] += 1
            continue
        cell["planned"] += 1
        if entry.stage == "published":
            cell["published"] += 1
        if entry.row in missed:
            cell["missed"] += 1
    slots: dict[tuple[dt.date, str], tuple[dt.time | None, ...]] = {}
    for day in week.days():
        for program, times in _slots_on(settings, day).items():
            slots[(day, program)] = tuple(times)

    keys = set(counts) | set(slots)
    cells = {key: GridCell(slots=slots.get(key, ()), **counts.get(key, {})) for key in keys}
    present = {program for _day, program in keys}
    order = [p.name for p in settings.programs if p.name in present]
    others = sorted(p for p in present if p not in order and p != unknown)
    programs = [*order, *others]
    if unknown in present and unknown not in order:
        programs.append(unknown)
    return WeekGrid(tuple(week.days()), tuple(programs), cells)
