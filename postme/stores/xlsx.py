"""A local .xlsx workbook as the spreadsheet (openpyxl): the demo's store and the
default for teams that keep an Excel file.

Reads give the same values Google's API gives (date cells become serial numbers),
so both stores produce equal tables. A write loads the workbook, applies the whole
plan, saves to a temporary file beside it and renames it over the original: either
the whole batch lands or the file is untouched. The previous version is kept as
``<name>.bak``.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import zipfile
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

from postme.errors import SheetError, TabMissing
from postme.i18n import _
from postme.stores.base import (
    Cell,
    ChartSpec,
    Tab,
    TabRequest,
    WritePlan,
    WriteReport,
    build_tab,
    find_title,
)
from postme.stores.cells import EXCEL_CELL_LIMIT
from postme.stores.upsert import report_of, resolve_plan, tabs_to_reread

EXCEL_EPOCH = dt.datetime(1899, 12, 30)


class XlsxStore:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    @property
    def name(self) -> str:
        return str(self.path)

    @property
    def identity(self) -> str:
        return str(self.path.resolve())

    def shared_lock(self, owner: str, ttl_seconds: float) -> AbstractContextManager[None]:
        # Placeholder until the workbook's own lock (issue 14) lands: the local file lock
        # in jobs is the only lock for .xlsx today.
        return nullcontext()

    def tab_titles(self) -> list[str]:
        workbook = self._open(read_only=True)
        try:
            return list(workbook.sheetnames)
        finally:
            workbook.close()

    def read(self, requests: Sequence[TabRequest]) -> dict[str, Tab | None]:
        workbook = self._open(read_only=True)
        try:
            titles = {title.casefold(): title for title in workbook.sheetnames}
            result: dict[str, Tab | None] = {}
            for request in requests:
                actual = titles.get(request.title.casefold())
                if actual is None:
                    if request.required:
                        raise TabMissing(_tab_missing_message(request.title, workbook.sheetnames))
                    result[request.title] = None
                    continue
                sheet = workbook[actual]
                grid = [[_to_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
                result[request.title] = build_tab(actual, grid, request)
            return result
        finally:
            workbook.close()

    def write(self, plan: WritePlan) -> WriteReport:
        if plan.is_empty():
            return WriteReport()
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
        from openpyxl.cell.cell import Cell as XlCell

        workbook = self._open(read_only=False)
        # The keyed intents resolved against the workbook as it is now (not as read).
        fresh: dict[str, Tab | None] = {}
        for request in tabs_to_reread(plan):
            actual = find_title(workbook.sheetnames, request.title)
            if actual is not None:
                grid = [
                    [_to_cell(v) for v in row]
                    for row in workbook[actual].iter_rows(values_only=True)
                ]
                fresh[actual] = build_tab(actual, grid, request)
        resolved = resolve_plan(plan, fresh, cell_limit=EXCEL_CELL_LIMIT)
        for new_tab in resolved.new_tabs:
            sheet = workbook.create_sheet(new_tab.title)
            sheet.append(list(new_tab.headers))
        for write in resolved.writes:
            if write.tab not in workbook.sheetnames:
                raise TabMissing(_tab_missing_message(write.tab, workbook.sheetnames))
            sheet = workbook[write.tab]
            for row_offset, values in enumerate(write.values):
                for column_offset, value in enumerate(values):
                    cell = sheet.cell(
                        row=write.row + row_offset, column=write.column + column_offset
                    )
                    if not isinstance(cell, XlCell):
                        continue  # a merged cell's covered part holds no value
                    if isinstance(value, str):
                        # Control characters (from Instagram text) cannot be stored in
                        # an .xlsx file; tab and newline are kept.
                        value = ILLEGAL_CHARACTERS_RE.sub("", value)
                    cell.value = value
                    if isinstance(value, str):
                        # RAW: a caption starting with "=" stays text, never a formula.
                        cell.data_type = "s"
        for chart in plan.charts:
            _add_chart(workbook, chart)
        self._save_atomically(workbook)
        return report_of(resolved, charts_added=len(plan.charts))

    def add_data_validation(
        self, tab: str, column_index: int, first_row: int, allowed: Sequence[str]
    ) -> None:
        """A dropdown on one column from ``first_row`` down (used by ``init --dropdowns``)."""
        from openpyxl.utils import get_column_letter
        from openpyxl.worksheet.datavalidation import DataValidation

        workbook = self._open(read_only=False)
        sheet = workbook[tab]
        letter = get_column_letter(column_index + 1)
        formula = '"' + ",".join(a.replace(",", " ") for a in allowed) + '"'
        validation = DataValidation(type="list", formula1=formula, allow_blank=True)
        validation.add(f"{letter}{first_row}:{letter}{max(sheet.max_row, first_row) + 1000}")
        sheet.add_data_validation(validation)
        self._save_atomically(workbook)

    def _open(self, read_only: bool) -> Any:
        from openpyxl import load_workbook

        if not self.path.exists():
            raise SheetError(
                _("Workbook {path} does not exist. Check [sheet] path in the config.").format(
                    path=self.path
                )
            )
        try:
            # Values as shown (formulas' last computed values), as Google's API reads them.
            return load_workbook(self.path, read_only=read_only, data_only=read_only)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
            raise SheetError(
                _("Workbook {path} cannot be opened ({error}). Is it an .xlsx file?").format(
                    path=self.path, error=type(e).__name__
                )
            ) from None

    def _save_atomically(self, workbook: Any) -> None:
        folder = self.path.parent
        handle, temporary = tempfile.mkstemp(prefix=".postme-", suffix=".xlsx", dir=folder)
        os.close(handle)
        try:
            workbook.save(temporary)
            shutil.copy2(self.path, self.path.with_name(self.path.name + ".bak"))
            os.replace(temporary, self.path)
        except OSError as e:
            Path(temporary).unlink(missing_ok=True)
            raise SheetError(
                _(
                    "Could not save {path}: {error}. Is it open in Excel? Close it and run again."
                ).format(path=self.path, error=e.strerror or e)
            ) from None
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def _to_cell(value: object) -> Cell:
    """openpyxl value → the shape Google's UNFORMATTED_VALUE/SERIAL_NUMBER gives."""
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, dt.datetime):
        return _serial(value)
    if isinstance(value, dt.date):
        return float((value - EXCEL_EPOCH.date()).days)
    if isinstance(value, dt.time):
        return (value.hour * 3600 + value.minute * 60 + value.second) / 86400
    if isinstance(value, dt.timedelta):
        return value.total_seconds() / 86400
    return str(value)


