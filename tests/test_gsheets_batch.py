"""The pure request builders of the Google store (postme/stores/gsheets/batch.py), checked
against Google's own discovery document of the Sheets API v4 (shipped in
google-api-python-client): every field name, type and enum value as Google defines it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import googleapiclient
import pytest

from postme.stores.base import ChartSpec, ColorScaleSpec
from postme.stores.gsheets import batch, rowtags

DISCOVERY = json.loads(
    (
        Path(googleapiclient.__file__).parent / "discovery_cache" / "documents" / "sheets.v4.json"
    ).read_text(encoding="utf-8")
)
SCHEMAS: dict[str, Any] = DISCOVERY["schemas"]


def conforms(value: Any, schema: dict[str, Any], where: str = "$") -> list[str]:
    """Every way ``value`` breaks ``schema`` (an empty list: it conforms)."""
    if "$ref" in schema:
        return conforms(value, SCHEMAS[schema["$ref"]], where)
    kind = schema.get("type")
    if kind == "object":
        if not isinstance(value, dict):
            return [f"{where}: not an object"]
        problems = []
        properties = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        for key, item in value.items():
            if key in properties:
                problems += conforms(item, properties[key], f"{where}.{key}")
            elif extra is not None:
                problems += conforms(item, extra, f"{where}.{key}")
            else:
                problems.append(f"{where}: unknown field {key!r}")
        return problems
    if kind == "array":
        if not isinstance(value, list):
            return [f"{where}: not an array"]
        return [
            p for i, v in enumerate(value) for p in conforms(v, schema["items"], f"{where}[{i}]")
        ]
    if kind == "string":
        if not isinstance(value, str):
            return [f"{where}: not a string"]
        if "enum" in schema and value not in schema["enum"]:
            return [f"{where}: {value!r} not in {schema['enum']}"]
        return []
    if kind == "integer":
        ok = isinstance(value, int) and not isinstance(value, bool)
        return [] if ok else [f"{where}: not an integer"]
    if kind == "number":
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return [] if ok else [f"{where}: not a number"]
    if kind == "boolean":
        return [] if isinstance(value, bool) else [f"{where}: not a boolean"]
    return []


def assert_request(request: dict[str, Any]) -> None:
    problems = conforms(request, {"$ref": "Request"})
    assert problems == []
    assert len(request) == 1  # one kind per Request, as Google requires


WEEKLY = ChartSpec("Analisis Mingguan", "Pengikut", "Minggu", ("Pengikut Akhir", "ER (%)"))


@pytest.mark.parametrize(
    "request_",
    [
        batch.add_sheet(123, "Temuan", 1000, 36),
        batch.append_dimension(123, "ROWS", 500),
        batch.append_dimension(123, "COLUMNS", 2),
        batch.update_cells(123, 4, 2, [["teks", 12, 1.5, True, None, float("nan")]]),
        batch.append_cells(123, [["2026-W47", None, 3], ["=SUM(A1)"]]),
        batch.add_chart(WEEKLY, 123, 1, ["Minggu", "Pengikut Akhir", "ER (%)"], 0, [1, 2], 4),
        batch.add_color_scale(ColorScaleSpec("Analisis Program", ("Suka",)), 9, 1, [3, 4]),
        batch.create_lock(batch.lock_value("a@b (pid 1)", "t0k", 1.0, 2.0)),
        batch.delete_lock(),
        batch.delete_lock("value"),
        rowtags.create_tag(123, 7, "0a1b2c3d"),
        rowtags.delete_tags(),
    ],
    ids=[
        "addSheet",
        "appendDimension-rows",
        "appendDimension-columns",
        "updateCells",
        "appendCells",
        "addChart",
        "addConditionalFormatRule",
        "createDeveloperMetadata",
        "deleteDeveloperMetadata",
        "deleteDeveloperMetadata-own",
        "createDeveloperMetadata-row-tag",
        "deleteDeveloperMetadata-row-tags",
    ],
)
def test_every_request_builder_matches_googles_discovery_document(
    request_: dict[str, Any],
) -> None:
    assert_request(request_)


def test_the_row_guards_match_googles_discovery_document() -> None:
    for request in rowtags.guards({"Temuan": {3: 30}}, {"Temuan": 5}, "0a1b2c3d"):
        assert_request(request)


def test_the_checker_itself_refuses_what_google_would() -> None:
    assert conforms({"addSheet": {"properties": {"titel": "x"}}}, {"$ref": "Request"})
    assert conforms({"appendDimension": {"dimension": "ROW"}}, {"$ref": "Request"})
    assert conforms({"updateCells": {"start": {"rowIndex": "1"}}}, {"$ref": "Request"})


def test_values_are_typed_never_parsed() -> None:
    (row,) = batch.update_cells(1, 0, 0, [["=HYPERLINK(1)", 7, False, None]])["updateCells"]["rows"]
    assert row["values"] == [
        {"userEnteredValue": {"stringValue": "=HYPERLINK(1)"}},  # text, not a formula
        {"userEnteredValue": {"numberValue": 7}},
        {"userEnteredValue": {"boolValue": False}},
        {},  # cleared
    ]


def test_the_chart_draws_the_axis_layout_the_planner_chose() -> None:
    headers = ["Minggu", "Pengikut Akhir", "ER (%)", "Suka"]
    default = batch.add_chart(WEEKLY, 1, 1, headers, 0, [1, 2], 5)["addChart"]["chart"]
    assert [s["targetAxis"] for s in default["spec"]["basicChart"]["series"]] == [
        "LEFT_AXIS",
        "RIGHT_AXIS",
    ]
    chosen = ChartSpec("T", "t", "Minggu", ("Pengikut Akhir", "Suka"), right_axis=())
    spec = batch.add_chart(chosen, 1, 1, headers, 0, [1, 3], 5)["addChart"]["chart"]["spec"]
    assert {s["targetAxis"] for s in spec["basicChart"]["series"]} == {"LEFT_AXIS"}
    assert [a["position"] for a in spec["basicChart"]["axis"]] == ["BOTTOM_AXIS", "LEFT_AXIS"]


def test_cells_after_growth_counts_every_tab() -> None:
    grids = {1: (1000, 26), 2: (384_000, 26)}
    growth = [batch.add_sheet(3, "Baru", 1000, 26), batch.append_dimension(1, "ROWS", 1000)]
    assert batch.cells_after(grids, growth) == (2000 + 384_000 + 1000) * 26
