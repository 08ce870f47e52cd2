"""After init, collect, weekly and report, every part of the team's workbook postme does not
own is byte for byte as it was; formulas keep their saved results; a second run gives the
same figures as the first."""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from fakes.xlsx import CALENDAR, TOOL_TABS, VBA_BYTES, members, sheet_part, team_workbook

from postme.config import Settings, load_config
from postme.demo import DEMO_AS_OF, DEMO_CLOCK
from postme.instagram.jsondir import JsonDirSource
from postme.jobs import run_collect, run_report, run_weekly
from postme.setup_wizard import create_tool_tabs
from postme.stores.base import TabRequest
from postme.stores.xlsx import XlsxStore

METRICS_TABS = ("Metrik Akun", "Metrik Postingan")
# Parts a write may change: the package's index parts and the tabs postme writes.
INDEX_PARTS = {"[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"}


def settings_for(folder: Path) -> Settings:
    return load_config(folder / "postme.toml", env={})


def source_for(folder: Path, settings: Settings) -> JsonDirSource:
    clock = DEMO_CLOCK.replace(tzinfo=settings.zone)
    return JsonDirSource(folder / "instagram", settings.instagram.username, taken_at=clock)


def owned_parts(path: Path) -> set[str]:
    """The parts of postme's tabs and of the metrics tabs, their rels, drawings and charts."""
    parts = members(path)
    owned = set(INDEX_PARTS)
    for title in (*TOOL_TABS, "Waktu Terbaik", *METRICS_TABS):
        try:
            part = sheet_part(path, title)
        except AssertionError:
            continue
        owned.add(part)
        rels = part.replace("worksheets/", "worksheets/_rels/") + ".rels"
        owned.add(rels)
        for target in re.findall(r'Target="([^"]+)"', parts.get(rels, b"").decode()):
            drawing = "xl/" + target.replace("../", "")
            owned |= {drawing, drawing.replace("drawings/", "drawings/_rels/") + ".rels"}
            drawing_rels = parts.get(drawing.replace("drawings/", "drawings/_rels/") + ".rels", b"")
            owned |= {
                "xl/" + t.replace("../", "")
                for t in re.findall(r'Target="([^"]+)"', drawing_rels.decode())
            }
    return owned


def assert_valid_package(parts: dict[str, bytes]) -> None:
    """Every XML part well formed, every part with a content type, every relationship
    pointing at a part that exists (what Excel checks before it opens a file)."""
    types = ET.fromstring(parts["[Content_Types].xml"])
    defaults = {e.get("Extension", "").lower() for e in types if e.tag.endswith("Default")}
    overrides = {e.get("PartName", "") for e in types if e.tag.endswith("Override")}
    for name, content in parts.items():
        if name.endswith((".xml", ".rels")):
            ET.fromstring(content)
        if name != "[Content_Types].xml":
            assert "/" + name in overrides or name.rsplit(".", 1)[-1].lower() in defaults, name
    for override in overrides:
        assert override.lstrip("/") in parts, override
    for name, content in parts.items():
        if not name.endswith(".rels"):
            continue
        source = posixpath.dirname(posixpath.dirname(name))
        for relationship in ET.fromstring(content):
            if relationship.get("TargetMode") == "External":
                continue
            target = relationship.get("Target", "")
            resolved = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join(source, target))
            )
            assert resolved in parts, (name, target)


def assert_only_postme_parts_changed(path: Path, before: dict[str, bytes]) -> None:
    after = members(path)
    assert_valid_package(after)
    owned = owned_parts(path)
    changed = {n for n in after if before.get(n) != after[n]}
    removed = set(before) - set(after)
    assert changed <= owned, changed - owned
    assert not removed


@pytest.mark.parametrize("macro", [False, True], ids=["xlsx", "xlsm"])
def test_init_collect_weekly_report_touch_only_postme_parts(tmp_path: Path, macro: bool) -> None:
    path, cached = team_workbook(tmp_path, macro=macro)
    settings = settings_for(tmp_path)
    original = members(path)
    store = XlsxStore(path)

    created = create_tool_tabs(store, settings, store.tab_titles())
    assert set(created) == set(TOOL_TABS)
    assert_only_postme_parts_changed(path, original)
    # The team's original is kept from before postme's first write.
    assert members(tmp_path / f"planner.bak{path.suffix}") == original

    clock = DEMO_CLOCK.replace(tzinfo=settings.zone)
    collected = run_collect(settings, source_for(tmp_path, settings), DEMO_AS_OF, now=clock)
    assert collected.written
    assert_only_postme_parts_changed(path, original)
    after_collect = members(path)
    # Collecting the same figures again reads back what was written: nothing changes.
    again = run_collect(settings, source_for(tmp_path, settings), DEMO_AS_OF, now=clock)
    assert not again.written and members(path) == after_collect
    first = run_weekly(settings, DEMO_AS_OF, source=None, now=clock, clock_now=clock)
    assert first.written
    assert_only_postme_parts_changed(path, original)
    run_report(settings, DEMO_AS_OF, now=clock, clock_now=clock)
    assert_only_postme_parts_changed(path, original)

    after = members(path)
    calendar = sheet_part(path, CALENDAR)
    assert after[calendar] == original[calendar]  # formulas with their saved results
    for ref, value in cached.items():
        assert re.search(rf'<c r="{ref}"[^>]*><f>[^<]+</f><v>{value}</v>', after[calendar].decode())
    assert after["xl/calcChain.xml"] == original["xl/calcChain.xml"]
    assert any(n.startswith("xl/media/") for n in after)
    if macro:
        assert after["xl/vbaProject.bin"] == VBA_BYTES
        assert b"macroEnabled.main+xml" in after["[Content_Types].xml"]
    # The backup is the team's file, not a later version.
    backup = members(tmp_path / f"planner.bak{path.suffix}")
    assert backup == original

    # A second run gives the same figures and leaves the file as the first left it.
    second = run_weekly(settings, DEMO_AS_OF, source=None, now=clock, clock_now=clock)
    assert second.report == first.report
    assert not second.written or members(path) == after


def test_formula_dates_read_as_their_saved_results(tmp_path: Path) -> None:
    """The calendar with formula dates gives the same week as the demo with date cells."""
    plain_folder, team_folder = tmp_path / "plain", tmp_path / "team"
    from postme.demo import prepare_demo

    prepare_demo(plain_folder)
    team_workbook(team_folder)
    clock = DEMO_CLOCK.replace(tzinfo=dt.timezone(dt.timedelta(hours=7)))
    reports = []
    for folder in (plain_folder, team_folder):
        settings = settings_for(folder)
        reports.append(
            run_weekly(settings, DEMO_AS_OF, source=None, now=clock, clock_now=clock, dry_run=True)
        )
    plain, team = reports
    assert team.report.planned == plain.report.planned > 0
    assert team.validation.errors == plain.validation.errors
    calendar = XlsxStore(team_folder / "planner.xlsx").read([TabRequest(CALENDAR, header_row=3)])[
        CALENDAR
    ]
    demo_calendar = XlsxStore(plain_folder / "planner.xlsx").read(
        [TabRequest(CALENDAR, header_row=3)]
    )[CALENDAR]
    assert calendar is not None and demo_calendar is not None
    assert [r.values[0] for r in calendar.rows] == [r.values[0] for r in demo_calendar.rows]
