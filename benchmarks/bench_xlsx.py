"""The .xlsx store, whole processes side by side (issue 14):

- postme: ``weekly --no-collect`` on a generated planner whose tool tabs already exist
  (steady state), in a fresh Python process, from start to exit;
- floor: a fresh process that reads the same tabs with python-calamine and writes the
  same changed parts into the package (the other parts copied as stored): no computing;
- before: the same weekly run with the base commit's store (openpyxl load + save), when
  ``--before PATH`` names a checkout of it (skipped at 100k rows: minutes).

Peak memory (maximum resident set size) of the postme process is recorded at every size.

    python benchmarks/bench_xlsx.py                   # 3k, 10k, 100k rows
    python benchmarks/bench_xlsx.py --sizes 3000 --before /work/main
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TABS = (
    "Kalender Konten",
    "Metrik Akun",
    "Metrik Postingan",
    "Analisis Mingguan",
    "Analisis Program",
    "Temuan",
)


def _child_weekly(settings_file: str, as_of: str, clock: str) -> dict[str, float]:
    """What ``postme weekly --no-collect`` does, with the generated planner's settings;
    the seconds spent importing, running, and inside the store's read and write."""
    import datetime as dt

    start = time.perf_counter()
    from postme.config import settings_from_dict
    from postme.jobs import run_weekly
    from postme.stores.xlsx import XlsxStore

    imported = time.perf_counter()
    in_store = [0.0]

    def timed(method: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            began = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                in_store[0] += time.perf_counter() - began

        return wrapper

    for name in ("read", "write", "tab_titles"):
        setattr(XlsxStore, name, timed(getattr(XlsxStore, name)))
    settings = settings_from_dict(json.loads(Path(settings_file).read_text()), env={})
    now = dt.datetime.fromisoformat(clock)
    run_weekly(settings, dt.date.fromisoformat(as_of), source=None, now=now, clock_now=now)
    return {
        "import_s": imported - start,
        "run_s": time.perf_counter() - imported,
        "store_s": in_store[0],
    }


def weekly_args(folder: Path, workbook: Path, weeks_later: int) -> list[str]:
    import datetime as dt

    import generate

    settings = folder / f"{workbook.stem}.json"
    settings.write_text(
        json.dumps(generate.settings_dict({"backend": "xlsx", "path": str(workbook)}), default=str)
    )
    shift = dt.timedelta(days=7 * weeks_later)
    as_of, clock = generate.AS_OF + shift, generate.CLOCK + shift
    return ["weekly", str(settings), as_of.isoformat(), clock.isoformat()]


def _child_floor(workbook: str, changed_from: str, out: str) -> None:
    """Read the tabs with calamine; write the parts postme changed, copying the others."""
    import io

    from python_calamine import CalamineWorkbook

    from postme.stores.xlsx.package import Package

    data = Path(workbook).read_bytes()
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    for title in TABS:
        book.get_sheet_by_name(title).to_python(skip_empty_area=False)
    package = Package.open(data)
    with zipfile.ZipFile(changed_from) as after:
        for name in after.namelist():
            content = after.read(name)
            if name not in package.zip.NameToInfo or package.zip.read(name) != content:
                package.put(name, content)
    with open(out, "wb") as handle:
        package.write_to(handle)


def child(argv: list[str]) -> None:
    figures: dict[str, float] = {}
    if argv[0] == "weekly":
        figures = _child_weekly(*argv[1:])
    else:
        _child_floor(*argv[1:])
    from memory import peak_rss_kib

    figures["maxrss_kib"] = peak_rss_kib()
    print(json.dumps(figures))


def run_process(args: list[str], pythonpath: Path) -> tuple[float, dict[str, Any]]:
    env = {**os.environ, "PYTHONPATH": f"{pythonpath}{os.pathsep}{HERE}"}
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", *args],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return time.perf_counter() - start, json.loads(done.stdout.strip().splitlines()[-1])


def measure(rows: int, repeats: int, before: Path | None) -> dict[str, Any]:
    sys.path.insert(0, str(HERE))
    import generate

    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder) / "base.xlsx"
        generate.write_xlsx(generate.make_tabs(rows), base)
        # The first run adds the tool tabs: the runs measured are in the steady state.
        run_process(weekly_args(Path(folder), base, -1), ROOT)
        for leftover in Path(folder).glob("base.bak.xlsx"):
            leftover.unlink()
        size_mib = base.stat().st_size / 2**20
        ours: list[float] = []
        floor: list[float] = []
        old: list[float] = []
        inner: list[dict[str, float]] = []
        peak = 0
        for repeat in range(repeats):
            work = Path(folder) / f"run{repeat}"
            work.mkdir()
            target = work / "planner.xlsx"
            shutil.copyfile(base, target)
            seconds, figures = run_process(weekly_args(work, target, 0), ROOT)
            ours.append(seconds)
            inner.append(figures)
            peak = max(peak, figures["maxrss_kib"])
            seconds, _ = run_process(
                ["floor", str(base), str(target), str(work / "floor.xlsx")], ROOT
            )
            floor.append(seconds)
            if before is not None and rows <= 20_000:
                old_target = work / "old.xlsx"
                shutil.copyfile(base, old_target)
                seconds, _ = run_process(weekly_args(work, old_target, 0), before)
                old.append(seconds)
    result: dict[str, Any] = {
        "rows": rows,
        "file_mib": round(size_mib, 1),
        "postme_s": min(ours),
        # Inside the fastest postme process: imports, run_weekly, and the store's own part.
        **{k: min(f[k] for f in inner) for k in ("import_s", "run_s", "store_s")},
        "floor_s": min(floor),
        "ratio": min(ours) / min(floor),
        "peak_mib": peak / 1024,
    }
    if old:
        result["before_s"] = min(old)
    return result


def run(sizes: list[int], repeats: int = 3, before: Path | None = None) -> list[dict[str, Any]]:
    return [measure(rows, repeats if rows <= 20_000 else 1, before) for rows in sizes]


def table(results: list[dict[str, Any]]) -> str:
    lines = [
        "| rows | file | postme weekly (process) | imports + run_weekly (of which the store) "
        "| floor (process) | ratio | before (process) | peak memory |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in results:
        before = f"{row['before_s']:.2f} s" if "before_s" in row else "-"
        lines.append(
            f"| {row['rows']:,} | {row['file_mib']} MiB | {row['postme_s']:.2f} s | "
            f"{row['import_s']:.2f} + {row['run_s']:.2f} s ({row['store_s']:.2f} s) | "
            f"{row['floor_s']:.2f} s | {row['ratio']:.1f}× | {before} | {row['peak_mib']:.0f} MiB |"
        )
    return "\n".join(lines)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="*", default=[3000, 10_000, 100_000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--before", type=Path, help="a checkout of the previous store")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    results = run(args.sizes, args.repeats, args.before)
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
