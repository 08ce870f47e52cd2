"""The Google Sheets store: gspread's HTTP client + google-auth, kept behind this module.

One run costs one ``spreadsheets.get`` (metadata, cached), one ``values:batchGet`` for
every tab it reads and one ``values:batchUpdate`` for everything it writes, plus one
``spreadsheets.batchUpdate`` only when a tab, a chart or grid room must be added
(SPEC §8). Values are written RAW, so text from outside never becomes a formula.

gspread's own ``BackOffHTTPClient`` retries without a bound and gspread sets no timeout,
so :class:`RetryingHTTPClient` retries 429/5xx and dropped connections a few times with
backoff (honouring ``Retry-After``) and every request has a timeout.
"""

from __future__ import annotations

import json
import logging
import math
import re
import secrets
import time
from collections.abc import Callable, Iterator, Mapping, MutableMapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import requests
from gspread.auth import get_config_dir
from gspread.exceptions import APIError, NoValidUrlKeyFound, SpreadsheetNotFound
from gspread.http_client import FileType, HTTPClient, ParamsType
from gspread.utils import extract_id_from_url

from postme.errors import (
    ConfigError,
    CredentialsError,
    SheetAccessDenied,
    SheetError,
    SheetNotFound,
    TabMissing,
)
from postme.i18n import _
from postme.secrets import register_secret, register_secrets
from postme.stores.base import (
    Cell,
    ChartSpec,
    RangeWrite,
    Tab,
    TabRequest,
    WritePlan,
    build_tab,
    normalize_header,
    quote_tab,
)

GOOGLE_SHEETS_URL = "https://sheets.googleapis.com"
GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token"
SCOPES = ("https://www.googleapis.com/auth/spreadsheets",)
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_TRIES = 4
NEW_TAB_ROWS = 1000
GROW_ROWS_MAX = 100_000  # the most rows one growth adds (10M cells per spreadsheet)
NEW_TAB_COLUMNS = 26
_METADATA_FIELDS = (
    "spreadsheetId,properties.title,"
    "sheets(properties(sheetId,title,index,gridProperties(rowCount,columnCount)),"
    "charts(chartId,spec.title))"
)
_KEY = re.compile(r"^[A-Za-z0-9_-]{10,}$")

CredentialsKind = Literal["service_account", "oauth"]
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


def default_file(name: str) -> Path:
    """gspread's default place for ``name``: ``~/.config/gspread/`` (``%APPDATA%\\gspread``
    on Windows), looked up now rather than when gspread was imported."""
    return Path(get_config_dir()) / name


# ---------------------------------------------------------------- HTTP: retries


class RetryingHTTPClient(HTTPClient):
    """gspread's HTTP client with a bounded number of tries.

    429 and 5xx answers, dropped connections and timeouts are tried again, at most
    ``max_tries`` times in all, waiting ``Retry-After`` when Google sends one and
    1 s, 2 s, 4 s ... (up to ``max_delay``) otherwise. Then the error is raised.
    ``pacer``, when given, is called before every request (each try counts against
    Google's quota): it may wait, e.g. a city run's shared per-credential limit.
    """

    def __init__(
        self,
        auth: Any,
        session: requests.Session | None = None,
        *,
        max_tries: int = DEFAULT_MAX_TRIES,
        sleep: Callable[[float], object] = time.sleep,
        timeout: float | None = DEFAULT_TIMEOUT,
        base_delay: float = 1.0,
        max_delay: float = 60.0,
        pacer: Callable[[], object] | None = None,
    ) -> None:
        super().__init__(auth, session)
        self.max_tries = max(1, max_tries)
        self.pacer = pacer
        self.sleep = sleep
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.tries = 0  # tries used by the last request
        self.set_timeout(timeout)

    def request(
        self,
        method: str,
        endpoint: str,
        params: ParamsType | None = None,
        data: bytes | None = None,
        json: Mapping[str, Any] | None = None,
        files: FileType = None,
        headers: MutableMapping[str, str] | None = None,
    ) -> requests.Response:
        self.tries = 0
        while True:
            self.tries += 1
            if self.pacer is not None:
                self.pacer()
            try:
                response = super().request(method, endpoint, params, data, json, files, headers)
                _remember_token(response)
                return response
            except APIError as error:
                _remember_token(error.response)
                status = error.response.status_code
                if not _retryable_status(status) or self.tries >= self.max_tries:
                    raise
                wait = _retry_after(error.response)
                reason = _("answer {status}").format(status=status)
            except (requests.ConnectionError, requests.Timeout) as error:
                if self.tries >= self.max_tries:
                    raise
                wait = None
                reason = (
                    _("no answer in time")
                    if isinstance(error, requests.Timeout)
                    else _("connection failed")
                )
            delay = self._delay(wait)
            log.info(
                _(
                    "Google Sheets {call}: {reason}; trying again in {delay} s (try {n} of {max})"
                ).format(
                    call=_call_name(method, endpoint),
                    reason=reason,
                    delay=f"{delay:.1f}",
                    n=self.tries + 1,
                    max=self.max_tries,
                )
            )
            self.sleep(delay)

    def _delay(self, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.max_delay)
        return float(min(self.base_delay * 2 ** (self.tries - 1), self.max_delay))


