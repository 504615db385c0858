"""What a person does in the browser, shared by the browser tests."""

from __future__ import annotations

import io
import re
from pathlib import Path

from PIL import Image, ImageDraw
from playwright.async_api import BrowserContext, Page


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


def watch_console(page: Page, errors: list[str]) -> None:
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))


async def sign_in(page: Page, base: str, login: str, password: str = "doorstep-demo") -> None:
    await page.goto(base + "/login")
    await page.get_by_label("Phone number or username").fill(login)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url(base + "/")


async def household_location(page: Page, base: str, household_id: int) -> tuple[float, float]:
    """(lat, lng) of a household, from the signed-in user's map data."""
    data = await (await page.request.get(base + "/api/v1/map-data")).json()
    lng, lat = next(f for f in data["features"] if f["properties"]["kind"] == "household"
                    and f["properties"]["id"] == household_id)["geometry"]["coordinates"]
    return lat, lng


async def log_visit(context: BrowserContext, page: Page, base: str, notes: str, photos: list[Path],
                    screenshot: str = "") -> str:
    """From the member's home page: open the most overdue household and log a visit there.

    Stands ~20 m from the household (emulated geolocation). Returns the household page path.
    """
    first = page.locator("a[href^='/households/']").first
    href = await first.get_attribute("href")
    assert href
    await first.click()
    await page.wait_for_url(base + href)
    if screenshot:
        await page.screenshot(path=screenshot.format(step="household"))
    await page.get_by_role("button", name="Log visit").click()
    await page.wait_for_url(re.compile(re.escape(base + href + "/visit") + r"\?visit=[0-9a-f-]{36}$"))
    lat, lng = await household_location(page, base, int(href.rsplit("/", 1)[1]))
    await context.set_geolocation({"latitude": lat + 0.00018, "longitude": lng, "accuracy": 12})
    await page.get_by_role("button", name="Use my location").click()
    await page.get_by_text("Verified at the household.").wait_for(timeout=15000)
    await page.get_by_label("Notes").fill(notes)
    await page.get_by_label("Help given").fill("Replaced a light bulb")
    if photos:
        await page.get_by_text("The resident agrees to photos being taken and kept").click()
        await page.locator("input[type=file]").last.set_input_files([str(p) for p in photos])
        await page.locator("img[src^='data:image/jpeg']").nth(len(photos) - 1).wait_for(timeout=30000)
    if screenshot:
        await page.evaluate("window.scrollTo(0, 0)")  # the fixed header is drawn where the page was scrolled to
        await page.screenshot(path=screenshot.format(step="visit-form"), full_page=True)
    await page.get_by_role("button", name="Save visit").click()
    await page.wait_for_url(f"{base}{href}?saved=*", timeout=20000)
    await page.get_by_text(notes).wait_for()
    return href
