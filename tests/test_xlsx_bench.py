"""``benchmarks/bench_xlsx.py`` at a smoke size: it runs, and its figures hang together
(timings are reported by ``make bench``, never asserted)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import bench_xlsx  # noqa: E402


def test_the_xlsx_benchmark_runs_at_a_smoke_size() -> None:
    (row,) = bench_xlsx.run([300], repeats=1)
    assert row["rows"] == 300
    assert 0 < row["store_s"] <= row["run_s"] < row["postme_s"]
    assert row["floor_s"] > 0 and row["peak_mib"] > 10
    assert "| 300 |" in bench_xlsx.table([row])
