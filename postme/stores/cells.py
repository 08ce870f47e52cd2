"""Text a spreadsheet can hold: the one place that cleans values before they are written.

XML 1.0 (the .xlsx format) cannot hold lone surrogates (a caption cut inside an emoji) or
most control characters, and Google refuses a cell over 50,000 characters (Excel: 32,767).
Both stores pass every value through :func:`clean_cell`; what was changed is reported so
the summary can name the cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from postme.stores.base import Cell

GOOGLE_CELL_LIMIT = 50_000
EXCEL_CELL_LIMIT = 32_767
TRUNCATION_MARKER = " …[dipotong oleh postme]"

# Characters XML 1.0 cannot hold: C0 controls except tab, newline and carriage return,
# lone surrogates, and the two non-characters U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class CellChange:
    """Why a value was changed before it was written."""

    removed_characters: int = 0
    shortened_from: int | None = None  # original length when cut to the limit


def clean_cell(value: Cell, limit: int) -> tuple[Cell, CellChange | None]:
    """The value as it can be written, and what was changed (``None``: nothing)."""
    if not isinstance(value, str):
        return value, None
    cleaned, removed = _NOT_XML.subn("", value)
    shortened_from = None
    if len(cleaned) > limit:
        shortened_from = len(cleaned)
        cleaned = cleaned[: limit - len(TRUNCATION_MARKER)] + TRUNCATION_MARKER
    if not removed and shortened_from is None:
        return value, None
    return cleaned, CellChange(removed, shortened_from)
