"""The two metrics tabs (SPEC §3): reading what people typed and planning what ``collect``
writes.

*Account metrics* (default ``Metrik Akun``): one row per snapshot, ``date``, ``followers``,
``following``, ``posts``. *Post metrics* (default ``Metrik Postingan``): one row per post,
keyed by its shortcode. Header names come from ``[account_metrics.columns]`` and
``[post_metrics.columns]``; both tabs are optional and created on the first ``collect``.

Reading: messy values are parsed the Indonesian way (:mod:`postme.parsing`); a cell that
cannot be read becomes a :class:`MetricProblem` naming the cell, never a guess. A
``posted_at`` typed without a timezone is read in the team's timezone.

Writing (:func:`plan_collect`), all by key, never by a row number remembered from an
earlier run:

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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from postme.config import Settings
from postme.i18n import _
from postme.parsing import (
    ParseProblem,
    normalize_label,
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
    WritePlan,
    cell_a1,
    is_blank,
)
from postme.stores.upsert import plan_upsert
from postme.weeks import local_date

if TYPE_CHECKING:  # instaloader is slow to import; only the record types are needed here
    from postme.instagram.base import AccountSnapshot, Collection, PostRecord

COUNT_FIELDS = ("likes", "comments", "views", "reach", "saves", "shares")
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
    for row in tab.rows:
        counts = {name: _count(row, columns, name, tab.title, problems) for name in COUNT_FIELDS}
        link = _text(row, columns, "link")
        shortcode = _text(row, columns, "shortcode") or shortcode_from_link(link)
        posted_at: dt.datetime | None = None
        has_time = True
        if "posted_at" in columns:
            raw = row.get(columns["posted_at"])
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


def plan_collect(
    plan: WritePlan,
    collection: Collection,
    account_tab: Tab | None,
    post_tab: Tab | None,
    settings: Settings,
    collected_at: dt.datetime,
) -> CollectSummary:
    """Add the snapshot row and the post rows of ``collection`` to ``plan`` (see the
    module docstring for the rules). Tabs that do not exist yet are created."""
    snapshot_written = False
    if collection.account is not None:
        snapshot_written = _plan_snapshot(plan, collection.account, account_tab, settings)
    new, updated = _plan_posts(plan, collection.posts, post_tab, settings, collected_at)
    return CollectSummary(snapshot_written, new, updated)


def _plan_snapshot(
    plan: WritePlan, snapshot: AccountSnapshot, tab: Tab | None, settings: Settings
) -> bool:
    columns = settings.account_metrics.columns
    counts = {
        "followers": snapshot.followers,
        "following": snapshot.following,
        "posts": snapshot.posts,
    }
    if all(v is None for v in counts.values()):
        return False
    day = local_date(snapshot.taken_at, settings.zone)
    existing = _row_for_date(tab, columns.date, day)
    record: dict[str, Cell] = {columns.date: day.isoformat()}
    changed = existing is None
    if existing is not None and tab is not None:
        # Keep the date as the person typed it: it is the key of the row to update.
        record[columns.date] = existing.get(_index(tab, columns.date))
    for name, value in counts.items():
        if value is None:
            continue
        header = getattr(columns, name)
        old = _old(tab, existing, header)
        if existing is not None and _count_equal(old, value):
            record[header] = old
        else:
            record[header] = value
            changed = True
    headers = [columns.date, columns.followers, columns.following, columns.posts]
    plan_upsert(plan, settings.tabs.account_metrics, tab, headers, [columns.date], [record])
    return changed


def _index(tab: Tab, header: str) -> int:
    index = tab.column_index(header)
    assert index is not None
    return index


def _old(tab: Tab | None, row: SheetRow | None, header: str) -> Cell:
    if tab is None or row is None:
        return None
    index = tab.column_index(header)
    return row.get(index) if index is not None else None


def _row_for_date(tab: Tab | None, header: str, day: dt.date) -> SheetRow | None:
    """The first row dated ``day`` (however it was typed)."""
    if tab is None:
        return None
    index = tab.column_index(header)
    if index is None:
        return None
    for row in tab.rows:
        try:
            if parse_date(row.get(index)) == day:
                return row
        except ParseProblem:
            continue
    return None


def _plan_posts(
    plan: WritePlan,
    posts: Sequence[PostRecord],
    tab: Tab | None,
    settings: Settings,
    collected_at: dt.datetime,
) -> tuple[int, int]:
    if not posts:
        return 0, 0
    columns = settings.post_metrics.columns
    headers = [getattr(columns, name) for name in POST_FIELDS]
    keyed = _keyed_tab(plan, tab, columns.shortcode, columns.link)
    index = _key_index(keyed, columns.shortcode) if keyed is not None else {}
    zone = settings.zone
    formats = _format_words(settings)
    records: list[dict[str, Cell]] = []
    new = updated = 0
    unique: dict[str, PostRecord] = {}
    for post in posts:
        unique.setdefault(post.shortcode, post)
    for post in sorted(unique.values(), key=lambda p: (p.posted_at, p.shortcode)):
        row = index.get(_key(post.shortcode))
        values: dict[str, Cell] = {
            "shortcode": post.shortcode,
            "link": post.link,
            "posted_at": local_text(post.posted_at, zone),
            "type": post.type,
        }
        if post.caption.strip():
            values["caption"] = post.caption
        for name in COUNT_FIELDS:
            count: int | None = getattr(post, name)
            if count is not None:
                values[name] = count
        record: dict[str, Cell] = {}
        changed = False
        for name, value in values.items():
            header = getattr(columns, name)
            old = _old(keyed, row, header)
            if row is not None and _post_value_equal(name, old, value, zone, formats):
                record[header] = old
            else:
                record[header] = value
                changed = True
        record[columns.collected_at] = local_text(collected_at, zone)
        records.append(record)
        if row is None:
            new += 1
        elif changed:
            updated += 1
    plan_upsert(
        plan,
        settings.tabs.post_metrics,
        tab,
        headers,
        [columns.shortcode],
        records,
        volatile=[columns.collected_at],
        link_key=(columns.link, shortcode_from_link),
    )
    return new, updated


def _keyed_tab(plan: WritePlan, tab: Tab | None, shortcode: str, link: str) -> Tab | None:
    """The tab as the upsert should see it: a row with no shortcode but an Instagram link
    is keyed by the link's shortcode. When the tab has no shortcode column at all, its
    header is added to the plan here and the column appended to the tab seen."""
    if tab is None or not tab.headers:
        return tab
    link_index = tab.column_index(link)
    code_index = tab.column_index(shortcode)
    headers = tab.headers
    if code_index is None:
        code_index = len(headers)
        headers = (*headers, shortcode)
    rows: list[SheetRow] = []
    for row in tab.rows:
        values = list(row.values) + [None] * max(0, code_index + 1 - len(row.values))
        if is_blank(values[code_index]) and link_index is not None:
            link_value = row.get(link_index)
            if isinstance(link_value, str):
                values[code_index] = shortcode_from_link(link_value)
        rows.append(SheetRow(row.number, tuple(values)))
    return replace(tab, headers=headers, rows=tuple(rows))


def _key(value: Cell) -> str:
    # The same normalisation as postme.stores.upsert uses for keys.
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip().casefold()


def _key_index(tab: Tab, header: str) -> dict[str, SheetRow]:
    index: dict[str, SheetRow] = {}
    column = tab.column_index(header)
    if column is None:
        return index
    for row in tab.rows:
        key = _key(row.get(column))
        if key:
            index.setdefault(key, row)
    return index


def _format_words(settings: Settings) -> dict[str, str]:
    words: dict[str, str] = {}
    for canonical, aliases in settings.formats.items():
        for word in (canonical, *aliases):
            words[normalize_label(word)] = canonical
    return words


def _count_equal(old: Cell, new: int) -> bool:
    try:
        return parse_count(old) == new
    except ParseProblem:
        return False


def _post_value_equal(
    name: str, old: Cell, new: Cell, zone: ZoneInfo, formats: Mapping[str, str]
) -> bool:
    """Whether the cell already says ``new``, perhaps written another way."""
    if is_blank(old):
        return is_blank(new)
    if name in COUNT_FIELDS:
        return isinstance(new, int) and _count_equal(old, new)
    if name == "link":
        return (
            isinstance(old, str)
            and isinstance(new, str)
            and (old.strip() == new or shortcode_from_link(old) == shortcode_from_link(new))
        )
    if name == "posted_at":
        try:
            moment = to_aware(parse_datetime_cell(old), zone)
        except ParseProblem:
            return False
        return moment is not None and local_text(moment, zone) == new
    if name == "type":
        old_key = normalize_label(old)
        return formats.get(old_key, old_key) == formats.get(normalize_label(new), new)
    if name == "shortcode":
        return _key(old) == _key(new)
    return isinstance(old, str) and isinstance(new, str) and old.strip() == new.strip()
