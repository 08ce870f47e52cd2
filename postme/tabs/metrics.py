"""Planning what ``collect`` writes into the two metrics tabs (the rules are in
:mod:`postme.metrics`, which reads them): one account snapshot row per day, post rows
upserted by shortcode, a cell that already says the same thing left alone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from postme.config import Settings
from postme.metrics import (
    COUNT_FIELDS,
    POST_FIELDS,
    STORY_COUNT_FIELDS,
    CollectSummary,
    local_text,
    to_aware,
)
from postme.parsing import (
    ParseProblem,
    normalize_label,
    parse_count,
    parse_date,
    parse_datetime_cell,
)
from postme.slots import shortcode_from_link
from postme.stores.base import Cell, SheetRow, Tab, WritePlan, is_blank
from postme.stores.upsert import plan_upsert
from postme.weeks import local_date

if TYPE_CHECKING:
    from postme.instagram.base import AccountSnapshot, Collection, PostRecord


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
    story_fields = [n for n in STORY_COUNT_FIELDS if any(getattr(p, n) is not None for p in posts)]
    headers = [getattr(columns, name) for name in (*POST_FIELDS, *story_fields)]
    keyed = _keyed_tab(plan, tab, columns.shortcode, columns.link)
    index = _key_index(keyed, columns.shortcode) if keyed is not None else {}
    zone = settings.zone
    formats = format_words(settings)
    records: list[dict[str, Cell]] = []
    new = updated = 0
    unique: dict[str, PostRecord] = {}
    for post in posts:
        unique.setdefault(post.shortcode, post)
    for post in sorted(unique.values(), key=lambda p: (p.posted_at, p.shortcode)):
        row = index.get(_key(post.shortcode))
        values: dict[str, Cell] = {
            "shortcode": post.shortcode,
            "link": post.link or None,  # a story has no link
            "posted_at": local_text(post.posted_at, zone),
            "type": post.type,
        }
        if post.caption.strip():
            values["caption"] = post.caption
        for name in (*COUNT_FIELDS, *story_fields):
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
        link_key=(columns.link, shortcode_from_link),  # a row keyed by its link's shortcode
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


def format_words(settings: Settings) -> dict[str, str]:
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
    if name in COUNT_FIELDS or name in STORY_COUNT_FIELDS:
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
