"""Pacing a city run: the Google quota shared per credential (:class:`QuotaPacer`) and
live Instagram reads one at a time (:class:`InstagramGate`)."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from postme.errors import InstagramError
from postme.i18n import _

if TYPE_CHECKING:
    from postme.instagram.base import Collection, InstagramSource

QUOTA_WINDOW_SECONDS = 60.0


# --- the Google quota -------------------------------------------------------------------------


@dataclass(frozen=True)
class PacerStats:
    requests: int
    waits: int  # how many requests had to wait
    waited_seconds: float
    longest_wait_seconds: float
    peak_per_minute: int  # most requests granted in any 60-second window

    def to_json(self) -> dict[str, object]:
        return {
            "requests": self.requests,
            "waits": self.waits,
            "waited_seconds": round(self.waited_seconds, 1),
            "longest_wait_seconds": round(self.longest_wait_seconds, 1),
            "peak_per_minute": self.peak_per_minute,
        }


class QuotaPacer:
    """At most ``requests_per_minute`` requests in any 60-second window, shared by threads.

    Call the pacer before each request: it returns at once while the window has room and
    otherwise sleeps until the oldest request of the window is 60 s old. It waits, it
    never fails. ``clock`` and ``sleep`` are injectable (a simulated clock in tests and
    in the city benchmark).
    """

    def __init__(
        self,
        requests_per_minute: int,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], object] = time.sleep,
        window_seconds: float = QUOTA_WINDOW_SECONDS,
    ) -> None:
        if requests_per_minute < 1:
            raise ValueError("requests_per_minute must be at least 1")
        self.limit = requests_per_minute
        self.window = window_seconds
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._recent: deque[float] = deque()
        self._granted: list[float] = []
        self._waits = 0
        self._waited = 0.0
        self._longest = 0.0

    def __call__(self) -> None:
        self.acquire()

    def acquire(self) -> None:
        # Sleeping while holding the lock is deliberate: nobody else may go before the
        # window has room, and waiters go in turn.
        with self._lock:
            waited = 0.0
            while True:
                now = self._clock()
                while self._recent and self._recent[0] <= now - self.window:
                    self._recent.popleft()
                if len(self._recent) < self.limit:
                    self._recent.append(now)
                    self._granted.append(now)
                    break
                delay = max(self._recent[0] + self.window - now, 0.001)
                self._sleep(delay)
                waited += delay
            if waited:
                self._waits += 1
                self._waited += waited
                self._longest = max(self._longest, waited)

    def stats(self) -> PacerStats:
        with self._lock:
            granted = sorted(self._granted)
            return PacerStats(
                requests=len(granted),
                waits=self._waits,
                waited_seconds=self._waited,
                longest_wait_seconds=self._longest,
                peak_per_minute=peak_in_window(granted, self.window),
            )


def peak_in_window(moments: Sequence[float], window: float = QUOTA_WINDOW_SECONDS) -> int:
    """The most of ``moments`` (sorted) that fall in any half-open window (t − window, t]."""
    peak = 0
    first = 0
    for last, moment in enumerate(moments):
        while moments[first] <= moment - window:
            first += 1
        peak = max(peak, last - first + 1)
    return peak


def credential_of(store: Any) -> str | None:
    """Which Google credential a store uses (its key file or saved sign-in), or None for
    a store that needs no quota pacing (.xlsx)."""
    from postme.stores.gsheets import GoogleSheetsStore

    if not isinstance(store, GoogleSheetsStore):
        return None
    return f"{store.credentials_kind}:{store.credentials_file.resolve()}"


# --- Instagram --------------------------------------------------------------------------------


class InstagramGate:
    """Live Instagram reads one at a time, ``gap_seconds`` apart (from the end of one read
    to the start of the next). After Instagram blocks a read (401 "Please wait", 429) the
    gate is closed: later reads in the run are skipped, not attempted."""

    def __init__(
        self,
        gap_seconds: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], object] = time.sleep,
    ) -> None:
        self.gap_seconds = gap_seconds
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._last_end: float | None = None
        self.reads = 0
        self.skipped = 0
        self.waited_seconds = 0.0
        self.blocked: str | None = None  # the message of the read Instagram blocked

    def fetch(
        self,
        source: InstagramSource,
        since: dt.datetime,
        progress: Callable[[int], None] | None = None,
    ) -> Collection:
        with self._lock:
            if self.blocked is not None:
                self.skipped += 1
                raise InstagramError(
                    _(
                        "Instagram was not read for this account: it blocked an earlier "
                        "account's read in this run ({reason}), and more reads would make the "
                        "block last longer. The rest was written; run again later."
                    ).format(reason=self.blocked)
                )
            if self._last_end is not None:
                delay = self._last_end + self.gap_seconds - self._clock()
                if delay > 0:
                    self._sleep(delay)
                    self.waited_seconds += delay
            self.reads += 1
            try:
                return source.fetch(since, progress)
            except InstagramError as error:
                if _is_block(error):
                    self.blocked = str(error).split(". ")[0].rstrip(".")
                raise
            finally:
                self._last_end = self._clock()

    def to_json(self) -> dict[str, object]:
        return {
            "gap_seconds": self.gap_seconds,
            "reads": self.reads,
            "skipped": self.skipped,
            "waited_seconds": round(self.waited_seconds, 1),
            "blocked": self.blocked,
        }


def _is_block(error: BaseException) -> bool:
    """Instagram refused because of the rate of reads (401 "Please wait", 429)."""
    import instaloader

    from postme.instagram.base import error_chain

    seen = error_chain(error)
    if any(isinstance(e, instaloader.exceptions.TooManyRequestsException) for e in seen):
        return True
    text = " ".join(str(e) for e in seen).casefold()
    return any(
        needle in text
        for needle in ("please wait a few minutes", "429 too many", "401 unauthorized", "(429)")
    )


class GatedSource:
    """A live source whose reads go through the city run's :class:`InstagramGate`."""

    def __init__(self, source: InstagramSource, gate: InstagramGate) -> None:
        self.source = source
        self.gate = gate

    def fetch(
        self, since: dt.datetime, progress: Callable[[int], None] | None = None
    ) -> Collection:
        return self.gate.fetch(self.source, since, progress)
