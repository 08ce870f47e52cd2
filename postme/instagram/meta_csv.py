"""An Instagram source read from a Meta Business Suite content-insights CSV export.

Meta Business Suite → Insights → Content → Export gives one row per post (or per story),
with headers in the language of the UI, e.g. ``Post ID, Account username, Description,
Duration (sec), Publish time, Permalink, Post type, Data comment, Date, Views, Reach, Likes,
Shares, Follows, Comments, Saves``; a Story export has ``Profile visits, Replies, Sticker
taps, Navigation, Link clicks`` instead of comments and saves. Columns are matched
case-insensitively through :data:`COLUMN_ALIASES` (English and Indonesian); other columns
are ignored with a note, only a missing required column stops the import. A Facebook Page
export is refused with the way to export Instagram content instead.

``Publish time`` carries no zone. In every real export checked it is US Pacific time, not
the account's: the zone is found per file by comparing it with the creation time encoded
in each post's shortcode (:func:`shortcode_created_at`), and America/Los_Angeles is assumed
(with a note) when no shortcode can tell. The export has no follower count, so the
collection carries no account snapshot; it brings reach, saves and shares.
"""

from __future__ import annotations

import codecs
import csv
import functools
import io
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from postme.errors import InputFileError
from postme.i18n import _
from postme.instagram.base import Collection, PostRecord, extract_hashtags, post_link
from postme.links import account_key, shortcode_from_link
from postme.parsing import ParseProblem, parse_count

# Logical field → header names as Meta writes them (compared after normalising case,
# accents and spaces). Fields in IGNORED_FIELDS are known but not used.
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "post_id": ("Post ID", "ID Postingan", "ID Kiriman"),
    "account_id": ("Account ID", "ID Akun"),
    "account_username": ("Account username", "Nama pengguna akun", "Nama pengguna"),
    "account_name": ("Account name", "Nama akun"),
    "description": ("Description", "Deskripsi", "Keterangan"),
    "duration": ("Duration (sec)", "Duration (secs)", "Durasi (dtk)", "Durasi (detik)"),
    "publish_time": ("Publish time", "Waktu publikasi", "Waktu dipublikasikan"),
    "permalink": ("Permalink", "Tautan permanen"),
    "post_type": ("Post type", "Jenis postingan", "Jenis kiriman"),
    "data_comment": ("Data comment", "Komentar data"),
    "date": ("Date", "Tanggal"),
    "views": ("Views", "Tayangan"),
    "impressions": ("Impressions", "Impresi"),
    "reach": ("Reach", "Jangkauan"),
    "likes": ("Likes", "Suka", "Tanda suka"),
    "shares": ("Shares", "Dibagikan", "Bagikan"),
    "follows": ("Follows", "Ikuti", "Mengikuti"),
    "comments": ("Comments", "Komentar"),
    "saves": ("Saves", "Disimpan", "Simpan"),
    # Story exports.
    "profile_visits": ("Profile visits", "Kunjungan profil"),
    "replies": ("Replies", "Balasan"),
    "sticker_taps": ("Sticker taps", "Ketukan stiker"),
    "navigation": ("Navigation", "Navigasi"),
    "link_clicks": ("Link clicks", "Klik tautan"),
}

# Harmless columns of the export that postme does not use: "Date" is the reporting
# period ("Lifetime"), "Follows" are follows from the post, not the follower count.
IGNORED_FIELDS = frozenset(
    {"post_id", "account_id", "account_name", "duration", "data_comment", "date", "follows"}
    | {"impressions"}
)
REQUIRED_FIELDS = ("publish_time", "permalink")
# Columns only a Story export has; with them, a row is keyed by its Post ID (stories have
# no permalink) and the Permalink column is not required.
STORY_ONLY_FIELDS = frozenset({"replies", "sticker_taps", "navigation"})
STORY_REQUIRED_FIELDS = ("publish_time", "post_id")
STORY_COUNTS = ("replies", "link_clicks", "profile_visits", "sticker_taps", "navigation")
# Headers only a Facebook Page export has.
FACEBOOK_HEADERS = ("Page ID", "Page name", "ID Halaman", "Nama halaman")

