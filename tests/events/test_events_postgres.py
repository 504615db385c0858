"""The capacity guarantee on PostgreSQL: a fresh database per test run, skipped without a server.

DOORSTEP_TEST_DATABASE_URL (which also runs the whole suite on PostgreSQL) overrides the server
(default: local trust auth, database `test`).
CI runs this against a PostgreSQL service; locally it skips with the reason if none is reachable.
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from models import Area, Event, Role, Signup, SignupStatus, User
from models.common import utcnow
from services.events.catalogue import EventForm, create_event
from services.events.signups import cancel_signup
from tests.helpers.events import concurrent_sign_ups


def _seed(engine: Engine, volunteers: int) -> tuple[int, list[int]]:
    with Session(engine, expire_on_commit=False) as session:
        area = Area(name="Riverside", kind="community")
        session.add(area)
        session.flush()
        area.path = f"/{area.id}/"
        tag = uuid.uuid4().hex[:6]
        coordinator = User(username=f"coord{tag}", name="Coordinator", password_hash="-", role=Role.coordinator,
                           area_id=area.id)
        people = [User(username=f"v{tag}{i}", name=f"Volunteer {i}", password_hash="-", role=Role.volunteer,
                       area_id=area.id) for i in range(volunteers)]
        session.add_all([coordinator, *people])
        session.flush()
        start = utcnow() + timedelta(days=2)
        event = create_event(session, coordinator, EventForm(area_id=area.id, title="Soup kitchen", starts_at=start,
                                                            ends_at=start + timedelta(hours=2), capacity=5))
        session.commit()
        return event.id, [p.id for p in people]


def test_twenty_concurrent_sign_ups_for_five_places_on_postgresql(pg_engine: Engine) -> None:
    event_id, users = _seed(pg_engine, 20)
    statuses = concurrent_sign_ups(pg_engine, event_id, users)
    assert Counter(statuses) == {SignupStatus.confirmed: 5, SignupStatus.waitlisted: 15}
    with Session(pg_engine) as session:
        assert session.get(Event, event_id).confirmed_count == 5
        assert session.exec(select(func.count(Signup.id)).where(
            Signup.event_id == event_id, Signup.status == SignupStatus.confirmed)).one() == 5


def test_concurrent_cancellations_promote_each_waitlisted_person_once(pg_engine: Engine) -> None:
    event_id, users = _seed(pg_engine, 12)
    concurrent_sign_ups(pg_engine, event_id, users)
    with Session(pg_engine) as session:
        confirmed = session.exec(select(Signup.id, Signup.user_id).where(
            Signup.event_id == event_id, Signup.status == SignupStatus.confirmed)).all()
    barrier = threading.Barrier(len(confirmed))
    errors: list[BaseException] = []

    def cancel(signup_id: int, user_id: int) -> None:
        try:
            with Session(pg_engine, expire_on_commit=False) as session:
                user = session.get(User, user_id)
                session.commit()
                barrier.wait(timeout=30)
                cancel_signup(session, user, signup_id)
                session.commit()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=cancel, args=row) for row in confirmed]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    with Session(pg_engine) as session:
        counts = Counter(session.exec(select(Signup.status).where(Signup.event_id == event_id)).all())
        assert counts == {SignupStatus.cancelled: 5, SignupStatus.confirmed: 5, SignupStatus.waitlisted: 2}
        assert session.get(Event, event_id).confirmed_count == 5
