"""Developer metadata on the spreadsheet, a sheet, a row or a column: created, looked up,
moved with its rows and columns, deleted with them, and the data filters that select
ranges by it.

Built to Google's reference (the discovery document ``sheets.v4.json`` and the metadata
guide, developers.google.com/workspace/sheets/api/guides/metadata):

* "IDs may be specified when metadata is created, otherwise one will be randomly generated
  and assigned. Must be positive." ``metadataId`` 0 is proto3's "not set": an id is
  assigned. An id in use is refused ("If you specify an ID that's already in use, the
  request fails"), and with it the whole batch.
* "Developer metadata must always have a key specified" / "... visibility specified".
* A ``dimensionRange`` location "must represent a single row or column. It cannot be
  unbounded or span multiple rows or columns": so a ROW or COLUMN metadata always sits on
  exactly one row or column, and a grid change either moves it or deletes it.
* "if developer metadata is associated with row 5 and another row is then subsequently
  inserted above row 5, that original metadata is still associated with ... what is now
  row 6. If the associated object is deleted then its metadata is deleted too."
  Insert, delete, move and a person's sort carry it; appending rows or cells moves
  nothing; deleting a sheet deletes the sheet's metadata. Google documents insert and
  delete only; that a sort carries a row's metadata with the row ("it will remain
  associated at those locations as they move around") is this server's reading, and a
  ``sortRange`` carries it only when the range spans every column (whole rows move).
* DeveloperMetadataLookup: "selects all DeveloperMetadata that match the intersection of
  all the specified fields". ``locationMatchingStrategy`` "If left unspecified ... assumes
  a default value of INTERSECTING"; "If this field is specified, a metadataLocation must
  also be specified"; ``locationType`` "must be left unspecified when the
  locationMatchingStrategy is specified as EXACT" and "cannot be specified as SPREADSHEET
  when the locationMatchingStrategy is specified as INTERSECTING or when the
  metadataLocation is specified as a non-spreadsheet location. Spreadsheet metadata cannot
  intersect any other developer metadata location." Each breach is a 400. Intersecting: a
  row meets itself, every column of its sheet and its sheet; a sheet meets everything on it.
* developerMetadata.search: "If the DataFilter represents a location in a spreadsheet, this
  will return all developer metadata associated with locations intersecting that region."
  deleteDeveloperMetadata takes the same DataFilter, so it deletes the same selection.

Decisions where the reference is silent:

* A lookup with no criterion at all, or a DataFilter with none of its three filters, is a
  400 (proto3 cannot tell an empty filter from a missing one), never "everything".
* deleteDeveloperMetadata that matches nothing succeeds and deletes nothing. Its reply is
  ``{"deleteDeveloperMetadata": {}}``: Google's JSON leaves out an empty repeated field
  (as ``values`` of an empty range), so a client reads
  ``.get("deletedDeveloperMetadata", [])``. The same holds for every list this server
  answers with.
* As ranges for the values routes a ROW metadata is its whole row (column A to the grid's
  last column), a COLUMN one its whole column, a SHEET one the sheet; a SPREADSHEET
  metadata is no range (it selects nothing there).
* Visibility PROJECT is stored and matched but not enforced: this server has accounts,
  not Cloud projects, so every caller sees every project's metadata.

Limit: Google's metadata guide lists a character quota for developer metadata; the guide's
text could not be fetched here, but public code that quotes it agrees on 30,000 characters
("Developer Metadata limit is 30K"; "the character size quotas for developer metadata in
spreadsheet sheets is relatively small ... less than ~1000 [rows of ids]"). Enforced as:
the keys and values of the spreadsheet-level metadata, and those of each sheet (its
sheet-, row- and column-level metadata), at most ``METADATA_CHARACTER_LIMIT`` characters
each; a request that would pass it is a 400 and the batch applies nothing.
"""

from __future__ import annotations

import copy
import secrets
from collections.abc import Callable, Iterable
from typing import Any

from .grid import ApiError, Box, Sheet, Spreadsheet

