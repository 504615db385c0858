"""Home visits and their photos."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import AwareDatetime
from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import AutoString, Field, SQLModel

from models.common import MAX_INT_ID, utcnow


class LocationSource(StrEnum):
    gps = "gps"  # browser geolocation
    pin = "pin"  # dropped by the member on the map
    address = "address"  # the household's registered location
    door_card = "door_card"  # verified by scanning the household's door card
    none = "none"


class ReviewState(StrEnum):
    """Where a visit stands with the coordinators, as ODK Central's submission review states."""

    received = "received"
    approved = "approved"
    has_issues = "has_issues"
    rejected = "rejected"


VISIT_TEXT_MAX = 4000  # notes, needs raised, help given


class VisitBase(SQLModel):
    """A visit as its member records it, with its limits, written once (as the FastAPI template's ItemBase).

    The table (Visit), the services' input (services.visits.input.VisitInput) and the sync API's body
    (api.v1.visits.VisitBody) derive from it; forms take their limits from it (models.common.max_length).
    """

    household_id: int = Field(foreign_key="household.id", index=True, ge=1, le=MAX_INT_ID)
    visited_at: AwareDatetime = Field(index=True)
    location_source: LocationSource = LocationSource.none
    lat: float | None = None
    lng: float | None = None
    accuracy_m: float | None = Field(default=None, ge=0)
    # The columns stay unbounded text, as created: the limit is checked before anything is stored.
    notes: str = Field(default="", max_length=VISIT_TEXT_MAX, sa_type=AutoString)
    needs_raised: str = Field(default="", max_length=VISIT_TEXT_MAX, sa_type=AutoString)
    help_given: str = Field(default="", max_length=VISIT_TEXT_MAX, sa_type=AutoString)
    photo_consent: bool = False
    # None: sent straight from the form.
    queued_at: AwareDatetime | None = Field(
        default=None, description="When the phone queued the visit offline; lateness counts from it (kept "
        "between the visit time and the arrival time)")


class Visit(VisitBase, table=True):
    # Covering indexes for the map (bbox first) and for coverage (period first): see docs/BENCHMARKS.md "Map".
    # ``counts`` and ``review_state`` are in the period index so that "what counts" never reads the table
    # rows; the map's cells do not use them (its points read the rows for the signals anyway).
    __table_args__ = (
        Index("ix_visit_map", "lat", "lng", "household_id", "verified", "visited_at", "member_id"),
        Index("ix_visit_period", "visited_at", "household_id", "verified", "member_id", "counts", "review_state"),
        # The household's clock: its latest counted visit.
        Index("ix_visit_household_counted", "household_id", "counts", "visited_at"),
    )

    # Client-made UUID: the idempotency key for double taps, reconnects and offline sync.
    id: str = Field(primary_key=True, max_length=36)
    member_id: int = Field(foreign_key="user.id", index=True)
    distance_m: float | None = None
    verified: bool = False
    photo_consent_withdrawn_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow, index=True)  # when the server received it
    # Honesty signals found when the visit was stored: [{"code": "late", "hours": 290}, ...]
    # (services/visits/review/signals.py writes and explains them).
    signals: list[dict] = Field(default_factory=list, sa_column=Column(JSON, nullable=False, default=list))
    review_state: ReviewState = Field(default=ReviewState.received, index=True)
    # Whether the visit counts (household clock, coverage, figures): kept by services/visit_review.
    counts: bool = Field(default=False, index=True)


class VisitReview(SQLModel, table=True):
    """One change of a visit's review state: who, when, why, from what to what."""

    id: int | None = Field(default=None, primary_key=True)
    visit_id: str = Field(foreign_key="visit.id", index=True)
    actor_id: int | None = Field(default=None, foreign_key="user.id")  # None: the system (e.g. a callback)
    old_state: ReviewState
    new_state: ReviewState
    comment: str = ""
    created_at: datetime = Field(default_factory=utcnow)


class VisitAnswer(SQLModel, table=True):
    """The member's one answer to a visit marked "has issues": a note, a photo, or both."""

    visit_id: str = Field(foreign_key="visit.id", primary_key=True)
    member_id: int = Field(foreign_key="user.id")
    note: str = ""
    photo_id: int | None = Field(default=None, foreign_key="photo.id")
    created_at: datetime = Field(default_factory=utcnow)


class Photo(SQLModel, table=True):
    # One stored copy per upload per visit, even when a phone retries the same photo concurrently.
    __table_args__ = (UniqueConstraint("visit_id", "upload_sha256", name="uq_photo_visit_upload"),)

    id: int | None = Field(default=None, primary_key=True)
    visit_id: str = Field(foreign_key="visit.id", index=True)
    file_key: str
    thumb_key: str
    width: int
    height: int
    size_bytes: int
    phash: str = Field(index=True)
    # Hash of the bytes the client sent, so a retried upload is recognised.
    upload_sha256: str = Field(index=True)
    duplicate_of_visit_id: str | None = None
    created_at: datetime = Field(default_factory=utcnow)


class VisitRevision(SQLModel, table=True):
    """One correction of a stored visit: the changed fields' old and new values (JSON objects).

    Kept beside the audit entry ("visit.edit"), which by design never holds a record's content.
    """

    id: int | None = Field(default=None, primary_key=True)
    visit_id: str = Field(foreign_key="visit.id", index=True, max_length=36)
    editor_id: int = Field(foreign_key="user.id")
    edited_at: datetime = Field(default_factory=utcnow)
    old_values: str
    new_values: str
