"""Each person's own profile: their details, changing their password, choosing their language."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import timedelta

from nicegui.testing import User as TestUser
from sqlmodel import Session

from models.common import utcnow
from services.accounts.auth import session_user
from services.accounts.passwords import verify_password
from services.accounts.users import change_own_password
from tests.helpers import account, choose, element, sign_in

NEW_PASSWORD = "a-fresh-secret-7"


def test_password_change_ends_other_sessions_but_not_the_renewed_one(demo: Session) -> None:
    member = account(demo, "member1")
    member.sessions_valid_after = utcnow() - timedelta(hours=1)
    signed_in_before = time.time() - 60
    assert session_user(demo, member.id, signed_in_before) is not None
    change_own_password(demo, member, "doorstep-demo", NEW_PASSWORD)
    demo.commit()
    assert session_user(demo, member.id, signed_in_before) is None  # the other phone is signed out
    assert session_user(demo, member.id, time.time() + 1) is not None  # renew_session() keeps this browser


async def test_profile_shows_who_one_is(user: TestUser, demo: Session) -> None:
    await sign_in(user, "member2")
    await user.open("/profile")
    assert element(user, "profile-role").text == "Member"
    assert element(user, "profile-area").text == "望江路街道 / 水井坊社区"
    await user.should_not_see(marker="must-change-banner")


async def test_password_errors_are_shown_and_nothing_typed_is_lost(user: TestUser, demo: Session) -> None:
    await sign_in(user, "member1")
    await user.open("/profile")
    user.find(marker="current-password").type("not-my-password")
    user.find(marker="new-password").type(NEW_PASSWORD)
    user.find(marker="repeat-password").type(NEW_PASSWORD)
    user.find(marker="change-password").click()
    await user.should_see("The current password is wrong.", retries=50)
    assert element(user, "new-password").value == NEW_PASSWORD

    element(user, "current-password").value = "doorstep-demo"
    element(user, "new-password").value = "short"
    element(user, "repeat-password").value = "short"
    user.find(marker="change-password").click()
    await user.should_see("The password must have at least 8 characters.", retries=50)

    element(user, "repeat-password").value = "something-else"
    user.find(marker="change-password").click()
    await user.should_see("The two passwords differ.")
    demo.expire_all()
    assert verify_password("doorstep-demo", account(demo, "member1").password_hash)


async def test_changing_the_password_keeps_this_browser_signed_in(
        user: TestUser, create_user: Callable[[], TestUser], demo: Session) -> None:
    other_phone = create_user()
    await sign_in(other_phone, "member1")
    await other_phone.should_see(marker="household-search", retries=30)
    await asyncio.sleep(1.2)  # session_user() tolerates sessions up to 1 s older than the change

    await sign_in(user, "member1")
    await user.open("/profile")
    user.find(marker="current-password").type("doorstep-demo")
    user.find(marker="new-password").type(NEW_PASSWORD)
    user.find(marker="repeat-password").type(NEW_PASSWORD)
    user.find(marker="change-password").click()
    await user.should_see("Your password has been changed.", retries=50)
    await user.open("/")
    await user.should_see(marker="household-search")

    await other_phone.open("/")
    await other_phone.should_see("Phone number or username", retries=30)
    await other_phone.should_not_see(marker="household-search")


async def test_language_choice_is_kept_with_the_account(
        user: TestUser, create_user: Callable[[], TestUser], demo: Session) -> None:
    await sign_in(user, "member4")
    await user.open("/profile")
    choose(user, "language-choice", "中文")
    await user.should_see("修改密码", retries=30)  # "Change password"
    demo.expire_all()
    assert account(demo, "member4").language == "zh_CN"
    demo.commit()

    laptop = create_user()  # another browser, English by default
    await sign_in(laptop, "member4")
    await laptop.should_see(marker="household-search", retries=30)
    await laptop.should_see("我的结对户")  # "My households"
    assert element(laptop, "household-search").props["placeholder"] == "按姓名或地址搜索"
