"""``postme demo``: the bundled workbook and Instagram snapshot, copied to a folder and
run through the weekly job, offline."""

from __future__ import annotations

import datetime as dt
import shutil
from importlib import resources
from pathlib import Path

from postme.config import load_config
from postme.instagram.jsondir import JsonDirSource
from postme.jobs import Progress, WeeklyResult, run_weekly

# The demo data covers 2026-W43 … W48; its reference day is fixed so it shows the same
# story whenever it is run: the week 2026-W47 is reported, W48 is coming up.
DEMO_AS_OF = dt.date(2026, 11, 23)
DEMO_CLOCK = dt.datetime(2026, 11, 23, 7, 0)

DEMO_CONFIG = """\
# postme demo: Puskesmas Sukamaju (fictional). Every key is explained in config.example.toml.
language = "id"
timezone = "Asia/Jakarta"

[sheet]
backend = "xlsx"
path = "planner.xlsx"

[instagram]
username = "puskesmas.sukamaju"

[policy]
required_hashtags = ["#PuskesmasSukamaju"]

[[slots]]
program = "Nice to Know"
days = ["senin", "kamis"]
time = "19:00"

[[slots]]
program = "Konde Emas"
days = ["rabu"]
time = "19:00"

[[slots]]
program = "Obral Ketan"
days = ["jumat"]
time = "15:00"

[[slots]]
program = "SIKAKUNG"
days = ["selasa", "sabtu"]
time = "10:00"
"""


def demo_files() -> tuple[Path, Path]:
    data = Path(str(resources.files("postme") / "data"))
    return data / "demo" / "planner.xlsx", data / "demo_instagram"


def prepare_demo(folder: Path) -> Path:
    """Copy the demo workbook, snapshot and config into ``folder`` (fresh each time)."""
    workbook, snapshot = demo_files()
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(workbook, folder / "planner.xlsx")
    target = folder / "instagram"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(snapshot, target)
    (folder / "postme.toml").write_text(DEMO_CONFIG, encoding="utf-8")
    return folder / "planner.xlsx"


def run_demo(folder: Path, progress: Progress | None = None) -> tuple[WeeklyResult, Path]:
    workbook = prepare_demo(folder)
    settings = load_config(folder / "postme.toml", env={})
    clock = DEMO_CLOCK.replace(tzinfo=settings.zone)
    # The snapshot was "taken" on the demo's morning, whatever the files' dates say.
    source = JsonDirSource(folder / "instagram", settings.instagram.username, taken_at=clock)
    result = run_weekly(
        settings, DEMO_AS_OF, source=source, now=clock, clock_now=clock, progress=progress
    )
    return result, workbook
