"""Messages that time brings: event reminders 24 h and 2 h before, and requests that became overdue."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from models import (
    Channel,
    ChannelChoice,
    Event,
    EventStatus,
    OutboxMessage,
    RequestCategory,
    RequestSmsConsent,
    ServiceRequest,
    Signup,
    SignupStatus,
    User,
)
from models.requests import OPEN_STATUSES
from services.notify.recipients import tell_user
from services.notify.triggers import _event_params, request_overdue

REMINDERS = (("event.reminder_24h", "reminder-24h", timedelta(hours=24)),
             ("event.reminder_2h", "reminder-2h", timedelta(hours=2)))
BATCH = 100  # sign-ups per transaction: a big event does not hold the database's write lock for long


def _keys_queued(session: Session, keys: list[str]) -> set[str]:
    """Which of these reminder keys were queued already, on any channel (one query for a batch)."""
    suffixed = {f"{key}:{channel.value}": key for key in keys for channel in Channel}
    found = session.exec(select(OutboxMessage.idempotency_key).where(
        col(OutboxMessage.idempotency_key).in_(list(suffixed)))).all()
    return {suffixed[k] for k in found}


def queue_event_reminders(session: Session, now: datetime, after_id: int = 0,
                          limit: int | None = None) -> tuple[int, int | None]:
    """Each confirmed sign-up gets a reminder once its event is 24 h (and again 2 h) away.

    The 24 h reminder is left out for sign-ups made within the last day before the event (their
    confirmation just told them); keys carry the start time, so a moved event is reminded anew.
    Returns (reminders queued, the last sign-up id looked at, None when ``limit`` was not reached).
    """
    queued = 0
    query = (select(Signup, Event).join(Event, col(Event.id) == Signup.event_id)
             .where(Event.status == EventStatus.published, col(Event.starts_at) > now,
                    col(Event.starts_at) <= now + timedelta(hours=24), Signup.status == SignupStatus.confirmed,
                    col(Signup.id) > after_id)
             .order_by(col(Signup.id)))
    rows = session.exec(query.limit(limit) if limit else query).all()
    users = {u.id: u for u in session.exec(select(User).where(col(User.id).in_({s.user_id for s, _ in rows})))}
    choices = {c.user_id: c for c in session.exec(select(ChannelChoice).where(col(ChannelChoice.user_id).in_(users)))}
    queued_before = _keys_queued(session, [f"{prefix}:signup:{s.id}:{e.starts_at.isoformat()}"
                                           for s, e in rows for _kind, prefix, _before in REMINDERS])
    for signup, event in rows:
        user = users.get(signup.user_id)
        if user is None:
            continue
        for kind, prefix, before in REMINDERS:
            due = event.starts_at - before
            key = f"{prefix}:signup:{signup.id}:{event.starts_at.isoformat()}"
            if now < due or key in queued_before or (before > timedelta(hours=2) and (
                    event.starts_at - now <= timedelta(hours=2) or signup.created_at > due)):
                continue
            tell_user(session, user, kind, key,
                      _event_params(event), link=f"/events/{event.id}", in_app=True, expires_at=event.starts_at,
                      choice=choices.get(user.id) or ChannelChoice(user_id=user.id))
            queued += 1
    last = rows[-1][0].id if limit and len(rows) == limit else None
    return queued, last


def queue_overdue_apologies(session: Session, now: datetime) -> int:
    """Residents who asked for SMS hear once per missed date, with a new date one response time on."""
    queued = 0
    rows = session.exec(
        select(ServiceRequest, RequestCategory)
        .join(RequestSmsConsent, col(RequestSmsConsent.request_id) == ServiceRequest.id)
        .join(RequestCategory, col(RequestCategory.id) == ServiceRequest.category_id)
        .where(col(ServiceRequest.status).in_(OPEN_STATUSES), col(ServiceRequest.due_at) < now)).all()
    for request, category in rows:
        request_overdue(session, request, now + timedelta(hours=category.response_hours))
        queued += 1
    return queued


def scan_job(now: datetime) -> dict[str, int]:
    """The scheduled scan: reminders in batches of BATCH sign-ups, each its own transaction."""
    from core.db import session_scope

    reminders, after_id = 0, 0
    while True:
        with session_scope() as session:
            queued, last = queue_event_reminders(session, now, after_id=after_id, limit=BATCH)
        reminders += queued
        if last is None:
            break
        after_id = last
    with session_scope() as session:
        overdue = queue_overdue_apologies(session, now)
    return {"reminders": reminders, "overdue": overdue}
