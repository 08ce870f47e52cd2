"""Many accounts: a city or district health office runs every Puskesmas's weekly job and
writes one roll-up (SPEC §1, §8).

``run_city`` runs each account's own config through :func:`postme.jobs.run_weekly` with a
few accounts at a time, then upserts one row per account per week into the roll-up tab
of the city config's spreadsheet, in one batch. What bounds a run is not the computer:

* Google Sheets allows 60 requests per minute per user (per credential) and 300 per
  project. Every account that uses the same key file shares one :class:`QuotaPacer`,
  which waits rather than lets a request fail with 429.
* Instagram blocks a login that reads many profiles quickly (401 "Please wait a few
  minutes", 429). Live reads go one at a time with a gap between them
  (:class:`InstagramGate`), and after Instagram blocks one, the rest of the run skips
  Instagram rather than make the block longer.

One account's failure (any error, even an unexpected one) is recorded with a plain
message and never stops the others; the overall exit code is the worst of them.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from postme.config import RollupSettings, Settings, load_config
from postme.errors import ConfigError, ExitCode, InstagramError, PostmeError
from postme.i18n import _
from postme.jobs import open_source, open_store, spreadsheet_lock
from postme.stores.base import Cell, ChartSpec, Tab, TabRequest, WritePlan
from postme.stores.upsert import plan_upsert
from postme.weeks import IsoWeek, last_complete_week

if TYPE_CHECKING:
    from postme.instagram.base import Collection, InstagramSource
    from postme.jobs import WeeklyResult
    from postme.stores.base import Store

log = logging.getLogger("postme")

Status = Literal["ok", "findings", "partial", "failed"]
AccountProgress = Callable[[str, str], None]
StoreFactory = Callable[[Settings], "Store"]
SourceFactory = Callable[[Settings], "InstagramSource | None"]
PacerFactory = Callable[[int], "QuotaPacer"]

QUOTA_WINDOW_SECONDS = 60.0
DEFAULT_CONCURRENCY = 2
_STATUS_BY_CODE: Mapping[ExitCode, Status] = {
    ExitCode.OK: "ok",
    ExitCode.FINDINGS: "findings",
    ExitCode.PARTIAL: "partial",
}


# --- which accounts ---------------------------------------------------------------------------


def account_configs(city: Settings, folder: Path | None = None) -> list[Path]:
    """The account configs of a city run: every ``*.toml`` in ``folder`` (sorted by name,
    the city config itself left out), or the city config's ``[[accounts]]`` list."""
    if folder is not None:
        if not folder.is_dir():
            raise ConfigError(
                _(
                    "{path} is not a folder. Give the folder that holds the accounts' configs."
                ).format(path=folder)
            )
        own = city.source.resolve() if city.source is not None else None
        configs = [p for p in sorted(folder.glob("*.toml")) if p.resolve() != own]
        if not configs:
            raise ConfigError(
                _(
                    "No account configs (*.toml) in {path}. Put one postme config per account "
                    "in that folder."
                ).format(path=folder)
            )
        return configs
    if not city.accounts:
        raise ConfigError(
            _(
                '{path} lists no accounts. Add [[accounts]] entries (config = "...") to it, '
                "or give a folder of account configs."
            ).format(path=city.source or "The config")
        )
    return [entry.config for entry in city.accounts]


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

    seen: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and all(current is not s for s in seen):
        seen.append(current)
        current = current.__cause__ or current.__context__
    if any(isinstance(e, instaloader.exceptions.TooManyRequestsException) for e in seen):
        return True
    text = " ".join(str(e) for e in seen).casefold()
    return any(
        needle in text
        for needle in ("please wait a few minutes", "429 too many", "401 unauthorized", "(429)")
    )


class _GatedSource:
    """A live source whose reads go through the city run's :class:`InstagramGate`."""

    def __init__(self, source: InstagramSource, gate: InstagramGate) -> None:
        self.source = source
        self.gate = gate

    def fetch(
        self, since: dt.datetime, progress: Callable[[int], None] | None = None
    ) -> Collection:
        return self.gate.fetch(self.source, since, progress)


class _FailingSource:
    """A source that could not be opened (no username, ...): the weekly job goes on
    without Instagram and ends as "partial" (exit 4), as ``postme weekly`` does."""

    def __init__(self, error: PostmeError) -> None:
        self.error = error

    def fetch(
        self, since: dt.datetime, progress: Callable[[int], None] | None = None
    ) -> Collection:
        raise InstagramError(str(self.error))


