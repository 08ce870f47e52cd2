"""An Instagram source read from a folder of instaloader metadata files, offline.

The folder holds what ``instaloader --metadata-json`` (or ``save_structure_to_file``, or
``postme collect --save``) writes: one profile file and one file per post, ``.json``
(indented) or ``.json.xz``. They are loaded with instaloader's own
``load_structure_from_file`` into real ``Profile`` and ``Post`` objects bound to a context
that refuses every request, and only what their nodes hold is read.

Real folders hold more: JSON that is not instaloader's (a ``sample.json``, a config) is
skipped with a note, instaloader's ``*_comments.json`` silently (they are not post
metadata); a post or profile saved twice (``.json`` and ``.json.xz``) is read once; posts
of other accounts than the profile's (or the configured username) are counted, not read.
"""

from __future__ import annotations

import lzma
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn

import instaloader
import requests
import requests.adapters

from postme.errors import InputFileError
from postme.i18n import _
from postme.instagram.base import (
    AccountSnapshot,
    Collection,
    PostRecord,
    account_from_profile,
    owner_of,
    record_from_post,
)
from postme.links import account_key

_FIELD_NAMES = {
    "likes": "like count",
    "comments": "comment count",
    "views": "view count",
    "type": "post type",
}


class OfflineAccess(Exception):
    """instaloader tried to reach Instagram from an offline source (deliberately not an
    ``InstaloaderException``, so instaloader's own error catchers do not swallow it)."""


class _RefusingAdapter(requests.adapters.BaseAdapter):
    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> NoReturn:
        raise OfflineAccess(request.url)

    def close(self) -> None:
        pass


