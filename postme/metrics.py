"""The two metrics tabs (README "Your own spreadsheet"): reading what people typed. What
``collect`` writes into them is planned by :mod:`postme.tabs.metrics`.

*Account metrics* (default ``Metrik Akun``): one row per snapshot, ``date``, ``followers``,
``following``, ``posts``. *Post metrics* (default ``Metrik Postingan``): one row per post,
keyed by its shortcode. Header names come from ``[account_metrics.columns]`` and
``[post_metrics.columns]``; both tabs are optional and created on the first ``collect``.

Reading: messy values are parsed the Indonesian way (:mod:`postme.parsing`); a cell that
cannot be read becomes a :class:`MetricProblem` naming the cell, never a guess. A
``posted_at`` typed without a timezone is read in the team's timezone.

Writing (:func:`postme.tabs.metrics.plan_collect`), all by key, never by a row number
remembered from an earlier run:

- one account snapshot per run, dated in the team's timezone (``2026-11-22``). When a
  row for that date already exists (typed by hand, or an earlier run that day) that row
  is updated instead of adding a second one; its date cell is left as the person typed it.
- post rows upserted by shortcode. A hand-typed row with no shortcode but an Instagram
  link is matched through the link. Only the post-metric columns are written, and of
  those only the figures the source has (instaloader has no reach: a reach typed by
  hand stays). A cell that already says the same thing in another way (``2.345`` for
  2345, ``16/11/2026 19:05``, ``Foto``) is not rewritten, so re-runs write nothing new.
  ``collected_at`` alone never counts as a change.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from postme.config import Settings
from postme.i18n import _
from postme.parsing import (
    ParseProblem,
    parse_count,
    parse_date,
    parse_datetime_cell,
)
from postme.slots import shortcode_from_link
from postme.stores.base import (
    Cell,
    SheetRow,
    Tab,
    TabRequest,
    cell_a1,
    is_blank,
)

if TYPE_CHECKING:  # instaloader is slow to import; only the record types are needed here
    pass

COUNT_FIELDS = ("likes", "comments", "views", "reach", "saves", "shares")
# Figures only a Meta Story export brings: their columns are added when a story has them.
STORY_COUNT_FIELDS = ("replies", "link_clicks", "profile_visits", "sticker_taps", "navigation")
ALL_COUNT_FIELDS = (*COUNT_FIELDS, *STORY_COUNT_FIELDS)
ACCOUNT_COUNTS = ("followers", "following", "posts")
# The order of the columns when collect creates the post-metrics tab.
POST_FIELDS = (
    "shortcode",
    "link",
    "posted_at",
    "type",
    *COUNT_FIELDS,
    "caption",
    "collected_at",
)
_CLOCK = re.compile(r"\d[:.]\d\d")


@dataclass(frozen=True)
class MetricProblem:
    """A metrics cell that could not be read (reported to the officer, never guessed)."""

    row: int
    cell: str  # A1, e.g. "C12"
    field: str  # logical field, e.g. "followers"
    value: Cell
    message: str
    tab: str = ""


@dataclass(frozen=True)
class FollowerPoint:
    """One account snapshot row. ``date`` is always known; a count may be blank."""

    row: int
    date: dt.date
    followers: int | None
    following: int | None
    posts: int | None


@dataclass(frozen=True)
class PostMetric:
    """One post-metrics row. ``posted_at`` is aware (the team's timezone when typed without
    one); ``has_time`` is False when only a date was typed (no hour to learn from)."""

    row: int
    shortcode: str | None
    link: str | None
    posted_at: dt.datetime | None
    type: str | None
    likes: int | None
    comments: int | None
    views: int | None
    reach: int | None
    saves: int | None
    shares: int | None
    has_time: bool = True
    replies: int | None = None
    link_clicks: int | None = None
    profile_visits: int | None = None
    sticker_taps: int | None = None
    navigation: int | None = None


@dataclass(frozen=True)
class CollectSummary:
    snapshot_written: bool  # the account row was added or changed
    posts_new: int  # post rows appended
    posts_updated: int  # existing post rows whose figures changed


# --- requests ---------------------------------------------------------------------------------


def account_request(settings: Settings) -> TabRequest:
    columns = settings.account_metrics.columns
    return TabRequest(
        title=settings.tabs.account_metrics,
        header_row=settings.account_metrics.header_row,
        expected_headers=(columns.date, columns.followers),
        required=False,
    )


def post_request(settings: Settings) -> TabRequest:
    columns = settings.post_metrics.columns
    # Likes and comments are in every interaction table a team keeps; the shortcode may
    # not be (it is then taken from the link).
    return TabRequest(
        title=settings.tabs.post_metrics,
        header_row=settings.post_metrics.header_row,
        expected_headers=(columns.likes, columns.comments),
        required=False,
    )


# --- reading ----------------------------------------------------------------------------------


def _columns(tab: Tab, headers: Mapping[str, str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for name, header in headers.items():
        index = tab.column_index(header)
        if index is not None:
            found[name] = index
    return found


def _missing_column(tab: Tab, header: str, field: str, section: str) -> MetricProblem:
    return MetricProblem(
        row=tab.header_row,
        cell=f"A{tab.header_row}",
        field=field,
        value=None,
        message=_(
            "Tab '{tab}' has no column '{header}' (headers found: {found}). Rename the "
            "column in the sheet or fix [{section}] in the config."
        ).format(
            tab=tab.title,
            header=header,
            found=", ".join(f"'{h}'" for h in tab.headers if h) or "-",
            section=section,
        ),
        tab=tab.title,
    )


def read_follower_points(
    tab: Tab | None, settings: Settings
) -> tuple[list[FollowerPoint], list[MetricProblem]]:
    """Every snapshot row with a readable date, oldest first (by date, then row).

    A row whose date is blank or unreadable is left out and reported; an unreadable count
    is reported and read as blank (``None``).
    """
    if tab is None or not tab.headers:
        return [], []
    names = settings.account_metrics.columns.model_dump()
    columns = _columns(tab, names)
    problems: list[MetricProblem] = []
    for required in ("date", "followers"):
        if required not in columns:
            problems.append(
                _missing_column(tab, names[required], required, "account_metrics.columns")
            )
    if "date" not in columns:
        return [], problems
    points: list[FollowerPoint] = []
    for row in tab.rows:
        counts = {name: _count(row, columns, name, tab.title, problems) for name in ACCOUNT_COUNTS}
        raw_date = row.get(columns["date"])
        try:
            day = parse_date(raw_date)
        except ParseProblem as e:
            problems.append(_problem(row, columns, "date", str(e), tab.title))
            continue
        if day is None:
            if any(v is not None for v in counts.values()):
                problems.append(
                    _problem(
                        row,
                        columns,
                        "date",
                        _("This row has figures but no date. Type the date, e.g. 16/11/2026."),
                        tab.title,
                    )
                )
            continue
        points.append(
            FollowerPoint(
                row.number, day, counts["followers"], counts["following"], counts["posts"]
            )
        )
    points.sort(key=lambda p: (p.date, p.row))
    return points, problems


def read_post_metrics(
    tab: Tab | None, settings: Settings
) -> tuple[list[PostMetric], list[MetricProblem]]:
    """Every post row, in sheet order. The shortcode is taken from the link when its own
    cell is blank. A second row with the same shortcode is left out and reported."""
    if tab is None or not tab.headers:
        return [], []
    names = settings.post_metrics.columns.model_dump()
    columns = _columns(tab, names)
    zone = settings.zone
    problems: list[MetricProblem] = []
    metrics: list[PostMetric] = []
    seen: dict[str, int] = {}
    # This runs for every post of the account's history: the columns are looked up once,
    # and a whole-number cell (what Google and Excel give for a count) is taken as it is.
    counted = [(name, columns[name]) for name in ALL_COUNT_FIELDS if name in columns]
    blank = dict.fromkeys(ALL_COUNT_FIELDS)
    width = len(tab.headers)
    for row in tab.rows:
        cells = row.values if len(row.values) >= width else (*row.values, *[None] * width)
        counts = blank.copy()
        for name, index in counted:
            value = cells[index]
            if value.__class__ is int and value >= 0:
                counts[name] = value
            elif value is not None:
                counts[name] = _count(row, columns, name, tab.title, problems)
        link = _text(row, columns, "link")
        shortcode = _text(row, columns, "shortcode") or shortcode_from_link(link)
        posted_at: dt.datetime | None = None
        has_time = True
        if "posted_at" in columns:
            raw = cells[columns["posted_at"]]
            try:
                posted_at = to_aware(parse_datetime_cell(raw), zone)
            except ParseProblem as e:
                problems.append(_problem(row, columns, "posted_at", str(e), tab.title))
            has_time = _has_clock(raw)
        if shortcode is not None:
            first = seen.setdefault(shortcode, row.number)
            if first != row.number:
                problems.append(
                    _problem(
                        row,
                        columns,
                        "shortcode" if "shortcode" in columns else "link",
                        _(
                            "Post {shortcode} is already on row {first}; this row is left "
                            "out. Delete one of the two rows."
                        ).format(shortcode=shortcode, first=first),
                        tab.title,
                    )
                )
                continue
        metrics.append(
            PostMetric(
                row=row.number,
                shortcode=shortcode,
                link=link,
                posted_at=posted_at,
                type=_text(row, columns, "type"),
                has_time=has_time,
                **counts,
            )
        )
    return metrics, problems


def to_aware(moment: dt.datetime | None, zone: ZoneInfo) -> dt.datetime | None:
    """A naive moment typed in the sheet is wall time in the team's timezone."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=zone)


