"""The page-side twin of api/v1/deps.py: the signed-in user a page needs, and one way to call a service.

Database work never runs on NiceGUI's event loop (one slow query would stall every connected
phone): ``page_user`` reads the account in a worker thread, ``load`` runs a read in a read-only
session there, and ``perform`` runs a change in a session there, turns a ``ServiceError`` into
the user's message and refreshes what shows the result.

What runs in the worker thread must not translate text: the user's language lives in the
browser's storage, which only the event loop can read. Services raise msgids (``N_``) and return
data; the page translates when it renders.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, Generic, TypeVar

from nicegui import app, run

from core.db import session_scope
from models import Role, User
from pages.messages import notify_error, notify_ok
from pages.session import admit, leave_ended_session, record_use
from services.accounts import auth
from services.errors import ServiceError
from services.policy import ALL_ROLES

T = TypeVar("T")


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What ``perform`` did: ``ok`` is False when the user was refused (the message is shown)."""

    ok: bool
    value: T | None = None

    def __bool__(self) -> bool:
        return self.ok


async def in_worker(fn: Callable[..., T], *args: Any) -> T:
    """``fn(*args)`` on NiceGUI's thread pool. Unlike ``run.io_bound``, a page closed meanwhile cancels
    the caller (CancelledError) instead of handing it None as if it were the result."""
    try:
        return await asyncio.get_running_loop().run_in_executor(run.thread_pool, partial(fn, *args))
    except RuntimeError as exc:  # the pool is shut down: the app is stopping
        raise asyncio.CancelledError from exc


async def page_user(roles: frozenset[Role] = ALL_ROLES) -> User | None:
    """The signed-in user if they hold one of ``roles``; otherwise the browser is sent on and None returned.

    Called by every page and every event handler, so a deactivated account stops at its next
    click, not only at its next page load.
    """
    now = auth.now_ts()
    user, current = await _session_account(now)
    if not current:  # the browser signed in or out meanwhile: judge by the session it holds now
        user, _current = await _session_account(now)
    if user is not None:
        record_use(now)
    return admit(user, roles)


async def session_still_open() -> bool:
    """For the timer on open pages: False (and off to sign-in) once the session has ended.

    Reads the account in a worker thread like ``page_user``; never counts as use (idle timeout).
    """
    user, current = await _session_account(auth.now_ts())
    if user is not None or not current:
        return True  # signed in, or the browser signed in again meanwhile: the next check sees that session
    leave_ended_session()
    return False


def _session_key(data: dict[str, Any]) -> tuple[Any, Any]:
    return data.get("user_id"), data.get("issued_at")


async def _session_account(now: float) -> tuple[User | None, bool]:
    """The account of this browser's session, read off the loop, and whether the browser still holds
    that session once it is read (a sign-in or sign-out in another tab may have come in between: a
    page must not then sign out the session the browser has now)."""
    data = dict(app.storage.user)
    user = await in_worker(auth.stored_session_user, data, now)
    return user, _session_key(dict(app.storage.user)) == _session_key(data)


def _read(call: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any]) -> T:
    with session_scope(read_only=True) as session:
        return call(session, *args, **kwargs)


def _change(call: Callable[..., T], actor: User, args: tuple[Any, ...], kwargs: dict[str, Any]) -> T:
    with session_scope() as session:
        return call(session, actor, *args, **kwargs)


async def load(call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``call(session, *args, **kwargs)`` in a read-only session, off the event loop."""
    return await in_worker(_read, call, args, kwargs)


async def perform(call: Callable[..., T], *args: Any, roles: frozenset[Role] = ALL_ROLES, done: str | None = None,
                  refresh: Callable[[], Any] | None = None, on_error: Callable[[ServiceError], Any] | None = None,
                  **kwargs: Any) -> Outcome[T]:
    """Run ``call(session, actor, *args, **kwargs)`` in one transaction, off the event loop.

    The actor is read fresh (see ``page_user``). A ``ServiceError`` becomes the user's message
    (a notification, or ``on_error`` for a form that shows it in place) and nothing is reported
    done; otherwise ``done`` is shown and ``refresh`` called.
    """
    actor = await page_user(roles)
    if actor is None:
        return Outcome(False)
    try:
        value = await in_worker(_change, call, actor, args, kwargs)
    except ServiceError as exc:
        (on_error or notify_error)(exc)
        return Outcome(False)
    if done:
        notify_ok(done)
    if refresh is not None:
        result = refresh()
        if inspect.isawaitable(result):
            await result
    return Outcome(True, value)

