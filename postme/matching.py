"""Calendar rows against Instagram posts, and which rows were missed: the one rule, used by
the slot checks (``not-found``, ``off-plan``, ``missed``) and by the weekly analysis
(each post's programme, the ``missed`` figure), so both always agree.

Matching, in three passes, each one-to-one between a post and a row:

1. by link: a row (any date, any stage) whose link is a post link (``postme.links``)
   with a post's shortcode. Every such row counts as matched; each post belongs to the
   first of them in sheet order.
2. by day: a post left over ↔ a published row left over on the post's date in the
   team's timezone (rows by time, untimed last, then row number; posts by time).
3. by day, loosely: a post still left over ↔ any other row left over that day that is
   neither cancelled nor a live (the team posted but did not update the status).

A story row pairs only with a story post and a story post only with a story row (a
story is not a feed post). A post's moment without a timezone is wall time in the
team's timezone, as in the posts tab.

Missed: a row dated from ``start`` up to ``as_of`` whose due moment has passed and whose
stage is neither published nor cancelled. Due = the row's date and time plus ``grace``;
a row without a time is due at the end of its day (plus grace). The reference moment is
``now`` when given (a real run), else the end of ``as_of``, when rows dated on
``as_of`` itself are never missed (the time of day is unknown).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol
from zoneinfo import ZoneInfo

from postme.calendar import Calendar, CalendarEntry
from postme.links import shortcode_from_link

# A post's date in its own timezone is at most this far from its date in the team's (UTC
# offsets run from -12 to +14 hours): a cheap first filter on dates, before converting.
POST_DATE_MARGIN = dt.timedelta(days=2)
# Formats with no post of their own to find: a live not kept as a replay, a story.
NO_FEED_POST_FORMATS = frozenset({"live", "story"})
_STORY = "story"


class PostLike(Protocol):
    """What matching needs from a post (``postme.metrics.PostMetric`` fits). A ``type``
    attribute, when the post has one, tells stories apart."""

    @property
    def shortcode(self) -> str | None: ...

    @property
    def link(self) -> str | None: ...

    @property
    def posted_at(self) -> dt.datetime | None: ...


def local_moment(moment: dt.datetime | None, zone: ZoneInfo) -> dt.datetime | None:
    """``moment`` in the team's timezone (a naive one is already the team's wall time)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=zone)
    return moment.astimezone(zone)


def post_shortcode(post: PostLike) -> str | None:
    """The post's shortcode, or the one in its link."""
    return post.shortcode or shortcode_from_link(post.link)


def needs_post(entry: CalendarEntry) -> bool:
    """Whether a published row must have a post to find (stories and lives need none)."""
    return entry.stage == "published" and entry.format not in NO_FEED_POST_FORMATS


@dataclass(frozen=True)
class PostMatch:
    """The result of :func:`match_posts` (or :func:`match_calendar`). Posts are named by
    their index in the list given.

    ``entry_of_post``: post → the calendar row it belongs to (after all passes);
    ``row_of_post``: the same by row number; ``confirmed_rows``: rows matched in passes
    1–2 (by link, or published with a post that day), the ones ``not-found`` is not
    reported for; ``matched_rows``: every matched row; ``moments``: each post's moment in
    the team's timezone."""

    entry_of_post: Mapping[int, CalendarEntry]
    confirmed_rows: frozenset[int]
    matched_rows: frozenset[int]
    moments: tuple[dt.datetime | None, ...]

    @property
    def row_of_post(self) -> Mapping[int, int]:
        return {index: entry.row for index, entry in self.entry_of_post.items()}

    def unmatched_posts(self) -> list[int]:
        return [i for i in range(len(self.moments)) if i not in self.entry_of_post]


def match_posts(
    entries: Sequence[CalendarEntry], posts: Sequence[PostLike], zone: ZoneInfo
) -> PostMatch:
    """Match ``posts`` to calendar ``entries`` (see the module docstring)."""
    moments, by_code = _moments_and_codes(posts, zone)
    return _match(entries, posts, moments, by_code)


