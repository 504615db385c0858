"""The formula guard: which cells a spreadsheet program would run, and how each format defuses them.

A text cell starting with ``=``, ``+``, ``-`` or ``@`` is read as a formula by Excel, LibreOffice
and WPS; a leading tab or carriage return hides such a start from simpler checks (CSV injection,
OWASP). Numbers, dates and booleans are never guarded: a longitude of -73.5 stays a number.
"""

from __future__ import annotations

from datetime import date, datetime

TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


def is_risky(value: object) -> bool:
    """True for text a spreadsheet program could read as a formula."""
    return isinstance(value, str) and value.startswith(TRIGGERS)


def csv_cell(value: object) -> object:
    """A CSV field: risky text gets a leading apostrophe (shown as text, never run)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return "'" + value if is_risky(value) else value
