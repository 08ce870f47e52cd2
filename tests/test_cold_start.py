"""What a cold run no longer pays for: the ``holidays`` package (a shipped table instead)
and parsing the ``.po`` catalog (compiled once into the user cache)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from fakes.paths import PO_FILE
from platformdirs import user_cache_dir

from postme import catalog_cache, holiday_table
from postme.healthdays import special_days

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("category", holiday_table.CATEGORIES)
def test_the_shipped_holiday_table_is_what_the_holidays_package_says(category: str) -> None:
    table = json.loads(holiday_table.TABLE_PATH.read_text(encoding="utf-8"))
    years = range(table["first_year"], table["last_year"] + 1)
    assert years.start <= 2024 and years.stop > 2035  # the years teams plan around
    assert table[category] == holiday_table.from_package(years, category)


def test_special_days_read_the_table_and_fall_back_to_the_package() -> None:
    table = json.loads(holiday_table.TABLE_PATH.read_text(encoding="utf-8"))
    first = table["first_year"]
    start, end = dt.date(first, 1, 1), dt.date(first, 12, 31)
    from_table = special_days(start, end, [], include_cuti_bersama=True)
    assert any("Idul Fitri" in day.name for day in from_table)
    # A span starting the year before the table is asked of the package: the same days.
    from_package = special_days(dt.date(first - 1, 12, 1), end, [], include_cuti_bersama=True)
    assert [day for day in from_package if day.date >= start] == from_table
    far = special_days(dt.date(2040, 8, 1), dt.date(2040, 8, 31), [])  # outside the table
    assert [d.date for d in far if "Kemerdekaan" in d.name] == [dt.date(2040, 8, 17)]


def test_a_weekly_run_imports_neither_holidays_nor_babel_once_the_catalog_is_cached(
    tmp_path: Path,
) -> None:
    script = (
        "import sys, datetime as dt\n"
        "from postme.i18n import _, set_language\n"
        "from postme.healthdays import special_days\n"
        "set_language('id')\n"
        "_('Stopped by the user. Nothing was written.')\n"
        "special_days(dt.date(2026, 1, 1), dt.date(2026, 12, 31), [])\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'holidays', 'babel'}))\n"
    )
    env = {"XDG_CACHE_HOME": str(tmp_path), "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}

    def modules() -> str:
        done = subprocess.run(
            [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    assert modules() == "['babel']"  # the first run parses the catalog
    assert modules() == "[]"  # later runs read the compiled one


def test_the_compiled_catalog_follows_the_po_file(tmp_path: Path) -> None:
    cache = Path(user_cache_dir("postme"))  # per test (the isolated_environment fixture)
    po = tmp_path / "postme.po"
    entry = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    po.write_text(entry + 'msgid "Week"\nmsgstr "Minggu"\n', encoding="utf-8")
    assert catalog_cache.load_catalog(po, "id") == {"Week": "Minggu"}
    (cached,) = cache.rglob("*.json")
    assert json.loads(cached.read_text(encoding="utf-8")) == {"Week": "Minggu"}
    po.write_text(entry + 'msgid "Week"\nmsgstr "Pekan"\n', encoding="utf-8")
    assert catalog_cache.load_catalog(po, "id") == {"Week": "Pekan"}  # a new .po, a new file
    assert len(list(cache.rglob("*.json"))) == 2
    # The real catalog: parsed on the first load, read back whole from the cache after.
    parsed = catalog_cache.load_catalog(PO_FILE, "id")
    assert len(list(cache.rglob("*.json"))) == 3
    assert catalog_cache.load_catalog(PO_FILE, "id") == parsed
    assert parsed["Stopped by the user. Nothing was written."].startswith("Dihentikan")


def test_a_report_without_instagram_does_not_import_instaloader(tmp_path: Path) -> None:
    """instaloader costs ~30 ms of imports: only a run that reads Instagram pays it."""
    from postme.demo import prepare_demo

    prepare_demo(tmp_path / "demo")
    script = (
        "import sys\n"
        "from postme.cli import app\n"
        "try:\n"
        "    app(['report', '-c', 'demo/postme.toml', '--as-of', '2026-11-23', '--dry-run',"
        " '-q'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'instaloader', 'matplotlib'}))\n"
    )
    env = {
        "XDG_CACHE_HOME": str(tmp_path),
        "HOME": str(tmp_path),
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(ROOT),  # this checkout's postme, whatever the venv points at
    }
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