def _has_clock(raw: Cell) -> bool:
    """Whether a posted_at cell carries a time of day (a bare date does not)."""
    if isinstance(raw, bool) or raw is None:
        return False
    if isinstance(raw, int | float):
        return float(raw) != int(raw)
    return bool(_CLOCK.search(str(raw)))


def _text(row: SheetRow, columns: Mapping[str, int], name: str) -> str | None:
    if name not in columns:
        return None
    value = row.get(columns[name])
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _count(
    row: SheetRow,
    columns: Mapping[str, int],
    name: str,
    tab: str,
    problems: list[MetricProblem],
) -> int | None:
    if name not in columns:
        return None
    try:
        return parse_count(row.get(columns[name]))
    except ParseProblem as e:
        problems.append(_problem(row, columns, name, str(e), tab))
        return None


def _problem(
    row: SheetRow, columns: Mapping[str, int], name: str, message: str, tab: str
) -> MetricProblem:
    column = columns[name]
    return MetricProblem(
        row.number, cell_a1(row.number, column), name, row.get(column), message, tab
    )


# --- writing ----------------------------------------------------------------------------------


def local_text(moment: dt.datetime, zone: ZoneInfo) -> str:
    """'2026-11-16 19:05': an aware moment as wall time in the team's timezone."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")
