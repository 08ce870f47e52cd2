"""Issue 7, row 4: two runs on one spreadsheet at once (cron overlap) do not interleave.
The second waits for the first and says why, or gives up with exit 3 and says why."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from fakes import MemoryStore
from fakes.demo import Demo, demo_settings
from sheets_server import SheetsServer
from typer.testing import CliRunner

import postme.jobs.lock
from postme.demo import DEMO_AS_OF, prepare_demo
from postme.errors import ExitCode, LockBusy
from postme.jobs import open_store, spreadsheet_lock
from postme.stores.base import Store

runner = CliRunner()


@pytest.fixture
def settings(tmp_path: Path) -> Any:
    prepare_demo(tmp_path / "demo")
    return demo_settings({"backend": "xlsx", "path": str(tmp_path / "demo" / "planner.xlsx")})


@pytest.fixture
def store(settings: Any) -> Store:
    return open_store(settings)


class Holder:
    """Holds the lock in a thread until released."""

    def __init__(self, store: Store) -> None:
        self.acquired = threading.Event()
        self.release = threading.Event()
        self.thread = threading.Thread(target=self._run, args=(store,), daemon=True)

    def _run(self, store: Store) -> None:
        with spreadsheet_lock(store):
            self.acquired.set()
            self.release.wait(10)

    def __enter__(self) -> Holder:
        self.thread.start()
        assert self.acquired.wait(5)
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.thread.join(5)


def test_second_run_waits_then_proceeds_and_says_why(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    with Holder(store) as holder:
        threading.Timer(0.3, holder.release.set).start()
        started = time.perf_counter()
        with caplog.at_level(logging.WARNING, logger="postme"):
            with spreadsheet_lock(store, wait_seconds=5):
                waited = time.perf_counter() - started
    assert 0.2 < waited < 4
    assert "Another postme run is working on this spreadsheet; waiting up to 5 s." in caplog.text


def test_second_run_gives_up_with_lock_busy(store: Store) -> None:
    with Holder(store):
        started = time.perf_counter()
        with pytest.raises(LockBusy) as caught:
            with spreadsheet_lock(store, wait_seconds=0.3):
                pytest.fail("the lock was taken twice")
        assert time.perf_counter() - started < 3
    message = str(caught.value)
    assert "Another postme run is still working on" in message
    assert "Nothing was written" in message and "Run again when it has finished" in message
    assert caught.value.exit_code == ExitCode.SHEET


def test_lock_is_per_spreadsheet(store: Store, tmp_path: Path) -> None:
    prepare_demo(tmp_path / "other")
    other = open_store(
        demo_settings({"backend": "xlsx", "path": str(tmp_path / "other" / "planner.xlsx")})
    )
    entered = []
    with Holder(store):
        with spreadsheet_lock(other, wait_seconds=0):
            entered.append(other.identity)  # another spreadsheet is not blocked
    assert entered == [str((tmp_path / "other" / "planner.xlsx").resolve())]


def test_lock_held_by_another_process(store: Store) -> None:
    # The same lock file, taken by another process (as a second cron job would).
    with spreadsheet_lock(store):
        pass
    folder = Path(__import__("platformdirs").user_cache_dir("postme"))
    lock_file = next(folder.glob("*.lock"))
    script = textwrap.dedent(
        f"""
        import sys, time
        from filelock import FileLock
        with FileLock({str(lock_file)!r}):
            print("locked", flush=True)
            time.sleep(10)
        """
    )
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "locked"
        with pytest.raises(LockBusy, match="Another postme run is still working on"):
            with spreadsheet_lock(store, wait_seconds=0.2):
                pass
    finally:
        child.kill()
        child.wait(5)
    with spreadsheet_lock(store, wait_seconds=2):
        pass  # free again once that process is gone


def test_two_weekly_runs_on_google_sheets_do_not_interleave(
    sheets_server: SheetsServer, sheets_key_file: Path, tmp_path: Path
) -> None:
    demo = Demo(sheets_server, sheets_key_file, tmp_path / "g")
    sheets_server.reset_log()
    # The first run's read stalls a little, so the second starts while it holds the lock.
    sheets_server.inject("batchGet", delay=0.6, times=1)
    results: list[Any] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(demo.weekly())
        except BaseException as error:  # reported below
            errors.append(error)

    first = threading.Thread(target=run)
    second = threading.Thread(target=run)
    first.start()
    time.sleep(0.2)
    second.start()
    first.join(20)
    second.join(20)
    assert errors == []
    kinds = [r.kind for r in sheets_server.api_requests()]
    # Run 1: lock, read, tagging of the rows it updates (with the re-read in its answer),
    # the guarded write releasing the lock; run 2 (waiting meanwhile): lock, read and
    # release (nothing left to write).
    assert kinds == [
        *("batchUpdate", "batchGet", "batchUpdate", "batchUpdate"),
        *("batchUpdate", "batchGet", "batchUpdate"),
    ]
    assert results[0].report.to_json() == results[1].report.to_json()


def test_cli_second_weekly_gives_up_with_exit_3_and_says_why(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from postme.cli import app

    monkeypatch.setattr(postme.jobs.lock, "WAIT_SECONDS", 0.3)
    before = (tmp_path / "demo" / "planner.xlsx").read_bytes()
    with Holder(store):
        result = runner.invoke(
            app,
            [
                "weekly",
                "-c",
                str(tmp_path / "demo" / "postme.toml"),
                "--as-of",
                DEMO_AS_OF.isoformat(),
                "--no-collect",
                "--lang",
                "en",
            ],
        )
    assert result.exit_code == ExitCode.SHEET
    err = " ".join(result.stderr.split())
    assert "Another postme run is working on this spreadsheet; waiting up to" in err
    assert "Another postme run is still working on" in err and "Nothing was written" in err
    assert (tmp_path / "demo" / "planner.xlsx").read_bytes() == before


def test_cli_second_weekly_waits_then_succeeds(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from postme.cli import app

    monkeypatch.setattr(postme.jobs.lock, "WAIT_SECONDS", 10.0)
    with Holder(store) as holder:
        threading.Timer(0.3, holder.release.set).start()
        result = runner.invoke(
            app,
            [
                "weekly",
                "-c",
                str(tmp_path / "demo" / "postme.toml"),
                "--as-of",
                DEMO_AS_OF.isoformat(),
                "--no-collect",
                "--lang",
                "en",
            ],
        )
    assert result.exit_code == ExitCode.FINDINGS, result.output  # done; the demo has findings
    assert "waiting up to 10 s" in " ".join(result.stderr.split())


def test_lock_is_keyed_by_the_document_not_the_path_typed(
    settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The same workbook named three ways: a relative path and a symlink to it.
    link = tmp_path / "link.xlsx"
    link.symlink_to(tmp_path / "demo" / "planner.xlsx")
    monkeypatch.chdir(tmp_path)
    relative = open_store(demo_settings({"backend": "xlsx", "path": "demo/planner.xlsx"}))
    linked = open_store(demo_settings({"backend": "xlsx", "path": str(link)}))
    with Holder(open_store(settings)):
        for other in (relative, linked):
            with pytest.raises(LockBusy, match="Another postme run is still working on"):
                with spreadsheet_lock(other, wait_seconds=0):
                    pytest.fail("one workbook, two runs")


def test_the_shared_lock_is_held_inside_the_local_one_with_the_owner() -> None:
    store = MemoryStore({})
    with spreadsheet_lock(store, wait_seconds=0):
        assert store.lock_held
    assert not store.lock_held
    (owner,) = store.lock_owners
    assert owner.endswith(f" pid {os.getpid()}") and "@" in owner


def test_a_held_shared_lock_is_lock_busy_and_frees_the_local_one() -> None:
    store = MemoryStore({})
    store.busy = "Another postme run (ana@laptop pid 12) holds the spreadsheet since 07:00."
    with pytest.raises(LockBusy, match="ana@laptop pid 12"):
        with spreadsheet_lock(store, wait_seconds=0):
            pytest.fail("the body ran without the shared lock")
    store.busy = None
    with spreadsheet_lock(store, wait_seconds=0):
        pass  # the local lock was released on the way out
