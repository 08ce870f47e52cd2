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


def analysis_tab(folder: Path) -> None:
    import openpyxl

    if not (shutil.which("libreoffice") and shutil.which("pdftoppm")):
        print("libreoffice or pdftoppm missing: analysis-tab.png not made")
        return
    book = openpyxl.load_workbook(folder / "planner.xlsx")
    for sheet in book.worksheets:
        if sheet.title != "Analisis Mingguan":
            sheet.sheet_state = "hidden"
    only = folder / "analisis.xlsx"
    sheet = book["Analisis Mingguan"]
    book.active = book.worksheets.index(sheet)
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
    sheet.page_setup.orientation = "landscape"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 1
    book.save(only)
    subprocess.run(
        ["libreoffice", "--headless", "--convert-to", "pdf", "--outdir", str(folder), str(only)],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        ["pdftoppm", "-png", "-r", "110", "-f", "1", "-l", "1", "-singlefile",
         "-x", "70", "-y", "75", "-W", "1050", "-H", "325",
         str(folder / "analisis.pdf"), str(IMAGES / "analysis-tab")],
        check=True,
    )  # fmt: skip


def best_time_tab(folder: Path) -> None:
    """docs/img/best-time-tab.png: the tab Waktu Terbaik with its heat map, as postme
    wrote it (the workbook itself, not re-saved), rendered by LibreOffice."""
    import openpyxl

    if not (shutil.which("libreoffice") and shutil.which("pdftoppm")):
        print("libreoffice or pdftoppm missing: best-time-tab.png not made")
        return
    book = openpyxl.load_workbook(folder / "planner.xlsx")
    for sheet in book.worksheets:
        if sheet.title != "Waktu Terbaik":
            sheet.sheet_state = "hidden"
    sheet = book["Waktu Terbaik"]
    book.active = book.worksheets.index(sheet)
    for cell in sheet[1]:
        sheet.column_dimensions[cell.column_letter].width = max(9, len(str(cell.value or "")))
    sheet.page_setup.orientation = "landscape"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 1
    only = folder / "waktu.xlsx"
    book.save(only)
    subprocess.run(
        ["libreoffice", "--headless", "--convert-to", "pdf", "--outdir", str(folder), str(only)],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        ["pdftoppm", "-png", "-r", "110", "-f", "1", "-l", "1", "-singlefile",
         "-x", "60", "-y", "60", "-W", "1060", "-H", "125",
         str(folder / "waktu.pdf"), str(IMAGES / "best-time-tab")],
        check=True,
    )  # fmt: skip


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
