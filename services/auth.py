"""Signing in: password check, throttling after repeated failures, session validity."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from core.config import get_settings
from core.i18n import N_
from models import LoginAttempt, User
from models.common import utcnow
from services import audit
from services.errors import InvalidInput, Throttled
from services.passwords import hash_password, verify_password

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


def _check_throttle(session: Session, key: str, now: datetime) -> None:
    settings = get_settings()
    window = timedelta(minutes=settings.login_window_minutes)
    failures = session.exec(
        select(LoginAttempt.at)
        .where(LoginAttempt.login == key, col(LoginAttempt.success).is_(False), LoginAttempt.at > now - window)
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
    _check_throttle(session, key, now)
    user = find_user_by_login(session, key)
    ok = verify_password(password, user.password_hash if user else _DUMMY_HASH)
    ok = ok and user is not None and user.active
    session.add(LoginAttempt(login=key, user_id=user.id if user else None, success=ok, at=now))
    audit.record(session, user, "login.success" if ok else "login.failure", "user",
                 user.id if user else "", "ok" if ok else "denied")
    session.commit()
    if not ok or user is None:
        raise InvalidInput(N_("Wrong phone number, username or password."))
    return user


def session_user(session: Session, user_id: int | None, issued_at: float | None) -> User | None:
    """The user behind a browser session, or None if it has ended (deactivated, password changed)."""
    if not user_id or issued_at is None:
        return None
    user = session.get(User, user_id)
    if user is None or not user.active:
        return None
    if datetime.fromtimestamp(issued_at, UTC) < user.sessions_valid_after - timedelta(seconds=1):
        return None
    return user
