"""An Instagram source read from a Meta Business Suite post-insights CSV export.

Meta Business Suite → Insights → Content → Export gives one row per post, with headers
in the language of the UI, e.g. ``Post ID, Account username, Description, Duration (sec),
Publish time, Permalink, Post type, Date, Views, Reach, Likes, Shares, Follows, Comments,
Saves``. Columns are matched case-insensitively through :data:`COLUMN_ALIASES` (English
and Indonesian); a column that is not known stops the import with its name, because a
renamed column would otherwise be read as the wrong figure. The export has no follower
count, so the collection carries no account snapshot; it brings reach, saves and shares.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from postme.errors import InputFileError
from postme.i18n import _
from postme.instagram.base import Collection, PostRecord, extract_hashtags, post_link
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
}

# Harmless columns of the export that postme does not use: "Date" is the reporting
# period ("Lifetime"), "Follows" are follows from the post, not the follower count.
IGNORED_FIELDS = frozenset(
    {"post_id", "account_id", "account_name", "duration", "data_comment", "date", "follows"}
    | {"impressions"}
)
REQUIRED_FIELDS = ("publish_time", "permalink")

_SHORTCODE = re.compile(
    r"instagram\.com/(?:[A-Za-z0-9_.]+/)?(?:p|reel|reels|tv)/([A-Za-z0-9_-]{5,})", re.IGNORECASE
)
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


class MetaCsvSource:
    """Posts from a Meta Business Suite CSV export (no account snapshot).

    ``timezone`` is the account's timezone: ``Publish time`` is local time in the export.
    ``username`` keeps only that account's rows when the export holds several.
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
        self.username = username.lower().lstrip("@") if username else None

    def fetch(self, since: datetime, progress: Callable[[int], None] | None = None) -> Collection:
        if since.tzinfo is None:
            raise ValueError("since must be timezone-aware")
        text = _read_text(self.path)
        first_line = text.split("\n", 1)[0]
        delimiter = max((",", ";", "\t"), key=first_line.count)
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        while rows and not any(cell.strip() for cell in rows[0]):
            rows.pop(0)
        if not rows:
            raise InputFileError(_("The Meta CSV file {path} is empty.").format(path=self.path))
        columns = self._columns(rows[0])
        body = [(number, row) for number, row in enumerate(rows[1:], start=2) if any(row)]
        month_first = self._month_first(body, columns)

        records: dict[str, PostRecord] = {}
        notes: list[str] = []
        stories = 0
        accounts: set[str] = set()
        for count, (number, row) in enumerate(body, start=1):

            def cell(field: str, row: list[str] = row) -> str:
                index = columns.get(field)
                return row[index].strip() if index is not None and index < len(row) else ""

            account = cell("account_username").lower().lstrip("@")
            if self.username and account and account != self.username:
                continue
            if account:
                accounts.add(account)
            raw_type = cell("post_type")
            try:
                post_type = _post_type(raw_type) if raw_type else "photo"
            except ValueError:
                raise self._row_error(number, "post_type", raw_type) from None
            if post_type is None:
                stories += 1
                continue
            match = _SHORTCODE.search(cell("permalink"))
            if match is None:
                raise self._row_error(number, "permalink", cell("permalink"))
            shortcode = match.group(1)
            posted_at = self._publish_time(number, cell("publish_time"), month_first)
            caption = cell("description")
            record = PostRecord(
                shortcode=shortcode,
                link=post_link(shortcode, post_type),
                posted_at=posted_at,
                type=post_type,
                likes=self._count(number, "likes", cell("likes")),
                comments=self._count(number, "comments", cell("comments")),
                views=self._count(number, "views", cell("views")),
                caption=caption,
                hashtags=extract_hashtags(caption),
                reach=self._count(number, "reach", cell("reach")),
                saves=self._count(number, "saves", cell("saves")),
                shares=self._count(number, "shares", cell("shares")),
            )
            if posted_at >= since:
                if shortcode in records:
                    notes.append(
                        _(
                            "Row {row}: post {shortcode} appears twice; the later row is kept."
                        ).format(row=number, shortcode=shortcode)
                    )
                records[shortcode] = record
            if progress is not None:
                progress(count)
        if stories:
            notes.append(
                _("{count} story rows were skipped (stories are not posts).").format(count=stories)
            )
        if len(accounts) > 1 and not self.username:
            notes.append(
                _("The export holds several accounts ({names}); all were read.").format(
                    names=", ".join(sorted(accounts))
                )
            )
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

    def _columns(self, header: list[str]) -> dict[str, int]:
        columns: dict[str, int] = {}
        for index, name in enumerate(header):
            key = _normalize(name)
            if not key:
                continue
            field = _LOOKUP.get(key)
            if field is None:
                known = ", ".join(aliases[0] for aliases in COLUMN_ALIASES.values())
                raise InputFileError(
                    _(
                        '{path}: unknown column "{column}". postme knows these columns (and '
                        "their Indonesian names): {known}. Export the post insights again from "
                        "Meta Business Suite, or remove that column."
                    ).format(path=self.path.name, column=name.strip(), known=known)
                )
            if field in columns:
                raise InputFileError(
                    _('{path}: the column "{column}" appears twice.').format(
                        path=self.path.name, column=name.strip()
                    )
                )
            columns[field] = index
        for field in REQUIRED_FIELDS:
            if field not in columns:
                raise InputFileError(
                    _(
                        '{path}: the column "{column}" is missing. Export it again from Meta '
                        "Business Suite with that column."
                    ).format(path=self.path.name, column=COLUMN_ALIASES[field][0])
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

    def _month_first(self, body: list[tuple[int, list[str]]], columns: dict[str, int]) -> bool:
        """Meta writes ``03/27/2026 06:08`` (month first). Read day-first only when the file
        shows it (a first number above 12) and never contradicts it."""
        index = columns["publish_time"]
        day_first_seen = month_first_seen = False
        for _number, row in body:
            match = _PUBLISH_TIME.match(row[index].strip()) if index < len(row) else None
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
                local = datetime(year, month, day, hour, minute, seconds, tzinfo=self.zone)
            elif _ISO_TIME.match(value):
                parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
                local = parsed if parsed.tzinfo else parsed.replace(tzinfo=self.zone)
            else:
                raise ValueError(value)
        except ValueError:
            raise self._row_error(number, "publish_time", value) from None
        return local.astimezone(UTC)
