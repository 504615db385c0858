"""A volunteer on a phone (390x844): signs up for an event, sees the confirmation and "My activities".

Runs the real app (`python app.py`) in a subprocess and drives Debian's Chromium with Playwright.
The server and browser fixtures live here (not in a shared conftest) on purpose.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from core import db
from tests.events_helpers import make_event
from tests.helpers import account

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(data_dir: Path) -> Iterator[str]:
    """The app with the demo organisation, on a free port, using this test's data folder."""
    port = _free_port()
    # Without PYTEST_CURRENT_TEST: NiceGUI would otherwise start in its own test mode.
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "NICEGUI_"))},
           "DOORSTEP_DATA_DIR": str(data_dir), "DOORSTEP_PORT": str(port),
           "DOORSTEP_HOST": "127.0.0.1", "DOORSTEP_DEMO": "1", "DOORSTEP_TILE_URL": "/static/tiles/blank.png",
           "DOORSTEP_DEFAULT_LANGUAGE": "en", "DOORSTEP_SECRET_KEY": "e2e-secret"}
    log = (data_dir / "server.log").open("w")
    process = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            if process.poll() is not None:
                pytest.fail(f"server exited: {(data_dir / 'server.log').read_text()[-2000:]}")
            try:
                if httpx.get(f"{base}/login", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        else:
            pytest.fail("server did not start")
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture
def phone() -> Iterator[object]:
    """A 390x844 touch-screen Chromium page; console errors are collected on ``page.errors``."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                      device_scale_factor=2, locale="en-GB")
        page = context.new_page()
        page.errors = []
        page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        try:
            yield page
        finally:
            context.close()
            browser.close()


def shot(page, name: str) -> None:  # noqa: ANN001
    SCREENSHOTS.mkdir(exist_ok=True)
    page.wait_for_timeout(300)  # let Quasar finish its transitions
    page.screenshot(path=str(SCREENSHOTS / f"events-{name}.png"), full_page=True)


def test_volunteer_signs_up_on_a_phone(server: str, phone) -> None:  # noqa: ANN001
    page = phone
    with db.session_scope(read_only=True) as session:  # the server has seeded the demo organisation
        coord = account(session, "coord")
    with db.session_scope() as session:
        event_id = make_event(session, coord, capacity=6, title="Riverbank clean-up",
                              description="Gloves and bags provided. Meet at the east gate.",
                              roles=[("Registration desk", 2), ("Litter picking", 4)])
    page.goto(f"{server}/login")
    page.get_by_label("Phone number or username").fill("volunteer1")
    page.get_by_label("Password").fill("doorstep-demo")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Welcome").wait_for(timeout=15000)
    shot(page, "1-home")

    page.goto(f"{server}/events")
    page.get_by_text("Riverbank clean-up").wait_for()
    shot(page, "2-list")
    page.get_by_text("Riverbank clean-up").click()
    page.wait_for_url(f"**/events/{event_id}")
    page.get_by_text("Litter picking · 4 left").wait_for()
    shot(page, "3-event")
    page.get_by_text("Litter picking · 4 left").click()
    page.get_by_role("button", name="Sign up").click()
    page.get_by_text("See you there!").wait_for()
    assert page.get_by_text("You are signed up").first.is_visible()
    shot(page, "4-confirmed")

    page.goto(f"{server}/me/activities")
    page.get_by_text("Riverbank clean-up").wait_for()
    assert page.get_by_text("You are signed up").is_visible()
    shot(page, "5-my-activities")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "page scrolls sideways on a phone"

    # The coordinator's roster on the same phone, with the check-in QR code.
    page.goto(f"{server}/logout")
    page.get_by_label("Phone number or username").fill("coord")
    page.get_by_label("Password").fill("doorstep-demo")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Overview").first.wait_for(timeout=15000)
    page.goto(f"{server}/admin/events/{event_id}/roster")
    page.get_by_text("志愿者1").wait_for()
    shot(page, "6-roster")
    page.get_by_role("button", name="Show check-in QR code").click()
    page.get_by_text("Scan to check in").wait_for()
    shot(page, "7-qr")
    assert not page.errors, page.errors
