"""Who is signed in on this browser: the account id lives in NiceGUI user storage, the rest in the DB."""

from __future__ import annotations

import time

from nicegui import app, ui

from core.db import session_scope
from core.i18n import DEFAULT_LANGUAGE, LANGUAGES, set_language_getter
from models import Role, User
from services.auth import session_user


def _storage_language() -> str:
    try:
        return app.storage.user.get("lang", DEFAULT_LANGUAGE)
    except (AssertionError, RuntimeError):  # no request context (CLI, startup)
        return DEFAULT_LANGUAGE


set_language_getter(_storage_language)


def sign_in(user: User) -> None:
    app.storage.user.update(user_id=user.id, issued_at=time.time())
    if user.language in LANGUAGES:
        app.storage.user["lang"] = user.language


def renew_session() -> None:
    """After a password change this browser stays signed in while others are signed out."""
    app.storage.user["issued_at"] = time.time() + 1


def sign_out() -> None:
    lang = app.storage.user.get("lang")
    app.storage.user.clear()
    if lang:
        app.storage.user["lang"] = lang


def current_user() -> User | None:
    """The signed-in, still active user, read fresh from the database."""
    with session_scope() as session:
        return session_user(session, app.storage.user.get("user_id"), app.storage.user.get("issued_at"))


def require_user(*roles: Role) -> User | None:
    """The current user if they hold one of ``roles`` (any role if none given).

    Otherwise the browser is sent to the sign-in page (or home, for a wrong role) and None is
    returned: callers stop there. Every page and every event handler calls this, so a
    deactivated account stops working at its next click, not only at its next page load.
    """
    user = current_user()
    if user is None:
        sign_out()
        ui.navigate.to("/login")
        return None
    if user.must_change_password and not _on_path("/profile"):
        ui.navigate.to("/profile?must_change=1")
        return None
    if roles and user.role not in roles:
        ui.navigate.to("/")
        return None
    return user


def _on_path(path: str) -> bool:
    try:
        return ui.context.client.page.path == path
    except Exception:
        return False
