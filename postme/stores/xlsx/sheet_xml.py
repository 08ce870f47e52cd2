"""Cell edits inside one worksheet's XML, as text: only the rows written change, every other
byte of the sheet stays as the team's program saved it.

A written cell keeps its own style; a new cell takes the style of the nearest filled cell
above it in its column (a date format under a date), never from the header row or above.
Text is written as an inline string, so the shared-strings part is left alone. Cells
covered by a merge are skipped, as a person cannot type in them either.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from postme.stores.base import Cell, column_letter
from postme.stores.xlsx.package import attributes

MAX_ROWS = 1_048_576
_REF = re.compile(r"([A-Z]+)(\d+)")

# The order of a worksheet's child elements (ECMA-376 CT_Worksheet), for inserting one.
_ORDER = (
    "sheetPr dimension sheetViews sheetFormatPr cols sheetData sheetCalcPr sheetProtection "
    "protectedRanges scenarios autoFilter sortState dataConsolidate customSheetViews "
    "mergeCells phoneticPr conditionalFormatting dataValidations hyperlinks printOptions "
    "pageMargins pageSetup headerFooter rowBreaks colBreaks customProperties cellWatches "
    "ignoredErrors smartTags drawing legacyDrawing legacyDrawingHF drawingHF picture "
    "oleObjects controls webPublishItems tableParts extLst"
).split()


def column_number(letters: str) -> int:
    number = 0
    for char in letters:
        number = number * 26 + ord(char) - 64
    return number


def split_ref(ref: str) -> tuple[int, int]:
    """``"C12"`` → (12, 3): row and column, both 1-based."""
    match = _REF.fullmatch(ref.replace("$", ""))
    if match is None:
        raise ValueError(ref)
    return int(match.group(2)), column_number(match.group(1))


@dataclass
class _Row:
    number: int
    start: int  # the row element's span in the text
    end: int
    attrs: str  # the start tag's attribute text
    inner: str | None  # None for <row …/>


@dataclass
class SheetEdit:
    """One worksheet being edited: ``set`` cells, then ``text()`` for the new XML."""

    xml: str
    header_row: int = 0  # the tab's header row when known (0: the sheet's first row)
    prefix: str = ""  # "x:" when the file writes its elements with a prefix
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    formula_replaced: bool = False

    def __post_init__(self) -> None:
        root = re.search(r"<(\w+:)?worksheet\b", self.xml)
        self.prefix = root.group(1) or "" if root else ""

    def put(self, row: int, column: int, value: Cell) -> None:
        self.cells[(row, column)] = value

    # -- reading the structure

    def _tag(self, name: str) -> str:
        return self.prefix + name

    def _sheet_data(self) -> tuple[int, int]:
        """The span of sheetData's content; an empty ``<sheetData/>`` is opened first."""
        tag = self._tag("sheetData")
        empty = re.search(rf"<{tag}\b[^>]*/>", self.xml)
        if empty:
            opened = empty.group(0)[:-2] + f"></{tag}>"
            self.xml = self.xml[: empty.start()] + opened + self.xml[empty.end() :]
        start = re.search(rf"<{tag}\b[^>]*>", self.xml)
        if start is None:
            raise ValueError("no sheetData")
        end = self.xml.index(f"</{tag}>", start.end())
        return start.end(), end

    def _rows(self, start: int, end: int) -> list[_Row]:
        tag = self._tag("row")
        rows: list[_Row] = []
        pattern = re.compile(rf"<{tag}\b([^>]*?)(/?)>")
        closing = f"</{tag}>"
        position = start
        previous = 0
        while True:
            match = pattern.search(self.xml, position, end)
            if match is None:
                return rows
            attrs = attributes(match.group(1))
            number = int(attrs["r"]) if "r" in attrs else previous + 1
            if match.group(2):
                rows.append(_Row(number, match.start(), match.end(), match.group(1), None))
                position = match.end()
            else:
                close = self.xml.index(closing, match.end())
                inner = self.xml[match.end() : close]
                rows.append(
                    _Row(number, match.start(), close + len(closing), match.group(1), inner)
                )
                position = close + len(closing)
            previous = number

    def merged_covered(self) -> set[tuple[int, int]]:
        """Cells inside a merge other than its top-left cell."""
        covered: set[tuple[int, int]] = set()
        for match in re.finditer(
            rf'<{self._tag("mergeCell")}\b[^>]*ref="([A-Z]+\d+):([A-Z]+\d+)"', self.xml
        ):
            top, left = split_ref(match.group(1))
            bottom, right = split_ref(match.group(2))
            if (bottom - top + 1) * (right - left + 1) > 100_000:
                continue  # a merge over whole columns: nobody writes there
            for row in range(top, bottom + 1):
                for column in range(left, right + 1):
                    if (row, column) != (top, left):
                        covered.add((row, column))
        return covered

    # -- writing

    def text(self) -> str:
        if not self.cells:
            return self.xml
        covered = self.merged_covered()
        wanted: dict[int, dict[int, Cell]] = {}
        for (number, column), value in self.cells.items():
            if (number, column) not in covered:
                wanted.setdefault(number, {})[column] = value
        start, end = self._sheet_data()
        rows = self._rows(start, end)
        header_row = self.header_row or (rows[0].number if rows else 1)
        by_number = {row.number: index for index, row in enumerate(rows)}
        pieces: list[str] = []
        cursor = start
        new_rows = sorted(n for n in wanted if n not in by_number)
        pending = iter(new_rows)
        next_new = next(pending, None)
        styles = _StyleFinder(self, rows, header_row)
        for index, row in enumerate(rows):
            while next_new is not None and next_new < row.number:
                pieces.append(self.xml[cursor : row.start])
                cursor = row.start
                pieces.append(self._new_row(next_new, wanted[next_new], styles, index))
                next_new = next(pending, None)
            if row.number in wanted:
                pieces.append(self.xml[cursor : row.start])
                pieces.append(self._edited_row(row, wanted[row.number], styles, index))
                cursor = row.end
        pieces.append(self.xml[cursor:end])
        while next_new is not None:
            pieces.append(self._new_row(next_new, wanted[next_new], styles, len(rows)))
            next_new = next(pending, None)
        self.xml = self.xml[:start] + "".join(pieces) + self.xml[end:]
        self._widen_dimension(wanted)
        self.cells.clear()
        return self.xml

    def _new_row(
        self, number: int, values: Mapping[int, Cell], styles: _StyleFinder, index: int
    ) -> str:
        cells = "".join(
            self._cell(number, column, value, styles.above(index, column, value))
            for column, value in sorted(values.items())
        )
        tag = self._tag("row")
        return f'<{tag} r="{number}">{cells}</{tag}>' if cells else ""

    def _edited_row(
        self, row: _Row, values: Mapping[int, Cell], styles: _StyleFinder, index: int
    ) -> str:
        existing = list(_cells(self._tag("c"), row.inner or "", row.number))
        out: list[str] = []
        remaining = dict(sorted(values.items()))
        for column, text, attrs in existing:
            for new_column in [c for c in remaining if c < column]:
                out.append(
                    self._cell(
                        row.number,
                        new_column,
                        remaining.pop(new_column),
                        styles.above(index, new_column, values[new_column]),
                    )
                )
            if column in remaining:
                value = remaining.pop(column)
                if "<f" in text:
                    self.formula_replaced = True
                out.append(self._cell(row.number, column, value, attrs.get("s")))
            else:
                out.append(text)
        for column, value in remaining.items():
            out.append(self._cell(row.number, column, value, styles.above(index, column, value)))
        tag = self._tag("row")
        row_attrs = re.sub(r'\s+spans="[^"]*"', "", row.attrs)  # the spans hint may not hold
        if "r=" not in row_attrs:
            row_attrs = f' r="{row.number}"' + row_attrs
        return f"<{tag}{row_attrs}>{''.join(out)}</{tag}>"

    def _cell(self, row: int, column: int, value: Cell, style: str | None) -> str:
        tag = self._tag("c")
        ref = f"{column_letter(column)}{row}"
        s = f' s="{style}"' if style and style != "0" else ""
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            return f'<{tag} r="{ref}"{s}/>' if s else ""
        if isinstance(value, bool):
            v = self._tag("v")
            return f'<{tag} r="{ref}"{s} t="b"><{v}>{int(value)}</{v}></{tag}>'
        if isinstance(value, int | float):
            v = self._tag("v")
            return f'<{tag} r="{ref}"{s}><{v}>{_number(value)}</{v}></{tag}>'
        is_, t = self._tag("is"), self._tag("t")
        space = ' xml:space="preserve"' if value != value.strip() or "\n" in value else ""
        text = f"<{is_}><{t}{space}>{_text(value)}</{t}></{is_}>"
        return f'<{tag} r="{ref}"{s} t="inlineStr">{text}</{tag}>'

    def _widen_dimension(self, wanted: Mapping[int, Mapping[int, Cell]]) -> None:
        match = re.search(rf'<{self._tag("dimension")}\b[^>]*ref="([^"]*)"', self.xml)
        if match is None or not wanted:
            return
        last_row = max(wanted)
        last_column = max(c for values in wanted.values() for c in values)
        parts = match.group(1).split(":")
        try:
            top, left = split_ref(parts[0])
            bottom, right = split_ref(parts[-1])
        except ValueError:
            return
        bottom, right = max(bottom, last_row), max(right, last_column)
        top, left = min(top, min(wanted)), min(left, min(c for v in wanted.values() for c in v))
        ref = f"{column_letter(left)}{top}:{column_letter(right)}{bottom}"
        if ref != match.group(1):
            self.xml = self.xml[: match.start(1)] + ref + self.xml[match.end(1) :]

    # -- other elements

    def insert(self, element: str, fragment: str) -> None:
        """Insert ``fragment`` (an ``element`` child of the worksheet) at its place in the
        schema's order: after the elements that come before it."""
        later = _ORDER[_ORDER.index(element) + 1 :]
        names = "|".join(later)
        match = re.search(rf"<{self.prefix}({names})\b", self.xml)
        at = match.start() if match else self.xml.rindex(f"</{self._tag('worksheet')}>")
        self.xml = self.xml[:at] + fragment + self.xml[at:]

    def has(self, element: str) -> bool:
        return re.search(rf"<{self._tag(element)}\b", self.xml) is not None