def _serial(value: dt.datetime) -> float:
    delta = value.replace(tzinfo=None) - EXCEL_EPOCH
    return delta.days + delta.seconds / 86400


def _tab_missing_message(title: str, existing: Sequence[str]) -> str:
    return _(
        "Tab '{tab}' is not in the spreadsheet (tabs: {tabs}). "
        "Rename the tab back or set its name under [tabs] in the config."
    ).format(tab=title, tabs=", ".join(f"'{t}'" for t in existing))


def _add_chart(workbook: Any, spec: ChartSpec) -> None:
    """A line chart beside the tab's data: the first series on the left axis, the others
    (e.g. engagement rate in %) on a right axis. openpyxl keeps charts across load and
    save, so the previous chart of the same title is replaced, not added again."""
    from openpyxl.chart import LineChart, Reference
    from openpyxl.utils import get_column_letter

    sheet = workbook[spec.tab]
    sheet._charts = [c for c in sheet._charts if _chart_title(c) != spec.title]
    headers = [c.value for c in sheet[1]]
    if spec.x_header not in headers or sheet.max_row < 2:
        return
    last_row = sheet.max_row
    columns = [headers.index(h) + 1 for h in spec.series_headers if h in headers]
    if not columns:
        return
    categories = Reference(
        sheet, min_col=headers.index(spec.x_header) + 1, min_row=2, max_row=last_row
    )
    chart = LineChart()
    chart.title = spec.title
    chart.height, chart.width = 8, 18
    chart.add_data(
        Reference(sheet, min_col=columns[0], min_row=1, max_row=last_row), titles_from_data=True
    )
    chart.y_axis.title = spec.series_headers[0]
    chart.set_categories(categories)
    if len(columns) > 1:
        right = LineChart()
        for column in columns[1:]:
            right.add_data(
                Reference(sheet, min_col=column, min_row=1, max_row=last_row), titles_from_data=True
            )
        right.y_axis.axId = 200
        right.y_axis.crosses = "max"
        right.y_axis.title = ", ".join(spec.series_headers[1:])
        chart += right
    sheet.add_chart(chart, f"{get_column_letter(len(headers) + 2)}2")


def _chart_title(chart: Any) -> str:
    """The plain text of a chart's title (a string when made here, rich text when read)."""
    title = chart.title
    if title is None or isinstance(title, str):
        return title or ""
    try:
        return "".join(run.t for p in title.tx.rich.p for run in (p.r or []))
    except AttributeError:
        return ""
