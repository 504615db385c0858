"""Residents' requests: raise one, see what you may, assign it, move it along, keep its timeline."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, case, false, or_, true
from sqlmodel import Session, col, select

from core.i18n import N_
from models import (
    Area,
    EventKind,
    Household,
    RequestCategory,
    RequestEvent,
    RequestPhoto,
    RequestSource,
    RequestStatus,
    Role,
    ServiceRequest,
    User,
    Visibility,
    Visit,
)
from models.common import max_length, utcnow
from models.requests import CLOSED_STATUSES, OPEN_STATUSES, RATED_STATUSES, RequestEventBase, ServiceRequestBase
from services import audit
from services.errors import Forbidden, InvalidInput, NotFound
from services.households.records import get_household
from services.inputs import TOO_LONG, CheckedInput, check_length
from services.notify import triggers as notify_triggers
from services.org.areas import area_within, subtree_ids
from services.photos.files import store_photo_files
from services.photos.pipeline import ProcessedPhoto
from services.photos.quota import check_daily_photo_quota
from services.photos.store import PhotoStore
from services.policy import (
    MANAGERS,
    REQUEST_ASSIGNEES,
    area_scope,
    holds,
    household_scope,
    may_raise_requests,
    reads_are_audited,
)
from services.privacy.ethical_line.guard import refuse_marking_names

# No 0/O, 1/I/L: a code read out over the phone or copied by hand survives. 31^10 ≈ 8e14.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10
MAX_PHOTOS_PER_REQUEST = 6
DESCRIPTION_TOO_LONG = N_("The description is longer than {n} characters.")

STATUS_LABELS = {
    RequestStatus.new: N_("New"),
    RequestStatus.assigned: N_("Assigned"),
    RequestStatus.in_progress: N_("In progress"),
    RequestStatus.resolved: N_("Resolved"),
    RequestStatus.explained: N_("Explained"),
    RequestStatus.referred: N_("Referred"),
}
SOURCE_LABELS = {
    RequestSource.visit: N_("Home visit"),
    RequestSource.service_point: N_("Service point"),
    RequestSource.hotline: N_("Hotline"),
    RequestSource.public_form: N_("Public form"),
}
# Where each status may go next; a closed request reopens only through a rating or a coordinator.
NEXT_STATUSES: dict[RequestStatus, tuple[RequestStatus, ...]] = {
    RequestStatus.new: (RequestStatus.in_progress, *CLOSED_STATUSES),
    RequestStatus.assigned: (RequestStatus.in_progress, *CLOSED_STATUSES),
    RequestStatus.in_progress: CLOSED_STATUSES,
    RequestStatus.resolved: (RequestStatus.in_progress,),
    RequestStatus.explained: (RequestStatus.in_progress,),
    RequestStatus.referred: (RequestStatus.in_progress,),
}


class RequestInput(ServiceRequestBase, CheckedInput):
    """A request raised by staff: from a visit, at a service point or from a hotline call."""

    too_long = {"description": DESCRIPTION_TOO_LONG}

    source: RequestSource = RequestSource.visit
    household_id: int | None = None
    visit_id: str | None = None
    area_id: int | None = None  # needed when there is no household
    sms_consent: bool = False  # the resident agreed to SMS about it, at the household's phone


class RequestNote(RequestEventBase, CheckedInput):
    """A note a person writes on a request's timeline: with an assignment, a status change, or on its own."""

    too_long = {"note": N_("The note is longer than {n} characters.")}


@dataclass
class RequestRow:
    request: ServiceRequest
    category: RequestCategory
    household: Household | None
    assignee: User | None
    overdue: bool


@dataclass
class TimelineEntry:
    event: RequestEvent
    actor_name: str
    assignee_name: str


# --- categories ------------------------------------------------------------------------------

def categories(session: Session, active_only: bool = True) -> list[RequestCategory]:
    query = select(RequestCategory).order_by(RequestCategory.id)
    if active_only:
        query = query.where(col(RequestCategory.active).is_(True))
    return list(session.exec(query).all())


def category_name(category: RequestCategory, lang: str) -> str:
    return category.name_zh if lang.startswith("zh") else category.name_en


