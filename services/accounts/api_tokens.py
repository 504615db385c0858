"""Bearer tokens for the JSON API: issued at sign-in, limited in time, revoked at sign-out or deactivation.

A token lives at most ``api_token_hours`` and, like the browser session it was issued to, ends
when unused for ``session_idle_minutes`` (use is recorded every few minutes). Restoring a backup
revokes every token (services/backup.py): a token from before the restore is never honoured.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from core.config import get_settings
from models import ApiToken, User
from models.common import utcnow

# last_used_at is only bookkeeping: writing it on every request would serialise all API calls.
LAST_USED_RESOLUTION = timedelta(minutes=5)


@dataclass
class IssuedToken:
    raw: str  # shown once, to the browser that asked; only its hash is stored
    expires_at: datetime
    user: User


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(session: Session, user: User, now: datetime | None = None) -> IssuedToken:
    now = now or utcnow()
    raw = secrets.token_urlsafe(32)
    expires_at = now + timedelta(hours=get_settings().api_token_hours)
    session.add(ApiToken(user_id=user.id, token_hash=hash_token(raw), created_at=now, expires_at=expires_at))  # type: ignore[arg-type]
    session.flush()
    return IssuedToken(raw, expires_at, user)


def _valid_token(session: Session, raw: str, now: datetime) -> tuple[ApiToken, User] | None:
    if not raw or len(raw) > 200:
        return None
    token = session.exec(select(ApiToken).where(ApiToken.token_hash == hash_token(raw))).first()
    if token is None or token.revoked_at is not None or token.expires_at <= now:
        return None
    # Unused for longer than a browser session may idle: ended, like the session it came from.
    if now - (token.last_used_at or token.created_at) > timedelta(minutes=get_settings().session_idle_minutes):
        return None
    user = session.get(User, token.user_id)
    if user is None or not user.active:
        return None
    # A password change or reset ends every session, tokens included.
    if token.created_at < user.sessions_valid_after:
        return None
    return token, user


def user_for_token(session: Session, raw: str, now: datetime | None = None, touch: bool = True) -> User | None:
    """The active user a token belongs to, or None (unknown, expired, revoked, account ended).

    touch=False for read-only sessions; then ``token_needs_touch`` says whether to call ``touch_token``.
    """
    now = now or utcnow()
    found = _valid_token(session, raw, now)
    if found is None:
        return None
    token, user = found
    if touch and token_needs_touch(session, raw, now):
        touch_token(session, raw, now)
    return user


def token_needs_touch(session: Session, raw: str, now: datetime | None = None) -> bool:
    token = session.exec(select(ApiToken).where(ApiToken.token_hash == hash_token(raw))).first()
    now = now or utcnow()
    return token is not None and (token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION)


def touch_token(session: Session, raw: str, now: datetime | None = None) -> None:
    session.exec(  # type: ignore[call-overload]
        update(ApiToken).where(col(ApiToken.token_hash) == hash_token(raw)).values(last_used_at=now or utcnow())
    )


def token_expiry(session: Session, raw: str, user: User, now: datetime | None = None) -> datetime | None:
    """When a still-valid token of ``user`` expires (None if it is not one)."""
    found = _valid_token(session, raw, now or utcnow())
    if found is None or found[1].id != user.id:
        return None
    return found[0].expires_at


def session_token(session: Session, user: User, current: str | None, now: datetime | None = None) -> IssuedToken:
    """The browser's token for the signed-in user: its current one while it has more than half
    its life left (so page loads do not mint a token each), otherwise a new one."""
    now = now or utcnow()
    if current:
        expires_at = token_expiry(session, current, user, now)
        if expires_at is not None and expires_at - now > timedelta(hours=get_settings().api_token_hours) / 2:
            return IssuedToken(current, expires_at, user)
    return issue_token(session, user, now)


def revoke_all_tokens(session: Session, now: datetime | None = None) -> int:
    """Revoke every live token (after a backup restore); returns how many."""
    result = session.exec(  # type: ignore[call-overload]
        update(ApiToken).where(col(ApiToken.revoked_at).is_(None)).values(revoked_at=now or utcnow())
    )
    return int(result.rowcount or 0)


def revoke_tokens_for(session: Session, user: User, now: datetime | None = None) -> int:
    """Revoke every live token of the user (sign-out, deactivation); returns how many."""
    result = session.exec(  # type: ignore[call-overload]
        update(ApiToken)
        .where(col(ApiToken.user_id) == user.id, col(ApiToken.revoked_at).is_(None))
        .values(revoked_at=now or utcnow())
    )
    return int(result.rowcount or 0)
