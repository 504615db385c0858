"""Importing households from a CSV or XLSX file: check every row first, then create all or none."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from core.i18n import N_
from models import User
from services import audit
from services.errors import Forbidden, InvalidInput, ServiceError
from services.households.records import HouseholdForm, create_household, need_categories, validate_household_form
from services.org.areas import areas_visible_to
from services.policy import may_manage_households

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
MAX_UNPACKED_BYTES = 20 * MAX_BYTES  # an .xlsx unpacked; real sheets of 5000 rows stay far below
FIELDS = ("head_name", "address", "phone", "members_count", "needs", "area", "lat", "lng", "notes")
REQUIRED = ("head_name", "address")
# Header names accepted for each field (compared lower-cased, spaces and dashes as underscores);
# the first two are the documented English and Chinese names.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "head_name": ("head_name", "户主姓名", "head", "name", "户主", "姓名"),
    "address": ("address", "地址", "住址", "家庭住址"),
    "phone": ("phone", "电话", "telephone", "联系电话", "手机"),
    "members_count": ("members_count", "人数", "members", "people", "家庭人数"),
    "needs": ("needs", "需求类别", "need", "需求"),
    "area": ("area", "所属区域", "community", "区域", "社区"),
    "lat": ("lat", "纬度", "latitude"),
    "lng": ("lng", "经度", "lon", "long", "longitude"),
    "notes": ("notes", "备注", "note"),
}
NEED_SEPARATORS = re.compile(r"[;；、]")


@dataclass
class RowError:
    row: int  # as the spreadsheet shows it: the header is row 1
    field: str  # one of FIELDS, or "" for the whole row
    message: str  # msgid
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class ImportRow:
    row: int
    values: dict[str, str]
    form: HouseholdForm | None
    errors: list[RowError] = field(default_factory=list)


@dataclass
class ImportPreview:
    filename: str
    default_area_id: int
    headers: dict[str, str]  # field -> the header text as written in the file
    rows: list[ImportRow]

    @property
    def errors(self) -> list[RowError]:
        return [error for row in self.rows for error in row.errors]

    @property
    def ready(self) -> bool:
        return bool(self.rows) and not self.errors


def _header_key(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", text.strip().lstrip("\ufeff").lower())


_ALIAS_TO_FIELD = {_header_key(alias): name for name, aliases in HEADER_ALIASES.items() for alias in aliases}


def _squeeze(text: str) -> str:
    return " ".join(text.split()).lower()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel keeps phone numbers and counts as floats
    return str(value).strip()


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        # Excel on Chinese Windows saves "CSV" in the ANSI code page: GBK, a subset of GB18030.
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise InvalidInput(N_("The file is not UTF-8 or GB18030 text. Save it as CSV UTF-8 and try again.")) from exc


def _csv_rows(data: bytes) -> Iterator[list[str]]:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    try:
        for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            yield [cell.strip() for cell in record]
    except csv.Error as exc:
        raise InvalidInput(N_("The CSV file could not be read: {detail}"), detail=str(exc)) from exc


def _xlsx_rows(data: bytes) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    try:
        # An .xlsx is a zip: a few MB can unpack to gigabytes (shared strings are read whole).
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise InvalidInput(N_("The file could not be read as an Excel workbook (.xlsx).")) from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise InvalidInput(N_("The file is larger than {mb} MB. Split it into smaller files."),
                           mb=MAX_BYTES // 2**20)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InvalidInput(N_("The file could not be read as an Excel workbook (.xlsx).")) from exc
    try:
        sheet = workbook.worksheets[0]
        width = 0
        for values in sheet.iter_rows(values_only=True):
            cells = [_cell_text(v) for v in values]
            if not width:  # the header fixes the width, so a stray far-right cell cannot blow up memory
                width = len(cells)
            yield cells[:width]
    finally:
        workbook.close()


def check_file_size(size: int) -> None:
    """Pages call this on the upload's size before reading it; the browser's own limit is advisory."""
    if size > MAX_BYTES:
        raise InvalidInput(N_("The file is larger than {mb} MB. Split it into smaller files."), mb=MAX_BYTES // 2**20)


def _read_table(filename: str, data: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """(header, [(spreadsheet row number, cells)]) with blank rows dropped."""
    check_file_size(len(data))
    name = filename.lower()
    if name.endswith(".csv"):
        records = _csv_rows(data)
    elif name.endswith(".xlsx"):
        records = _xlsx_rows(data)
    else:
        raise InvalidInput(N_("Choose a .csv or .xlsx file."))
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    for number, cells in enumerate(records, start=1):
        if not any(cells):
            continue
        if header is None:
            header = cells
            continue
        rows.append((number, cells))
        if len(rows) > MAX_ROWS:
            raise InvalidInput(N_("The file has more than {n} households. Split it into smaller files."), n=MAX_ROWS)
    if header is None:
        raise InvalidInput(N_("The file is empty."))
    return header, rows


def _columns(header: list[str]) -> tuple[dict[str, int], dict[str, str]]:
    positions: dict[str, int] = {}
    labels: dict[str, str] = {}
    for index, text in enumerate(header):
        name = _ALIAS_TO_FIELD.get(_header_key(text))
        if name and name not in positions:
            positions[name], labels[name] = index, text.strip().lstrip("\ufeff")
    for name in REQUIRED:
        if name not in positions:
            raise InvalidInput(N_("The file has no column “{column}” (or “{column_zh}”)."),
                               column=name, column_zh=HEADER_ALIASES[name][1])
    return positions, labels


class _Lookups:
    """Area and need names the actor may use, read once per file."""

    def __init__(self, session: Session, actor: User) -> None:
        self.areas: dict[str, list[int]] = {}
        for area in areas_visible_to(session, actor):
            self.areas.setdefault(area.name.strip().lower(), []).append(area.id)  # type: ignore[arg-type]
        self.area_ids = {i for ids in self.areas.values() for i in ids}
        self.needs: dict[str, int] = {}
        for category in need_categories(session):
            self.needs[category.name_en.strip().lower()] = category.id  # type: ignore[assignment]
            self.needs[category.name_zh.strip().lower()] = category.id  # type: ignore[assignment]


def _number(text: str, row: int, name: str, errors: list[RowError], whole: bool = False) -> float | None:
    if not text:
        return None
    try:
        value = float(text.replace("，", ".").replace(",", "."))
    except ValueError:
        value = float("nan")
    if value != value or (whole and not value.is_integer()):  # NaN: not a number at all
        message = N_("Enter a whole number.") if whole else N_("Enter a number.")
        errors.append(RowError(row, name, message))
        return None
    return value


def _parse_row(number: int, values: dict[str, str], default_area_id: int, lookups: _Lookups) -> ImportRow:
    errors: list[RowError] = []
    area_id = default_area_id
    if values.get("area"):
        matches = lookups.areas.get(values["area"].lower(), [])
        if len(matches) == 1:
            area_id = matches[0]
        elif matches:
            errors.append(RowError(number, "area", N_("More than one area is called “{name}”."),
                                   {"name": values["area"]}))
        else:
            errors.append(RowError(number, "area", N_("Unknown area “{name}”, or it is outside your area."),
                                   {"name": values["area"]}))
    need_ids: list[int] = []
    for name in (part.strip() for part in NEED_SEPARATORS.split(values.get("needs", ""))):
        if not name:
            continue
        if name.lower() in lookups.needs:
            need_ids.append(lookups.needs[name.lower()])
        else:
            errors.append(RowError(number, "needs", N_("Unknown need “{name}”."), {"name": name}))
    count = _number(values.get("members_count", ""), number, "members_count", errors, whole=True)
    lat = _number(values.get("lat", ""), number, "lat", errors)
    lng = _number(values.get("lng", ""), number, "lng", errors)
    form = HouseholdForm(
        area_id=area_id, head_name=values.get("head_name", ""), address=values.get("address", ""),
        phone=values.get("phone") or None, members_count=int(count) if count is not None else 1,
        notes=values.get("notes", ""), lat=lat, lng=lng, need_ids=sorted(set(need_ids)),
    )
    return ImportRow(number, values, form, errors)


def preview_import(session: Session, actor: User, filename: str, data: bytes, default_area_id: int) -> ImportPreview:
    """Read and check the whole file; nothing is written. File-level problems raise InvalidInput."""
    if not may_manage_households(actor):
        raise Forbidden(N_("You cannot manage households."))
    lookups = _Lookups(session, actor)
    if default_area_id not in lookups.area_ids:
        raise Forbidden(N_("You can only manage households in your own area."))
    header, records = _read_table(filename, data)
    positions, labels = _columns(header)
    rows: list[ImportRow] = []
    seen: dict[tuple[str, str], int] = {}
    for number, cells in records:
        values = {name: (cells[index] if index < len(cells) else "") for name, index in positions.items()}
        row = _parse_row(number, values, default_area_id, lookups)
        try:
            row.form = validate_household_form(session, actor, row.form)  # type: ignore[arg-type]
        except ServiceError as exc:
            name = getattr(exc, "field", "area")  # Forbidden has no field: it is about the area
            name = "area" if name == "area_id" else name
            if not any(error.field == name for error in row.errors):  # the parse error already says it
                row.errors.append(RowError(number, name, exc.message, dict(exc.params)))
        key = (_squeeze(values.get("head_name", "")), _squeeze(values.get("address", "")))
        if key in seen:
            row.errors.append(RowError(number, "", N_("This row repeats row {row}."), {"row": seen[key]}))
        else:
            seen[key] = number
        rows.append(row)
    if not rows:
        raise InvalidInput(N_("The file has no households below the header row."))
    return ImportPreview(filename, default_area_id, labels, rows)


def commit_import(session: Session, actor: User, preview: ImportPreview) -> int:
    """Create every household of a clean preview in one transaction; refuse if any row has an error."""
    if not preview.ready:
        raise InvalidInput(N_("Correct the errors in the file first; nothing was imported."))
    # A savepoint, so a failure half-way leaves nothing behind even if the caller goes on.
    with session.begin_nested():
        for row in preview.rows:
            create_household(session, actor, row.form)  # type: ignore[arg-type]  # re-checked under this actor
        audit.record(session, actor, "household.import", "household", str(len(preview.rows)))
    return len(preview.rows)

