"""The coordinator's callback list on a 390x844 phone: the phone number is a 44 px tel: link, the
outcome buttons are thumb-sized, and "No visit" closes the call. Screenshots go to
/work/notes/screens/c13-callbacks/ (DOORSTEP_SCREENS to change)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select

from models import Callback, Household, Pairing, User
from services.callbacks.draw import draw_week
from services.callbacks.weeks import week_before
from services.visits.records import record_visit
from tests.e2e.browser import sign_in
from tests.e2e.tap_targets import measure, too_small
from tests.helpers.visit_review import visit_input

pytestmark = pytest.mark.e2e

SHOTS = Path(os.environ.get("DOORSTEP_SCREENS", "/work/notes/screens/c13-callbacks"))


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SHOTS / f"callback-{name}.png"), full_page=True)


def _drawn_list(server) -> int:
    """Three counted visits by member1 in a quiet past week, all drawn: the id of that area's list."""
    from models.common import utcnow

    week = week_before(utcnow() - timedelta(weeks=30))
    with Session(server.engine, expire_on_commit=False) as s:
        member = s.exec(select(User).where(User.username == "member1")).one()
        homes = s.exec(select(Household).join(Pairing, Pairing.household_id == Household.id)
                       .where(Pairing.member_id == member.id).order_by(Household.id)).all()
        for i, home in enumerate(homes[:3]):
            when = week.start + timedelta(days=i, hours=3)
            record_visit(s, member, visit_input(home, "verified", when=when), now=when + timedelta(hours=1))
        s.commit()
        draws = draw_week(s, week, 1.0)
        s.commit()
        return draws[0].id  # type: ignore[return-value]


def test_callback_list_on_a_phone(page, live_server) -> None:
    draw_id = _drawn_list(live_server)
    sign_in(page, "coord", until=None)
    page.goto("/callbacks")
    page.locator(f"a[href='/callbacks/{draw_id}']").click()
    page.wait_for_url(f"**/callbacks/{draw_id}")
    tel = page.locator("a[href^='tel:']").first
    tel.wait_for()
    box = tel.bounding_box()
    assert box and box["height"] >= 44 and box["width"] >= 44
    shot(page, "1-list")
    measured = measure(page)
    assert not too_small(measured), too_small(measured)
    shot(page, "2-tap-targets")

    page.goto(f"/callbacks/{draw_id}")
    page.get_by_role("button", name="5").first.click()
    page.get_by_label("Comment (optional)").first.fill("Very kind, comes every month.")
    page.get_by_role("button", name="Visit confirmed").first.click()
    page.get_by_text("Satisfaction with the member: 5 / 5").wait_for()
    page.get_by_role("button", name="No visit").first.click()
    page.get_by_text("Resident says there was no visit").first.wait_for()
    shot(page, "3-outcomes")
    with Session(live_server.engine) as s:
        outcomes = sorted(c.outcome for c in s.exec(select(Callback).where(Callback.draw_id == draw_id)).all())
    assert outcomes == ["confirmed", "no_visit", "open"]

    page.locator("[data-testid=language-switch], .q-header button").filter(has_text="中文").click()
    page.get_by_text("居民表示没有走访").first.wait_for()
    shot(page, "4-chinese")