METADATA_CHARACTER_LIMIT = 30_000
SPREADSHEET, SHEET, ROW, COLUMN = "SPREADSHEET", "SHEET", "ROW", "COLUMN"
_TYPES = {"ROWS": ROW, "COLUMNS": COLUMN}
_UNSET = ("", 0, None, "DEVELOPER_METADATA_LOCATION_TYPE_UNSPECIFIED")
_FILTERS = ("developerMetadataLookup", "a1Range", "gridRange")

Metadata = dict[str, Any]
Located = tuple[Sheet, Box]


# ----------------------------------------------------------------- locations


def _location(book: Spreadsheet, given: Any, *, creating: bool) -> dict[str, Any]:
    """A DeveloperMetadataLocation as Google returns it (with ``locationType``)."""
    if not isinstance(given, dict):
        raise ApiError(400, "developerMetadata.location is required")
    chosen = [
        k
        for k in ("spreadsheet", "sheetId", "dimensionRange")
        if given.get(k) is not None and given.get(k) is not False
    ]
    if len(chosen) > 1:
        raise ApiError(
            400,
            f"Invalid JSON payload received. Oneof field 'location' is already set. "
            f"Cannot set '{chosen[1]}'",
        )
    if not chosen:
        raise ApiError(400, "A developer metadata location must be set.")
    if chosen[0] == "spreadsheet":
        return {"locationType": SPREADSHEET, "spreadsheet": True}
    if chosen[0] == "sheetId":
        sheet = _grid(book, given["sheetId"])
        return {"locationType": SHEET, "sheetId": sheet.sheet_id}
    span = given["dimensionRange"]
    sheet = _grid(book, span.get("sheetId", 0))
    dimension = span.get("dimension")
    if dimension not in _TYPES:
        raise ApiError(400, "dimensionRange.dimension must be ROWS or COLUMNS")
    size = sheet.row_count if dimension == "ROWS" else sheet.column_count
    start = int(span.get("startIndex") or 0)
    end = span.get("endIndex")
    if creating and (end is None or int(end) - start != 1):
        raise ApiError(
            400,
            "The dimension range of a developer metadata location must represent a single "
            "row or column. It cannot be unbounded or span multiple rows or columns.",
        )
    end = size if end is None else int(end)
    if start < 0 or end > size or end <= start:
        raise ApiError(
            400,
            f"Invalid dimensionRange [{start}, {end}): the sheet has {size} {dimension.lower()}.",
        )
    return {
        "locationType": _TYPES[dimension],
        "dimensionRange": {
            "sheetId": sheet.sheet_id,
            "dimension": dimension,
            "startIndex": start,
            "endIndex": end,
        },
    }


def _grid(book: Spreadsheet, sheet_id: Any) -> Sheet:
    sheet = book.sheet_by_id(sheet_id) if isinstance(sheet_id, int) else None
    if sheet is None:
        raise ApiError(400, f"No grid with id: {sheet_id}")
    return sheet


def sheet_of(meta: Metadata) -> int | None:
    location = meta["location"]
    if "dimensionRange" in location:
        return int(location["dimensionRange"]["sheetId"])
    sheet_id = location.get("sheetId")
    return None if sheet_id is None else int(sheet_id)


def _span(location: dict[str, Any]) -> tuple[int, int]:
    span = location["dimensionRange"]
    return int(span["startIndex"]), int(span["endIndex"])


def _intersect(a: dict[str, Any], b: dict[str, Any]) -> bool:
    kind_a, kind_b = str(a["locationType"]), str(b["locationType"])
    if SPREADSHEET in (kind_a, kind_b):
        return kind_a == kind_b
    sheet_a = a.get("sheetId", a.get("dimensionRange", {}).get("sheetId"))
    sheet_b = b.get("sheetId", b.get("dimensionRange", {}).get("sheetId"))
    if sheet_a != sheet_b:
        return False
    if SHEET in (kind_a, kind_b) or kind_a != kind_b:
        return True  # a sheet holds everything on it; a row crosses every column
    (start_a, end_a), (start_b, end_b) = _span(a), _span(b)
    return start_a < end_b and start_b < end_a