class _StyleFinder:
    """The style of the nearest filled cell above in the same column, below the header."""

    def __init__(self, edit: SheetEdit, rows: list[_Row], header_row: int) -> None:
        self.edit = edit
        self.rows = rows
        self.header_row = header_row
        self._parsed: dict[int, dict[int, tuple[str, dict[str, str]]]] = {}

    def above(self, index: int, column: int, value: Cell) -> str | None:
        for position in range(index - 1, max(index - 50, -1), -1):
            row = self.rows[position]
            if row.number <= self.header_row:
                return None
            cells = self._cells(position)
            if column not in cells:
                continue
            text, attrs = cells[column]
            if "<v" in text or "<is" in text:
                return attrs.get("s")
        return None

    def _cells(self, position: int) -> dict[int, tuple[str, dict[str, str]]]:
        if position not in self._parsed:
            row = self.rows[position]
            self._parsed[position] = {
                column: (text, attrs)
                for column, text, attrs in _cells(self.edit._tag("c"), row.inner or "", row.number)
            }
        return self._parsed[position]


def _cells(tag: str, inner: str, row: int) -> Iterable[tuple[int, str, dict[str, str]]]:
    """(column, the cell's text, its attributes) for each cell of one row's content."""
    pattern = re.compile(rf"<{tag}\b([^>]*?)(?:/>|>.*?</{tag}>)", re.DOTALL)
    column = 0
    for match in pattern.finditer(inner):
        attrs = attributes(match.group(1))
        column = split_ref(attrs["r"])[1] if "r" in attrs else column + 1
        yield column, match.group(0), attrs


def _number(value: int | float) -> str:
    if isinstance(value, int):
        return str(value)
    return repr(value) if value != int(value) or abs(value) >= 1e15 else str(int(value))


def _text(value: str) -> str:
    # A literal "_xHHHH_" would be read back as an escaped character: escape its underscore.
    return escape(re.sub(r"_(x[0-9A-Fa-f]{4}_)", r"_x005F_\1", value))


def used_columns(cells: Iterable[tuple[int, int]]) -> set[int]:
    return {column for _row, column in cells}