def _remember_token(response: requests.Response) -> None:
    """Mask the access token this request carried wherever it might be shown later."""
    request = getattr(response, "request", None)
    value = request.headers.get("Authorization", "") if request is not None else ""
    if isinstance(value, str) and value.lower().startswith("bearer "):
        register_secret(value[7:].strip())


def _retryable_status(status: int) -> bool:
    return status in (408, 429) or 500 <= status <= 599


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return moment.timestamp() - time.time()


def _call_name(method: str, endpoint: str) -> str:
    path = urlsplit(endpoint).path
    for name in ("values:batchGet", "values:batchUpdate", "values:batchClear", ":batchUpdate"):
        if path.endswith(name):
            return name.lstrip(":")
    if "/values/" in path:
        return f"{method.upper()} values"
    return "spreadsheets.get" if method.lower() == "get" else method.upper()


# ---------------------------------------------------------------- HTTP: session


class _EndpointAdapter(requests.adapters.HTTPAdapter):
    """Sends traffic for ``prefix`` (https://sheets.googleapis.com) to another endpoint."""

    def __init__(self, endpoint: str, prefix: str = GOOGLE_SHEETS_URL) -> None:
        super().__init__()
        self.endpoint = endpoint
        self.prefix = prefix

    def send(
        self, request: requests.PreparedRequest, *args: Any, **kwargs: Any
    ) -> requests.Response:
        url = request.url or ""
        if url.startswith(self.prefix):
            request.url = self.endpoint + url[len(self.prefix) :]
        return super().send(request, *args, **kwargs)


def authorized_session(credentials: Any, endpoint: str | None = None) -> requests.Session:
    """A google-auth ``AuthorizedSession``, its Sheets traffic sent to ``endpoint`` when
    one is given (gspread's documented seam: ``Client(auth=None, session=...)``)."""
    from google.auth.transport.requests import AuthorizedSession, Request

    token_session = requests.Session()
    if endpoint:
        token_session.trust_env = False  # a local server: no proxies from the environment
        # OAuth user sign-ins always refresh at Google's token endpoint (google-auth
        # ignores the file's token_uri); send that to the endpoint's /token as well.
        token_session.mount(
            GOOGLE_TOKEN_URL, _EndpointAdapter(endpoint + "/token", GOOGLE_TOKEN_URL)
        )
    session: requests.Session = AuthorizedSession(  # type: ignore[no-untyped-call]
        credentials, auth_request=Request(token_session)
    )
    if endpoint:
        session.trust_env = False
        session.mount(GOOGLE_SHEETS_URL, _EndpointAdapter(endpoint))
    return session


def _check_endpoint(endpoint: str | None) -> str | None:
    if not endpoint:
        return None
    endpoint = endpoint.strip().rstrip("/")
    parts = urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(
            _(
                "[sheet] endpoint: '{value}' is not a web address. Leave it unset for Google, "
                "or give one like http://127.0.0.1:8080."
            ).format(value=endpoint)
        )
    return endpoint


# ---------------------------------------------------------------- credentials


@dataclass(frozen=True)
class _Credentials:
    credentials: Any
    email: str | None


