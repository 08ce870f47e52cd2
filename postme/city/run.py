"""Many accounts: a city or district health office runs every Puskesmas's weekly job and
writes one roll-up (docs/city.md).

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
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from postme.city.pacing import GatedSource, InstagramGate, PacerStats, QuotaPacer, credential_of
from postme.city.results import AccountResult, CityResult, RollupResult, Status
from postme.city.rollup import write_rollup
from postme.config import RollupSettings, Settings, load_config
from postme.errors import ConfigError, ExitCode, PostmeError
from postme.i18n import _
from postme.jobs.wiring import FailingSource, open_source_or_failing, open_store
from postme.weeks import IsoWeek, last_complete_week

if TYPE_CHECKING:
    from postme.instagram.base import InstagramSource
    from postme.jobs.weekly import WeeklyResult
    from postme.stores.base import Store

log = logging.getLogger("postme")

AccountProgress = Callable[[str, str], None]
StoreFactory = Callable[[Settings], "Store"]
SourceFactory = Callable[[Settings], "InstagramSource | None"]
PacerFactory = Callable[[int], QuotaPacer]

DEFAULT_CONCURRENCY = 2
_STATUS_BY_CODE: Mapping[ExitCode, Status] = {
    ExitCode.OK: "ok",
    ExitCode.FINDINGS: "findings",
    ExitCode.PARTIAL: "partial",
}


@dataclass(frozen=True)
class CityOptions:
    """How a city run goes; every field has the default ``postme weekly --all`` uses.

    ``now`` judges rows due today (None with --as-of); ``clock_now`` stamps "updated at".
    The factories, pacer and gate are injectable for tests and the city benchmark.
    """

    week: IsoWeek | None = None
    now: dt.datetime | None = None
    clock_now: dt.datetime | None = None
    dry_run: bool = False
    no_collect: bool = False
    store_factory: StoreFactory = open_store
    source_factory: SourceFactory | None = None  # default: default_source
    progress: AccountProgress | None = None
    pacer_factory: PacerFactory = QuotaPacer
    instagram_gate: InstagramGate | None = None
    concurrency: int | None = None
    env: Mapping[str, str] | None = None


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


def default_source(settings: Settings) -> InstagramSource | None:
    """Live Instagram with the account's saved session, as ``postme weekly`` uses."""
    return open_source_or_failing(settings)


def _is_offline(source: object) -> bool:
    from postme.instagram.jsondir import JsonDirSource
    from postme.instagram.meta_csv import MetaCsvSource

    return isinstance(source, JsonDirSource | MetaCsvSource | FailingSource)


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
    options: CityOptions = CityOptions(),
) -> CityResult:
    """Every account's weekly job, ``options.concurrency`` at a time (default ``[rollup]
    concurrency``, 2). Google stores that share a credential share one
    :class:`QuotaPacer`; live Instagram reads go through one :class:`InstagramGate`. An
    account that fails is recorded and the others go on. Nothing is written to the city
    spreadsheet here (see :func:`run_city`)."""
    shared = _shared_for(city, options)
    return _run_accounts(
        city, configs, as_of, options.week or last_complete_week(as_of), shared, options
    )


def _shared_for(city: Settings, options: CityOptions) -> _Shared:
    settings = city.rollup or RollupSettings()
    return _Shared(
        requests_per_minute=settings.requests_per_minute,
        pacer_factory=options.pacer_factory,
        gate=options.instagram_gate or InstagramGate(settings.instagram_gap_seconds),
    )


def _run_accounts(
    city: Settings,
    configs: Sequence[Path],
    as_of: dt.date,
    week: IsoWeek,
    shared: _Shared,
    options: CityOptions,
) -> CityResult:
    if not configs:
        raise ConfigError(_("No accounts to run. Give a folder of configs or [[accounts]]."))
    settings = city.rollup or RollupSettings()
    workers = max(1, options.concurrency or settings.concurrency or DEFAULT_CONCURRENCY)
    started = time.monotonic()
    accounts = _load_accounts(city, configs, options.env)

    def one(account: _Account) -> AccountResult:
        return _run_account(account, as_of, week, options, shared)

    if options.progress is not None:
        for account in accounts:
            _tell(options.progress, account.name, _("waiting"))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="postme-account") as pool:
        results = list(pool.map(one, accounts))
    return CityResult(
        as_of=as_of,
        week=week.label,
        accounts=tuple(results),
        quota=shared.stats(),
        instagram=shared.gate.to_json(),
        dry_run=options.dry_run,
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
    account: _Account, as_of: dt.date, week: IsoWeek, options: CityOptions, shared: _Shared
) -> AccountResult:
    """One account, every failure turned into a result (never raised)."""
    from postme.jobs.weekly import run_weekly
    from postme.secrets import scrub

    name = account.name
    started = time.monotonic()

    def tell(text: str) -> None:
        _tell(options.progress, name, text)

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
        store = options.store_factory(settings)
        shared.pace(store)
        source_factory = options.source_factory or default_source
        source = None if options.no_collect else source_factory(settings)
        if source is not None and not _is_offline(source):
            # Spend no Instagram read on an account whose spreadsheet cannot be opened
            # (Google: the metadata call run_weekly makes anyway, cached by the store).
            store.tab_titles()
            source = GatedSource(source, shared.gate)
        result = run_weekly(
            settings,
            as_of,
            source=source,
            week=week,
            dry_run=options.dry_run,
            store=store,
            now=options.now,
            clock_now=options.clock_now,
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


def run_city(
    city: Settings,
    configs: Sequence[Path],
    as_of: dt.date,
    options: CityOptions = CityOptions(),
) -> CityResult:
    """:func:`run_accounts`, then (when the city config has ``[rollup]``) the roll-up rows
    into the city spreadsheet in one batch, paced with the same per-credential budget."""
    week = options.week or last_complete_week(as_of)
    shared = _shared_for(city, options)
    result = _run_accounts(city, configs, as_of, week, shared, options)
    if city.rollup is None:
        return result
    stamp = options.clock_now or dt.datetime.now(city.zone)
    try:
        store = options.store_factory(city)
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
            city, result.accounts, week, updated_at=stamp, dry_run=options.dry_run, store=store
        )
    return replace(result, rollup=rollup, quota=shared.stats())
