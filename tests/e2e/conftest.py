"""Live server + real Chromium for browser tests (marked e2e).

The app runs as a subprocess (`python app.py`, demo data, loopback, a free port); Debian's
Chromium at /usr/bin/chromium is driven through the `playwright` package. Each test gets a fresh
browser context (phone viewport, no service worker or storage left over from other tests).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from core.db import make_engine
from tests.e2e.live_app import CHROMIUM, CHROMIUM_ARGS, PHONE, require_chromium, running_app


@dataclass
class LiveServer:
    url: str
    data_dir: Path
    engine: Engine


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One app with the demo organisation per test module (its database is reachable as ``engine``)."""
    require_chromium()
    data_dir = tmp_path_factory.mktemp("live-data")
    with running_app(data_dir) as url:
        engine = make_engine(f"sqlite:///{data_dir / 'doorstep.db'}")
        yield LiveServer(url, data_dir, engine)
        engine.dispose()


@pytest.fixture
async def async_browser() -> AsyncIterator[object]:
    """Chromium through Playwright's async API, for tests that start their own app(s)."""
    require_chromium()
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        chromium = await p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        await chromium.close()


@pytest.fixture(scope="module")
def playwright_instance() -> Iterator[object]:
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="module")
def browser(playwright_instance) -> Iterator[object]:
    chromium = playwright_instance.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
    yield chromium
    chromium.close()


def _context_options(live_server: LiveServer) -> dict:
    return {"base_url": live_server.url, "locale": "en-US", "timezone_id": "Asia/Shanghai",
            "permissions": ["geolocation"], "geolocation": {"latitude": 30.6465, "longitude": 104.087},
            "accept_downloads": True, **PHONE}


@pytest.fixture
def context(browser, live_server: LiveServer) -> Iterator[object]:
    """A fresh phone-sized context: new profile, so no service worker, cache or IndexedDB from other tests."""
    ctx = browser.new_context(**_context_options(live_server))
    ctx.set_default_timeout(20_000)
    yield ctx
    ctx.close()


@pytest.fixture
def persistent_context(playwright_instance, live_server: LiveServer, tmp_path: Path) -> Iterator[object]:
    """Like ``context`` but with an on-disk profile: Chromium refuses to install from incognito
    contexts, which is what ``new_context`` makes."""
    ctx = playwright_instance.chromium.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True,
        **_context_options(live_server))
    ctx.set_default_timeout(20_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context) -> Iterator[object]:
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    yield pg
    assert errors == [], f"uncaught errors in the page: {errors}"
