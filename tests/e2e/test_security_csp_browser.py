"""In real Chromium: the Content-Security-Policy blocks nothing the app needs (no CSP violation on
the main pages, the map, the audit log and the two-step set-up with its QR code)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Page, async_playwright

from tests.e2e.live_app import CHROMIUM, CHROMIUM_ARGS, require_chromium, running_app

pytestmark = pytest.mark.e2e

PAGES = {
    "coord": ["/", "/admin/households", "/visits", "/map", "/households/1", "/admin/households/1/privacy",
              "/profile/2fa"],
    "admin": ["/admin/audit"],
    "member1": ["/"],
}


def watch(page: Page, problems: list[str]) -> None:
    def on_console(message) -> None:
        text = message.text
        if message.type == "error" or "Content Security Policy" in text or "Refused to" in text:
            problems.append(f"{page.url}: {text}")

    page.on("console", on_console)
    page.on("pageerror", lambda e: problems.append(f"{page.url}: {e}"))


async def test_pages_load_under_the_csp_without_violations(tmp_path: Path) -> None:
    require_chromium()
    problems: list[str] = []
    with running_app(tmp_path / "data") as base:
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            for login, paths in PAGES.items():
                context = await browser.new_context(locale="en-GB")
                page = await context.new_page()
                watch(page, problems)
                response = await page.goto(base + "/login")
                assert response is not None and "frame-ancestors 'none'" in response.headers[
                    "content-security-policy"]
                await page.get_by_label("Phone number or username").fill(login)
                await page.get_by_label("Password").fill("doorstep-demo")
                await page.get_by_role("button", name="Sign in").click()
                await page.wait_for_url(base + "/")
                for path in paths:
                    await page.goto(base + path)
                    await page.wait_for_load_state("networkidle")
                    await page.wait_for_timeout(500)
                    assert "/login" not in page.url, path
                if login == "coord":
                    qr_code = page.locator(".q-page-container img[src^='data:image/svg+xml']")  # not the menu icon
                    assert await qr_code.count() == 1
                await context.close()
            await browser.close()
    assert problems == []
