"""A volunteer on a phone (390x844): signs up for an event, sees the confirmation and "My activities".

Runs the real app (`python app.py`) in a subprocess and drives Debian's Chromium with Playwright.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from core import db
from tests.e2e.live_app import PHONE, running_app
from tests.helpers import account
from tests.helpers.events import make_event

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "screenshots"


@pytest.fixture
def server(data_dir: Path) -> Iterator[str]:
    """The app with the demo organisation, on a free port, using this test's data folder."""
    with running_app(data_dir) as base:
        yield base


@pytest.fixture
def phone(browser) -> Iterator[object]:
    """A 390x844 touch-screen page; console errors are collected on ``page.errors``."""
    context = browser.new_context(**PHONE, locale="en-GB")
    page = context.new_page()
    page.errors = []
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    try:
        yield page
    finally:
        context.close()


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.wait_for_timeout(300)  # let Quasar finish its transitions
    page.screenshot(path=str(SCREENSHOTS / f"events-{name}.png"), full_page=True)


def test_volunteer_signs_up_on_a_phone(server: str, phone) -> None:
    page = phone
    with db.session_scope(read_only=True) as session:  # the server has seeded the demo organisation
        coord = account(session, "coord")
    with db.session_scope() as session:
        event_id = make_event(session, coord, capacity=6, title="Riverbank clean-up",
                              description="Gloves and bags provided. Meet at the east gate.",
                              roles=[("Registration desk", 2), ("Litter picking", 4)])
    page.goto(f"{server}/login")
    page.get_by_label("Phone number or username").fill("volunteer1")
    page.get_by_label("Password").fill("doorstep-demo")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Welcome").wait_for(timeout=15000)
    shot(page, "1-home")

    page.goto(f"{server}/events")
    page.get_by_text("Riverbank clean-up").wait_for()
    shot(page, "2-list")
    page.get_by_text("Riverbank clean-up").click()
    page.wait_for_url(f"**/events/{event_id}")
    page.get_by_text("Litter picking · 4 left").wait_for()
    shot(page, "3-event")
    page.get_by_text("Litter picking · 4 left").click()
    page.get_by_role("button", name="Sign up").click()
    page.get_by_text("See you there!").wait_for()
    assert page.get_by_text("You are signed up").first.is_visible()
    shot(page, "4-confirmed")

    page.goto(f"{server}/me/activities")
    page.get_by_text("Riverbank clean-up").wait_for()
    # The demo's volunteer1 has other sign-ups too: look at this event's card.
    card = page.locator(".q-card").filter(has_text="Riverbank clean-up")
    assert card.get_by_text("You are signed up").is_visible()
    shot(page, "5-my-activities")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "page scrolls sideways on a phone"

    # The coordinator's roster on the same phone, with the check-in QR code.
    page.goto(f"{server}/logout")
    page.get_by_label("Phone number or username").fill("coord")
    page.get_by_label("Password").fill("doorstep-demo")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Overview").first.wait_for(timeout=15000)
    page.goto(f"{server}/admin/events/{event_id}/roster")
    page.get_by_text("志愿者1").wait_for()
    shot(page, "6-roster")
    page.get_by_role("button", name="Show check-in QR code").click()
    page.get_by_text("Scan to check in").wait_for()
    shot(page, "7-qr")
    assert not page.errors, page.errors
