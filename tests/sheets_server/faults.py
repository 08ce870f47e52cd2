"""Faults a test injects (status codes, stalls, trickled or lost answers, a person's edit
between two requests) and the log of requests served."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

from .grid import KINDS

# ----------------------------------------------------------------- faults and log


@dataclass
class Fault:
    kind: str  # one of KINDS, or "*" for any API request
    remaining: int
    status: int | None = None
    body: Any = None
    retry_after: float | str | None = None
    delay: float | None = None
    malformed: bool = False
    truncated: bool = False
    reset: bool = False
    trickle: float | None = None  # the answer sent one byte every this many seconds
    lost: bool = False  # the request is applied, then the connection is reset
    skip: int = 0  # requests of the kind let through before the fault starts


class LoggedRequest(NamedTuple):
    method: str
    kind: str
    path: str


class FaultsAndLog:
    """The request log and injected faults."""

    _lock: threading.RLock
    _log: list[LoggedRequest]
    _faults: list[Fault]
    _hooks: list[tuple[str, int, Callable[[], object]]]

    # -- log and faults

    def _record(self, method: str, kind: str, path: str) -> None:
        with self._lock:
            self._log.append(LoggedRequest(method, kind, path))

    def requests(self) -> list[LoggedRequest]:
        """Every request seen, token requests included."""
        with self._lock:
            return list(self._log)

    def api_requests(self) -> list[LoggedRequest]:
        with self._lock:
            return [r for r in self._log if r.kind != "token"]

    def count(self, kind: str) -> int:
        if kind not in KINDS and kind != "unknown":
            raise ValueError(f"unknown kind {kind!r}; one of {KINDS}")
        with self._lock:
            return sum(1 for r in self._log if r.kind == kind)

    def counts(self) -> dict[str, int]:
        with self._lock:
            out: dict[str, int] = {}
            for r in self._log:
                out[r.kind] = out.get(r.kind, 0) + 1
            return out

    def reset_log(self) -> None:
        with self._lock:
            self._log.clear()

    def inject(
        self,
        kind: str,
        *,
        status: int | None = None,
        body: Any = None,
        times: int = 1,
        retry_after: float | str | None = None,
        delay: float | None = None,
        malformed: bool = False,
        truncated: bool = False,
        reset: bool = False,
        trickle: float | None = None,
        lost: bool = False,
        skip: int = 0,
    ) -> None:
        """Make the next ``times`` requests of ``kind`` ("*" = any API request) fail:

        * ``status`` — answer with that code and Google's error body (or ``body``);
        * ``retry_after`` — with a ``Retry-After`` header;
        * ``delay`` — wait that many seconds first (a stall; alone, the request is then
          served normally);
        * ``malformed`` — 200 with a cut-off JSON body (Content-Length matches);
        * ``truncated`` — 200 announcing more bytes than are sent, then close;
        * ``reset`` — close the connection (TCP reset) without an answer;
        * ``trickle`` — serve the request, sending the answer one byte every ``trickle``
          seconds (each read gets a byte: only a total deadline stops it);
        * ``lost`` — apply the request, then close the connection without the answer;
        * ``skip`` — let that many requests of ``kind`` through first (e.g. ``skip=1`` on
          "batchUpdate": the lock is taken, the write fails).
        """
        if kind not in KINDS and kind != "*":
            raise ValueError(f"unknown kind {kind!r}; one of {KINDS} or '*'")
        with self._lock:
            self._faults.append(
                Fault(
                    kind,
                    times,
                    status,
                    body,
                    retry_after,
                    delay,
                    malformed,
                    truncated,
                    reset,
                    trickle,
                    lost,
                    skip,
                )
            )

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def pending_faults(self) -> int:
        with self._lock:
            return sum(f.remaining for f in self._faults)

    def _take_fault(self, kind: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.kind == kind or (fault.kind == "*" and kind != "token"):
                    if fault.skip > 0:
                        fault.skip -= 1
                        return None
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    # -- a person at the spreadsheet

    def after(self, kind: str, edit: Callable[[], object], *, skip: int = 0) -> None:
        """Run ``edit`` once, right after the server has served the (``skip`` + 1)-th
        next request of ``kind`` (before its answer is sent, so the edit always comes
        before the client's next request): a person editing between postme's read and
        its write (e.g. ``after("batchGet", lambda: server.insert_rows(...))``)."""
        with self._lock:
            self._hooks.append((kind, skip, edit))

    def _run_hooks(self, kind: str) -> None:
        with self._lock:
            due = []
            kept = []
            for hook_kind, skip, edit in self._hooks:
                if hook_kind == kind and skip == 0:
                    due.append(edit)
                elif hook_kind == kind:
                    kept.append((hook_kind, skip - 1, edit))
                else:
                    kept.append((hook_kind, skip, edit))
            self._hooks[:] = kept
        for edit in due:
            edit()
