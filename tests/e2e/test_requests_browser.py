"""In a real browser on a phone-sized screen: a resident reports a concern, gets a tracking code, a
coordinator resolves it, the resident rates the answer. Screenshots go to screenshots/."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext

from tests.e2e.live_app import PHONE as PHONE_SCREEN
from tests.e2e.live_app import running_app

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "screenshots"
PHONE = {**PHONE_SCREEN, "locale": "en-US"}


@pytest.fixture
def live_app(demo: object, data_dir: Path) -> Iterator[str]:
    """The real app on this test's copy of the already seeded demo database, so the server does not
    spend half a minute hashing demo passwords (DOORSTEP_DEMO=1 then finds it seeded)."""
    with running_app(data_dir) as url:
        yield url


def shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")  # a fixed header would otherwise be drawn mid-page
    page.screenshot(path=str(SHOTS / f"requests-{name}.png"), full_page=True)


def pick(page, label: str, option: str) -> None:
    """Choose an option of a Quasar select the way a finger does: open it, tap the option."""
    page.get_by_label(label).click()
    page.get_by_role("option", name=option, exact=True).click()


def resident_reports(page, live_app: str) -> str:
    """The resident sends the public form; returns the address of the request's status page."""
    page.goto(f"{live_app}/public/request")
    page.get_by_text("No account is needed").wait_for()
    pick(page, "What is it about?", "Housing repair")
    page.get_by_label("Describe the problem").fill("The entrance door of building 3 does not close.")
    page.get_by_label("Address or landmark").fill("望江路 12 号 3 栋")
    question = page.get_by_text("To show you are a person").inner_text()
    a, b = map(int, re.search(r"(\d+) \+ (\d+)", question).groups())
    page.get_by_label("Answer", exact=True).fill(str(a + b))
    shot(page, "1-public-form")
    page.get_by_role("button", name="Send", exact=True).click()
    page.get_by_text("Your request was received.").wait_for(timeout=15000)
    code = page.locator(".font-mono").inner_text().strip()
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{10}", code)
    status_url = page.url
    shot(page, "2-tracking-code")
    return status_url


def coordinator_resolves(browser, live_app: str, errors: list[str]) -> BrowserContext:
    """The coordinator marks the request resolved with a note; returns the coordinator's browser context."""
    staff = browser.new_context(**PHONE)
    desk = staff.new_page()
    desk.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    desk.goto(f"{live_app}/login")
    desk.get_by_label("Phone number or username").fill("coord")
    desk.get_by_label("Password").fill("doorstep-demo")
    desk.get_by_role("button", name="Sign in").click()
    desk.wait_for_url(re.compile(r".*/$"), timeout=15000)
    desk.goto(f"{live_app}/requests")
    desk.get_by_text("The entrance door of building 3").click()
    desk.get_by_text("Change status").wait_for()
    pick(desk, "New status", "Resolved")
    desk.get_by_label("Note", exact=True).first.fill("The caretaker fixed the door closer on Monday.")
    desk.get_by_role("button", name="Update status").click()
    desk.get_by_text("Status updated.").wait_for()
    shot(desk, "3-coordinator-resolved")
    return staff


def resident_rates(page, status_url: str) -> None:
    page.goto(status_url.split("?")[0])
    page.get_by_text("The caretaker fixed the door closer on Monday.").wait_for()
    page.get_by_text("Are you satisfied with the answer?").wait_for()
    shot(page, "4-status-with-answer")
    page.get_by_role("radio", name="Satisfied", exact=True).click()
    page.get_by_role("button", name="Send my answer").click()
    page.get_by_text("Thank you for your answer.").wait_for(timeout=15000)
    shot(page, "5-rated")
    assert page.get_by_text("Are you satisfied with the answer?").count() == 0


def public_form_in_chinese(browser, live_app: str) -> BrowserContext:
    """The public form in a zh-CN browser; returns its browser context."""
    zh = browser.new_context(**{**PHONE, "locale": "zh-CN"})
    zh_page = zh.new_page()
    zh_page.goto(f"{live_app}/public/request")
    zh_page.get_by_text("无需注册账号").wait_for()
    shot(zh_page, "6-public-form-zh")
    return zh


def test_resident_reports_coordinator_resolves_resident_rates(live_app: str, browser) -> None:
    errors: list[str] = []
    resident = browser.new_context(**PHONE)
    page = resident.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    status_url = resident_reports(page, live_app)
    staff = coordinator_resolves(browser, live_app, errors)
    resident_rates(page, status_url)
    assert errors == []
    zh = public_form_in_chinese(browser, live_app)
    for context in (resident, staff, zh):
        context.close()
