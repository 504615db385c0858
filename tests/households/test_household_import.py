"""Importing households from CSV and XLSX: all rows checked first, then all created or none."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook
from sqlmodel import Session, func, select

from models import AuditEntry, Household, HouseholdNeed
from services.errors import Forbidden, InvalidInput
from services.households.importing import MAX_ROWS, commit_import, preview_import
from tests.helpers import account

JINJIANG, SHUIJINGFANG = 2, 3  # the demo communities


def household_count(session: Session) -> int:
    return session.exec(select(func.count(Household.id))).one()


def csv_bytes(lines: list[str], encoding: str = "utf-8") -> bytes:
    return ("\n".join(lines) + "\n").encode(encoding)


GOOD_CSV = [
    "head_name,address,phone,members_count,needs,area,lat,lng,notes",
    "Wang Fang,12 River Road,13912345678,2,Elderly living alone;Low income,,30.65,104.09,",
    'Li Ming,"3 Hill St, flat 2",,1,慢性病,水井坊社区,,,lives with daughter',
]


def test_good_csv_imports_every_row_with_needs(demo: Session) -> None:
    coord = account(demo, "coord")
    before = household_count(demo)
    preview = preview_import(demo, coord, "households.csv", csv_bytes(GOOD_CSV), JINJIANG)
    assert preview.ready, preview.errors
    assert commit_import(demo, coord, preview) == 2
    demo.commit()
    assert household_count(demo) == before + 2
    wang = demo.exec(select(Household).where(Household.head_name == "Wang Fang")).one()
    li = demo.exec(select(Household).where(Household.head_name == "Li Ming")).one()
    assert (wang.area_id, wang.lat, wang.geocode_status) == (JINJIANG, 30.65, "manual")
    assert (li.area_id, li.address, li.geocode_status, li.notes) == (SHUIJINGFANG, "3 Hill St, flat 2", "pending",
                                                                    "lives with daughter")
    needs = {(n.household_id, n.category_id) for n in demo.exec(select(HouseholdNeed)).all()}
    assert {(wang.id, 1), (wang.id, 3), (li.id, 4)} <= needs
    audit = demo.exec(select(AuditEntry).where(AuditEntry.action == "household.import")).one()
    assert audit.record_id == "2"


def test_a_bad_row_stops_the_whole_import_and_names_row_and_field(demo: Session) -> None:
    coord = account(demo, "coord")
    before = household_count(demo)
    lines = [*GOOD_CSV, "Zhao Lei,,,1,,,,,", "Sun Li,5 Bridge St,not-a-phone,two,Gardening,Nowhere,,,"]
    preview = preview_import(demo, coord, "households.csv", csv_bytes(lines), JINJIANG)
    assert not preview.ready
    found = {(e.row, e.field, e.message) for e in preview.errors}
    assert (4, "address", "Enter the address.") in found
    assert (5, "members_count", "Enter a whole number.") in found
    assert (5, "needs", "Unknown need “{name}”.") in found
    assert (5, "area", "Unknown area “{name}”, or it is outside your area.") in found
    assert (5, "phone", "Enter a valid phone number.") in found
    with pytest.raises(InvalidInput):
        commit_import(demo, coord, preview)
    assert household_count(demo) == before


def test_bad_phone_is_reported_with_its_row(demo: Session) -> None:
    coord = account(demo, "coord")
    lines = ["head_name,address,phone", "A,1 Road,13900000000", "B,2 Road,12ab"]
    preview = preview_import(demo, coord, "h.csv", csv_bytes(lines), JINJIANG)
    assert [(e.row, e.field, e.message) for e in preview.errors] == [(3, "phone", "Enter a valid phone number.")]


def test_duplicate_rows_in_the_file_are_errors(demo: Session) -> None:
    coord = account(demo, "coord")
    lines = ["head_name,address", "Wang Fang,12 River Road", "wang  fang,12 River Road "]
    preview = preview_import(demo, coord, "h.csv", csv_bytes(lines), JINJIANG)
    assert [(e.row, e.message, e.params) for e in preview.errors] == [(3, "This row repeats row {row}.", {"row": 2})]


def test_xlsx_imports_with_numbers_as_excel_stores_them(demo: Session) -> None:
    coord = account(demo, "coord")
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Head name", "Address", "Phone", "Members count", "Needs", "Lat", "Lng"])
    sheet.append(["Zhou Min", "8 Lotus Lane", 13911112222, 3, "Disability、Low income", 30.651, 104.088])
    sheet.append([None, None, None, None, None, None, None])  # trailing blank rows are common
    sheet.append(["Xu Hua", "9 Lotus Lane", None, None, None, None, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    before = household_count(demo)
    preview = preview_import(demo, coord, "list.XLSX", buffer.getvalue(), SHUIJINGFANG)
    assert preview.ready, preview.errors
    assert [row.row for row in preview.rows] == [2, 4]
    commit_import(demo, coord, preview)
    demo.commit()
    assert household_count(demo) == before + 2
    zhou = demo.exec(select(Household).where(Household.head_name == "Zhou Min")).one()
    assert (zhou.phone, zhou.members_count, zhou.area_id, zhou.lng) == ("13911112222", 3, SHUIJINGFANG, 104.088)
    links = demo.exec(select(HouseholdNeed.category_id).where(HouseholdNeed.household_id == zhou.id)).all()
    assert sorted(links) == [2, 3]


def test_chinese_headers_in_a_gb18030_csv(demo: Session) -> None:
    coord = account(demo, "coord")
    lines = ["户主姓名,地址,电话,人数,需求类别,所属区域,备注",
             "王测试,成都市锦江区望江路1号,028-8666-1234,1,独居老人；低收入,锦江社区,腿脚不便"]
    data = csv_bytes(lines, "gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    preview = preview_import(demo, coord, "户籍.csv", data, SHUIJINGFANG)
    assert preview.ready, preview.errors
    assert preview.headers["head_name"] == "户主姓名"
    commit_import(demo, coord, preview)
    household = demo.exec(select(Household).where(Household.head_name == "王测试")).one()
    assert (household.area_id, household.phone, household.notes) == (JINJIANG, "02886661234", "腿脚不便")


def test_utf8_bom_csv(demo: Session) -> None:
    coord = account(demo, "coord")
    data = csv_bytes(["户主姓名,地址", "李桂兰,九眼桥街3号"], "utf-8-sig")
    preview = preview_import(demo, coord, "h.csv", data, JINJIANG)
    assert preview.ready and preview.rows[0].form.head_name == "李桂兰"  # type: ignore[union-attr]


def test_coordinator_of_one_community_cannot_import_into_another(demo: Session) -> None:
    coord = account(demo, "coord")
    coord.area_id = JINJIANG  # now coordinates only 锦江社区
    demo.add(coord)
    demo.commit()
    with pytest.raises(Forbidden):
        preview_import(demo, coord, "h.csv", csv_bytes(["head_name,address", "A,1 Road"]), SHUIJINGFANG)
    lines = ["head_name,address,area", "A,1 Road,锦江社区", "B,2 Road,水井坊社区"]
    preview = preview_import(demo, coord, "h.csv", csv_bytes(lines), JINJIANG)
    assert [(e.row, e.field) for e in preview.errors] == [(3, "area")]


def test_xlsx_that_unpacks_to_too_much_is_refused(demo: Session) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", b" " * (101 * 1024 * 1024))
    assert len(buffer.getvalue()) < 1024 * 1024
    with pytest.raises(InvalidInput):
        preview_import(demo, account(demo, "coord"), "bomb.xlsx", buffer.getvalue(), JINJIANG)


def test_member_cannot_import(demo: Session) -> None:
    with pytest.raises(Forbidden):
        preview_import(demo, account(demo, "member1"), "h.csv", csv_bytes(["head_name,address", "A,1"]), JINJIANG)


@pytest.mark.parametrize(("filename", "data", "message"), [
    ("h.txt", b"head_name,address\nA,B\n", "Choose a .csv or .xlsx file."),
    ("h.csv", b"x" * (5 * 1024 * 1024 + 1), "The file is larger than {mb} MB. Split it into smaller files."),
    ("h.csv", b"", "The file is empty."),
    ("h.csv", b"name_of_head,where\nA,B\n", "The file has no column “{column}” (or “{column_zh}”)."),
    ("h.csv", b"head_name,address\n", "The file has no households below the header row."),
    ("h.xlsx", b"not a zip", "The file could not be read as an Excel workbook (.xlsx)."),
    ("h.csv", ("head_name,address\n" + "A,B\n" * (MAX_ROWS + 1)).encode(),
     "The file has more than {n} households. Split it into smaller files."),
])
def test_file_level_problems_have_clear_messages(demo: Session, filename: str, data: bytes, message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        preview_import(demo, account(demo, "coord"), filename, data, JINJIANG)
    assert caught.value.message == message