def save_category(session: Session, actor: User, name_en: str, name_zh: str, response_hours: int,
                  active: bool = True, category_id: int | None = None) -> RequestCategory:
    """Add a category, or edit one; the response time applies to requests raised from now on."""
    if not holds(actor, MANAGERS):
        raise Forbidden(N_("You cannot edit the list of request categories."))
    if not name_en.strip() or not name_zh.strip():
        raise InvalidInput(N_("Enter the name in both languages."))
    refuse_marking_names(name_en, name_zh)
    if not 1 <= response_hours <= 24 * 90:
        raise InvalidInput(N_("The response time must be between 1 hour and 90 days."))
    category = session.get(RequestCategory, category_id) if category_id else RequestCategory(name_en="", name_zh="")
    if category is None:
        raise NotFound(N_("Category not found."))
    category.name_en, category.name_zh = name_en.strip(), name_zh.strip()
    category.response_hours, category.active = response_hours, active
    session.add(category)
    session.flush()
    audit.record(session, actor, "request_category.save", "requestcategory", category.id)
    return category


def _active_category(session: Session, category_id: int) -> RequestCategory:
    category = session.get(RequestCategory, category_id)
    if category is None or not category.active:
        raise InvalidInput(N_("Choose a category."))
    return category


# --- who sees what ---------------------------------------------------------------------------

def request_scope(session: Session, actor: User) -> ColumnElement[bool]:
    """A WHERE clause on ServiceRequest: the requests the actor may see.

    Members: requests of the households paired with them (the household rule, reused) and those
    assigned to them. Coordinators: their area subtree, public submissions included. Public
    readers never come through here: they reach one request by its tracking code.
    """
    if not actor.active:
        return false()
    if actor.role == Role.admin:
        return true()
    if actor.role == Role.coordinator:
        return area_scope(session, actor, ServiceRequest.area_id)
    if actor.role == Role.member:
        visible = select(Household.id).where(household_scope(session, actor))
        return or_(col(ServiceRequest.household_id).in_(visible), col(ServiceRequest.assignee_id) == actor.id)
    return false()


def get_request(session: Session, actor: User, request_id: int, audit_read: bool = True) -> ServiceRequest:
    """The request if the actor may see it; NotFound otherwise (never says it exists)."""
    found = session.exec(
        select(ServiceRequest).where(ServiceRequest.id == request_id, request_scope(session, actor))
    ).first()
    if found is None:
        raise NotFound(N_("Request not found."))
    if audit_read and reads_are_audited(actor):
        audit.record(session, actor, "request.read", "servicerequest", found.id)
    return found


def request_household(session: Session, request: ServiceRequest) -> Household | None:
    """The household a request is about, if any (shown with the request to whoever may see it)."""
    return session.get(Household, request.household_id) if request.household_id else None


def can_manage(session: Session, actor: User, request: ServiceRequest) -> bool:
    """Coordinators over the request's area, admins, and the assignee move a request along."""
    if not actor.active:
        return False
    if actor.role == Role.admin or request.assignee_id == actor.id:
        return True
    return actor.role == Role.coordinator and area_within(session, request.area_id, actor.area_id)


def can_assign(session: Session, actor: User, request: ServiceRequest) -> bool:
    if not actor.active:
        return False
    return actor.role == Role.admin or (
        actor.role == Role.coordinator and area_within(session, request.area_id, actor.area_id))


def is_overdue(request: ServiceRequest, now: datetime | None = None) -> bool:
    """Still open after the category's response time. Instants compare the same in any time zone;
    the org time zone matters where days are counted (periods, the date shown)."""
    return request.status in OPEN_STATUSES and (now or utcnow()) > request.due_at


# --- raising ---------------------------------------------------------------------------------

def new_tracking_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: str) -> str:
    return code.strip().upper().replace(" ", "").replace("-", "")


