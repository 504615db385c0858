"""Telling people things in the app: the notice list. SMS, e-mail and group bots are services/notify.

A notice is stored as a msgid plus JSON params and translated when shown, so each person reads it
in their own language. Every channel registered here receives the same (user_id, msgid, params,
link) inside the caller's transaction.

Messages that leave the machine (SMS, e-mail, WeCom/DingTalk bots) do not go through this module:
services/notify queues them in an outbox (one row per message, an idempotency key each) from one
trigger call per moment, and its scheduled sender delivers them exactly once, outside any page.
"""

from __future__ import annotations

import json
from typing import Any, Protocol

from sqlmodel import Session, col, select

from models import Notice, User
from models.common import utcnow


class NotificationChannel(Protocol):
    name: str

    def deliver(self, session: Session, user_id: int, msgid: str, params: dict[str, Any], link: str) -> None:
        """Hand one message to this channel, inside the caller's transaction."""


class InAppChannel:
    """Notices shown on the home page and in "My activities"."""

    name = "in_app"

    def deliver(self, session: Session, user_id: int, msgid: str, params: dict[str, Any], link: str) -> None:
        session.add(Notice(user_id=user_id, msgid=msgid, params=json.dumps(params, ensure_ascii=False), link=link))


_channels: list[NotificationChannel] = [InAppChannel()]


def notify(session: Session, user_id: int, msgid: str, link: str = "", **params: Any) -> None:
    """Tell one person something through every channel; ``msgid`` is marked with N_ by the caller."""
    for channel in _channels:
        channel.deliver(session, user_id, msgid, params, link)


def notices_for(session: Session, user: User, unread_only: bool = False, limit: int = 20) -> list[Notice]:
    query = select(Notice).where(Notice.user_id == user.id)
    if unread_only:
        query = query.where(col(Notice.read_at).is_(None))
    return list(session.exec(query.order_by(col(Notice.created_at).desc(), col(Notice.id).desc()).limit(limit)))


def mark_read(session: Session, user: User, notice_id: int | None = None) -> None:
    """Mark one notice (or all of them) as read; only the user's own."""
    query = select(Notice).where(Notice.user_id == user.id, col(Notice.read_at).is_(None))
    if notice_id is not None:
        query = query.where(Notice.id == notice_id)
    for notice in session.exec(query):
        notice.read_at = utcnow()
        session.add(notice)


def notice_params(notice: Notice) -> dict[str, Any]:
    try:
        params = json.loads(notice.params or "{}")
    except ValueError:
        return {}
    return params if isinstance(params, dict) else {}
