"""HTTP to Google Sheets: gspread's ``HTTPClient`` with bounded retries and a deadline.

gspread's own ``BackOffHTTPClient`` retries without a bound and gspread sets no
timeout; ``requests``' timeout is per socket read, so an answer trickling a byte every
few seconds would never time out. :class:`RetryingHTTPClient` therefore gives every try
a TOTAL deadline (the try runs in a worker thread; when the deadline passes the caller
gets :class:`DeadlineExceeded` and the worker is abandoned), and retries:

* 5xx answers, dropped connections and timeouts: ``max_tries`` tries in all, waiting
  1 s, 2 s, 4 s ... (``Retry-After`` when Google sends one);
* 429 (quota): Google's quotas refill per minute and Google usually sends no
  ``Retry-After``, so postme backs off 1, 2, 4, 8, 16, 30, 30 s: the tries span
  :data:`QUOTA_WINDOW` + a margin (91 s of waiting, 8 tries at most) before giving up;
* never a non-idempotent ``spreadsheets.batchUpdate`` whose answer was lost after it
  was sent: :class:`AnswerLost` is raised instead and the store re-reads to decide.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping, MutableMapping
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import requests
from gspread.exceptions import APIError
from gspread.http_client import FileType, HTTPClient, ParamsType

from postme.errors import ConfigError
from postme.i18n import _
from postme.secrets import register_secret

GOOGLE_SHEETS_URL = "https://sheets.googleapis.com"
GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token"
DEFAULT_TIMEOUT = 30.0  # the total deadline of one try, in seconds
DEFAULT_MAX_TRIES = 4
QUOTA_WINDOW = 60.0  # Google's per-minute quota window
QUOTA_MAX_DELAY = 30.0
# 429 without Retry-After: keep trying while the waits so far are under this (the last
# wait then reaches past one whole quota window): 1+2+4+8+16+30+30 = 91 s, 8 tries.
QUOTA_PATIENCE = QUOTA_WINDOW + 5.0
QUOTA_TRIES = 8

log = logging.getLogger("postme.sheets")


class DeadlineExceeded(requests.Timeout):
    """A try took longer than its total deadline (e.g. an answer trickling in)."""


class AnswerLost(Exception):
    """A non-idempotent request was sent but its answer never came: it may or may not
    have been applied. The caller re-reads the spreadsheet to find out."""

    def __init__(self, call: str, cause: BaseException) -> None:
        super().__init__(call)
        self.call = call
        self.cause = cause


class RetryingHTTPClient(HTTPClient):
    """gspread's HTTP client with bounded retries and a total deadline per try.

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
        self.deadline = timeout
        self.tries = 0  # tries used by the last request
        self.set_timeout(timeout)  # also each socket read's timeout (the deadline bounds both)

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
        waited_for_quota = 0.0
        call = call_name(method, endpoint)
        while True:
            self.tries += 1
            if self.pacer is not None:
                self.pacer()
            try:
                response = self._try(method, endpoint, params, data, json, files, headers)
                remember_token(response)
                return response
            except APIError as error:
                remember_token(error.response)
                status = error.response.status_code
                wait = retry_after(error.response)
                if status == 429 and wait is None:
                    if waited_for_quota >= QUOTA_PATIENCE:
                        raise
                    delay = min(self.base_delay * 2 ** (self.tries - 1), QUOTA_MAX_DELAY)
                    waited_for_quota += delay
                    reason = _("answer {status}").format(status=status)
                    self._wait(call, reason, delay, QUOTA_TRIES)
                    continue
                if not retryable_status(status) or self.tries >= self.max_tries:
                    raise
                reason = _("answer {status}").format(status=status)
            except requests.RequestException as error:
                if _non_idempotent(method, endpoint) and not _never_sent(error):
                    raise AnswerLost(call, error) from error
                if not isinstance(error, requests.ConnectionError | requests.Timeout):
                    raise
                if self.tries >= self.max_tries:
                    raise
                wait = None
                reason = (
                    _("no answer in time")
                    if isinstance(error, requests.Timeout)
                    else _("connection failed")
                )
            self._wait(call, reason, self._delay(wait), self.max_tries)

    def _wait(self, call: str, reason: str, delay: float, most: int) -> None:
        log.info(
            _(
                "Google Sheets {call}: {reason}; trying again in {delay} s (try {n} of {max})"
            ).format(call=call, reason=reason, delay=f"{delay:.1f}", n=self.tries + 1, max=most)
        )
        self.sleep(delay)

    def _try(self, *args: Any) -> requests.Response:
        """One try within the total deadline."""
        if self.deadline is None:
            return HTTPClient.request(self, *args)
        outcome: dict[str, Any] = {}
        done = threading.Event()

        def run() -> None:
            try:
                outcome["response"] = HTTPClient.request(self, *args)
            except BaseException as error:  # handed to the caller's thread
                outcome["error"] = error
            finally:
                done.set()

        threading.Thread(target=run, name="postme-sheets-request", daemon=True).start()
        if not done.wait(self.deadline):
            # The worker is abandoned: it ends when its socket read times out or closes.
            raise DeadlineExceeded(
                f"no complete answer within {self.deadline:g} s (total deadline)"
            )
        if "error" in outcome:
            raise outcome["error"]
        response: requests.Response = outcome["response"]
        return response

    def _delay(self, wait: float | None) -> float:
        if wait is not None:
            return min(max(wait, 0.0), self.max_delay)
        return float(min(self.base_delay * 2 ** (self.tries - 1), self.max_delay))


