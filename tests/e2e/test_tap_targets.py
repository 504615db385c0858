"""Thumb-sized controls: at 390x844 every interactive element on the member, volunteer and
resident pages (and the coordinator's map and visit list) measures at least 44x44 CSS px."""

from __future__ import annotations

import pytest
from sqlmodel import Session, col, select

from models import Pairing, User
from pages.theme import TAP_TARGET_PX
from tests.e2e.browser import screenshot, sign_in
from tests.e2e.tap_targets import measure, too_small
from tests.helpers import account
from tests.helpers.events import make_event
from tests.helpers.photos import photo_bytes

pytestmark = pytest.mark.e2e


def _household_of(server, username: str) -> int:
    with Session(server.engine) as s:
        member = s.exec(select(User).where(User.username == username)).one()
        return s.exec(select(Pairing.household_id).where(Pairing.member_id == member.id,
                                                         col(Pairing.ended_at).is_(None))).first()


def _event(server) -> int:
    with Session(server.engine) as s:
        return make_event(s, account(s, "coord"), title="Riverbank clean-up", roles=[("Litter picking", 4)])


def _offenders_on(page, paths: list[str], name: str, ready: str = "body") -> dict[str, list[str]]:
    found = {}
    for i, path in enumerate(paths):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        page.locator(ready).first.wait_for()
        if path == "/offline":
            page.locator("body[data-ready=true]").wait_for()
        measured = measure(page)
        assert measured, f"nothing measured on {path}"
        screenshot(page, f"f15-tap-target-{name}-{i}")
        if too_small(measured):
            found[path] = too_small(measured)
    return found


def _with_photo_offenders(page, household: int) -> dict[str, list[str]]:
    """The photo remove buttons, which only exist once a photo is picked: visit form and offline page."""
    photo = {"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": photo_bytes(1, (1200, 900))}
    found = {}
    page.goto(f"/households/{household}/visit")
    page.locator(".q-checkbox").first.click()  # consent: the camera and gallery buttons show
    page.locator("label.q-btn").first.wait_for()
    page.locator("input[type=file]").first.set_input_files([photo])
    page.locator("button").filter(has_text="close").first.wait_for()
    measured = measure(page)
    screenshot(page, "f15-tap-target-member-visit-photo")
    if too_small(measured):
        found["visit form with a photo"] = too_small(measured)
    page.goto("/offline")
    page.locator("body[data-ready=true]").wait_for()
    page.get_by_test_id(f"log-{household}").click()
    page.locator("#photo-input").set_input_files([photo])
    page.wait_for_function("document.querySelectorAll('#thumbs button').length === 1")
    measured = measure(page)
    screenshot(page, "f15-tap-target-member-offline-photo")
    if too_small(measured):
        found["offline page with a photo"] = too_small(measured)
    return found


def _report(found: dict[str, list[str]]) -> str:
    return f"smaller than {TAP_TARGET_PX}x{TAP_TARGET_PX} CSS px:\n" + "\n".join(
        f"{path}: {item}" for path, items in found.items() for item in items)


def test_tap_targets_on_member_pages(page, live_server) -> None:
    household = _household_of(live_server, "member5")
    event = _event(live_server)
    sign_in(page, "member5")
    paths = ["/", f"/households/{household}", f"/households/{household}/visit", "/offline", "/events",
             f"/events/{event}", "/me/activities", "/requests", "/me/commitments", "/posts", "/field-days",
             "/me/record", "/me/coverage", "/profile"]
    found = _offenders_on(page, paths, "member")
    page.goto("/")
    page.locator(".q-header .q-btn").first.click()  # the menu
    page.locator(".q-drawer a").first.wait_for()
    measured = measure(page)
    screenshot(page, "f15-tap-target-member-menu")
    if too_small(measured):
        found["/ (menu open)"] = too_small(measured)
    found |= _with_photo_offenders(page, household)
    assert not found, _report(found)


def test_tap_targets_on_volunteer_pages(page, live_server) -> None:
    event = _event(live_server)
    sign_in(page, "volunteer2", until=None)
    found = _offenders_on(page, ["/", "/events", f"/events/{event}", "/me/activities", "/profile"], "volunteer")
    assert not found, _report(found)


def test_tap_targets_on_resident_pages(page, live_server) -> None:
    found = _offenders_on(page, ["/login", "/register", "/public/request", "/public/board"], "resident")
    assert not found, _report(found)


def test_tap_targets_on_coordinator_map_and_visit_list(page, live_server) -> None:
    sign_in(page, "coord", until=None)
    found = _offenders_on(page, ["/map"], "coordinator-map", ready=".leaflet-control-zoom-in")
    found |= _offenders_on(page, ["/visits"], "coordinator-visits")
    assert not found, _report(found)
