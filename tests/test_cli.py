"""The command line end to end on the demo workbook (.xlsx store), through CliRunner."""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from postme.cli import app
from postme.demo import DEMO_AS_OF, prepare_demo

runner = CliRunner()
AS_OF = DEMO_AS_OF.isoformat()
HUMAN_TABS = ("Kalender Konten",)


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    prepare_demo(tmp_path / "demo")
    return tmp_path / "demo"


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def snapshot(path: Path) -> dict[str, list[tuple[object, ...]]]:
    book = openpyxl.load_workbook(path)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}


def test_demo_runs_offline_and_exits_0(tmp_path: Path) -> None:
    code, out, _err = run("demo", str(tmp_path / "d"), "--lang", "en")
    assert code == 0
    assert "week 2026-W47" in out
    assert (tmp_path / "d" / "planner.xlsx").exists()
    tabs = snapshot(tmp_path / "d" / "planner.xlsx")
    weeks = [row[0] for row in tabs["Analisis Mingguan"][1:]]
    assert weeks == ["2026-W43", "2026-W44", "2026-W45", "2026-W46", "2026-W47"]


def test_validate_json_lists_the_planted_problems_with_their_cells(demo: Path) -> None:
    code, out, _err = run("validate", "-c", str(demo / "postme.toml"), "--as-of", AS_OF, "--json")
    assert code == 1
    document = json.loads(out)
    found = {(f["rule"], f["cell"]) for f in document["findings"]}
    # Cells as a person sees them in the demo workbook (header on row 3, blank row 17).
    expected = {
        ("unverified-published", "J29"),
        ("self-verified", "J30"),
        ("bad-link", "L30"),
        ("banned-phrase", "F32"),
        ("format-mismatch", "D35"),
        ("too-many-hashtags", "G36"),
        ("cerdik-missing", "F31"),
        ("duplicate-caption", "F38"),
        ("bad-date", "A40"),
        ("bad-date", "A41"),
        ("unknown-status", "K41"),
        ("outside-hours", "B37"),
    }
    assert expected <= found, expected - found
    assert document["summary"]["errors"] == sum(
        1 for f in document["findings"] if f["severity"] == "error"
    )
    assert set(document) == {"as_of", "findings", "summary"}


def test_slots_json_shows_missed_unplanned_and_upcoming_day(demo: Path) -> None:
    run(
        "collect",
        "-c",
        str(demo / "postme.toml"),
        "--as-of",
        AS_OF,
        "--from",
        str(demo / "instagram"),
    )
    code, out, _err = run("slots", "-c", str(demo / "postme.toml"), "--as-of", AS_OF, "--json")
    assert code == 1  # something was missed
    document = json.loads(out)
    kinds = {(f["kind"], f["date"]) for f in document["findings"]}
    assert ("missed", "2026-11-20") in kinds
    assert ("unplanned", "2026-11-21") in kinds
    assert ("upcoming-day", "2026-12-03") in kinds
    assert ("off-plan", "2026-11-20") in kinds  # the Info Grafis post with no row
    assert document["week"] == "2026-W47"


def test_weekly_twice_gives_the_same_workbook_and_keeps_human_tabs(demo: Path) -> None:
    config = str(demo / "postme.toml")
    before = snapshot(demo / "planner.xlsx")
    args = ("weekly", "-c", config, "--as-of", AS_OF, "--from", str(demo / "instagram"))
    code, _out, _err = run(*args)
    assert code == 1  # errors in the calendar and a missed post
    first = snapshot(demo / "planner.xlsx")
    for tab in HUMAN_TABS:
        assert first[tab] == before[tab]
    code, _out, _err = run(*args)
    assert code == 1
    second = snapshot(demo / "planner.xlsx")
    # "Diambil Pada"/"Diperbarui" only change when figures change: the same data twice
    # gives the same spreadsheet.
    assert second == first


def test_dry_run_writes_nothing(demo: Path) -> None:
    before = (demo / "planner.xlsx").read_bytes()
    code, out, _err = run(
        "weekly",
        "-c",
        str(demo / "postme.toml"),
        "--as-of",
        AS_OF,
        "--no-collect",
        "--dry-run",
        "--lang",
        "en",
    )
    assert code == 1
    assert "Dry run" in out
    assert (demo / "planner.xlsx").read_bytes() == before


