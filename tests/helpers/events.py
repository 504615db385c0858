"""Shared set-up for the event tests: events, many volunteers, concurrent sign-ups."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models import Area, Attendance, AuditEntry, Event, Role, Signup, SignupStatus, User
from models.common import utcnow
from services.events.catalogue import EventForm, RoleForm, create_event
from services.events.signups import sign_up


def make_event(session: Session, coordinator: User, capacity: int = 5, starts_in: timedelta = timedelta(days=2),
               hours: float = 3.0, roles: list[tuple[str, int]] | None = None, **extra: object) -> int:
    """Create and commit an event in the coordinator's own area; returns its id."""
    session.rollback()  # a stale read snapshot cannot become a writer on SQLite
    start = utcnow().replace(microsecond=0) + starts_in
    if starts_in >= timedelta(days=1):
        start = start.replace(minute=0, second=0)  # a believable time for screenshots
    fields: dict = {"title": "Park clean-up", "category": "environment", "address": "望江楼公园", "lat": 30.64,
                    "lng": 104.09, **extra}
    form = EventForm(area_id=coordinator.area_id, starts_at=start, ends_at=start + timedelta(hours=hours),
                     capacity=capacity, roles=[RoleForm(name=n, capacity=c) for n, c in roles or []], **fields)
    event = create_event(session, coordinator, form)
    session.commit()
    return event.id


def make_volunteers(session: Session, count: int, prefix: str = "crowd") -> list[int]:
    """Volunteer accounts without a real password hash (argon2 for 20 accounts is slow)."""
    area = session.exec(select(Area).where(Area.kind == "community")).first() or session.exec(select(Area)).first()
    users = [User(username=f"{prefix}{i}", name=f"Volunteer {i}", password_hash="-", role=Role.volunteer,
                  area_id=area.id) for i in range(count)]
    session.add_all(users)
    session.commit()
    return [u.id for u in users]


def concurrent_sign_ups(engine: Engine, event_id: int, user_ids: list[int]) -> list[SignupStatus]:
    """Every user signs up at the same moment, each on their own thread and session."""
    barrier = threading.Barrier(len(user_ids))
    results: list[SignupStatus] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker(user_id: int) -> None:
        try:
            with Session(engine, expire_on_commit=False) as session:
                user = session.get(User, user_id)
                session.commit()  # end the read so every thread starts its write together
                barrier.wait(timeout=30)
                signup = sign_up(session, user, event_id)
                session.commit()
            with lock:
                results.append(signup.status)
        except BaseException as exc:
            with lock:
                errors.append(exc)

    threads = [threading.Thread(target=worker, args=(uid,)) for uid in user_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    return results


def event_tables(session: Session) -> dict[str, list[tuple]]:
    """Every row of the event tables (and the audit log), column by column: equal snapshots mean nothing was written."""
    session.rollback()  # a fresh read
    snapshot = {}
    for model in (Event, Signup, Attendance, AuditEntry):
        columns = list(model.__table__.columns.keys())  # type: ignore[attr-defined]
        snapshot[model.__name__] = sorted(
            tuple(str(getattr(row, c)) for c in columns) for row in session.exec(select(model)))
    return snapshot
