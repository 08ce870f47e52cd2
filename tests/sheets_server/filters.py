"""The routes that select by DataFilter: ``values:batchGetByDataFilter``,
``values:batchUpdateByDataFilter``, ``values:batchClearByDataFilter``,
``spreadsheets:getByDataFilter`` and ``developerMetadata:search``.

A DataFilter is one of ``developerMetadataLookup``, ``a1Range``, ``gridRange``
(metadata.py turns it into ranges: a ROW metadata is its whole row, from column A to the
grid's last column). From Google's reference:

* batchUpdateByDataFilter: ``valueInputOption`` is required; "If more than one range is
  matched by the specified DataFilter the specified values are applied to all of those
  ranges"; values are written from the top-left cell of each range; "If the provided
  values exceed any of the ranges matched by the data filter then the request fails. If
  the provided values are less than the matched ranges only the specified values are
  written, existing values in the matched ranges remain unaffected"; "Null values will be
  skipped. To set a cell to an empty value, set the string value to an empty string"; RAW
  values are never parsed (``=1+1`` stays text); a cell over 50,000 characters is refused
  as by values:batchUpdate. Every entry is checked before anything is written: a request
  that fails writes nothing. ``updatedData`` (with ``includeValuesInResponse``) is "the
  values of the cells in the range matched by the dataFilter after all updates were
  applied".
* batchGetByDataFilter: "Ranges that match any of the data filters in the request will be
  returned", each range once with every filter that matched it (``dataFilters``).
* batchClearByDataFilter: "Ranges matching any of the specified data filters will be
  cleared. Only values are cleared".
* getByDataFilter: "returns the portions of the spreadsheet that intersect ranges matched
  by any of the filters" (as spreadsheets.get with those ranges).
* developerMetadata:search: "DeveloperMetadata matching any of the specified filters are
  included in the response", each with the filters that matched it.

Decision where the reference is silent: a data entry whose filter matches nothing (the
tagged row was deleted) writes nothing, is left out of ``responses`` and is no error; the
rest of the request is applied. (Google documents no error for it, and the filters of
batchGet/batchClear likewise simply select nothing.)
"""

from __future__ import annotations

from typing import Any

from . import metadata
from .discovery import Mask
from .grid import ApiError, Box, Sheet, Spreadsheet, column_letters
from .griddata import spreadsheet_resource, wanted
from .values import ValuesApi, totals


class DataFilterApi(ValuesApi):
    """The data-filter routes (the values API underneath does the reading and writing)."""

    def _batch_get_by_filter(self, book: Spreadsheet, body: dict[str, Any]) -> dict[str, Any]:
        query = {
            name: [str(body[name])]
            for name in ("majorDimension", "valueRenderOption", "dateTimeRenderOption")
            if body.get(name) not in (None, "DIMENSION_UNSPECIFIED")
        }
        matched = []
        for located, filters in _group(book, body.get("dataFilters") or []):
            sheet, box = located
            value_range = self._values_get(book, sheet.a1(box), query)
            matched.append({"valueRange": value_range, "dataFilters": filters})
        reply: dict[str, Any] = {"spreadsheetId": book.spreadsheet_id}
        if matched:
            reply["valueRanges"] = matched
        return reply

    def _batch_clear_by_filter(self, book: Spreadsheet, body: dict[str, Any]) -> dict[str, Any]:
        texts = [s.a1(box) for (s, box), _ in _group(book, body.get("dataFilters") or [])]
        reply: dict[str, Any] = {"spreadsheetId": book.spreadsheet_id}
        if texts:
            reply["clearedRanges"] = self._clear(book, texts)
        return reply

    def _batch_update_by_filter(self, book: Spreadsheet, body: dict[str, Any]) -> dict[str, Any]:
        option = body.get("valueInputOption")
        if option in (None, "INPUT_VALUE_OPTION_UNSPECIFIED"):
            raise ApiError(400, "'valueInputOption' is required but not specified")
        planned: list[tuple[Sheet, Box, str, list[list[Any]], dict[str, Any]]] = []
        for entry in body.get("data") or []:
            data_filter = entry.get("dataFilter")
            major = entry.get("majorDimension") or "ROWS"
            major = "ROWS" if major == "DIMENSION_UNSPECIFIED" else major
            values = entry.get("values") or []
            for sheet, box in metadata.ranges(book, data_filter):
                _check_fits(sheet, box, major, values)
                planned.append((sheet, box, major, values, data_filter))
        written = self._values_update(
            book,
            [(sheet.a1(box), major, values) for sheet, box, major, values, _ in planned],
            option,
        )
        responses = []
        for (sheet, box, _, _, data_filter), response in zip(planned, written, strict=True):
            response.pop("spreadsheetId", None)
            response["dataFilter"] = data_filter
            if body.get("includeValuesInResponse"):
                query = {
                    "valueRenderOption": [
                        body.get("responseValueRenderOption") or "FORMATTED_VALUE"
                    ],
                    "dateTimeRenderOption": [
                        body.get("responseDateTimeRenderOption") or "SERIAL_NUMBER"
                    ],
                }
                response["updatedData"] = self._values_get(book, sheet.a1(box), query)
            responses.append(response)
        return totals(book, responses)

    def _get_by_filter(
        self, book: Spreadsheet, body: dict[str, Any], mask: Mask | None
    ) -> dict[str, Any]:
        filters = body.get("dataFilters") or []
        located = [where for where, _ in _group(book, filters)] if filters else None
        grid_data, cells = wanted(mask, bool(body.get("includeGridData")))
        return spreadsheet_resource(book, located, grid_data, cells)

    def _metadata_search(self, book: Spreadsheet, body: dict[str, Any]) -> dict[str, Any]:
        found: dict[int, dict[str, Any]] = {}
        for data_filter in body.get("dataFilters") or []:
            for meta in metadata.find(book, data_filter):
                entry = found.setdefault(
                    meta["metadataId"], {"developerMetadata": metadata.copies([meta])[0]}
                )
                entry.setdefault("dataFilters", []).append(data_filter)
        if not found:
            return {}
        return {"matchedDeveloperMetadata": [found[i] for i in sorted(found)]}


def _group(
    book: Spreadsheet, filters: list[Any]
) -> list[tuple[tuple[Sheet, Box], list[dict[str, Any]]]]:
    """Each range any filter selects, once, with the filters that selected it."""
    grouped: list[tuple[tuple[Sheet, Box], list[dict[str, Any]]]] = []
    for data_filter in filters:
        for located in metadata.ranges(book, data_filter):
            for where, matched in grouped:
                if where == located:
                    matched.append(data_filter)
                    break
            else:
                grouped.append((located, [data_filter]))
    return grouped


def _check_fits(sheet: Sheet, box: Box, major: str, values: list[list[Any]]) -> None:
    assert box.row1 is not None and box.col1 is not None
    long_side = len(values)
    short_side = max((len(v) for v in values), default=0)
    height, width = (short_side, long_side) if major == "COLUMNS" else (long_side, short_side)
    text = sheet.a1(box)
    if height > box.row1 - box.row0 + 1:
        raise ApiError(
            400,
            f"Requested writing within range [{text}], but tried writing to row "
            f"[{box.row0 + height}]",
        )
    if width > box.col1 - box.col0 + 1:
        raise ApiError(
            400,
            f"Requested writing within range [{text}], but tried writing to column "
            f"[{column_letters(box.col0 + width - 1)}]",
        )
