"""In real Chromium on a phone-sized screen: a member logs a visit with two photos and GPS; the
coordinator finds it in the visit list and on the map."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from playwright.async_api import Browser, Page, async_playwright

from tests.e2e.live_app import CHROMIUM, CHROMIUM_ARGS, PHONE, require_chromium, running_app, screenshot_path

pytestmark = pytest.mark.e2e


def camera_photo(path: Path, colour: tuple[int, int, int]) -> Path:
    """A 4000x3000 JPEG like a phone's, sideways per EXIF, so the browser has work to do."""
    im = Image.linear_gradient("L").resize((4000, 3000)).convert("RGB")
    ImageDraw.Draw(im).ellipse((600, 400, 2400, 2400), fill=colour)
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    im.save(out, "JPEG", quality=92, exif=exif)
    path.write_bytes(out.getvalue())
    return path


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    require_chromium()
    async with async_playwright() as p:
        b = await p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        await b.close()


def watch_console(page: Page, errors: list[str]) -> None:
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))


async def sign_in(page: Page, base: str, login: str) -> None:
    await page.goto(base + "/login")
    await page.get_by_label("Phone number or username").fill(login)
    await page.get_by_label("Password").fill("doorstep-demo")
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url(base + "/")


async def test_member_logs_visit_and_coordinator_sees_it(browser: Browser, tmp_path: Path) -> None:
    photos = [camera_photo(tmp_path / "a.jpg", (200, 30, 30)), camera_photo(tmp_path / "b.jpg", (30, 30, 200))]
    errors: list[str] = []
    with running_app(tmp_path / "data") as base:
        member = await browser.new_context(**PHONE, locale="en-GB", permissions=["geolocation"],
                                           geolocation={"latitude": 0, "longitude": 0, "accuracy": 10})
        page = await member.new_page()
        watch_console(page, errors)
        await sign_in(page, base, "member1")
        await page.get_by_text("My households").first.wait_for()
        await page.screenshot(path=screenshot_path("foundation-1-member-home"))

        # The first card is the most overdue household.
        first = page.locator("a[href^='/households/']").first
        href = await first.get_attribute("href")
        await first.click()
        await page.wait_for_url(base + href)
        await page.screenshot(path=screenshot_path("foundation-2-household"))

        await page.get_by_role("button", name="Log visit").click()
        await page.wait_for_url(base + href + "/visit")
        # Stand ~20 m from the household's registered location (members' map data holds their households).
        data = await (await page.request.get(base + "/api/v1/map-data")).json()
        hid = int(href.rsplit("/", 1)[1])
        point = next(f for f in data["features"] if f["properties"]["kind"] == "household"
                     and f["properties"]["id"] == hid)["geometry"]["coordinates"]
        household_lng, household_lat = point
        await member.set_geolocation({"latitude": household_lat + 0.00018, "longitude": household_lng,
                                      "accuracy": 12})
        await page.get_by_role("button", name="Use my location").click()
        await page.get_by_text("Verified at the household.").wait_for(timeout=15000)
        await page.get_by_label("Notes").fill("Checked the heating; all well.")
        await page.get_by_label("Help given").fill("Replaced a light bulb")
        await page.get_by_text("The resident agrees to photos being taken and kept").click()
        await page.locator("input[type=file]").last.set_input_files([str(p) for p in photos])
        await page.locator("img[src^='data:image/jpeg']").nth(1).wait_for(timeout=30000)
        await page.screenshot(path=screenshot_path("foundation-3-visit-form"), full_page=True)
        await page.get_by_role("button", name="Save visit").click()
        await page.wait_for_url(f"{base}{href}?saved=*", timeout=20000)
        await page.get_by_text("Checked the heating; all well.").wait_for()
        thumbs = page.locator("img[src$='/thumb']")
        assert await thumbs.count() == 2
        await page.screenshot(path=screenshot_path("foundation-4-history"), full_page=True)
        # The browser shrank the 12-megapixel photos before sending, and the server stored them upright.
        full = await page.request.get(base + (await thumbs.first.get_attribute("src")).removesuffix("/thumb"))
        stored = Image.open(io.BytesIO(await full.body()))
        assert max(stored.size) <= 1600 and stored.height > stored.width  # EXIF 6: portrait once upright
        assert not stored.getexif()

        coordinator = await browser.new_context(**PHONE, locale="en-GB")
        cpage = await coordinator.new_page()
        watch_console(cpage, errors)
        await sign_in(cpage, base, "coord")
        await cpage.goto(base + "/visits")
        await cpage.get_by_text("Checked the heating; all well.").wait_for()
        await cpage.screenshot(path=screenshot_path("foundation-5-coordinator-visits"))
        await cpage.goto(base + "/map")
        await cpage.wait_for_function("window.doorstepMapCount > 0", timeout=15000)
        markers = await cpage.locator("path.leaflet-interactive").count()
        assert markers >= 40  # every household with a location, plus recent visits
        await cpage.screenshot(path=screenshot_path("foundation-6-coordinator-map"))
    assert errors == []
