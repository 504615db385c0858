"""In real Chromium on a phone-sized screen: a member logs a visit with two photos and GPS; the
coordinator finds it in the visit list and on the map."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from playwright.async_api import Browser

from tests.e2e.flows import camera_photo, log_visit, sign_in, watch_console
from tests.e2e.live_app import PHONE, running_app, screenshot_path

pytestmark = pytest.mark.e2e




async def test_member_logs_visit_and_coordinator_sees_it(async_browser: Browser, tmp_path: Path) -> None:
    photos = [camera_photo(tmp_path / "a.jpg", (200, 30, 30)), camera_photo(tmp_path / "b.jpg", (30, 30, 200))]
    errors: list[str] = []
    with running_app(tmp_path / "data") as base:
        member = await async_browser.new_context(**PHONE, locale="en-GB", permissions=["geolocation"],
                                           geolocation={"latitude": 0, "longitude": 0, "accuracy": 10})
        page = await member.new_page()
        watch_console(page, errors)
        await sign_in(page, base, "member1")
        await page.get_by_text("My households").first.wait_for()
        await page.screenshot(path=screenshot_path("foundation-1-member-home"))
        await log_visit(member, page, base, "Checked the heating; all well.", photos,
                        screenshot=screenshot_path("foundation-2-{step}"))
        thumbs = page.locator("img[src$='/thumb']")
        assert await thumbs.count() == 2
        await page.screenshot(path=screenshot_path("foundation-3-history"), full_page=True)
        # The browser shrank the 12-megapixel photos before sending, and the server stored them upright.
        full = await page.request.get(base + (await thumbs.first.get_attribute("src")).removesuffix("/thumb"))
        stored = Image.open(io.BytesIO(await full.body()))
        assert max(stored.size) <= 1600 and stored.height > stored.width  # EXIF 6: portrait once upright
        assert not stored.getexif()

        coordinator = await async_browser.new_context(**PHONE, locale="en-GB")
        cpage = await coordinator.new_page()
        watch_console(cpage, errors)
        await sign_in(cpage, base, "coord")
        await cpage.goto(base + "/visits")
        await cpage.get_by_text("Checked the heating; all well.").wait_for()
        await cpage.screenshot(path=screenshot_path("foundation-4-coordinator-visits"))
        await cpage.goto(base + "/map")
        await cpage.wait_for_function("window.doorstepMapCount > 0", timeout=15000)
        markers = await cpage.locator("path.leaflet-interactive").count()
        assert markers >= 40  # every household with a location, plus recent visits
        await cpage.screenshot(path=screenshot_path("foundation-5-coordinator-map"))

        chinese = await async_browser.new_context(**PHONE, locale="zh-CN")
        zpage = await chinese.new_page()
        await zpage.goto(base + "/login")
        await zpage.get_by_role("button", name="登录").wait_for()
        await zpage.screenshot(path=screenshot_path("foundation-6-login-zh"))
    assert errors == []
