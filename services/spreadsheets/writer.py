"""The one spreadsheet writer: CSV streamed in chunks, XLSX from openpyxl's write-only workbook.

Rows are any iterables of cells, read once as they are written, so an export of 100,000 rows
never sits in memory. Every cell passes the formula guard (``guard.py``): in CSV risky text gets a
leading apostrophe; in XLSX it is written as a text cell with Excel's "quote prefix", so it shows
exactly as typed and is never a formula.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from services.spreadsheets.guard import csv_cell, is_risky

CHUNK = 64 * 1024
BOM = "\ufeff"  # so spreadsheet programs read UTF-8 (Chinese names) correctly
Row = Sequence[object]


@dataclass
class Sheet:
    """One worksheet: a title (cut to Excel's 31 characters), its rows and column widths by letter."""

    title: str
    rows: Iterable[Row]
    widths: dict[str, float] = field(default_factory=dict)


def csv_chunks(rows: Iterable[Row]) -> Iterator[bytes]:
    """UTF-8 CSV with a BOM, in chunks of about 64 KB, for a streaming response."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BOM)
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
        if buffer.tell() > CHUNK:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def csv_bytes(rows: Iterable[Row]) -> bytes:
    return b"".join(csv_chunks(rows))


def _xlsx_cell(sheet: WriteOnlyWorksheet, value: object) -> object:
    if not is_risky(value):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # openpyxl made "=..." a formula: a text cell instead
    cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
    return cell


def write_xlsx(target: str | io.BytesIO, sheets: Iterable[Sheet]) -> None:
    """Write the sheets to a path or buffer, row by row (write-only workbook)."""
    workbook = Workbook(write_only=True)
    for spec in sheets:
        sheet = workbook.create_sheet(spec.title[:31])
        for column, width in spec.widths.items():
            sheet.column_dimensions[column].width = width
        for row in spec.rows:
            sheet.append([_xlsx_cell(sheet, v) for v in row])
    workbook.save(target)


def xlsx_bytes(*sheets: Sheet) -> bytes:
    out = io.BytesIO()
    write_xlsx(out, sheets)
    return out.getvalue()


def xlsx_temp_file(*sheets: Sheet) -> str:
    """The workbook in a temporary file (a zip cannot be streamed while written); the caller removes it."""
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        write_xlsx(path, sheets)
    except BaseException:
        os.unlink(path)
        raise
    return path


def file_chunks(path: str) -> Iterator[bytes]:
    """Stream a temporary file and remove it afterwards."""
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(CHUNK):
                yield chunk
    finally:
        os.unlink(path)
