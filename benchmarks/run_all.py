"""``make bench``: every performance figure of issue 8 (and issue 3's validate figures),
printed as one table with the machine it ran on.

    python benchmarks/run_all.py            # full sizes, a few minutes
    python benchmarks/run_all.py --smoke    # small sizes, seconds (CI)
    python benchmarks/run_all.py --json results.json

Request counts are exact and are checked against their goals (exit 1 when one is
missed); timings are reported, with their goals, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(HERE.parent))  # this checkout's postme, not an installed one

FULL = {
    "requests": [100, 10_000, 100_000],
    "timed": [3000, 10_000, 100_000],
    "repeats": 5,
    "memory": 100_000,
    "instagram": [50, 1000],
    "validate": [1000, 10_000, 100_000],
    "startup_repeats": 7,
    "coldstart": (3000, 7),
    "xlsx": [3000, 10_000, 100_000],
}
SMOKE = {
    "requests": [100],
    "timed": [500],
    "repeats": 1,
    "memory": None,
    "instagram": [50],
    "validate": [1000],
    "startup_repeats": 1,
    "coldstart": (200, 1),
    "xlsx": [500],
}
SHEETS_GOAL = 4  # lock + metadata, read, re-read before writing, write + release


def machine() -> dict[str, Any]:
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": memory,
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
    }


def run(sizes: dict[str, Any]) -> dict[str, Any]:
    import bench_coldstart
    import bench_instagram
    import bench_sheets
    import bench_startup
    import bench_validate
    import bench_xlsx

    started = time.perf_counter()
    results: dict[str, Any] = {"machine": machine()}
    results["sheets"] = bench_sheets.run(
        sizes["requests"], sizes["timed"], sizes["memory"], sizes["repeats"]
    )
    results["instagram"] = bench_instagram.run(sizes["instagram"])
    results["startup"] = bench_startup.run(sizes["startup_repeats"])
    results["validate"] = bench_validate.run(sizes["validate"])
    results["coldstart"] = bench_coldstart.run(*sizes["coldstart"])
    results["xlsx_store"] = bench_xlsx.run(sizes["xlsx"], sizes["repeats"])
    results["seconds"] = time.perf_counter() - started
    return results


def failures(results: dict[str, Any]) -> list[str]:
    """The exact-count goals that were missed."""
    missed = []
    for row in results["sheets"]["requests"]:
        if row["next_total"] > SHEETS_GOAL:
            missed.append(f"sheets {row['rows']} rows: {row['next_total']} requests")
        if row["first_total"] > SHEETS_GOAL:
            missed.append(f"sheets {row['rows']} rows, first run: {row['first_total']}")
    for row in results["instagram"]:
        if row["requests"] > row["goal"]:
            missed.append(f"instagram {row['posts']} posts: {row['requests']} > {row['goal']}")
    if results["startup"]["heavy_imports"]:
        missed.append(f"import postme.cli pulls in {results['startup']['heavy_imports']}")
    return missed


def _n(rows: int) -> str:
    return f"{rows // 1000}k" if rows >= 1000 else str(rows)


def _ok(met: bool) -> str:
    return "met" if met else "NOT met"


def table_row_weekly(row: dict[str, Any]) -> str:
    """The wall-time row of one size: postme and the bare floor, each with its HTTP part."""
    goal = "≤ 1.5×" if row["rows"] == 10_000 else "-"
    verdict = _ok(row["ratio"] <= 1.5) if row["rows"] == 10_000 else ""
    return (
        f"| 3 | weekly --no-collect wall time | {_n(row['rows'])} rows | "
        f"{row['postme_s']:.3f} s, of it HTTP {row['postme_http_s']:.3f} s (without the "
        f"history step {row['no_history_s']:.3f} s) | bare gspread read+write "
        f"{row['bare_s']:.3f} s, of it HTTP {row['bare_http_s']:.3f} s (ratio "
        f"{row['ratio']:.2f}×; {row['no_history_ratio']:.2f}× without) | {goal} | {verdict} |"
    )


def table(results: dict[str, Any]) -> str:
    import bench_xlsx

    m = results["machine"]
    lines = [
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory']} RAM, Python {m['python']}, "
        f"{m['system']}",
        "",
        "| # | measure | size | postme | anchor | goal | |",
        "|---|---|---|---|---|---|---|",
    ]
    sheets = results["sheets"]
    for row in sheets["requests"]:
        first = row["first_run"]
        lines.append(
            f"| 1 | Sheets requests per weekly run | {_n(row['rows'])} rows | "
            f"{row['next_total']} (first run {row['first_total']}: "
            f"{', '.join(f'{k} {v}' for k, v in first.items())}) | naive gspread "
            f"{row['naive_total']} ({row['rows_written']} rows written) | "
            f"≤ {SHEETS_GOAL} (first run too) | "
            f"{_ok(row['next_total'] <= SHEETS_GOAL and row['first_total'] <= SHEETS_GOAL)} |"
        )
    for row in results["instagram"]:
        lines.append(
            f"| 2 | Instagram requests per collect | {row['posts']} posts, {row['new']} new, "
            f"{row['pinned']} pinned | {row['requests']} | all posts {row['anchor']} | "
            f"≤ {row['goal']} | {_ok(row['requests'] <= row['goal'])} |"
        )
    timed = sheets["time"]
    lines.extend(table_row_weekly(row) for row in timed)
    if len(timed) >= 2:
        small, large = timed[-2], timed[-1]
        growth = large["postme_s"] / small["postme_s"]
        factor = large["rows"] / small["rows"]
        lines.append(
            f"| 3 | growth {_n(small['rows'])} → {_n(large['rows'])} | ×{factor:.0f} rows | "
            f"×{growth:.1f} | bare ×{large['bare_s'] / small['bare_s']:.1f} | ≤ ×12 | "
            f"{_ok(growth <= 12)} |"
        )
    for row in sheets["xlsx"]:
        lines.append(
            f"| 3 | weekly --no-collect, .xlsx store | {_n(row['rows'])} rows | "
            f"{row['xlsx_s']:.2f} s (without the history step {row['xlsx_no_history_s']:.2f} s) "
            f"| | reference | |"
        )
    cold = results.get("coldstart")
    if cold:
        lines.append(
            f"| 3 | weekly --no-collect, a whole process (cold start) | {_n(cold['rows'])} rows | "
            f"{cold['postme_s']:.2f} s, CPU {cold['postme_cpu_s']:.2f} s | bare gspread process "
            f"{cold['bare_s']:.2f} s, CPU {cold['bare_cpu_s']:.2f} s (ratio {cold['ratio']:.2f}×, "
            f"CPU {cold['cpu_ratio']:.2f}×; without the history step {cold['no_history_s']:.2f} s, "
            f"CPU {cold['no_history_cpu_s']:.2f} s) | ≤ 1.5× | {_ok(cold['cpu_ratio'] <= 1.5)} |"
        )
    start = results["startup"]
    lines.append(
        f"| 4 | `postme --help` | | {start['help_s']:.3f} s | Typer hello `--help` "
        f"{start['typer_s']:.3f} s ({start['help_ratio']:.2f}×) | ≤ 1.5× | "
        f"{_ok(start['help_ratio'] <= 1.5)} |"
    )
    lines.append(
        f"| 4 | `postme check --help` | | {start['check_help_s']:.3f} s | Typer hello "
        f"`hello --help` {start['typer_command_s']:.3f} s ({start['check_ratio']:.2f}×; "
        f"{start['check_vs_bare_help']:.2f}× the bare `--help`) | ≤ 1.5× | "
        f"{_ok(start['check_ratio'] <= 1.5)} |"
    )
    heavy = ", ".join(start["heavy_imports"]) or "none"
    lines.append(
        f"| 4 | heavy libraries imported by `import postme.cli` | | {heavy} | | none | "
        f"{_ok(not start['heavy_imports'])} |"
    )
    memory = sheets["memory"]
    if memory:
        lines.append(
            f"| 5 | peak memory, weekly | {_n(memory['rows'])} rows | "
            f"{memory['peak_mib']:.0f} MiB ({memory['how']}) | | written down | |"
        )
    for row in results["validate"]:
        lines.append(
            f"| 6 | validate (read + policy) | {_n(row['rows'])} rows | read "
            f"{row['read_s']:.3f} s + check {row['validate_s']:.3f} s (--all "
            f"{row['validate_all_s']:.3f} s) | {row['findings']} findings ({row['findings_all']} "
            f"with --all) | reported | |"
        )
    lines += [
        "",
        "The .xlsx store, whole processes (issue 14):",
        bench_xlsx.table(results["xlsx_store"]),
    ]
    lines.append("")
    lines.append(f"Benchmark run took {results['seconds']:.0f} s.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="postme benchmarks (issue 8)")
    parser.add_argument("--smoke", action="store_true", help="small sizes, a few seconds")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args(argv)
    results = run(SMOKE if args.smoke else FULL)
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    missed = failures(results)
    for line in missed:
        print(f"goal missed: {line}", file=sys.stderr)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
