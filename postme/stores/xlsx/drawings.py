"""postme's charts, heat maps and drop-downs as worksheet parts and elements.

A chart is written as the XML openpyxl writes for it (which Excel and LibreOffice accept)
and added to the tab's drawing. A chart postme drew before (same title, same tab) is
replaced in place, so a person who moved or resized it keeps its place.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

from postme.stores.base import ChartSpec, ColorScaleSpec, column_letter, normalize_header
from postme.stores.xlsx.package import (
    CHART_CONTENT,
    CHART_TYPE,
    DRAWING_CONTENT,
    DRAWING_TYPE,
    REL_NS,
    XML_DECLARATION,
    Package,
    attributes,
    relationship_attribute,
)
from postme.stores.xlsx.sheet_xml import MAX_ROWS, SheetEdit

_CHART_TITLE = re.compile(r"<(?:c:)?title>.*?</(?:c:)?title>", re.DOTALL)
_DRAWING_MAIN = "http://schemas.openxmlformats.org/drawingml/2006/main"
_CHART = "http://schemas.openxmlformats.org/drawingml/2006/chart"
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
    the others (rates in %) on a right axis; ``None`` when its columns are not in the tab.
    The XML is the one openpyxl writes for the same chart (accepted by Excel and
    LibreOffice), without importing openpyxl (a third of a second per run)."""
    columns = {normalize_header(h): i + 1 for i, h in reversed(list(enumerate(headers)))}
    x = columns.get(normalize_header(spec.x_header))
    series = [columns[n] for h in spec.series_headers if (n := normalize_header(h)) in columns]
    if x is None or not series:
        return None
    sheet = escape("'" + spec.tab.replace("'", "''") + "'")
    first, last = header_row + 1, max(last_row, header_row + 1)

    def column_range(column: int) -> str:
        letter = column_letter(column)
        return f"{sheet}!${letter}${first}:${letter}${last}"

    def one_series(index: int, column: int, with_categories: bool) -> str:
        line = '<spPr><a:ln><a:prstDash val="solid"/></a:ln></spPr>'
        categories = (
            f"<cat><numRef><f>{column_range(x)}</f></numRef></cat>" if with_categories else ""
        )
        return (
            f'<ser><idx val="{index}"/><order val="{index}"/><tx><strRef><f>{sheet}!'
            f"{column_letter(column)}{header_row}</f></strRef></tx>{line}"
            f'<marker><symbol val="none"/>{line}</marker>{categories}'
            f"<val><numRef><f>{column_range(column)}</f></numRef></val></ser>"
        )

    def value_axis(axis: int, title: str, right: bool) -> str:
        crosses = '<crosses val="max"/>' if right else ""
        return (
            f'<valAx><axId val="{axis}"/><scaling><orientation val="minMax"/></scaling>'
            f'<axPos val="l"/><majorGridlines/>{_rich_title(title)}<majorTickMark val="none"/>'
            f'<minorTickMark val="none"/><crossAx val="10"/>{crosses}</valAx>'
        )

    charts = (
        f'<lineChart><grouping val="standard"/>{one_series(0, series[0], True)}'
        '<axId val="10"/><axId val="100"/></lineChart>'
    )
    axes = value_axis(100, headers[series[0] - 1], False)
    if len(series) > 1:
        others = "".join(one_series(i, c, False) for i, c in enumerate(series[1:], start=1))
        charts += (
            f'<lineChart><grouping val="standard"/>{others}<axId val="10"/><axId val="200"/>'
            "</lineChart>"
        )
        axes += value_axis(200, ", ".join(headers[c - 1] for c in series[1:]), True)
    chart = (
        f'{XML_DECLARATION}<chartSpace xmlns:a="{_DRAWING_MAIN}" xmlns="{_CHART}"><chart>'
        f"{_rich_title(spec.title)}<plotArea>{charts}"
        '<catAx><axId val="10"/><scaling><orientation val="minMax"/></scaling><axPos val="l"/>'
        '<majorTickMark val="none"/><minorTickMark val="none"/><crossAx val="100"/>'
        f'<lblOffset val="100"/></catAx>{axes}</plotArea><legend><legendPos val="r"/></legend>'
        '<plotVisOnly val="1"/><dispBlanksAs val="gap"/></chart></chartSpace>'
    )
    anchor = (
        f"<oneCellAnchor><from><col>{len(headers) + 1}</col><colOff>0</colOff>"
        f"<row>{header_row}</row><rowOff>0</rowOff></from>"
        '<ext cx="6480000" cy="2880000"/><graphicFrame><nvGraphicFramePr>'
        '<cNvPr id="1" name="Chart 1"/><cNvGraphicFramePr/></nvGraphicFramePr><xfrm/>'
        f'<a:graphic><a:graphicData uri="{_CHART}"><c:chart r:id="rId1"/></a:graphicData>'
        "</a:graphic></graphicFrame><clientData/></oneCellAnchor>"
    )
    return chart.encode("utf-8"), anchor.encode("utf-8")


def _rich_title(text: str) -> str:
    return (
        "<title><tx><rich><a:bodyPr/><a:p><a:pPr><a:defRPr/></a:pPr><a:r>"
        f"<a:t>{escape(text)}</a:t></a:r></a:p></rich></tx></title>"
    )


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
        edit.insert("drawing", f"<{edit.prefix}drawing {relationship_attribute(edit.xml, rid)}/>")
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
