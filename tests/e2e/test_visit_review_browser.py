"""In a real browser on a 390x844 phone screen: a member logs a late visit that is not verified, a
coordinator reviews it with a comment, the member sees the comment and answers.
Screenshots go to /work/notes/screens/t13-review/ (DOORSTEP_SCREENS to change)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.live_app import PHONE, running_app

pytestmark = pytest.mark.e2e

SHOTS = Path(os.environ.get("DOORSTEP_SCREENS", "/work/notes/screens/t13-review"))
CONTEXT = {**PHONE, "locale": "en-US", "timezone_id": "Asia/Shanghai"}
COMMENT = "Entered 12 days late and not at the household: what happened?"
ANSWER = "No signal in the building that day; I typed it in when I was back at the office."


@pytest.fixture
def live_app(demo: object, data_dir: Path) -> Iterator[str]:
    """The real app on this test's copy of the seeded demo database."""
    with running_app(data_dir) as url:
        yield url


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")  # a fixed header would otherwise be drawn mid-page
    page.screenshot(path=str(SHOTS / f"review-{name}.png"), full_page=True)


def sign_in(page, base: str, login: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Phone number or username").fill(login)
    page.get_by_label("Password").fill("doorstep-demo")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/", timeout=30_000)


def member_logs_late_visit(member, live_app: str) -> str:
    """Returns the path of the household page the visit was logged from."""
    # 1. The member logs a visit 12 days after it happened, at the registered address (no GPS fix).
    sign_in(member, live_app, "member1")
    first = member.locator("a[href^='/households/']").first
    href = first.get_attribute("href")
    first.click()
    member.wait_for_url(live_app + href)
    member.get_by_role("button", name="Log visit").click()
    member.wait_for_url(lambda url: url.startswith(f"{live_app}{href}/visit"))  # ?visit=<id> follows
    twelve_days_ago = datetime.now(ZoneInfo("Asia/Shanghai")) - timedelta(days=12)
    member.get_by_label("Date").fill(twelve_days_ago.strftime("%Y-%m-%d"))
    member.get_by_role("button", name="At the registered address").click()
    member.get_by_text("At the registered address (not measured)").wait_for()
    member.get_by_label("Notes").fill("Brought the winter subsidy form.")
    shot(member, "1-member-logs-late-visit")
    member.get_by_role("button", name="Save visit").click()
    member.wait_for_url(f"{live_app}{href}?saved=*")
    member.get_by_text("Entered late: 12 days after the visit").wait_for()
    member.get_by_text("Pending review").first.wait_for()
    shot(member, "2-member-sees-signals")
    return href


def coordinator_asks(coord, live_app: str) -> None:
    # 2. The coordinator finds it in the review queue and marks it "has issues" with a comment.
    sign_in(coord, live_app, "coord")
    coord.goto(f"{live_app}/review")
    coord.get_by_text("Entered late: 12 days after the visit").wait_for()
    coord.get_by_role("button", name="Has issues").click()
    coord.get_by_text("Say what is wrong: a comment is required.").wait_for()
    coord.get_by_label("Comment (required for has issues and rejected)").fill(COMMENT)
    shot(coord, "3-coordinator-reviews")
    coord.get_by_role("button", name="Has issues").click()
    coord.get_by_text("Review saved.").wait_for()
    coord.get_by_label("Review state").click()
    coord.get_by_role("option", name="Has issues", exact=True).click()
    coord.get_by_text(COMMENT).wait_for()
    shot(coord, "4-coordinator-queue-after-review")


def member_answers(member, live_app: str, href: str) -> None:
    # 3. The member sees the comment on the home page and answers once on the visit.
    member.goto(f"{live_app}/")
    member.get_by_text("Visits a coordinator asked about").wait_for()
    member.get_by_text(COMMENT).wait_for()
    shot(member, "5-member-home-sees-comment")
    member.goto(live_app + href)
    member.get_by_label("Your answer").fill(ANSWER)
    member.get_by_role("button", name="Send answer").click()
    member.get_by_text(ANSWER).wait_for()
    assert member.get_by_role("button", name="Send answer").count() == 0  # one answer only
    shot(member, "6-member-answered")


def coordinator_sees_answer(coord, live_app: str) -> None:
    # The coordinator sees the answer next to the comment.
    coord.goto(f"{live_app}/review")
    coord.get_by_text(ANSWER).wait_for()
    shot(coord, "7-coordinator-sees-answer")


def test_review_member_logs_late_visit_coordinator_asks_member_answers(live_app: str, browser) -> None:
    errors: list[str] = []
    member_ctx, coord_ctx = browser.new_context(**CONTEXT), browser.new_context(**CONTEXT)
    member, coord = member_ctx.new_page(), coord_ctx.new_page()
    for page in (member, coord):
        page.set_default_timeout(20_000)
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    href = member_logs_late_visit(member, live_app)
    coordinator_asks(coord, live_app)
    member_answers(member, live_app, href)
    coordinator_sees_answer(coord, live_app)
    member_ctx.close()
    coord_ctx.close()
    assert errors == []
