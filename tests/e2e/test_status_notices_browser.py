"""Nothing floats over a form's controls: the unsent-visits banner and the connection-lost box at 390x844."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import screenshot, sign_in
from tests.e2e.households import member_households
from tests.e2e.live_app import screenshot_path

pytestmark = pytest.mark.e2e

FORM_BUTTONS = ("Use my location", "Drop a pin", "At the registered address", "Save visit")

# The button found at each of a control's points (centre, upper and lower quarter), as the phone sees it.
HIT = """([label, points]) => points.map(([x, y]) => {
  const hit = document.elementFromPoint(x, y);
  const button = hit && hit.closest("button");
  return button ? button.innerText.trim() : (hit ? hit.id || hit.tagName : "nothing");
})"""


# Whether a notice is drawn over the control: elementFromPoint misses notices with pointer-events: none.
OVERLAPS = """([selector, b]) => {
  const n = document.querySelector(selector);
  if (!n) return false;
  const r = n.getBoundingClientRect();
  return r.width > 0 && r.height > 0
    && r.left < b.x + b.width && b.x < r.right && r.top < b.y + b.height && b.y < r.bottom;
}"""


def assert_buttons_reachable(page, labels: tuple[str, ...], notice: str) -> None:
    for label in labels:
        button = page.get_by_role("button", name=label)
        for scroll in ("top", "button", "bottom"):
            if scroll == "top":
                page.evaluate("window.scrollTo(0, 0)")
            elif scroll == "bottom":
                page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
            else:
                button.scroll_into_view_if_needed()
            box = button.bounding_box()
            assert box is not None
            points = [[box["x"] + box["width"] / 2, box["y"] + box["height"] * f] for f in (0.25, 0.5, 0.75)]
            # Content scrolls under the page's header, whose height the layout reserves: points there are out of view.
            header = page.evaluate("document.querySelector('.q-header').getBoundingClientRect().bottom")
            points = [p for p in points if header <= p[1] < 844]
            hits = page.evaluate(HIT, [label, points])
            assert all(label.lower() in hit.lower() for hit in hits), f"{label!r} at {scroll}: covered by {hits}"
            # Only the part of the control in view below the header can be covered by a notice.
            top = max(box["y"], header)
            if top < box["y"] + box["height"]:
                visible = {**box, "y": top, "height": box["y"] + box["height"] - top}
                assert not page.evaluate(OVERLAPS, [notice, visible]), f"{notice} drawn over {label!r} at {scroll}"


def open_visit_form(page, live_server) -> None:
    household = member_households(live_server, "member2")[0]
    sign_in(page, "member2")
    page.goto(f"/households/{household.id}/visit")
    page.get_by_text("Not saved yet.").wait_for()


def test_unsent_banner_does_not_cover_save(page, live_server) -> None:
    open_visit_form(page, live_server)
    page.wait_for_function("window.DoorstepStore !== undefined")
    page.evaluate("DoorstepStore.put('visits', {id: crypto.randomUUID(), status: 'rejected', photos: []})")
    page.reload()
    banner = page.locator("#ds-unsent-banner")
    expect(banner).to_contain_text("1 visit not sent yet")
    assert_buttons_reachable(page, FORM_BUTTONS, "#ds-unsent-banner")
    save = page.get_by_role("button", name="Save visit")
    save.scroll_into_view_if_needed()
    box = save.bounding_box()
    centre = page.evaluate("([x, y]) => document.elementFromPoint(x, y).closest('button')?.innerText.trim()",
                           [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2])
    assert centre and "save visit" in centre.lower()
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    page.screenshot(path=screenshot_path("unsent-banner-form-bottom"))  # where the banner covered Save
    screenshot(page, "unsent-banner-form-top")


def test_connection_lost_box_does_not_cover_the_form_buttons(page, live_server) -> None:
    open_visit_form(page, live_server)
    page.wait_for_function("window.socket && window.socket.connected")
    page.evaluate("window.socket.disconnect()")
    box = page.locator("#popup")
    expect(box).to_be_visible()
    assert_buttons_reachable(page, FORM_BUTTONS, "#popup")
    screenshot(page, "connection-lost-form-top")
    page.evaluate("window.socket.connect()")
    expect(box).to_be_hidden()