def _meets_region(location: dict[str, Any], sheet: Sheet, box: Box) -> bool:
    assert box.row1 is not None and box.col1 is not None
    kind = location["locationType"]
    if kind == SPREADSHEET:
        return False
    if location.get("sheetId", location.get("dimensionRange", {}).get("sheetId")) != (
        sheet.sheet_id
    ):
        return False
    if kind == SHEET:
        return True
    start, end = _span(location)
    first, last = (box.row0, box.row1) if kind == ROW else (box.col0, box.col1)
    return start <= last and first < end


# ----------------------------------------------------------------- create, update, delete


def create(book: Spreadsheet, given: Any) -> Metadata:
    if not isinstance(given, dict):
        raise ApiError(400, "developerMetadata is required")
    meta = copy.deepcopy(given)
    if not meta.get("metadataKey"):
        raise ApiError(400, "Developer metadata must always have a key specified.")
    if meta.get("visibility") not in ("DOCUMENT", "PROJECT"):
        raise ApiError(400, "Developer metadata must always have a visibility specified.")
    metadata_id = int(meta.get("metadataId") or 0)
    if metadata_id < 0:
        raise ApiError(400, f"Invalid metadataId {metadata_id}: it must be positive.")
    if metadata_id == 0:
        while metadata_id == 0 or metadata_id in book.developer_metadata:
            metadata_id = secrets.randbelow(2**31 - 1) + 1
    elif metadata_id in book.developer_metadata:
        raise ApiError(400, f"Developer metadata with ID {metadata_id} already exists.")
    meta["metadataId"] = metadata_id
    meta["location"] = _location(book, meta.get("location"), creating=True)
    book.developer_metadata[metadata_id] = meta
    check_quota(book)
    return copy.deepcopy(meta)


def delete(book: Spreadsheet, data_filter: Any) -> list[Metadata]:
    return [book.developer_metadata.pop(m["metadataId"]) for m in find(book, data_filter)]


_UPDATABLE = ("metadataId", "metadataKey", "metadataValue", "location", "visibility")


def update(book: Spreadsheet, args: dict[str, Any]) -> list[Metadata]:
    """updateDeveloperMetadata: the ``fields`` of ``developerMetadata`` set on every
    metadata any of ``dataFilters`` selects."""
    filters = args.get("dataFilters") or []
    if not filters:
        raise ApiError(400, "At least one data filter must be specified.")
    text = str(args.get("fields") or "").replace(" ", "")
    if not text:
        raise ApiError(400, "At least one field must be specified in 'fields'.")
    fields = list(_UPDATABLE) if text == "*" else text.split(",")
    unknown = [f for f in fields if f not in _UPDATABLE]
    if unknown:
        raise ApiError(400, f"Invalid field mask: {unknown[0]}")
    new = args.get("developerMetadata") or {}
    chosen: dict[int, Metadata] = {}
    for data_filter in filters:
        for meta in find(book, data_filter):
            chosen[meta["metadataId"]] = meta
    if "metadataId" in fields and len(chosen) > 1:
        raise ApiError(400, "A metadataId can be given to one developer metadata only.")
    updated = []
    for meta in chosen.values():
        if "location" in fields:
            meta["location"] = _location(book, new.get("location"), creating=True)
        for name in ("metadataKey", "metadataValue", "visibility"):
            if name in fields:
                if new.get(name) is None:
                    meta.pop(name, None)
                else:
                    meta[name] = new[name]
        if not meta.get("metadataKey") or meta.get("visibility") not in ("DOCUMENT", "PROJECT"):
            raise ApiError(400, "Developer metadata must always have a key and a visibility.")
        if "metadataId" in fields and new.get("metadataId") not in (None, meta["metadataId"]):
            if new["metadataId"] in book.developer_metadata or new["metadataId"] <= 0:
                raise ApiError(400, f"Invalid or used metadataId {new['metadataId']}.")
            del book.developer_metadata[meta["metadataId"]]
            meta["metadataId"] = new["metadataId"]
            book.developer_metadata[meta["metadataId"]] = meta
        updated.append(copy.deepcopy(meta))
    check_quota(book)
    return updated


