"""Open redirect: after signing in the browser goes only to the app's own pages, read as a browser reads URLs."""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qs, urlsplit

import pytest
from nicegui.testing import User as TestUser
from sqlmodel import Session

from pages.safe_redirect import safe_redirect
from services.demo.organisation import DEMO_PASSWORD

LEAVING = ["/\\evil.example/x", "/\t/evil.example/x", "/\n/evil.example/x", "/\r\n/evil.example", "//evil.example",
           "\\\\evil.example", " //evil.example", "/%5Cevil.example/x", "/%2F%2Fevil.example", "/%252F/evil.example",
           "https://evil.example/", "javascript:alert(1)", "\x00//evil.example", "/\\\\evil.example",
           "/no-such-page", "/logout", "/login/finish?ticket=x"]
STAYING = {"/map?area=3&from=2026-01-01": "/map?area=3&from=2026-01-01", "/households/12/visit": "/households/12/visit",
           "/events/4": "/events/4", "/requests?status=open#top": "/requests?status=open", "": "/"}


@pytest.mark.parametrize("target", LEAVING)
def test_redirect_targets_that_leave_the_site_become_the_start_page(user: TestUser, target: str) -> None:
    assert safe_redirect(target) == "/"


@pytest.mark.parametrize(("target", "expected"), STAYING.items())
def test_redirect_to_own_pages_is_kept(user: TestUser, target: str, expected: str) -> None:
    assert safe_redirect(target) == expected


@pytest.mark.parametrize("encoded", ["%2F%5Cevil.example%2Fx", "%2F%09%2Fevil.example%2Fx"])
async def test_signing_in_with_a_hostile_redirect_lands_on_the_start_page(user: TestUser, demo: Session,
                                                                         encoded: str) -> None:
    await user.open(f"/login?redirect_to={encoded}")
    user.find("Phone number or username").type("member1")
    user.find("Password").type(DEMO_PASSWORD)
    user.find(marker="sign-in").click()
    for _ in range(150):
        finish = [p for p in user.back_history if p.startswith("/login/finish")]
        if finish:
            break
        await asyncio.sleep(0.1)
    assert finish, "signing in did not reach /login/finish"
    assert parse_qs(urlsplit(finish[0]).query)["redirect_to"] == ["/"]
