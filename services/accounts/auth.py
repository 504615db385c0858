"""Signing in: password check, throttling after repeated failures, session validity."""

from __future__ import annotations

import hmac
import math
import time
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import pyotp
from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from core.config import get_settings
from core.db import session_scope
from core.i18n import N_
from models import LoginAttempt, User
from models.common import utcnow
from services import audit
from services.accounts.api_tokens import revoke_tokens_for
from services.accounts.passwords import hash_password, verify_password
from services.errors import InvalidInput, Throttled
from services.policy import SECOND_FACTOR_ROLES

# Verifying against a dummy hash keeps the timing of "no such user" like a wrong password.
_DUMMY_HASH = hash_password("doorstep-dummy-password")


def normalise_login(login: str) -> str:
    return login.strip().lower().replace(" ", "").replace("-", "")


def find_user_by_login(session: Session, login: str) -> User | None:
    key = normalise_login(login)
    if not key:
        return None
    return session.exec(
        select(User).where(or_(func.lower(User.username) == key, User.phone == key))
    ).first()


def _check_throttle(session: Session, key: str, now: datetime, user_id: int | None = None) -> None:
    """Refuse when the account (or, for a name no account has, the name typed) failed too often.

    Counted per account: a username and a phone number of the same account share one counter.
    """
    settings = get_settings()
    window = timedelta(minutes=settings.login_window_minutes)
    whose = LoginAttempt.user_id == user_id if user_id is not None else LoginAttempt.login == key
    failures = session.exec(
        select(LoginAttempt.at)
        .where(whose, col(LoginAttempt.success).is_(False), LoginAttempt.at > now - window)
        .order_by(col(LoginAttempt.at).desc())
        .limit(settings.login_max_failures)
    ).all()
    if len(failures) >= settings.login_max_failures:
        # Refused until the oldest of the last N failures leaves the window: no permanent lock-out.
        wait = (min(failures) + window - now).total_seconds()
        raise Throttled(
            N_("Too many failed attempts. Try again in {minutes} minutes."),
            minutes=max(1, math.ceil(wait / 60)),
        )


def authenticate(session: Session, login: str, password: str, now: datetime | None = None) -> User:
    """The active user with this login and password, or InvalidInput / Throttled."""
    now = now or utcnow()
    key = normalise_login(login)
    if not key or not password:
        raise InvalidInput(N_("Enter your phone number or username and your password."))
    user = find_user_by_login(session, key)
    user_id = user.id if user else None
    _check_throttle(session, key, now, user_id)
    password_hash, active = (user.password_hash, user.active) if user else (_DUMMY_HASH, False)
    # Argon2 takes about half a second of CPU: end the reading transaction first. On SQLite a
    # writing session's transaction holds the database's write lock (BEGIN IMMEDIATE, core/db.py),
    # so checking the hash inside it queued concurrent sign-ins, and every other write, behind
    # each other until "database is locked".
    session.commit()
    ok = verify_password(password, password_hash) and active
    _check_throttle(session, key, now, user_id)  # again, in the writing transaction: parallel guesses count
    session.add(LoginAttempt(login=key, user_id=user_id, success=ok, at=now))
    if ok and user is not None and user.totp_enabled:
        # The password was right; the sign-in is complete only with the code (verify_totp_login).
        audit.record(session, user, "login.password", "user", user.id, "second_factor_required")
    else:
        audit.record(session, user, "login.success" if ok else "login.failure", "user",
                     user.id if user else "", "ok" if ok else "denied")
    session.commit()
    if not ok or user is None:
        raise InvalidInput(N_("Wrong phone number, username or password."))
    return user


def sign_in_with_password(login: str, password: str) -> User:
    """``authenticate`` in a transaction of its own, for a worker thread: Argon2 takes a noticeable moment."""
    with session_scope() as session:
        return authenticate(session, login, password)


def now_ts() -> float:
    """The clock sessions are measured with (tests replace it)."""
    return time.time()


def session_user(
    session: Session, user_id: int | None, issued_at: float | None, last_seen: float | None = None,
    now: float | None = None, signed_in_at: float | None = None,
) -> User | None:
    """The user behind a browser session, or None if it has ended.

    Ended: the account is gone or deactivated, its sessions were revoked after ``issued_at``
    (password change, deactivation, reset), the session is older than ``session_max_hours``
    (counted from ``signed_in_at``, else ``issued_at``) or unused for ``session_idle_minutes``
    (``last_seen``; not checked when the caller does not track it).
    """
    if not user_id or issued_at is None:
        return None
    if session_timed_out(issued_at, signed_in_at, last_seen, now):
        return None
    user = session.get(User, user_id)
    if user is None or not user.active:
        return None
    if datetime.fromtimestamp(issued_at, UTC) < user.sessions_valid_after - timedelta(seconds=1):
        return None
    return user


