"""Wiring: the store and the Instagram source a run uses, built from the config.

Everything else in :mod:`postme.jobs` takes them as arguments, so tests and the city
run hand in their own (an in-memory store, a folder of JSON).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from postme.config import ENV_ENDPOINT, Settings
from postme.errors import InstagramError, PostmeError
from postme.i18n import _
from postme.stores.base import Store

if TYPE_CHECKING:
    from postme.instagram.base import Collection, InstagramSource


def open_store(settings: Settings) -> Store:
    sheet = settings.sheet
    if sheet.backend == "xlsx":
        from postme.stores.xlsx import XlsxStore

        assert sheet.path is not None  # checked by the config
        return XlsxStore(sheet.path)
    from postme.stores.gsheets import GoogleSheetsStore

    return GoogleSheetsStore(
        spreadsheet=str(sheet.spreadsheet),
        credentials=sheet.credentials,
        key_file=sheet.key_file,
        oauth_client_file=sheet.oauth_client_file,
        endpoint=sheet.endpoint or os.environ.get(ENV_ENDPOINT) or None,
        timeout=sheet.timeout_seconds,
        max_tries=sheet.max_tries,
        lock_wait=sheet.lock_wait_seconds,
    )


def open_source(
    settings: Settings, from_dir: Path | None = None, meta_csv: Path | None = None
) -> InstagramSource:
    """The Instagram source for a run: a folder of instaloader JSON, a Meta CSV export,
    or live instaloader with the saved session."""
    if from_dir is not None:
        from postme.instagram.jsondir import JsonDirSource

        return JsonDirSource(from_dir, settings.instagram.username)
    if meta_csv is not None:
        from postme.instagram.meta_csv import MetaCsvSource

        return MetaCsvSource(
            meta_csv, timezone=settings.timezone, username=settings.instagram.username
        )
    if not settings.instagram.username:
        raise InstagramError(
            _(
                "No Instagram account in the config. Set [instagram] username, "
                "or use --from DIR / --meta-csv FILE, or --no-collect."
            )
        )
    from postme.instagram.live import LiveSource

    return LiveSource(
        settings.instagram.username,
        settings.instagram.session_file,
        request_budget=settings.instagram.request_budget,
        max_wait_seconds=settings.instagram.max_wait_seconds,
    )


class FailingSource:
    """A source that could not be opened (no username, ...): it fails the way opening
    failed, so the weekly job goes on without Instagram and ends "partial" (exit 4)."""

    def __init__(self, error: PostmeError) -> None:
        self.error = error

    def fetch(
        self, since: dt.datetime, progress: Callable[[int], None] | None = None
    ) -> Collection:
        raise InstagramError(str(self.error))


def open_source_or_failing(
    settings: Settings, from_dir: Path | None = None, meta_csv: Path | None = None
) -> InstagramSource:
    """:func:`open_source`, or a :class:`FailingSource` carrying why it could not open."""
    try:
        return open_source(settings, from_dir, meta_csv)
    except PostmeError as error:
        return FailingSource(error)
