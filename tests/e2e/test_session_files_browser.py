"""The real server: no session file for a load balancer's polls, private session and database files,
and /api/docs drawn by Swagger UI from the app's own files under its CSP."""

from __future__ import annotations

import stat
from pathlib import Path

import httpx
import pytest
from playwright.async_api import async_playwright

from tests.e2e.flows import sign_in
from tests.e2e.live_app import CHROMIUM, CHROMIUM_ARGS, PHONE, ROOT, require_chromium, running_app

pytestmark = pytest.mark.e2e
SCREENS = Path("/work/notes/screens/h16-web")


def mode(path: Path) -> str:
    return oct(stat.S_IMODE(path.stat().st_mode))


async def test_session_files_only_for_signed_in_browsers_and_private(tmp_path: Path) -> None:
    require_chromium()
    data = tmp_path / "data"
    in_cwd = set((ROOT / ".nicegui").glob("storage-user-*.json"))
    with running_app(data) as base:
        for _ in range(300):  # a load balancer polling without cookies
            assert httpx.get(base + "/health", timeout=10).status_code == 200
        sessions = data / "sessions"
        assert mode(sessions) == "0o700"
        assert list(sessions.glob("storage-user-*.json")) == []
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            context = await browser.new_context(locale="en-GB", **PHONE)
            page = await context.new_page()
            problems: list[str] = []
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            await page.goto(base + "/api/docs")
            await page.locator(".swagger-ui .info .title").wait_for(timeout=30000)
            assert "Doorstep API" in await page.locator(".swagger-ui .info .title").inner_text()
            await page.screenshot(path=str(SCREENS / "api-docs.png"))
            assert problems == []
            await sign_in(page, base, "member1")
            await browser.close()
        files = list(sessions.glob("storage-user-*.json"))
        assert files and {mode(f) for f in files} == {"0o600"}
        database = [p for p in data.iterdir() if p.name.startswith("doorstep.db")]
        assert {p.name for p in database} >= {"doorstep.db", "doorstep.db-wal"}
        assert {p.name: mode(p) for p in database} == {p.name: "0o600" for p in database}
    assert set((ROOT / ".nicegui").glob("storage-user-*.json")) <= in_cwd  # nothing in the working folder