def test_report_json_has_every_field(demo: Path) -> None:
    code, out, _err = run(
        "report", "-c", str(demo / "postme.toml"), "--as-of", AS_OF, "--week", "2026-W46", "--json"
    )
    document = json.loads(out)
    assert document["week"] == "2026-W46"
    for key in (
        "followers_start", "followers_end", "follower_growth", "follower_growth_pct", "planned",
        "published", "cancelled", "missed", "plan_adherence_pct", "errors", "warnings", "posts",
        "likes", "comments", "views", "interactions", "avg_interactions_per_post",
        "engagement_rate_pct", "top_program", "top_post", "updated_at",
        "by_program",
    ):  # fmt: skip
        assert key in document


def test_bad_config_exit_2_with_file_and_key(tmp_path: Path) -> None:
    config = tmp_path / "postme.toml"
    config.write_text("[sheet]\npath = 'x.xlsx'\n[policy]\ncaption_max_chars = 'x'\n")
    code, out, err = run("validate", "-c", str(config))
    assert code == 2
    assert "caption_max_chars" in err and "Traceback" not in err + out


def test_missing_tab_exit_3_missing_optional_column_warns(demo: Path) -> None:
    config = demo / "postme.toml"
    text = config.read_text()
    config.write_text(text + '\n[tabs]\ncalendar = "Jadwal"\n')
    code, _out, err = run("validate", "-c", str(config))
    assert code == 3
    assert "Jadwal" in err and "Kalender Konten" in err
    config.write_text(text + '\n[calendar.columns]\nverifier = "Pemeriksa"\n')
    code, out, err = run("validate", "-c", str(config), "--as-of", "2026-11-23", "--json")
    assert code == 1  # the run goes on: a warning, and the verifier rules skipped
    assert "Pemeriksa" in err and "Verifikator" in err
    rules = {f["rule"] for f in json.loads(out)["findings"]}
    assert "banned-phrase" in rules and not rules & {"self-verified", "unverified-published"}


def test_bad_as_of_and_week_are_usage_errors(demo: Path) -> None:
    config = str(demo / "postme.toml")
    assert run("validate", "-c", config, "--as-of", "23/11/2026")[0] == 2
    assert run("slots", "-c", config, "--week", "2026-W60")[0] == 2


def test_json_output_is_only_json(demo: Path) -> None:
    code, out, _err = run(
        "weekly", "-c", str(demo / "postme.toml"), "--as-of", AS_OF, "--no-collect", "--json"
    )
    document = json.loads(out)
    assert set(document) >= {"validate", "slots", "collect", "report", "written"}


def test_slots_before_any_collect_does_not_call_published_posts_not_found(demo: Path) -> None:
    # The demo's post metrics stop before the reported week: Instagram data does not
    # cover it yet, so "not-found" and "off-plan" cannot be judged.
    code, out, _err = run("slots", "-c", str(demo / "postme.toml"), "--as-of", AS_OF, "--json")
    kinds = {f["kind"] for f in json.loads(out)["findings"]}
    assert "missed" in kinds
    assert not kinds & {"not-found", "off-plan"}


# --- repository habits and the small things of issues 15 and 16 ------------------------------


def test_version_is_pyprojects_and_eager() -> None:
    import tomllib
    from importlib.metadata import version

    root = Path(__file__).resolve().parent.parent
    expected = tomllib.loads((root / "pyproject.toml").read_text())["project"]["version"]
    assert version("postme") == expected
    for args in (["--version"], ["--version", "weekly"]):  # eager: before any command
        assert run(*args)[:2] == (0, f"postme {expected}\n")
    import postme

    assert postme.__version__ == expected


def test_python_m_postme_runs_the_cli() -> None:
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, "-m", "postme", "--version"], cwd=root, capture_output=True, text=True
    )
    assert done.returncode == 0 and done.stdout.startswith("postme ")
    shim = subprocess.run(
        [sys.executable, "cli.py", "--version"], cwd=root, capture_output=True, text=True
    )
    assert shim.stdout == done.stdout


def test_json_error_is_one_document_on_stdout_with_the_exit_code(tmp_path: Path) -> None:
    missing = tmp_path / "nothing.toml"
    for command in ("weekly", "validate", "slots", "report"):
        code, out, err = run(command, "-c", str(missing), "--json", "--lang", "en")
        assert code == 2, (command, out, err)
        document = json.loads(out)  # exactly one document: json.loads rejects extra text
        assert set(document) == {"error"}
        assert document["error"]["code"] == 2
        assert document["error"]["kind"] == "ConfigError"
        assert str(missing) in document["error"]["message"]


def test_json_error_of_a_sheet_failure_keeps_exit_3(demo: Path) -> None:
    (demo / "planner.xlsx").write_bytes(b"not a workbook")
    code, out, _err = run(
        "weekly", "-c", str(demo / "postme.toml"), "--as-of", AS_OF, "--no-collect", "--json"
    )
    document = json.loads(out)
    assert code == 3 and document["error"]["code"] == 3 and document["error"]["message"]