def check_quota(book: Spreadsheet) -> None:
    used: dict[int | None, int] = {}
    for meta in book.developer_metadata.values():
        size = len(meta.get("metadataKey") or "") + len(meta.get("metadataValue") or "")
        where = sheet_of(meta)
        used[where] = used.get(where, 0) + size
    for where, size in used.items():
        if size > METADATA_CHARACTER_LIMIT:
            sheet = None if where is None else book.sheet_by_id(where)
            scope = "the spreadsheet" if sheet is None else f"the sheet '{sheet.title}'"
            raise ApiError(
                400,
                f"The developer metadata of {scope} would have {size} characters: a "
                f"spreadsheet and each sheet may hold at most {METADATA_CHARACTER_LIMIT} "
                "characters of developer metadata keys and values.",
            )


# ----------------------------------------------------------------- data filters


def check_filter(data_filter: Any) -> str:
    """The one filter a DataFilter sets (a 400 when none or several)."""
    if not isinstance(data_filter, dict):
        raise ApiError(400, "A data filter is required.")
    chosen = [k for k in _FILTERS if data_filter.get(k) not in (None, "")]
    if len(chosen) > 1:
        raise ApiError(
            400,
            f"Invalid JSON payload received. Oneof field 'filter' is already set. "
            f"Cannot set '{chosen[1]}'",
        )
    if not chosen:
        raise ApiError(400, "A data filter must set developerMetadataLookup, a1Range or gridRange.")
    return chosen[0]


def _check_lookup(lookup: Any) -> None:
    if not isinstance(lookup, dict) or all(v in _UNSET for v in lookup.values()):
        raise ApiError(400, "A developerMetadataLookup must specify at least one criterion.")
    strategy = lookup.get("locationMatchingStrategy")
    strategy = (
        None
        if strategy == "DEVELOPER_METADATA_LOCATION_MATCHING_STRATEGY_UNSPECIFIED"
        else strategy
    )
    kind = lookup.get("locationType")
    kind = None if kind in _UNSET else kind
    location = lookup.get("metadataLocation")
    if strategy is not None and location is None:
        raise ApiError(400, "A locationMatchingStrategy needs a metadataLocation.")
    if strategy == "EXACT_LOCATION" and kind is not None:
        raise ApiError(
            400, "locationType must be left unspecified when locationMatchingStrategy is EXACT."
        )
    if kind == SPREADSHEET and (
        strategy == "INTERSECTING_LOCATION"
        or (isinstance(location, dict) and not location.get("spreadsheet"))
    ):
        raise ApiError(
            400,
            "locationType SPREADSHEET cannot be used with an INTERSECTING strategy or a "
            "non-spreadsheet metadataLocation: spreadsheet metadata intersects nothing else.",
        )


def _matches(book: Spreadsheet, meta: Metadata, lookup: dict[str, Any]) -> bool:
    for name in ("metadataId", "metadataKey", "metadataValue"):
        if lookup.get(name) not in _UNSET and meta.get(name) != lookup[name]:
            return False
    visibility = lookup.get("visibility")
    if visibility not in (None, "DEVELOPER_METADATA_VISIBILITY_UNSPECIFIED"):
        if meta.get("visibility") != visibility:
            return False
    kind = lookup.get("locationType")
    if kind not in _UNSET and meta["location"]["locationType"] != kind:
        return False
    if lookup.get("metadataLocation") is not None:
        target = _location(book, lookup["metadataLocation"], creating=False)
        if lookup.get("locationMatchingStrategy") == "EXACT_LOCATION":
            return meta["location"] == target  # type: ignore[no-any-return]
        return _intersect(meta["location"], target)
    return True


def find(book: Spreadsheet, data_filter: Any) -> list[Metadata]:
    """The metadata a DataFilter selects (by lookup, or intersecting its range), by id."""
    kind = check_filter(data_filter)
    every = [book.developer_metadata[i] for i in sorted(book.developer_metadata)]
    if kind == "developerMetadataLookup":
        lookup = data_filter[kind]
        _check_lookup(lookup)
        return [m for m in every if _matches(book, m, lookup)]
    ((sheet, box),) = ranges(book, data_filter)
    return [m for m in every if _meets_region(m["location"], sheet, box)]


