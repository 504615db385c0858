"""The event check-in QR code is shown whole, on a laptop (1366x768) and on a phone (390x844)."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from tests.e2e.browser import screenshot, sign_in
from tests.helpers import account
from tests.helpers.events import make_event

pytestmark = pytest.mark.e2e
LAPTOP = {"viewport": {"width": 1366, "height": 768}, "device_scale_factor": 1}
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


@pytest.mark.parametrize(("screen", "size"), [("laptop", LAPTOP), ("phone", PHONE)])
def test_check_in_qr_code_is_whole_on_screen(browser, live_server, screen: str, size: dict) -> None:
    with Session(live_server.engine) as session:
        event_id = make_event(session, account(session, "coord"), title="Riverbank clean-up")
    context = browser.new_context(base_url=live_server.url, locale="en-US", **size)
    context.set_default_timeout(20_000)
    page = context.new_page()
    try:
        sign_in(page, "coord", until=None)
        page.goto(f"/admin/events/{event_id}/roster")
        page.get_by_role("button", name="Show check-in QR code").click()
        page.get_by_text("Scan to check in").wait_for()
        qr = page.locator(".q-dialog img").first
        qr.wait_for()
        page.wait_for_function("document.querySelector('.q-dialog img')?.complete")
        page.wait_for_function("!document.querySelector('.q-dialog .q-dialog__inner--maximized')"
                               " || getComputedStyle(document.querySelector('.q-dialog__inner')).transform === 'none'")
        box = qr.bounding_box()
        width, height = size["viewport"]["width"], size["viewport"]["height"]
        screenshot(page, f"f15-qr-dialog-{screen}")
        assert box is not None
        assert box["x"] >= 0 and box["y"] >= 0, box
        assert box["x"] + box["width"] <= width and box["y"] + box["height"] <= height, (box, width, height)
        assert min(box["width"], box["height"]) >= 0.6 * min(width, height * 0.8), f"QR code too small: {box}"
        assert abs(box["width"] - box["height"]) < 2, f"QR code not square: {box}"
        close = page.get_by_role("button", name="Close")
        close_box = close.bounding_box()
        assert close_box is not None and close_box["y"] + close_box["height"] <= height, "Close is off screen"
    finally:
        context.close()
