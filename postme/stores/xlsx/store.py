"""The .xlsx store: reads with calamine, writes by splicing postme's parts into the team's
package (see docs/xlsx.md for the design and its limits)."""

from __future__ import annotations

import logging
import os
import re
import zipfile
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import quoteattr

from postme.errors import SheetError, TabMissing
from postme.i18n import _
from postme.stores.base import (
    Cell,
    ChartSpec,
    ColorScaleSpec,
    Tab,
    TabRequest,
    WritePlan,
    WriteReport,
    build_tab,
    find_title,
)
from postme.stores.cells import EXCEL_CELL_LIMIT
from postme.stores.upsert import ResolvedPlan, report_of, resolve_plan, tabs_to_reread
from postme.stores.xlsx import files
from postme.stores.xlsx.drawings import add_color_scale, add_list_validation, chart_xml, place_chart
from postme.stores.xlsx.package import (
    CALC_CHAIN_TYPE,
    REL_NS,
    WORKSHEET_CONTENT,
    WORKSHEET_TYPE,
    XML_DECLARATION,
    Package,
    attributes,
    relationship_attribute,
    unescape,
)
from postme.stores.xlsx.reader import read_grids
from postme.stores.xlsx.sheet_xml import SheetEdit

log = logging.getLogger("postme")

_NEW_SHEET = (
    XML_DECLARATION
    + '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    f'xmlns:r="{REL_NS}"><dimension ref="A1"/><sheetData/>'
    '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
    "</worksheet>"
)


@dataclass
class Workbook:
    """The package's workbook part and its sheets in order: title → sheet part."""

    package: Package
    part: str
    sheets: dict[str, str] = field(default_factory=dict)
    shared_strings: str | None = None

    @classmethod
    def open(cls, path: Path, data: bytes) -> Workbook:
        try:
            package = Package.open(data)
            main = next(
                package.target("", r)
                for r in package.relationships("")
                if r.type.endswith("/officeDocument")
            )
            book = cls(package, main)
            relationships = package.relationships(main)
            targets = {r.id: package.target(main, r) for r in relationships}
            book.shared_strings = next(
                (
                    package.target(main, r)
                    for r in relationships
                    if r.type.endswith("/sharedStrings")
                ),
                None,
            )
            if book.shared_strings and not package.has(book.shared_strings):
                book.shared_strings = None
            for match in re.finditer(r"<(?:\w+:)?sheet\b([^>]*)/?>", package.text(main)):
                attrs = attributes(match.group(1))
                rid = next((v for k, v in attrs.items() if k.endswith(":id")), "")
                book.sheets[unescape(attrs.get("name", ""))] = targets.get(rid, "")
        except (zipfile.BadZipFile, KeyError, StopIteration, UnicodeDecodeError, ValueError):
            raise files.corrupt(path) from None
        return book

    def add_sheet(self, title: str) -> str:
        part = self.package.free_name("xl/worksheets/sheet{}.xml")
        self.package.put(part, _NEW_SHEET)
        self.package.add_content_type(part, WORKSHEET_CONTENT)
        rid = self.package.add_relationship(self.part, WORKSHEET_TYPE, part)
        text = self.package.text(self.part)
        ids = [int(i) for i in re.findall(r'<(?:\w+:)?sheet\b[^>]*sheetId="(\d+)"', text)]
        prefix = re.search(r"<(\w+:)?sheets\b", text)
        p = prefix.group(1) or "" if prefix else ""
        entry = (
            f'<{p}sheet name={quoteattr(title)} sheetId="{max(ids, default=0) + 1}" '
            f"{relationship_attribute(text, rid)}/>"
        )
        end = text.index(f"</{p}sheets>")
        self.package.put(self.part, text[:end] + entry + text[end:])
        self.sheets[title] = part
        return part

    def drop_calc_chain(self) -> None:
        """Excel rebuilds the calculation chain; a stale one (a formula postme wrote over)
        makes it report the file as damaged."""
        for relationship in self.package.relationships(self.part):
            if relationship.type == CALC_CHAIN_TYPE:
                part = self.package.target(self.part, relationship)
                self.package.remove(part)
                self.package.remove_content_type(part)
                self.package.remove_relationships(self.part, CALC_CHAIN_TYPE)


@dataclass
class Resolved:
    """What one plan writes, per tab, after cleaning: everything ``write`` needs."""

    new_tabs: dict[str, tuple[str, ...]] = field(default_factory=dict)
    cells: dict[str, dict[tuple[int, int], Cell]] = field(default_factory=dict)
    charts: list[ChartSpec] = field(default_factory=list)
    formats: list[ColorScaleSpec] = field(default_factory=list)


