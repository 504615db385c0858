"""The area tree: who may add areas where, and what the page shows."""

from __future__ import annotations

import pytest
from nicegui.testing import User as TestUser
from sqlmodel import Session, select

from models import Area
from services.errors import Forbidden, InvalidInput
from services.org.areas import add_area, area_counts, create_area
from tests.helpers import account, choose, element, sign_in

JINJIANG = "望江路街道 / 锦江社区"


def other_office(session: Session) -> Area:
    other = create_area(session, "磨子桥街道", "street_office")
    session.commit()
    return other


def find_area(session: Session, name: str) -> Area | None:
    session.expire_all()
    found = session.exec(select(Area).where(Area.name == name)).first()
    session.commit()
    return found


async def test_coordinator_sees_their_tree_with_counts(user: TestUser, demo: Session) -> None:
    other_office(demo)
    await sign_in(user, "coord")
    await user.open("/admin/areas")
    with user.scope(marker="area-2"):
        await user.should_see("锦江社区")
        await user.should_see("Community")
        await user.should_see("4 accounts · 20 households")  # members 1, 3, 5 and volunteer1
    await user.should_see(marker="area-1")
    await user.should_not_see("磨子桥街道")


async def test_coordinator_adds_a_grid_inside_their_area(user: TestUser, demo: Session) -> None:
    await sign_in(user, "coord")
    await user.open("/admin/areas")
    parents = element(user, "area-parent").options
    assert "(top level)" not in parents.values()
    choose(user, "area-parent", JINJIANG)
    user.find(marker="area-name").type("锦江社区第一网格")
    choose(user, "area-kind", "Grid")
    user.find(marker="add-area").click()
    await user.should_see("Area 锦江社区第一网格 added.")
    grid = find_area(demo, "锦江社区第一网格")
    assert grid is not None and grid.parent_id == 2 and grid.kind == "grid" and grid.path == f"/1/2/{grid.id}/"
    await user.should_see(marker=f"area-{grid.id}")


async def test_empty_name_is_refused_on_the_page(user: TestUser, demo: Session) -> None:
    await sign_in(user, "coord")
    await user.open("/admin/areas")
    user.find(marker="add-area").click()
    await user.should_see("Enter a name.")


def test_coordinator_cannot_add_areas_outside_their_own(demo: Session) -> None:
    other = other_office(demo)
    coordinator = account(demo, "coord")
    with pytest.raises(Forbidden):
        add_area(demo, coordinator, "越界网格", "grid", other.id)
    with pytest.raises(Forbidden):
        add_area(demo, coordinator, "新街道", "street_office", None)
    with pytest.raises(Forbidden):
        add_area(demo, account(demo, "member1"), "网格", "grid", 2)
    with pytest.raises(InvalidInput):
        add_area(demo, coordinator, "网格", "castle", 2)
    assert add_area(demo, coordinator, "第二网格", "grid", 3).parent_id == 3


async def test_admin_adds_a_top_level_area(user: TestUser, demo: Session) -> None:
    await sign_in(user, "admin")
    await user.open("/admin/areas")
    choose(user, "area-parent", "(top level)")
    user.find(marker="area-name").type("磨子桥街道")
    choose(user, "area-kind", "Street office")
    user.find(marker="add-area").click()
    await user.should_see("Area 磨子桥街道 added.")
    office = find_area(demo, "磨子桥街道")
    assert office is not None and office.parent_id is None


def test_counts_follow_what_the_actor_may_see(demo: Session) -> None:
    other_office(demo)
    counts = area_counts(demo, account(demo, "coord"))
    assert set(counts) == {1, 2, 3}
    assert (counts[3].users, counts[3].households) == (4, 20)


async def test_member_cannot_open_the_area_page(user: TestUser, demo: Session) -> None:
    await sign_in(user, "member1")
    await user.open("/admin/areas")
    await user.should_see(marker="household-search", retries=30)
    await user.should_not_see(marker="add-area")
