"""Households, their needs and their pairings with members."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from models.common import utcnow


class GeocodeStatus(StrEnum):
    manual = "manual"  # placed by a pin or typed coordinates
    geocoded = "geocoded"
    pending = "pending"  # address not yet looked up
    unresolved = "unresolved"  # lookup found nothing: needs a manual pin


class Household(SQLModel, table=True):
    __table_args__ = (Index("ix_household_map", "lat", "lng", "area_id", "last_visit_at"),)  # map bbox queries

    id: int | None = Field(default=None, primary_key=True)
    area_id: int = Field(foreign_key="area.id", index=True)
    head_name: str
    address: str
    phone: str | None = None
    members_count: int = 1
    notes: str = ""
    lat: float | None = None
    lng: float | None = None
    geocode_status: GeocodeStatus = GeocodeStatus.pending
    last_visit_at: datetime | None = Field(default=None, index=True)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    # Consent to process the household's data (PIPL): when given, when withdrawn, who recorded it.
    data_consent_at: datetime | None = None
    data_consent_withdrawn_at: datetime | None = None
    data_consent_recorded_by: int | None = None  # a user id (no foreign key: like audit actor ids)


class HouseholdNeed(SQLModel, table=True):
    household_id: int = Field(foreign_key="household.id", primary_key=True)
    category_id: int = Field(foreign_key="needcategory.id", primary_key=True)


class Pairing(SQLModel, table=True):
    """A member looks after a household from started_at until ended_at (None: still paired)."""

    id: int | None = Field(default=None, primary_key=True)
    household_id: int = Field(foreign_key="household.id", index=True)
    member_id: int = Field(foreign_key="user.id", index=True)
    started_at: datetime = Field(default_factory=utcnow)
    ended_at: datetime | None = Field(default=None, index=True)