def test_every_run_leaves_one_line_in_the_log(demo: Path) -> None:
    from platformdirs import user_log_dir

    config = str(demo / "postme.toml")
    run("weekly", "-c", config, "--as-of", AS_OF, "--no-collect", "--quiet")
    run("report", "-c", config, "--as-of", AS_OF, "--dry-run", "--quiet")
    run("weekly", "-c", str(demo / "missing.toml"), "--quiet")
    lines = [
        line
        for line in (Path(user_log_dir("postme")) / "postme.log").read_text().splitlines()
        if " run command=" in line
    ]
    assert len(lines) == 3
    first, second, third = lines
    assert "command=weekly week=2026-W47 cells=" in first and first.endswith(" exit=1")
    assert int(first.split("cells=")[1].split()[0]) > 0
    assert "command=report week=2026-W47 cells=0 exit=1" in second  # a dry run writes nothing
    assert "command=weekly week=- cells=0 exit=2" in third


def test_ctrl_d_at_the_password_prompt_is_cancelled_exit_2(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["login", "someone", "--session-file", str(tmp_path / "s"), "--lang", "en"],
        input="",
    )
    assert result.exit_code == 2
    assert "Cancelled: no password given" in result.stderr
    assert not (tmp_path / "s").exists()


def test_ctrl_c_during_start_up_ends_quietly_with_130(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins
    import sys

    from postme.__main__ import main

    real_import = builtins.__import__

    def interrupted(name: str, *args: Any, **kwargs: Any) -> ModuleType:
        if name == "postme.cli":
            raise KeyboardInterrupt
        return real_import(name, *args, **kwargs)  # __import__'s own arguments, passed on

    monkeypatch.setattr(builtins, "__import__", interrupted)
    monkeypatch.setattr(sys, "argv", ["postme", "--help"])
    with pytest.raises(SystemExit) as stopped:
        main()
    assert stopped.value.code == 130


def test_demo_prints_a_command_that_reproduces_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shlex
    import subprocess
    import sys

    monkeypatch.chdir(tmp_path)
    code, out, _err = run("demo", "d", "--lang", "en")
    assert code == 0
    last = out.strip().splitlines()[-1]
    assert last.startswith("Run it again: ")
    command = shlex.split(last.removeprefix("Run it again: "))
    assert command[1:] == ["-m", "postme", "demo", "d"]
    before = snapshot(tmp_path / "d" / "planner.xlsx")
    root = Path(__file__).resolve().parent.parent
    env = {**__import__("os").environ, "PYTHONPATH": str(root)}
    again = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, env=env)
    assert again.returncode == 0, again.stderr
    assert (
        command[0] == sys.executable or Path(command[0]).resolve() == Path(sys.executable).resolve()
    )
    after = snapshot(tmp_path / "d" / "planner.xlsx")
    assert after["Analisis Mingguan"] == before["Analisis Mingguan"]  # the same story


def test_json_usage_error_is_still_one_document(tmp_path: Path) -> None:
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, "-m", "postme", "weekly", "--json", "--no-such-option"],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert json.loads(done.stdout)["error"]["kind"] == "UsageError"
    assert "--no-such-option" in done.stderr
    # A config error is reported once, by the command itself.
    done = subprocess.run(
        [sys.executable, "-m", "postme", "weekly", "--json", "-c", str(tmp_path / "no.toml")],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2 and json.loads(done.stdout)["error"]["kind"] == "ConfigError"


def test_weekly_names_a_cell_it_had_to_shorten(tmp_path: Path) -> None:
    """Issue 19/14: an Instagram caption longer than a cell holds (and cut inside an
    emoji) is cleaned and shortened with a marker, written, and the summary names the
    cell instead of failing the write."""
    import json

    from postme.demo import prepare_demo

    prepare_demo(tmp_path)
    post = tmp_path / "instagram" / "2026-11-18_12-00-00_UTC.json"
    data = json.loads(post.read_text(encoding="utf-8"))
    data["node"]["caption"] = "Jaga kesehatan \ud83d " + "x" * 40_000  # Post.caption
    post.write_text(json.dumps(data), encoding="utf-8")
    result = CliRunner().invoke(
        app,
        ["weekly", "-c", str(tmp_path / "postme.toml"), "--as-of", "2026-11-23"]
        + ["--from", str(tmp_path / "instagram"), "--lang", "en"],
    )
    assert result.exit_code == 1, result.output
    said = " ".join(result.output.split())
    assert "more than a cell holds; it was shortened" in said
    assert "'Metrik Postingan'!" in said
