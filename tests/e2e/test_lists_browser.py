"""Lists on a 390x844 phone: the member's and the volunteer's start pages, the offline list, the visit list."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from models import Household, Pairing, User
from tests.e2e.browser import sign_in, wait_until_ready_for_offline

pytestmark = pytest.mark.e2e
SCREENS = Path("/work/notes/screens/f15-lists")


def shot(page, name: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SCREENS / f"{name}.png"))  # the first screen: what a thumb sees without scrolling


def sign_in_as(page, login: str) -> None:
    """Sign in and wait to leave the sign-in page (any role; tests.e2e.browser.sign_in waits for a member's list)."""
    page.goto("/login")
    page.get_by_label("Phone number or username").fill(login)
    page.get_by_label("Password").fill("doorstep-demo")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: not url.split("?")[0].endswith("/login"), timeout=30_000)


def most_overdue_first(server, username: str) -> list[int]:
    with Session(server.engine) as s:
        member = s.exec(select(User).where(User.username == username)).one()
        rows = s.exec(select(Household).join(Pairing, col(Pairing.household_id) == Household.id)
                      .where(Pairing.member_id == member.id, col(Pairing.ended_at).is_(None))).all()
    never = sorted((h for h in rows if h.last_visit_at is None), key=lambda h: h.id)
    seen = sorted((h for h in rows if h.last_visit_at is not None), key=lambda h: (h.last_visit_at, h.id))
    return [h.id for h in [*never, *seen]]


def test_member_home_shows_households_in_the_first_screen(page, live_server) -> None:
    sign_in(page, "member1")
    search = page.get_by_placeholder("Search by name or address")
    search.wait_for()
    events = page.get_by_role("button", name="Find events")
    # The list starts at the top; the event buttons come after the households.
    assert search.bounding_box()["y"] < 200 < events.bounding_box()["y"]
    shot(page, "member-home")


def test_offline_page_lists_most_overdue_first_with_days(page, live_server) -> None:
    sign_in(page, "member1")
    wait_until_ready_for_offline(page)
    page.goto("/offline")
    page.locator("body[data-ready=true]").wait_for()
    page.locator("li.household").first.wait_for()
    order = [int(x) for x in page.locator("li.household").evaluate_all("els => els.map(e => e.dataset.household)")]
    assert order == most_overdue_first(live_server, "member1")
    ages = page.locator("li.household .age").all_inner_texts()
    assert all("since last visit" in a or a == "Never visited" for a in ages)
    shot(page, "offline-list")


def test_volunteer_home_lists_events_with_own_sign_ups(page, live_server) -> None:
    sign_in_as(page, "volunteer1")
    page.get_by_text("Today and coming up").wait_for()
    page.get_by_text("You are signed up").first.wait_for()
    shot(page, "volunteer-home")


def test_visit_list_first_page_on_a_phone(page, live_server) -> None:
    sign_in_as(page, "coord")
    page.goto("/visits")
    page.get_by_text("visits · page 1").wait_for()
    shot(page, "visit-list")
    older = page.get_by_role("link", name="Older")
    older.scroll_into_view_if_needed()
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / "visit-list-pager.png"))
    older.click()
    page.get_by_text("visits · page 2").wait_for()
    assert "after=" in page.url and "page=2" in page.url