def load_service_account(path: Path) -> _Credentials:
    """Read a service-account key file; every problem becomes a CredentialsError."""
    from google.oauth2 import service_account

    info = _read_json_file(path, kind="service_account")
    if info.get("type") != "service_account":
        raise CredentialsError(
            _(
                "{path} is not a service-account key (its \"type\" is '{type}'). In Google "
                "Cloud Console open IAM & Admin → Service Accounts → your account → Keys → "
                "Add key → JSON, and save that file here. For a personal Google sign-in set "
                'credentials = "oauth".'
            ).format(path=path, type=info.get("type", "-"))
        )
    missing = [k for k in ("client_email", "private_key", "token_uri") if not info.get(k)]
    if missing:
        raise CredentialsError(
            _(
                "The service-account key {path} has no {fields}. Download a new JSON key for "
                "the service account and save it here."
            ).format(path=path, fields=", ".join(missing))
        )
    try:
        credentials = service_account.Credentials.from_service_account_info(  # type: ignore[no-untyped-call]
            info, scopes=list(SCOPES)
        )
    except (ValueError, TypeError, KeyError, IndexError):
        raise CredentialsError(
            _(
                "The private key in {path} could not be read; the file is damaged. Download "
                "a new JSON key for the service account and save it here."
            ).format(path=path)
        ) from None
    register_secrets(info.get("private_key"), info.get("private_key_id"))
    return _Credentials(credentials, str(info["client_email"]))


def load_oauth_user(path: Path) -> _Credentials:
    """Read a saved OAuth sign-in (gspread's ``authorized_user.json``)."""
    from google.oauth2.credentials import Credentials

    info = _read_json_file(path, kind="oauth")
    missing = [k for k in ("refresh_token", "client_id", "client_secret") if not info.get(k)]
    if missing:
        raise CredentialsError(
            _(
                "{path} is not a saved Google sign-in (it has no {fields}). Delete it and "
                "sign in again with gspread.oauth()."
            ).format(path=path, fields=", ".join(missing))
        )
    try:
        credentials = Credentials.from_authorized_user_info(info)  # type: ignore[no-untyped-call]
    except (ValueError, TypeError, KeyError):
        raise CredentialsError(
            _("{path} could not be read as a Google sign-in. Delete it and sign in again.").format(
                path=path
            )
        ) from None
    register_secrets(info.get("refresh_token"), info.get("client_secret"), info.get("token"))
    email = info.get("account") or None
    return _Credentials(credentials, str(email) if email else None)


def oauth_sign_in(
    oauth_client_file: str | Path | None = None, authorized_user_file: str | Path | None = None
) -> Path:
    """Sign in with a browser once (gspread's local-server flow) and save the sign-in
    where :class:`GoogleSheetsStore` with ``credentials="oauth"`` reads it. Interactive:
    never call it from a cron job."""
    from gspread.auth import local_server_flow, store_credentials

    client_file = Path(oauth_client_file or default_file("credentials.json")).expanduser()
    target = Path(authorized_user_file or default_file("authorized_user.json")).expanduser()
    if not client_file.is_file():
        raise CredentialsError(
            _(
                "No OAuth client file at {path}. In Google Cloud Console create an OAuth "
                "client ID of type Desktop app, download its JSON and save it at this path "
                "(or set [sheet] oauth_client_file)."
            ).format(path=client_file)
        )
    config = _read_json_file(client_file, kind="oauth")
    credentials = local_server_flow(client_config=config, scopes=list(SCOPES))
    store_credentials(credentials, filename=target)
    target.chmod(0o600)
    return target


def _read_json_file(path: Path, *, kind: CredentialsKind) -> dict[str, Any]:
    if not path.is_file():
        if kind == "service_account":
            message = _(
                "No service-account key file at {path}. In Google Cloud Console create a "
                "service account, add a JSON key, save it at this path (or set [sheet] "
                "key_file to where it is) and share the spreadsheet with the account's "
                "email as Editor."
            )
        else:
            message = _(
                "No saved Google sign-in at {path}. Sign in once with a browser on this "
                "computer (that saves the file), or use a service-account key with "
                'credentials = "service_account".'
            )
        raise CredentialsError(message.format(path=path))
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or _("not a text file")
        raise CredentialsError(
            _(
                "Cannot read the credentials file {path}: {reason}. Check the file and its "
                "permissions."
            ).format(path=path, reason=reason)
        ) from None
    try:
        info = json.loads(text)
    except ValueError:
        info = None
    if not isinstance(info, dict):
        raise CredentialsError(
            _(
                "The credentials file {path} is not a JSON key file. Download the key again "
                "as JSON (not P12) and save it at this path."
            ).format(path=path)
        )
    return info


# ---------------------------------------------------------------- the store


