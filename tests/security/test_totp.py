"""Two-step sign-in (TOTP) for coordinators and admins; the common-password list."""

from __future__ import annotations

import contextlib
from datetime import timedelta

import pyotp
import pytest
from nicegui.testing import User as TestUser
from sqlmodel import Session, select

from core import config
from core.db import session_scope
from models import AuditEntry, LoginAttempt, User
from models.common import utcnow
from services.accounts import auth
from services.accounts.passwords import check_password_policy
from services.errors import InvalidInput, Throttled
from tests.helpers import account, sign_in
from tests.helpers.security import submit_sign_in


def enrol(username: str) -> str:
    """Turn TOTP on for an account through the service; returns the secret."""
    secret = auth.new_totp_secret()
    with session_scope() as s:
        user = s.exec(select(User).where(User.username == username)).one()
        earlier = utcnow() - timedelta(seconds=90)  # the enrolment code must not use up the current one
        auth.enable_totp(s, user, secret, pyotp.TOTP(secret).at(earlier), now=earlier)
    return secret


@pytest.mark.parametrize("password", ["password123", "qwerty123", "11111111", "88888888", "Password123"])
def test_common_passwords_are_refused(password: str) -> None:
    with pytest.raises(InvalidInput):
        check_password_policy(password)


def test_a_long_unusual_password_is_accepted() -> None:
    check_password_policy("lantern-on-jinjiang-7")
    with pytest.raises(InvalidInput):
        check_password_policy("short1")


def test_members_cannot_enable_totp(demo: Session) -> None:
    secret = auth.new_totp_secret()
    with pytest.raises(InvalidInput):
        auth.enable_totp(demo, account(demo, "member1"), secret, pyotp.TOTP(secret).now())


def test_a_code_signs_in_once_and_wrong_codes_are_throttled(demo: Session) -> None:
    secret = enrol("coord")
    coord = account(demo, "coord")
    demo.rollback()
    now = utcnow()
    code = pyotp.TOTP(secret).at(now)
    assert auth.verify_totp_login(demo, coord.id, "coord", code, now=now).id == coord.id
    with pytest.raises(InvalidInput):  # replay of the same code
        auth.verify_totp_login(demo, coord.id, "coord", code, now=now)
    for _ in range(4):
        with contextlib.suppress(InvalidInput):
            auth.verify_totp_login(demo, coord.id, "coord", "000000", now=now)
    with pytest.raises(Throttled):  # five failures in the window: even a right code waits
        auth.verify_totp_login(demo, coord.id, "coord", pyotp.TOTP(secret).at(now + timedelta(seconds=30)),
                               now=now + timedelta(seconds=30))
    failures = demo.exec(select(LoginAttempt).where(LoginAttempt.login == "coord",
                                                    LoginAttempt.success == False)).all()  # noqa: E712
    assert len(failures) == 5


async def test_sign_in_asks_for_the_code_when_enabled(user: TestUser, demo: Session) -> None:
    secret = enrol("admin")
    await submit_sign_in(user, "admin")
    await user.should_see("Enter the 6-digit code from your authenticator app.", retries=50)
    await user.should_not_see(marker="menu")
    user.find(marker="totp-code").type("123456" if pyotp.TOTP(secret).now() != "123456" else "654321")
    user.find(marker="totp-confirm").click()
    await user.should_see("That code is not right. Check the time on your phone and try again.", retries=30)
    user.find(marker="totp-code").type(pyotp.TOTP(secret).now())
    user.find(marker="totp-confirm").click()
    await user.should_see(marker="menu", retries=50)
    demo.rollback()
    actions = demo.exec(select(AuditEntry.action).where(AuditEntry.actor_id == account(demo, "admin").id)).all()
    assert "login.password" in actions and "login.success" in actions


async def test_setting_up_two_step_sign_in_on_the_profile_page(user: TestUser, demo: Session) -> None:
    await sign_in(user, "coord")
    await user.open("/profile/2fa")
    key = user.find(marker="totp-key").elements.pop().text.replace(" ", "")
    user.find(marker="totp-setup-code").type(pyotp.TOTP(key).now())
    user.find(marker="totp-enable").click()
    await user.should_see("Two-step sign-in is on.", retries=30)
    demo.rollback()
    coord = account(demo, "coord")
    assert coord.totp_enabled and coord.totp_secret == key


async def test_required_setting_sends_staff_to_set_up(user: TestUser, demo: Session,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOORSTEP_REQUIRE_TOTP_FOR_STAFF", "1")
    config.get_settings.cache_clear()
    await submit_sign_in(user, "coord")
    await user.should_see("Your organisation requires two-step sign-in for your role. Set it up to continue.",
                          retries=50)
    await user.open("/visits")
    await user.should_see("Your organisation requires two-step sign-in for your role. Set it up to continue.")
    # Members are not affected.
    await sign_in(user, "member1")
    await user.should_see("My households")