def _never_sent(error: requests.RequestException) -> bool:
    """The connection was not even opened: the request cannot have been applied."""
    if isinstance(error, requests.ConnectTimeout):
        return True
    reason = str(error)
    return isinstance(error, requests.ConnectionError) and (
        "NewConnectionError" in reason or "Connection refused" in reason
    )


def _non_idempotent(method: str, endpoint: str) -> bool:
    """``spreadsheets.batchUpdate`` adds tabs, rows, charts: applying it twice is not the
    same as once. Value writes put the same values in the same cells: safe to repeat."""
    return (
        method.upper() == "POST"
        and urlsplit(endpoint).path.endswith(":batchUpdate")
        and ("/values" not in urlsplit(endpoint).path)
    )


def remember_token(response: requests.Response | None) -> None:
    """Mask the access token this request carried wherever it might be shown later."""
    request = getattr(response, "request", None)
    value = request.headers.get("Authorization", "") if request is not None else ""
    if isinstance(value, str) and value.lower().startswith("bearer "):
        register_secret(value[7:].strip())


def retryable_status(status: int) -> bool:
    return status in (408, 429) or 500 <= status <= 599


def retry_after(response: requests.Response) -> float | None:
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


def call_name(method: str, endpoint: str) -> str:
    path = urlsplit(endpoint).path
    for name in ("values:batchGet", "values:batchUpdate", "values:batchClear", ":batchUpdate"):
        if path.endswith(name):
            return name.lstrip(":")
    if "/developerMetadata/" in path:
        return "developerMetadata.get"
    if "/values/" in path:
        return f"{method.upper()} values"
    return "spreadsheets.get" if method.lower() == "get" else method.upper()


# ---------------------------------------------------------------- the session


class EndpointAdapter(requests.adapters.HTTPAdapter):
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
            GOOGLE_TOKEN_URL, EndpointAdapter(endpoint + "/token", GOOGLE_TOKEN_URL)
        )
    session: requests.Session = AuthorizedSession(  # type: ignore[no-untyped-call]
        credentials, auth_request=Request(token_session)
    )
    if endpoint:
        session.trust_env = False
        session.mount(GOOGLE_SHEETS_URL, EndpointAdapter(endpoint))
    return session


def check_endpoint(endpoint: str | None) -> str | None:
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
