"""The main job through the real gspread + google-auth against the local Sheets server:
one read, one write, the same results as the .xlsx store, nothing lost."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Any

import pytest
from sheets_server import SheetsServer

from postme.config import Settings, settings_from_dict
from postme.demo import DEMO_AS_OF, DEMO_CONFIG, prepare_demo
from postme.errors import SheetError
from postme.instagram.jsondir import JsonDirSource
from postme.jobs import run_weekly
from postme.stores.xlsx import XlsxStore

HUMAN_TABS = ("Kalender Konten",)
CLOCK = dt.datetime(2026, 11, 23, 7, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))


def demo_settings(sheet: dict[str, Any]) -> Settings:
    data = tomllib.loads(DEMO_CONFIG)
    data["sheet"] = sheet
    return settings_from_dict(data, env={})


@pytest.fixture
def demo_sheet(
    tmp_path: Path, sheets_server: SheetsServer, sheets_key_file: Path
) -> dict[str, Any]:
    workbook = prepare_demo(tmp_path / "demo")
    spreadsheet_id = sheets_server.load_workbook(workbook)
    settings = demo_settings(
        {
            "backend": "gsheets",
            "spreadsheet": spreadsheet_id,
            "key_file": str(sheets_key_file),
            "endpoint": sheets_server.url,
        }
    )
    return {"id": spreadsheet_id, "settings": settings, "folder": tmp_path / "demo"}


def weekly(settings: Settings, folder: Path, **options: Any) -> Any:
    source = JsonDirSource(folder / "instagram", "puskesmas.sukamaju", taken_at=CLOCK)
    return run_weekly(settings, DEMO_AS_OF, source=source, now=CLOCK, clock_now=CLOCK, **options)


def test_weekly_is_four_requests(sheets_server: SheetsServer, demo_sheet: dict[str, Any]) -> None:
    sheets_server.reset_log()
    result = weekly(demo_sheet["settings"], demo_sheet["folder"])
    assert result.written
    # The lock (metadata in its answer), the read, the tagging of the rows it updates (the
    # re-read in its answer), and one guarded batch writing everything and releasing the
    # lock (docs/performance.md).
    kinds = [r.kind for r in sheets_server.api_requests()]
    assert kinds == ["batchUpdate", "batchGet", "batchUpdate", "batchUpdate"]
    sheets_server.reset_log()
    weekly(demo_sheet["settings"], demo_sheet["folder"])
    # Nothing changed: the lock, the read and the lock's release.
    assert [r.kind for r in sheets_server.api_requests()] == [
        "batchUpdate",
        "batchGet",
        "batchUpdate",
    ]


def test_same_results_as_the_xlsx_store(
    sheets_server: SheetsServer, demo_sheet: dict[str, Any], tmp_path: Path
) -> None:
    remote = weekly(demo_sheet["settings"], demo_sheet["folder"])
    local_folder = tmp_path / "local"
    prepare_demo(local_folder)
    local_settings = demo_settings({"backend": "xlsx", "path": str(local_folder / "planner.xlsx")})
    local = weekly(local_settings, local_folder)
    assert remote.report.to_json() == local.report.to_json()
    assert remote.validation.to_json() == local.validation.to_json()
    assert remote.slots.to_json() == local.slots.to_json()
    # And the written tabs read back equal through both stores.
    from postme.stores.base import TabRequest

    titles = ["Analisis Mingguan", "Analisis Program", "Temuan", "Metrik Postingan"]
    requests = [TabRequest(t) for t in titles]
    from postme.jobs import open_store

    remote_tabs = open_store(demo_sheet["settings"]).read(requests)
    local_tabs = XlsxStore(local_folder / "planner.xlsx").read(requests)
    for title in titles:
        assert remote_tabs[title] == local_tabs[title], title


def test_human_tabs_unchanged_and_second_run_changes_nothing(
    sheets_server: SheetsServer, demo_sheet: dict[str, Any]
) -> None:
    before = sheets_server.dump(demo_sheet["id"])
    weekly(demo_sheet["settings"], demo_sheet["folder"])
    after_first = sheets_server.dump(demo_sheet["id"])
    for tab in HUMAN_TABS:
        assert after_first[tab] == before[tab]
    sheets_server.reset_log()
    weekly(demo_sheet["settings"], demo_sheet["folder"])
    assert sheets_server.dump(demo_sheet["id"]) == after_first
    assert sheets_server.count("batchUpdateValues") == 0  # nothing to write


def test_failed_write_leaves_the_spreadsheet_as_it_was(
    sheets_server: SheetsServer, demo_sheet: dict[str, Any]
) -> None:
    before = sheets_server.dump(demo_sheet["id"])
    sheets_server.inject("batchUpdate", status=500, times=10, skip=1)  # the write
    with pytest.raises(SheetError):
        weekly(demo_sheet["settings"], demo_sheet["folder"])
    assert sheets_server.dump(demo_sheet["id"]) == before


def test_person_edit_in_the_analysis_tab_survives(
    sheets_server: SheetsServer, demo_sheet: dict[str, Any]
) -> None:
    weekly(demo_sheet["settings"], demo_sheet["folder"])
    rows = sheets_server.values(demo_sheet["id"], "Analisis Mingguan")
    note_row = len(rows) + 2  # below the data, after one blank row
    sheets_server.set_values(
        demo_sheet["id"], "Analisis Mingguan", [["catatan kepala puskesmas"]], f"A{note_row}"
    )
    weekly(demo_sheet["settings"], demo_sheet["folder"])
    rows_after = sheets_server.values(demo_sheet["id"], "Analisis Mingguan")
    assert rows_after[note_row - 1][0] == "catatan kepala puskesmas"


def test_caption_starting_with_equals_arrives_as_text(
    sheets_server: SheetsServer, demo_sheet: dict[str, Any]
) -> None:
    weekly(demo_sheet["settings"], demo_sheet["folder"])
    rows = sheets_server.values(demo_sheet["id"], "Metrik Postingan")
    header = rows[0]
    caption_column = header.index("Caption")
    code_column = header.index("Shortcode")
    row_index = next(i for i, r in enumerate(rows) if r and r[code_column] == "DemoNTK1116")
    caption = rows[row_index][caption_column]
    assert caption.startswith("=")
    cell = f"{chr(65 + caption_column)}{row_index + 1}"
    assert not sheets_server.is_formula(demo_sheet["id"], "Metrik Postingan", cell)


def test_weekly_adds_one_native_chart_followers_left_rate_right(
    sheets_server: SheetsServer, demo_sheet: dict[str, Any]
) -> None:
    weekly(demo_sheet["settings"], demo_sheet["folder"])
    weekly(demo_sheet["settings"], demo_sheet["folder"])
    (chart,) = sheets_server.charts(demo_sheet["id"], "Analisis Mingguan")
    header = sheets_server.values(demo_sheet["id"], "Analisis Mingguan")[0]
    basic = chart["spec"]["basicChart"]

    def column(part: dict[str, Any]) -> str:
        return str(header[part["sourceRange"]["sources"][0]["startColumnIndex"]])

    assert column(basic["domains"][0]["domain"]) == "Minggu"
    axes = {column(s["series"]): s["targetAxis"] for s in basic["series"]}
    assert axes == {"Pengikut Akhir": "LEFT_AXIS", "Engagement Rate (%)": "RIGHT_AXIS"}
