"""Volunteer events: events and their roles, sign-ups with a waitlist, attendance, notices, volunteers."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from models.common import utcnow


class EventAudience(StrEnum):
    members = "members"
    volunteers = "volunteers"
    both = "both"


class EventStatus(StrEnum):
    published = "published"
    cancelled = "cancelled"


class SignupStatus(StrEnum):
    confirmed = "confirmed"
    waitlisted = "waitlisted"
    cancelled = "cancelled"


class VolunteerStatus(StrEnum):
    pending = "pending"
    approved = "approved"
    rejected = "rejected"
    closed = "closed"


class Event(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    area_id: int = Field(foreign_key="area.id", index=True)  # who runs it; its coordinators manage it
    title: str
    description: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    category: str = Field(default="", index=True)
    starts_at: datetime = Field(index=True)
    ends_at: datetime
    address: str = ""
    lat: float | None = None
    lng: float | None = None
    capacity: int = 10
    # Kept in step with confirmed sign-ups and only ever changed by a conditional UPDATE, so
    # concurrent sign-ups can never push it past capacity (count-then-insert overbooks).
    confirmed_count: int = 0
    signup_deadline: datetime | None = None
    audience: EventAudience = EventAudience.both
    status: EventStatus = EventStatus.published
    checkin_code: str = Field(max_length=64)  # secret in the event's QR code
    # Set once attendance has been closed (open check-ins ended, no-shows recorded).
    attendance_closed_at: datetime | None = None
    created_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class EventRole(SQLModel, table=True):
    """A role or shift within an event with its own capacity (e.g. "registration desk: 2")."""

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True)
    name: str
    capacity: int
    confirmed_count: int = 0
    position: int = 0


class Signup(SQLModel, table=True):
    __table_args__ = (
        # One active sign-up per person and event: a double tap cannot book twice.
        Index("uq_signup_active", "event_id", "user_id", unique=True,
              sqlite_where=text("status != 'cancelled'"), postgresql_where=text("status != 'cancelled'")),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    role_id: int | None = Field(default=None, foreign_key="eventrole.id")
    status: SignupStatus = Field(default=SignupStatus.waitlisted, index=True)
    # Waitlist order: first come, first promoted (ties broken by id).
    waitlisted_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    confirmed_at: datetime | None = None
    cancelled_at: datetime | None = None
    cancelled_by: int | None = None
    # A cancellation asked for after the cut-off: refused, and shown to the coordinator.
    late_cancel_requested_at: datetime | None = None


class Attendance(SQLModel, table=True):
    """Presence at an event: check-in/out, a recorded no-show, and a coordinator's correction."""

    id: int | None = Field(default=None, primary_key=True)
    signup_id: int = Field(foreign_key="signup.id", unique=True)
    event_id: int = Field(foreign_key="event.id", index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    checked_in_at: datetime | None = None
    checked_out_at: datetime | None = None
    no_show: bool = False
    hours_corrected: float | None = None
    correction_reason: str = ""
    corrected_by: int | None = None
    corrected_at: datetime | None = None


class Notice(SQLModel, table=True):
    """An in-app notice; the text is a msgid translated when shown, with JSON params."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    msgid: str
    params: str = "{}"
    link: str = ""
    created_at: datetime = Field(default_factory=utcnow)
    read_at: datetime | None = None


class VolunteerProfile(SQLModel, table=True):
    user_id: int = Field(foreign_key="user.id", primary_key=True)
    skills: str = ""
    availability: str = ""
    status: VolunteerStatus = Field(default=VolunteerStatus.pending, index=True)
    consent_at: datetime | None = None
    decided_at: datetime | None = None
    decided_by: int | None = None
    closed_at: datetime | None = None


class VolunteerIntake(SQLModel, table=True):
    """Per community: whether self-registered volunteers are accepted without a coordinator's approval."""

    area_id: int = Field(foreign_key="area.id", primary_key=True)
    auto_approve: bool = False


class CalendarFeed(SQLModel, table=True):
    """A secret token per user for their personal calendar feed URL."""

    __table_args__ = (UniqueConstraint("token"),)

    user_id: int = Field(foreign_key="user.id", primary_key=True)
    token: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
