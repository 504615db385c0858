"""Residents' requests: what was asked, who answers it, its timeline and the resident's rating."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import AutoString, Field, SQLModel

from models.common import utcnow


class RequestStatus(StrEnum):
    new = "new"
    assigned = "assigned"
    in_progress = "in_progress"
    resolved = "resolved"
    explained = "explained"  # cannot be solved now; the reason is given to the resident
    referred = "referred"  # handed to another department, named in referred_to


OPEN_STATUSES = (RequestStatus.new, RequestStatus.assigned, RequestStatus.in_progress)
CLOSED_STATUSES = (RequestStatus.resolved, RequestStatus.explained, RequestStatus.referred)
# The resident is asked for a rating only when the organisation itself gave the answer.
RATED_STATUSES = (RequestStatus.resolved, RequestStatus.explained)


class RequestSource(StrEnum):
    visit = "visit"
    service_point = "service_point"
    hotline = "hotline"
    public_form = "public_form"


class Visibility(StrEnum):
    public = "public"  # shown to the resident on the public status page
    internal = "internal"


class Satisfaction(StrEnum):
    satisfied = "satisfied"
    basically_satisfied = "basically_satisfied"
    not_satisfied = "not_satisfied"


class RequestCategory(SQLModel, table=True):
    """Editable list of kinds of request, each with the response time the organisation promises."""

    id: int | None = Field(default=None, primary_key=True)
    name_en: str
    name_zh: str
    response_hours: int = 72
    active: bool = True


class ServiceRequestBase(SQLModel):
    """What every request says, with its limits, written once (as the FastAPI template's ItemBase).

    The table (ServiceRequest) and the staff's input (services.requests.tracking.RequestInput) derive
    from it, the resident's through PublicRequestBase; forms take their limits from it
    (models.common.max_length).
    """

    category_id: int = Field(foreign_key="requestcategory.id", index=True)
    # The columns stay unbounded text, as created: the limit is checked before anything is stored.
    description: str = Field(max_length=2000, sa_type=AutoString)


class PublicRequestBase(ServiceRequestBase):
    """A request with what a resident leaves on the public form (services.requests.feedback.PublicRequestInput)."""

    # Public submissions only, and only what is needed to reply: both optional.
    contact_name: str = Field(default="", max_length=50, sa_type=AutoString)
    contact_phone: str = Field(default="", max_length=30, sa_type=AutoString)
    location_text: str = Field(default="", max_length=200, sa_type=AutoString)
    lat: float | None = None
    lng: float | None = None


class ServiceRequest(PublicRequestBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    # Unguessable, short, from an unambiguous alphabet: the resident's only key to the request.
    tracking_code: str = Field(index=True, unique=True, max_length=16)
    household_id: int | None = Field(default=None, foreign_key="household.id", index=True)
    area_id: int = Field(foreign_key="area.id", index=True)
    source: RequestSource = RequestSource.visit
    visit_id: str | None = Field(default=None, foreign_key="visit.id")
    raised_by_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    assignee_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    status: RequestStatus = Field(default=RequestStatus.new, index=True)
    referred_to: str = Field(default="", max_length=200, sa_type=AutoString)  # the department, as staff name it
    created_at: datetime = Field(default_factory=utcnow, index=True)
    due_at: datetime = Field(index=True)
    closed_at: datetime | None = None
    # Set when resolved or explained, cleared when the resident's rating is recorded.
    awaiting_rating: bool = Field(default=False, index=True)
    reopened_count: int = 0
    updated_at: datetime = Field(default_factory=utcnow)


class EventKind(StrEnum):
    created = "created"
    assigned = "assigned"
    status = "status"
    note = "note"
    photo = "photo"
    rating = "rating"
    reopened = "reopened"


class RequestEventBase(SQLModel):
    """What a person writes on a request's timeline, with its limit: the table (RequestEvent) and the
    services' note (services.requests.tracking.RequestNote) derive from it."""

    note: str = Field(default="", max_length=2000, sa_type=AutoString)
    visibility: Visibility = Visibility.internal


class RequestEvent(RequestEventBase, table=True):
    """One dated entry of a request's timeline: a status change, an assignment, a note, a rating.

    What the system says (kind, status, detail) is stored as data and worded when shown, in the
    reader's language; ``note`` is what a person typed, shown to the resident only if public.
    """

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="servicerequest.id", index=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    kind: EventKind = EventKind.note
    actor_id: int | None = Field(default=None, foreign_key="user.id")  # None: the resident or the system
    status: RequestStatus | None = None  # the status after this entry, if it changed it
    detail: str = ""  # e.g. the department referred to, or the satisfaction given
    assignee_id: int | None = Field(default=None, foreign_key="user.id")


class RequestPhoto(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="servicerequest.id", index=True)
    file_key: str
    thumb_key: str
    width: int
    height: int
    size_bytes: int
    upload_sha256: str = Field(index=True)
    added_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)


class RatingBase(SQLModel):
    """The resident's answer, with its limit: the table (Rating) and the services' input
    (services.requests.feedback.RatingInput) derive from it."""

    satisfaction: Satisfaction
    comment: str = Field(default="", max_length=1000, sa_type=AutoString)


class Rating(RatingBase, table=True):
    """The resident's judgement of an answer; a request reopened and answered again is rated again."""

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="servicerequest.id", index=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    answered_status: RequestStatus  # the answer being rated: resolved or explained
    recorded_by_id: int | None = Field(default=None, foreign_key="user.id")  # None: on the public page
    assignee_id: int | None = Field(default=None, foreign_key="user.id")  # who gave the answer rated


class RequestAlert(SQLModel, table=True):
    """An in-app notice for the coordinators of an area (e.g. a resident was not satisfied)."""

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="servicerequest.id", index=True)
    area_id: int = Field(foreign_key="area.id", index=True)
    kind: str = "not_satisfied"
    created_at: datetime = Field(default_factory=utcnow, index=True)
    dismissed_at: datetime | None = Field(default=None, index=True)
    dismissed_by_id: int | None = Field(default=None, foreign_key="user.id")