def _check_description(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidInput(N_("Describe the request."))
    return check_length(RequestInput, "description", text)


def create_request(session: Session, *, category: RequestCategory, description: str, source: RequestSource,
                   area_id: int, actor: User | None = None, household_id: int | None = None,
                   visit_id: str | None = None, now: datetime | None = None, **public: object) -> ServiceRequest:
    """Insert a request with its first timeline entry; callers have checked who may do this."""
    now = now or utcnow()
    request = ServiceRequest(
        tracking_code=new_tracking_code(), household_id=household_id, area_id=area_id, category_id=category.id,
        description=description, source=source, visit_id=visit_id, raised_by_id=actor.id if actor else None,
        created_at=now, updated_at=now, due_at=now + timedelta(hours=category.response_hours), **public,
    )
    session.add(request)
    session.flush()
    session.add(RequestEvent(request_id=request.id, at=now, kind=EventKind.created, actor_id=request.raised_by_id,
                             status=RequestStatus.new, visibility=Visibility.public))
    audit.record(session, actor, "request.create", "servicerequest", request.id)
    return request


def raise_request(session: Session, actor: User, data: RequestInput, photos: list[ProcessedPhoto] | None = None,
                  store: PhotoStore | None = None, now: datetime | None = None) -> ServiceRequest:
    """Staff raise a request: a member for a household paired with them, a coordinator in their area."""
    if not may_raise_requests(actor):
        raise Forbidden(N_("You cannot raise requests."))
    if data.source == RequestSource.public_form:
        raise InvalidInput(N_("Choose where the request came from."))
    category = _active_category(session, data.category_id)
    description = _check_description(data.description)
    area_id = data.area_id
    if data.household_id is not None:
        household = get_household(session, actor, data.household_id, audit_read=False)
        area_id = household.area_id
    elif actor.role == Role.member:
        raise InvalidInput(N_("Choose a household."))
    if area_id is None or session.get(Area, area_id) is None:
        raise InvalidInput(N_("Choose an area."))
    if actor.role == Role.coordinator and not area_within(session, area_id, actor.area_id):
        raise Forbidden(N_("You can only raise requests in your own area."))
    visit_id = None
    if data.visit_id:
        visit = session.get(Visit, data.visit_id)
        if visit is None or visit.household_id != data.household_id:
            raise InvalidInput(N_("The visit does not belong to this household."))
        visit_id = visit.id
    request = create_request(session, category=category, description=description, source=data.source,
                             area_id=area_id, actor=actor, household_id=data.household_id, visit_id=visit_id,
                             now=now)
    for photo in photos or []:
        add_request_photo(session, actor, request, photo, store)
    if data.sms_consent and data.household_id is not None:
        notify_triggers.record_sms_consent(session, request, household.phone)
    return request


# --- moving a request along ------------------------------------------------------------------

def _note(text: str) -> str:
    return RequestNote(note=(text or "").strip()).note


def _touch(session: Session, request: ServiceRequest, now: datetime) -> None:
    request.updated_at = now
    session.add(request)


def assignable_users(session: Session, actor: User, request: ServiceRequest) -> list[User]:
    """Active members and coordinators working in the request's area (within it or above it)."""
    if not can_assign(session, actor, request):
        return []
    area = session.get(Area, request.area_id)
    if area is None:
        return []
    above = [int(p) for p in area.path.strip("/").split("/") if p]
    query = select(User).where(col(User.active).is_(True), col(User.role).in_(REQUEST_ASSIGNEES),
                               or_(col(User.area_id).in_(subtree_ids(session, area.id)), col(User.area_id).in_(above)))
    if actor.role == Role.coordinator:
        query = query.where(or_(area_scope(session, actor, User.area_id), User.id == actor.id))
    return list(session.exec(query.order_by(User.role, User.name)).all())


def assign_request(session: Session, actor: User, request_id: int, assignee_id: int, note: str = "",
                   now: datetime | None = None) -> ServiceRequest:
    now = now or utcnow()
    request = get_request(session, actor, request_id, audit_read=False)
    if not can_assign(session, actor, request):
        raise Forbidden(N_("You cannot assign this request."))
    if request.status not in OPEN_STATUSES:
        raise InvalidInput(N_("This request is closed. Reopen it first."))
    if assignee_id not in {u.id for u in assignable_users(session, actor, request)}:
        raise InvalidInput(N_("Choose a member or coordinator of this area."))
    request.assignee_id = assignee_id
    request.status = RequestStatus.assigned
    _touch(session, request, now)
    session.add(RequestEvent(request_id=request.id, at=now, kind=EventKind.assigned, actor_id=actor.id,
                             status=RequestStatus.assigned, assignee_id=assignee_id, note=_note(note),
                             visibility=Visibility.internal))
    audit.record(session, actor, "request.assign", "servicerequest", request.id)
    notify_triggers.request_changed(session, request)
    return request


def change_status(session: Session, actor: User, request_id: int, status: RequestStatus, note: str = "",
                  visibility: Visibility = Visibility.public, referred_to: str = "",
                  now: datetime | None = None) -> ServiceRequest:
    """Move a request to its next status with a dated, noted entry on its timeline."""
    now = now or utcnow()
    request = get_request(session, actor, request_id, audit_read=False)
    if not can_manage(session, actor, request):
        raise Forbidden(N_("You cannot change this request."))
    if status not in NEXT_STATUSES[request.status]:
        raise InvalidInput(N_("A request that is {current} cannot become {new}."),
                           current=STATUS_LABELS[request.status], new=STATUS_LABELS[status])
    note, detail = _note(note), ""
    if status == RequestStatus.explained:
        if not note:
            raise InvalidInput(N_("Give the resident the reason it cannot be solved now."))
        visibility = Visibility.public  # the reason is the answer the resident is owed
    if status == RequestStatus.referred:
        detail = (referred_to or "").strip()
        if not detail:
            raise InvalidInput(N_("Name the department the request is referred to."))
        if len(detail) > max_length(ServiceRequest, "referred_to"):  # refused, never cut
            raise InvalidInput(TOO_LONG, n=max_length(ServiceRequest, "referred_to"))
        request.referred_to = detail
    if request.status in CLOSED_STATUSES:  # a coordinator reopens it
        request.reopened_count += 1
        request.closed_at, request.awaiting_rating = None, False
        category = session.get(RequestCategory, request.category_id)
        request.due_at = now + timedelta(hours=category.response_hours if category else 72)
    if status in CLOSED_STATUSES:
        request.closed_at = now
        request.awaiting_rating = status in RATED_STATUSES
    request.status = status
    _touch(session, request, now)
    session.add(RequestEvent(request_id=request.id, at=now, kind=EventKind.status, actor_id=actor.id, status=status,
                             detail=detail, note=note, visibility=visibility))
    audit.record(session, actor, f"request.{status.value}", "servicerequest", request.id)
    notify_triggers.request_changed(session, request)
    return request


def add_note(session: Session, actor: User, request_id: int, note: str,
             visibility: Visibility = Visibility.internal, now: datetime | None = None) -> RequestEvent:
    request = get_request(session, actor, request_id, audit_read=False)
    text = _note(note)
    if not text:
        raise InvalidInput(N_("Write a note."))
    if visibility == Visibility.public and not can_manage(session, actor, request):
        raise Forbidden(N_("Only the assignee or a coordinator can write to the resident."))
    event = RequestEvent(request_id=request.id, at=now or utcnow(), kind=EventKind.note, actor_id=actor.id,
                         note=text, visibility=visibility)
    session.add(event)
    _touch(session, request, event.at)
    return event


def add_request_photo(session: Session, actor: User | None, request: ServiceRequest, processed: ProcessedPhoto,
                      store: PhotoStore | None = None) -> RequestPhoto:
    """Attach a photo through the shared pipeline; the same upload twice is stored once."""
    same = session.exec(select(RequestPhoto).where(RequestPhoto.request_id == request.id,
                                                   RequestPhoto.upload_sha256 == processed.sha256)).first()
    if same is not None:
        return same
    count = len(session.exec(select(RequestPhoto.id).where(RequestPhoto.request_id == request.id)).all())
    if count >= MAX_PHOTOS_PER_REQUEST:
        raise InvalidInput(N_("At most {n} photos per request."), n=MAX_PHOTOS_PER_REQUEST)
    if actor is not None:  # the public form has its own per-address limits
        check_daily_photo_quota(session, actor)
    file_key, thumb_key = store_photo_files(session, processed, store)
    photo = RequestPhoto(request_id=request.id, file_key=file_key, thumb_key=thumb_key, width=processed.width,
                         height=processed.height, size_bytes=len(processed.image), upload_sha256=processed.sha256,
                         added_by_id=actor.id if actor else None)
    session.add(photo)
    session.flush()
    return photo


def add_photo_to_request(session: Session, actor: User, request_id: int, processed: ProcessedPhoto,
                         store: PhotoStore | None = None) -> RequestPhoto:
    request = get_request(session, actor, request_id, audit_read=False)
    if not can_manage(session, actor, request) and actor.role != Role.member:
        raise Forbidden(N_("You cannot change this request."))
    photo = add_request_photo(session, actor, request, processed, store)
    session.add(RequestEvent(request_id=request.id, kind=EventKind.photo, actor_id=actor.id,
                             visibility=Visibility.internal))
    return photo


# --- reading ---------------------------------------------------------------------------------

@dataclass
class RequestFilters:
    view: str = "all"  # "all": everything visible; "mine": assigned to the actor; "raised": raised by the actor
    state: str = "open"  # open, closed, awaiting (a rating), all
    category_id: int | None = None
    household_id: int | None = None
    overdue_only: bool = False


def list_requests(session: Session, actor: User, filters: RequestFilters | None = None,
                  now: datetime | None = None, limit: int = 300) -> list[RequestRow]:
    """Requests the actor may see; open and overdue first, then by due time."""
    filters, now = filters or RequestFilters(), now or utcnow()
    query = (
        select(ServiceRequest, RequestCategory, Household, User)
        .join(RequestCategory, RequestCategory.id == ServiceRequest.category_id)
        .join(Household, Household.id == ServiceRequest.household_id, isouter=True)
        .join(User, User.id == ServiceRequest.assignee_id, isouter=True)
        .where(request_scope(session, actor))
    )
    if filters.view == "mine":
        query = query.where(ServiceRequest.assignee_id == actor.id)
    elif filters.view == "raised":
        query = query.where(ServiceRequest.raised_by_id == actor.id)
    is_open = col(ServiceRequest.status).in_(OPEN_STATUSES)
    if filters.state == "open":
        query = query.where(is_open)
    elif filters.state == "closed":
        query = query.where(col(ServiceRequest.status).in_(CLOSED_STATUSES))
    elif filters.state == "awaiting":
        query = query.where(col(ServiceRequest.awaiting_rating).is_(True))
    if filters.category_id is not None:
        query = query.where(ServiceRequest.category_id == filters.category_id)
    if filters.household_id is not None:
        query = query.where(ServiceRequest.household_id == filters.household_id)
    overdue = is_open & (col(ServiceRequest.due_at) < now)
    if filters.overdue_only:
        query = query.where(overdue)
    query = query.order_by(case((overdue, 0), (is_open, 1), else_=2), col(ServiceRequest.due_at),
                           col(ServiceRequest.id).desc()).limit(limit)
    return [RequestRow(r, c, h, u, is_overdue(r, now)) for r, c, h, u in session.exec(query).all()]


def timeline(session: Session, actor: User, request_id: int) -> list[TimelineEntry]:
    """Every entry, internal ones included, for staff who may see the request."""
    request = get_request(session, actor, request_id, audit_read=False)
    events = session.exec(select(RequestEvent).where(RequestEvent.request_id == request.id)
                          .order_by(RequestEvent.at, RequestEvent.id)).all()
    ids = {e.actor_id for e in events} | {e.assignee_id for e in events}
    names = dict(session.exec(select(User.id, User.name).where(col(User.id).in_([i for i in ids if i]))).all())
    return [TimelineEntry(e, names.get(e.actor_id, ""), names.get(e.assignee_id, "")) for e in events]


def request_photos(session: Session, actor: User, request_id: int) -> list[RequestPhoto]:
    request = get_request(session, actor, request_id, audit_read=False)
    return list(session.exec(select(RequestPhoto).where(RequestPhoto.request_id == request.id)
                             .order_by(RequestPhoto.id)).all())


def get_request_photo(session: Session, actor: User, photo_id: int) -> RequestPhoto:
    photo = session.get(RequestPhoto, photo_id)
    if photo is None:
        raise NotFound(N_("Photo not found."))
    get_request(session, actor, photo.request_id, audit_read=False)
    return photo


def users_by_id(session: Session, ids: list[int | None]) -> dict[int, User]:
    wanted = [i for i in ids if i]
    if not wanted:
        return {}
    return {u.id: u for u in session.exec(select(User).where(col(User.id).in_(wanted))).all()}  # type: ignore[misc]
