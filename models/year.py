"""A member's year: public commitments, service posts, leaders' field days and service points."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from models.common import utcnow


class CommitmentStatus(StrEnum):
    open = "open"
    kept = "kept"
    not_kept = "not_kept"


class Commitment(SQLModel, table=True):
    """A concrete promise a member makes to residents for one year, shown on the public board."""

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="user.id", index=True)
    # The member's area when it was made: the community board that lists it.
    area_id: int = Field(foreign_key="area.id", index=True)
    year: int = Field(index=True)
    title: str = Field(max_length=200)
    description: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    status: CommitmentStatus = Field(default=CommitmentStatus.open, index=True)
    outcome_reason: str = ""  # why it was (not) kept, shown to residents
    closed_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class CommitmentNote(SQLModel, table=True):
    """A dated progress note on a commitment; seen by the member and coordinators, not the public."""

    id: int | None = Field(default=None, primary_key=True)
    commitment_id: int = Field(foreign_key="commitment.id", index=True)
    author_id: int | None = Field(default=None, foreign_key="user.id")
    text: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    created_at: datetime = Field(default_factory=utcnow, index=True)


class CommitmentPhoto(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    note_id: int = Field(foreign_key="commitmentnote.id", index=True)
    commitment_id: int = Field(foreign_key="commitment.id", index=True)
    file_key: str
    thumb_key: str
    width: int
    height: int
    size_bytes: int
    upload_sha256: str = Field(index=True)
    created_at: datetime = Field(default_factory=utcnow)


class CommentStatus(StrEnum):
    pending = "pending"
    approved = "approved"
    rejected = "rejected"


class BoardComment(SQLModel, table=True):
    """A resident's short comment on a commitment; public only once a coordinator approves it."""

    id: int | None = Field(default=None, primary_key=True)
    commitment_id: int = Field(foreign_key="commitment.id", index=True)
    area_id: int = Field(foreign_key="area.id", index=True)
    text: str = Field(max_length=500)
    status: CommentStatus = Field(default=CommentStatus.pending, index=True)
    created_at: datetime = Field(default_factory=utcnow, index=True)
    moderated_at: datetime | None = None
    moderated_by_id: int | None = Field(default=None, foreign_key="user.id")


class ServicePost(SQLModel, table=True):
    """A post with defined duties in an area (e.g. "building safety watch"), held by some members."""

    id: int | None = Field(default=None, primary_key=True)
    area_id: int = Field(foreign_key="area.id", index=True)
    name: str = Field(max_length=100)
    duties: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    seats: int = 1
    active: bool = True
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)


class AssignmentStatus(StrEnum):
    applied = "applied"
    assigned = "assigned"
    ended = "ended"


class PostAssignment(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    post_id: int = Field(foreign_key="servicepost.id", index=True)
    member_id: int = Field(foreign_key="user.id", index=True)
    status: AssignmentStatus = Field(default=AssignmentStatus.applied, index=True)
    applied_at: datetime | None = None
    assigned_at: datetime | None = None
    ended_at: datetime | None = None
    decided_by_id: int | None = Field(default=None, foreign_key="user.id")


class FieldDay(SQLModel, table=True):
    """A day a leader spent at their contact point; counted against the yearly quota."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    day_at: datetime = Field(index=True)  # when it took place (UTC); its year is the org time zone's
    place: str = Field(max_length=200)
    purpose: str = Field(default="", max_length=500)
    learned: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    problems: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    created_at: datetime = Field(default_factory=utcnow)


class FieldDayRequest(SQLModel, table=True):
    """A problem taken up on a field day that became a resident's request."""

    field_day_id: int = Field(foreign_key="fieldday.id", primary_key=True)
    request_id: int = Field(foreign_key="servicerequest.id", primary_key=True)


class ServicePoint(SQLModel, table=True):
    """A fixed place where residents find help; public information."""

    id: int | None = Field(default=None, primary_key=True)
    area_id: int = Field(foreign_key="area.id", index=True)
    name: str = Field(max_length=100)
    address: str = Field(default="", max_length=200)
    lat: float | None = None
    lng: float | None = None
    opening_hours: str = Field(default="", max_length=200)
    contact: str = Field(default="", max_length=100)  # the point's own public phone or desk, never a person's
    services: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
