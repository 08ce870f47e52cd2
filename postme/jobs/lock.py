"""One run at a time per document.

Two locks, taken in this order: a local file lock (cron overlap on this machine, cheap,
no network) keyed by :attr:`Store.identity` (the spreadsheet id or the workbook's real
path, never the string the config happened to use), then the document's own lock
(:meth:`Store.shared_lock`), seen by every postme on every machine.
"""

from __future__ import annotations

import getpass
import hashlib
import logging
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from postme.errors import LockBusy
from postme.i18n import _
from postme.stores.base import Store

log = logging.getLogger("postme")

# A weekly run takes seconds; a lock older than this belongs to a run that died.
DEFAULT_TTL_SECONDS = 15 * 60.0
# How long a second run waits for the first before giving up (cron overlap).
WAIT_SECONDS = 60.0


def lock_owner() -> str:
    """Who holds the lock, for the message another run shows: ``user@host pid N``."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (containers)
        user = str(os.getuid()) if hasattr(os, "getuid") else "?"
    return f"{user}@{socket.gethostname()} pid {os.getpid()}"


def lock_path(identity: str) -> Path:
    from platformdirs import user_cache_dir

    digest = hashlib.sha256(identity.encode()).hexdigest()[:16]
    folder = Path(user_cache_dir("postme"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{digest}.lock"


@contextmanager
def spreadsheet_lock(
    store: Store, wait_seconds: float | None = None, ttl_seconds: float = DEFAULT_TTL_SECONDS
) -> Iterator[None]:
    """Hold the local lock of ``store``'s document (waiting up to ``wait_seconds``,
    default :data:`WAIT_SECONDS`), then its shared lock, for the body. :class:`LockBusy`
    (nothing written) when either is held."""
    from filelock import FileLock, Timeout

    if wait_seconds is None:
        wait_seconds = WAIT_SECONDS
    lock = FileLock(lock_path(store.identity))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        log.warning(
            _("Another postme run is working on this spreadsheet; waiting up to {s} s.").format(
                s=int(wait_seconds)
            )
        )
        try:
            lock.acquire(timeout=wait_seconds)
        except Timeout:
            raise LockBusy(
                _(
                    "Another postme run is still working on {sheet} (lock {lock}). Nothing was "
                    "written. Run again when it has finished."
                ).format(sheet=store.name, lock=lock.lock_file)
            ) from None
    try:
        with store.shared_lock(lock_owner(), ttl_seconds):
            yield
    finally:
        lock.release()
