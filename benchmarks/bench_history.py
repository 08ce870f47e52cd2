"""The history step's cost (issue 17), on the seeded planners of ``generate.py`` in an
.xlsx workbook:

- ``weekly --no-collect --dry-run`` with its history step and without it
  (:mod:`no_history`), and the step alone on data already read
  (:func:`postme.insights_tabs.plan_history`: the post records of the window, best time
  over 16 weeks, 12 weekly reports, trends, programme mix, the ``Waktu Terbaik`` plan), at
  3k and 10k calendar rows;
- ``report --month`` (read, figures, the ``Laporan Bulanan`` plan, the PDF);
- ``import pandas`` (and matplotlib + fpdf) in a fresh process, time and memory, against a
  bare interpreter; and whether ``import postme.cli`` pulls pandas in.

    python benchmarks/bench_history.py [--repeats 3] [--json]

Not part of the test suite: it takes about a minute on two cores.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import generate  # noqa: E402
from no_history import history_step_off  # noqa: E402

from postme.config import Settings, settings_from_dict  # noqa: E402


def best(action: Callable[[], Any], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def fresh_process(code: str, repeats: int) -> dict[str, float]:
    """Best wall time and peak RSS (MiB) of ``python -c code``."""
    script = (
        f"import sys, time; sys.path.insert(0, {str(HERE)!r}); t = time.perf_counter(); "
        + code
        + "; from memory import peak_rss_kib; print(time.perf_counter() - t, peak_rss_kib())"
    )
    runs = []
    for _ in range(repeats):
        out = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, check=True
        )
        seconds, rss = out.stdout.split()
        runs.append((float(seconds), float(rss) / 1024))
    return {"seconds": min(r[0] for r in runs), "maxrss_mib": statistics.median(r[1] for r in runs)}


def workbook(rows: int, folder: Path) -> Settings:
    path = generate.write_xlsx(generate.make_tabs(rows), folder / f"planner-{rows}.xlsx")
    return settings_from_dict(
        generate.settings_dict({"backend": "xlsx", "path": str(path)}), env={}
    )


def measure(rows: int, folder: Path, repeats: int) -> dict[str, Any]:
    import datetime as dt

    from postme.insights_tabs import plan_history
    from postme.jobs import open_store, read_sheet, run_weekly
    from postme.metrics import (
        account_request,
        post_request,
        read_follower_points,
        read_post_metrics,
    )
    from postme.monthly import Month, run_monthly
    from postme.stores.base import WritePlan

    settings = workbook(rows, folder)
    clock = generate.CLOCK
    as_of = generate.AS_OF

    def weekly() -> None:
        run_weekly(settings, as_of, source=None, now=clock, clock_now=clock, dry_run=True)

    def weekly_without_history() -> None:
        with history_step_off():
            weekly()

    store = open_store(settings)
    data = read_sheet(store, settings, [account_request(settings), post_request(settings)])
    followers, _f = read_follower_points(data.tab(settings.tabs.account_metrics), settings)
    posts, _p = read_post_metrics(data.tab(settings.tabs.post_metrics), settings)

    def history() -> None:
        plan_history(
            WritePlan(), None, data.calendar, followers, posts, settings, as_of=as_of, now=clock
        )

    weekly()  # the first run fills the caches a run keeps (the translation catalog)
    weekly_seconds = best(weekly, repeats)
    without_seconds = best(weekly_without_history, repeats)
    history_seconds = best(history, repeats)
    month = Month(2026, 10)
    pdf = folder / f"report-{rows}.pdf"
    report_seconds = best(
        lambda: run_monthly(
            settings,
            month,
            as_of=dt.date(2026, 11, 2),
            clock_now=clock,
            dry_run=False,
            pdf_path=pdf,
        ),
        repeats,
    )
    return {
        "rows": rows,
        "posts": len(posts),
        "repeats": repeats,
        "weekly_seconds": round(weekly_seconds, 3),
        "weekly_without_history_seconds": round(without_seconds, 3),
        "history_step_seconds": round(history_seconds, 3),
        "report_month_seconds": round(report_seconds, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--rows", type=int, nargs="*", default=[3000, 10000])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    imports = {
        "bare_python": fresh_process("pass", args.repeats),
        "import_pandas": fresh_process("import pandas", args.repeats),
        "import_pandas_matplotlib_fpdf": fresh_process(
            "import pandas, matplotlib.figure, fpdf", args.repeats
        ),
        "import_postme_cli_loads_pandas": subprocess.run(
            [sys.executable, "-c", "import postme.cli, sys; print('pandas' in sys.modules)"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip(),
    }
    with tempfile.TemporaryDirectory() as folder:
        runs = [measure(rows, Path(folder), args.repeats) for rows in args.rows]
    result = {"imports": imports, "runs": runs}
    if args.json:
        print(json.dumps(result, indent=2))
        return
    for name, value in imports.items():
        print(f"{name:34} {value}")
    for run in runs:
        print(json.dumps(run))


if __name__ == "__main__":
    main()
