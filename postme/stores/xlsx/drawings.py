"""postme's charts, heat maps and drop-downs as worksheet parts and elements.

A chart is drawn by openpyxl in a scratch workbook holding only that tab (openpyxl writes
chart XML Excel and LibreOffice accept); its chart and drawing parts are then moved into
the team's package. A chart postme drew before (same title, same tab) is replaced in
place, so a person who moved or resized it keeps its place.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

from postme.stores.base import ChartSpec, ColorScaleSpec, column_letter, normalize_header
from postme.stores.xlsx.package import (
    CHART_CONTENT,
    CHART_TYPE,
    DRAWING_CONTENT,
    DRAWING_TYPE,
    REL_NS,
    Package,
    attributes,
)
from postme.stores.xlsx.sheet_xml import MAX_ROWS, SheetEdit

_CHART_TITLE = re.compile(r"<(?:c:)?title>.*?</(?:c:)?title>", re.DOTALL)
_ANCHOR_NAMESPACES = (
    ' xmlns="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"'
    ' xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
    ' xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart"'
    f' xmlns:r="{REL_NS}"'
)
_TEXT = re.compile(r"<a:t>([^<]*)</a:t>")


def chart_xml(
    spec: ChartSpec, headers: Sequence[str], header_row: int, last_row: int
) -> tuple[bytes, bytes] | None:
    """(chart part, drawing anchor) for one line chart: the first series on the left axis,
    the others (rates in %) on the right; ``None`` when its columns are not in the tab."""
    from openpyxl import Workbook
    from openpyxl.chart import LineChart, Reference

    columns = {normalize_header(h): i + 1 for i, h in reversed(list(enumerate(headers)))}
    x = columns.get(normalize_header(spec.x_header))
    series = [columns[n] for h in spec.series_headers if (n := normalize_header(h)) in columns]
    if x is None or not series:
        return None
    book = Workbook()
    sheet = book.active
    sheet.title = "S"  # the references are re-pointed at the real tab below
    first, last = header_row + 1, max(last_row, header_row + 1)
    chart = LineChart()
    chart.title = spec.title
    chart.height, chart.width = 8, 18
    chart.add_data(
        Reference(sheet, min_col=series[0], min_row=header_row, max_row=last), titles_from_data=True
    )
    chart.y_axis.title = headers[series[0] - 1]
    chart.set_categories(Reference(sheet, min_col=x, min_row=first, max_row=last))
    if len(series) > 1:
        right = LineChart()
        for column in series[1:]:
            right.add_data(
                Reference(sheet, min_col=column, min_row=header_row, max_row=last),
                titles_from_data=True,
            )
        right.y_axis.axId = 200
        right.y_axis.crosses = "max"
        right.y_axis.title = ", ".join(headers[c - 1] for c in series[1:])
        chart += right
    sheet.add_chart(chart, f"{column_letter(len(headers) + 2)}{header_row + 1}")
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as scratch:
        chart_part = scratch.read("xl/charts/chart1.xml").decode("utf-8")
        drawing = scratch.read("xl/drawings/drawing1.xml").decode("utf-8")
    quoted = escape("'" + spec.tab.replace("'", "''") + "'")
    chart_part = chart_part.replace("<f>'S'!", f"<f>{quoted}!")
    anchor = re.search(r"<(\w+Anchor)\b.*?</\1>", drawing, re.DOTALL)
    assert anchor is not None
    return chart_part.encode("utf-8"), anchor.group(0).encode("utf-8")


def chart_title(xml: str) -> str:
    title = _CHART_TITLE.search(xml)
    return "".join(_TEXT.findall(title.group(0))) if title else ""


def place_chart(
    package: Package,
    sheet_part: str,
    edit: SheetEdit,
    spec: ChartSpec,
    rendered: tuple[bytes, bytes],
) -> None:
    """Replace the tab's chart of the same title, or add the chart to the tab's drawing
    (a new drawing part when the tab has none)."""
    chart_part, anchor = rendered
    drawing = _drawing_of(package, sheet_part)
    if drawing is not None:
        for relationship in package.relationships(drawing):
            if relationship.type != CHART_TYPE:
                continue
            existing = package.target(drawing, relationship)
            if package.has(existing) and chart_title(package.text(existing)) == spec.title:
                package.put(existing, chart_part)
                return
    chart_name = package.free_name("xl/charts/chart{}.xml")
    package.put(chart_name, chart_part)
    package.add_content_type(chart_name, CHART_CONTENT)
    if drawing is None:
        drawing = package.free_name("xl/drawings/drawing{}.xml")
        package.put(
            drawing,
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<wsDr xmlns="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing">'
            "</wsDr>",
        )
        package.add_content_type(drawing, DRAWING_CONTENT)
        rid = package.add_relationship(sheet_part, DRAWING_TYPE, drawing)
        edit.insert("drawing", f'<{edit.prefix}drawing xmlns:r="{REL_NS}" r:id="{rid}"/>')
    rid = package.add_relationship(drawing, CHART_TYPE, chart_name)
    text = anchor.decode("utf-8")
    # openpyxl writes the anchor in default namespaces and points at its own rId1: declare
    # them on the anchor (whatever prefixes the team's drawing uses) and point at ours.
    text = re.sub(r'r:id="[^"]*"', f'r:id="{rid}"', text)
    head = re.match(r"<\w+Anchor\b", text)
    assert head is not None
    text = text[: head.end()] + _ANCHOR_NAMESPACES + text[head.end() :]
    xml = package.text(drawing)
    ids = [int(i) for i in re.findall(r'<(?:\w+:)?cNvPr\b[^>]*\bid="(\d+)"', xml)]
    text = re.sub(r'(<cNvPr\b[^>]*\bid=")\d+"', rf'\g<1>{max(ids, default=0) + 1}"', text, count=1)
    end = xml.rindex("</")
    package.put(drawing, xml[:end] + text + xml[end:])


def _drawing_of(package: Package, sheet_part: str) -> str | None:
    for relationship in package.relationships(sheet_part):
        if relationship.type == DRAWING_TYPE:
            return package.target(sheet_part, relationship)
    return None


def add_color_scale(
    edit: SheetEdit, spec: ColorScaleSpec, headers: Sequence[str], header_row: int
) -> None:
    """A two-colour scale over each named column below the header, once per tab."""
    columns = {normalize_header(h): i + 1 for i, h in reversed(list(enumerate(headers)))}
    ranges = [
        f"{column_letter(columns[n])}{header_row + 1}:{column_letter(columns[n])}{MAX_ROWS}"
        for h in spec.headers
        if (n := normalize_header(h)) in columns
    ]
    if not ranges:
        return
    sqref = " ".join(ranges)
    for match in re.finditer(rf"<{edit.prefix}conditionalFormatting\b([^>]*)>", edit.xml):
        if attributes(match.group(1)).get("sqref") == sqref:
            return
    priorities = [int(p) for p in re.findall(r'<(?:\w+:)?cfRule\b[^>]*priority="(\d+)"', edit.xml)]
    p = edit.prefix
    fragment = (
        f"<{p}conditionalFormatting sqref={quoteattr(sqref)}>"
        f'<{p}cfRule type="colorScale" priority="{max(priorities, default=0) + 1}"><{p}colorScale>'
        f'<{p}cfvo type="min"/><{p}cfvo type="max"/>'
        f'<{p}color rgb="FF{spec.low_color.upper()}"/><{p}color rgb="FF{spec.high_color.upper()}"/>'
        f"</{p}colorScale></{p}cfRule></{p}conditionalFormatting>"
    )
    edit.insert("conditionalFormatting", fragment)


def add_list_validation(
    edit: SheetEdit, column: int, first_row: int, allowed: Sequence[str]
) -> None:
    """A drop-down on one column from ``first_row`` down (``init --dropdowns``)."""
    letter = column_letter(column)
    formula = '"' + ",".join(a.replace(",", " ") for a in allowed) + '"'
    p = edit.prefix
    rule = (
        f'<{p}dataValidation type="list" allowBlank="1" showErrorMessage="0" '
        f'sqref="{letter}{first_row}:{letter}{MAX_ROWS}"><{p}formula1>{escape(formula)}</{p}formula1>'
        f"</{p}dataValidation>"
    )
    existing = re.search(rf"<{p}dataValidations\b([^>]*)>", edit.xml)
    if existing is None:
        edit.insert("dataValidations", f'<{p}dataValidations count="1">{rule}</{p}dataValidations>')
        return
    count = int(attributes(existing.group(1)).get("count", "0") or 0) + 1
    opening = re.sub(r'count="\d+"', f'count="{count}"', existing.group(0))
    if "count=" not in opening:
        opening = opening[:-1] + f' count="{count}">'
    close = edit.xml.index(f"</{p}dataValidations>", existing.end())
    edit.xml = (
        edit.xml[: existing.start()]
        + opening
        + edit.xml[existing.end() : close]
        + rule
        + edit.xml[close:]
    )
