"""Planner workbooks as a team starts them (before ``postme init``), for the init tests."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl


def make_workbook(
    path: Path,
    headers: Sequence[Any],
    rows: Sequence[Sequence[Any]] = (),
    *,
    tab: str = "Kalender Konten",
    title_rows: Sequence[Sequence[Any]] = (),
    other_tabs: Sequence[str] = (),
) -> Path:
    """A planner at ``path``: ``title_rows`` above the ``headers`` row, then ``rows``, on
    tab ``tab``; each of ``other_tabs`` holds one cell."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = tab
    for row in title_rows:
        sheet.append(list(row))
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    for name in other_tabs:
        workbook.create_sheet(name).append(["bebas"])
    workbook.save(path)
    return path