def default_source(settings: Settings) -> InstagramSource | None:
    """Live Instagram with the account's saved session, as ``postme weekly`` uses."""
    try:
        return open_source(settings)
    except PostmeError as error:
        return _FailingSource(error)


def _is_offline(source: object) -> bool:
    from postme.instagram.jsondir import JsonDirSource
    from postme.instagram.meta_csv import MetaCsvSource

    return isinstance(source, JsonDirSource | MetaCsvSource | _FailingSource)


# --- results ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountResult:
    """One account of a city run. Figures are None when the account failed."""

    name: str
    config: Path
    status: Status
    exit_code: ExitCode
    message: str  # the error, or a short summary
    week: str
    followers_end: int | None = None
    follower_growth: int | None = None
    posts: int | None = None
    plan_adherence_pct: float | None = None
    engagement_rate_pct: float | None = None
    errors: int | None = None
    missed: int | None = None
    seconds: float = 0.0  # real time the account took

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "config": str(self.config),
            "status": self.status,
            "exit_code": int(self.exit_code),
            "message": self.message,
            "week": self.week,
            "followers_end": self.followers_end,
            "follower_growth": self.follower_growth,
            "posts": self.posts,
            "plan_adherence_pct": _round(self.plan_adherence_pct),
            "engagement_rate_pct": _round(self.engagement_rate_pct),
            "errors": self.errors,
            "missed": self.missed,
            "seconds": round(self.seconds, 2),
        }


@dataclass(frozen=True)
class RollupResult:
    tab: str
    store: str  # the city spreadsheet (title or path)
    rows: int  # accounts in the roll-up of this week
    cells: int  # cells written (0 when nothing changed)
    written: bool
    error: str | None = None
    exit_code: ExitCode = ExitCode.OK

    def to_json(self) -> dict[str, object]:
        return {
            "tab": self.tab,
            "store": self.store,
            "rows": self.rows,
            "cells": self.cells,
            "written": self.written,
            "error": self.error,
        }