PACIFIC = "America/Los_Angeles"
# Zones tried for Publish time, most likely first (a tie goes to the earlier one); the team's
# own zone is tried second. The Etc zones cover any fixed offset.
CANDIDATE_ZONES = (
    PACIFIC,
    "America/Denver",
    "America/Phoenix",
    "America/Chicago",
    "America/New_York",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Sao_Paulo",
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "Asia/Jakarta",
    "Asia/Makassar",
    "Asia/Jayapura",
    "Asia/Kolkata",
    *(f"Etc/GMT{sign}{hours}" for hours in range(1, 13) for sign in ("+", "-")),
)
# A post is published at, or within minutes after, the creation of its media id (a
# scheduled post a little longer). Hours apart means another zone.
_PUBLISHED_AFTER_CREATION = (timedelta(minutes=-10), timedelta(minutes=45))
# A shortcode whose creation time is farther than this from Publish time in any zone is not
# the post's own (made up, or re-used): it is not evidence.
_USABLE_SHORTCODE = timedelta(hours=30)
_SHORTCODE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_MEDIA_ID_EPOCH = datetime(2011, 8, 24, 21, 7, 1, 721000, tzinfo=UTC)
_META_ERROR = re.compile(r"error occurred while computing metadata for content with ID (\d+)", re.I)

_PUBLISH_TIME = re.compile(
    r"^(\d{1,2})/(\d{1,2})/(\d{4})[ T,]+(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?\s*(am|pm)?$",
    re.IGNORECASE,
)
_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?([+-]\d{2}:?\d{2}|Z)?$")


def _normalize(header: str) -> str:
    text = unicodedata.normalize("NFKD", header.replace("\ufeff", ""))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.casefold().split())


_LOOKUP: dict[str, str] = {
    _normalize(alias): field for field, aliases in COLUMN_ALIASES.items() for alias in aliases
}


def _post_type(raw: str) -> str | None:
    """``IG reel`` → reels, ``IG image`` → photo, ``IG carousel`` → carousel, ``IG video``
    → video; None for a story (not a post); raises ValueError when unknown."""
    text = _normalize(raw)
    if "story" in text or "stories" in text or "cerita" in text:
        return None
    if "reel" in text:
        return "reels"
    if "carousel" in text or "korsel" in text or "album" in text:
        return "carousel"
    if "video" in text:
        return "video"
    if any(word in text for word in ("image", "photo", "foto", "gambar")):
        return "photo"
    raise ValueError(raw)


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as err:
        raise InputFileError(
            _("Cannot read the Meta CSV file {path}: {detail}.").format(
                path=path, detail=err.strerror or type(err).__name__
            )
        ) from err
    try:
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return data.decode("utf-16")
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputFileError(
            _(
                "The Meta CSV file {path} is not UTF-8 text. Export it again from Meta "
                "Business Suite without opening and re-saving it in another program."
            ).format(path=path)
        ) from err


def shortcode_created_at(shortcode: str) -> datetime | None:
    """When the post's media id was made: the shortcode is the media id in base 64 and the
    id's bits above the lowest 23 count milliseconds since 2011-08-24 21:07:01.721 UTC.
    None when the text is not a shortcode (longer private shortcodes carry the id in their
    first 11 characters)."""
    media_id = 0
    for char in shortcode[:11]:
        digit = _SHORTCODE_ALPHABET.find(char)
        if digit < 0:
            return None
        media_id = media_id * 64 + digit
    try:
        return _MEDIA_ID_EPOCH + timedelta(milliseconds=media_id >> 23)
    except OverflowError:
        return None


@dataclass(frozen=True)
class PublishZone:
    """The zone ``Publish time`` is written in and the evidence for it: of ``checked``
    shortcodes whose creation time is near the row's Publish time, ``matched`` were created
    within minutes before publishing in this zone. ``checked == 0``: assumed, not detected."""

    zone: str
    checked: int
    matched: int


def detect_publish_zone(
    samples: Sequence[tuple[datetime, datetime]], team_zone: str = PACIFIC
) -> PublishZone:
    """The zone of naive Publish times, from ``(publish time, shortcode creation)`` pairs.

    Each candidate zone (with its own daylight-saving rules, so a file spanning a change is
    right on both sides) is scored by the posts that, read in it, were published at or just
    after their creation; the best wins, ties going to US Pacific and then the team's zone.
    Pacific, unchecked, when no shortcode is usable or fewer than half agree.
    """
    usable = [
        (naive, created)
        for naive, created in samples
        if abs(naive.replace(tzinfo=UTC) - created) <= _USABLE_SHORTCODE
    ]
    if not usable:
        return PublishZone(PACIFIC, 0, 0)
    low, high = _PUBLISHED_AFTER_CREATION
    ordered = [PACIFIC, team_zone, *(z for z in CANDIDATE_ZONES if z not in (PACIFIC, team_zone))]
    best = PublishZone(PACIFIC, len(usable), -1)
    for name in ordered:
        zone = ZoneInfo(name)
        matched = sum(
            1 for naive, created in usable if low <= naive.replace(tzinfo=zone) - created <= high
        )
        if matched > best.matched:
            best = PublishZone(name, len(usable), matched)
    if best.matched * 2 < len(usable):
        return PublishZone(PACIFIC, len(usable), 0)
    return best


