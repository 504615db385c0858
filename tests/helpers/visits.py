"""Builders for visit tests: a member's paired household and a point near it."""

from __future__ import annotations

import uuid

from sqlmodel import Session, select

from models import Household, LocationSource, Pairing, User
from services.visits.records import VisitInput


def paired_household(session: Session, member: User) -> Household:
    pairing = session.exec(select(Pairing).where(Pairing.member_id == member.id)).first()
    assert pairing is not None
    return session.get(Household, pairing.household_id)  # type: ignore[return-value]


def near_home(household: Household, source: LocationSource = LocationSource.gps, **extra: object) -> VisitInput:
    return VisitInput(id=str(uuid.uuid4()), household_id=household.id, lat=household.lat + 0.0003,  # ~33 m north
                      lng=household.lng, accuracy_m=15.0, location_source=source, notes="ok", **extra)
