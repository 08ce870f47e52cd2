"""The live Instagram source: instaloader with a saved session, a request budget and
bounded waits, fit for a cron job.

- Loads a session made once by hand (``postme login``); never logs in.
- Reads the profile, then ``Profile.get_posts()`` newest first. Up to 3 pinned posts come
  first whatever their date, so a post older than the window stops the walk only after
  the first 3 (instaloader's own ``possibly_pinned=3``).
- Takes likes, comments and views from the node instaloader already fetched: reading
  ``Post.comments`` (and other properties whose key is missing) would cost one request
  per post.
- Counts every request in a ``RateController`` subclass (instaloader calls
  ``wait_before_query`` before each one, retries included) and stops before the budget
  is exceeded; a wait longer than ``max_wait_seconds`` raises instead of sleeping.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import instaloader
import requests

from postme.errors import InstagramError
from postme.i18n import _
from postme.instagram.base import (
    AccountSnapshot,
    Collection,
    PostRecord,
    account_from_profile,
    corrupt_session_error,
    owner_of,
    quiet_loader,
    record_from_post,
    translate_instaloader_error,
)
from postme.instagram.session import default_session_file
from postme.links import account_key
from postme.secrets import readable_by_others, register_secrets

POSSIBLY_PINNED = 3

RateControllerFactory = Callable[[instaloader.InstaloaderContext], instaloader.RateController]
LoaderFactory = Callable[[RateControllerFactory], instaloader.Instaloader]

# What a failure part way can look like: instaloader's exceptions, the checkpoint abort
# (not an InstaloaderException), raw requests errors, our own bounded-wait error, and an
# answer whose shape instaloader did not expect.
FETCH_FAILURES: tuple[type[BaseException], ...] = (
    instaloader.exceptions.InstaloaderException,
    instaloader.exceptions.AbortDownloadException,
    requests.exceptions.RequestException,
    InstagramError,
    KeyError,
    TypeError,
    ValueError,
)


class BudgetReached(Exception):
    """The request budget is spent; raised before the request that would exceed it."""

    def __init__(self, used: int) -> None:
        super().__init__(f"request budget reached after {used} requests")
        self.used = used


class BoundedRateController(instaloader.RateController):
    """instaloader's rate controller, counting requests, refusing to go over ``budget``
    and refusing to sleep longer than ``max_wait_seconds``."""

    def __init__(
        self,
        context: instaloader.InstaloaderContext,
        *,
        budget: int,
        max_wait_seconds: float,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(context)
        self.budget = budget
        self.max_wait_seconds = max_wait_seconds
        self.requests_used = 0
        self._sleep = sleep

    def sleep(self, secs: float) -> None:
        if secs > self.max_wait_seconds:
            raise InstagramError(
                _(
                    "Instagram asked us to wait {minutes} minutes; try again later. (postme "
                    "waits at most {limit} seconds so a scheduled run does not hang.)"
                ).format(minutes=max(1, math.ceil(secs / 60)), limit=round(self.max_wait_seconds))
            )
        self._sleep(secs)

    def wait_before_query(self, query_type: str) -> None:
        if self.requests_used >= self.budget:
            raise BudgetReached(self.requests_used)
        super().wait_before_query(query_type)
        self.requests_used += 1


def default_loader_factory(rate_controller: RateControllerFactory) -> instaloader.Instaloader:
    """An ``Instaloader`` that downloads nothing, prints nothing on stdout and times out."""
    return quiet_loader(max_connection_attempts=3, rate_controller=rate_controller)


def _cookie_values(loader: instaloader.Instaloader) -> list[str]:
    """The session's cookie values (sessionid, csrftoken...), to be masked in messages."""
    try:
        return [str(c.value) for c in loader.context._session.cookies if c.value]
    except (AttributeError, TypeError):
        return []


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _merge(old: AccountSnapshot | None, new: AccountSnapshot) -> AccountSnapshot:
    if old is None:
        return new
    return AccountSnapshot(
        username=new.username or old.username,
        taken_at=old.taken_at,
        followers=new.followers if new.followers is not None else old.followers,
        following=new.following if new.following is not None else old.following,
        posts=new.posts if new.posts is not None else old.posts,
    )


