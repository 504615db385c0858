"""Live server + real Chromium for browser tests (marked e2e).

The app runs as a subprocess (`python app.py`, demo data, loopback, a free port); Debian's
Chromium at /usr/bin/chromium is driven through the `playwright` package. Each test gets a fresh
browser context (phone viewport, no service worker or storage left over from other tests).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import Engine

from core.db import make_engine

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


@dataclass
class LiveServer:
    url: str
    data_dir: Path
    engine: Engine


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    if not CHROMIUM.exists():
        pytest.skip("browser tests need Chromium at /usr/bin/chromium")
    data_dir = tmp_path_factory.mktemp("live-data")
    port = _free_port()
    # Without the test runner's variables: NiceGUI would otherwise start in its test mode.
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "NICEGUI", "DOORSTEP"))}
    env = {**inherited, "DOORSTEP_DATA_DIR": str(data_dir), "DOORSTEP_PORT": str(port), "DOORSTEP_HOST": "127.0.0.1",
           "DOORSTEP_DEMO": "1", "DOORSTEP_TILE_URL": "/static/tiles/blank.png", "DOORSTEP_SECRET_KEY": "e2e-secret",
           "DOORSTEP_DEFAULT_LANGUAGE": "en"}
    log = (data_dir / "server.log").open("wb")
    process = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"server exited: {(data_dir / 'server.log').read_text()[-3000:]}")
            try:
                if httpx.get(f"{url}/manifest.webmanifest", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start")
            time.sleep(0.3)
        engine = make_engine(f"sqlite:///{data_dir / 'doorstep.db'}")
        yield LiveServer(url, data_dir, engine)
        engine.dispose()
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="module")
def playwright_instance() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip("browser tests need Chromium at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="module")
def browser(playwright_instance) -> Iterator[object]:  # noqa: ANN001
    chromium = playwright_instance.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
    yield chromium
    chromium.close()


def _context_options(live_server: LiveServer) -> dict:
    return {"base_url": live_server.url, "locale": "en-US", "timezone_id": "Asia/Shanghai",
            "permissions": ["geolocation"], "geolocation": {"latitude": 30.6465, "longitude": 104.087},
            "accept_downloads": True, **PHONE}


@pytest.fixture
def context(browser, live_server: LiveServer) -> Iterator[object]:  # noqa: ANN001
    """A fresh phone-sized context: new profile, so no service worker, cache or IndexedDB from other tests."""
    ctx = browser.new_context(**_context_options(live_server))
    ctx.set_default_timeout(20_000)
    yield ctx
    ctx.close()


@pytest.fixture
def persistent_context(playwright_instance, live_server: LiveServer, tmp_path: Path) -> Iterator[object]:  # noqa: ANN001
    """Like ``context`` but with an on-disk profile: Chromium refuses to install from incognito
    contexts, which is what ``new_context`` makes."""
    ctx = playwright_instance.chromium.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True,
        **_context_options(live_server))
    ctx.set_default_timeout(20_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context) -> Iterator[object]:  # noqa: ANN001
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    yield pg
    assert errors == [], f"uncaught errors in the page: {errors}"