def resolve(
    plan: WritePlan, fresh: Mapping[str, Tab | None], titles: Sequence[str]
) -> tuple[Resolved, ResolvedPlan]:
    """The one place that turns a plan and the workbook's tabs as they are now into cells
    to write: the keyed intents resolved (``postme.stores.upsert.resolve_plan``, values
    cleaned to what a cell holds), tab titles matched as the store matches them, later
    writes winning."""
    keyed = resolve_plan(plan, fresh, cell_limit=EXCEL_CELL_LIMIT)
    out = Resolved()
    known = list(titles)
    for new_tab in keyed.new_tabs:
        if find_title(known, new_tab.title) is not None:
            continue
        out.new_tabs[new_tab.title] = new_tab.headers
        known.append(new_tab.title)
        out.cells.setdefault(new_tab.title, {}).update(
            {(1, i + 1): h for i, h in enumerate(new_tab.headers)}
        )
    for write in keyed.writes:
        title = find_title(known, write.tab)
        if title is None:
            raise TabMissing(_tab_missing_message(write.tab, known))
        cells = out.cells.setdefault(title, {})
        for row_offset, values in enumerate(write.values):
            for column_offset, value in enumerate(values):
                cells[(write.row + row_offset, write.column + column_offset)] = value
    out.charts = list(plan.charts)
    out.formats = list(plan.formats)
    return out, keyed