def session_timed_out(issued_at: float | None, signed_in_at: float | None = None, last_seen: float | None = None,
                      now: float | None = None) -> bool:
    """True once a session is older than ``session_max_hours`` or unused for ``session_idle_minutes``."""
    settings = get_settings()
    now = now_ts() if now is None else now
    started = signed_in_at if signed_in_at is not None else issued_at
    if started is None or now - started > settings.session_max_hours * 3600:
        return True
    return last_seen is not None and now - last_seen > settings.session_idle_minutes * 60


def session_user_from(session: Session, data: Mapping[str, Any], now: float | None = None) -> User | None:
    """session_user with the values a browser session keeps (NiceGUI's app.storage.user)."""
    return session_user(session, data.get("user_id"), data.get("issued_at"), data.get("last_seen"), now,
                        data.get("signed_in_at"))


def stored_session_user(data: Mapping[str, Any], now: float | None = None) -> User | None:
    """``session_user_from`` in a read-only session of its own, so that it can run in a worker thread.

    ``data`` is a copy of the browser session's values: NiceGUI's storage is read on the event loop.
    """
    with session_scope(read_only=True) as session:
        return session_user_from(session, data, now)


def end_session_tokens(data: Mapping[str, Any]) -> None:
    """Signing out: the API tokens of the account signed in with these session values are revoked."""
    with session_scope() as session:
        user = session_user_from(session, data)
        if user is not None:
            revoke_tokens_for(session, user)


# --- second factor (TOTP) ----------------------------------------------------------------------

TOTP_ISSUER = "Doorstep"


def totp_allowed(user: User) -> bool:
    """Coordinators and admins may add a second factor (members and volunteers sign in by password)."""
    return user.role in SECOND_FACTOR_ROLES


def totp_required(user: User) -> bool:
    """The setting asks staff for a second factor and this account has none yet."""
    return get_settings().require_totp_for_staff and totp_allowed(user) and not user.totp_enabled


def totp_may_be_turned_off(user: User) -> bool:
    """Whether this account may remove its second step: not when the setting asks staff for one."""
    return not (get_settings().require_totp_for_staff and totp_allowed(user))


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=TOTP_ISSUER)


def _matching_step(secret: str, code: str, now: datetime, after_step: int | None) -> int | None:
    """The time step (30 s) whose code this is, within one step either side; None if none matches.

    A step at or before ``after_step`` was already used: each code signs in once.
    """
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = int(now.timestamp()) // totp.interval
    for step in (current - 1, current, current + 1):
        if after_step is not None and step <= after_step:
            continue
        if hmac.compare_digest(totp.at(step * totp.interval), code):
            return step
    return None


def enable_totp(session: Session, user: User, secret: str, code: str, now: datetime | None = None) -> None:
    """Turn the second factor on once the user shows a code from their authenticator app."""
    now = now or utcnow()
    if not totp_allowed(user):
        raise InvalidInput(N_("Two-step sign-in is for coordinators and administrators."))
    step = _matching_step(secret, code, now, None)
    if step is None:
        raise InvalidInput(N_("That code is not right. Check the time on your phone and try again."))
    user.totp_secret, user.totp_enabled, user.totp_last_step = secret, True, step
    session.add(user)
    audit.record(session, user, "user.totp_enable", "user", user.id)


def disable_totp(session: Session, user: User, code: str, now: datetime | None = None) -> None:
    """Turn one's own second factor off, proven with a current code."""
    now = now or utcnow()
    if not totp_may_be_turned_off(user):
        raise InvalidInput(N_("Two-step sign-in is required for your role."))
    if not user.totp_enabled or not user.totp_secret:
        return
    step = _matching_step(user.totp_secret, code, now, user.totp_last_step)
    if step is None:
        raise InvalidInput(N_("That code is not right. Check the time on your phone and try again."))
    user.totp_secret, user.totp_enabled, user.totp_last_step = None, False, None
    session.add(user)
    audit.record(session, user, "user.totp_disable", "user", user.id)


def verify_totp_login(session: Session, user_id: int, login: str, code: str, now: datetime | None = None) -> User:
    """Second step of signing in; wrong codes count as failed attempts for the throttle."""
    now = now or utcnow()
    key = normalise_login(login)
    _check_throttle(session, key, now, user_id)
    user = session.get(User, user_id)
    ok = user is not None and user.active and user.totp_enabled and bool(user.totp_secret)
    step = _matching_step(user.totp_secret, code, now, user.totp_last_step) if ok and user else None  # type: ignore[arg-type]
    ok = ok and step is not None
    session.add(LoginAttempt(login=key, user_id=user_id, success=ok, at=now))
    audit.record(session, user_id, "login.success" if ok else "login.failure", "user", user_id,
                 "ok" if ok else "denied_second_factor")
    if ok and user is not None:
        user.totp_last_step = step
        session.add(user)
    session.commit()
    if not ok or user is None:
        raise InvalidInput(N_("That code is not right. Check the time on your phone and try again."))
    return user


def sign_in_with_code(user_id: int, login: str, code: str) -> User:
    """``verify_totp_login`` in a transaction of its own, for a worker thread."""
    with session_scope() as session:
        return verify_totp_login(session, user_id, login, code)