def match_calendar(calendar: Calendar, posts: Sequence[PostLike], zone: ZoneInfo) -> PostMatch:
    """:func:`match_posts` against the whole calendar, the same result, but only the rows
    that can match one of ``posts`` are looked at: pass 1 needs the rows linking to a
    post, passes 2–3 the rows dated on a post's day (``Calendar.rows_for``). At 10k rows
    that is a few hundred rows for a week's posts, not the whole calendar."""
    moments, by_code = _moments_and_codes(posts, zone)
    days = {moment.date() for moment in moments if moment is not None}
    return _match(calendar.rows_for(days, by_code), posts, moments, by_code)


def _moments_and_codes(
    posts: Sequence[PostLike], zone: ZoneInfo
) -> tuple[tuple[dt.datetime | None, ...], dict[str, list[int]]]:
    """Each post's moment in the team's timezone; shortcode → the posts with it."""
    moments = tuple(local_moment(post.posted_at, zone) for post in posts)
    by_code: dict[str, list[int]] = defaultdict(list)
    for index, post in enumerate(posts):
        code = post_shortcode(post)
        if code:
            by_code[code].append(index)
    return moments, by_code


def _match(
    entries: Sequence[CalendarEntry],
    posts: Sequence[PostLike],
    moments: tuple[dt.datetime | None, ...],
    by_code: Mapping[str, list[int]],
) -> PostMatch:
    stories = {i for i, post in enumerate(posts) if getattr(post, "type", None) == _STORY}
    entry_of_post: dict[int, CalendarEntry] = {}
    matched_rows: set[int] = set()
    # Pass 1: by the link's shortcode, any date, any stage.
    for entry in entries:
        code = entry.link_shortcode
        if code and code in by_code:
            matched_rows.add(entry.row)
            for index in by_code[code]:
                entry_of_post.setdefault(index, entry)

    spare: dict[dt.date, list[int]] = defaultdict(list)
    timed = sorted(
        (i for i in range(len(posts)) if moments[i] is not None and i not in entry_of_post),
        key=lambda i: moments[i] or dt.datetime.min,
    )
    for index in timed:
        moment = moments[index]
        assert moment is not None
        spare[moment.date()].append(index)

    def pair(rows: Iterable[CalendarEntry]) -> None:
        # Only rows on a day with a post left can pair: sort those, not the whole calendar.
        candidates = [e for e in rows if e.date in spare]
        ordered = sorted(candidates, key=lambda e: (e.time is None, e.time or dt.time.min, e.row))
        for entry in ordered:
            if entry.row in matched_rows or entry.date is None:
                continue
            left = spare.get(entry.date)
            story_row = entry.format == _STORY
            chosen = next((i for i in left or () if (i in stories) == story_row), None)
            if left and chosen is not None:
                left.remove(chosen)
                entry_of_post[chosen] = entry
                matched_rows.add(entry.row)

    # Pass 2: published rows ↔ posts that day; pass 3: any other live row that day.
    pair(e for e in entries if e.stage == "published")
    confirmed = frozenset(matched_rows)
    pair(e for e in entries if e.stage not in ("published", "cancelled") and e.format != "live")
    return PostMatch(entry_of_post, confirmed, frozenset(matched_rows), moments)


def missed_rows(
    entries: Iterable[CalendarEntry],
    *,
    start: dt.date,
    as_of: dt.date,
    now: dt.datetime | None,
    zone: ZoneInfo,
    grace: dt.timedelta,
) -> list[CalendarEntry]:
    """The rows missed from ``start`` up to ``as_of`` (see the module docstring)."""
    if now is None:
        reference = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time.min, zone)
    else:
        reference = now if now.tzinfo is not None else now.replace(tzinfo=zone)
    found = []
    for entry in entries:
        day = entry.date
        if day is None or not start <= day <= as_of:
            continue
        if entry.stage in ("published", "cancelled") or (day == as_of and now is None):
            continue
        if entry.time is not None:
            due = dt.datetime.combine(day, entry.time, zone)
        else:
            due = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, zone)
        if reference > due + grace:
            found.append(entry)
    return found
