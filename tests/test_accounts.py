"""Many accounts (issue 10): every account's weekly job, a shared Google quota, Instagram
reads spaced out, one failing account not stopping the others, and the city roll-up
through both stores."""

from __future__ import annotations

import datetime as dt
import json
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import instaloader
import pytest
from sheets_server import SheetsServer

from postme.city import (
    CityOptions,
    CityResult,
    InstagramGate,
    QuotaPacer,
    account_configs,
    peak_in_window,
    run_accounts,
    run_city,
)
from postme.config import Settings, load_config
from postme.demo import DEMO_AS_OF, DEMO_CONFIG, demo_files, prepare_demo
from postme.errors import ConfigError, ExitCode, InstagramError
from postme.instagram.base import AccountSnapshot, Collection
from postme.instagram.jsondir import JsonDirSource
from postme.jobs import open_store
from postme.stores.base import TabRequest, WritePlan
from postme.stores.xlsx import XlsxStore
from postme.tabs.rollup import plan_rollup, rollup_headers
from postme.weeks import IsoWeek

CLOCK = dt.datetime(2026, 11, 23, 7, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
WEEK = "2026-W47"


class SimClock:
    """Simulated time: ``sleep`` moves the clock on at once (thread-safe)."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []
        self._lock = threading.Lock()

    def clock(self) -> float:
        with self._lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            self.now += seconds


def demo_source(settings: Settings) -> JsonDirSource:
    """The demo's Instagram snapshot next to each account's workbook / config."""
    assert settings.source is not None
    return JsonDirSource(
        settings.source.parent / "instagram", settings.instagram.username, taken_at=CLOCK
    )


def write_account(folder: Path, name: str, sheet: str) -> Path:
    """A demo account in ``folder``: its own snapshot, and a config naming it ``name``."""
    prepare_demo(folder)
    config = folder / "postme.toml"
    text = DEMO_CONFIG.replace('[sheet]\nbackend = "xlsx"\npath = "planner.xlsx"\n', sheet)
    assert text != DEMO_CONFIG
    config.write_text(f'account = "{name}"\n' + text, encoding="utf-8")
    return config


def rollup_rows(tab: Any) -> dict[tuple[str, str], dict[str, Any]]:
    rows = {}
    for row in tab.rows:
        record = dict(zip(tab.headers, row.values, strict=False))
        rows[(record["Akun"], record["Minggu"])] = record
    return rows


# --- the pacer ---------------------------------------------------------------------------------


def test_pacer_never_allows_more_than_the_limit_in_any_minute() -> None:
    sim = SimClock()
    pacer = QuotaPacer(5, clock=sim.clock, sleep=sim.sleep)
    granted = []
    for _ in range(23):
        pacer()
        granted.append(sim.now)
    # Five at t=0, five at t=60, ... three at t=240: it waited, it never failed.
    assert granted == [0.0] * 5 + [60.0] * 5 + [120.0] * 5 + [180.0] * 5 + [240.0] * 3
    assert peak_in_window(granted) == 5
    stats = pacer.stats()
    assert stats.requests == 23 and stats.peak_per_minute == 5
    assert stats.waits == 4 and stats.waited_seconds == pytest.approx(240.0)


def test_pacer_shared_by_threads_stays_within_the_limit() -> None:
    sim = SimClock()
    pacer = QuotaPacer(7, clock=sim.clock, sleep=sim.sleep)
    granted: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(10):
            pacer()
            with lock:
                granted.append(sim.now)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(granted) == 40
    assert peak_in_window(sorted(granted)) <= 7
    assert pacer.stats().peak_per_minute == 7
    assert sim.now == pytest.approx(5 * 60.0)  # 40 requests at 7 a minute: 6 windows


def test_pacer_spaced_requests_never_wait() -> None:
    sim = SimClock()
    pacer = QuotaPacer(2, clock=sim.clock, sleep=sim.sleep)
    for _ in range(6):
        pacer()
        sim.now += 31.0
    assert sim.sleeps == []
    assert pacer.stats().peak_per_minute == 2


def test_peak_in_window_counts_a_half_open_minute() -> None:
    assert peak_in_window([]) == 0
    assert peak_in_window([0.0, 59.9, 60.0, 60.0]) == 3  # (0, 60] holds 59.9, 60, 60
    assert peak_in_window([0.0, 30.0, 59.0, 119.5]) == 3


# --- which accounts ------------------------------------------------------------------------------


def test_account_configs_from_a_folder_and_from_the_list(tmp_path: Path) -> None:
    for name in ("b.toml", "a.toml", "notes.txt"):
        (tmp_path / name).write_text("", encoding="utf-8")
    city_file = tmp_path / "city.toml"
    city_file.write_text(
        '[sheet]\npath = "city.xlsx"\n\n[[accounts]]\nconfig = "x/postme.toml"\nname = "X"\n',
        encoding="utf-8",
    )
    city = load_config(city_file, env={})
    assert account_configs(city, tmp_path) == [tmp_path / "a.toml", tmp_path / "b.toml"]
    assert account_configs(city, None) == [tmp_path / "x" / "postme.toml"]
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ConfigError, match=r"\*\.toml"):
        account_configs(city, empty)
    with pytest.raises(ConfigError, match="not a folder"):
        account_configs(city, tmp_path / "nowhere")
    bare = tmp_path / "bare.toml"
    bare.write_text('[sheet]\npath = "city.xlsx"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[\[accounts\]\]"):
        account_configs(load_config(bare, env={}), None)


# --- through the .xlsx store ---------------------------------------------------------------------


@pytest.fixture
def xlsx_city(tmp_path: Path) -> dict[str, Any]:
    """Three demo accounts in a folder, the middle one's workbook missing, and a city
    config with its own workbook for the roll-up."""
    configs = tmp_path / "accounts"
    configs.mkdir()
    paths = []
    for index, name in enumerate(("Puskesmas A", "Puskesmas B", "Puskesmas C")):
        folder = tmp_path / f"pkm{index}"
        workbook = "missing.xlsx" if index == 1 else "planner.xlsx"
        config = write_account(folder, name, f'[sheet]\npath = "{folder / workbook}"\n')
        target = configs / f"{index}-{folder.name}.toml"
        config.rename(target)
        if index == 0:  # one snapshot next to the configs serves every account
            (folder / "instagram").rename(configs / "instagram")
        paths.append(target)
    city_folder = tmp_path / "city"
    city_folder.mkdir()
    (city_folder / "city.toml").write_text(
        '[sheet]\npath = "rekap.xlsx"\n\n[rollup]\nconcurrency = 2\n', encoding="utf-8"
    )
    prepare_demo(tmp_path / "citybook")
    (tmp_path / "citybook" / "planner.xlsx").rename(city_folder / "rekap.xlsx")
    city = load_config(city_folder / "city.toml", env={})
    return {"city": city, "configs": paths, "root": tmp_path, "folder": configs}


def run_xlsx(xlsx_city: dict[str, Any], **options: Any) -> CityResult:
    options.setdefault("source_factory", demo_source)
    return run_city(
        xlsx_city["city"],
        account_configs(xlsx_city["city"], xlsx_city["folder"]),
        DEMO_AS_OF,
        CityOptions(now=CLOCK, clock_now=CLOCK, env={}, **options),
    )


def test_xlsx_city_run_one_failing_account_does_not_stop_the_others(
    xlsx_city: dict[str, Any],
) -> None:
    seen: list[tuple[str, str]] = []
    lock = threading.Lock()

    def progress(name: str, text: str) -> None:
        with lock:
            seen.append((name, text))

    result = run_xlsx(xlsx_city, progress=progress)
    a, b, c = result.accounts
    assert [x.name for x in result.accounts] == ["Puskesmas A", "Puskesmas B", "Puskesmas C"]
    assert b.status == "failed" and b.exit_code == ExitCode.SHEET
    assert "missing.xlsx" in b.message and b.followers_end is None
    for ok in (a, c):
        # the demo has planted findings: exit 1, and real figures
        assert ok.status == "findings" and ok.exit_code == ExitCode.FINDINGS
        assert ok.week == WEEK and ok.followers_end is not None and ok.posts == 5
    assert result.exit_code == ExitCode.SHEET == max(x.exit_code for x in result.accounts)
    assert result.counts() == {"ok": 0, "findings": 2, "partial": 0, "failed": 1}

    # The other accounts' own tabs were written.
    for index in (0, 2):
        workbook = xlsx_city["root"] / f"pkm{index}" / "planner.xlsx"
        weekly = XlsxStore(workbook).read([TabRequest("Analisis Mingguan")])["Analisis Mingguan"]
        assert weekly is not None
        assert any(row.values[0] == WEEK for row in weekly.rows)

    # The roll-up has a row per account, the failed one with its status and no figures.
    city_book = XlsxStore(xlsx_city["city"].sheet.path)
    tab = city_book.read([TabRequest("Rekap Kota")])["Rekap Kota"]
    assert tab is not None and list(tab.headers) == rollup_headers("id")
    rows = rollup_rows(tab)
    assert set(rows) == {(n, WEEK) for n in ("Puskesmas A", "Puskesmas B", "Puskesmas C")}
    failed = rows[("Puskesmas B", WEEK)]
    assert failed["Status"] == "Gagal" and failed["Pengikut"] is None and failed["Error"] is None
    good = rows[("Puskesmas A", WEEK)]
    assert good["Status"] == "Ada temuan"
    assert good["Pengikut"] == a.followers_end and good["Postingan"] == 5
    assert good["Kepatuhan Rencana (%)"] == pytest.approx(round(a.plan_adherence_pct or 0, 2))
    assert good["Diperbarui"] == "2026-11-23 07:00"
    assert result.rollup is not None and result.rollup.written and result.rollup.rows == 3

    # Progress: every account started and ended with its own status line.
    for account in (a, c):
        texts = [t for n, t in seen if n == account.name]
        assert texts[0] == "waiting" and texts[-1] == account.message
    assert any(n == "Puskesmas B" and t.startswith("failed:") for n, t in seen)

    # JSON for machines.
    data: dict[str, Any] = result.to_json()
    assert data["exit_code"] == 3 and data["summary"]["failed"] == 1
    assert [x["status"] for x in data["accounts"]] == ["findings", "failed", "findings"]
    assert data["rollup"]["tab"] == "Rekap Kota"


def test_xlsx_rerun_gives_the_same_rollup(xlsx_city: dict[str, Any]) -> None:
    run_xlsx(xlsx_city)
    path = xlsx_city["city"].sheet.path
    first = XlsxStore(path).read([TabRequest("Rekap Kota")])["Rekap Kota"]
    second_result = run_xlsx(xlsx_city)
    second = XlsxStore(path).read([TabRequest("Rekap Kota")])["Rekap Kota"]
    assert first == second
    assert second_result.rollup is not None and second_result.rollup.cells == 0
    assert not second_result.rollup.written  # nothing changed: nothing written


def test_dry_run_writes_nothing(xlsx_city: dict[str, Any]) -> None:
    path = xlsx_city["city"].sheet.path
    result = run_xlsx(xlsx_city, dry_run=True)
    assert result.rollup is not None and result.rollup.rows == 3 and not result.rollup.written
    assert XlsxStore(path).read([TabRequest("Rekap Kota", required=False)])["Rekap Kota"] is None


def test_unexpected_error_in_one_account_is_recorded(xlsx_city: dict[str, Any]) -> None:
    def store_factory(settings: Settings) -> Any:
        if settings.account == "Puskesmas A":
            raise RuntimeError("disk on fire")
        return open_store(settings)

    result = run_xlsx(xlsx_city, store_factory=store_factory)
    a, b, c = result.accounts
    assert a.status == "failed" and "RuntimeError: disk on fire" in a.message
    assert a.exit_code == ExitCode.SHEET
    assert c.status == "findings"
    assert result.rollup is not None and result.rollup.written


def test_english_city_headers_and_failed_rollup_write(tmp_path: Path) -> None:
    result = CityResult(
        as_of=DEMO_AS_OF, week=WEEK, accounts=(), quota={}, instagram={}, dry_run=False
    )
    assert result.exit_code == ExitCode.OK
    city_file = tmp_path / "city.toml"
    city_file.write_text(
        'language = "en"\n[sheet]\npath = "city.xlsx"\n[rollup]\ntab = "City"\n', encoding="utf-8"
    )
    city = load_config(city_file, env={})
    plan = WritePlan()
    from postme.city import AccountResult

    rows = [
        AccountResult("A", tmp_path / "a.toml", "partial", ExitCode.PARTIAL, "no IG", WEEK, 10),
        AccountResult("B", tmp_path / "b.toml", "failed", ExitCode.SHEET, "gone", WEEK),
    ]
    assert plan_rollup(plan, None, city, rows, IsoWeek(2026, 47), CLOCK) == 2
    assert plan.new_tabs[0].title == "City"
    assert list(plan.new_tabs[0].headers) == [
        "Account",
        "Week",
        "Followers",
        "Growth",
        "Posts",
        "Plan Adherence (%)",
        "Engagement Rate (%)",
        "Errors",
        "Missed",
        "Status",
        "Updated",
    ]
    grid: dict[tuple[int, int], Any] = {}
    for write in plan.writes:
        for r, values in enumerate(write.values):
            for col, value in enumerate(values):
                grid[(write.row + r, write.column + col)] = value
    assert [grid.get((2, col)) for col in range(1, 4)] == ["A", WEEK, 10]
    assert grid[(2, 10)] == "Partial"
    # A failed account: its status, no figures.
    assert grid[(3, 1)] == "B" and grid[(3, 10)] == "Failed"
    assert all((3, col) not in grid for col in range(3, 10))
    assert plan.charts[0].x_header == "Account"
    # The city workbook does not exist: the roll-up fails, the exit code says so.
    from postme.city import write_rollup

    outcome = write_rollup(city, rows, IsoWeek(2026, 47), updated_at=CLOCK)
    assert not outcome.written and outcome.error and outcome.exit_code == ExitCode.SHEET


# --- Instagram ------------------------------------------------------------------------------------


class FakeLive:
    """A live-looking source: records when it was read; may fail like a blocked login."""

    def __init__(self, name: str, sim: SimClock, log: list[tuple[str, float]], fail: bool):
        self.name, self.sim, self.log, self.fail = name, sim, log, fail

    def fetch(self, since: dt.datetime, progress: Callable[[int], None] | None = None) -> Any:
        self.log.append((self.name, self.sim.now))
        self.sim.now += 5.0  # a read takes 5 s
        if self.fail:
            try:
                raise instaloader.exceptions.TooManyRequestsException("429 Too Many Requests")
            except instaloader.exceptions.TooManyRequestsException as error:
                raise InstagramError("Instagram says there were too many requests.") from error
        account = AccountSnapshot(self.name, CLOCK, 1000, 10, 50)
        return Collection(account, (), 3, True, ())


def test_live_reads_are_spaced_and_a_block_stops_the_rest(xlsx_city: dict[str, Any]) -> None:
    sim = SimClock()
    reads: list[tuple[str, float]] = []
    gate = InstagramGate(30.0, clock=sim.clock, sleep=sim.sleep)

    def source_factory(settings: Settings) -> FakeLive:
        return FakeLive(str(settings.account), sim, reads, fail=False)

    result = run_xlsx(xlsx_city, source_factory=source_factory, instagram_gate=gate)
    assert [name for name, _at in reads] in (
        ["Puskesmas A", "Puskesmas C"],
        ["Puskesmas C", "Puskesmas A"],
    )
    # One at a time, 30 s from the end of one read (5 s) to the start of the next.
    assert reads[1][1] - reads[0][1] == pytest.approx(35.0)
    assert gate.reads == 2 and gate.waited_seconds == pytest.approx(30.0)
    assert result.instagram["reads"] == 2

    # Now Instagram blocks the first read: the next account does not try.
    sim2 = SimClock()
    reads2: list[tuple[str, float]] = []
    gate2 = InstagramGate(30.0, clock=sim2.clock, sleep=sim2.sleep)
    result = run_xlsx(
        xlsx_city,
        source_factory=lambda s: FakeLive(str(s.account), sim2, reads2, fail=True),
        instagram_gate=gate2,
        concurrency=1,
    )
    assert [name for name, _at in reads2] == ["Puskesmas A"]
    a, _b, c = result.accounts
    assert a.status == c.status == "partial" and a.exit_code == ExitCode.PARTIAL
    assert "too many requests" in a.message
    assert "blocked an earlier account" in c.message
    assert gate2.skipped == 1 and gate2.blocked is not None
    assert result.exit_code == ExitCode.PARTIAL  # the worst: 4 > 3


# --- through the Google Sheets store --------------------------------------------------------------


def test_gsheets_city_run_shares_one_quota_and_survives_a_missing_spreadsheet(
    tmp_path: Path, sheets_server: SheetsServer, sheets_key_file: Path
) -> None:
    workbook, _snapshot = demo_files()
    folder = tmp_path / "accounts"
    folder.mkdir()
    ids = []
    for index, name in enumerate(("Puskesmas A", "Puskesmas B", "Puskesmas C")):
        sid = "missingSpreadsheet0001" if index == 1 else sheets_server.load_workbook(workbook)
        ids.append(sid)
        sheet = (
            f'[sheet]\nbackend = "gsheets"\nspreadsheet = "{sid}"\n'
            f'key_file = "{sheets_key_file}"\nendpoint = "{sheets_server.url}"\n'
        )
        config = write_account(tmp_path / f"pkm{index}", name, sheet)
        config.rename(folder / f"{index}.toml")
    (tmp_path / "pkm0" / "instagram").rename(folder / "instagram")
    city_id = sheets_server.create_spreadsheet({"Ringkasan": [["Kota Semarang"]]})
    city_file = tmp_path / "city.toml"
    city_file.write_text(
        f'[sheet]\nbackend = "gsheets"\nspreadsheet = "{city_id}"\n'
        f'key_file = "{sheets_key_file}"\nendpoint = "{sheets_server.url}"\n'
        "\n[rollup]\nrequests_per_minute = 5\nconcurrency = 2\n",
        encoding="utf-8",
    )
    city = load_config(city_file, env={})
    sim = SimClock()
    pacers: list[QuotaPacer] = []

    def pacer_factory(limit: int) -> QuotaPacer:
        pacers.append(QuotaPacer(limit, clock=sim.clock, sleep=sim.sleep))
        return pacers[-1]

    def run() -> CityResult:
        return run_city(
            city,
            account_configs(city, folder),
            DEMO_AS_OF,
            CityOptions(
                now=CLOCK,
                clock_now=CLOCK,
                source_factory=demo_source,
                pacer_factory=pacer_factory,
                env={},
            ),
        )

    sheets_server.reset_log()
    result = run()
    a, b, c = result.accounts
    assert b.status == "failed" and "missingSpreadsheet0001" in b.message
    assert b.exit_code == ExitCode.SHEET
    assert a.status == c.status == "findings"
    assert result.exit_code == ExitCode.SHEET

    # One key: one pacer, every API request went through it, never 5+ in a minute.
    assert len(pacers) == 1
    stats = pacers[0].stats()
    assert stats.requests == len(sheets_server.api_requests())
    assert stats.peak_per_minute == 5 and stats.waits >= 1
    assert list(result.quota.values()) == [stats]
    assert sim.now >= 60.0  # more than 5 requests: it had to wait a simulated minute

    for sid in (ids[0], ids[2]):
        rows = sheets_server.values(sid, "Analisis Mingguan")
        assert any(r and r[0] == WEEK for r in rows)
    rollup = sheets_server.values(city_id, "Rekap Kota")
    assert rollup[0] == rollup_headers("id")
    assert [r[0] for r in rollup[1:]] == ["Puskesmas A", "Puskesmas B", "Puskesmas C"]
    assert rollup[2][9] == "Gagal" and rollup[1][9] == "Ada temuan"
    assert sheets_server.values(city_id, "Ringkasan") == [["Kota Semarang"]]
    assert len(sheets_server.charts(city_id, "Rekap Kota")) == 1

    # The roll-up is one batch write in the city spreadsheet (plus the new tab and chart).
    city_calls = [r.kind for r in sheets_server.api_requests() if city_id in r.path]
    # lock + metadata (the tab is new: nothing to read), write + release
    assert city_calls == ["batchUpdate", "batchUpdate"]

    # Again: the same roll-up (upsert by account and week), nothing rewritten there.
    before = sheets_server.dump(city_id)
    sheets_server.reset_log()
    again = run()
    assert sheets_server.dump(city_id) == before
    city_calls = [r.kind for r in sheets_server.api_requests() if city_id in r.path]
    # lock + metadata, one read, nothing to write: the release alone
    assert city_calls == ["batchUpdate", "batchGet", "batchUpdate"]
    assert again.rollup is not None and not again.rollup.written
    assert again.exit_code == ExitCode.SHEET


def test_run_accounts_alone_writes_no_rollup(xlsx_city: dict[str, Any]) -> None:
    result = run_accounts(
        xlsx_city["city"],
        xlsx_city["configs"][:1],
        DEMO_AS_OF,
        CityOptions(now=CLOCK, clock_now=CLOCK, no_collect=True, env={}),
    )
    assert result.rollup is None and len(result.accounts) == 1
    assert result.accounts[0].status == "findings"
    path = xlsx_city["city"].sheet.path
    assert XlsxStore(path).read([TabRequest("Rekap Kota", required=False)])["Rekap Kota"] is None
    with pytest.raises(ConfigError, match="No accounts to run"):
        run_accounts(xlsx_city["city"], [], DEMO_AS_OF, CityOptions(env={}))


def test_every_try_of_a_retried_request_passes_the_pacer(
    sheets_server: SheetsServer, gsheets_store: Callable[..., Any]
) -> None:
    sid = sheets_server.create_spreadsheet({"Tab": [["a"], [1]]})
    calls: list[str] = []
    store = gsheets_store(sid, pacer=lambda: calls.append("paced"))
    sheets_server.inject("batchGet", status=503, times=1)
    tab = store.read([TabRequest("Tab")])["Tab"]
    assert tab is not None and tab.rows[0].values == (1,)
    # metadata, the failed batchGet and its retry: three requests, three passes
    assert len(calls) == len(sheets_server.api_requests()) == 3


def test_city_benchmark_smoke(monkeypatch: pytest.MonkeyPatch) -> None:
    """The city benchmark at a tiny size: every request paced, the quota kept."""
    import importlib.util

    path = Path(__file__).resolve().parent.parent / "benchmarks" / "city_simulation.py"
    spec = importlib.util.spec_from_file_location("city_simulation", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "city_simulation", module)
    monkeypatch.setattr(sys, "path", list(sys.path))
    spec.loader.exec_module(module)
    first, steady = module.simulate(accounts=3, rpm=4, concurrency=2)
    for figures in (first, steady):
        assert figures.statuses == {"ok": 0, "findings": 3, "partial": 0, "failed": 0}
        assert figures.paced_requests == figures.api_requests
        assert figures.peak_per_minute_paced == 4
        assert figures.quota_bound_seconds >= 60.0 * ((figures.api_requests - 1) // 4)
        assert figures.rollup_rows == 3
    assert steady.by_kind == {"batchGet": 8, "batchUpdate": 8}


def test_cli_weekly_all_dir_shows_each_account_and_the_worst_exit_code(
    xlsx_city: dict[str, Any],
) -> None:
    from typer.testing import CliRunner

    from postme.cli import app

    city_config = xlsx_city["root"] / "city" / "city.toml"
    result = CliRunner().invoke(
        app,
        [
            "weekly", "-c", str(city_config), "--as-of", DEMO_AS_OF.isoformat(), "--no-collect",
            "--all", "--dir", str(xlsx_city["folder"]), "--json",
        ],
    )  # fmt: skip
    document = json.loads(result.stdout)
    statuses = {a["name"]: a["status"] for a in document["accounts"]}
    assert statuses == {
        "Puskesmas A": "findings",
        "Puskesmas B": "failed",
        "Puskesmas C": "findings",
    }
    assert result.exit_code == document["exit_code"] == 3
    assert document["rollup"]["written"]
    # Without --dir, --all takes [[accounts]] from the city config: none there.
    result = CliRunner().invoke(app, ["weekly", "-c", str(city_config), "--all", "--no-collect"])
    assert result.exit_code == 2