@dataclass
class _SheetInfo:
    sheet_id: int
    title: str
    index: int
    rows: int
    columns: int
    charts: set[str] = field(default_factory=set)


class GoogleSheetsStore:
    """A Google spreadsheet, opened lazily on first use.

    ``spreadsheet`` is the id or the browser link. ``credentials`` is
    ``"service_account"`` (``key_file`` is the JSON key, default gspread's
    ``~/.config/gspread/service_account.json``) or ``"oauth"`` (``authorized_user_file``
    is gspread's saved sign-in, default ``~/.config/gspread/authorized_user.json``;
    ``oauth_client_file`` is the OAuth client used by :func:`oauth_sign_in` to make it).
    ``endpoint`` replaces https://sheets.googleapis.com (a local test server).
    ``session`` (a ready ``requests`` session) skips loading credentials, for tests.
    ``pacer`` is called before every HTTP request (see :class:`RetryingHTTPClient`); it
    may be set after construction, before the first request.
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
        self.key_file = Path(key_file or default_file("service_account.json")).expanduser()
        self.oauth_client_file = Path(
            oauth_client_file or default_file("credentials.json")
        ).expanduser()
        self.authorized_user_file = Path(
            authorized_user_file or default_file("authorized_user.json")
        ).expanduser()
        # the file the credentials come from, for messages
        self.credentials_file = (
            self.key_file if credentials == "service_account" else self.authorized_user_file
        )
        self.endpoint = _check_endpoint(endpoint)
        self.timeout = timeout
        self.max_tries = max_tries
        self.sleep = sleep
        self._session = session
        self.pacer = pacer
        self._email: str | None = None
        self._client: RetryingHTTPClient | None = None
        self._sheets: dict[str, _SheetInfo] | None = None
        self._title: str | None = None
        self._read_tabs: dict[str, Tab] = {}

    # -- identity

    @property
    def name(self) -> str:
        """The spreadsheet's title once it has been opened, its id before that (no
        request: safe to use in an error message after a failure)."""
        return self._title or self.key

    @property
    def identity(self) -> str:
        return self.key

    def shared_lock(self, owner: str, ttl_seconds: float) -> AbstractContextManager[None]:
        # Placeholder until the lock kept in the spreadsheet (issue 19) lands.
        return nullcontext()

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

    # -- reading

    def read(self, requests: Sequence[TabRequest]) -> dict[str, Tab | None]:
        sheets = self._metadata()
        for request in requests:
            if request.title not in sheets and request.required:
                raise TabMissing(self._tab_missing(request.title))
        titles = list(dict.fromkeys(r.title for r in requests if r.title in sheets))
        grids: dict[str, list[list[Cell]]] = {}
        if titles:
            client = self._http()
            with self._google():
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
                    raise SheetError(self._unexpected())
                for title, value_range in zip(titles, value_ranges, strict=True):
                    grids[title] = _grid(value_range.get("values") or [])
        out: dict[str, Tab | None] = {}
        for request in requests:
            if request.title in grids:
                tab = build_tab(request.title, grids[request.title], request)
                self._read_tabs[request.title] = tab
                out[request.title] = tab
            else:
                out[request.title] = None
        return out

    # -- writing

    def write(self, plan: WritePlan) -> None:
        if plan.is_empty():
            return
        sheets = self._metadata()
        new_tabs = {t.title: t for t in plan.new_tabs}
        header_writes = [RangeWrite(t.title, 1, 1, (tuple(t.headers),)) for t in new_tabs.values()]
        writes = header_writes + list(plan.writes)
        for write in writes:
            if write.tab not in sheets and write.tab not in new_tabs:
                raise TabMissing(self._tab_missing(write.tab))
        need = _room_needed(writes)

        requests: list[dict[str, Any]] = []
        planned: dict[str, _SheetInfo] = {}
        used_ids = {s.sheet_id for s in sheets.values()}
        for title, new in new_tabs.items():
            if title in sheets:
                continue
            sheet_id = _new_sheet_id(used_ids)
            rows, columns = need.get(title, (1, len(new.headers)))
            info = _SheetInfo(
                sheet_id,
                title,
                len(sheets) + len(planned),
                max(NEW_TAB_ROWS, 2 * rows),  # room for the next weeks' rows
                max(NEW_TAB_COLUMNS, columns),
            )
            planned[title] = info
            requests.append(
                {
                    "addSheet": {
                        "properties": {
                            "sheetId": sheet_id,
                            "title": title,
                            "gridProperties": {"rowCount": info.rows, "columnCount": info.columns},
                        }
                    }
                }
            )
        for title, (rows, columns) in need.items():
            existing = sheets.get(title)
            if existing is None:
                continue
            for dimension, have, want in (
                ("ROWS", existing.rows, rows),
                ("COLUMNS", existing.columns, columns),
            ):
                if want > have:
                    # Rows at least double (up to GROW_ROWS_MAX at a time): a tab that gains
                    # rows every week (findings, posts) then needs this extra request only
                    # now and then, not every week.
                    length = want - have
                    if dimension == "ROWS":
                        length = max(length, min(have, GROW_ROWS_MAX))
                    requests.append(
                        {
                            "appendDimension": {
                                "sheetId": existing.sheet_id,
                                "dimension": dimension,
                                "length": length,
                            }
                        }
                    )
        for chart in plan.charts:
            request = self._chart_request(chart, sheets, planned, new_tabs)
            if request is not None:
                requests.append(request)

        client = self._http()
        if requests:
            with self._google():
                client.batch_update(self.key, {"requests": requests})
            self._after_batch_update(requests)
        if writes:
            body = {
                "valueInputOption": "RAW",
                "includeValuesInResponse": False,
                "data": [
                    {
                        "range": write.a1,
                        "majorDimension": "ROWS",
                        "values": [[_json_cell(v) for v in row] for row in write.values],
                    }
                    for write in writes
                    if write.values
                ],
            }
            if body["data"]:
                with self._google():
                    client.values_batch_update(self.key, body)

    def add_data_validation(
        self, tab: str, column_index: int, first_row: int, allowed: Sequence[str]
    ) -> None:
        """A drop-down (ONE_OF_LIST) in one column from ``first_row`` (1-based) down;
        ``column_index`` is 0-based. Typing other values is warned about, not refused."""
        sheets = self._metadata()
        info = sheets.get(tab)
        if info is None:
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
            "sheetId": info.sheet_id,
            "startRowIndex": first_row - 1,
            "startColumnIndex": column_index,
            "endColumnIndex": column_index + 1,
        }
        request = {"setDataValidation": {"range": grid_range, "rule": rule}}
        client = self._http()
        with self._google():
            client.batch_update(self.key, {"requests": [request]})

    # -- internals

    def _http(self) -> RetryingHTTPClient:
        if self._client is None:
            session = self._session
            if session is None:
                creds = (
                    load_service_account(self.credentials_file)
                    if self.credentials_kind == "service_account"
                    else load_oauth_user(self.credentials_file)
                )
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

    def _metadata(self) -> dict[str, _SheetInfo]:
        if self._sheets is None:
            client = self._http()
            with self._google():
                reply = client.fetch_sheet_metadata(
                    self.key, params={"includeGridData": "false", "fields": _METADATA_FIELDS}
                )
                self._title = str(reply["properties"]["title"])
                sheets = {}
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
                    )
            self._sheets = sheets
        return self._sheets

    def _after_batch_update(self, requests: list[dict[str, Any]]) -> None:
        """Keep the cached metadata in step with what the batch added."""
        sheets = self._metadata()
        by_id = {s.sheet_id: s for s in sheets.values()}
        for request in requests:
            if "addSheet" in request:
                props = request["addSheet"]["properties"]
                grid = props["gridProperties"]
                info = _SheetInfo(
                    props["sheetId"],
                    props["title"],
                    len(sheets),
                    grid["rowCount"],
                    grid["columnCount"],
                )
                sheets[info.title] = info
                by_id[info.sheet_id] = info
            elif "appendDimension" in request:
                args = request["appendDimension"]
                info = by_id[args["sheetId"]]
                if args["dimension"] == "ROWS":
                    info.rows += args["length"]
                else:
                    info.columns += args["length"]
            elif "addChart" in request:
                chart = request["addChart"]["chart"]
                anchor = chart["position"]["overlayPosition"]["anchorCell"]
                by_id[anchor["sheetId"]].charts.add(chart["spec"]["title"])

    def _chart_request(
        self,
        chart: ChartSpec,
        sheets: Mapping[str, _SheetInfo],
        planned: Mapping[str, _SheetInfo],
        new_tabs: Mapping[str, Any],
    ) -> dict[str, Any] | None:
        info = sheets.get(chart.tab) or planned.get(chart.tab)
        if info is None:
            log.warning(
                _("Chart '{chart}': tab '{tab}' not found; chart skipped.").format(
                    chart=chart.title, tab=chart.tab
                )
            )
            return None
        if chart.title in info.charts:
            return None
        if chart.tab in new_tabs:
            header_row, headers = 1, tuple(new_tabs[chart.tab].headers)
        elif chart.tab in self._read_tabs:
            tab = self._read_tabs[chart.tab]
            header_row, headers = tab.header_row, tab.headers
        else:
            header_row, headers = 0, ()
        columns = {normalize_header(h): i for i, h in reversed(list(enumerate(headers)))}
        x = columns.get(normalize_header(chart.x_header))
        series = [columns[n] for h in chart.series_headers if (n := normalize_header(h)) in columns]
        if header_row < 1 or x is None or not series:
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

        def source(column: int) -> dict[str, Any]:
            return {
                "sourceRange": {
                    "sources": [
                        {
                            "sheetId": info.sheet_id,
                            "startRowIndex": header_row - 1,
                            "startColumnIndex": column,
                            "endColumnIndex": column + 1,
                        }
                    ]
                }
            }

        return {
            "addChart": {
                "chart": {
                    "spec": {
                        "title": chart.title,
                        "basicChart": {
                            "chartType": "LINE",
                            "legendPosition": "BOTTOM_LEGEND",
                            "headerCount": 1,
                            "axis": [
                                {"position": "BOTTOM_AXIS", "title": headers[x]},
                                {"position": "LEFT_AXIS", "title": headers[series[0]]},
                                {"position": "RIGHT_AXIS"},
                            ],
                            "domains": [{"domain": source(x)}],
                            # Followers (thousands) on the left, rates (%) on the right.
                            "series": [
                                {
                                    "series": source(c),
                                    "targetAxis": "LEFT_AXIS" if i == 0 else "RIGHT_AXIS",
                                }
                                for i, c in enumerate(series)
                            ],
                        },
                    },
                    "position": {
                        "overlayPosition": {
                            "anchorCell": {
                                "sheetId": info.sheet_id,
                                "rowIndex": header_row,
                                "columnIndex": min(len(headers) + 1, max(info.columns - 1, 0)),
                            }
                        }
                    },
                }
            }
        }

    def _tab_missing(self, title: str) -> str:
        # The same words as the .xlsx store's message.
        return _(
            "Tab '{tab}' is not in the spreadsheet (tabs: {tabs}). "
            "Rename the tab back or set its name under [tabs] in the config."
        ).format(tab=title, tabs=", ".join(f"'{t}'" for t in self.tab_titles()))

    def _unexpected(self) -> str:
        return _(
            "Google Sheets sent an answer of an unexpected shape. Try again later; nothing was "
            "written."
        )

    @contextmanager
    def _google(self) -> Iterator[None]:
        """Turn everything gspread, google-auth and requests raise into SheetErrors."""
        from google.auth import exceptions as auth_errors

        try:
            yield
        except APIError as error:
            tries = self._client.tries if self._client else 1
            raise self._api_error(error.response.status_code, error, tries) from error
        except SpreadsheetNotFound as error:
            raise self._api_error(404, None, 1) from error
        except PermissionError as error:
            raise self._api_error(403, None, 1) from error
        except auth_errors.RefreshError as error:
            if getattr(error, "retryable", False):
                raise SheetError(
                    _(
                        "Google's sign-in server did not give a token (a temporary error). "
                        "Try again later; nothing was written."
                    )
                ) from error
            raise self._refused(error) from error
        except auth_errors.TransportError as error:
            raise SheetError(
                _(
                    "Could not reach Google's sign-in server to get a token. Check the "
                    "internet connection and try again; nothing was written."
                )
            ) from error
        except requests.exceptions.JSONDecodeError as error:
            raise SheetError(
                _(
                    "Google Sheets sent an answer that could not be read (broken JSON). Try "
                    "again later; nothing was written."
                )
            ) from error
        except requests.Timeout as error:
            tries = self._client.tries if self._client else 1
            raise SheetError(
                _(
                    "Google Sheets did not answer within {seconds} seconds ({tries} tries). "
                    "Check the internet connection and try again; nothing was written."
                ).format(seconds=_seconds(self.timeout), tries=tries)
            ) from error
        except requests.ConnectionError as error:
            tries = self._client.tries if self._client else 1
            raise SheetError(
                _(
                    "Could not connect to Google Sheets at {host} ({tries} tries). Check the "
                    "internet connection and try again; nothing was written."
                ).format(host=self.endpoint or GOOGLE_SHEETS_URL, tries=tries)
            ) from error
        except requests.RequestException as error:
            raise SheetError(
                _(
                    "The connection to Google Sheets broke off in the middle of an answer. Try "
                    "again; nothing was written."
                )
            ) from error
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise SheetError(self._unexpected()) from error

    def _api_error(self, status: int, error: APIError | None, tries: int) -> SheetError:
        message = ""
        if error is not None:
            raw = error.error.get("message") if isinstance(error.error, Mapping) else None
            message = str(raw or "").strip()[:300]
        if status == 404:
            return SheetNotFound(
                _("Spreadsheet {key} not found: check the id/URL in [sheet] spreadsheet.").format(
                    key=self.key
                )
            )
        if status == 403:
            account = self.service_account_email
            if account:
                text = _(
                    "Spreadsheet {key} is not shared with {account}. Open it in Google Sheets, "
                    "click Share and add {account} as Editor."
                )
            else:
                text = _(
                    "Spreadsheet {key} is not shared with the Google account you signed in "
                    "with. Open it in Google Sheets, click Share and add that account as Editor."
                )
            return SheetAccessDenied(text.format(key=self.key, account=account))
        if status == 401:
            return self._refused(None)
        if status == 429:
            return SheetError(
                _(
                    "Google Sheets is limiting requests (429 Too Many Requests) and still was "
                    "after {tries} tries. Wait a few minutes and run again; nothing was written."
                ).format(tries=tries)
            )
        if 500 <= status <= 599:
            return SheetError(
                _(
                    "Google Sheets had a server error ({status}) {tries} times in a row. Try "
                    "again later; nothing was written."
                ).format(status=status, tries=tries)
            )
        if status == 400:
            return SheetError(
                _("Google Sheets refused the request: {message}. Nothing was written.").format(
                    message=message.rstrip(".") or "400"
                )
            )
        return SheetError(
            _("Google Sheets answered with error {status}: {message}. Nothing was written.").format(
                status=status, message=message.rstrip(".") or "-"
            )
        )

    def _refused(self, error: Exception | None) -> SheetError:
        reason = ""
        if error is not None:
            details = error.args[1] if len(error.args) > 1 else None
            if isinstance(details, Mapping):
                reason = str(details.get("error_description") or details.get("error") or "")
            elif error.args and isinstance(error.args[0], str):
                reason = error.args[0]
            reason = (reason.splitlines() or [""])[0][:200]
        if self.credentials_kind == "service_account":
            text = _(
                "Google refused the service-account key {path}{account} ({reason}). The key "
                "may have been deleted or the account disabled: create a new JSON key in Google "
                "Cloud Console and save it at this path."
            )
        else:
            text = _(
                "Google refused the saved sign-in {path} ({reason}). Delete the file and sign "
                "in again."
            )
        email = self.service_account_email
        return SheetError(
            text.format(
                path=self.credentials_file,
                account=f" ({email})" if email else "",
                reason=reason or _("credentials refused"),
            )
        )


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


def _json_cell(value: Cell) -> str | int | float | bool:
    """A cell for a RAW write: an empty cell is written as "" (clears it; Google skips
    null), and a number JSON cannot carry (NaN, infinity) is written empty too."""
    if value is None:
        return ""
    if isinstance(value, float) and not math.isfinite(value):
        return ""
    return value


def _room_needed(writes: Sequence[RangeWrite]) -> dict[str, tuple[int, int]]:
    need: dict[str, tuple[int, int]] = {}
    for write in writes:
        if not write.values:
            continue
        rows = write.row + len(write.values) - 1
        columns = write.column + max(len(r) for r in write.values) - 1
        have = need.get(write.tab, (0, 0))
        need[write.tab] = (max(have[0], rows), max(have[1], columns))
    return need


def _new_sheet_id(used: set[int]) -> int:
    while True:
        sheet_id = secrets.randbelow(2**31 - 2) + 1
        if sheet_id not in used:
            used.add(sheet_id)
            return sheet_id


def _seconds(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:g}"
