"""The outbox table's life cycle: enqueue once per key, claim with a lease, mark sent / retry / failed.

Claims are one conditional UPDATE per batch over rows chosen with ``FOR UPDATE SKIP LOCKED`` on
PostgreSQL (on SQLite the writer lock taken by BEGIN IMMEDIATE serialises claims): two senders
never hold the same row. Marks only apply while the claim is still ours (holder and status), so a
sender whose lease ran out cannot overwrite the work of the one that took over.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from models import Channel, OutboxMessage, OutboxStatus
from models.common import utcnow

LEASE = timedelta(minutes=5)


def enqueue(session: Session, key: str, channel: Channel, kind: str, recipient: str, params: dict[str, Any],
            *, user_id: int | None = None, area_id: int | None = None, language: str = "zh_CN",
            not_before: datetime | None = None, expires_at: datetime | None = None) -> OutboxMessage | None:
    """Add a message unless its key exists already (then None): the caller's transaction commits it."""
    if session.exec(select(OutboxMessage.id).where(OutboxMessage.idempotency_key == key)).first() is not None:
        return None
    message = OutboxMessage(idempotency_key=key, channel=channel, kind=kind, recipient=recipient,
                            params=json.dumps(params, ensure_ascii=False, default=str), user_id=user_id,
                            area_id=area_id, language=language, next_attempt_at=not_before or utcnow(),
                            expires_at=expires_at)
    try:
        with session.begin_nested():
            session.add(message)
            session.flush()
    except IntegrityError:  # the same key from a concurrent transaction
        return None
    return message


def params_of(message: OutboxMessage) -> dict[str, Any]:
    try:
        value = json.loads(message.params or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _claimable(now: datetime):
    return or_(and_(OutboxMessage.status == OutboxStatus.pending, col(OutboxMessage.next_attempt_at) <= now),
               and_(OutboxMessage.status == OutboxStatus.sending, col(OutboxMessage.lease_expires_at) <= now))


def claim_batch(session: Session, holder: str, now: datetime, limit: int = 100,
                lease: timedelta = LEASE) -> list[OutboxMessage]:
    """Take up to ``limit`` due rows (and rows whose sender's lease ran out) for ``holder``; commits."""
    ids = list(session.exec(
        select(OutboxMessage.id).where(_claimable(now)).order_by(col(OutboxMessage.next_attempt_at))
        .limit(limit).with_for_update(skip_locked=True)).all())
    if not ids:
        session.rollback()
        return []
    session.exec(  # type: ignore[call-overload]
        update(OutboxMessage).where(col(OutboxMessage.id).in_(ids), _claimable(now))
        .values(status=OutboxStatus.sending, lease_holder=holder, lease_expires_at=now + lease,
                attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False))
    session.commit()
    return list(session.exec(select(OutboxMessage).where(col(OutboxMessage.id).in_(ids),
                                                         OutboxMessage.lease_holder == holder,
                                                         OutboxMessage.status == OutboxStatus.sending)
                             .order_by(col(OutboxMessage.id))).all())


def _ours(message_id: int, holder: str):
    return and_(OutboxMessage.id == message_id, OutboxMessage.lease_holder == holder,
                OutboxMessage.status == OutboxStatus.sending)


def mark(session: Session, message_id: int, holder: str, status: OutboxStatus, *, now: datetime,
         error: str = "", provider_ref: str = "", retry_at: datetime | None = None,
         undo_attempt: bool = False) -> bool:
    """Record the outcome of our claim; False if the claim is no longer ours. Commits."""
    values: dict[str, Any] = {"status": status, "last_error": error[:500], "lease_expires_at": None}
    if provider_ref:
        values["provider_ref"] = provider_ref[:200]
    if status == OutboxStatus.sent:
        values["sent_at"] = now
    if status == OutboxStatus.pending:
        values["next_attempt_at"] = retry_at or now
    if undo_attempt:  # held back (quiet hours), not tried: the back-off does not grow
        values["attempts"] = OutboxMessage.attempts - 1
    result = session.exec(update(OutboxMessage).where(_ours(message_id, holder)).values(**values)  # type: ignore[call-overload]
                          .execution_options(synchronize_session=False))
    session.commit()
    return result.rowcount == 1


def resend(session: Session, message_id: int, now: datetime | None = None) -> bool:
    """Put a failed message back in the queue (the admin page's "resend"); callers check the role."""
    result = session.exec(update(OutboxMessage).where(  # type: ignore[call-overload]
        OutboxMessage.id == message_id, OutboxMessage.status == OutboxStatus.failed,
        col(OutboxMessage.anonymised).is_(False))
        .values(status=OutboxStatus.pending, next_attempt_at=now or utcnow(), attempts=0, last_error="")
        .execution_options(synchronize_session=False))
    return result.rowcount == 1
