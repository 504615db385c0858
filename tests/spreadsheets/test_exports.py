"""Exports: open in openpyxl, match the filtered counts, stay inside the viewer's area, leave an audit entry."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from nicegui.testing import User as TestUser
from openpyxl import load_workbook
from sqlmodel import Session, select

from models import AuditEntry, Household, Visit
from services.households.coverage import coverage_summary
from services.map.data import MapFilters
from tests.helpers import account, sign_in
from tests.helpers.communities import COMMUNITY_A, COMMUNITY_B, coordinator_of


def xlsx_rows(content: bytes) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    return list(workbook.worksheets[0].iter_rows(values_only=True))


def csv_rows(content: bytes) -> list[list[str]]:
    text = content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def ids_in_area(session: Session, area_id: int) -> set[int]:
    return set(session.exec(select(Household.id).where(Household.area_id == area_id)).all())


async def test_exports_of_a_coordinator_of_a_hold_only_a(user: TestUser, demo: Session) -> None:
    coord_a = coordinator_of(demo, COMMUNITY_A)
    a_ids, b_ids = ids_in_area(demo, COMMUNITY_A), ids_in_area(demo, COMMUNITY_B)
    expected = coverage_summary(demo, coord_a, MapFilters())
    await sign_in(user, "coord_a")
    for query in ("", f"?area={COMMUNITY_B}"):
        response = await user.http_client.get(f"/exports/visits.xlsx{query}")
        assert response.status_code == 200
        assert "attachment" in response.headers["content-disposition"]
        rows = xlsx_rows(response.content)
        assert rows[0][:3] == ("Visit id", "Visited at", "Household id")
        households = {r[2] for r in rows[1:]}
        assert households <= a_ids and not households & b_ids
        if not query:
            assert len(rows) - 1 == expected.visits and isinstance(rows[1][1], datetime)
        else:
            assert len(rows) == 1
        rows = csv_rows((await user.http_client.get(f"/exports/households.csv{query}")).content)
        assert {int(r[0]) for r in rows[1:]} == (a_ids if not query else set())
        geo = json.loads((await user.http_client.get(f"/exports/visits.geojson{query}")).content)
        assert {f["properties"]["household_id"] for f in geo["features"]} <= a_ids
        if not query:
            assert len(geo["features"]) == expected.visits
    coverage = xlsx_rows((await user.http_client.get("/exports/coverage.xlsx")).content)
    assert [r[0] for r in coverage[1:]] == ["锦江社区", "Total"]
    assert coverage[-1][1:3] == (expected.households, expected.visited)


async def test_filtered_exports_match_the_filtered_counts(user: TestUser, demo: Session) -> None:
    coord = account(demo, "coord")
    for visit in demo.exec(select(Visit).order_by(Visit.id).limit(5)).all():
        visit.verified = False
        demo.add(visit)
    demo.commit()
    tz = ZoneInfo("Asia/Shanghai")
    start = date.today() - timedelta(days=45)
    filters = MapFilters(date_from=datetime.combine(start, time(0), tzinfo=tz), verified_only=True, need_id=2)
    expected = coverage_summary(demo, coord, filters)
    member = account(demo, "member3")
    by_member = coverage_summary(demo, coord, MapFilters(member_id=member.id))
    await sign_in(user, "coord")
    query = f"from={start.isoformat()}&verified=1&need=2"
    visits = xlsx_rows((await user.http_client.get(f"/exports/visits.xlsx?{query}")).content)
    assert len(visits) - 1 == expected.visits > 0
    assert all(r[10] is True for r in visits[1:])
    assert len(csv_rows((await user.http_client.get(f"/exports/visits.csv?{query}")).content)) - 1 == expected.visits
    households = xlsx_rows((await user.http_client.get(f"/exports/households.xlsx?{query}")).content)
    assert len(households) - 1 == expected.households
    coverage = csv_rows((await user.http_client.get(f"/exports/coverage.csv?{query}")).content)
    assert coverage[-1][:3] == ["Total", str(expected.households), str(expected.visited)]
    mine = xlsx_rows((await user.http_client.get(f"/exports/visits.xlsx?member={member.id}")).content)
    assert len(mine) - 1 == by_member.visits and {r[6] for r in mine[1:]} == {member.name}
    demo.rollback()
    entries = demo.exec(select(AuditEntry).where(AuditEntry.action == "export")).all()
    assert [e.record_type for e in entries] == ["visits.xlsx", "visits.csv", "households.xlsx", "coverage.csv",
                                                "visits.xlsx"]
    assert all(e.actor_id == coord.id and e.outcome == "ok" for e in entries)


async def test_members_and_volunteers_cannot_export(user: TestUser, demo: Session) -> None:
    for login in ("member1", "volunteer1"):
        await sign_in(user, login)
        for path in ("/exports/visits.csv", "/exports/households.xlsx", "/exports/visits.geojson"):
            assert (await user.http_client.get(path)).status_code == 403
    demo.rollback()
    assert {e.outcome for e in demo.exec(select(AuditEntry).where(AuditEntry.action == "export")).all()} == {"denied"}
    await user.http_client.get("/logout")
    response = await user.http_client.get("/exports/visits.csv")
    assert response.status_code in (302, 307) and "/login" in response.headers["location"]


async def test_unknown_exports_and_bad_filters(user: TestUser, demo: Session) -> None:
    await sign_in(user, "coord")
    assert (await user.http_client.get("/exports/households.geojson")).status_code == 404
    assert (await user.http_client.get("/exports/secrets.csv")).status_code == 404
    assert (await user.http_client.get("/exports/visits.csv?from=yesterday")).status_code == 400
    assert (await user.http_client.get("/exports/visits.csv?area=x")).status_code == 400
