"""Slot checks (SPEC §5): missed and unplanned slots, empty days, unmarked special days,
and, with Instagram data, published rows with no post and posts with no row.

Everything is judged in the team's timezone (``settings.zone``). Definitions:

- ``missed``: a row dated from the week's Monday up to ``as_of`` whose due moment has
  passed and whose stage is neither published nor cancelled (a blank or unknown status
  counts as not published). The due moment is the row's date and time plus
  ``grace_minutes``; a row without a time is due at the end of its day (plus grace).
  The reference moment is ``now`` when given (a real run without ``--as-of``); without
  it (``--as-of`` given) it is the end of ``as_of``, except that rows dated on ``as_of``
  itself are never missed, since the time of day is unknown.
- ``unplanned``: a plan slot (``[[slots]]``: programme, weekday) in the week with no
  row of that programme on that date. A cancelled row does not fill a slot. When a
  programme has several slots on one weekday, each needs its own row; the earliest
  slots are filled first.
- ``empty-day``: a day of the week with fewer non-cancelled rows (any programme, an
  unknown programme included) than ``min_posts_per_day``.
- ``upcoming-day``: a health day or national holiday from ``as_of`` to
  ``as_of + lookahead_days`` with no non-cancelled row of the greeting programme on
  that date. Several special days on one date make one finding naming them all.
- With ``posts`` (``None`` means no Instagram data; an empty list means "no posts"):
  posts are matched to calendar rows in three passes, each one-to-one:

  1. by link: a row (any date, any stage) whose link's shortcode is a post's shortcode;
  2. by day: a post left over ↔ a published row left over on the post's local date
     (rows by time then row number, posts by time);
  3. by day, loosely: a post still left over ↔ any other non-cancelled row left over
     on that date (the team posted but did not update the status; that row is
     reported as ``missed`` when due, not the post as ``off-plan``).

  ``not-found``: a published row in the week unmatched after passes 1–2 (its link's
  shortcode is not among the posts, or it has no link, and no spare post that day);
  live streams are not checked, as Instagram keeps them only when shared afterwards.
  ``off-plan``: a post in the week (by its local date) unmatched after all passes.

Findings are sorted by date, time (day-level findings first), programme, kind, row.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol
from zoneinfo import ZoneInfo

from postme.calendar import Calendar, CalendarEntry
from postme.config import Settings
from postme.healthdays import SpecialDay, load_health_day_rules, special_days
from postme.i18n import MONTH_NAMES, WEEKDAY_NAMES, _
from postme.weeks import IsoWeek, last_complete_week

Kind = Literal["missed", "unplanned", "empty-day", "upcoming-day", "not-found", "off-plan"]
KINDS: tuple[Kind, ...] = (
    "missed",
    "unplanned",
    "empty-day",
    "upcoming-day",
    "not-found",
    "off-plan",
)


_SHORTCODE = re.compile(
    r"(?:^|[/.])instagram\.com/(?:[A-Za-z0-9_.]+/)?(?:p|reel|reels|tv)/([A-Za-z0-9_-]+)",
    re.IGNORECASE,
)


class PostLike(Protocol):
    """What the slot checks need from a post (``postme.metrics.PostMetric`` fits)."""

    @property
    def shortcode(self) -> str | None: ...

    @property
    def link(self) -> str | None: ...

    @property
    def posted_at(self) -> dt.datetime | None: ...


def weekday_name(day: dt.date, language: str = "id") -> str:
    """'Senin' … 'Minggu' (``language="id"``) or 'Monday' … 'Sunday'."""
    names = WEEKDAY_NAMES.get(language, WEEKDAY_NAMES["id"])
    return names[day.weekday()]


def day_label(day: dt.date, language: str = "id") -> str:
    """'Kamis 12 November' / 'Thursday 12 November' (the year is left out)."""
    months = MONTH_NAMES.get(language, MONTH_NAMES["id"])
    return f"{weekday_name(day, language)} {day.day} {months[day.month - 1]}"


def shortcode_from_link(url: str | None) -> str | None:
    """The shortcode of an Instagram post or reel address, e.g.
    ``https://www.instagram.com/p/DAbc123/?igsh=x`` → ``DAbc123``; None otherwise."""
    if not url:
        return None
    match = _SHORTCODE.search(url.strip())
    return match.group(1) if match else None


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
    zone = settings.zone
    language = settings.language
    entries = [e for e in calendar.entries if e.date is not None]
    in_week = [e for e in entries if week.start <= _date(e) <= week.end]

    missed = _missed(entries, settings, as_of, week, now, zone)
    findings: list[SlotFinding] = [_missed_finding(e, language) for e in missed]
    findings.extend(_unplanned(in_week, settings, week, language))
    findings.extend(_empty_days(in_week, settings, week, language))
    findings.extend(_upcoming(entries, settings, as_of, special, language))
    if posts is not None:
        findings.extend(_posts_vs_plan(entries, in_week, posts, week, zone, language))
    findings.sort(key=SlotFinding.sort_key)
    grid = _grid(in_week, settings, week, {e.row for e in missed})
    return SlotResult(as_of, week, tuple(findings), grid)