class OfflineContext(instaloader.InstaloaderContext):
    """An ``InstaloaderContext`` whose network is never used: every request raises
    :class:`OfflineAccess` (at the high-level methods, and at the transport of its sessions
    as a second guard)."""

    def __init__(self) -> None:
        super().__init__(sleep=False, quiet=True, max_connection_attempts=1, iphone_support=False)

    def get_anonymous_session(self) -> requests.Session:
        session: requests.Session = super().get_anonymous_session()
        session.mount("https://", _RefusingAdapter())
        session.mount("http://", _RefusingAdapter())
        return session

    def _refuse(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise OfflineAccess("offline source")

    get_json = _refuse
    graphql_query = _refuse
    doc_id_graphql_query = _refuse
    get_iphone_json = _refuse
    get_page_data = _refuse
    _get_page = _refuse
    _csrf_token = _refuse
    get_raw = _refuse
    head = _refuse
    login = _refuse
    two_factor_login = _refuse
    test_login = _refuse


def _record_of(path: Path, post: instaloader.Post) -> tuple[PostRecord, tuple[str, ...]]:
    try:
        return record_from_post(post)
    except (KeyError, TypeError, ValueError, OverflowError, OSError) as err:
        raise _unreadable(path, _("the post has no valid date")) from err
    except OfflineAccess as err:  # pragma: no cover - record_from_post reads nodes only
        raise _unreadable(path, _("a figure is missing")) from err


def _owner_notes(other_owners: dict[str, int], owners: set[str]) -> list[str]:
    notes: list[str] = []
    if other_owners:
        notes.append(
            _("{count} post files of other accounts ({names}) were ignored.").format(
                count=sum(other_owners.values()), names=", ".join(sorted(other_owners))
            )
        )
    if len(owners) > 1:
        notes.append(
            _(
                "The folder holds posts of several accounts ({names}) and no profile file "
                "to say whose it is; all were read. Set [instagram] username to keep one."
            ).format(names=", ".join(sorted(owners)))
        )
    return notes


def _is_metadata_file(path: Path) -> bool:
    name = path.name
    if not (name.endswith(".json") or name.endswith(".json.xz")):
        return False
    # instaloader's comment files are plain JSON lists, not structures.
    return not name.endswith("_comments.json")


def _unreadable(path: Path, detail: str) -> InputFileError:
    return InputFileError(
        _(
            "The file {path} is not a readable instaloader metadata file ({detail}). Replace "
            "it with a fresh copy or remove it from the folder."
        ).format(path=path, detail=detail)
    )


# instaloader's default name of a post file; such a file that cannot be parsed is a
# damaged post, not a stray file.
_POST_FILE_NAME = re.compile(r"\d{4}-\d{2}-\d{2}_\d{2}-\d{2}-\d{2}_UTC")


def _load(context: OfflineContext, path: Path) -> object | None:
    """The structure in ``path``; None when the file is not instaloader's (a
    ``sample.json``, a config): it is not metadata and is skipped. A ``.json.xz`` or a
    post-named file that cannot be read is an error (a damaged download)."""
    try:
        return instaloader.load_structure_from_file(context, str(path))
    except OfflineAccess as err:
        raise InputFileError(
            _(
                "The file {path} is in the old instaloader 3 format, which cannot be read "
                "offline. Fetch the account again with a current instaloader."
            ).format(path=path)
        ) from err
    except (ValueError, EOFError, lzma.LZMAError) as err:  # JSON, UTF-8, xz errors
        if path.suffix == ".json" and not _POST_FILE_NAME.search(path.name):
            return None  # not JSON at all (a config with comments...): not instaloader's
        raise _unreadable(path, _("corrupt or cut short")) from err
    except OSError as err:
        raise _unreadable(path, err.strerror or type(err).__name__) from err
    except instaloader.exceptions.InvalidArgumentException:
        return None  # "Passed json structure is not an Instaloader JSON"
    except instaloader.exceptions.InstaloaderException as err:
        raise _unreadable(path, _("no instaloader node in it")) from err
    except (AssertionError, KeyError, TypeError, AttributeError) as err:
        raise _unreadable(path, _("the node lacks its shortcode, username or id")) from err


def _username_of(profile: instaloader.Profile) -> str:
    return str(profile._node.get("username", "")).lower()


class JsonDirSource:
    """Posts and the account snapshot from a folder of instaloader metadata files.

    ``username`` picks the profile (and its posts) when the folder holds several.
    ``taken_at`` is the time of the account snapshot; by default the profile file's
    modification time (instaloader does not record when it fetched the profile).
    """

    def __init__(
        self, folder: Path, username: str | None = None, taken_at: datetime | None = None
    ) -> None:
        self.folder = Path(folder)
        self.username = account_key(username) if username else None
        self.taken_at = taken_at

    def fetch(self, since: datetime, progress: Callable[[int], None] | None = None) -> Collection:
        if since.tzinfo is None:
            raise ValueError("since must be timezone-aware")
        if not self.folder.is_dir():
            raise InputFileError(
                _("The folder {path} does not exist or is not a folder.").format(path=self.folder)
            )
        profiles, posts, notes = self._read_folder()
        account = self._account(profiles, notes)
        owner = account.username if account is not None else self.username

        records: dict[str, PostRecord] = {}
        seen: set[str] = set()
        other_owners: dict[str, int] = {}
        owners: set[str] = set()
        for count, (path, post) in enumerate(posts, start=1):
            post_owner = owner_of(post._node)
            if post_owner is not None:
                if owner and post_owner != owner:
                    other_owners[post_owner] = other_owners.get(post_owner, 0) + 1
                    continue
                owners.add(post_owner)
            record, missing = _record_of(path, post)
            if record.shortcode in seen:  # e.g. the same post as .json and .json.xz
                notes.append(
                    _("{path}: post {shortcode} appears twice in the folder; read once.").format(
                        path=path.name, shortcode=record.shortcode
                    )
                )
            else:
                if missing:
                    notes.append(
                        _("{path}: no {fields} in the file; left empty.").format(
                            path=path.name,
                            fields=", ".join(_FIELD_NAMES.get(m, m) for m in missing),
                        )
                    )
                if record.posted_at >= since:
                    records[record.shortcode] = record
            seen.add(record.shortcode)
            if progress is not None:
                progress(count)
        notes.extend(_owner_notes(other_owners, owners))
        ordered = sorted(records.values(), key=lambda r: r.posted_at, reverse=True)
        return Collection(
            account=account,
            posts=tuple(ordered),
            requests_used=0,
            complete=True,
            notes=tuple(notes),
        )

    def _read_folder(
        self,
    ) -> tuple[
        list[tuple[Path, instaloader.Profile]], list[tuple[Path, instaloader.Post]], list[str]
    ]:
        """The folder's profiles and posts (instaloader's own structures), and a note
        naming the files that are not instaloader metadata."""
        context = OfflineContext()
        files = sorted(p for p in self.folder.rglob("*") if p.is_file() and _is_metadata_file(p))
        profiles: list[tuple[Path, instaloader.Profile]] = []
        posts: list[tuple[Path, instaloader.Post]] = []
        strays: list[str] = []
        for path in files:
            structure = _load(context, path)
            if structure is None:
                strays.append(str(path.relative_to(self.folder)))
            elif isinstance(structure, instaloader.Profile):
                profiles.append((path, structure))
            elif isinstance(structure, instaloader.Post):
                posts.append((path, structure))
            # StoryItem, Hashtag and resume files (FrozenNodeIterator) are not ours: skipped.

        notes: list[str] = []
        if strays:
            notes.append(
                _("Files that are not instaloader metadata were skipped: {names}.").format(
                    names=", ".join(strays)
                )
            )
        return profiles, posts, notes

    def _account(
        self, profiles: list[tuple[Path, instaloader.Profile]], notes: list[str]
    ) -> AccountSnapshot | None:
        # The same profile saved twice (.json and .json.xz, or two fetches): the newest file.
        newest: dict[str, tuple[Path, instaloader.Profile]] = {}
        for path, profile in sorted(profiles, key=lambda item: item[0].stat().st_mtime):
            name = _username_of(profile)
            if name in newest:
                notes.append(
                    _(
                        "The profile {user} is in the folder more than once ({first}, {second}); "
                        "the newest file was read."
                    ).format(user=name, first=newest[name][0].name, second=path.name)
                )
            newest[name] = (path, profile)
        chosen: tuple[Path, instaloader.Profile] | None = None
        if self.username is not None:
            chosen = newest.get(self.username)
        elif len(newest) == 1:
            (chosen,) = newest.values()
        elif len(newest) > 1:
            raise InputFileError(
                _(
                    "The folder {path} holds several profiles ({names}). Set [instagram] "
                    "username in the config to say which one to collect."
                ).format(path=self.folder, names=", ".join(sorted(newest)))
            )
        if chosen is None:
            if self.username is None:
                notes.append(
                    _("No profile file in {path}: follower figures were not collected.").format(
                        path=self.folder
                    )
                )
            else:
                notes.append(
                    _(
                        "No profile file for {user} in {path}: follower figures were not collected."
                    ).format(user=self.username, path=self.folder)
                )
            return None
        path, profile = chosen
        taken_at = self.taken_at or datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
        account = account_from_profile(profile, taken_at)
        if account.followers is None:
            notes.append(
                _("{path}: no follower count in the file; left empty.").format(path=path.name)
            )
        return account