@dataclass(frozen=True)
class CityResult:
    as_of: dt.date
    week: str
    accounts: tuple[AccountResult, ...]
    quota: Mapping[str, PacerStats]  # credential → what its pacer saw
    instagram: Mapping[str, object]  # InstagramGate.to_json()
    dry_run: bool
    rollup: RollupResult | None = None
    seconds: float = 0.0  # real time of the whole run

    @property
    def exit_code(self) -> ExitCode:
        """The worst (highest) code of every account and of the roll-up write."""
        codes = [a.exit_code for a in self.accounts]
        if self.rollup is not None:
            codes.append(self.rollup.exit_code)
        return max(codes, default=ExitCode.OK)

    def counts(self) -> dict[str, int]:
        out = {"ok": 0, "findings": 0, "partial": 0, "failed": 0}
        for account in self.accounts:
            out[account.status] += 1
        return out

    def to_json(self) -> dict[str, object]:
        return {
            "as_of": self.as_of.isoformat(),
            "week": self.week,
            "exit_code": int(self.exit_code),
            "dry_run": self.dry_run,
            "summary": self.counts(),
            "accounts": [a.to_json() for a in self.accounts],
            "rollup": None if self.rollup is None else self.rollup.to_json(),
            "quota": [{"credential": k, **v.to_json()} for k, v in self.quota.items()],
            "instagram": dict(self.instagram),
            "seconds": round(self.seconds, 2),
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


# --- running the accounts ---------------------------------------------------------------------


@dataclass
class _Shared:
    """What the accounts of one run share: pacers per credential, the Instagram gate."""

    requests_per_minute: int
    pacer_factory: PacerFactory
    gate: InstagramGate
    pacers: dict[str, QuotaPacer] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def pace(self, store: Any) -> None:
        credential = credential_of(store)
        if credential is None or getattr(store, "pacer", None) is not None:
            return
        with self.lock:
            pacer = self.pacers.get(credential)
            if pacer is None:
                pacer = self.pacers[credential] = self.pacer_factory(self.requests_per_minute)
        store.pacer = pacer

    def stats(self) -> dict[str, PacerStats]:
        with self.lock:
            return {k: p.stats() for k, p in self.pacers.items()}


def run_accounts(
    city: Settings,
    configs: Sequence[Path],
    as_of: dt.date,
    *,
    week: IsoWeek | None = None,
    now: dt.datetime | None = None,
    clock_now: dt.datetime | None = None,
    dry_run: bool = False,
    no_collect: bool = False,
    store_factory: StoreFactory = open_store,
    source_factory: SourceFactory = default_source,
    progress: AccountProgress | None = None,
    pacer_factory: PacerFactory = QuotaPacer,
    instagram_gate: InstagramGate | None = None,
    concurrency: int | None = None,
    env: Mapping[str, str] | None = None,
) -> CityResult:
    """Every account's weekly job, ``concurrency`` at a time (default ``[rollup]
    concurrency``, 2). Google stores that share a credential share one
    :class:`QuotaPacer`; live Instagram reads go through one :class:`InstagramGate`. An
    account that fails is recorded and the others go on. Nothing is written to the city
    spreadsheet here (see :func:`run_city`)."""
    shared = _shared_for(city, pacer_factory, instagram_gate)
    return _run_accounts(
        city,
        configs,
        as_of,
        week or last_complete_week(as_of),
        shared,
        now=now,
        clock_now=clock_now,
        dry_run=dry_run,
        no_collect=no_collect,
        store_factory=store_factory,
        source_factory=source_factory,
        progress=progress,
        concurrency=concurrency,
        env=env,
    )


def _shared_for(city: Settings, pacer_factory: PacerFactory, gate: InstagramGate | None) -> _Shared:
    settings = city.rollup or RollupSettings()
    return _Shared(
        requests_per_minute=settings.requests_per_minute,
        pacer_factory=pacer_factory,
        gate=gate or InstagramGate(settings.instagram_gap_seconds),
    )


def _run_accounts(
    city: Settings,
    configs: Sequence[Path],
    as_of: dt.date,
    week: IsoWeek,
    shared: _Shared,
    *,
    now: dt.datetime | None,
    clock_now: dt.datetime | None,
    dry_run: bool,
    no_collect: bool,
    store_factory: StoreFactory,
    source_factory: SourceFactory,
    progress: AccountProgress | None,
    concurrency: int | None,
    env: Mapping[str, str] | None,
) -> CityResult:
    if not configs:
        raise ConfigError(_("No accounts to run. Give a folder of configs or [[accounts]]."))
    settings = city.rollup or RollupSettings()
    workers = max(1, concurrency or settings.concurrency or DEFAULT_CONCURRENCY)
    started = time.monotonic()
    accounts = _load_accounts(city, configs, env)

    def one(account: _Account) -> AccountResult:
        return _run_account(
            account,
            as_of,
            week,
            now=now,
            clock_now=clock_now,
            dry_run=dry_run,
            no_collect=no_collect,
            store_factory=store_factory,
            source_factory=source_factory,
            progress=progress,
            shared=shared,
        )

    if progress is not None:
        for account in accounts:
            _tell(progress, account.name, _("waiting"))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="postme-account") as pool:
        results = list(pool.map(one, accounts))
    return CityResult(
        as_of=as_of,
        week=week.label,
        accounts=tuple(results),
        quota=shared.stats(),
        instagram=shared.gate.to_json(),
        dry_run=dry_run,
        seconds=time.monotonic() - started,
    )


@dataclass(frozen=True)
class _Account:
    name: str
    config: Path
    settings: Settings | None
    error: ConfigError | None = None


def _load_accounts(
    city: Settings, configs: Sequence[Path], env: Mapping[str, str] | None
) -> list[_Account]:
    """Every config read up front (cheap), so each account has its final name from the
    start. Two accounts with the same name would share a roll-up row: they are told
    apart by their config file's name."""
    names = {e.config.resolve(): e.name for e in city.accounts if e.name}
    loaded: list[_Account] = []
    for path in configs:
        given = names.get(path.resolve())
        try:
            settings = load_config(path, env=env)
        except ConfigError as error:
            loaded.append(_Account(given or path.stem, path, None, error))
            continue
        loaded.append(_Account(given or settings.account_name, path, settings))
    counts: dict[str, int] = {}
    for account in loaded:
        counts[account.name.casefold()] = counts.get(account.name.casefold(), 0) + 1
    return [
        replace(a, name=f"{a.name} ({a.config.stem})") if counts[a.name.casefold()] > 1 else a
        for a in loaded
    ]


def _tell(progress: AccountProgress | None, name: str, text: str) -> None:
    if progress is None:
        return
    try:
        progress(name, text)
    except Exception:  # a display problem must not fail the account
        log.debug("progress callback failed", exc_info=True)


