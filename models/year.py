"""A member's year: public commitments, service posts, leaders' field days and service points."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Text
from sqlmodel import AutoString, Field, SQLModel

from models.common import utcnow


class CommitmentStatus(StrEnum):
    open = "open"
    kept = "kept"
    not_kept = "not_kept"


# Where a column is unbounded text, as created, it stays so: the limit is checked before anything is stored.
class CommitmentBase(SQLModel):
    """What a member writes on a commitment, with its limits, written once (as the FastAPI template's ItemBase).

    The table (Commitment) and the services' input (services.year.commitments.CommitmentInput) derive
    from it; forms take their limits from it (models.common.max_length).
    """

    title: str = Field(max_length=200)
    description: str = Field(default="", max_length=2000, sa_type=Text, sa_column_kwargs={"server_default": ""})
    # Why it was (not) kept, shown to residents.
    outcome_reason: str = Field(default="", max_length=500, sa_type=AutoString)


class Commitment(CommitmentBase, table=True):
    """A concrete promise a member makes to residents for one year, shown on the public board."""

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="user.id", index=True)
    # The member's area when it was made: the community board that lists it.
    area_id: int = Field(foreign_key="area.id", index=True)
    year: int = Field(index=True)
    status: CommitmentStatus = Field(default=CommitmentStatus.open, index=True)
    closed_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class CommitmentNoteBase(SQLModel):
    """A progress note's text, with its limit: the table (CommitmentNote) and the services' input
    (services.year.commitments.CommitmentNoteInput) derive from it."""

    text: str = Field(default="", max_length=2000, sa_type=Text, sa_column_kwargs={"server_default": ""})


class CommitmentNote(CommitmentNoteBase, table=True):
    """A dated progress note on a commitment; seen by the member and coordinators, not the public."""

    id: int | None = Field(default=None, primary_key=True)
    commitment_id: int = Field(foreign_key="commitment.id", index=True)
    author_id: int | None = Field(default=None, foreign_key="user.id")
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


class ServicePostBase(SQLModel):
    """A post as a coordinator defines it, with its limits: the table (ServicePost) and the services' input
    (services.community.service_posts.ServicePostInput) derive from it; forms take their limits from it."""

    name: str = Field(max_length=100)
    duties: str = Field(default="", max_length=2000, sa_type=Text, sa_column_kwargs={"server_default": ""})
    seats: int = 1
    active: bool = True


class ServicePost(ServicePostBase, table=True):
    """A post with defined duties in an area (e.g. "building safety watch"), held by some members."""

    id: int | None = Field(default=None, primary_key=True)
    area_id: int = Field(foreign_key="area.id", index=True)
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


class FieldDayBase(SQLModel):
    """A field day as its leader records it, with its limits: the table (FieldDay) and the services' input
    (services.year.field_days.FieldDayInput) derive from it; forms take their limits from it."""

    day_at: datetime = Field(index=True)  # when it took place (UTC); its year is the org time zone's
    place: str = Field(max_length=200)
    purpose: str = Field(default="", max_length=500)
    learned: str = Field(default="", max_length=4000, sa_type=Text, sa_column_kwargs={"server_default": ""})
    problems: str = Field(default="", max_length=4000, sa_type=Text, sa_column_kwargs={"server_default": ""})


class FieldDay(FieldDayBase, table=True):
    """A day a leader spent at their contact point; counted against the yearly quota."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
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
