"""Helpers for browser tests: sign in, wait for the offline page to be ready, screenshots."""

from __future__ import annotations

import os
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("DOORSTEP_SCREENSHOTS", ROOT / "screenshots"))


def sign_in(page, login: str, password: str = "doorstep-demo", until: str | None = "My households") -> None:
    """Sign in through the form; wait for ``until`` (a member's start page) unless None."""
    page.goto("/login")
    page.get_by_label("Phone number or username").fill(login)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: not url.split("?")[0].endswith("/login"), timeout=30_000)
    if until:
        page.get_by_text(until).first.wait_for()


def wait_until_ready_for_offline(page) -> None:
    """The service worker controls the page and the households are cached on the phone."""
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=20_000)
    deadline = time.monotonic() + 20
    # evaluate() awaits the promise (wait_for_function would take the pending promise as truthy)
    while not page.evaluate("async () => window.DoorstepStore && (await DoorstepStore.getAll('households')).length"):
        assert time.monotonic() < deadline, "households were not cached on the phone"
        time.sleep(0.1)


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.evaluate("window.scrollTo(0, 0)")  # a sticky header is drawn where the page was scrolled to
    page.screenshot(path=str(path), full_page=True)
    return path