def _run_account(
    account: _Account,
    as_of: dt.date,
    week: IsoWeek,
    *,
    now: dt.datetime | None,
    clock_now: dt.datetime | None,
    dry_run: bool,
    no_collect: bool,
    store_factory: StoreFactory,
    source_factory: SourceFactory,
    progress: AccountProgress | None,
    shared: _Shared,
) -> AccountResult:
    """One account, every failure turned into a result (never raised)."""
    from postme.jobs import run_weekly
    from postme.secrets import scrub

    name = account.name
    started = time.monotonic()

    def tell(text: str) -> None:
        _tell(progress, name, text)

    def failed(code: ExitCode, message: str) -> AccountResult:
        log.info("%s: %s", name, message)
        tell(_("failed: {message}").format(message=message))
        return AccountResult(
            name=name,
            config=account.config,
            status="failed",
            exit_code=code,
            message=message,
            week=week.label,
            seconds=time.monotonic() - started,
        )

    if account.settings is None:
        assert account.error is not None
        return failed(account.error.exit_code, str(account.error))
    tell(_("starting"))
    try:
        settings = account.settings
        store = store_factory(settings)
        shared.pace(store)
        source = None if no_collect else source_factory(settings)
        if source is not None and not _is_offline(source):
            # Spend no Instagram read on an account whose spreadsheet cannot be opened
            # (Google: the metadata call run_weekly makes anyway, cached by the store).
            store.tab_titles()
            source = _GatedSource(source, shared.gate)
        result = run_weekly(
            settings,
            as_of,
            source=source,
            week=week,
            dry_run=dry_run,
            store=store,
            now=now,
            clock_now=clock_now,
            progress=tell,
        )
    except PostmeError as error:
        return failed(error.exit_code, str(error))
    except Exception as error:  # one account's bug must not stop the others
        log.debug("%s failed", name, exc_info=True)
        return failed(
            ExitCode.SHEET,
            _("Unexpected error: {error}. Run this account alone with --debug.").format(
                error=scrub(f"{type(error).__name__}: {error}")
            ),
        )
    outcome = _account_result(name, account.config, result, time.monotonic() - started)
    tell(outcome.message)
    return outcome


def _account_result(name: str, path: Path, result: WeeklyResult, seconds: float) -> AccountResult:
    code = result.exit_code
    status = _STATUS_BY_CODE.get(code, "failed")
    report = result.report
    collect = result.collect
    notes = collect.collection.notes if collect and collect.collection else ()
    if status == "partial" and collect is not None and collect.error:
        message = collect.error
    elif status == "partial" and notes:
        message = notes[0]  # why Instagram was read only in part
    else:
        message = _("{errors} errors, {missed} missed, {posts} posts").format(
            errors=result.validation.errors, missed=report.missed, posts=report.posts
        )
    return AccountResult(
        name=name,
        config=path,
        status=status,
        exit_code=code,
        message=message,
        week=report.week,
        followers_end=report.followers_end,
        follower_growth=report.follower_growth,
        posts=report.posts,
        plan_adherence_pct=report.plan_adherence_pct,
        engagement_rate_pct=report.engagement_rate_pct,
        errors=report.errors,
        missed=report.missed,
        seconds=seconds,
    )


# --- the roll-up ------------------------------------------------------------------------------

# field → (Indonesian header, English header), in the tab's column order.
ROLLUP_HEADERS: Mapping[str, tuple[str, str]] = {
    "account": ("Akun", "Account"),
    "week": ("Minggu", "Week"),
    "followers_end": ("Pengikut", "Followers"),
    "follower_growth": ("Pertumbuhan", "Growth"),
    "posts": ("Postingan", "Posts"),
    "plan_adherence_pct": ("Kepatuhan Rencana (%)", "Plan Adherence (%)"),
    "engagement_rate_pct": ("Engagement Rate (%)", "Engagement Rate (%)"),
    "errors": ("Error", "Errors"),
    "missed": ("Terlewat", "Missed"),
    "status": ("Status", "Status"),
    "updated_at": ("Diperbarui", "Updated"),
}
STATUS_LABELS: Mapping[Status, tuple[str, str]] = {
    "ok": ("OK", "OK"),
    "findings": ("Ada temuan", "Findings"),
    "partial": ("Sebagian", "Partial"),
    "failed": ("Gagal", "Failed"),
}
_FIGURES = (
    "followers_end",
    "follower_growth",
    "posts",
    "plan_adherence_pct",
    "engagement_rate_pct",
    "errors",
    "missed",
)


def rollup_headers(language: str) -> list[str]:
    return [en if language == "en" else id_ for id_, en in ROLLUP_HEADERS.values()]


def rollup_request(city: Settings) -> TabRequest:
    tab = (city.rollup or RollupSettings()).tab
    return TabRequest(title=tab, header_row=1, required=False)


