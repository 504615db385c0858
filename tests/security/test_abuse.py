"""Abuse limits: sign-in per address, the public pages, the JSON API and exports answer 429 under a burst."""

from __future__ import annotations

import pytest
from nicegui.testing import User as TestUser
from sqlmodel import Session

from core import config
from core.db import session_scope
from services.accounts.api_tokens import issue_token
from services.errors import Throttled
from services.rate_limits import counting as rate_limit
from tests.helpers import account, sign_in


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """A burst must not straddle two windows of the fixed-window limiters."""
    for limiter in rate_limit.ALL:
        monkeypatch.setattr(limiter, "clock", lambda: 1_000_020.0)


def _token(username: str) -> str:
    with session_scope() as session:
        return issue_token(session, account(session, username)).raw


async def test_brute_force_sign_in_from_one_address_is_slowed(user: TestUser, demo: Session,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    # Each account stays under its own 5-failure throttle; the address as a whole runs out. The
    # setting is read at every sign-in, so lowering it here applies to the page at once.
    monkeypatch.setenv("DOORSTEP_SIGN_IN_ATTEMPTS_PER_ADDRESS", "4")
    config.get_settings.cache_clear()
    for login in ("member1", "member2", "member3", "nobody-here"):
        await sign_in(user, login, "wrong-password")
        await user.should_see("Wrong phone number", retries=30)
    await sign_in(user, "member4")  # the right password, but this address has used up its tries
    await user.should_see("Too many sign-in attempts from this connection.", retries=30)
    await user.should_not_see("My households")
    rate_limit.reset_all()
    await sign_in(user, "member4")
    await user.should_not_see("Too many sign-in attempts")


def test_sign_in_limit_per_address_refuses_the_31st_try_by_default() -> None:
    for _ in range(30):
        rate_limit.SIGN_IN_ATTEMPTS.hit("192.0.2.7")
    with pytest.raises(Throttled):
        rate_limit.SIGN_IN_ATTEMPTS.hit("192.0.2.7")
    rate_limit.SIGN_IN_ATTEMPTS.hit("192.0.2.8")  # another address has its own count


def test_a_raised_sign_in_limit_lets_more_tries_through(monkeypatch: pytest.MonkeyPatch) -> None:
    # A community office whose phones share one NAT address.
    monkeypatch.setenv("DOORSTEP_SIGN_IN_ATTEMPTS_PER_ADDRESS", "100")
    config.get_settings.cache_clear()
    for _ in range(100):
        rate_limit.SIGN_IN_ATTEMPTS.hit("192.0.2.7")
    with pytest.raises(Throttled):
        rate_limit.SIGN_IN_ATTEMPTS.hit("192.0.2.7")


async def test_public_form_answers_429_under_a_burst(user: TestUser, demo: Session) -> None:
    statuses = [(await user.http_client.get("/public/request")).status_code
                for _ in range(rate_limit.PUBLIC_PAGES.limit + 1)]
    assert statuses[:-1] == [200] * rate_limit.PUBLIC_PAGES.limit
    response = await user.http_client.get("/public/request", headers={"Accept-Language": "zh-CN"})
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert "请求过多" in response.text


async def test_json_api_answers_429_per_token_under_a_burst(user: TestUser, demo: Session) -> None:
    headers = {"Authorization": f"Bearer {_token('member1')}"}
    statuses = [(await user.http_client.get("/api/v1/me/households", headers=headers)).status_code
                for _ in range(rate_limit.API_CALLS.limit)]
    assert set(statuses) == {200}
    response = await user.http_client.get("/api/v1/me/households", headers=headers)
    assert response.status_code == 429
    assert response.json() == {"detail": "Too many requests from this connection. Try again in 1 minutes.",
                               "code": "throttled"}
    assert 0 < int(response.headers["Retry-After"]) <= 60
    other = {"Authorization": f"Bearer {_token('member2')}"}  # another client is not affected
    assert (await user.http_client.get("/api/v1/me/households", headers=other)).status_code == 200


async def test_exports_answer_429_after_ten_a_minute(user: TestUser, demo: Session) -> None:
    await sign_in(user, "coord")
    for _ in range(rate_limit.EXPORTS.limit):
        assert (await user.http_client.get("/exports/coverage.csv")).status_code == 200
    response = await user.http_client.get("/exports/coverage.csv")
    assert response.status_code == 429
    assert response.text == "Too many exports in a short time. Try again in 1 minutes."
    assert "Retry-After" in response.headers
