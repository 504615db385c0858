"""Signing in and out, first-run set-up and the sign-in throttle, as a person would use them."""

from __future__ import annotations

import contextlib
from datetime import timedelta

import pytest
from nicegui.testing import User as TestUser
from sqlmodel import Session

from core.db import session_scope
from models.common import utcnow
from services.accounts.auth import authenticate
from services.errors import InvalidInput, Throttled
from tests.helpers import account, sign_in


async def test_empty_database_opens_first_run_setup(user: TestUser) -> None:
    await user.open("/")
    await user.should_see("Create the organisation and the first administrator.")
    user.find("Organisation name").type("Riverside Community Service")
    user.find("Top area (e.g. street office)").type("Riverside")
    user.find("Your name").type("Ada Admin")
    user.find("Username").type("ada")
    user.find(marker="").elements  # noqa: B018
    for label in ("Password", "Repeat the password"):
        user.find(label).type("a-long-secret-1")
    user.find(marker="create-organisation").click()
    await user.should_see("Overview", retries=20)


async def test_member_signs_in_and_sees_households(user: TestUser, demo: Session) -> None:
    await sign_in(user, "member1")
    await user.should_see("My households")
    await user.should_see("days since last visit")


async def test_sign_in_by_phone_number(user: TestUser, demo: Session) -> None:
    await sign_in(user, "139-0000-0001")
    await user.should_see("My households")


async def test_wrong_password_is_refused_without_saying_which_part(user: TestUser, demo: Session) -> None:
    await sign_in(user, "member1", "not-the-password")
    await user.should_see("Wrong phone number, username or password.", retries=30)
    await user.should_not_see("My households")


async def test_signed_out_browser_is_sent_to_sign_in(user: TestUser, demo: Session) -> None:
    await user.open("/")
    await user.should_see("Sign in")
    await user.should_not_see("My households")


async def test_signing_out_revokes_the_browsers_api_token(user: TestUser, demo: Session) -> None:
    await sign_in(user, "member1")
    minted = await user.http_client.post("/api/v1/session-token", headers={"Sec-Fetch-Site": "same-origin"})
    assert minted.status_code == 200
    bearer = {"Authorization": f"Bearer {minted.json()['token']}"}
    assert (await user.http_client.get("/api/v1/me/households", headers=bearer)).status_code == 200
    signed_out = await user.http_client.get("/logout")
    assert "Signing out" in signed_out.text
    assert (await user.http_client.get("/api/v1/me/households", headers=bearer)).status_code == 401
    await user.open("/")
    await user.should_see("Sign in")


async def test_five_failures_lock_the_account_for_a_while(user: TestUser, demo: Session) -> None:
    for _ in range(5):
        await sign_in(user, "member2", "wrong-password")
        await user.should_see("Wrong phone number, username or password.", retries=30)
    await sign_in(user, "member2")  # the right password is refused too, for now
    await user.should_see("Too many failed attempts. Try again in 15 minutes.", retries=30)
    await user.should_not_see("My households")


def test_throttle_lifts_after_the_window(demo: Session) -> None:
    start = utcnow()
    for _ in range(5):
        with contextlib.suppress(InvalidInput):
            authenticate(demo, "member3", "wrong-password", now=start)
    try:
        authenticate(demo, "member3", "doorstep-demo", now=start + timedelta(minutes=1))
        raise AssertionError("sixth attempt should be throttled")
    except Throttled:
        pass
    user = authenticate(demo, "member3", "doorstep-demo", now=start + timedelta(minutes=16))
    assert user.username == "member3"


def test_the_password_hash_is_checked_outside_any_transaction(demo: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    # On SQLite a writing transaction holds the database's write lock; argon2 (about half a second
    # of CPU) inside one made concurrent sign-ins wait for each other until "database is locked".
    from services.accounts import auth

    inside: list[bool] = []
    real = auth.verify_password
    with session_scope() as session:
        def spy(password: str, password_hash: str) -> bool:
            inside.append(session.in_transaction())
            return real(password, password_hash)

        monkeypatch.setattr(auth, "verify_password", spy)
        assert authenticate(session, "member3", "doorstep-demo").username == "member3"
        with contextlib.suppress(InvalidInput):
            authenticate(session, "no-such-person", "doorstep-demo")
    assert inside == [False, False]


def test_deactivated_user_cannot_sign_in(demo: Session) -> None:
    member = account(demo, "member4")
    member.active = False
    demo.add(member)
    demo.commit()
    try:
        authenticate(demo, "member4", "doorstep-demo")
        raise AssertionError("deactivated account signed in")
    except InvalidInput:
        pass
