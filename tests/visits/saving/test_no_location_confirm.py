"""A visit with no location at all is saved only after the member answers "Save without a location?"."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from nicegui.testing import User as TestUser
from sqlmodel import Session

from models import LocationSource
from tests.helpers import sign_in
from tests.helpers.visit_saving import form_visit_id, member_and_household, stored


async def test_no_location_asks_once_and_saves_only_when_confirmed(user: TestUser, demo: Session) -> None:
    _member, household = member_and_household(demo)
    await sign_in(user, "member1")
    await user.open(f"/households/{household.id}/visit")
    visit_id = form_visit_id(user)
    user.find("Notes").type("Met on the stairs")
    user.find(marker="save-visit").click()
    await user.should_see("Save without a location?", retries=40)
    user.find(marker="add-location").click()
    await user.should_not_see("Save without a location?")
    assert stored(visit_id) is None
    await user.should_see("Met on the stairs")  # nothing typed is lost

    user.find(marker="save-visit").click()
    await user.should_see("Save without a location?", retries=40)
    user.find(marker="save-without-location").click()
    await user.should_see("Visit saved at", retries=40)
    visit = stored(visit_id)
    assert visit is not None and visit.location_source == LocationSource.none and visit.notes == "Met on the stairs"


async def test_confirmed_once_is_not_asked_again_after_a_refused_save(user: TestUser, demo: Session) -> None:
    _member, household = member_and_household(demo)
    await sign_in(user, "member1")
    await user.open(f"/households/{household.id}/visit")
    visit_id = form_visit_id(user)
    user.find("Date").clear()
    user.find("Date").type("2099-01-01")  # the server refuses this: the member corrects it and saves again
    user.find(marker="save-visit").click()
    await user.should_see("Save without a location?", retries=40)
    user.find(marker="save-without-location").click()
    await user.should_see("The visit time is in the future.", retries=40)
    assert stored(visit_id) is None
    user.find("Date").clear()
    user.find("Date").type(datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d"))
    user.find(marker="save-visit").click()
    await user.should_see("Visit saved at", retries=40)
    assert stored(visit_id) is not None


async def test_a_visit_with_a_location_is_not_asked_about_it(user: TestUser, demo: Session) -> None:
    _member, household = member_and_household(demo)
    await sign_in(user, "member1")
    await user.open(f"/households/{household.id}/visit")
    visit_id = form_visit_id(user)
    user.find(marker="use-address").click()
    user.find(marker="save-visit").click()
    await user.should_see("Visit saved at", retries=40)
    await user.should_not_see("Save without a location?")
    assert stored(visit_id) is not None


async def test_no_location_question_in_chinese(user: TestUser, demo: Session) -> None:
    _member, household = member_and_household(demo)
    await sign_in(user, "member1")
    await user.open(f"/households/{household.id}/visit")
    user.find(marker="language-switch").click()
    await user.should_see("保存走访", retries=40)
    user.find(marker="save-visit").click()
    await user.should_see("不记录位置就保存吗？", retries=40)
    await user.should_see("不记录位置，直接保存", retries=40)
