"""A city office's weekly run of many accounts (default 229, Semarang's number) against
the local Sheets API server: one spreadsheet per account (copies of the demo workbook),
one service-account key for all of them, one city spreadsheet for the roll-up.

Every request is real HTTP through gspread and google-auth. Only the quota pacer's clock
is simulated: it waits in simulated time, so the run shows the quota-bound wall time
(what the Google quota of 60 requests per minute per credential would make it take)
without waiting it out, next to the real, CPU-bound time of the work itself.

    .venv/bin/python benchmarks/city_simulation.py             # 229 accounts, ~1-2 min
    .venv/bin/python benchmarks/city_simulation.py --accounts 20 --json

Not part of the test suite (tests/test_accounts.py runs a tiny size of it).
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import json
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from sheets_server import SheetsServer, make_service_account_key, start_server  # noqa: E402

from postme.city import (  # noqa: E402
    CityOptions,
    CityResult,
    QuotaPacer,
    account_configs,
    run_city,
)
from postme.config import Settings, load_config  # noqa: E402
from postme.demo import DEMO_AS_OF, DEMO_CONFIG, demo_files  # noqa: E402
from postme.instagram.jsondir import JsonDirSource  # noqa: E402

CLOCK = dt.datetime(2026, 11, 23, 7, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
SHEET_BLOCK = '[sheet]\nbackend = "xlsx"\npath = "planner.xlsx"\n'

# Instagram, for the arithmetic (instaloader 4.16 facts, docs/city.md): a page holds 12 posts,
# so two weeks of a Puskesmas (~10-20 posts) is the profile plus 1-2 pages.
IG_REQUESTS_PER_ACCOUNT = 3
IG_SECONDS_PER_REQUEST = 3.0  # instaloader's own pacing plus latency, a guess on the low side


class SimClock:
    """Simulated seconds: ``sleep`` moves the clock on at once."""

    def __init__(self) -> None:
        self.now = 0.0
        self._lock = threading.Lock()

    def clock(self) -> float:
        with self._lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.now += seconds


class RecordingPacer(QuotaPacer):
    """The real pacer on simulated time, also noting the real moment of each request."""

    def __init__(self, limit: int, sim: SimClock) -> None:
        super().__init__(limit, clock=sim.clock, sleep=sim.sleep)
        self.real: list[float] = []
        self._real_lock = threading.Lock()

    def acquire(self) -> None:
        with self._real_lock:
            self.real.append(time.perf_counter())
        super().acquire()


@dataclass
class Figures:
    label: str
    accounts: int
    requests_per_minute: int
    concurrency: int
    statuses: dict[str, int]
    exit_code: int
    api_requests: int
    token_requests: int
    by_kind: dict[str, int]
    paced_requests: int
    requests_per_account: float
    peak_per_minute_paced: int
    pacer_waits: int
    quota_bound_seconds: float  # simulated: how long the quota makes the run
    real_seconds: float  # real wall time of the run (CPU-bound here)
    cpu_seconds: float
    unpaced_rate_per_minute: int  # the request rate the same work reaches with no quota
    rollup_rows: int
    setup_seconds: float

    def to_json(self) -> dict[str, Any]:
        return {k: (round(v, 2) if isinstance(v, float) else v) for k, v in vars(self).items()}


def clone_spreadsheets(server: SheetsServer, source_id: str, count: int) -> list[str]:
    """``count`` copies of one loaded spreadsheet (deep copies of the server's own
    object: loading the .xlsx 229 times would take longer than the run)."""
    original = server._spreadsheets[source_id]  # noqa: SLF001 - test helper internals
    ids = []
    for index in range(count):
        book = copy.deepcopy(original)
        book.spreadsheet_id = f"cityAccount{index:05d}x"
        book.title = f"Planner {index + 1:03d}"
        with server._lock:  # noqa: SLF001
            server._spreadsheets[book.spreadsheet_id] = book  # noqa: SLF001
        ids.append(book.spreadsheet_id)
    return ids


def prepare(server: SheetsServer, folder: Path, accounts: int, rpm: int, concurrency: int) -> Path:
    """Account configs (one per spreadsheet) in ``folder/accounts``, the demo Instagram
    snapshot beside them, and the city config; returns the city config."""
    import shutil

    workbook, snapshot = demo_files()
    key_file = folder / "key.json"
    make_service_account_key(server, key_file)
    configs = folder / "accounts"
    configs.mkdir(parents=True)
    shutil.copytree(snapshot, configs / "instagram")
    source_id = server.load_workbook(workbook)
    for index, sid in enumerate(clone_spreadsheets(server, source_id, accounts)):
        sheet = (
            f'[sheet]\nbackend = "gsheets"\nspreadsheet = "{sid}"\n'
            f'key_file = "{key_file}"\nendpoint = "{server.url}"\n'
        )
        text = f'account = "pkm-{index + 1:03d}"\n' + DEMO_CONFIG.replace(SHEET_BLOCK, sheet)
        (configs / f"pkm-{index + 1:03d}.toml").write_text(text, encoding="utf-8")
    server.delete_spreadsheet(source_id)
    city_id = server.create_spreadsheet({"Ringkasan": [["Dinas Kesehatan Kota"]]}, title="Kota")
    city = folder / "city.toml"
    city.write_text(
        f'language = "id"\n[sheet]\nbackend = "gsheets"\nspreadsheet = "{city_id}"\n'
        f'key_file = "{key_file}"\nendpoint = "{server.url}"\n\n'
        f"[rollup]\nrequests_per_minute = {rpm}\nconcurrency = {concurrency}\n",
        encoding="utf-8",
    )
    return city


def simulate(accounts: int = 229, rpm: int = 60, concurrency: int = 2) -> list[Figures]:
    """Two weekly runs of every account: the first (the demo's week 2026-W47; it also adds
    the chart to each spreadsheet) and the next week's (the steady state)."""
    with tempfile.TemporaryDirectory() as tmp, start_server() as server:
        started = time.perf_counter()
        city_file = prepare(server, Path(tmp), accounts, rpm, concurrency)
        city = load_config(city_file, env={})
        configs = account_configs(city, city_file.parent / "accounts")
        setup = time.perf_counter() - started
        out = []
        for label, shift in (("first run, 2026-W47", 0), ("next week, 2026-W48", 7)):
            out.append(
                _one_pass(server, city, configs, label, shift, accounts, rpm, concurrency, setup)
            )
            setup = 0.0
        return out


