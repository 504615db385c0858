"""Places and the waitlist of an event: taking and freeing a place atomically, promoting in order.

Below both services/events/catalogue.py (an edit that frees places promotes) and services/events/signups.py.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, or_, update
from sqlmodel import Session, col, func, select

from core.i18n import N_
from models import Event, EventRole, EventStatus, Signup, SignupStatus
from models.common import utcnow
from services import audit
from services.notifications import notify
from services.notify import triggers as notify_triggers


def no_sync(statement):
    # Core-style UPDATE: the ORM must not try to evaluate the WHERE clause in Python.
    return statement.execution_options(synchronize_session=False)


def take_place(session: Session, event_id: int, role_id: int | None) -> bool:
    """Atomically take one place if there is one; the row count is the answer."""
    if role_id is not None:
        taken = session.exec(no_sync(
            update(EventRole).where(col(EventRole.id) == role_id, col(EventRole.confirmed_count) < EventRole.capacity)
            .values(confirmed_count=EventRole.confirmed_count + 1)))
        if taken.rowcount != 1:
            return False
        session.exec(no_sync(update(Event).where(col(Event.id) == event_id)
                              .values(confirmed_count=Event.confirmed_count + 1)))
        return True
    taken = session.exec(no_sync(
        update(Event).where(col(Event.id) == event_id, col(Event.confirmed_count) < Event.capacity,
                            Event.status == EventStatus.published)
        .values(confirmed_count=Event.confirmed_count + 1)))
    return taken.rowcount == 1


def release_place(session: Session, event_id: int, role_id: int | None) -> None:
    session.exec(no_sync(update(Event).where(col(Event.id) == event_id, col(Event.confirmed_count) > 0)
                          .values(confirmed_count=Event.confirmed_count - 1)))
    if role_id is not None:
        session.exec(no_sync(update(EventRole).where(col(EventRole.id) == role_id, col(EventRole.confirmed_count) > 0)
                              .values(confirmed_count=EventRole.confirmed_count - 1)))


def same_role(role_id: int | None):
    return col(Signup.role_id).is_(None) if role_id is None else Signup.role_id == role_id


def promote_from_waitlist(session: Session, event: Event, role_id: int | None,
                          now: datetime | None = None) -> list[Signup]:
    """Give free places to the first people on the waitlist, in order, and tell them."""
    now = now or utcnow()
    promoted: list[Signup] = []
    if event.status != EventStatus.published or now >= event.starts_at:
        return promoted
    while True:
        candidate = session.exec(
            select(Signup).where(Signup.event_id == event.id, same_role(role_id),
                                 Signup.status == SignupStatus.waitlisted)
            .order_by(col(Signup.waitlisted_at), col(Signup.id)).limit(1)
            .with_for_update(skip_locked=True)  # PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises
        ).first()
        if candidate is None or not take_place(session, event.id, role_id):
            break
        moved = session.exec(no_sync(
            update(Signup).where(col(Signup.id) == candidate.id, Signup.status == SignupStatus.waitlisted)
            .values(status=SignupStatus.confirmed, confirmed_at=now, waitlisted_at=None)))
        if moved.rowcount != 1:
            release_place(session, event.id, role_id)
            continue
        session.refresh(candidate)
        notify(session, candidate.user_id,
               N_("A place became free: you are now confirmed for {title} on {starts_at}."),
               link=f"/events/{event.id}", title=event.title, starts_at=event.starts_at.isoformat())
        audit.record(session, None, "signup.promoted", "signup", candidate.id)
        notify_triggers.signup_promoted(session, candidate, event)
        promoted.append(candidate)
    return promoted


def waitlist_position(session: Session, signup: Signup) -> int | None:
    """1 for the next person to get a place; None if not on the waitlist."""
    if signup.status != SignupStatus.waitlisted:
        return None
    ahead = session.exec(
        select(func.count(Signup.id)).where(
            Signup.event_id == signup.event_id, same_role(signup.role_id), Signup.status == SignupStatus.waitlisted,
            or_(col(Signup.waitlisted_at) < signup.waitlisted_at,
                and_(Signup.waitlisted_at == signup.waitlisted_at, col(Signup.id) < signup.id)))
    ).one()
    return int(ahead) + 1
