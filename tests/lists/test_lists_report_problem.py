"""A resident finds the request form from the sign-in page and the public board, and learns when to expect an answer."""

from __future__ import annotations

from nicegui.testing import User as TestUser
from sqlmodel import Session, select

from models import Area, RequestCategory
from tests.helpers import answer_challenge
from tests.helpers.request_pages import latest_request, set_value


async def test_sign_in_page_has_a_report_a_problem_entry(user: TestUser, demo: Session) -> None:
    await user.open("/login")
    await user.should_see(marker="report-problem")
    user.find("Report a problem").click()
    await user.should_see(marker="public-send")


async def test_public_board_has_a_report_a_problem_entry_in_chinese(user: TestUser, demo: Session) -> None:
    area = demo.exec(select(Area).where(Area.kind == "community")).first()
    for path in ("/public/board", f"/public/board/{area.id}"):
        await user.open(path)
        await user.should_see(marker="report-problem")
    user.find(marker="language-switch").click()
    await user.should_see("反映问题")


async def test_tracking_code_comes_with_the_promised_response_time(user: TestUser, demo: Session) -> None:
    category = demo.get(RequestCategory, 2)
    category.response_hours = 48
    demo.add(category)
    demo.commit()
    await user.open("/public/request")
    set_value(user, "public-category", 2)
    user.find(marker="public-description").type("The stairwell light is broken")
    await answer_challenge(user)
    user.find(marker="public-send").click()
    await user.should_see("Your request was received.", retries=30)
    await user.should_see(latest_request(demo).tracking_code)
    await user.should_see("We promise an answer within 2 days.")
