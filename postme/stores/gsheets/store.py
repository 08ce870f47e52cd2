"""The Google Sheets store: gspread's HTTP client + google-auth, kept behind this package.

A weekly run costs four requests (docs/performance.md):

1. ``spreadsheets.batchUpdate`` creating the lock (developer metadata with a fixed
   ``metadataId``) with ``includeSpreadsheetInResponse``: lock and metadata in one;
2. ``values:batchGet`` of every tab the run reads;
3. ``spreadsheets.batchUpdate`` *tagging* each existing row the write updates (row
   developer metadata, which moves with its row) and each such tab's last row, answered
   with the touched tabs' grid once tagged: the keyed intents are resolved against it
   (:func:`postme.stores.upsert.resolve_plan`), whatever people did since request 2.
   With no row to update it is a plain ``values:batchGet`` re-read;
4. one atomic ``spreadsheets.batchUpdate`` opened by *guards* (each tag deleted at its
   row as seen and created again there with its id: Google refuses the whole batch when
   a row moved; :mod:`postme.stores.gsheets.rowtags`), then tabs and grid room,
   ``updateCells`` for rows found by key, ``appendCells`` for new rows (placed by Google
   after the last row when the batch lands), charts, colour scales, the tags' deletion
   and the lock's release. Refused by a guard: nothing was written, back to step 3.

Values are written as typed ``userEnteredValue`` (never parsed: text from outside never
becomes a formula). The lock's release riding in the write is also how a lost answer is
settled: if the lock is gone, the batch was applied (it is atomic); if it is still this
run's, nothing was, and the batch is sent once more. A lost answer to step 3 is sent
again: tags twice over are harmless.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from gspread.exceptions import APIError, NoValidUrlKeyFound
from gspread.urls import SPREADSHEET_BATCH_UPDATE_URL, SPREADSHEETS_API_V4_BASE_URL
from gspread.utils import extract_id_from_url

from postme.errors import ConfigError, CredentialsError, LockBusy, SheetError, TabMissing
from postme.i18n import _
from postme.stores.base import (
    Cell,
    ChartSpec,
    ColorScaleSpec,
    RangeWrite,
    Tab,
    TabRequest,
    WritePlan,
    WriteReport,
    build_tab,
    find_title,
    normalize_header,
    quote_tab,
)
from postme.stores.cells import GOOGLE_CELL_LIMIT
from postme.stores.gsheets import batch, rowtags
from postme.stores.gsheets.credentials import (
    CredentialsKind,
    credentials_file,
    default_oauth_client_file,
    load_oauth_user,
    load_service_account,
    oauth_sign_in,
)
from postme.stores.gsheets.errors import ErrorContext, ErrorTranslator, write_unknown
from postme.stores.gsheets.http import (
    DEFAULT_MAX_TRIES,
    DEFAULT_TIMEOUT,
    AnswerLost,
    RetryingHTTPClient,
    authorized_session,
    check_endpoint,
)
from postme.stores.upsert import (
    ResolvedPlan,
    preview_writes,
    report_of,
    resolve_plan,
    tabs_to_reread,
)

NEW_TAB_ROWS = 1000
NEW_TAB_COLUMNS = 26
GROW_ROWS_MAX = 100_000  # the most rows one growth adds
LOCK_POLL_SECONDS = 5.0
WRITE_LOCK_TTL = 600.0  # a write outside shared_lock takes the lock for this long
REREAD_MARGIN = 200  # rows below the last one read that the re-read also covers
_METADATA_FIELDS = (
    "spreadsheetId,properties.title,developerMetadata,"
    "sheets(properties(sheetId,title,index,gridProperties(rowCount,columnCount)),"
    "charts(chartId,spec.title),conditionalFormats(ranges,gradientRule))"
)
_KEY = re.compile(r"^[A-Za-z0-9_-]{10,}$")

log = logging.getLogger("postme.sheets")


def spreadsheet_key(spreadsheet: str) -> str:
    """The spreadsheet id from an id or from a link copied out of the browser."""
    text = spreadsheet.strip()
    if "/" in text or "key=" in text:
        try:
            return str(extract_id_from_url(text))
        except NoValidUrlKeyFound:
            pass
    elif _KEY.match(text):
        return text
    raise ConfigError(
        _(
            "[sheet] spreadsheet: '{value}' is not a Google Sheets id or link. Copy the "
            "link of the spreadsheet from the browser (https://docs.google.com/spreadsheets"
            "/d/.../edit) or the id between /d/ and /edit."
        ).format(value=text)
    )


class SpreadsheetFull(SheetError):
    """The write would take the spreadsheet past Google's 10,000,000 cells."""


@dataclass
class _SheetInfo:
    sheet_id: int
    title: str
    index: int
    rows: int
    columns: int
    charts: set[str] = field(default_factory=set)
    scales: set[frozenset[int]] = field(default_factory=set)  # columns with a colour scale


