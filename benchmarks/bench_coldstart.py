"""Cold start, as a user pays it: whole ``postme weekly --no-collect`` processes against
whole bare-gspread processes doing the same reads and writes, on the local Sheets API
(its own process, over loopback), at a real Puskesmas's size (3k rows by default).

    python benchmarks/bench_coldstart.py                  # this checkout
    python benchmarks/bench_coldstart.py --root DIR       # another checkout (before/after)

Each repeat is a new ISO week, so every run writes. The bare process opens the
spreadsheet, does one batch read of the seven tabs weekly reads and one batch write of the
ranges postme wrote for that week (computed beforehand, dry run): the I/O floor in a
fresh interpreter. The same weekly processes also run without the history step
(:mod:`no_history`, on a copy of the spreadsheet, the same weeks). Best of N for all.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402
from bench_sheets import READ_PARAMS, TOOL_TABS, gsheets_settings, write_body  # noqa: E402
from remote import RemoteServer  # noqa: E402

BARE = """\
import json, sys
import gspread, requests
from google.auth.transport.requests import AuthorizedSession
from google.oauth2.service_account import Credentials

url, key, spreadsheet, body_file, titles, params = sys.argv[1:7]
host = "https://sheets.googleapis.com"

class Rewrite(requests.adapters.HTTPAdapter):
    def send(self, request, *args, **kwargs):
        if request.url.startswith(host):
            request.url = url + request.url[len(host):]
        return super().send(request, *args, **kwargs)

creds = Credentials.from_service_account_file(
    key, scopes=["https://www.googleapis.com/auth/spreadsheets"]
)
session = AuthorizedSession(creds)
session.trust_env = False
session.mount(host, Rewrite())
book = gspread.Client(auth=None, session=session).open_by_key(spreadsheet)
book.values_batch_get(json.loads(titles), params=json.loads(params))
body = json.loads(open(body_file, encoding="utf-8").read())
if body["data"]:
    book.values_batch_update(body)
"""


def config_text(url: str, spreadsheet: str, key: Path) -> str:
    from postme.demo import DEMO_CONFIG

    head, _sheet, rest = DEMO_CONFIG.partition('[sheet]\nbackend = "xlsx"\npath = "planner.xlsx"\n')
    rest = rest.replace('[instagram]\nusername = "puskesmas.sukamaju"\n', "")
    sheet = (
        f'[sheet]\nbackend = "gsheets"\nspreadsheet = "{spreadsheet}"\n'
        f'key_file = "{key}"\nendpoint = "{url}"\n'
    )
    return head + sheet + rest


# ``python -m postme`` with the history step switched off first (the same GC setting as
# postme/__main__.py, made before any import as there).
NO_HISTORY = (
    "import gc, sys; gc.set_threshold(100_000, 50, 100); sys.path.insert(1, {bench!r}); "
    "import no_history; no_history.switch_off(); from postme.__main__ import main; main()"
)


def postme_command(root: Path) -> list[str]:
    if (root / "postme" / "__main__.py").exists():
        return [sys.executable, "-m", "postme"]
    return [sys.executable, "-c", "from postme.cli import app; app()"]


def timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds: user + system of the process). On a shared machine the
    CPU time is the steadier figure; the wall time is what a user waits."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise RuntimeError(f"{command[:4]} exit {done.returncode}: {done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, cpu


def run(rows: int = 3000, repeats: int = 5, root: Path = ROOT) -> dict[str, Any]:
    from postme.jobs import run_weekly
    from postme.stores.base import quote_tab

    with RemoteServer() as server, tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        key = server.make_key(folder / "key.json")
        tabs = generate.make_tabs(rows)
        spreadsheet = server.call("create_spreadsheet", tabs)
        config = folder / "postme.toml"
        config.write_text(config_text(server.url, spreadsheet, key), encoding="utf-8")
        copy = folder / "no-history.toml"
        copy_id = server.call("create_spreadsheet", tabs)
        copy.write_text(config_text(server.url, copy_id, key), encoding="utf-8")
        bare_script = folder / "bare.py"
        bare_script.write_text(BARE, encoding="utf-8")
        settings = gsheets_settings(server.url, spreadsheet, key)
        titles = ["Kalender Konten", "Metrik Akun", "Metrik Postingan", *TOOL_TABS]
        quoted = json.dumps([quote_tab(t) for t in titles])
        command = postme_command(root)

        no_history = [sys.executable, "-c", NO_HISTORY.format(bench=str(HERE))]

        def weekly_process(as_of: dt.date, history: bool = True) -> tuple[float, float]:
            args = ["weekly", "--no-collect", "--as-of", as_of.isoformat(), "--quiet"]
            if history:
                return timed([*command, *args, "-c", str(config)], root)
            return timed([*no_history, *args, "-c", str(copy)], root)

        weekly_process(generate.AS_OF - dt.timedelta(days=7))  # tool tabs exist from now on
        weekly_process(generate.AS_OF - dt.timedelta(days=7), history=False)
        ours: list[tuple[float, float]] = []
        without: list[tuple[float, float]] = []
        bare: list[tuple[float, float]] = []
        for repeat in range(repeats):
            as_of = generate.AS_OF + dt.timedelta(days=7 * repeat)
            planned = run_weekly(settings, as_of, source=None, dry_run=True)
            body = folder / "body.json"
            body.write_text(json.dumps(write_body(planned.plan), default=str), encoding="utf-8")
            ours.append(weekly_process(as_of))
            without.append(weekly_process(as_of, history=False))
            bare.append(
                timed(
                    [
                        sys.executable,
                        str(bare_script),
                        server.url,
                        str(key),
                        spreadsheet,
                        str(body),
                        quoted,
                        json.dumps(READ_PARAMS),
                    ],
                    folder,
                )
            )
    wall = min(w for w, _c in ours), min(w for w, _c in bare)
    cpu = min(c for _w, c in ours), min(c for _w, c in bare)
    lean = min(w for w, _c in without), min(c for _w, c in without)
    return {
        "rows": rows,
        "repeats": repeats,
        "postme_s": wall[0],
        "bare_s": wall[1],
        "ratio": wall[0] / wall[1],
        "postme_cpu_s": cpu[0],
        "bare_cpu_s": cpu[1],
        "cpu_ratio": cpu[0] / cpu[1],
        "no_history_s": lean[0],
        "no_history_cpu_s": lean[1],
        "no_history_ratio": lean[0] / wall[1],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=3000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to run")
    args = parser.parse_args()
    print(json.dumps(run(args.rows, args.repeats, args.root.resolve()), indent=2))


if __name__ == "__main__":
    main()