def _date(entry: CalendarEntry) -> dt.date:
    assert entry.date is not None
    return entry.date


def _canonical(settings: Settings, name: str) -> str:
    """The [[programs]] name for ``name`` (a slot or the greeting programme), case ignored."""
    wanted = name.strip().casefold()
    for program in settings.programs:
        if wanted == program.name.casefold() or wanted in (a.casefold() for a in program.aliases):
            return program.name
    return name.strip()


def _live(entry: CalendarEntry) -> bool:
    return entry.stage != "cancelled"


# --- missed ------------------------------------------------------------------------------------


def _missed(
    entries: Sequence[CalendarEntry],
    settings: Settings,
    as_of: dt.date,
    week: IsoWeek,
    now: dt.datetime | None,
    zone: ZoneInfo,
) -> list[CalendarEntry]:
    grace = dt.timedelta(minutes=settings.schedule.grace_minutes)
    if now is None:
        reference = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time.min, zone)
    else:
        reference = now if now.tzinfo is not None else now.replace(tzinfo=zone)
    found = []
    for entry in entries:
        day = _date(entry)
        if not week.start <= day <= as_of or entry.stage in ("published", "cancelled"):
            continue
        if day == as_of and now is None:
            continue
        if entry.time is not None:
            due = dt.datetime.combine(day, entry.time, zone)
        else:
            due = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, zone)
        if reference > due + grace:
            found.append(entry)
    return found


def _describe(entry: CalendarEntry) -> str:
    """'row 12 (Nice to Know, "Cuci tangan")' for messages."""
    parts = [entry.program] if entry.program else []
    if entry.title:
        parts.append(f'"{entry.title}"')
    if not parts:
        return _("row {row}").format(row=entry.row)
    return _("row {row} ({details})").format(row=entry.row, details=", ".join(parts))


def _when(day: dt.date, time: dt.time | None, language: str) -> str:
    label = day_label(day, language)
    return f"{label} {time.strftime('%H:%M')}" if time is not None else label


def _missed_finding(entry: CalendarEntry, language: str) -> SlotFinding:
    day = _date(entry)
    message = _(
        "{when}: {what} was due and is not marked published. If it went out, set the status "
        "to published and paste the post's link; if not, post it now or set the status to "
        "cancelled."
    ).format(when=_when(day, entry.time, language), what=_describe(entry))
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
    in_week: Sequence[CalendarEntry], settings: Settings, week: IsoWeek, language: str
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
                ).format(when=_when(day, time, language), program=program)
                findings.append(SlotFinding("unplanned", day, time, program, None, "", message))
    return findings


def _empty_days(
    in_week: Sequence[CalendarEntry], settings: Settings, week: IsoWeek, language: str
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
            ).format(when=day_label(day, language), count=counts[day], minimum=minimum)
            findings.append(SlotFinding("empty-day", day, None, None, None, "", message))
    return findings


# --- special days ------------------------------------------------------------------------------


