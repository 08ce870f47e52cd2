"""`postme weekly --from DIR` with instaloader's comment files: the register is written,
the JSON and exit code name the overdue complaint, and a re-run changes nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from fakes.comments import OVERDUE_COMPLAINT, build_comments_folder
from fakes.instagram import profile_node, write_profile
from typer.testing import CliRunner

from postme.cli import app

runner = CliRunner()
AS_OF = "2026-11-23"


@pytest.fixture
def setup(tmp_path: Path) -> dict[str, Path]:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Kalender Konten"
    sheet.append(["Tanggal", "Program", "Status"])
    sheet.append(["30/11/2026", "Nice to Know", "Rencana"])
    workbook = tmp_path / "planner.xlsx"
    book.save(workbook)
    config = tmp_path / "postme.toml"
    config.write_text(
        '[sheet]\npath = "planner.xlsx"\n[instagram]\nusername = "puskesmas.bakung"\n'
    )
    folder = build_comments_folder(tmp_path / "ig")
    write_profile(folder, profile_node())
    return {"config": config, "workbook": workbook, "folder": folder}


def weekly(setup: dict[str, Path]) -> tuple[int, dict[str, Any]]:
    args = ["weekly", "-c", str(setup["config"]), "--as-of", AS_OF, "--from", str(setup["folder"])]
    result = runner.invoke(app, [*args, "--json"])
    return result.exit_code, json.loads(result.stdout)


def test_weekly_writes_the_register_and_flags_the_overdue_complaint(
    setup: dict[str, Path],
) -> None:
    code, doc = weekly(setup)
    comments = doc["comments"]
    assert comments["overdue_complaints"] == 1 and comments["complete"]
    assert comments["summary"][0].startswith("1 keluhan belum dijawab, 1 lewat 3 hari: ")
    assert code == 1
    sheet = openpyxl.load_workbook(setup["workbook"])["Komentar"]
    ids = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert OVERDUE_COMPLAINT.id in ids and len(ids) == 5
    assert any("Komentar" in w for w in doc["written"]["ranges"])

    code, doc = weekly(setup)
    assert doc["comments"]["rows_written"] == 0
    assert not any("Komentar" in w for w in doc["written"]["ranges"])
    assert code == 1

    # The team closes the overdue complaint in the register: nothing overdue is left open.
    book = openpyxl.load_workbook(setup["workbook"])
    sheet = book["Komentar"]
    headers = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == OVERDUE_COMPLAINT.id:
            row[headers.index("Selesai")].value = "ya"
    book.save(setup["workbook"])
    code, doc = weekly(setup)
    assert doc["comments"]["overdue_complaints"] == 0 and doc["comments"]["closed_rows"] == 1
    assert code == 0