def plan_rollup(
    plan: WritePlan,
    existing_tab: Tab | None,
    city: Settings,
    results: Sequence[AccountResult],
    week: IsoWeek,
    updated_at: dt.datetime,
) -> int:
    """Upsert one row per account for its week into the roll-up tab, by (account, week),
    and ask for the chart. Returns the number of rows planned.

    A failed account's row gets only its status (a new row has empty figures; figures an
    earlier run of the same week wrote stay, the status says this run failed). "Updated"
    alone does not count as a change, so a re-run with the same results writes nothing.
    """
    language = city.language
    tab = (city.rollup or RollupSettings()).tab
    headers = rollup_headers(language)
    column = dict(zip(ROLLUP_HEADERS, headers, strict=True))
    stamp = updated_at.astimezone(city.zone).strftime("%Y-%m-%d %H:%M")
    records: list[dict[str, Cell]] = []
    for result in results:
        label = STATUS_LABELS[result.status]
        record: dict[str, Cell] = {
            column["account"]: result.name,
            column["week"]: result.week or week.label,
            column["status"]: label[1] if language == "en" else label[0],
            column["updated_at"]: stamp,
        }
        if result.status != "failed":
            for name in _FIGURES:
                value = getattr(result, name)
                record[column[name]] = round(value, 2) if isinstance(value, float) else value
        records.append(record)
    plan_upsert(
        plan,
        tab,
        existing_tab,
        headers,
        [column["account"], column["week"]],
        records,
        volatile=[column["updated_at"]],
    )
    title = (
        "Plan adherence and engagement rate per account"
        if language == "en"
        else "Kepatuhan rencana dan engagement rate per akun"
    )
    plan.charts.append(
        ChartSpec(
            tab,
            title,
            column["account"],
            (column["plan_adherence_pct"], column["engagement_rate_pct"]),
        )
    )
    return len(records)


def write_rollup(
    city: Settings,
    results: Sequence[AccountResult],
    week: IsoWeek,
    *,
    updated_at: dt.datetime,
    dry_run: bool = False,
    store: Store | None = None,
) -> RollupResult:
    """Read the roll-up tab and write this run's rows in one batch, under the city
    spreadsheet's lock. A failure is returned (with its exit code), not raised."""
    tab = (city.rollup or RollupSettings()).tab
    name = city.sheet_label
    try:
        store = store or open_store(city)
        name = store.name
        with spreadsheet_lock(city):
            existing = store.read([rollup_request(city)])[tab]
            plan = WritePlan()
            rows = plan_rollup(plan, existing, city, results, week, updated_at)
            if not dry_run:
                store.write(plan)
            name = store.name
    except PostmeError as error:
        log.warning("%s", error)
        return RollupResult(tab, name, len(results), 0, False, str(error), error.exit_code)
    return RollupResult(
        tab,
        name,
        rows,
        plan.cell_count(),
        written=not dry_run and bool(plan.writes or plan.new_tabs),
    )


def run_city(
    city: Settings,
    configs: Sequence[Path],
    as_of: dt.date,
    *,
    week: IsoWeek | None = None,
    now: dt.datetime | None = None,
    clock_now: dt.datetime | None = None,
    dry_run: bool = False,
    no_collect: bool = False,
    store_factory: StoreFactory = open_store,
    source_factory: SourceFactory = default_source,
    progress: AccountProgress | None = None,
    pacer_factory: PacerFactory = QuotaPacer,
    instagram_gate: InstagramGate | None = None,
    concurrency: int | None = None,
    env: Mapping[str, str] | None = None,
) -> CityResult:
    """:func:`run_accounts`, then (when the city config has ``[rollup]``) the roll-up rows
    into the city spreadsheet in one batch, paced with the same per-credential budget."""
    week = week or last_complete_week(as_of)
    shared = _shared_for(city, pacer_factory, instagram_gate)
    result = _run_accounts(
        city,
        configs,
        as_of,
        week,
        shared,
        now=now,
        clock_now=clock_now,
        dry_run=dry_run,
        no_collect=no_collect,
        store_factory=store_factory,
        source_factory=source_factory,
        progress=progress,
        concurrency=concurrency,
        env=env,
    )
    if city.rollup is None:
        return result
    stamp = clock_now or dt.datetime.now(city.zone)
    try:
        store = store_factory(city)
    except PostmeError as error:
        rollup = RollupResult(
            city.rollup.tab,
            city.sheet_label,
            len(result.accounts),
            0,
            False,
            str(error),
            error.exit_code,
        )
    else:
        shared.pace(store)
        rollup = write_rollup(
            city, result.accounts, week, updated_at=stamp, dry_run=dry_run, store=store
        )
    return replace(result, rollup=rollup, quota=shared.stats())
