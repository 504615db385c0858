"""In real Chromium: the coordinator's map (phone and desktop) and the coverage dashboard, screenshotted."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Browser

from tests.e2e.flows import sign_in, watch_console
from tests.e2e.live_app import PHONE, running_app, screenshot_path

pytestmark = pytest.mark.e2e
DESKTOP = {"viewport": {"width": 1280, "height": 800}}




async def test_map_and_coverage_on_phone_and_desktop(async_browser: Browser, tmp_path: Path) -> None:
    errors: list[str] = []
    with running_app(tmp_path / "data") as base:
        for name, device in (("desktop", DESKTOP), ("phone", PHONE)):
            context = await async_browser.new_context(**device, locale="en-GB")
            page = await context.new_page()
            watch_console(page, errors)
            await sign_in(page, base, "coord")
            await page.goto(base + "/map")
            await page.wait_for_function("window.doorstepMapReadyAt > 0", timeout=15000)
            meta = await page.evaluate("window.doorstepMapMeta")
            assert meta["layers"]["households"] == {"mode": "points", "features": 40, "count": 40}
            assert await page.locator("path.leaflet-interactive").count() >= 40
            await page.screenshot(path=screenshot_path(f"map-1-{name}"))

            # Tap a household: a summary with a link to its record. (The demo's open requests are
            # red markers too: hide that layer first.)
            loads = await page.evaluate("window.doorstepMapLoads")
            await page.get_by_text("Open requests", exact=True).click()
            await page.wait_for_function(f"window.doorstepMapLoads > {loads}", timeout=30000)
            marker = page.locator("path.leaflet-interactive[fill='#c62828']").last
            await marker.click(force=True)
            popup = page.locator(".leaflet-popup-content")
            await popup.wait_for(timeout=5000)
            await page.wait_for_timeout(400)  # popup fade-in
            href = await popup.locator("a").first.get_attribute("href")
            assert href.startswith("/households/")
            await page.screenshot(path=screenshot_path(f"map-2-{name}-popup"))

            # A filter redraws from the endpoint.
            loads = await page.evaluate("window.doorstepMapLoads")
            await page.get_by_text("Filters", exact=True).click()
            await page.get_by_text("Verified visits only").click()
            await page.wait_for_function(f"window.doorstepMapLoads > {loads}", timeout=30000)
            await page.screenshot(path=screenshot_path(f"map-3-{name}-filters"))

            await page.goto(base + "/coverage")
            await page.get_by_text("Households visited in the period").wait_for(timeout=15000)
            await page.locator("[_echarts_instance_]").first.wait_for()
            await page.wait_for_timeout(800)  # the chart animates in
            await page.screenshot(path=screenshot_path(f"coverage-{name}"), full_page=True)
            await context.close()

        member = await async_browser.new_context(**PHONE, locale="en-GB")
        page = await member.new_page()
        watch_console(page, errors)
        await sign_in(page, base, "member1")
        await page.goto(base + "/me/coverage")
        await page.get_by_text("My visits per month").wait_for(timeout=15000)
        await page.wait_for_timeout(800)
        await page.screenshot(path=screenshot_path("coverage-member-phone"), full_page=True)
    assert errors == []
