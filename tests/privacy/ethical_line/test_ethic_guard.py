"""The ethical line: names that mark a household's religion, ethnicity, politics or a watch status are refused;
free text that does is saved with a warning, and the warning is audited."""

from __future__ import annotations

import pytest
from nicegui.testing import User as TestUser
from sqlmodel import Session, select

from core.db import session_scope
from models import AuditEntry, NeedCategory, Visit
from services.community.service_posts import save_post
from services.errors import InvalidInput
from services.requests.tracking import save_category
from tests.helpers import account, sign_in
from tests.helpers.visits import paired_household

REFUSAL = "Doorstep records service, not surveillance"


@pytest.mark.parametrize(("name_zh", "name_en"), [("宗教活动重点户", "Households of interest"),
                                                  ("重点帮扶", "risk watch")])
async def test_ethic_guard_refuses_need_categories_that_mark_households(user: TestUser, demo: Session,
                                                                       name_zh: str, name_en: str) -> None:
    before = len(demo.exec(select(NeedCategory)).all())
    await sign_in(user, "coord")
    await user.open("/admin/needs")
    user.find(marker="need-name-zh").type(name_zh)
    user.find(marker="need-name-en").type(name_en)
    user.find(marker="add-need").click()
    await user.should_see(REFUSAL, retries=40)
    demo.rollback()
    assert len(demo.exec(select(NeedCategory)).all()) == before
    assert user.find(marker="need-name-zh").elements.pop().value == name_zh  # nothing typed is lost


async def test_ethic_guard_still_accepts_ordinary_help(user: TestUser, demo: Session) -> None:
    await sign_in(user, "coord")
    await user.open("/admin/needs")
    user.find(marker="need-name-zh").type("重点帮扶：送餐")
    user.find(marker="need-name-en").type("Meals delivered")
    user.find(marker="add-need").click()
    await user.should_see("Added.", retries=40)


@pytest.mark.parametrize("name", ["宗教活动重点户", "risk watch"])
def test_ethic_guard_refuses_request_categories_and_service_posts(demo: Session, name: str) -> None:
    with session_scope() as session, pytest.raises(InvalidInput, match=REFUSAL):
        save_category(session, account(session, "coord"), name, name, 48)
    with session_scope() as session, pytest.raises(InvalidInput, match=REFUSAL):
        coord = account(session, "coord")
        save_post(session, coord, coord.area_id, name, "duties", 2)  # type: ignore[arg-type]


async def test_ethic_free_text_warns_without_blocking_and_is_audited(user: TestUser, demo: Session) -> None:
    household = paired_household(demo, account(demo, "member1"))
    await sign_in(user, "member1")
    await user.open(f"/households/{household.id}/visit")
    await user.should_see("Save visit", retries=40)
    user.find("Notes").type("他家是宗教活动重点户")
    await user.should_see(marker="ethics-warning-notes", retries=20)
    await user.should_see("this text mentions a household's religion")
    user.find(marker="save-visit").click()
    await user.should_see("Save without a location?", retries=40)
    user.find(marker="save-without-location").click()
    await user.should_see("Visit saved.", retries=40)
    demo.rollback()
    visit = demo.exec(select(Visit).where(Visit.notes == "他家是宗教活动重点户")).one()
    (entry,) = demo.exec(select(AuditEntry).where(AuditEntry.action == "ethics.free_text_warning")).all()
    assert entry.record_id == visit.id and entry.actor_id == account(demo, "member1").id
    assert entry.outcome == "warned: notes=religion,watch_status"
    assert "宗教" not in entry.outcome  # the audit says what kind of word, never the text


@pytest.mark.parametrize("name", ["Building safety watch", "重点帮扶：送餐", "Fall prevention", "楼道照明维修"])
def test_ethic_guard_leaves_names_of_services_alone(demo: Session, name: str) -> None:
    with session_scope() as session:
        coord = account(session, "coord")
        save_post(session, coord, coord.area_id, name, "duties", 2)  # type: ignore[arg-type]
        save_category(session, coord, name, name, 48)
