"""Outbox rows lose their recipient and contents after notify_retention_days (the daily retention job).

What stays: kind, channel, status and dates (the counts per day on the admin page). Opt-outs
stay for good: they are what keeps a number from being texted again.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from core.config import Settings
from models import OutboxMessage, OutboxStatus, RequestSmsConsent, ServiceRequest


def anonymise_outbox(session: Session, now: datetime, settings: Settings) -> int:
    cutoff = now - timedelta(days=settings.notify_retention_days)
    old = col(OutboxMessage.created_at) < cutoff
    session.exec(update(OutboxMessage).where(old, col(OutboxMessage.status).in_(  # type: ignore[call-overload]
        [OutboxStatus.pending, OutboxStatus.sending])).values(status=OutboxStatus.skipped, last_error="expired"))
    result = session.exec(update(OutboxMessage).where(old, col(OutboxMessage.anonymised).is_(False))  # type: ignore[call-overload]
                          .values(recipient="", params="{}", last_error="", anonymised=True))
    closed = select(ServiceRequest.id).where(col(ServiceRequest.closed_at).is_not(None),
                                             col(ServiceRequest.closed_at) < cutoff)
    session.exec(delete(RequestSmsConsent).where(col(RequestSmsConsent.request_id).in_(closed)))  # type: ignore[call-overload]
    return int(result.rowcount or 0)


