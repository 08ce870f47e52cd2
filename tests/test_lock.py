"""Issue 7, row 4: two runs on one spreadsheet at once (cron overlap) do not interleave.
The second waits for the first and says why, or gives up with exit 3 and says why."""

from __future__ import annotations

import functools
import logging
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from sheets_server import SheetsServer
from test_reliability_sheets import Demo, demo_settings, fresh_cli_logging
from typer.testing import CliRunner

import postme.jobs
from postme.demo import DEMO_AS_OF, prepare_demo
from postme.errors import ExitCode, LockBusy
from postme.jobs import spreadsheet_lock

__all__ = ["fresh_cli_logging"]

runner = CliRunner()


@pytest.fixture
def settings(tmp_path: Path) -> Any:
    prepare_demo(tmp_path / "demo")
    return demo_settings({"backend": "xlsx", "path": str(tmp_path / "demo" / "planner.xlsx")})


class Holder:
    """Holds the lock in a thread until released."""

    def __init__(self, settings: Any) -> None:
        self.acquired = threading.Event()
        self.release = threading.Event()
        self.thread = threading.Thread(target=self._run, args=(settings,), daemon=True)

    def _run(self, settings: Any) -> None:
        with spreadsheet_lock(settings):
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
    settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with Holder(settings) as holder:
        threading.Timer(0.3, holder.release.set).start()
        started = time.perf_counter()
        with caplog.at_level(logging.WARNING, logger="postme"):
            with spreadsheet_lock(settings, wait_seconds=5):
                waited = time.perf_counter() - started
    assert 0.2 < waited < 4
    assert "Another postme run is working on this spreadsheet; waiting up to 5 s." in caplog.text


def test_second_run_gives_up_with_lock_busy(settings: Any) -> None:
    with Holder(settings):
        started = time.perf_counter()
        with pytest.raises(LockBusy) as caught:
            with spreadsheet_lock(settings, wait_seconds=0.3):
                pytest.fail("the lock was taken twice")
        assert time.perf_counter() - started < 3
    message = str(caught.value)
    assert "Another postme run is still working on" in message
    assert "Nothing was written" in message and "Run again when it has finished" in message
    assert caught.value.exit_code == ExitCode.SHEET


def test_lock_is_per_spreadsheet(settings: Any, tmp_path: Path) -> None:
    prepare_demo(tmp_path / "other")
    other = demo_settings({"backend": "xlsx", "path": str(tmp_path / "other" / "planner.xlsx")})
    with Holder(settings):
        with spreadsheet_lock(other, wait_seconds=0):
            pass  # another spreadsheet is not blocked


def test_lock_held_by_another_process(settings: Any) -> None:
    # The same lock file, taken by another process (as a second cron job would).
    with spreadsheet_lock(settings):
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
        with pytest.raises(LockBusy):
            with spreadsheet_lock(settings, wait_seconds=0.2):
                pass
    finally:
        child.kill()
        child.wait(5)
    with spreadsheet_lock(settings, wait_seconds=2):
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
    # Run 1: lock, read, re-read, write (releasing the lock); run 2: lock, read and release
    # (nothing left to write). The second run's read comes after the first's write.
    reads = [i for i, k in enumerate(kinds) if k == "batchGet"]
    batches = [i for i, k in enumerate(kinds) if k == "batchUpdate"]
    assert len(reads) == 3 and len(batches) == 4
    assert batches[1] < reads[2]
    assert results[0].report.to_json() == results[1].report.to_json()


def test_cli_second_weekly_gives_up_with_exit_3_and_says_why(
    settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from postme.cli import app

    monkeypatch.setattr(
        postme.jobs, "spreadsheet_lock", functools.partial(spreadsheet_lock, wait_seconds=0.3)
    )
    before = (tmp_path / "demo" / "planner.xlsx").read_bytes()
    with Holder(settings):
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
    settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from postme.cli import app

    monkeypatch.setattr(
        postme.jobs, "spreadsheet_lock", functools.partial(spreadsheet_lock, wait_seconds=10)
    )
    with Holder(settings) as holder:
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
