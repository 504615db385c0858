"""Who is signed in on this browser: the account id lives in NiceGUI user storage, the rest in the DB.

Signing in is two requests: the page that checked the password (and the second factor) puts a
one-time ticket in this browser's storage and sends the browser to /login/finish with it; that
plain HTTP request gives the browser a NEW session id (cookie) and user storage, and only then
records the account there. A session id planted in the browser before sign-in (session fixation)
is therefore worth nothing afterwards, and the ticket works once, within a minute, only in the
browser that got it.

Each session keeps ``signed_in_at`` (absolute lifetime, ``session_max_hours``), ``issued_at``
(revocation: sessions issued before the account's ``sessions_valid_after`` end) and
``last_seen`` (idle timeout, ``session_idle_minutes``; refreshed at most once a minute by
page loads and event handlers, never by the background check of open pages).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import uuid
from collections.abc import Collection
from urllib.parse import quote

from nicegui import app, storage, ui
from starlette.requests import Request

from core.i18n import DEFAULT_LANGUAGE, LANGUAGES, N_, match_language, set_language_getter
from models import Role, User
from services.accounts import auth

log = logging.getLogger(__name__)
TICKET_SECONDS = 60
TOUCH_SECONDS = 60
REFUSED_KEY = "refused_page_notice"  # shown once on the start page


def _storage_language() -> str:
    """The language chosen in this browser's storage, else the one its Accept-Language asks for.

    Nothing is written for a browser that chose none: an anonymous request creates no session file.
    """
    try:
        chosen = app.storage.user.get("lang")
    except (AssertionError, RuntimeError, KeyError):  # no request context (CLI, startup)
        return DEFAULT_LANGUAGE
    if chosen:
        return chosen
    request = storage.request_contextvar.get()
    return match_language(request.headers.get("accept-language")) if request is not None else DEFAULT_LANGUAGE


set_language_getter(_storage_language)


def _digest(ticket: str) -> str:
    return hashlib.sha256(ticket.encode()).hexdigest()


def begin_sign_in(user: User, redirect_to: str = "/") -> str:
    """The URL that completes signing in ``user`` on this browser (navigate there next)."""
    ticket = secrets.token_urlsafe(32)
    app.storage.user["login_ticket"] = {"digest": _digest(ticket), "user_id": user.id, "at": auth.now_ts()}
    return f"/login/finish?ticket={quote(ticket)}&redirect_to={quote(redirect_to)}"


def take_ticket(ticket: str) -> int | None:
    """The user id of a valid one-time ticket in this browser's storage; the ticket is used up."""
    pending = app.storage.user.pop("login_ticket", None)
    if not isinstance(pending, dict) or not ticket:
        return None
    if not hmac.compare_digest(str(pending.get("digest", "")), _digest(ticket)):
        return None
    if auth.now_ts() - float(pending.get("at", 0)) > TICKET_SECONDS:
        return None
    return pending.get("user_id")


async def rotate_session_id(request: Request) -> bool:
    """Give this browser a fresh NiceGUI session id (new cookie) with empty user storage.

    Uses NiceGUI internals (``app.storage._create_user_storage``); if they change, the session
    id is kept and False returned (the account is still bound to a fresh ticket).
    """
    create = getattr(app.storage, "_create_user_storage", None)
    if create is None or "id" not in request.session:
        log.warning("cannot rotate the session id: NiceGUI storage internals changed")
        return False
    new_id = str(uuid.uuid4())
    await create(new_id)
    request.session["id"] = new_id
    return True


def sign_in(user: User) -> None:
    """Record ``user`` in this browser's (fresh) storage. Call only from /login/finish."""
    now = auth.now_ts()
    app.storage.user.update(user_id=user.id, issued_at=now, signed_in_at=now, last_seen=now)
    if user.language in LANGUAGES:
        app.storage.user["lang"] = user.language


def renew_session() -> None:
    """After a password change this browser stays signed in while others are signed out."""
    app.storage.user["issued_at"] = auth.now_ts() + 1


def sign_out() -> None:
    lang = app.storage.user.get("lang")
    app.storage.user.clear()
    if lang:
        app.storage.user["lang"] = lang


def record_use(now: float) -> None:
    """Note this browser's use for the idle timeout (written at most once a minute)."""
    storage = app.storage.user
    if now - float(storage.get("last_seen") or 0) >= TOUCH_SECONDS:
        storage["last_seen"] = now


def login_url(target: str) -> str:
    """The sign-in page that returns to ``target`` (a path with its query) afterwards."""
    return f"/login?redirect_to={quote(target)}"


def _this_page() -> str:
    """The path and query of the page this code runs for ("/" outside a page)."""
    try:
        url = ui.context.client.request.url
    except Exception:
        return "/"
    return url.path + (f"?{url.query}" if url.query else "")


def admit(user: User | None, roles: Collection[Role] = ()) -> User | None:
    """``user`` if they may be here with one of ``roles`` (any role if none given).

    Otherwise the browser is sent to the sign-in page (or home, for a wrong role) and None is
    returned: callers stop there.
    """
    if user is None:
        sign_out()
        ui.navigate.to(login_url(_this_page()))
        return None
    if user.must_change_password and not _on_path("/profile"):
        ui.navigate.to("/profile?must_change=1")
        return None
    if auth.totp_required(user) and not _on_path("/profile/2fa"):
        ui.navigate.to("/profile/2fa")
        return None
    if roles and user.role not in roles:
        app.storage.user[REFUSED_KEY] = N_("Your account cannot open that page, so you were brought to your start "
                                           "page. Ask a coordinator if you need it.")
        ui.navigate.to("/")
        return None
    return user


def take_refused_notice() -> str | None:
    """The msgid saying why the last page was refused, once (the start page shows it)."""
    return app.storage.user.pop(REFUSED_KEY, None)


def leave_ended_session() -> None:
    """The session of this open page has ended: forget it and go to sign-in (back here afterwards)."""
    sign_out()
    ui.navigate.to(login_url(_this_page()))


def _on_path(path: str) -> bool:
    try:
        return ui.context.client.page.path == path
    except Exception:
        return False