@dataclass(frozen=True)
class _Row:
    number: int
    cells: list[str]


class MetaCsvSource:
    """Posts and stories from a Meta Business Suite CSV export (no account snapshot).

    ``timezone`` is the team's zone (named in the notes; records are UTC). ``username``
    keeps only that account's rows when the export holds several (others are counted in a
    note). ``Publish time`` is read in the zone found by :func:`detect_publish_zone`.
    """

    def __init__(
        self, path: Path, timezone: str = "Asia/Jakarta", username: str | None = None
    ) -> None:
        self.path = Path(path)
        try:
            self.zone = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError) as err:
            raise InputFileError(
                _("Unknown timezone {timezone}.").format(timezone=timezone)
            ) from err
        self.timezone = timezone
        self.username = account_key(username) if username else None
        self.publish_zone: PublishZone | None = None  # set by fetch

    def fetch(self, since: datetime, progress: Callable[[int], None] | None = None) -> Collection:
        if since.tzinfo is None:
            raise ValueError("since must be timezone-aware")
        rows = self._rows()
        notes: list[str] = []
        columns = self._columns(rows[0], notes)
        body = [_Row(n, row) for n, row in enumerate(rows[1:], start=2) if any(row)]
        month_first = self._month_first(body, columns)

        def cell(row: _Row, field: str) -> str:
            index = columns.get(field)
            return row.cells[index].strip() if index is not None and index < len(row.cells) else ""

        error_ids: list[str] = []
        other_accounts: dict[str, int] = {}
        accounts: set[str] = set()
        # Row, post type (None: story), Publish time as written: naive (its zone is found
        # below) or aware (ISO with an offset).
        kept: list[tuple[_Row, str | None, datetime, datetime | None]] = []
        samples: list[tuple[datetime, datetime]] = []
        for row in body:
            error = _META_ERROR.search(" ".join(row.cells))
            if error and not cell(row, "publish_time"):
                error_ids.append(error.group(1))
                continue
            raw_type = cell(row, "post_type")
            try:
                post_type = _post_type(raw_type) if raw_type else "photo"
            except ValueError:
                raise self._row_error(row.number, "post_type", raw_type) from None
            publish = self._publish_time(row.number, cell(row, "publish_time"), month_first)
            shortcode = shortcode_from_link(cell(row, "permalink"))
            created = shortcode_created_at(shortcode) if shortcode else None
            if created is not None and publish.tzinfo is None and post_type is not None:
                samples.append((publish, created))  # other accounts' rows are evidence too
            account = account_key(cell(row, "account_username"))
            if self.username and account and account != self.username:
                other_accounts[account] = other_accounts.get(account, 0) + 1
                continue
            if account:
                accounts.add(account)
            kept.append((row, post_type, publish, created))

        publish_zone = detect_publish_zone(samples, self.timezone)
        self.publish_zone = publish_zone
        if any(publish.tzinfo is None for _row, _type, publish, _created in kept):
            notes.append(self._zone_note(publish_zone))
        zone = ZoneInfo(publish_zone.zone)

        records: dict[str, PostRecord] = {}
        stories_without_id = 0
        for count, (row, post_type, publish, created) in enumerate(kept, start=1):
            posted_at = _in_zone(publish, zone, created)
            record = self._record(row, post_type, posted_at, functools.partial(cell, row))
            if record is None:
                stories_without_id += 1
                continue
            if posted_at >= since:
                if record.shortcode in records:
                    notes.append(
                        _(
                            "Row {row}: post {shortcode} appears twice; the later row is kept."
                        ).format(row=row.number, shortcode=record.shortcode)
                    )
                records[record.shortcode] = record
            if progress is not None:
                progress(count)
        notes.extend(self._skipped_notes(error_ids, other_accounts, stories_without_id, accounts))
        notes.append(
            _(
                "A Meta Business Suite export has no follower count: the account metrics "
                "were not updated."
            )
        )
        ordered = sorted(records.values(), key=lambda r: r.posted_at, reverse=True)
        return Collection(
            account=None, posts=tuple(ordered), requests_used=0, complete=True, notes=tuple(notes)
        )

    # --- helpers ---------------------------------------------------------------------------

    def _rows(self) -> list[list[str]]:
        """The file's rows (the delimiter guessed from the first line), blank leading rows
        dropped; raises ``InputFileError`` when nothing is left."""
        text = _read_text(self.path)
        first_line = text.split("\n", 1)[0]
        delimiter = max((",", ";", "\t"), key=first_line.count)
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        while rows and not any(cell.strip() for cell in rows[0]):
            rows.pop(0)
        if not rows:
            raise InputFileError(_("The Meta CSV file {path} is empty.").format(path=self.path))
        return rows

    def _skipped_notes(
        self,
        error_ids: list[str],
        other_accounts: dict[str, int],
        stories_without_id: int,
        accounts: set[str],
    ) -> list[str]:
        """The notes naming the rows that were not read, and several accounts read."""
        notes: list[str] = []
        if error_ids:
            notes.append(
                _(
                    "Meta wrote an error instead of figures in {count} row(s) (content ids "
                    "{ids}); they were skipped. Export again later to get their figures."
                ).format(count=len(error_ids), ids=", ".join(error_ids))
            )
        if other_accounts:
            notes.append(
                _(
                    "{count} row(s) of other accounts ({names}) were not read: [instagram] "
                    "username is {user}."
                ).format(
                    count=sum(other_accounts.values()),
                    names=", ".join(sorted(other_accounts)),
                    user=self.username,
                )
            )
        if stories_without_id:
            notes.append(
                _("{count} story rows without a Post ID were skipped.").format(
                    count=stories_without_id
                )
            )
        if len(accounts) > 1 and not self.username:
            notes.append(
                _("The export holds several accounts ({names}); all were read.").format(
                    names=", ".join(sorted(accounts))
                )
            )
        return notes

    def _record(
        self,
        row: _Row,
        post_type: str | None,
        posted_at: datetime,
        cell: Callable[[str], str],
    ) -> PostRecord | None:
        """The record of one row; None for a story without a Post ID (nothing to key it)."""
        caption = cell("description")
        counts = {
            name: self._count(row.number, name, cell(name))
            for name in ("likes", "comments", "views", "reach", "saves", "shares")
        }
        if post_type is None:
            post_id = cell("post_id")
            if not post_id.isdigit():
                return None
            story_counts = {
                name: self._count(row.number, name, cell(name)) for name in STORY_COUNTS
            }
            # "story-" keeps the 17-digit id text in a sheet (a bare number would be rounded).
            return PostRecord(
                shortcode=f"story-{post_id}",
                link="",
                posted_at=posted_at,
                type="story",
                caption=caption,
                hashtags=extract_hashtags(caption),
                **counts,
                **story_counts,
            )
        shortcode = shortcode_from_link(cell("permalink"))
        if shortcode is None:
            raise self._row_error(row.number, "permalink", cell("permalink"))
        return PostRecord(
            shortcode=shortcode,
            link=post_link(shortcode, post_type),
            posted_at=posted_at,
            type=post_type,
            caption=caption,
            hashtags=extract_hashtags(caption),
            **counts,
        )

    def _zone_note(self, found: PublishZone) -> str:
        if found.checked == 0:
            return _(
                "{path}: no post link to check Publish time against; it was read as "
                "America/Los_Angeles time (Meta writes its exports in US Pacific time) and "
                "converted to the team's time zone {team}."
            ).format(path=self.path.name, team=self.timezone)
        if found.matched == 0:
            return _(
                "{path}: the post links do not agree on the time zone of Publish time; it "
                "was read as America/Los_Angeles time (Meta writes its exports in US Pacific "
                "time) and converted to the team's time zone {team}."
            ).format(path=self.path.name, team=self.timezone)
        return _(
            "{path}: Publish time is {zone} time (checked against the creation time in "
            "{matched} of {checked} post links); converted to the team's time zone {team}."
        ).format(
            path=self.path.name,
            zone=found.zone,
            matched=found.matched,
            checked=found.checked,
            team=self.timezone,
        )

    def _columns(self, header: list[str], notes: list[str]) -> dict[str, int]:
        normalized = {_normalize(name) for name in header}
        if any(_normalize(name) in normalized for name in FACEBOOK_HEADERS):
            raise InputFileError(
                _(
                    "{path} is a Facebook Page export (it has a Page ID column), not an "
                    "Instagram one. In Meta Business Suite → Insights → Content, choose "
                    "Instagram as the platform and export again."
                ).format(path=self.path.name)
            )
        columns: dict[str, int] = {}
        unknown: list[str] = []
        for index, name in enumerate(header):
            key = _normalize(name)
            if not key:
                continue
            field = _LOOKUP.get(key)
            if field is None:
                unknown.append(name.strip())
                continue
            if field in columns:
                raise InputFileError(
                    _('{path}: the column "{column}" appears twice.').format(
                        path=self.path.name, column=name.strip()
                    )
                )
            columns[field] = index
        story = bool(STORY_ONLY_FIELDS & columns.keys())
        required = STORY_REQUIRED_FIELDS if story else REQUIRED_FIELDS
        missing = [COLUMN_ALIASES[field][0] for field in required if field not in columns]
        if missing:
            raise InputFileError(
                _(
                    "{path}: the columns {columns} are missing. Export the content insights "
                    "again from Meta Business Suite (Insights → Content → Export) with all "
                    "columns."
                ).format(path=self.path.name, columns=", ".join(f'"{m}"' for m in missing))
            )
        if unknown:
            notes.append(
                _("{path}: columns postme does not use were ignored: {columns}.").format(
                    path=self.path.name, columns=", ".join(unknown)
                )
            )
        return columns

    def _row_error(self, number: int, field: str, value: str) -> InputFileError:
        return InputFileError(
            _('{path}, row {row}: cannot read "{value}" in the column {column}.').format(
                path=self.path.name, row=number, value=value, column=COLUMN_ALIASES[field][0]
            )
        )

    def _count(self, number: int, field: str, value: str) -> int | None:
        if value in ("", "-", "--"):
            return None
        try:
            return parse_count(value)
        except ParseProblem:
            raise self._row_error(number, field, value) from None

    def _month_first(self, body: list[_Row], columns: dict[str, int]) -> bool:
        """Meta writes ``03/27/2026 06:08`` (month first). Read day-first only when the file
        shows it (a first number above 12) and never contradicts it."""
        index = columns["publish_time"]
        day_first_seen = month_first_seen = False
        for row in body:
            match = (
                _PUBLISH_TIME.match(row.cells[index].strip()) if index < len(row.cells) else None
            )
            if match:
                first, second = int(match.group(1)), int(match.group(2))
                day_first_seen |= first > 12
                month_first_seen |= second > 12
        if day_first_seen and month_first_seen:
            raise InputFileError(
                _(
                    "{path}: the Publish time column mixes month/day and day/month dates. "
                    "Export it again from Meta Business Suite."
                ).format(path=self.path.name)
            )
        return not day_first_seen

    def _publish_time(self, number: int, value: str, month_first: bool) -> datetime:
        """The time as written: naive (its zone is found later) or aware (ISO with offset)."""
        match = _PUBLISH_TIME.match(value)
        try:
            if match:
                first, second, year, hour, minute = (int(match.group(i)) for i in range(1, 6))
                seconds = int(match.group(6) or 0)
                meridiem = (match.group(7) or "").lower()
                if meridiem:
                    if not 1 <= hour <= 12:
                        raise ValueError(value)
                    hour = hour % 12 + (12 if meridiem == "pm" else 0)
                month, day = (first, second) if month_first else (second, first)
                return datetime(year, month, day, hour, minute, seconds)
            if _ISO_TIME.match(value):
                return datetime.fromisoformat(value.replace("Z", "+00:00"))
            raise ValueError(value)
        except ValueError:
            raise self._row_error(number, "publish_time", value) from None


def _in_zone(publish: datetime, zone: ZoneInfo, created: datetime | None) -> datetime:
    """``publish`` (naive: wall time in ``zone``) in UTC. In the hour a daylight-saving
    change repeats, the reading nearer after the shortcode's creation time is taken."""
    if publish.tzinfo is not None:
        return publish.astimezone(UTC)
    first = publish.replace(tzinfo=zone, fold=0).astimezone(UTC)
    second = publish.replace(tzinfo=zone, fold=1).astimezone(UTC)
    if created is None or first == second:
        return first
    return min((first, second), key=lambda moment: abs(moment - created))
