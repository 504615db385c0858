"""Sessions: idle and absolute lifetime, revocation, a new session id at sign-in, open pages that
stop working once their account is deactivated, and the sign-in throttle."""

from __future__ import annotations

import time
from datetime import timedelta

import httpx
import pytest
from nicegui.testing import User as TestUser
from sqlmodel import Session, select

from core import config
from core.db import session_scope
from models.common import utcnow
from services.accounts import auth
from services.accounts.auth import session_user
from services.accounts.users import set_active
from tests.helpers import account, sign_in

HOUR = 3600.0


def test_idle_and_absolute_lifetime_with_a_fake_clock(demo: Session) -> None:
    member = account(demo, "member1")
    start = time.time() + 5  # after sessions_valid_after of the seeded account
    settings = config.get_settings()
    idle, lifetime = settings.session_idle_minutes * 60, settings.session_max_hours * HOUR
    assert session_user(demo, member.id, start, last_seen=start, now=start + 10) is not None
    # Idle: refused once the last use is longer ago than the idle timeout.
    assert session_user(demo, member.id, start, last_seen=start, now=start + idle - 1) is not None
    assert session_user(demo, member.id, start, last_seen=start, now=start + idle + 1) is None
    # Absolute: refused after the lifetime even when used a minute ago.
    late = start + lifetime + 1
    assert session_user(demo, member.id, start, last_seen=late - 60, now=late) is None
    assert session_user(demo, member.id, start, last_seen=late - 60, now=late - 2) is not None


def test_revoked_session_is_refused(demo: Session) -> None:
    admin, member = account(demo, "admin"), account(demo, "member2")
    issued = time.time() + 1
    assert session_user(demo, member.id, issued, now=issued + 5) is not None
    with session_scope() as s:
        from services.accounts.users import reset_password

        reset_password(s, s.get(type(admin), admin.id), member.id)  # revokes every session of member2
    demo.rollback()
    assert session_user(demo, member.id, issued - 2, now=issued + 5) is None


async def test_expired_session_is_sent_to_sign_in(user: TestUser, demo: Session,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    await sign_in(user, "member1")
    await user.should_see("My households")
    idle = config.get_settings().session_idle_minutes * 60
    real = time.time
    monkeypatch.setattr(auth, "now_ts", lambda: real() + idle + 60)
    await user.open("/")
    await user.should_see("Phone number or username")
    await user.should_not_see("My households")


async def test_timed_out_session_redirects_to_sign_in_with_the_page_it_was_on(
        user: TestUser, demo: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    await sign_in(user, "coord")
    assert (await user.http_client.get("/visits?member=3", follow_redirects=False)).status_code == 200
    idle = config.get_settings().session_idle_minutes * 60
    real = time.time
    monkeypatch.setattr(auth, "now_ts", lambda: real() + idle + 60)
    response = await user.http_client.get("/visits?member=3", follow_redirects=False)
    # The address bar shows the sign-in page, which leads back to the page afterwards.
    assert response.status_code in (302, 303, 307)
    assert response.headers["location"] == "/login?redirect_to=/visits%3Fmember%3D3"


async def test_signing_in_gives_a_new_session_id_and_the_old_one_is_worthless(user: TestUser, demo: Session) -> None:
    await user.http_client.get("/logout")
    await user.open("/login")
    before = dict(user.http_client.cookies)
    assert before.get("session")
    await sign_in(user, "member1")
    after = dict(user.http_client.cookies)
    assert after["session"] != before["session"]
    # A browser still holding the cookie from before sign-in (session fixation) is not signed in.
    async with httpx.AsyncClient(transport=user.http_client._transport, base_url="http://test",
                                 cookies={"session": before["session"]}) as other:
        response = await other.get("/", follow_redirects=False)
    assert response.status_code in (302, 303, 307) and "/login" in response.headers["location"]


async def test_login_finish_refuses_a_forged_ticket(user: TestUser, demo: Session) -> None:
    await user.open("/login")
    response = await user.http_client.get("/login/finish?ticket=forged&redirect_to=/", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login"


async def test_deactivated_users_open_page_stops_working(user: TestUser, demo: Session,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOORSTEP_SESSION_CHECK_SECONDS", "0.2")
    config.get_settings.cache_clear()
    await sign_in(user, "member3")
    await user.should_see("My households")
    with session_scope() as s:
        set_active(s, s.get(type(account(demo, "admin")), account(demo, "admin").id), account(demo, "member3").id,
                   False)
    # Nobody clicks: the page's own check sends it to sign-in.
    await user.should_see("Phone number or username", retries=40)
    await user.should_not_see("My households")


async def test_password_change_elsewhere_ends_the_open_page(user: TestUser, demo: Session,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOORSTEP_SESSION_CHECK_SECONDS", "0.2")
    config.get_settings.cache_clear()
    await sign_in(user, "member5")
    await user.should_see("My households")
    with session_scope() as s:
        member = s.get(type(account(demo, "member5")), account(demo, "member5").id)
        member.sessions_valid_after = utcnow() + timedelta(seconds=2)  # beyond the 1 s skew allowance
        s.add(member)
    await user.should_see("Phone number or username", retries=40)


def test_brute_force_is_slowed_for_unknown_accounts_too(demo: Session) -> None:
    """Guessing is throttled per login whether or not the account exists (no account probing)."""
    from services.accounts.auth import authenticate
    from services.errors import InvalidInput, Throttled

    now = utcnow()
    for login in ("member6", "no-such-person"):
        for _ in range(config.get_settings().login_max_failures):
            with pytest.raises(InvalidInput):
                authenticate(demo, login, "guess-guess", now=now)
        with pytest.raises(Throttled):
            authenticate(demo, login, "doorstep-demo", now=now + timedelta(minutes=1))


def test_throttle_counts_per_account_not_per_name_typed(demo: Session) -> None:
    """Five wrong passwords as member5, then more as member5's phone number: the same account, one counter."""
    from services.accounts.auth import authenticate
    from services.errors import InvalidInput, Throttled

    now = utcnow()
    for login in ("member5", "member5", "MEMBER5", "139 0000 0005", "13900000005"):
        with pytest.raises(InvalidInput):
            authenticate(demo, login, "guess-guess", now=now)
    for login in ("13900000005", "member5"):
        with pytest.raises(Throttled):
            authenticate(demo, login, "doorstep-demo", now=now + timedelta(minutes=1))
    # Another account is not slowed by member5's failures.
    assert authenticate(demo, "13900000006", "doorstep-demo", now=now).username == "member6"


async def test_photo_urls_refuse_an_idle_session(user: TestUser, demo: Session,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from models import Photo
    from tests.helpers.security import member_household, visit_with_photos

    member, household = member_household(demo, "member1")
    visit = visit_with_photos(member, household, [0])
    demo.rollback()
    photo_id = demo.exec(select(Photo.id).where(Photo.visit_id == visit.id)).one()
    await sign_in(user, "member1")
    assert (await user.http_client.get(f"/photos/{photo_id}/thumb")).status_code == 200
    idle = config.get_settings().session_idle_minutes * 60
    real = time.time
    monkeypatch.setattr(auth, "now_ts", lambda: real() + idle + 60)
    # Refused: the session has ended, so the browser is sent to sign in (before: a 404 here).
    response = await user.http_client.get(f"/photos/{photo_id}/thumb", follow_redirects=False)
    assert response.status_code == 307 and response.headers["location"].startswith("/login")