def _upcoming(
    entries: Sequence[CalendarEntry],
    settings: Settings,
    as_of: dt.date,
    special: Sequence[SpecialDay] | None,
    language: str,
) -> list[SlotFinding]:
    end = as_of + dt.timedelta(days=settings.schedule.lookahead_days)
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
        ).format(names=title, when=day_label(day, language), program=greeting)
        findings.append(SlotFinding("upcoming-day", day, None, greeting, None, title, message))
    return findings


# --- Instagram posts against the calendar ------------------------------------------------------


@dataclass(frozen=True)
class _Post:
    index: int
    shortcode: str | None
    link: str
    moment: dt.datetime | None  # in the team's timezone

    @property
    def day(self) -> dt.date | None:
        return self.moment.date() if self.moment is not None else None


def _posts_vs_plan(
    entries: Sequence[CalendarEntry],
    in_week: Sequence[CalendarEntry],
    posts: Sequence[PostLike],
    week: IsoWeek,
    zone: ZoneInfo,
    language: str,
) -> list[SlotFinding]:
    known = [_as_post(i, post, zone) for i, post in enumerate(posts)]
    by_code: dict[str, list[_Post]] = defaultdict(list)
    for post in known:
        if post.shortcode:
            by_code[post.shortcode.casefold()].append(post)

    matched_posts: set[int] = set()
    matched_rows: set[int] = set()
    # Pass 1: by the link's shortcode, any date, any stage.
    for entry in entries:
        code = shortcode_from_link(entry.get("link"))
        if code and code.casefold() in by_code:
            matched_rows.add(entry.row)
            matched_posts.update(p.index for p in by_code[code.casefold()])

    spare: dict[dt.date, list[_Post]] = defaultdict(list)
    for post in sorted(known, key=lambda p: (p.moment is None, p.moment or dt.datetime.min)):
        if post.index not in matched_posts and post.day is not None:
            spare[post.day].append(post)

    def pair(rows: Sequence[CalendarEntry]) -> None:
        ordered = sorted(rows, key=lambda e: (e.time is None, e.time or dt.time.min, e.row))
        for entry in ordered:
            if entry.row in matched_rows:
                continue
            left = spare.get(_date(entry))
            if left:
                matched_posts.add(left.pop(0).index)
                matched_rows.add(entry.row)

    # Pass 2: published rows ↔ posts that day; pass 3: any other live row that day.
    pair([e for e in entries if e.stage == "published"])
    findings = [
        _not_found(e, language)
        for e in in_week
        # A live stream stays in the feed only if the team shares it afterwards.
        if e.stage == "published" and e.row not in matched_rows and e.format != "live"
    ]
    pair([e for e in entries if _live(e) and e.stage != "published" and e.format != "live"])

    for post in known:
        day = post.day
        if post.index in matched_posts or day is None or not week.start <= day <= week.end:
            continue
        assert post.moment is not None
        time = post.moment.time().replace(second=0, microsecond=0, tzinfo=None)
        title = post.link or post.shortcode or ""
        message = _(
            "{when}: an Instagram post ({link}) has no row in the calendar. Add a row for it "
            "with its link, so the week's figures add up."
        ).format(when=_when(day, time, language), link=title)
        findings.append(SlotFinding("off-plan", day, time, None, None, title, message))
    return findings


def _as_post(index: int, post: PostLike, zone: ZoneInfo) -> _Post:
    code = post.shortcode or shortcode_from_link(post.link)
    link = post.link or ""
    if not link and code:
        link = f"https://www.instagram.com/p/{code}/"
    moment = None
    if post.posted_at is not None:
        moment = post.posted_at
        if moment.tzinfo is None:  # naive means UTC, as instaloader gives it
            moment = moment.replace(tzinfo=dt.UTC)
        moment = moment.astimezone(zone)
    return _Post(index, code, link, moment)


def _not_found(entry: CalendarEntry, language: str) -> SlotFinding:
    day = _date(entry)
    message = _(
        "{when}: {what} is marked published, but no Instagram post was found that day or with "
        "its link. Check the link in the calendar (copy it from the post), or the status."
    ).format(when=_when(day, entry.time, language), what=_describe(entry))
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