def _one_pass(
    server: SheetsServer,
    city: Settings,
    configs: list[Path],
    label: str,
    shift_days: int,
    accounts: int,
    rpm: int,
    concurrency: int,
    setup: float,
) -> Figures:
    sim = SimClock()
    pacers: list[RecordingPacer] = []
    moment = CLOCK + dt.timedelta(days=shift_days)

    def pacer_factory(limit: int) -> QuotaPacer:
        pacers.append(RecordingPacer(limit, sim))
        return pacers[-1]

    def source(settings: Settings) -> JsonDirSource:
        assert settings.source is not None
        return JsonDirSource(
            settings.source.parent / "instagram", settings.instagram.username, taken_at=CLOCK
        )

    server.reset_log()
    cpu = time.process_time()
    real = time.perf_counter()
    result: CityResult = run_city(
        city,
        configs,
        DEMO_AS_OF + dt.timedelta(days=shift_days),
        CityOptions(
            now=moment,
            clock_now=moment,
            source_factory=source,
            pacer_factory=pacer_factory,
            env={},
        ),
    )
    real = time.perf_counter() - real
    cpu = time.process_time() - cpu
    counts = server.counts()
    api = len(server.api_requests())
    assert len(pacers) == 1, "one key: one shared pacer"
    stats = pacers[0].stats()
    return Figures(
        label=label,
        accounts=accounts,
        requests_per_minute=rpm,
        concurrency=concurrency,
        statuses=result.counts(),
        exit_code=int(result.exit_code),
        api_requests=api,
        token_requests=counts.get("token", 0),
        by_kind={k: v for k, v in sorted(counts.items()) if k != "token"},
        paced_requests=stats.requests,
        requests_per_account=round(api / accounts, 2),
        peak_per_minute_paced=stats.peak_per_minute,
        pacer_waits=stats.waits,
        quota_bound_seconds=sim.now,
        real_seconds=real,
        cpu_seconds=cpu,
        unpaced_rate_per_minute=round(api / real * 60) if real else 0,
        rollup_rows=result.rollup.rows if result.rollup else 0,
        setup_seconds=setup,
    )


def instagram_arithmetic(accounts: int, gap_seconds: float = 30.0) -> dict[str, float]:
    per_read = IG_REQUESTS_PER_ACCOUNT * IG_SECONDS_PER_REQUEST
    return {
        "accounts": accounts,
        "requests": accounts * IG_REQUESTS_PER_ACCOUNT,
        "gap_seconds": gap_seconds,
        "hours": round(accounts * (per_read + gap_seconds) / 3600, 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", type=int, default=229)
    parser.add_argument("--rpm", type=int, default=60, help="requests per minute per credential")
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--json", action="store_true", help="one JSON document on stdout")
    args = parser.parse_args(argv)
    runs = simulate(args.accounts, args.rpm, args.concurrency)
    instagram = instagram_arithmetic(args.accounts)
    if args.json:
        print(json.dumps({"sheets": [f.to_json() for f in runs], "instagram": instagram}, indent=2))
        return 0
    for f in runs:
        print(f"== {f.label}: {f.accounts} accounts, concurrency {f.concurrency}")
        print(f"statuses                  {f.statuses}, exit {f.exit_code}")
        print(f"Sheets API requests       {f.api_requests} ({f.requests_per_account}/account)")
        print(f"  by kind                 {f.by_kind}")
        print(f"token requests            {f.token_requests} (not Sheets quota)")
        print(f"paced requests            {f.paced_requests} (= every API request)")
        print(
            f"peak per minute, paced    {f.peak_per_minute_paced} (limit {f.requests_per_minute})"
        )
        print(f"rate with no pacing       {f.unpaced_rate_per_minute} per minute")
        print(
            f"quota-bound wall time     {f.quota_bound_seconds / 60:.1f} min simulated "
            f"({f.pacer_waits} waits)"
        )
        print(f"real wall time            {f.real_seconds:.1f} s (CPU {f.cpu_seconds:.1f} s)")
        print(f"setup                     {f.setup_seconds:.1f} s; roll-up rows {f.rollup_rows}")
    print(
        f"Instagram, live (est.)    {instagram['requests']} requests, >= "
        f"{instagram['hours']} h with a {instagram['gap_seconds']:.0f} s gap"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