class BudgetedReader:
    """What every live read shares (posts, comments): the account, its saved session
    (never a login), a request budget and bounded waits."""

    def __init__(
        self,
        username: str,
        session_file: Path | None,
        request_budget: int,
        max_wait_seconds: float,
        loader_factory: LoaderFactory | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if request_budget < 1:
            raise ValueError("request_budget must be at least 1")
        self.username = account_key(username)
        self.session_file = (
            Path(session_file) if session_file is not None else default_session_file(self.username)
        )
        self.request_budget = request_budget
        self.max_wait_seconds = max_wait_seconds
        self._loader_factory = loader_factory or default_loader_factory
        self._sleep = sleep

    def open_loader(self) -> tuple[instaloader.Instaloader, BoundedRateController]:
        """A loader and the one rate controller it was given (counting the requests
        against the budget). The caller closes the loader."""
        controllers: list[BoundedRateController] = []

        def make_controller(context: instaloader.InstaloaderContext) -> BoundedRateController:
            controller = BoundedRateController(
                context,
                budget=self.request_budget,
                max_wait_seconds=self.max_wait_seconds,
                sleep=self._sleep,
            )
            controllers.append(controller)
            return controller

        loader = self._loader_factory(make_controller)
        if not controllers:
            raise TypeError("loader_factory must pass the rate controller to Instaloader")
        return loader, controllers[-1]

    def load_session(self, loader: instaloader.Instaloader) -> list[str]:
        """Load the saved session file into ``loader``; the notes to show (a file others
        can read). Raises ``InstagramError`` when the file is missing, unreadable or corrupt."""
        path = self.session_file
        if not path.exists():
            raise InstagramError(
                _(
                    "No saved Instagram session for {user} (looked for {path}). Run `postme "
                    "login {user}` once by hand; scheduled runs only load that session and "
                    "never log in."
                ).format(user=self.username, path=path)
            )
        notes: list[str] = []
        if readable_by_others(path.stat().st_mode):
            notes.append(
                _(
                    "The session file {path} can be read by other users of this computer; "
                    "run `chmod 600 {path}`."
                ).format(path=path)
            )
        try:
            loader.load_session_from_file(self.username, str(path))
        except OSError as err:
            raise InstagramError(
                _("Could not read the Instagram session file {path}: {detail}.").format(
                    path=path, detail=err.strerror or type(err).__name__
                )
            ) from err
        except Exception as err:  # unpickling can fail in many ways; never show the content
            raise corrupt_session_error(path, self.username) from err
        register_secrets(*_cookie_values(loader))
        return notes


class LiveSource(BudgetedReader):
    """Posts newer than ``since`` and an account snapshot, read live from Instagram.

    ``fetch`` raises ``InstagramError`` when nothing could be read (no session, profile
    not found, blocked...). When it stops part way (budget spent, or a failure after the
    profile was read) it returns what it read with ``complete=False`` and a note saying why.
    ``save_dir`` keeps the raw instaloader JSON of the run (``.json.xz``), which
    ``JsonDirSource`` can replay.
    """

    def __init__(
        self,
        username: str,
        session_file: Path | None,
        request_budget: int,
        max_wait_seconds: float,
        loader_factory: LoaderFactory = default_loader_factory,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], datetime] = _utcnow,
        save_dir: Path | None = None,
    ) -> None:
        super().__init__(
            username, session_file, request_budget, max_wait_seconds, loader_factory, sleep=sleep
        )
        self._clock = clock
        self.save_dir = save_dir

    def fetch(self, since: datetime, progress: Callable[[int], None] | None = None) -> Collection:
        if since.tzinfo is None:
            raise ValueError("since must be timezone-aware")
        loader, controller = self.open_loader()
        try:
            notes = self.load_session(loader)
            return self._walk(loader, controller, since, progress, notes)
        finally:
            loader.close()  # type: ignore[no-untyped-call]

    def _walk(
        self,
        loader: instaloader.Instaloader,
        controller: BoundedRateController,
        since: datetime,
        progress: Callable[[int], None] | None,
        notes: list[str],
    ) -> Collection:
        taken_at = self._clock()
        account: AccountSnapshot | None = None
        profile: instaloader.Profile | None = None
        records: dict[str, PostRecord] = {}
        missing_counts: dict[str, int] = {}
        other_owners: dict[str, int] = {}
        complete = True
        try:
            profile = instaloader.Profile.from_username(loader.context, self.username)
            account = account_from_profile(profile, taken_at)  # from the page, no request
            posts = profile.get_posts()
            account = _merge(account, account_from_profile(profile, taken_at))
            for number, post in enumerate(posts, start=1):
                record, missing = record_from_post(post)
                if record.posted_at < since:
                    if number <= POSSIBLY_PINNED:
                        continue  # maybe a pinned old post: newer ones may follow
                    break
                owner = owner_of(post._node)
                if owner is not None and owner != self.username:
                    # A collaboration post of another account.
                    other_owners[owner] = other_owners.get(owner, 0) + 1
                    continue
                for name in missing:
                    missing_counts[name] = missing_counts.get(name, 0) + 1
                if record.shortcode not in records:
                    records[record.shortcode] = record
                    self._save_post(post, record, notes)
                if progress is not None:
                    progress(len(records))
        except BudgetReached as stop:
            complete = False
            notes.append(
                _(
                    "Stopped after {count} requests (the request budget of one run). The "
                    "figures read so far were kept; raise [instagram] request_budget or run "
                    "again later for the rest."
                ).format(count=stop.used)
            )
        except FETCH_FAILURES as err:
            error = translate_instaloader_error(err, username=self.username)
            if account is None:
                raise error from err
            complete = False
            notes.append(
                _("{message} The figures read before this were kept.").format(message=str(error))
            )
        if account is None:
            # Budget spent before the profile was read.
            raise InstagramError(
                _(
                    "The request budget ({budget}) was spent before the profile could be read. "
                    "Raise [instagram] request_budget."
                ).format(budget=self.request_budget)
            )
        if other_owners:
            notes.append(
                _("{count} posts of other accounts ({names}) were not read.").format(
                    count=sum(other_owners.values()), names=", ".join(sorted(other_owners))
                )
            )
        for name, count in sorted(missing_counts.items()):
            notes.append(
                _("{count} posts came without a {field} from Instagram; left empty.").format(
                    count=count, field=name
                )
            )
        if profile is not None:
            self._save_profile(profile, notes)
        ordered = sorted(records.values(), key=lambda r: r.posted_at, reverse=True)
        return Collection(
            account=account,
            posts=tuple(ordered),
            requests_used=controller.requests_used,
            complete=complete,
            notes=tuple(notes),
        )

    # --- optional raw copy of the run ------------------------------------------------------

    def _save(self, structure: instaloader.Post | instaloader.Profile, name: str) -> str | None:
        if self.save_dir is None:
            return None
        try:
            self.save_dir.mkdir(parents=True, exist_ok=True)
            instaloader.save_structure_to_file(structure, str(self.save_dir / name))
        except OSError as err:
            return _("Could not save the raw Instagram data to {path}: {detail}.").format(
                path=self.save_dir, detail=err.strerror or type(err).__name__
            )
        return None

    def _save_post(self, post: instaloader.Post, record: PostRecord, notes: list[str]) -> None:
        name = f"{record.posted_at:%Y-%m-%d_%H-%M-%S}_UTC_{record.shortcode}.json.xz"
        problem = self._save(post, name)
        if problem and problem not in notes:
            notes.append(problem)

    def _save_profile(self, profile: instaloader.Profile, notes: list[str]) -> None:
        user_id = profile._node.get("id") or profile._node.get("pk") or "0"
        problem = self._save(profile, f"{self.username}_{user_id}.json.xz")
        if problem and problem not in notes:
            notes.append(problem)