def ranges(book: Spreadsheet, data_filter: Any) -> list[Located]:
    """The grid ranges a DataFilter selects (closed at the grid's edges), each once."""
    kind = check_filter(data_filter)
    if kind == "a1Range":
        return [book.locate(str(data_filter[kind]))]
    if kind == "gridRange":
        return [_grid_range(book, data_filter[kind])]
    out: list[Located] = []
    for meta in find(book, data_filter):
        located = _range_of(book, meta)
        if located is not None and located not in out:
            out.append(located)
    return sorted(out, key=lambda x: (x[0].index, x[1].row0, x[1].col0))  # top to bottom


def _range_of(book: Spreadsheet, meta: Metadata) -> Located | None:
    location = meta["location"]
    sheet_id = sheet_of(meta)
    sheet = None if sheet_id is None else book.sheet_by_id(sheet_id)
    if sheet is None:
        return None
    last_row, last_col = sheet.row_count - 1, sheet.column_count - 1
    if location["locationType"] == SHEET:
        return sheet, Box(0, 0, last_row, last_col)
    start, end = _span(location)
    if location["locationType"] == ROW:
        return sheet, Box(start, 0, end - 1, last_col)
    return sheet, Box(0, start, last_row, end - 1)


def _grid_range(book: Spreadsheet, grid: dict[str, Any]) -> Located:
    sheet = _grid(book, grid.get("sheetId", 0))
    row0, col0 = int(grid.get("startRowIndex") or 0), int(grid.get("startColumnIndex") or 0)
    row1 = int(grid.get("endRowIndex", sheet.row_count)) - 1
    col1 = int(grid.get("endColumnIndex", sheet.column_count)) - 1
    if row1 < row0 or col1 < col0 or row0 < 0 or col0 < 0:
        raise ApiError(400, "Invalid gridRange: a start index is past its end index.")
    if row1 >= sheet.row_count or col1 >= sheet.column_count:
        raise ApiError(
            400,
            f"Range ({sheet.a1(Box(row0, col0, row1, col1))}) exceeds grid limits. Max rows: "
            f"{sheet.row_count}, max columns: {sheet.column_count}",
        )
    return sheet, Box(row0, col0, row1, col1)


# ----------------------------------------------------------------- moves


def remap(
    book: Spreadsheet, sheet_id: int, dimension: str, where: Callable[[int], int | None]
) -> None:
    """Move the sheet's ROW (``dimension`` "ROWS") or COLUMN metadata: ``where`` gives
    the new index of an old one, None when that row or column is gone (and so is its
    metadata)."""
    for metadata_id, meta in list(book.developer_metadata.items()):
        span = meta["location"].get("dimensionRange")
        if span is None or span["sheetId"] != sheet_id or span["dimension"] != dimension:
            continue
        new = where(int(span["startIndex"]))
        if new is None:
            del book.developer_metadata[metadata_id]
        else:
            span["startIndex"], span["endIndex"] = new, new + 1


def drop_sheet(book: Spreadsheet, sheet_id: int) -> None:
    for metadata_id, meta in list(book.developer_metadata.items()):
        if sheet_of(meta) == sheet_id:
            del book.developer_metadata[metadata_id]


# ----------------------------------------------------------------- reading


def on_dimension(book: Spreadsheet, sheet_id: int, dimension: str) -> dict[int, list[Metadata]]:
    """Row (or column) index → the metadata on it, by id."""
    out: dict[int, list[Metadata]] = {}
    for metadata_id in sorted(book.developer_metadata):
        meta = book.developer_metadata[metadata_id]
        span = meta["location"].get("dimensionRange")
        if span is not None and span["sheetId"] == sheet_id and span["dimension"] == dimension:
            out.setdefault(int(span["startIndex"]), []).append(copy.deepcopy(meta))
    return out


def copies(metadata: Iterable[Metadata]) -> list[Metadata]:
    return [copy.deepcopy(m) for m in sorted(metadata, key=lambda m: int(m["metadataId"]))]
