"""Google Sheets benchmarks over loopback (the local Sheets API in its own process):
requests per weekly run against a naive gspread script, wall time against a bare gspread
batch read + batch write of the same ranges (with the history step of issue 17 and
without it, :mod:`no_history`), the .xlsx store, and peak memory."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # this checkout's postme, not an installed one

import generate  # noqa: E402
from no_history import history_step_off  # noqa: E402
from remote import RemoteServer  # noqa: E402

from postme.config import Settings, settings_from_dict  # noqa: E402
from postme.jobs import WeeklyResult, run_weekly  # noqa: E402
from postme.stores.base import WritePlan, quote_tab  # noqa: E402

SHEETS_HOST = "https://sheets.googleapis.com"
READ_PARAMS = {
    "valueRenderOption": "UNFORMATTED_VALUE",
    "dateTimeRenderOption": "SERIAL_NUMBER",
    "majorDimension": "ROWS",
}
# The tabs a weekly run reads besides the calendar and the metrics (the bare scripts read
# them too: the same ranges).
TOOL_TABS = ("Analisis Mingguan", "Analisis Program", "Temuan", "Waktu Terbaik")


def gsheets_settings(url: str, spreadsheet: str, key: Path) -> Settings:
    sheet = {
        "backend": "gsheets",
        "spreadsheet": spreadsheet,
        "key_file": str(key),
        "endpoint": url,
    }
    return settings_from_dict(generate.settings_dict(sheet), env={})


def weekly(settings: Settings, weeks_later: int = 0) -> WeeklyResult:
    """``weekly --no-collect``, ``weeks_later`` weeks after the generated reference day."""
    shift = dt.timedelta(days=7 * weeks_later)
    clock = generate.CLOCK + shift
    return run_weekly(settings, generate.AS_OF + shift, source=None, now=clock, clock_now=clock)


# --- bare and naive gspread --------------------------------------------------------------------


def gspread_client(url: str, key: Path) -> Any:
    """gspread on the local server through its documented seam, Client(auth=None, session)."""
    import gspread
    import requests
    from google.auth.transport.requests import AuthorizedSession
    from google.oauth2.service_account import Credentials

    class Rewrite(requests.adapters.HTTPAdapter):
        def send(self, request: Any, *args: Any, **kwargs: Any) -> Any:
            if request.url.startswith(SHEETS_HOST):
                request.url = url + request.url[len(SHEETS_HOST) :]
            return super().send(request, *args, **kwargs)

    creds = Credentials.from_service_account_file(  # type: ignore[no-untyped-call]
        str(key), scopes=["https://www.googleapis.com/auth/spreadsheets"]
    )
    session = AuthorizedSession(creds)  # type: ignore[no-untyped-call]
    session.trust_env = False
    session.mount(SHEETS_HOST, Rewrite())
    return gspread.Client(auth=None, session=session)  # type: ignore[arg-type]


def write_body(plan: WritePlan) -> dict[str, Any]:
    return {
        "valueInputOption": "RAW",
        "data": [
            {
                "range": w.a1,
                "majorDimension": "ROWS",
                "values": [["" if v is None else v for v in row] for row in w.values],
            }
            for w in plan.writes
        ],
    }


def bare_read_write(url: str, key: Path, spreadsheet: str, plan: WritePlan) -> None:
    """The floor: open, one batch read of the tabs weekly reads, one batch write of the
    ranges weekly wrote. No computing at all."""
    client = gspread_client(url, key)
    book = client.open_by_key(spreadsheet)
    titles = ["Kalender Konten", "Metrik Akun", "Metrik Postingan", *TOOL_TABS]
    book.values_batch_get([quote_tab(t) for t in titles], params=READ_PARAMS)
    if plan.writes:
        book.values_batch_update(write_body(plan))


def naive_weekly(url: str, key: Path, spreadsheet: str, plan: WritePlan) -> None:
    """The obvious script: get_all_records per tab, then one update per row written."""
    client = gspread_client(url, key)
    book = client.open_by_key(spreadsheet)
    heads = {"Kalender Konten": 2}
    for title in ["Kalender Konten", "Metrik Akun", "Metrik Postingan", *TOOL_TABS]:
        book.worksheet(title).get_all_records(head=heads.get(title, 1))
    for write in plan.writes:
        sheet = book.worksheet(write.tab)
        for offset, row in enumerate(write.values):
            a1 = re.sub(r"^.*!", "", write.a1)
            start = re.match(r"([A-Z]+)", a1)
            assert start is not None
            letters = start.group(1)
            end = re.sub(r"\d+$", "", a1.split(":")[-1])
            number = write.row + offset
            sheet.update(
                [["" if v is None else v for v in row]],
                f"{letters}{number}:{end}{number}",
                raw=True,
            )


# --- 1. requests per run -----------------------------------------------------------------------


def api_counts(server: RemoteServer) -> dict[str, int]:
    counts: dict[str, int] = server.call("counts")
    return {k: v for k, v in counts.items() if k != "token"}


def requests_per_run(server: RemoteServer, key: Path, rows: int) -> dict[str, Any]:
    tabs = generate.make_tabs(rows)
    spreadsheet = server.call("create_spreadsheet", tabs)
    settings = gsheets_settings(server.url, spreadsheet, key)
    server.call("reset_log")
    first = weekly(settings)
    first_counts = api_counts(server)
    server.call("reset_log")
    weekly(settings, weeks_later=1)
    next_counts = api_counts(server)
    server.call("reset_log")
    naive_weekly(server.url, key, spreadsheet, first.plan)
    naive_counts = api_counts(server)
    return {
        "rows": rows,
        "first_run": first_counts,
        "first_total": sum(first_counts.values()),
        "next_run": next_counts,
        "next_total": sum(next_counts.values()),
        "naive": naive_counts,
        "naive_total": sum(naive_counts.values()),
        "rows_written": sum(len(w.values) for w in first.plan.writes),
        "findings": len(first.validation.findings) + len(first.slots.findings),
    }


# --- 3. wall time ------------------------------------------------------------------------------


class HttpClock:
    """The time spent in HTTP requests (``requests.Session.send``: from sending a request
    to its answer's last byte) while it is on: how much of a run is waiting for the
    server, and so how much is the run's own computing."""

    def __init__(self) -> None:
        self.seconds = 0.0

    @contextmanager
    def on(self) -> Iterator[HttpClock]:
        import requests

        send = requests.Session.send
        clock = self

        def timed_send(session: Any, request: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return send(session, request, **kwargs)
            finally:
                clock.seconds += time.perf_counter() - start

        self.seconds = 0.0
        requests.Session.send = timed_send  # type: ignore[method-assign,assignment]
        try:
            yield self
        finally:
            requests.Session.send = send  # type: ignore[method-assign]


def wall_time(server: RemoteServer, key: Path, rows: int, repeats: int) -> dict[str, Any]:
    """Best of ``repeats`` weekly runs, each a new week, against the bare read + write of
    the same ranges; then as many runs (on a copy of the spreadsheet, the same weeks)
    without the history step. The HTTP part of each best run is given too."""
    tabs = generate.make_tabs(rows)
    spreadsheet = server.call("create_spreadsheet", tabs)
    settings = gsheets_settings(server.url, spreadsheet, key)
    weekly(settings, weeks_later=-1)  # creates the tool tabs: later runs are steady state
    ours: list[tuple[float, float]] = []
    bare: list[tuple[float, float]] = []
    clock = HttpClock()
    for repeat in range(repeats):
        with clock.on():
            start = time.perf_counter()
            result = weekly(settings, weeks_later=repeat)
            ours.append((time.perf_counter() - start, clock.seconds))
        with clock.on():
            start = time.perf_counter()
            bare_read_write(server.url, key, spreadsheet, result.plan)
            bare.append((time.perf_counter() - start, clock.seconds))
    copy = gsheets_settings(server.url, server.call("create_spreadsheet", tabs), key)
    without: list[float] = []
    with history_step_off():
        weekly(copy, weeks_later=-1)
        for repeat in range(repeats):
            start = time.perf_counter()
            weekly(copy, weeks_later=repeat)
            without.append(time.perf_counter() - start)
    best, floor = min(ours), min(bare)
    return {
        "rows": rows,
        "repeats": repeats,
        "postme_s": best[0],
        "postme_http_s": best[1],
        "bare_s": floor[0],
        "bare_http_s": floor[1],
        "ratio": best[0] / floor[0],
        "no_history_s": min(without),
        "no_history_ratio": min(without) / floor[0],
    }


def xlsx_time(rows: int, repeats: int) -> dict[str, Any]:
    """Best of ``repeats`` weekly runs in this process on an .xlsx workbook, with the
    history step and without it (a fresh copy of the workbook each way)."""
    figures: dict[str, Any] = {"rows": rows, "repeats": repeats}
    with tempfile.TemporaryDirectory() as folder:
        base = generate.write_xlsx(generate.make_tabs(rows), Path(folder) / "base.xlsx")
        for name, history in (("xlsx_s", True), ("xlsx_no_history_s", False)):
            path = Path(folder) / f"{name}.xlsx"
            path.write_bytes(base.read_bytes())
            sheet = {"backend": "xlsx", "path": str(path)}
            settings = settings_from_dict(generate.settings_dict(sheet), env={})
            times = []
            with history_step_off() if not history else _nothing():
                weekly(settings, weeks_later=-1)
                for repeat in range(repeats):
                    start = time.perf_counter()
                    weekly(settings, weeks_later=repeat)
                    times.append(time.perf_counter() - start)
            figures[name] = min(times)
    return figures


@contextmanager
def _nothing() -> Iterator[None]:
    yield


# --- 5. peak memory ----------------------------------------------------------------------------


def peak_memory(server: RemoteServer, key: Path, rows: int) -> dict[str, Any]:
    """A weekly run in a fresh process; its maximum resident set size."""
    spreadsheet = server.call("create_spreadsheet", generate.make_tabs(rows))
    command = [sys.executable, str(HERE / "weekly_once.py"), server.url, spreadsheet, str(key)]
    time_bin = Path("/usr/bin/time")
    if time_bin.exists():
        done = subprocess.run(
            [str(time_bin), "-v", *command], capture_output=True, text=True, check=True
        )
        match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
        assert match, done.stderr
        kib = int(match.group(1))
        how = "/usr/bin/time -v"
    else:
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        kib = int(json.loads(done.stdout)["maxrss_kib"])
        how = "ru_maxrss"
    return {"rows": rows, "peak_mib": kib / 1024, "how": how}


def run(
    sizes: Sequence[int], timed: Sequence[int], memory: int | None, repeats: int
) -> dict[str, Any]:
    out: dict[str, Any] = {"requests": [], "time": [], "xlsx": [], "memory": None}
    with tempfile.TemporaryDirectory() as folder, RemoteServer() as server:
        key = server.make_key(Path(folder) / "key.json")
        for rows in sizes:
            out["requests"].append(requests_per_run(server, key, rows))
        for rows in timed:
            out["time"].append(wall_time(server, key, rows, repeats if rows <= 20_000 else 2))
        if memory:
            out["memory"] = peak_memory(server, key, memory)
    for rows in timed:
        out["xlsx"].append(xlsx_time(rows, 1 if rows > 20_000 else repeats))
    return out


if __name__ == "__main__":
    print(json.dumps(run([100], [1000], None, 2), indent=1))
