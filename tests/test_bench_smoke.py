"""The benchmarks at a smoke size (issue 8): the request counts are exact goals, so they
are asserted here; timings are only reported by ``make bench``."""

from __future__ import annotations

import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import bench_coldstart  # noqa: E402
import bench_instagram  # noqa: E402
import bench_sheets  # noqa: E402
import bench_startup  # noqa: E402
import run_all  # noqa: E402


def test_weekly_is_four_sheets_requests_whatever_the_size() -> None:
    results = bench_sheets.run([100, 1000], [], None, 1)
    for row in results["requests"]:
        # The lock (with the metadata), the read, the tagging of the rows it updates (the
        # re-read in its answer) and one guarded atomic write releasing the lock; the first
        # run's new tabs and chart ride in it.
        assert row["next_run"] == {"batchUpdate": 3, "batchGet": 1}
        assert row["first_run"] == {"batchUpdate": 2, "batchGet": 1}  # no tool tab to re-read
        # The naive script: a metadata fetch and a read per tab, an update per row.
        assert row["naive_total"] >= 6 + row["rows_written"]
    assert (
        run_all.failures({"sheets": results, "instagram": [], "startup": {"heavy_imports": []}})
        == []
    )


def test_the_wall_time_splits_each_side_into_http_and_the_rest() -> None:
    results = bench_sheets.run([], [300], None, 1)
    (row,) = results["time"]
    # Both sides wait for the server, and both do something besides (postme most of all).
    assert 0 < row["postme_http_s"] < row["postme_s"]
    assert 0 < row["bare_http_s"] < row["bare_s"]
    assert row["ratio"] == row["postme_s"] / row["bare_s"]
    assert "of it HTTP" in run_all.table_row_weekly(row)


def test_collect_reads_one_timeline_page_for_eight_new_posts() -> None:
    small, small_pinned = bench_instagram.run([50])
    large = bench_instagram.collect_requests(400)
    for row in (small, small_pinned, large):
        assert row["requests"] == row["goal"] == bench_instagram.SETUP + 1
        assert row["posts_read"] == 8
    assert large["anchor"] == bench_instagram.SETUP + 400 // bench_instagram.PAGE + 1


def test_the_cli_module_imports_no_heavy_library() -> None:
    assert bench_startup.heavy_imports() == []


def test_a_missed_count_goal_is_reported() -> None:
    sheets = {"requests": [{"rows": 100, "next_total": 5, "first_total": 4}]}
    instagram = [{"posts": 50, "requests": 9, "goal": 4}]
    missed = run_all.failures(
        {"sheets": sheets, "instagram": instagram, "startup": {"heavy_imports": ["pandas"]}}
    )
    assert len(missed) == 3


def test_cold_start_times_whole_processes_of_both_sides() -> None:
    figures = bench_coldstart.run(rows=200, repeats=1)
    assert figures["rows"] == 200
    for key in ("postme_s", "bare_s", "postme_cpu_s", "bare_cpu_s"):
        assert figures[key] > 0
    assert figures["ratio"] == figures["postme_s"] / figures["bare_s"]


def test_help_in_the_configs_language_does_not_import_the_config_models(tmp_path: Path) -> None:
    """``postme --help`` reads the config's language with tomllib alone: pydantic (the
    config's models, ~80 ms of imports) would make it 2× a bare Typer app's help."""
    import subprocess

    (tmp_path / "postme.toml").write_text('language = "en"\n', encoding="utf-8")
    script = (
        "import sys\n"
        "from postme.__main__ import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'pydantic', 'pandas'}))\n"
    )
    root = BENCHMARKS.parent
    env = {"HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path), "PYTHONPATH": str(root)}
    done = subprocess.run(
        [sys.executable, "-c", script, "--help"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "Print the postme version." in done.stdout  # in the config's English, not "Cetak"
    assert done.stdout.strip().splitlines()[-1] == "[]"
