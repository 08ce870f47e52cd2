"""The values API: ranges read and written by A1 notation."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from . import dimensions
from .grid import (
    ApiError,
    Box,
    Spreadsheet,
    _input_cell,
    _read_box,
    column_letters,
    parse_a1,
    quote_sheet,
    split_range,
)


class ValuesApi:
    """``values:batchGet``, ``values/{range}`` get/put/append/clear, ``values:batchUpdate``."""

    strict_grid: bool

    def _batch_get(self, book: Spreadsheet, query: dict[str, list[str]]) -> dict[str, Any]:
        ranges = query.get("ranges") or []
        if not ranges:
            return {"spreadsheetId": book.spreadsheet_id}
        value_ranges = [self._values_get(book, text, query) for text in ranges]
        return {"spreadsheetId": book.spreadsheet_id, "valueRanges": value_ranges}

    def _values_get(
        self, book: Spreadsheet, text: str, query: dict[str, list[str]]
    ) -> dict[str, Any]:
        value_option = (query.get("valueRenderOption") or ["FORMATTED_VALUE"])[0]
        date_option = (query.get("dateTimeRenderOption") or ["SERIAL_NUMBER"])[0]
        major = (query.get("majorDimension") or ["ROWS"])[0]
        if value_option not in ("FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA"):
            raise ApiError(400, f"Invalid valueRenderOption: {value_option}")
        if major not in ("ROWS", "COLUMNS"):
            raise ApiError(400, f"Invalid majorDimension: {major}")
        sheet, box = book.locate(text)
        out: dict[str, Any] = {"range": sheet.a1(box), "majorDimension": major}
        values = _read_box(sheet, box, value_option, date_option, major)
        if values:
            out["values"] = values
        return out

    def _values_update(
        self, book: Spreadsheet, data: list[tuple[str, str, list[list[Any]]]], option: str
    ) -> list[dict[str, Any]]:
        # Check everything first so that a bad range writes nothing at all.
        planned = []
        for text, major, rows in data:
            if major == "COLUMNS":
                width = max((len(r) for r in rows), default=0)
                rows = [[r[i] if i < len(r) else None for r in rows] for i in range(width)]
            sheet, box = book.locate(text, writing=not self.strict_grid)
            height = len(rows)
            width = max((len(r) for r in rows), default=0)
            requested = split_range(text)[1]
            # A single cell is only the anchor: the values spread from it.
            if requested is not None and ":" in requested:
                bounded = parse_a1(requested)
                assert bounded is not None and box.row1 is not None and box.col1 is not None
                if bounded.row1 is not None and height > box.row1 - box.row0 + 1:
                    raise ApiError(
                        400,
                        f"Requested writing within range [{text}], but tried writing to row "
                        f"[{box.row0 + height}]",
                    )
                if bounded.col1 is not None and width > box.col1 - box.col0 + 1:
                    raise ApiError(
                        400,
                        f"Requested writing within range [{text}], but tried writing to "
                        f"column [{column_letters(box.col0 + width - 1)}]",
                    )
            if (
                height
                and width
                and (box.row0 + height > sheet.row_count or box.col0 + width > sheet.column_count)
            ):
                if self.strict_grid:
                    raise ApiError(
                        400,
                        f"Range ({text}) exceeds grid limits. Max rows: {sheet.row_count}, "
                        f"max columns: {sheet.column_count}",
                    )
            cells = [[_input_cell(v, option) for v in row] for row in rows]
            planned.append((sheet, box, cells, height, width))
        responses = []
        for sheet, box, cells, height, width in planned:
            sheet.row_count = max(sheet.row_count, box.row0 + height)
            sheet.column_count = max(sheet.column_count, box.col0 + width)
            written = 0
            for r, row in enumerate(cells):
                for c, cell in enumerate(row):
                    if cell is False:
                        continue
                    assert cell is not True
                    sheet.set(box.row0 + r, box.col0 + c, cell)
                    written += 1
            response: dict[str, Any] = {"spreadsheetId": book.spreadsheet_id}
            if height and width:
                end = Box(box.row0, box.col0, box.row0 + height - 1, box.col0 + width - 1)
                response.update(
                    updatedRange=sheet.a1(end),
                    updatedRows=height,
                    updatedColumns=width,
                    updatedCells=written,
                )
            else:
                response["updatedRange"] = sheet.a1(Box(box.row0, box.col0, box.row0, box.col0))
            responses.append(response)
        return responses

    def _append(
        self,
        book: Spreadsheet,
        text: str,
        value_range: tuple[str, str, list[list[Any]]],
        option: str,
        insert_rows: bool = False,
    ) -> dict[str, Any]:
        """values:append; with ``insert_rows`` (insertDataOption=INSERT_ROWS) new rows are
        inserted for the data, so the rows below the table (and their developer metadata)
        move down instead of being overwritten."""
        sheet, box = book.locate(text, writing=True)
        assert box.row1 is not None and box.col1 is not None
        last = -1
        for r, cols in sheet.cells.items():
            if r >= box.row0 and any(box.col0 <= c <= box.col1 for c in cols):
                last = max(last, r)
        start = max(last + 1, box.row0)
        rows = value_range[2]
        height = len(rows)
        width = max((len(r) for r in rows), default=0)
        if insert_rows and height and start < sheet.row_count:
            dimensions.insert(book, sheet, "ROWS", start, height)
        sheet.row_count = max(sheet.row_count, start + height)
        sheet.column_count = max(sheet.column_count, box.col0 + width)
        target = f"{quote_sheet(sheet.title)}!{column_letters(box.col0)}{start + 1}"
        update = self._values_update(book, [(target, "ROWS", rows)], option)[0]
        table = (
            sheet.a1(Box(box.row0, box.col0, last, box.col1))
            if last >= box.row0
            else sheet.a1(Box(box.row0, box.col0, box.row0, box.col0))
        )
        return {"spreadsheetId": book.spreadsheet_id, "tableRange": table, "updates": update}

    def _clear(self, book: Spreadsheet, ranges: Sequence[str]) -> list[str]:
        located = [book.locate(text) for text in ranges]
        cleared = []
        for sheet, box in located:
            assert box.row1 is not None and box.col1 is not None
            for r in [r for r in sheet.cells if box.row0 <= r <= box.row1]:
                for c in [c for c in sheet.cells[r] if box.col0 <= c <= box.col1]:
                    sheet.set(r, c, None)
            cleared.append(sheet.a1(box))
        return cleared


def totals(book: Spreadsheet, responses: list[dict[str, Any]]) -> dict[str, Any]:
    """A batch update's answer: the totals over its ``responses`` (and those)."""
    reply: dict[str, Any] = {
        "spreadsheetId": book.spreadsheet_id,
        "totalUpdatedRows": sum(r.get("updatedRows", 0) for r in responses),
        "totalUpdatedColumns": sum(r.get("updatedColumns", 0) for r in responses),
        "totalUpdatedCells": sum(r.get("updatedCells", 0) for r in responses),
        "totalUpdatedSheets": len({r["updatedRange"].rsplit("!", 1)[0] for r in responses}),
    }
    if responses:
        reply["responses"] = responses
    return reply