class GoogleSheetsStore:
    """A Google spreadsheet, opened lazily on first use.

    ``spreadsheet`` is the id or the browser link. ``credentials`` is
    ``"service_account"`` (``key_file`` is the JSON key, default gspread's
    ``service_account.json``) or ``"oauth"`` (``authorized_user_file`` is the saved
    sign-in, default gspread's ``authorized_user.json``; when it is missing and postme
    runs in a terminal (``interactive``), the browser sign-in runs once with
    ``oauth_client_file`` and saves it; a cron job gets a message instead).
    ``endpoint`` replaces https://sheets.googleapis.com (a local test server).
    ``session`` (a ready ``requests`` session) skips loading credentials, for tests.
    ``pacer`` is called before every HTTP request (see :class:`RetryingHTTPClient`).
    ``lock_wait``: how long :meth:`shared_lock` waits for another run's lock.
    """

    def __init__(
        self,
        spreadsheet: str,
        *,
        credentials: CredentialsKind = "service_account",
        key_file: str | Path | None = None,
        oauth_client_file: str | Path | None = None,
        authorized_user_file: str | Path | None = None,
        endpoint: str | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
        max_tries: int = DEFAULT_MAX_TRIES,
        sleep: Callable[[float], object] = time.sleep,
        session: requests.Session | None = None,
        pacer: Callable[[], object] | None = None,
        lock_wait: float = 0.0,
        clock: Callable[[], float] = time.time,
        interactive: bool | None = None,
    ) -> None:
        if credentials not in ("service_account", "oauth"):
            raise ConfigError(
                _(
                    "[sheet] credentials: '{value}' is not known; use \"service_account\" or "
                    '"oauth".'
                ).format(value=credentials)
            )
        self.key = spreadsheet_key(spreadsheet)
        self.credentials_kind: CredentialsKind = credentials
        self.credentials_file = credentials_file(credentials, key_file, authorized_user_file)
        self.key_file = credentials_file("service_account", key_file, None)
        self.authorized_user_file = credentials_file("oauth", None, authorized_user_file)
        self.oauth_client_file = Path(oauth_client_file or default_oauth_client_file()).expanduser()
        self.endpoint = check_endpoint(endpoint)
        self.timeout = timeout
        self.max_tries = max_tries
        self.sleep = sleep
        self.clock = clock
        self.lock_wait = lock_wait
        self.interactive = interactive
        self._session = session
        self.pacer = pacer
        self._email: str | None = None
        self._client: RetryingHTTPClient | None = None
        self._sheets: dict[str, _SheetInfo] | None = None
        self._title: str | None = None
        self._held: str | None = None  # this run's lock value while it holds the lock
        self._tagged = False  # this run tagged rows: the release deletes the tags too
        self._read_tabs: dict[str, Tab] = {}  # as last read: where charts find headers
        self._errors = ErrorTranslator(
            ErrorContext(
                self.key,
                credentials,
                self.credentials_file,
                self.endpoint,
                timeout,
                lambda: self._client.tries if self._client else 1,
                lambda: self.service_account_email,
            )
        )

    # -- identity

    @property
    def name(self) -> str:
        """The spreadsheet's title once it has been opened, its id before that (no
        request: safe to use in an error message after a failure)."""
        return self._title or self.key

    @property
    def identity(self) -> str:
        return self.key

    @property
    def service_account_email(self) -> str | None:
        """The email to share the spreadsheet with, when it is known."""
        if self._email is None and self.credentials_kind == "service_account":
            try:
                info = json.loads(self.credentials_file.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                return None
            email = info.get("client_email") if isinstance(info, dict) else None
            self._email = str(email) if email else None
        return self._email

    def tab_titles(self) -> list[str]:
        sheets = self._metadata()
        return [s.title for s in sorted(sheets.values(), key=lambda s: s.index)]

    # -- the lock

    def shared_lock(self, owner: str, ttl_seconds: float) -> AbstractContextManager[None]:
        """The spreadsheet's own lock, seen by every postme on every machine: developer
        metadata with a fixed id holding owner, since and expiry. Waits up to
        ``lock_wait`` seconds for another run's lock, then raises LockBusy naming it; a
        lock past its expiry (a crashed run) is taken over. Released by the next write's
        batch, or at the end of the block when nothing was written."""
        return self._lock(owner, ttl_seconds)

    @contextmanager
    def _lock(self, owner: str, ttl_seconds: float) -> Iterator[None]:
        if self._held is not None:  # already held by this run (a nested block)
            yield
            return
        self._acquire(owner, ttl_seconds)
        try:
            yield
        finally:
            if self._held is not None:
                self._release()

    def _acquire(self, owner: str, ttl_seconds: float) -> None:
        token = secrets.token_hex(8)
        give_up = self.clock() + max(self.lock_wait, 0.0)
        while True:
            now = self.clock()
            value = batch.lock_value(owner, token, now, now + ttl_seconds)
            holder = self._try_lock([batch.create_lock(value)], value)
            if holder is None:
                self._held = value
                return
            info = batch.parse_lock(holder)
            if info is None or float(info.get("expires", 0)) < now:  # a crashed run's
                log.info(
                    _("Taking over an expired postme lock on {sheet}.").format(sheet=self.name)
                )
                taken = self._try_lock([batch.delete_lock(holder), batch.create_lock(value)], value)
                if taken is None:
                    self._held = value
                    return
                continue
            if self.clock() >= give_up:
                raise LockBusy(_lock_busy_message(self.name, info, now))
            self.sleep(min(LOCK_POLL_SECONDS, max(give_up - self.clock(), 0.1)))

    def _try_lock(self, requests: list[dict[str, Any]], value: str) -> str | None:
        """Send a lock batch; ``None`` when this run holds the lock now, else the value
        of the lock someone else holds. A lost answer is settled by reading the lock."""
        lost: AnswerLost | None = None
        for _attempt in range(self.max_tries):
            try:
                self._batch(requests)
                return None
            except AnswerLost as error:
                lost = error
                current = self._lock_value()
                if current == value:
                    self._metadata_after_lost_answer()
                    return None
                if current is not None:
                    return current
                requests = requests[-1:]  # not applied: create it again
            except SheetError as error:
                if not _refused(error):
                    raise
                current = self._lock_value()
                if current is None:
                    raise  # refused for another reason than the lock
                return current
        assert lost is not None
        raise self._lost(lost)

    def _metadata_after_lost_answer(self) -> None:
        self._sheets = None
        self._metadata()

    def _lost(self, lost: AnswerLost) -> SheetError:
        """Every answer lost, and the re-read shows nothing was applied."""
        if isinstance(lost.cause, requests.Timeout):
            text = _(
                "Google Sheets did not answer within {seconds} seconds ({tries} tries). "
                "Check the internet connection and try again; nothing was written."
            )
        else:
            text = _(
                "Could not connect to Google Sheets at {host} ({tries} tries). Check the "
                "internet connection and try again; nothing was written."
            )
        return SheetError(
            text.format(
                seconds=f"{self.timeout:g}" if self.timeout else "-",
                host=self.endpoint or "https://sheets.googleapis.com",
                tries=self.max_tries,
            )
        )

    def _lock_value(self) -> str | None:
        """The lock's value as it is now (``None``: nobody holds it)."""
        client = self._http()
        url = (
            f"{SPREADSHEETS_API_V4_BASE_URL}/{self.key}/developerMetadata/{batch.LOCK_METADATA_ID}"
        )
        try:
            with self._errors.google():
                reply = client.request("get", url).json()
        except SheetError as error:
            if (
                isinstance(error.__cause__, APIError)
                and error.__cause__.response.status_code == 404
            ):
                return None
            raise
        return str(reply.get("metadataValue", ""))

    def _release(self) -> None:
        value, self._held = self._held, None
        if value is None:
            return
        requests = [batch.delete_lock(value)]
        if self._tagged:  # a run that stopped after tagging rows: the tags go too
            requests.insert(0, rowtags.delete_tags())
            self._tagged = False
        try:
            self._batch(requests, refresh=False)
        except (SheetError, AnswerLost) as error:
            # The lock expires on its own; the next run takes it over.
            log.warning(
                _(
                    "Could not release the postme lock on {sheet} ({error}); it expires by itself."
                ).format(sheet=self.name, error=error)
            )

    # -- reading

    def read(self, requests: Sequence[TabRequest]) -> dict[str, Tab | None]:
        sheets = self._metadata()
        titles = list(sheets)
        actual: dict[str, str] = {}
        for request in requests:
            found = find_title(titles, request.title)
            if found is None:
                if request.required:
                    raise TabMissing(self._tab_missing(request.title))
                continue
            actual[request.title] = found
        grids = self._grids(list(dict.fromkeys(actual.values())))
        out: dict[str, Tab | None] = {}
        for request in requests:
            found = actual.get(request.title)
            tab = build_tab(found, grids[found], request) if found is not None else None
            if tab is not None:
                self._read_tabs[tab.title] = tab
            out[request.title] = tab
        return out

    def _grids(self, titles: Sequence[str]) -> dict[str, list[list[Cell]]]:
        if not titles:
            return {}
        client = self._http()
        with self._errors.google():
            reply = client.values_batch_get(
                self.key,
                [quote_tab(t) for t in titles],
                params={
                    "valueRenderOption": "UNFORMATTED_VALUE",
                    "dateTimeRenderOption": "SERIAL_NUMBER",
                    "majorDimension": "ROWS",
                },
            )
            value_ranges = reply.get("valueRanges") or []
            if len(value_ranges) != len(titles):
                raise SheetError(self._errors.unexpected())
            return {
                title: _grid(value_range.get("values") or [])
                for title, value_range in zip(titles, value_ranges, strict=True)
            }

    # -- writing

    def write(self, plan: WritePlan) -> WriteReport:
        """Resolve the plan against the tabs as they are now and send it, with the lock's
        release, as one atomic batch. Takes the lock first when the caller does not hold
        it (another run writing now makes this one stop with LockBusy, nothing written)."""
        if plan.is_empty() or self._nothing_to_do(plan):
            return WriteReport()
        if self._held is None:
            with self._lock("postme", WRITE_LOCK_TTL):
                return self._write(plan)
        return self._write(plan)

    def _nothing_to_do(self, plan: WritePlan) -> bool:
        """Only charts, colour scales and tabs that are all there already (a re-run):
        no lock, no request."""
        if plan.intents or plan.ranges:
            return False
        sheets = self._metadata()
        titles = list(sheets)
        if any(find_title(titles, t.title) is None for t in plan.new_tabs):
            return False
        for chart in plan.charts:
            title = find_title(titles, chart.tab)
            if title is not None and chart.title not in sheets[title].charts:
                return False
        for scale in plan.formats:
            title = find_title(titles, scale.tab)
            tab = self._read_tabs.get(title or "")
            if title is None or tab is None:
                continue
            names = [normalize_header(h) for h in tab.headers]
            wanted = [normalize_header(h) for h in scale.headers]
            columns = frozenset(names.index(n) for n in wanted if n in names)
            if columns and columns not in sheets[title].scales:
                return False
        return True

    def _write(self, plan: WritePlan) -> WriteReport:
        token = secrets.token_hex(4)
        for attempt in range(rowtags.TAG_ROUNDS):
            fresh, tags, resolved = self._tag_and_reread(plan, token)
            sheets = self._metadata()
            requests, charts = self._write_requests(plan, resolved, fresh, sheets)
            guards = rowtags.guards(tags, {t: sheets[t].sheet_id for t in tags}, token)
            if self._tagged:
                requests.append(rowtags.delete_tags())
            value = self._held
            if value is not None:
                # The lock guard first: delete this run's lock and create it again. If the
                # lock is no longer this run's (it expired and another run took it over),
                # the delete matches nothing, Google refuses the create and the whole
                # batch: nothing is written. Then the row guards; last, the release.
                requests = [
                    batch.delete_lock(value),
                    batch.create_lock(value),
                    *guards,
                    *requests,
                    batch.delete_lock(value),
                ]
            else:
                requests = [*guards, *requests]
            try:
                self._send_write(requests, value, resolved)
                break
            except SheetError as error:
                if not guards or not _refused(error):
                    raise
                if attempt == rowtags.TAG_ROUNDS - 1:
                    raise SheetError(_rows_kept_moving(tags, rowtags.TAG_ROUNDS)) from error
                # A row guard refused the batch: someone moved rows. Nothing was written.
                log.info(
                    _("Rows of {tabs} moved while postme was writing; looking again.").format(
                        tabs=", ".join(f"'{t}'" for t in sorted(tags))
                    )
                )
        self._held = None
        self._tagged = False
        return report_of(resolved, charts_added=charts)

    def _send_write(
        self, requests: list[dict[str, Any]], value: str | None, resolved: ResolvedPlan
    ) -> None:
        for attempt in range(self.max_tries):
            try:
                self._batch(requests)
                return
            except SheetError as error:
                self._raise_if_lock_lost(error, value)
                raise
            except AnswerLost as lost:
                # The batch is atomic and releases the lock: whether the lock is still
                # this run's says whether it was applied.
                try:
                    current = self._lock_value()
                except SheetError:
                    raise write_unknown(self.name, _describe(resolved)) from None
                if value is None:
                    raise write_unknown(self.name, _describe(resolved)) from None
                if current != value:
                    self._sheets = None  # applied; the metadata is read again when needed
                    return
                if attempt == self.max_tries - 1:
                    raise self._lost(lost) from None

    def _raise_if_lock_lost(self, error: SheetError, value: str | None) -> None:
        """A batch opening with the lock guard was refused: LockBusy when the lock is no
        longer this run's (it expired and another run took it over)."""
        if value is None or not _refused(error):
            return
        holder = self._lock_value()
        if holder is None or holder == value:
            return
        self._held = None  # not ours any more: nothing to release
        info = batch.parse_lock(holder) or {}
        raise LockBusy(_lock_busy_message(self.name, info, self.clock())) from None

    # -- rows on their keys (postme/stores/gsheets/rowtags.py)

    def _tag_and_reread(
        self, plan: WritePlan, token: str
    ) -> tuple[dict[str, Tab | None], dict[str, dict[int, int]], ResolvedPlan]:
        """The touched tabs as they are now, and the plan resolved against them. Each
        existing row the plan updates carries one of this run's tags, and so does each
        such tab's last row (the sentinel). Rows are tagged where the last look saw them;
        the answer shows where the tags are once placed, and a row to update that ended up
        without one (it moved meanwhile) is tagged again. With no row to update, a plain
        re-read."""
        sheets = self._metadata()
        present: dict[str, TabRequest] = {}
        for request in tabs_to_reread(plan):
            title = find_title(list(sheets), request.title)
            if title is not None:
                present[title] = request
        wanted = rowtags.rows_to_update(_retitled(preview_writes(plan), present), present)
        by_position = rowtags.over_budget(wanted)
        fresh: dict[str, Tab | None] = {}
        tags: dict[str, dict[int, int]] = {}
        sentinels: set[str] = set()
        for round_ in range(rowtags.TAG_ROUNDS):
            missing = {
                tab: sorted(rows - set(tags.get(tab, {})) if tab not in by_position else ())
                for tab, rows in wanted.items()
            }
            missing = {t: r for t, r in missing.items() if r or t not in sentinels}
            if missing:
                fresh, tags = self._tag(missing, present, token, first=not round_)
                sentinels |= set(missing)
            elif not fresh and present:
                grids = self._grids(list(present))
                fresh = {t: build_tab(t, grids[t], r) for t, r in present.items()}
            resolved = resolve_plan(plan, fresh, cell_limit=GOOGLE_CELL_LIMIT)
            wanted = rowtags.rows_to_update(resolved.writes, present)
            by_position |= rowtags.over_budget(wanted)
            if all(
                tab in sentinels and (tab in by_position or rows <= set(tags.get(tab, {})))
                for tab, rows in wanted.items()
            ):
                if by_position:
                    log.info(
                        _(
                            "More than {n} rows of {tabs} change in one run: only inserted "
                            "and deleted rows are guarded there, not a sort."
                        ).format(n=rowtags.TAG_BUDGET, tabs=", ".join(sorted(by_position)))
                    )
                return fresh, {t: tags.get(t, {}) for t in wanted}, resolved
        raise SheetError(_rows_kept_moving(wanted, rowtags.TAG_ROUNDS))

    def _tag(
        self,
        missing: Mapping[str, Sequence[int]],
        present: Mapping[str, TabRequest],
        token: str,
        *,
        first: bool,
    ) -> tuple[dict[str, Tab | None], dict[str, dict[int, int]]]:
        """One batchUpdate tagging ``missing`` rows and each such tab's last grid row,
        answered with the touched tabs' grid as it is once applied. The ``first`` one of a
        look deletes every row tag first: a crashed run's would count against Google's
        metadata room. (Grid room for the write comes with the write.)"""
        value = self._held
        for attempt in range(2):
            sheets = self._metadata()
            requests = [rowtags.delete_tags()] if first else []
            requests += [
                rowtags.create_tag(sheets[tab].sheet_id, row, token)
                for tab, rows in missing.items()
                for row in sorted({*rows, sheets[tab].rows})  # the sentinel: the last row
                if row <= sheets[tab].rows
            ]
            if value is not None:  # the lock guard, as in the write
                requests = [batch.delete_lock(value), batch.create_lock(value), *requests]
            body = {
                "requests": requests,
                "includeSpreadsheetInResponse": True,
                "responseIncludeGridData": True,
                "responseRanges": [self._reread_range(t, sheets) for t in present],
            }
            self._tagged = True
            try:
                reply = self._batch_reply(body, rowtags.grid_fields(_METADATA_FIELDS))
                break
            except SheetError as error:
                self._raise_if_lock_lost(error, value)
                if attempt or not _refused(error):
                    raise
                # A person deleted rows since the grid's size was read: a tag fell outside
                # it and Google refused them all. Read the sizes again, tag again.
                self._sheets = None
        spreadsheet = reply["updatedSpreadsheet"]
        self._load_metadata(spreadsheet, only_some=True)
        grids = rowtags.parse_grids(spreadsheet, token)
        # Tags below the rows re-read (the sentinels): where the batch's replies put them.
        titles = {info.sheet_id: title for title, info in (self._sheets or {}).items()}
        for tag in rowtags.created_tags(reply.get("replies") or []):
            sheet_id, row, metadata_id = tag
            title = titles.get(sheet_id)
            if title in grids:
                grids[title].tags.setdefault(row, metadata_id)
        fresh: dict[str, Tab | None] = {}
        tags: dict[str, dict[int, int]] = {}
        for title, request in present.items():
            grid = grids.get(title)
            if grid is None:
                raise SheetError(self._errors.unexpected())
            fresh[title] = build_tab(title, grid.rows, request)
            tags[title] = grid.tags
        return fresh, tags

    def _reread_range(self, title: str, sheets: Mapping[str, _SheetInfo]) -> str:
        """The rows of a tab worth re-reading: those seen when reading, and room for rows
        people appended since (the rest of the grid is empty rows)."""
        seen = self._read_tabs.get(title)
        if seen is None:
            return quote_tab(title)
        last = min(max(seen.last_row, seen.header_row or 1) + REREAD_MARGIN, sheets[title].rows)
        return f"{quote_tab(title)}!1:{last}"

    def _batch_reply(self, body: dict[str, Any], fields: str) -> dict[str, Any]:
        """A batchUpdate whose answer is needed. It only tags rows, harmless twice over,
        so a lost answer is sent again."""
        lost: AnswerLost | None = None
        for _attempt in range(self.max_tries):
            try:
                return self._post_batch(body, fields)
            except AnswerLost as error:
                lost = error
        assert lost is not None
        raise self._lost(lost)

    def _write_requests(  # noqa: C901  # the batch in its documented order, one step each
        self,
        plan: WritePlan,
        resolved: ResolvedPlan,
        fresh: Mapping[str, Tab | None],
        sheets: Mapping[str, _SheetInfo],
    ) -> tuple[list[dict[str, Any]], int]:
        """The atomic batch after the guards: grid room, new tabs, ``updateCells`` at the
        rows as re-read, ``appendCells`` for new rows, charts and colour scales."""
        titles = list(sheets)
        new_tabs = {t.title: t for t in resolved.new_tabs}
        # The headers of each tab once written (new headers land in the header row).
        headers: dict[str, list[str]] = {t: list(h.headers) for t, h in new_tabs.items()}
        header_rows: dict[str, int] = dict.fromkeys(new_tabs, 1)
        # Tabs read earlier in the run (a chart's or colour scale's tab the plan does not
        # write), then the re-read ones, which are newer.
        for title, tab in [*self._read_tabs.items(), *fresh.items()]:
            if tab is not None:
                headers[title] = list(tab.headers)
                header_rows[title] = tab.header_row or 1
        writes: list[RangeWrite] = []
        for write in resolved.writes:
            title = find_title(titles, write.tab) or write.tab
            if title not in sheets and title not in new_tabs:
                raise TabMissing(self._tab_missing(write.tab))
            write = RangeWrite(title, write.row, write.column, write.values, write.append)
            writes.append(write)
            if not write.append and write.row == header_rows.get(title):
                names = headers.setdefault(title, [])
                for offset, value in enumerate(write.values[0]):
                    column = write.column - 1 + offset
                    names.extend([""] * max(0, column + 1 - len(names)))
                    names[column] = str(value or "")
        chart_room = {
            (find_title(titles, c.tab) or c.tab): len(
                headers.get(find_title(titles, c.tab) or c.tab, [])
            )
            + 1
            + batch.CHART_COLUMNS
            for c in plan.charts
        }
        need = _room_needed(writes, fresh)
        for title, room in chart_room.items():
            rows, columns = need.get(title, (0, 0))
            need[title] = (rows, max(columns, room))

        growth: list[dict[str, Any]] = []
        infos = dict(sheets)
        used_ids = {s.sheet_id for s in sheets.values()}
        for title, new in new_tabs.items():
            rows, columns = need.get(title, (1, len(new.headers)))
            info = _SheetInfo(
                _new_sheet_id(used_ids),
                title,
                len(infos),
                max(NEW_TAB_ROWS, 2 * rows),  # room for the next weeks' rows
                max(NEW_TAB_COLUMNS, columns, len(new.headers)),
            )
            infos[title] = info
            growth.append(batch.add_sheet(info.sheet_id, title, info.rows, info.columns))
        for title, (rows, columns) in need.items():
            existing = sheets.get(title)
            if existing is None:
                continue
            if columns > existing.columns:
                growth.append(
                    batch.append_dimension(existing.sheet_id, "COLUMNS", columns - existing.columns)
                )
            if rows > existing.rows:
                # Rows at least double (up to GROW_ROWS_MAX at a time): a tab that gains
                # rows every week then needs growth only now and then.
                length = max(rows - existing.rows, min(existing.rows, GROW_ROWS_MAX))
                growth.append(batch.append_dimension(existing.sheet_id, "ROWS", length))
        self._check_size(sheets, growth)

        cells: list[dict[str, Any]] = [
            batch.update_cells(infos[t].sheet_id, 0, 0, [new.headers])
            for t, new in new_tabs.items()
        ]
        appends: dict[str, dict[int, dict[int, Cell]]] = {}
        for write in writes:
            if write.append:
                rows_of = appends.setdefault(write.tab, {})
                for r, values in enumerate(write.values):
                    row = rows_of.setdefault(write.row + r, {})
                    for c, value in enumerate(values):
                        row[write.column - 1 + c] = value
                continue
            cells.append(
                batch.update_cells(
                    infos[write.tab].sheet_id, write.row - 1, write.column - 1, write.values
                )
            )
        for title, rows_of in appends.items():
            new_rows = [rows_of[n] for n in sorted(rows_of)]
            width = max(max(r, default=-1) for r in new_rows) + 1
            cells.append(
                batch.append_cells(
                    infos[title].sheet_id, [[r.get(c) for c in range(width)] for r in new_rows]
                )
            )
        decorations: list[dict[str, Any]] = []
        for chart in plan.charts:
            request = self._chart_request(chart, infos, headers, header_rows)
            if request is not None:
                decorations.append(request)
        for scale in plan.formats:
            request = self._scale_request(scale, infos, headers, header_rows)
            if request is not None:
                decorations.append(request)
        charts = sum(1 for r in decorations if "addChart" in r)
        return growth + cells + decorations, charts

    def _check_size(
        self, sheets: Mapping[str, _SheetInfo], growth: Sequence[dict[str, Any]]
    ) -> None:
        grids = {s.sheet_id: (s.rows, s.columns) for s in sheets.values()}
        total = batch.cells_after(grids, growth)
        if total <= batch.SPREADSHEET_CELL_LIMIT:
            return
        have = sum(r * c for r, c in grids.values())
        raise SpreadsheetFull(
            _(
                "The spreadsheet {sheet} would need {need} cells but Google allows "
                "{limit} per spreadsheet (it has {have} now). Delete empty rows and columns "
                "or old tabs (or move old weeks to another spreadsheet), then run again; "
                "nothing was written."
            ).format(
                sheet=self.name,
                need=f"{total:,}",
                limit=f"{batch.SPREADSHEET_CELL_LIMIT:,}",
                have=f"{have:,}",
            )
        )

    def add_data_validation(
        self, tab: str, column_index: int, first_row: int, allowed: Sequence[str]
    ) -> None:
        """A drop-down (ONE_OF_LIST) in one column from ``first_row`` (1-based) down;
        ``column_index`` is 0-based. Typing other values is warned about, not refused."""
        sheets = self._metadata()
        title = find_title(list(sheets), tab)
        if title is None:
            raise TabMissing(self._tab_missing(tab))
        rule = {
            "condition": {
                "type": "ONE_OF_LIST",
                "values": [{"userEnteredValue": str(v)} for v in allowed],
            },
            "showCustomUi": True,
            "strict": False,
        }
        grid_range = {
            "sheetId": sheets[title].sheet_id,
            "startRowIndex": first_row - 1,
            "startColumnIndex": column_index,
            "endColumnIndex": column_index + 1,
        }
        try:
            self._batch([{"setDataValidation": {"range": grid_range, "rule": rule}}], refresh=False)
        except AnswerLost:
            raise write_unknown(self.name, _("the tabs {tabs}").format(tabs=f"'{title}'")) from None

    # -- internals

    def _http(self) -> RetryingHTTPClient:
        if self._client is None:
            session = self._session
            if session is None:
                if self.credentials_kind == "service_account":
                    creds = load_service_account(self.credentials_file)
                else:
                    self._sign_in_if_needed()
                    creds = load_oauth_user(self.credentials_file)
                self._email = creds.email
                session = authorized_session(creds.credentials, self.endpoint)
            self._client = RetryingHTTPClient(
                None,
                session,
                max_tries=self.max_tries,
                sleep=self.sleep,
                timeout=self.timeout,
                pacer=self.pacer,
            )
        return self._client

    def _sign_in_if_needed(self) -> None:
        """``credentials = "oauth"`` with no saved sign-in: the browser sign-in runs once
        when a person is at the terminal; a cron job is told to run by hand once."""
        if self.credentials_file.is_file():
            return
        interactive = sys.stdin.isatty() if self.interactive is None else self.interactive
        if not interactive:
            raise CredentialsError(
                _(
                    "No saved Google sign-in at {path}. Run `postme check` once by hand on "
                    "this computer: a browser opens to sign in and the sign-in is saved there "
                    "for the scheduled runs."
                ).format(path=self.credentials_file)
            )
        log.warning(_("Opening a browser to sign in to Google (saved for next time)."))
        oauth_sign_in(self.oauth_client_file, self.credentials_file)

    def _batch(self, requests: list[dict[str, Any]], *, refresh: bool = True) -> None:
        """One ``spreadsheets.batchUpdate``; with ``refresh`` the spreadsheet's metadata
        comes back in the same answer (``includeSpreadsheetInResponse``) and is cached."""
        if not requests:
            return
        body: dict[str, Any] = {"requests": requests}
        fields = None
        if refresh:
            body["includeSpreadsheetInResponse"] = True
            body["responseIncludeGridData"] = False
            fields = "replies,updatedSpreadsheet(" + _METADATA_FIELDS + ")"
        reply = self._post_batch(body, fields)
        if refresh:
            self._load_metadata(reply["updatedSpreadsheet"])

    def _post_batch(self, body: dict[str, Any], fields: str | None) -> dict[str, Any]:
        """Send one batchUpdate body and read its answer (``fields``: the answer's mask)."""
        client = self._http()
        params: dict[str, str | int | bool | float | list[str] | None] = {}
        if fields is not None:
            params["fields"] = fields
        with self._errors.google():
            response = client.request(
                "post", SPREADSHEET_BATCH_UPDATE_URL % self.key, json=body, params=params
            )
            try:
                reply: dict[str, Any] = response.json()
            except ValueError as error:
                # Sent and answered, but the answer cannot be read: as good as lost.
                raise AnswerLost("batchUpdate", error) from error
        return reply

    def _metadata(self) -> dict[str, _SheetInfo]:
        if self._sheets is None:
            client = self._http()
            with self._errors.google():
                reply = client.fetch_sheet_metadata(
                    self.key, params={"includeGridData": "false", "fields": _METADATA_FIELDS}
                )
                self._load_metadata(reply)
        assert self._sheets is not None
        return self._sheets

    def _load_metadata(self, reply: Mapping[str, Any], *, only_some: bool = False) -> None:
        """Cache the tabs of a ``Spreadsheet`` answer. ``only_some``: the answer holds
        just the tabs of its ``responseRanges`` (Google leaves the others out); the
        other tabs are kept as they were."""
        self._title = str(reply["properties"]["title"])
        sheets = dict(self._sheets or {}) if only_some else {}
        for sheet in reply.get("sheets") or []:
            props = sheet["properties"]
            grid = props.get("gridProperties") or {}
            sheets[str(props["title"])] = _SheetInfo(
                int(props.get("sheetId", 0)),
                str(props["title"]),
                int(props.get("index", 0)),
                int(grid.get("rowCount", 0)),
                int(grid.get("columnCount", 0)),
                {
                    str(c.get("spec", {}).get("title"))
                    for c in sheet.get("charts") or []
                    if c.get("spec", {}).get("title")
                },
                {
                    frozenset(int(r.get("startColumnIndex", 0)) for r in f.get("ranges") or [])
                    for f in sheet.get("conditionalFormats") or []
                    if "gradientRule" in f
                },
            )
        self._sheets = sheets

    def _chart_request(
        self,
        chart: ChartSpec,
        infos: Mapping[str, _SheetInfo],
        headers: Mapping[str, Sequence[str]],
        header_rows: Mapping[str, int],
    ) -> dict[str, Any] | None:
        title = find_title(list(infos), chart.tab)
        if title is None:
            log.warning(
                _("Chart '{chart}': tab '{tab}' not found; chart skipped.").format(
                    chart=chart.title, tab=chart.tab
                )
            )
            return None
        info = infos[title]
        if chart.title in info.charts:
            return None
        names = list(headers.get(title, ()))
        columns = {normalize_header(h): i for i, h in reversed(list(enumerate(names)))}
        x = columns.get(normalize_header(chart.x_header))
        series = [columns[n] for h in chart.series_headers if (n := normalize_header(h)) in columns]
        if x is None or not series:
            log.warning(
                _(
                    "Chart '{chart}': columns {columns} not found in tab '{tab}'; chart skipped."
                ).format(
                    chart=chart.title,
                    columns=", ".join([chart.x_header, *chart.series_headers]),
                    tab=chart.tab,
                )
            )
            return None
        # One empty column between the data and the chart: "Diperbarui" stays visible.
        anchor = len(names) + 1
        return batch.add_chart(
            chart, info.sheet_id, header_rows.get(title, 1), names, x, series, anchor
        )

    def _scale_request(
        self,
        scale: ColorScaleSpec,
        infos: Mapping[str, _SheetInfo],
        headers: Mapping[str, Sequence[str]],
        header_rows: Mapping[str, int],
    ) -> dict[str, Any] | None:
        title = find_title(list(infos), scale.tab)
        if title is None:
            return None
        names = [normalize_header(h) for h in headers.get(title, ())]
        columns = [names.index(n) for h in scale.headers if (n := normalize_header(h)) in names]
        if not columns or frozenset(columns) in infos[title].scales:
            return None  # added once: a re-run does not stack a second rule
        return batch.add_color_scale(
            scale, infos[title].sheet_id, header_rows.get(title, 1), columns
        )

    def _tab_missing(self, title: str) -> str:
        # The same words as the .xlsx store's message.
        return _(
            "Tab '{tab}' is not in the spreadsheet (tabs: {tabs}). "
            "Rename the tab back or set its name under [tabs] in the config."
        ).format(tab=title, tabs=", ".join(f"'{t}'" for t in self.tab_titles()))


# ---------------------------------------------------------------- helpers


_PLAIN_CELLS = frozenset({str, int, float, bool, type(None)})


def _grid(values: Sequence[Any]) -> list[list[Cell]]:
    # JSON gives plain cells almost always: a row is checked with one C-level pass over
    # its types and only converted cell by cell when something else turns up.
    return [
        (row if _PLAIN_CELLS.issuperset(map(type, row)) else [_cell(v) for v in row])
        if isinstance(row, list)
        else []
        for row in values
    ]


def _cell(value: Any) -> Cell:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _room_needed(
    writes: Sequence[RangeWrite], fresh: Mapping[str, Tab | None]
) -> dict[str, tuple[int, int]]:
    """Rows and columns each tab needs for these writes (appended rows land after the
    tab's last row as re-read)."""
    need: dict[str, tuple[int, int]] = {}
    appended: dict[str, int] = {}
    for write in writes:
        if not write.values:
            continue
        columns = write.column + max(len(r) for r in write.values) - 1
        if write.append:
            appended[write.tab] = appended.get(write.tab, 0) + len(write.values)
            rows = 0
        else:
            rows = write.row + len(write.values) - 1
        have = need.get(write.tab, (0, 0))
        need[write.tab] = (max(have[0], rows), max(have[1], columns))
    for title, count in appended.items():
        tab = fresh.get(title)
        last = max(tab.last_row, tab.header_row) if tab is not None else 1
        rows, columns = need[title]
        need[title] = (max(rows, last + count), columns)
    return need


def _refused(error: SheetError) -> bool:
    """Google refused the request as invalid (400): in a batch, nothing of it applied."""
    cause = error.__cause__
    return isinstance(cause, APIError) and cause.response.status_code == 400


def _retitled(writes: Sequence[RangeWrite], present: Mapping[str, object]) -> list[RangeWrite]:
    titles = list(present)
    return [
        RangeWrite(title, w.row, w.column, w.values, w.append)
        if (title := find_title(titles, w.tab)) is not None and title != w.tab
        else w
        for w in writes
    ]


def _rows_kept_moving(tabs: Iterable[str], tries: int) -> str:
    return _(
        "Rows of {tabs} kept moving while postme tried to write them ({n} tries): someone "
        "is sorting, inserting or deleting rows right now. Nothing was written; run "
        "postme again in a minute."
    ).format(tabs=", ".join(f"'{t}'" for t in sorted(tabs)), n=tries)


def _new_sheet_id(used: set[int]) -> int:
    while True:
        sheet_id = secrets.randbelow(2**31 - 2) + 1
        if sheet_id not in used:
            used.add(sheet_id)
            return sheet_id


def _describe(resolved: ResolvedPlan) -> str:
    tabs = sorted({w.tab for w in resolved.writes} | {t.title for t in resolved.new_tabs})
    return _("the tabs {tabs}").format(tabs=", ".join(f"'{t}'" for t in tabs) or "-")


def _lock_busy_message(sheet: str, info: Mapping[str, Any], now: float) -> str:
    since = float(info.get("since", now))
    expires = float(info.get("expires", now))
    return _(
        "Another postme run ({owner}) is writing to {sheet} since {since} (its lock expires "
        "in {minutes} min). Wait for it to finish and run again; nothing was written."
    ).format(
        owner=info.get("owner", "?"),
        sheet=sheet,
        since=time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(since)),
        minutes=max(0, round((expires - now) / 60)),
    )