class XlsxStore:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._snapshot: files.Snapshot | None = None
        self._read_tabs: dict[str, Tab] = {}

    @property
    def name(self) -> str:
        return str(self.path)

    @property
    def identity(self) -> str:
        return str(files.real_path(self.path))

    def shared_lock(self, owner: str, ttl_seconds: float) -> AbstractContextManager[None]:
        return files.shared_lock(self.path, owner, ttl_seconds)

    def tab_titles(self) -> list[str]:
        return list(self._open(files.read_snapshot(self.path)).sheets)

    def read(self, requests: Sequence[TabRequest]) -> dict[str, Tab | None]:
        snapshot = files.read_snapshot(self.path)
        book = self._open(snapshot)
        titles = list(book.sheets)
        wanted: dict[str, str] = {}
        result: dict[str, Tab | None] = {}
        for request in requests:
            actual = find_title(titles, request.title)
            if actual is None:
                if request.required:
                    raise TabMissing(_tab_missing_message(request.title, titles))
                result[request.title] = None
            else:
                wanted[request.title] = actual
        try:
            grids = read_grids(
                snapshot.data,
                book.package.zip,
                book.sheets,
                list(dict.fromkeys(wanted.values())),
                book.shared_strings,
            )
        except Exception as e:  # calamine's own errors: a damaged part
            if isinstance(e, SheetError):
                raise
            log.debug("read failed", exc_info=True)
            raise files.corrupt(self.path) from None
        for title, actual in wanted.items():
            tab = build_tab(actual, grids[actual], next(r for r in requests if r.title == title))
            result[title] = tab
            self._read_tabs[actual.casefold()] = tab
        self._snapshot = snapshot
        return result

    def write(self, plan: WritePlan) -> WriteReport:
        """Apply the plan to the workbook file (all or nothing), its keyed rows resolved
        against the file as it is now: a file saved by someone since postme read it is
        read again, so their rows stay theirs and postme's land on their keys. Values
        changed to fit the file are named in the returned report."""
        if plan.is_empty():
            return WriteReport()
        files.refuse_when_open(self.path)
        if plan.ranges and self._snapshot is not None:
            # Plain ranges are positions: they cannot follow a colleague's edit.
            files.refuse_when_changed(self.path, self._snapshot)
        fresh = self.read(tabs_to_reread(plan))  # the file as it is now, and its snapshot
        assert self._snapshot is not None
        book = self._open(self._snapshot)
        resolved, keyed = resolve(plan, _by_actual_title(fresh), list(book.sheets))
        self._apply(book, resolved)
        self._save(book)
        return report_of(keyed, charts_added=len(resolved.charts))

    def add_data_validation(
        self, tab: str, column_index: int, first_row: int, allowed: Sequence[str]
    ) -> None:
        """A drop-down on one column from ``first_row`` down (used by ``init --dropdowns``):
        the only change postme makes to a tab the team owns besides its metrics rows."""
        files.refuse_when_open(self.path)
        book = self._open(self._current_snapshot())
        title = find_title(list(book.sheets), tab)
        if title is None:
            raise TabMissing(_tab_missing_message(tab, list(book.sheets)))
        part = book.sheets[title]
        edit = SheetEdit(book.package.text(part))
        add_list_validation(edit, column_index + 1, first_row, allowed)
        book.package.put(part, edit.xml)
        self._save(book)

    # -- internals

    def _current_snapshot(self) -> files.Snapshot:
        if self._snapshot is None:
            return files.read_snapshot(self.path)
        files.refuse_when_changed(self.path, self._snapshot)
        return self._snapshot

    def _open(self, snapshot: files.Snapshot) -> Workbook:
        return Workbook.open(self.path, snapshot.data)

    def _apply(self, book: Workbook, resolved: Resolved) -> None:
        package = book.package
        for title in resolved.new_tabs:
            book.add_sheet(title)
        edits: dict[str, SheetEdit] = {}

        def edit_of(title: str) -> SheetEdit:
            if title not in edits:
                read = self._read_tabs.get(title.casefold())
                header_row = 1 if title in resolved.new_tabs else read.header_row if read else 0
                edits[title] = SheetEdit(package.text(book.sheets[title]), header_row)
            return edits[title]

        for title, cells in resolved.cells.items():
            edit = edit_of(title)
            for (row, column), value in cells.items():
                edit.put(row, column, value)
            edit.text()
        for chart in resolved.charts:
            self._chart(book, edit_of, chart, resolved)
        for scale in resolved.formats:
            layout = self._layout(book, scale.tab, resolved)
            if layout is not None:
                add_color_scale(edit_of(layout[0]), scale, layout[2], layout[1])
        for title, edit in edits.items():
            package.put(book.sheets[title], edit.text())
        if any(edit.formula_replaced for edit in edits.values()):
            book.drop_calc_chain()

    def _layout(
        self, book: Workbook, tab: str, resolved: Resolved
    ) -> tuple[str, int, tuple[str, ...]] | None:
        """(title, header row, headers) of a tab postme draws on."""
        title = find_title(list(book.sheets), tab)
        if title is None:
            log.warning(
                _("Tab '{tab}' not found; its chart or colours were skipped.").format(tab=tab)
            )
            return None
        if title in resolved.new_tabs:
            return title, 1, tuple(resolved.new_tabs[title])
        read = self._read_tabs.get(title.casefold())
        if read is None or read.header_row < 1:
            log.warning(
                _("Tab '{tab}' was not read; its chart or colours were skipped.").format(tab=tab)
            )
            return None
        return title, read.header_row, read.headers

    def _chart(
        self,
        book: Workbook,
        edit_of: Callable[[str], SheetEdit],
        spec: ChartSpec,
        resolved: Resolved,
    ) -> None:
        layout = self._layout(book, spec.tab, resolved)
        if layout is None:
            return
        title, header_row, headers = layout
        edit = edit_of(title)
        rows = [int(n) for n in re.findall(rf'<{edit.prefix}row\b[^>]*?\br="(\d+)"', edit.text())]
        rendered = chart_xml(spec, headers, header_row, max(rows, default=header_row))
        if rendered is None:
            log.warning(
                _(
                    "Chart '{chart}': columns {columns} not found in tab '{tab}'; chart skipped."
                ).format(
                    chart=spec.title,
                    columns=", ".join([spec.x_header, *spec.series_headers]),
                    tab=title,
                )
            )
            return
        place_chart(book.package, book.sheets[title], edit, spec, rendered)

    def _save(self, book: Workbook) -> None:
        def write(fd: int) -> None:
            with os.fdopen(os.dup(fd), "wb") as out:
                book.package.write_to(out)

        files.replace(self.path, write)
        self._snapshot = files.read_snapshot(self.path)


def _tab_missing_message(title: str, existing: Sequence[str]) -> str:
    return _(
        "Tab '{tab}' is not in the spreadsheet (tabs: {tabs}). "
        "Rename the tab back or set its name under [tabs] in the config."
    ).format(tab=title, tabs=", ".join(f"'{t}'" for t in existing))


def _by_actual_title(tabs: Mapping[str, Tab | None]) -> dict[str, Tab | None]:
    """The tabs read, under their titles in the workbook (a request may differ in case)."""
    return {tab.title: tab for tab in tabs.values() if tab is not None}
