"""A member scans the household's door card: the visit is verified; another household's or a revoked card is
refused (in the form and on sync) and the attempt is audited."""

from __future__ import annotations

import re
import uuid

import pytest
from nicegui.testing import User as TestUser
from sqlmodel import Session, select

from models import AuditEntry, LocationSource, Visit
from models.common import utcnow
from tests.helpers import account, sign_in
from tests.helpers.api import token_for
from tests.helpers.door_cards import household_not_paired_with, printed_code, revoke
from tests.helpers.visits import paired_household


def camera_reads(user: TestUser, code: str) -> None:
    """What static/js/door-card.js answers when the camera has read ``code``."""
    user.javascript_rules[re.compile(r".*DoorCard\.scan.*", re.S)] = lambda _m: {"code": code}


def refusals(session: Session) -> list[AuditEntry]:
    session.rollback()
    return list(session.exec(select(AuditEntry).where(AuditEntry.action == "door_card.scan_refused")).all())


def latest_visit(session: Session, household_id: int) -> Visit | None:
    session.rollback()
    return session.exec(select(Visit).where(Visit.household_id == household_id)
                        .order_by(Visit.created_at.desc())).first()  # type: ignore[attr-defined]


async def open_visit_form(user: TestUser, household_id: int) -> None:
    await sign_in(user, "member1")
    await user.open(f"/households/{household_id}/visit")
    await user.should_see("Scan door card", retries=40)


async def test_door_card_scan_verifies_a_visit_logged_in_the_form(user: TestUser, demo: Session) -> None:
    household = paired_household(demo, account(demo, "member1"))
    code = printed_code(household)
    await open_visit_form(user, household.id)
    camera_reads(user, code)
    user.find(marker="scan-door-card").click()
    await user.should_see("Door card of this household", retries=40)
    user.find("Notes").type("Checked the heating.")
    user.find(marker="save-visit").click()
    await user.should_see("Visit saved.", retries=40)
    await user.should_see("Verified by door card", retries=40)  # on the household page, read off the event loop
    visit = latest_visit(demo, household.id)
    assert visit is not None and visit.verified and visit.location_source == LocationSource.door_card
    assert visit.notes == "Checked the heating."


@pytest.mark.parametrize("which", ["another household's card", "a revoked card"])
async def test_door_card_refused_in_the_form_when_foreign_or_revoked(user: TestUser, demo: Session,
                                                                     which: str) -> None:
    household = paired_household(demo, account(demo, "member1"))
    if which == "a revoked card":
        code, expected, reason = printed_code(household), "This door card has been revoked.", "revoked"
        revoke(household)
    else:
        printed_code(household)
        other = household_not_paired_with(demo, "member1")
        code, expected, reason = printed_code(other), "This door card belongs to another household.", "other_household"
    await open_visit_form(user, household.id)
    camera_reads(user, code)
    user.find(marker="scan-door-card").click()
    await user.should_see(expected, retries=40)
    user.find(marker="save-visit").click()  # the visit itself is kept, without the card's evidence
    await user.should_see("Save without a location?", retries=40)  # a refused card is no location
    user.find(marker="save-without-location").click()
    await user.should_see("Visit saved.", retries=40)
    visit = latest_visit(demo, household.id)
    assert visit is not None and visit.location_source != LocationSource.door_card and not visit.verified
    (entry,) = refusals(demo)
    assert entry.actor_id == account(demo, "member1").id and entry.record_id == str(household.id)
    assert reason in entry.outcome


async def test_door_card_on_sync_verifies_and_refuses_foreign_and_revoked_cards(api, demo: Session) -> None:
    household = paired_household(demo, account(demo, "member1"))
    other = household_not_paired_with(demo, "member1")
    own_code, foreign_code = printed_code(household), printed_code(other)
    headers = {"Authorization": f"Bearer {token_for('member1')}", "Accept-Language": "en"}

    def body(code: str) -> dict:
        return {"household_id": household.id, "visited_at": utcnow().isoformat(), "location_source": "none",
                "notes": "sent from the phone", "door_card_code": code}

    foreign_id = str(uuid.uuid4())
    foreign = await api.put(f"/api/v1/visits/{foreign_id}", json=body(foreign_code), headers=headers)
    assert foreign.status_code == 422
    assert foreign.json()["detail"].startswith("This door card belongs to another household.")
    zh = await api.put(f"/api/v1/visits/{foreign_id}", json=body(foreign_code), headers={**headers,
                                                                                         "Accept-Language": "zh-CN"})
    assert zh.json()["detail"].startswith("这张入户卡属于另一户")

    ok_id = str(uuid.uuid4())
    ok = await api.put(f"/api/v1/visits/{ok_id}", json=body(own_code), headers=headers)
    assert ok.status_code == 200, ok.text
    demo.rollback()
    visit = demo.get(Visit, ok_id)
    assert visit is not None and visit.verified and visit.location_source == LocationSource.door_card

    revoke(household)
    revoked = await api.put(f"/api/v1/visits/{uuid.uuid4()}", json=body(own_code), headers=headers)
    assert revoked.status_code == 422
    assert revoked.json()["detail"].startswith("This door card has been revoked.")
    forged = await api.put(f"/api/v1/visits/{uuid.uuid4()}", json={**body(own_code), "location_source": "door_card",
                                                                   "door_card_code": None}, headers=headers)
    assert forged.status_code == 422  # the method cannot be claimed without a scan
    demo.rollback()
    assert demo.get(Visit, foreign_id) is None
    assert sorted(e.outcome.split()[1] for e in refusals(demo)) == ["other_household", "other_household", "revoked"]


async def test_door_card_button_only_where_the_area_uses_cards(user: TestUser, demo: Session) -> None:
    household = paired_household(demo, account(demo, "member1"))
    await sign_in(user, "member1")
    await user.open(f"/households/{household.id}/visit")
    await user.should_see(marker="door-card-checked", retries=40)
    await user.should_not_see("Scan door card")
