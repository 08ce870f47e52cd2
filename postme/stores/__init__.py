"""Spreadsheet stores: Google Sheets (gspread) and a local .xlsx workbook (openpyxl)."""
