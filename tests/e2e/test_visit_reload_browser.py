"""Reloading the visit form at several moments of a save, on a 390x844 phone, then making an edit.

Whenever the reload comes, the member lands on one clear state — the draft, not yet stored, or the
stored visit shown as "saved at HH:MM" — and the edit they make next is what the database keeps.
"""

from __future__ import annotations

import contextlib
import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect
from sqlmodel import Session, select

from core.i18n import to_local
from models import Household, Visit, VisitRevision
from tests.e2e.browser import screenshot, sign_in
from tests.e2e.households import member_households

pytestmark = pytest.mark.e2e

SAVED_AT = re.compile(r"Visit saved at (\d\d:\d\d)\.")
DELAYS_MS = (0, 100, 250, 1000)
# A tap on Save from the page's own script, so the reload is timed from the tap itself.
TAP_SAVE = ("[...document.querySelectorAll('button')]"
            ".find((b) => b.innerText.toLowerCase().includes('save visit')).click()")


def stored_visit(server, visit_id: str) -> Visit | None:
    with Session(server.engine) as s:
        return s.get(Visit, visit_id)


class SlowLink:
    """The phone's link to the server, where answers can be lost: after ``hold()`` the sockets open
    at that moment hear nothing more from the server (a tap reaches it, its answer never comes
    back), as on a weak signal. Sockets opened later (the reloaded page) work normally."""

    def __init__(self, page) -> None:
        self.open: list = []
        self.held: set[int] = set()
        page.route_web_socket(re.compile(r".*/_nicegui_ws/.*"), self.connect)

    def connect(self, ws) -> None:
        server = ws.connect_to_server()
        self.open.append(ws)
        server.on_message(lambda message: None if id(ws) in self.held else ws.send(message))

    def hold(self) -> None:
        self.held = {id(ws) for ws in self.open}


def reload(page) -> None:
    """What the browser's reload button does, even while the page itself is navigating (after a save)."""
    with contextlib.suppress(PlaywrightError):  # the page navigated away at that moment: its context is gone
        page.evaluate("location.reload()")
    page.wait_for_load_state("load")


def type_a_draft(page, household: Household, delay_ms: int) -> tuple[str, str]:
    """A new visit at the registered address with notes typed in; returns (visit id, the notes)."""
    page.goto(f"/households/{household.id}/visit")
    page.get_by_text("Not saved yet.").wait_for()
    visit_id = parse_qs(urlparse(page.url).query)["visit"][0]
    page.get_by_role("button", name="At the registered address").click()
    page.get_by_text("At the registered address (not measured)").wait_for()
    typed = f"Reload {delay_ms} ms after the tap"
    page.get_by_label("Notes").fill(typed)
    expect(page.get_by_label("Notes")).to_have_value(typed)
    return visit_id, typed


def tap_save_and_reload(page, link: SlowLink, delay_ms: int) -> None:
    """Save is tapped but its answer never arrives; the page is reloaded ``delay_ms`` after the tap."""
    page.wait_for_function("window.socket && window.socket.connected")
    link.hold()  # the tap reaches the server; the page never hears back (no "saved", no navigation)
    if delay_ms:
        page.evaluate(TAP_SAVE)
        page.wait_for_timeout(delay_ms)  # the moment of the reload is what this test varies
        reload(page)
    else:  # in the same instant as the tap
        with contextlib.suppress(PlaywrightError):
            page.evaluate(TAP_SAVE + "; location.reload()")
        page.wait_for_load_state("load")


def edit_after_reload(page, live_server, visit_id: str, typed: str, delay_ms: int) -> str:
    """Whichever state the reload landed on, the member corrects the notes; returns the corrected notes."""
    draft, saved = page.get_by_text("Not saved yet."), page.get_by_text(SAVED_AT)
    expect(draft.or_(saved)).to_be_visible()
    screenshot(page, f"reload-{delay_ms}ms-1-after-reload")
    assert draft.is_visible() != saved.is_visible(), "exactly one state: the draft or the saved visit"
    print(f"reload {delay_ms} ms after the tap: {'draft' if draft.is_visible() else 'saved'} on {page.url}")
    edited = typed + ", then corrected"
    if draft.is_visible():
        expect(page.get_by_label("Notes")).to_have_value(typed)  # the draft came back whole
        page.get_by_label("Notes").fill(edited)
        page.get_by_role("button", name="Save visit").click()
        expect(page.get_by_text(SAVED_AT)).to_be_visible()
    else:
        visit = stored_visit(live_server, visit_id)
        assert visit is not None and visit.notes == typed  # "saved" is shown only for a stored visit
        shown = SAVED_AT.search(saved.inner_text())
        assert shown and shown.group(1) == to_local(visit.created_at, "Asia/Shanghai").strftime("%H:%M")
        page.get_by_role("button", name="Correct this visit").click()
        page.get_by_role("button", name="Save correction").wait_for()
        expect(page.get_by_label("Notes")).to_have_value(typed)
        page.get_by_label("Notes").fill(edited)
        page.get_by_role("button", name="Save correction").click()
        expect(page.get_by_text("Corrected:")).to_be_visible()
    screenshot(page, f"reload-{delay_ms}ms-2-after-edit")
    return edited


def assert_one_visit_with_the_edit(live_server, household: Household, visit_id: str, typed: str, edited: str,
                                   delay_ms: int) -> None:
    visit = stored_visit(live_server, visit_id)
    assert visit is not None and visit.notes == edited
    with Session(live_server.engine) as s:
        count = len(s.exec(select(Visit).where(Visit.household_id == household.id, Visit.notes.contains(
            f"Reload {delay_ms} ms"))).all())
        corrected = s.exec(select(VisitRevision).where(VisitRevision.visit_id == visit_id)).all()
    assert count == 1  # one visit, never a second copy
    assert all(typed in r.old_values and edited in r.new_values for r in corrected)


@pytest.mark.parametrize("delay_ms", DELAYS_MS)
def test_reload_during_save_lands_on_one_clear_state_and_the_next_edit_is_stored(
        page, live_server, delay_ms: int) -> None:
    household = member_households(live_server, "member1")[DELAYS_MS.index(delay_ms)]
    sign_in(page, "member1")
    link = SlowLink(page)
    visit_id, typed = type_a_draft(page, household, delay_ms)
    tap_save_and_reload(page, link, delay_ms)
    edited = edit_after_reload(page, live_server, visit_id, typed, delay_ms)
    assert_one_visit_with_the_edit(live_server, household, visit_id, typed, edited, delay_ms)
