"""spreadsheets.batchUpdate: every request kind postme sends, all or nothing.

A request kind that Google defines but this server does not serve is a loud 501; a name
Google does not define is refused by the discovery check (discovery.py) with Google's 400.
``updatedSpreadsheet`` (``includeSpreadsheetInResponse``) is taken after the batch applied,
limited to ``responseRanges`` and with grid data when ``responseIncludeGridData`` is set
or, when the request has a ``fields`` mask, when the mask selects
``updatedSpreadsheet.sheets.data`` ("This parameter is ignored if a field mask was set").
"""

from __future__ import annotations

import contextlib
import copy
import secrets
from typing import Any

from . import dimensions, metadata
from .discovery import Mask
from .grid import (
    DEFAULT_COLUMNS,
    DEFAULT_ROWS,
    ApiError,
    Sheet,
    Spreadsheet,
    _new_sheet_id,
    cell_from_data,
)
from .griddata import spreadsheet_resource, wanted


class BatchRequests:
    """``spreadsheets.batchUpdate``: all or nothing; each request kind a ``_req_*`` method."""

    def _batch_update(
        self, book: Spreadsheet, body: dict[str, Any], mask: Mask | None = None
    ) -> dict[str, Any]:
        if not isinstance(body.get("requests"), list):
            raise ApiError(400, "Invalid JSON payload received. 'requests' is required.")
        # All or nothing: work on a copy, swap it in when every request succeeded. Only
        # the sheets the requests name (every request names its sheet by sheetId) are
        # copied: a lock's batch does not copy a 10k-row calendar.
        named = _sheet_ids(body["requests"])
        work = Spreadsheet(
            book.spreadsheet_id,
            book.title,
            [s.clone() if s.sheet_id in named else s for s in book.sheets],
            book.shared_with,
            book.locale,
            book.time_zone,
            copy.deepcopy(book.developer_metadata),
        )
        replies = []
        for number, request in enumerate(body["requests"]):
            if not isinstance(request, dict) or len(request) != 1:
                raise ApiError(400, f"Invalid requests[{number}]: exactly one kind of request.")
            name, args = next(iter(request.items()))
            handler = getattr(self, f"_req_{name}", None)
            if handler is None:
                # A request Google knows (the discovery check let it through): a gap here.
                raise ApiError(501, f"local server: batchUpdate request {name} is not implemented")
            try:
                replies.append(handler(work, args or {}))
            except ApiError as error:
                if error.code == 501:
                    raise
                raise ApiError(400, f"Invalid requests[{number}].{name}: {error.message}") from None
        work.check_size()
        reply: dict[str, Any] = {"spreadsheetId": book.spreadsheet_id, "replies": replies}
        if body.get("includeSpreadsheetInResponse"):
            flag = bool(body.get("responseIncludeGridData"))
            grid_data, cells = wanted(mask, flag, "updatedSpreadsheet")
            texts = body.get("responseRanges") or []
            ranges = [work.locate(text) for text in texts] if texts else None
            reply["updatedSpreadsheet"] = spreadsheet_resource(work, ranges, grid_data, cells)
        book.title = work.title
        book.sheets = work.sheets
        book.developer_metadata = work.developer_metadata
        return reply

    # spreadsheets.batchUpdate requests: each returns its reply

    def _req_addSheet(self, book: Spreadsheet, args: dict[str, Any]) -> dict[str, Any]:
        props = args.get("properties") or {}
        title = props.get("title") or f"Sheet{len(book.sheets) + 1}"
        if any(s.title.casefold() == title.casefold() for s in book.sheets):
            raise ApiError(
                400, f'A sheet with the name "{title}" already exists. Please enter another name.'
            )
        sheet_id = props.get("sheetId")
        if sheet_id is None:
            sheet_id = _new_sheet_id(len(book.sheets))
            while book.sheet_by_id(sheet_id) is not None:
                sheet_id = _new_sheet_id(len(book.sheets))
        elif not isinstance(sheet_id, int) or sheet_id < 0 or book.sheet_by_id(sheet_id):
            raise ApiError(400, f"Sheet with id {sheet_id} already exists or is invalid.")
        grid = props.get("gridProperties") or {}
        index = props.get("index", len(book.sheets))
        for sheet in book.sheets:
            if sheet.index >= index:
                sheet.index += 1
        sheet = Sheet(
            sheet_id,
            title,
            index,
            int(grid.get("rowCount", DEFAULT_ROWS)),
            int(grid.get("columnCount", DEFAULT_COLUMNS)),
        )
        book.sheets.append(sheet)
        book.normalize_indexes()
        return {"addSheet": {"properties": sheet.properties()}}

    def _req_deleteSheet(self, book: Spreadsheet, args: dict[str, Any]) -> dict[str, Any]:
        sheet = self._grid(book, args.get("sheetId"))
        if len(book.sheets) == 1:
            raise ApiError(400, "You can't remove all the sheets in a document.")
        dimensions.remove_sheet(book, sheet)
        return {}

    def _req_updateSheetProperties(self, book: Spreadsheet, args: dict[str, Any]) -> dict[str, Any]:
        props = args.get("properties") or {}
        sheet = self._grid(book, props.get("sheetId"))
        fields = {  # "gridProperties/rowCount" (gspread) = "gridProperties.rowCount"
            f.strip().replace("/", ".") for f in str(args.get("fields", "")).split(",") if f.strip()
        }
        if not fields:
            raise ApiError(400, "At least one field must be updated with 'fields'.")
        everything = "*" in fields
        if (everything or "title" in fields) and "title" in props:
            title = props["title"]
            if any(s is not sheet and s.title.casefold() == title.casefold() for s in book.sheets):
                raise ApiError(
                    400,
                    f'A sheet with the name "{title}" already exists. Please enter another name.',
                )
            sheet.title = title
        if (everything or "index" in fields) and "index" in props:
            ordered = sorted(book.sheets, key=lambda s: s.index)
            ordered.remove(sheet)
            ordered.insert(min(int(props["index"]), len(ordered)), sheet)
            for index, each in enumerate(ordered):
                each.index = index
        grid = props.get("gridProperties") or {}
        rows, columns = sheet.row_count, sheet.column_count
        if everything or "gridProperties.rowCount" in fields or "gridProperties" in fields:
            if "rowCount" in grid:
                rows = int(grid["rowCount"])
        if everything or "gridProperties.columnCount" in fields or "gridProperties" in fields:
            if "columnCount" in grid:
                columns = int(grid["columnCount"])
        if rows < 1 or columns < 1:
            raise ApiError(400, "A sheet must have at least one row and one column.")
        dimensions.resize(book, sheet, rows, columns)  # rows cut off go with their metadata
        return {}

    def _req_appendDimension(self, book: Spreadsheet, args: dict[str, Any]) -> dict[str, Any]:
        sheet = self._grid(book, args.get("sheetId"))
        length = int(args.get("length", 0))
        if length <= 0:
            raise ApiError(400, "length must be positive")
        if args.get("dimension") == "ROWS":
            sheet.row_count += length
        elif args.get("dimension") == "COLUMNS":
            sheet.column_count += length
        else:
            raise ApiError(400, "dimension must be ROWS or COLUMNS")
        return {}

    def _span(self, book: Spreadsheet, span: dict[str, Any]) -> tuple[Sheet, str, int, int]:
        """A DimensionRange: (sheet, dimension, start, end); open ends at the grid's."""
        sheet = self._grid(book, span.get("sheetId", 0))
        dimension = str(span.get("dimension"))
        size = sheet.row_count if dimension == "ROWS" else sheet.column_count
        return sheet, dimension, int(span.get("startIndex", 0)), int(span.get("endIndex", size))

    def _req_insertDimension(self, book: Spreadsheet, args: dict[str, Any]) -> dict[str, Any]:
        span = args.get("range") or {}
        if "endIndex" not in span:
            raise ApiError(400, "Both the start and end indexes must be bounded.")
        sheet, dimension, start, end = self._span(book, span)
        dimensions.insert(book, sheet, dimension, start, end - start)
        return {}

    def _req_deleteDimension(self, book: Spreadsheet, args: dict[str, Any]) -> dict[str, Any]:
        sheet, dimension, start, end = self._span(book, args.get("range") or {})
        dimensions.delete(book, sheet, dimension, start, end)
        return {}

    def _req_moveDimension(self, book: Spreadsheet, args: dict[str, Any]) -> dict[str, Any]:
        sheet, dimension, start, end = self._span(book, args.get("source") or {})
        destination = int(args.get("destinationIndex", 0))
        dimensions.move(book, sheet, dimension, start, end, destination)
        return {}

    def _req_sortRange(self, book: Spreadsheet, args: dict[str, Any]) -> dict[str, Any]:
        grid = args.get("range") or {}
        sheet = self._grid(book, grid.get("sheetId", 0))
        row0, col0 = int(grid.get("startRowIndex", 0)), int(grid.get("startColumnIndex", 0))
        row1 = int(grid.get("endRowIndex", sheet.row_count)) - 1
        col1 = int(grid.get("endColumnIndex", sheet.column_count)) - 1
        if not (0 <= row0 <= row1 < sheet.row_count and 0 <= col0 <= col1 < sheet.column_count):
            raise ApiError(400, "The sort range is outside the grid.")
        specs = list(args.get("sortSpecs") or [])
        for spec in specs:
            if not col0 <= int(spec.get("dimensionIndex", 0)) <= col1:
                raise ApiError(400, "A sortSpec's dimensionIndex is outside the sort range.")
        dimensions.sort_range(book, sheet, (row0, col0, row1, col1), specs)
        return {}

    def _req_addChart(self, book: Spreadsheet, args: dict[str, Any]) -> dict[str, Any]:
        chart = copy.deepcopy(args.get("chart") or {})
        spec = chart.get("spec")
        if not isinstance(spec, dict):
            raise ApiError(400, "chart.spec is required")
        basic = spec.get("basicChart")
        if isinstance(basic, dict):
            for domain in basic.get("domains") or []:
                self._check_sources(book, domain.get("domain", {}))
            for series in basic.get("series") or []:
                self._check_sources(book, series.get("series", {}))
        position = chart.get("position") or {}
        if "overlayPosition" in position:
            anchor = position["overlayPosition"].get("anchorCell") or {}
            host = self._grid(book, anchor.get("sheetId"))
        elif "sheetId" in position:
            host = self._grid(book, position["sheetId"])
        else:
            added = self._req_addSheet(book, {"properties": {"title": f"Chart{len(book.sheets)}"}})
            host = self._grid(book, added["addSheet"]["properties"]["sheetId"])
            position = {"sheetId": host.sheet_id}
        existing = {c["chartId"] for s in book.sheets for c in s.charts}
        chart_id = chart.get("chartId")
        if chart_id is None or chart_id in existing:
            chart_id = secrets.randbelow(2**31 - 1) + 1
        stored = {"chartId": chart_id, "spec": spec, "position": position}
        host.charts.append(stored)
        return {"addChart": {"chart": copy.deepcopy(stored)}}

    def _req_setDataValidation(self, book: Spreadsheet, args: dict[str, Any]) -> dict[str, Any]:
        grid = args.get("range") or {}
        sheet = self._grid(book, grid.get("sheetId"))
        rule = args.get("rule")
        if rule is not None:
            condition = rule.get("condition") or {}
            if not condition.get("type"):
                raise ApiError(400, "rule.condition.type is required")
        sheet.validations = [v for v in sheet.validations if v["range"] != grid]
        if rule is not None:
            sheet.validations.append({"range": copy.deepcopy(grid), "rule": copy.deepcopy(rule)})
        return {}

    def _grid(self, book: Spreadsheet, sheet_id: Any) -> Sheet:
        sheet = book.sheet_by_id(sheet_id) if isinstance(sheet_id, int) else None
        if sheet is None:
            raise ApiError(400, f"No grid with id: {sheet_id}")
        return sheet

    def _check_sources(self, book: Spreadsheet, chart_data: dict[str, Any]) -> None:
        sources = (chart_data.get("sourceRange") or {}).get("sources") or []
        if not sources:
            raise ApiError(400, "ChartData.sourceRange.sources is required")
        for source in sources:
            sheet = self._grid(book, source.get("sheetId", 0))
            if source.get("startColumnIndex", 0) >= sheet.column_count:
                raise ApiError(400, "Chart source range exceeds grid limits.")

    def _req_updateCells(self, book: Spreadsheet, args: dict[str, Any]) -> dict[str, Any]:
        if args.get("fields") != "userEnteredValue":
            raise ApiError(501, "local server: updateCells only with fields=userEnteredValue")
        start = args.get("start")
        if not isinstance(start, dict):
            raise ApiError(501, "local server: updateCells only with start (not range)")
        sheet = self._grid(book, start.get("sheetId"))
        row0, col0 = int(start.get("rowIndex", 0)), int(start.get("columnIndex", 0))
        rows = args.get("rows") or []
        for r, row in enumerate(rows):
            values = (row or {}).get("values") or []
            if row0 + r >= sheet.row_count or col0 + len(values) > sheet.column_count:
                raise ApiError(
                    400,
                    f"Range exceeds grid limits. Max rows: {sheet.row_count}, max columns: "
                    f"{sheet.column_count}",
                )
            for c, data in enumerate(values):
                sheet.set(row0 + r, col0 + c, cell_from_data(data))
        return {}

    def _req_appendCells(self, book: Spreadsheet, args: dict[str, Any]) -> dict[str, Any]:
        """After the last row holding a value; rows are added to the grid as needed
        (columns are not)."""
        if args.get("fields") != "userEnteredValue":
            raise ApiError(501, "local server: appendCells only with fields=userEnteredValue")
        sheet = self._grid(book, args.get("sheetId"))
        rows = args.get("rows") or []
        first = sheet.last_row() + 1
        for r, row in enumerate(rows):
            values = (row or {}).get("values") or []
            if len(values) > sheet.column_count:
                raise ApiError(400, f"Range exceeds grid limits. Max columns: {sheet.column_count}")
            for c, data in enumerate(values):
                sheet.set(first + r, c, cell_from_data(data))
        sheet.row_count = max(sheet.row_count, first + len(rows))
        return {}

    def _req_createDeveloperMetadata(
        self, book: Spreadsheet, args: dict[str, Any]
    ) -> dict[str, Any]:
        created = metadata.create(book, args.get("developerMetadata"))
        return {"createDeveloperMetadata": {"developerMetadata": created}}

    def _req_deleteDeveloperMetadata(
        self, book: Spreadsheet, args: dict[str, Any]
    ) -> dict[str, Any]:
        deleted = metadata.delete(book, args.get("dataFilter"))
        # An empty list is left out, as Google's JSON leaves out empty repeated fields.
        return {"deleteDeveloperMetadata": {"deletedDeveloperMetadata": deleted} if deleted else {}}

    def _req_updateDeveloperMetadata(
        self, book: Spreadsheet, args: dict[str, Any]
    ) -> dict[str, Any]:
        updated = metadata.update(book, args)
        return {"updateDeveloperMetadata": {"developerMetadata": updated} if updated else {}}

    def _req_addConditionalFormatRule(
        self, book: Spreadsheet, args: dict[str, Any]
    ) -> dict[str, Any]:
        rule = copy.deepcopy(args.get("rule") or {})
        ranges = rule.get("ranges") or []
        if not ranges or not ("gradientRule" in rule or "booleanRule" in rule):
            raise ApiError(400, "rule needs ranges and a gradientRule or booleanRule")
        sheets = {self._grid(book, r.get("sheetId")).sheet_id for r in ranges}
        if len(sheets) != 1:
            raise ApiError(400, "All ranges of a conditional format must be on one sheet")
        sheet = self._grid(book, sheets.pop())
        sheet.formats.insert(min(int(args.get("index", 0)), len(sheet.formats)), rule)
        return {}


def _sheet_ids(value: Any) -> set[Any]:
    """Every ``sheetId`` anywhere in a batch's requests."""
    found: set[Any] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, below in item.items():
                if key in ("sheetId", "sheet_id") and not isinstance(below, dict | list):
                    found.add(below)
                    with contextlib.suppress(TypeError, ValueError):
                        found.add(int(below))
                else:
                    stack.append(below)
        elif isinstance(item, list):
            stack.extend(item)
    return found
