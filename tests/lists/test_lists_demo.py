"""The demo organisation shows a believable month, not empty pages; and it starts quickly."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from sqlmodel import Session, col, select

from core.db import session_scope
from models import (
    Commitment,
    Event,
    FieldDay,
    Photo,
    PostAssignment,
    Rating,
    RequestStatus,
    ServicePoint,
    ServicePost,
    ServiceRequest,
    Signup,
    SignupStatus,
    Visit,
)
from models.common import utcnow
from services.demo.organisation import seed_demo
from services.photos.store import get_photo_store


def test_demo_month_has_every_kind_of_record(data_dir: Path, session: Session) -> None:
    with session_scope() as s:
        assert seed_demo(s)
    now = utcnow()
    events = session.exec(select(Event)).all()
    assert any(e.ends_at < now for e in events) and sum(e.starts_at > now for e in events) >= 2
    statuses = Counter(s.status for s in session.exec(select(Signup)).all())
    assert statuses[SignupStatus.confirmed] >= 10 and statuses[SignupStatus.waitlisted] >= 1
    requests = session.exec(select(ServiceRequest)).all()
    assert {r.status for r in requests} == set(RequestStatus)
    assert len(session.exec(select(Rating)).all()) >= 3
    assert session.exec(select(Commitment)).all() and session.exec(select(ServicePost)).all()
    assert session.exec(select(PostAssignment)).all() and len(session.exec(select(ServicePoint)).all()) >= 2
    assert len(session.exec(select(FieldDay)).all()) >= 3


def test_demo_visits_have_photos_in_the_photo_store_and_some_are_unverified(data_dir: Path,
                                                                           session: Session) -> None:
    with session_scope() as s:
        seed_demo(s)
    photos = session.exec(select(Photo)).all()
    assert len(photos) >= 6
    store = get_photo_store()
    assert all(store.get(p.file_key)[:2] == b"\xff\xd8" for p in photos[:3])  # real JPEGs, stored as uploads are
    visits = session.exec(select(Visit)).all()
    unverified = sum(not v.verified for v in visits) / len(visits)
    assert 0.08 <= unverified <= 0.4
    assert session.exec(select(Visit).where(col(Visit.photo_consent).is_(True))).first() is not None
