"""Coverage: visited share, overdue by area and member, visits per member per month; the pages."""

from __future__ import annotations

from datetime import timedelta

from nicegui import ui
from nicegui.testing import User as TestUser
from sqlmodel import Session, col, func, select

from models import Household, Pairing, Visit
from models.common import utcnow
from services.households.coverage import (
    coverage_by_area,
    coverage_summary,
    overdue_by_member,
    overdue_households,
    visits_per_member_month,
)
from services.map.data import MapFilters, household_status
from tests.helpers import account, sign_in
from tests.helpers.communities import COMMUNITY_A, COMMUNITY_B, coordinator_of


def python_counts(session: Session, area_id: int | None, since, now) -> tuple[int, int, int, int]:
    """(households, visited since, overdue, visits since) counted the slow way."""
    households = session.exec(select(Household).where(True if area_id is None else Household.area_id == area_id)).all()
    ids = {h.id for h in households}
    visits = [v for v in session.exec(select(Visit)).all() if v.household_id in ids and v.visited_at >= since]
    overdue = sum(household_status(h.last_visit_at, now, 30) == "overdue" for h in households)
    return len(households), len({v.household_id for v in visits}), overdue, len(visits)


def test_summary_matches_a_count_by_hand(demo: Session) -> None:
    now = utcnow()
    since = now - timedelta(days=30)
    filters = MapFilters(date_from=since, now=now, interval_days=30)
    s = coverage_summary(demo, account(demo, "coord"), filters)
    assert (s.households, s.visited, s.overdue, s.visits) == python_counts(demo, None, since, now)
    assert 0 < s.visited < s.households and 0 < s.overdue < s.households
    assert s.verified_share == s.verified / s.visits
    assert s.photos == 0 and s.photos_per_visit == 0


def test_coordinator_of_a_counts_only_a(demo: Session) -> None:
    coord_a = coordinator_of(demo, COMMUNITY_A)
    now = utcnow()
    since = now - timedelta(days=60)
    filters = MapFilters(date_from=since, now=now, interval_days=30)
    s = coverage_summary(demo, coord_a, filters)
    assert (s.households, s.visited, s.overdue, s.visits) == python_counts(demo, COMMUNITY_A, since, now)
    assert [r.area_id for r in coverage_by_area(demo, coord_a, filters)] == [COMMUNITY_A]
    assert coverage_summary(demo, coord_a, MapFilters(area_id=COMMUNITY_B)).households == 0
    b_households = set(demo.exec(select(Household.id).where(Household.area_id == COMMUNITY_B)).all())
    assert not {r.household_id for r in overdue_households(demo, coord_a, filters)} & b_households
    b_members = {account(demo, f"member{i}").id for i in (2, 4, 6)}
    assert not {r.member_id for r in overdue_by_member(demo, coord_a, filters)} & b_members
    monthly = visits_per_member_month(demo, coord_a, filters)
    assert {m[0] for m in monthly.members} <= {account(demo, f"member{i}").id for i in (1, 3, 5)}


def test_overdue_lists_by_area_and_member(demo: Session) -> None:
    coord = account(demo, "coord")
    filters = MapFilters(interval_days=30)
    total = coverage_summary(demo, coord, filters).overdue
    areas = coverage_by_area(demo, coord, filters)
    assert sum(r.overdue for r in areas) == total and {r.area_id for r in areas} == {COMMUNITY_A, COMMUNITY_B}
    by_member = overdue_by_member(demo, coord, filters)
    assert sum(r.overdue for r in by_member) == total  # every demo household has exactly one member
    listed = overdue_households(demo, coord, filters, limit=500)
    assert len(listed) == total and all(r.members for r in listed)
    never = [r for r in listed if r.last_visit_at is None]
    assert listed[: len(never)] == never  # never visited first


def test_visits_per_member_month_adds_up(demo: Session) -> None:
    coord = account(demo, "coord")
    monthly = visits_per_member_month(demo, coord, MapFilters(), months=6)
    assert len(monthly.months) == 6 and monthly.months == sorted(monthly.months)
    total = sum(sum(counts) for _id, _name, counts in monthly.members)
    # demo visits are all within the last 90 days, so within six calendar months
    assert total == demo.exec(select(func.count(Visit.id))).one()
    totals = [sum(m[2]) for m in monthly.members]
    assert totals == sorted(totals, reverse=True)


def test_a_members_coverage_is_their_own(demo: Session) -> None:
    member = account(demo, "member1")
    paired = set(demo.exec(select(Pairing.household_id).where(Pairing.member_id == member.id)).all())
    mine = demo.exec(select(func.count(Visit.id)).where(Visit.member_id == member.id)).one()
    # Asking for another member's numbers still gives one's own.
    s = coverage_summary(demo, member, MapFilters(member_id=account(demo, "member2").id))
    assert s.households == len(paired) and s.visits == mine
    monthly = visits_per_member_month(demo, member, MapFilters())
    assert [m[0] for m in monthly.members] == [member.id]
    assert not any(r.household_id not in paired for r in overdue_households(demo, member, MapFilters()))


def test_verified_only_and_need_filters(demo: Session) -> None:
    coord = account(demo, "coord")
    for visit in demo.exec(select(Visit).order_by(Visit.id).limit(7)).all():
        visit.verified = False
        demo.add(visit)
    demo.commit()
    everything = coverage_summary(demo, coord, MapFilters())
    verified = coverage_summary(demo, coord, MapFilters(verified_only=True))
    assert verified.visits == everything.visits - 7 == everything.verified
    need = coverage_summary(demo, coord, MapFilters(need_id=1))
    assert 0 < need.households < everything.households


async def test_dashboard_shows_numbers_chart_and_overdue(user: TestUser, demo: Session) -> None:
    coord = account(demo, "coord")
    s = coverage_summary(demo, coord, MapFilters(date_from=utcnow() - timedelta(days=30)))
    first_overdue = overdue_households(demo, coord, MapFilters(), limit=1)[0]
    await sign_in(user, "coord")
    await user.open("/coverage")
    await user.should_see("Households visited in the period", retries=40)
    await user.should_see(f"/ {s.households}")
    await user.should_see("Visits per member per month")
    await user.should_see(first_overdue.head_name)
    chart = user.find(marker="chart-visits-per-member").elements.pop()
    assert isinstance(chart, ui.echart)
    assert len(chart.options["xAxis"]["data"]) == 6 and chart.options["series"]
    await user.should_see(marker="export-coverage.xlsx")


async def test_member_sees_own_coverage_and_not_the_dashboard(user: TestUser, demo: Session) -> None:
    member = account(demo, "member1")
    paired = demo.exec(select(func.count(Pairing.id)).where(Pairing.member_id == member.id,
                                                            col(Pairing.ended_at).is_(None))).one()
    await sign_in(user, "member1")
    await user.open("/me/coverage")
    await user.should_see("My visits per month", retries=40)
    await user.should_see(f"/ {paired}")
    await user.should_not_see(marker="export-coverage.xlsx")
    await user.open("/coverage")
    await user.should_see("My households")  # sent home
