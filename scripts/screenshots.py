"""Real captures of the current version for the README.

- docs/img/weekly-summary.svg: the terminal summary of `postme demo` (Rich's own
  recording of what it printed, 80 columns);
- docs/img/analysis-tab.png: the demo workbook's "Analisis Mingguan" tab with its chart,
  rendered by LibreOffice (needs `libreoffice` and `pdftoppm` on the PATH);
- docs/img/best-time-tab.png: the tab "Waktu Terbaik" with its heat map, the same way.

Run: .venv/bin/python scripts/screenshots.py
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from rich.console import Console

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "docs" / "img"


def terminal_summary(folder: Path) -> None:
    from postme import render
    from postme.cli import app

    render.out = Console(
        record=True, width=80, force_terminal=True, color_system="truecolor", highlight=False
    )
    try:
        app(["demo", folder.name], standalone_mode=False)
    except SystemExit:
        pass
    render.out.save_svg(str(IMAGES / "weekly-summary.svg"), title="postme demo")


def _only_tab(folder: Path, title: str) -> tuple[Any, Any]:
    """The demo workbook with every tab but ``title`` hidden, fitted to one landscape page."""
    import openpyxl

    book = openpyxl.load_workbook(folder / "planner.xlsx")
    for sheet in book.worksheets:
        if sheet.title != title:
            sheet.sheet_state = "hidden"
    sheet = book[title]
    book.active = book.worksheets.index(sheet)
    sheet.page_setup.orientation = "landscape"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 1
    return book, sheet


def _render(folder: Path, book: Any, name: str, crop: tuple[int, int, int, int]) -> None:
    """Save ``book``, print its first page with LibreOffice, crop it to docs/img/NAME.png."""
    if not (shutil.which("libreoffice") and shutil.which("pdftoppm")):
        print(f"libreoffice or pdftoppm missing: {name}.png not made")
        return
    book.save(folder / f"{name}.xlsx")
    subprocess.run(
        ["libreoffice", "--headless", "--convert-to", "pdf", "--outdir", str(folder),
         str(folder / f"{name}.xlsx")],
        check=True,
        capture_output=True,
    )  # fmt: skip
    x, y, width, height = crop
    subprocess.run(
        ["pdftoppm", "-png", "-r", "110", "-f", "1", "-l", "1", "-singlefile",
         "-x", str(x), "-y", str(y), "-W", str(width), "-H", str(height),
         str(folder / f"{name}.pdf"), str(IMAGES / name)],
        check=True,
    )  # fmt: skip


def analysis_tab(folder: Path) -> None:
    book, sheet = _only_tab(folder, "Analisis Mingguan")
    # The picture shows the columns an officer looks at first, the chart below them.
    shown = {"Minggu", "Pengikut Awal", "Pengikut Akhir", "Pertumbuhan (%)", "Direncanakan",
             "Terupload", "Terlewat", "Kepatuhan Rencana (%)", "Postingan", "Interaksi",
             "Engagement Rate (%)", "Program Teratas"}  # fmt: skip
    for cell in sheet[1]:
        letter = cell.column_letter
        sheet.column_dimensions[letter].hidden = cell.value not in shown
        sheet.column_dimensions[letter].width = max(10, len(str(cell.value or "")) + 2)
    for chart in sheet._charts:
        chart.anchor._from.col, chart.anchor._from.row = 0, sheet.max_row + 1
        chart.width, chart.height = 24, 10
    sheet.print_area = f"A1:Z{sheet.max_row + 22}"
    _render(folder, book, "analysis-tab", (70, 75, 1050, 325))


def best_time_tab(folder: Path) -> None:
    """The tab Waktu Terbaik with its heat map (the colour scale postme wrote)."""
    book, sheet = _only_tab(folder, "Waktu Terbaik")
    for cell in sheet[1]:
        sheet.column_dimensions[cell.column_letter].width = max(9, len(str(cell.value or "")))
    _render(folder, book, "best-time-tab", (60, 60, 1060, 125))


def main() -> None:
    IMAGES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as temporary:
        os.chdir(temporary)  # the summary then shows the folder as `make demo` names it
        folder = Path(temporary) / "postme-demo"
        terminal_summary(folder)
        analysis_tab(folder)
        best_time_tab(folder)
    print(f"wrote {IMAGES}")


if __name__ == "__main__":
    main()
