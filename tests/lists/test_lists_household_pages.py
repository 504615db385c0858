"""The coordinators' household list comes in pages, most overdue first, with the position in the URL."""

from __future__ import annotations

from datetime import timedelta

from nicegui.testing import User as TestUser
from sqlmodel import Session, select

from models import Household
from models.common import utcnow
from services.households.records import list_households
from services.paging.households import count_households, household_page
from tests.helpers import account, sign_in


def add_households(session: Session, n: int) -> None:
    template = session.exec(select(Household)).first()
    now = utcnow().replace(microsecond=0)
    for i in range(n):
        last = None if i % 5 == 0 else now - timedelta(days=10 * (i % 7))  # never, and equal times
        session.add(Household(area_id=template.area_id, head_name=f"Paged {i}", address=f"Lane {i}",
                              last_visit_at=last))
    session.commit()


def test_pages_follow_the_most_overdue_order_and_cover_everyone_once(demo: Session) -> None:
    add_households(demo, 50)
    coord = account(demo, "coord")
    expected = [r.household.id for r in list_households(demo, coord, limit=10_000)]
    seen, after = [], None
    while True:
        page = household_page(demo, coord, after=after, size=9)
        seen += [r.household.id for r in page.rows]
        if page.next_after is None:
            break
        after = page.next_after
    assert seen == expected and len(seen) == count_households(demo, coord)


def test_overdue_only_is_counted_in_the_database_not_among_the_first_rows(demo: Session) -> None:
    add_households(demo, 30)
    coord = account(demo, "coord")
    overdue = [r for r in list_households(demo, coord, limit=10_000) if r.overdue]
    assert count_households(demo, coord, overdue_only=True) == len(overdue)
    assert all(r.overdue for r in household_page(demo, coord, overdue_only=True, size=500).rows)


async def test_household_list_page_is_paged_with_the_position_in_the_url(user: TestUser, demo: Session) -> None:
    add_households(demo, 50)
    await sign_in(user, "coord")
    await user.open("/admin/households")
    total = count_households(demo, account(demo, "coord"))
    await user.should_see(f"{total} households · page 1")
    link = next(iter(user.find(marker="page-next").elements)).props["href"]
    assert "after=" in link and "page=2" in link
    await user.open(link)
    await user.should_see(f"{total} households · page 2")
    await user.should_see(marker="page-first")
