"""The coordinators' visit list comes in pages (keyset, not OFFSET) with the filters and position in the URL."""

from __future__ import annotations

import uuid
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from nicegui.testing import User as TestUser
from sqlmodel import Session, col, func, select

from models import Household, Visit
from models.common import utcnow
from services.paging.visits import count_visits, visit_page
from services.visits.records import VisitFilters, list_visits
from tests.helpers import account, sign_in


def add_visits(session: Session, household: Household, member_id: int, n: int, same_time: bool = False) -> None:
    now = utcnow().replace(microsecond=0)
    for i in range(n):
        when = now - timedelta(days=400) if same_time else now - timedelta(days=200, minutes=i)
        session.add(Visit(id=str(uuid.uuid4()), household_id=household.id, member_id=member_id, visited_at=when,
                          notes=f"bulk visit {i}", verified=i % 2 == 0))
    session.commit()


def all_pages(session: Session, actor, filters: VisitFilters, size: int) -> list[list[str]]:
    pages, after = [], None
    while True:
        page = visit_page(session, actor, filters, after=after, size=size)
        pages.append([v.id for v, _h, _u in page.rows])
        if page.next_after is None:
            return pages
        after = page.next_after


@pytest.mark.parametrize("same_time", [False, True])
def test_pages_cover_every_visit_once_in_order_even_with_equal_times(demo: Session, same_time: bool) -> None:
    coord = account(demo, "coord")
    household = demo.exec(select(Household)).first()
    add_visits(demo, household, account(demo, "member1").id, 45, same_time=same_time)
    pages = all_pages(demo, coord, VisitFilters(), size=7)
    flat = [vid for page in pages for vid in page]
    expected = [v.id for v, _h, _u in demo.exec(
        select(Visit, Household, Visit.member_id).join(Household, Household.id == Visit.household_id)
        .order_by(col(Visit.visited_at).desc(), col(Visit.id).desc())).all()]
    assert flat == expected and len(flat) == count_visits(demo, coord, VisitFilters())
    assert all(len(p) == 7 for p in pages[:-1])


def test_newer_goes_back_to_the_previous_page(demo: Session) -> None:
    coord = account(demo, "coord")
    household = demo.exec(select(Household)).first()
    add_visits(demo, household, account(demo, "member1").id, 30, same_time=True)
    first = visit_page(demo, coord, size=10)
    second = visit_page(demo, coord, after=first.next_after, size=10)
    back = visit_page(demo, coord, before=second.previous_before, size=10)
    assert [v.id for v, _h, _u in back.rows] == [v.id for v, _h, _u in first.rows]
    assert back.previous_before is None and first.previous_before is None


def test_a_coordinator_pages_only_through_their_area_and_a_bad_cursor_is_the_first_page(demo: Session) -> None:
    coord = account(demo, "coord")
    first = visit_page(demo, coord, size=5)
    assert [r[0].id for r in visit_page(demo, coord, after="not-a-cursor", size=5).rows] == \
        [r[0].id for r in first.rows]
    member = account(demo, "member1")
    mine = visit_page(demo, member, VisitFilters(), size=500).rows
    assert {h.id for _v, h, _u in mine} <= {h.id for _v, h, _u in list_visits(demo, member, limit=500)}


async def test_visit_list_is_paged_with_filters_and_position_in_the_url(user: TestUser, demo: Session) -> None:
    household = demo.exec(select(Household)).first()
    add_visits(demo, household, account(demo, "member1").id, 60)
    total = demo.exec(select(func.count(Visit.id))).one()
    await sign_in(user, "coord")
    await user.open("/visits")
    await user.should_see(f"{total} visits · page 1")
    shown = sum(1 for m in _markers(user) if m.startswith("visit-") and m != "visit-count")
    assert shown == 20  # not every visit on one page
    older = next(iter(user.find(marker="page-older").elements)).props["href"]
    assert "after=" in older and "page=2" in older
    await user.open(older)
    await user.should_see(f"{total} visits · page 2")
    await user.open(f"/visits?{urlencode({'q': household.address, 'verified': '1'})}")
    verified_here = demo.exec(select(func.count(Visit.id)).where(Visit.household_id == household.id,
                                                                col(Visit.verified).is_(True))).one()
    await user.should_see(f"{verified_here} visits · page 1")
    search = next(iter(user.find(marker="filter-household").elements))
    assert search.value == household.address  # the filters come back from the URL


def _markers(user: TestUser) -> list[str]:
    with user:
        return [m for e in user.client.elements.values() for m in e._markers]
