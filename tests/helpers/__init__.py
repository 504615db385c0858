"""Small helpers shared by the tests."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable

from nicegui import ElementFilter, storage, ui
from nicegui.testing import User as TestUser
from sqlmodel import Session, select

from models import User
from services.demo.organisation import DEMO_PASSWORD


async def sign_in(user: TestUser, login: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the form; waits until the browser left the sign-in page or an error shows."""
    await user.http_client.get("/logout")
    await user.open("/login")
    login_page = user.client
    user.find("Phone number or username").type(login)
    user.find("Password").type(password)
    user.find(marker="sign-in").click()
    # Argon2 runs off the event loop and is slow on a busy machine: wait until the browser has
    # left the sign-in page or the page shows why not, so callers' should_see() does not race it.
    for _ in range(150):
        if any(label.text for label in _error_labels(user)):
            return
        if user.client is not login_page:
            # Signing in gives the browser a new session id (/login/finish) in a background task;
            # open the start page from the test's own task so that code the test calls directly
            # (e.g. an uploader's handle_uploads) sees the signed-in session too. On a loaded
            # machine that task may not have finished yet: the start page then shows sign-in.
            for _ in range(50):
                await user.open("/")
                if not _on_sign_in_page(user):
                    return
                await asyncio.sleep(0.1)
            raise AssertionError(f"signed in as {login!r}, but the start page still asks to sign in")
        await asyncio.sleep(0.1)
    raise AssertionError(f"signing in as {login!r} neither left the sign-in page nor showed an error in 15 s")


async def answer_challenge(user: TestUser) -> None:
    """Answer the public forms' "what is a + b?" question as a person would."""
    label = user.find(marker="challenge-question").elements.pop()
    found = re.search(r"(\d+) \+ (\d+)", label.text)
    assert found is not None, label.text
    a, b = map(int, found.groups())
    user.find(marker="challenge-answer").type(str(a + b))


def _on_sign_in_page(user: TestUser) -> bool:
    with user:
        return any(True for _ in ElementFilter(marker="sign-in", local_scope=False))


def _error_labels(user: TestUser) -> list[ui.label]:
    with user:
        return list(ElementFilter(kind=ui.label, marker="login-error", local_scope=False))


def account(session: Session, username: str) -> User:
    return session.exec(select(User).where(User.username == username)).one()


def element(user: TestUser, marker: str) -> ui.element:
    """The one element carrying ``marker`` on the user's current page."""
    found = user.find(marker=marker).elements
    assert len(found) == 1, f"{len(found)} elements marked {marker!r}"
    return next(iter(found))


def choose(user: TestUser, marker: str, option_label: str) -> None:
    """Pick an option of a select or toggle by its visible label."""
    with user:
        select = element(user, marker)
        assert isinstance(select, ui.select | ui.toggle)
        options = select.options if isinstance(select.options, dict) else {o: o for o in select.options}
        select.value = next(key for key, label in options.items() if label == option_label)


def act_as(user: TestUser) -> TestUser:
    """Let the simulated clicks that follow run in this browser's session, as a real browser's events do.

    The user simulation runs handlers in the test's context, whose session is the one of the last
    page any simulated browser opened; with two browsers in one test that can be the other one.
    """
    storage.request_contextvar.set(user.client.request if user.client else None)
    return user


async def eventually(check: Callable[[], object], timeout: float = 10.0) -> None:
    """Wait until ``check()`` is truthy (page actions run off the event loop, so a click's effect lands later)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        try:
            if check():
                return
        except AssertionError:
            pass
        if asyncio.get_running_loop().time() > deadline:
            assert check(), "condition not met in time"
        await asyncio.sleep(0.02)
