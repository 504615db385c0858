"""NiceGUI's own texts, button case and the time zone's name follow the user's language."""

from __future__ import annotations

from nicegui import ui
from nicegui.testing import User as TestUser
from sqlmodel import Session

from tests.helpers import sign_in


async def test_page_language_follows_the_user_not_the_app_default(user: TestUser, demo: Session) -> None:
    await sign_in(user, "member1")
    await user.open("/")
    await user.should_see("My households")
    assert user.client.page.resolve_language() == "en-US"  # NiceGUI's "Connection lost" box in English
    user.find(marker="language-switch").click()
    await user.should_see("我的结对户")
    assert user.client.page.resolve_language() == "zh-CN"


async def test_buttons_are_in_normal_case(user: TestUser, demo: Session) -> None:
    await sign_in(user, "member1")
    await user.open("/")
    buttons = [b for b in user.find(kind=ui.button).elements]
    assert buttons and all(b.props.get("no-caps") for b in buttons)


async def test_requests_dashboard_names_the_time_zone_in_words(user: TestUser, demo: Session) -> None:
    await sign_in(user, "coord")
    await user.open("/requests/dashboard")
    await user.should_see("days counted in China Time")
    await user.should_not_see("Asia/Shanghai")
    user.find(marker="language-switch").click()
    await user.should_see("日期按中国时间计算")
    await user.should_not_see("Asia/Shanghai")
