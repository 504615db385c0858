"""Small helpers shared by the tests."""

from __future__ import annotations

from nicegui.testing import User as TestUser
from sqlmodel import Session, select

from models import User
from services.demo import DEMO_PASSWORD


async def sign_in(user: TestUser, login: str, password: str = DEMO_PASSWORD, expect_success: bool = True) -> None:
    """Sign in through the form; waits for the signed-in frame (password hashing takes a moment)."""
    await user.http_client.get("/logout")
    await user.open("/login")
    user.find("Phone number or username").type(login)
    user.find("Password").type(password)
    user.find(marker="sign-in").click()
    if expect_success:
        await user.should_see(marker="menu", retries=50)
        # Signing in gives the browser a new session id (/login/finish). The redirects ran in a
        # background task; open the start page from the test's own task so that code the test
        # calls directly (e.g. an uploader's handle_uploads) sees the signed-in session too.
        await user.open("/")


def account(session: Session, username: str) -> User:
    return session.exec(select(User).where(User.username == username)).one()
