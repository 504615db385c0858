"""Spreadsheets: the one CSV/XLSX writer every export goes through, with the one formula guard."""
