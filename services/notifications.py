"""Telling people things: the in-app notice list now; SMS and e-mail are hooks, not implemented.

A notice is stored as a msgid plus JSON params and translated when shown, so each person reads it
in their own language. Every channel receives the same (user_id, msgid, params, link).

SMS and e-mail are deliberately NOT implemented: nothing here pretends to send them. To add one,
write a class with ``name`` and ``deliver`` (see ``NotificationChannel``) that calls the provider
(e.g. Aliyun SMS with an approved template per msgid, or SMTP), and pass it to
``register_channel`` at start-up. Delivery must not block the transaction for long: a real
channel should queue the message (an outbox table read by a worker) rather than call out here.
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


def register_channel(channel: NotificationChannel) -> None:
    """Add a delivery channel (SMS, e-mail) next to the in-app one."""
    if all(c.name != channel.name for c in _channels):
        _channels.append(channel)


def channels() -> list[NotificationChannel]:
    return list(_channels)


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
