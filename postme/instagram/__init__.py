"""Instagram sources behind one small interface (README "Instagram", ``docs/reliability.md``).

- :class:`LiveSource` — instaloader with a saved session, a request budget and bounded waits.
- :class:`JsonDirSource` — a folder of instaloader metadata files, offline.
- :class:`MetaCsvSource` — a Meta Business Suite post-insights CSV export.

Each has ``fetch(since, progress=None) -> Collection``.
"""

from postme.instagram.base import (
    AccountSnapshot,
    Collection,
    InstagramSource,
    PostRecord,
    translate_instaloader_error,
)
from postme.instagram.jsondir import JsonDirSource
from postme.instagram.live import LiveSource
from postme.instagram.meta_csv import MetaCsvSource
from postme.instagram.session import SessionInfo, default_session_file, login, session_info

__all__ = [
    "AccountSnapshot",
    "Collection",
    "InstagramSource",
    "JsonDirSource",
    "LiveSource",
    "MetaCsvSource",
    "PostRecord",
    "SessionInfo",
    "default_session_file",
    "login",
    "session_info",
    "translate_instaloader_error",
]
