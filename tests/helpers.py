"""Small helpers shared by the tests."""

from __future__ import annotations

import asyncio

from nicegui import ElementFilter, ui
from nicegui.testing import User as TestUser
from sqlmodel import Session, select

from models import User
from services.demo import DEMO_PASSWORD


async def sign_in(user: TestUser, login: str, password: str = DEMO_PASSWORD) -> None:
    await user.open("/login")
    login_page = user.client
    user.find("Phone number or username").type(login)
    user.find("Password").type(password)
    user.find(marker="sign-in").click()
    # Argon2 runs off the event loop and is slow on a busy machine: wait until the browser has
    # left the sign-in page or the page shows why not, so callers' should_see() does not race it.
    for _ in range(150):
        if user.client is not login_page or any(label.text for label in _error_labels(user)):
            return
        await asyncio.sleep(0.1)


def _error_labels(user: TestUser) -> list[ui.label]:
    with user:
        return list(ElementFilter(kind=ui.label, marker="login-error", local_scope=False))


def account(session: Session, username: str) -> User:
    return session.exec(select(User).where(User.username == username)).one()
