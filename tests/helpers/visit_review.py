"""Builders for the visit-review tests: visits with a chosen signal, coordinators of one area."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlmodel import Session, select

from core.db import session_scope
from models import Household, LocationSource, Pairing, Role, User, Visit
from models.common import utcnow
from services.accounts.users import UserForm, create_user
from services.visits.records import VisitInput, prepare_photo, record_visit
from tests.helpers import account
from tests.helpers.photos import photo_bytes

COMMUNITY_A, COMMUNITY_B = 2, 3  # 锦江社区, 水井坊社区 in the demo organisation
KM_NORTH = 1 / 111.2  # degrees of latitude per km


def homes_of(session: Session, member: User) -> list[Household]:
    ids = session.exec(select(Pairing.household_id).where(Pairing.member_id == member.id)
                       .order_by(Pairing.id)).all()
    return [session.get(Household, i) for i in ids]  # type: ignore[misc]


def coordinator_of(session: Session, area_id: int, username: str) -> User:
    with session_scope() as s:
        create_user(s, None, UserForm(username=username, name=f"协调员{area_id}", role=Role.coordinator,
                                      area_id=area_id), "doorstep-demo", must_change=False)
    session.rollback()
    return account(session, username)


def visit_input(home: Household, kind: str = "verified", when: datetime | None = None, **extra: object) -> VisitInput:
    """A visit to ``home``: kind = verified / far / pin / inaccurate / address / none."""
    lat, lng, acc, source = home.lat + 0.0003, home.lng, 15.0, LocationSource.gps  # ~33 m: verified
    if kind == "far":
        lat = home.lat + 3.3 * KM_NORTH
    elif kind == "pin":
        source = LocationSource.pin
    elif kind == "inaccurate":
        lat, acc = home.lat + 0.004, 900.0  # ~450 m with a 900 m fix
    elif kind == "address":
        source, lat, lng, acc = LocationSource.address, None, None, None
    elif kind == "none":
        source, lat, lng, acc = LocationSource.none, None, None, None
    return VisitInput(id=str(uuid.uuid4()), household_id=home.id, visited_at=when, lat=lat, lng=lng,
                      accuracy_m=acc, location_source=source, notes=f"visit {kind}", **extra)


def store(member: User, data: VisitInput, now: datetime | None = None, photos: tuple[int, ...] = ()) -> Visit:
    processed = [prepare_photo(photo_bytes(i)) for i in photos]
    with session_scope() as s:
        visit = record_visit(s, member, data, processed, now=now or utcnow())
        s.flush()
        s.expunge(visit)
        return visit


def late_visit(member: User, home: Household, days: int = 12) -> Visit:
    now = utcnow()
    return store(member, visit_input(home, "verified", when=now - timedelta(days=days)), now=now)


def fresh(session: Session, model: type, key: object):
    session.rollback()  # end the snapshot: see what the code under test committed
    return session.get(model, key)
