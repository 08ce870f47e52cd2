"""A local .xlsx (or .xlsm) workbook as the spreadsheet: the demo's store and the default
for teams that keep an Excel file. postme edits only its own parts of the file."""

from postme.stores.xlsx.store import XlsxStore

__all__ = ["XlsxStore"]
