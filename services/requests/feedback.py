"""The resident's side of a request: the public form, the status page, ratings, and the alerts
a "not satisfied" rating raises for coordinators."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from core.db import session_scope
from core.i18n import N_
from models import (
    Area,
    EventKind,
    Household,
    Rating,
    RequestAlert,
    RequestCategory,
    RequestEvent,
    RequestSource,
    RequestStatus,
    Role,
    Satisfaction,
    ServiceRequest,
    User,
    Visibility,
)
from models.common import utcnow
from models.requests import RATED_STATUSES, PublicRequestBase, RatingBase
from services import audit
from services.accounts.challenge import verify_challenge
from services.errors import Forbidden, InvalidInput, NotFound
from services.inputs import CheckedInput, check_lengths
from services.notify import triggers as notify_triggers
from services.photos.pipeline import ProcessedPhoto
from services.photos.store import PhotoStore
from services.policy import MANAGERS, REQUEST_STAFF, area_scope, holds
from services.rate_limits.counting import PUBLIC_ATTEMPTS, PUBLIC_LOOKUPS, PUBLIC_SUBMISSIONS
from services.requests.tracking import (
    DESCRIPTION_TOO_LONG,
    _active_category,
    _check_description,
    add_request_photo,
    create_request,
    get_request,
    normalise_code,
    request_scope,
)

MAX_PUBLIC_PHOTOS = 3
SATISFACTION_LABELS = {
    Satisfaction.satisfied: N_("Satisfied"),
    Satisfaction.basically_satisfied: N_("Basically satisfied"),
    Satisfaction.not_satisfied: N_("Not satisfied"),
}


CONTACT_TOO_LONG = N_("A contact or location field is too long.")


class PublicRequestInput(PublicRequestBase, CheckedInput):
    """A resident's request from the public form: the request, and how to reply if they want a reply."""

    too_long = {"description": DESCRIPTION_TOO_LONG, "contact_name": CONTACT_TOO_LONG,
                "contact_phone": CONTACT_TOO_LONG, "location_text": CONTACT_TOO_LONG}

    area_id: int | None = None  # the resident's community, if they chose one
    sms_consent: bool = False  # "send me SMS about this request", to contact_phone


class RatingInput(RatingBase, CheckedInput):
    """The resident's answer to a request, given on the status page or recorded for them."""

    too_long = {"comment": N_("The comment is longer than {n} characters.")}


@dataclass
class PublicEntry:
    at: datetime
    kind: EventKind
    status: RequestStatus | None
    detail: str
    note: str  # empty unless the note was written for the resident


@dataclass
class PublicView:
    """What the holder of a tracking code may see: no names, no phone numbers, no internal notes."""

    code: str
    category: RequestCategory
    status: RequestStatus
    created_at: datetime
    description: str  # only for requests the resident wrote themselves
    referred_to: str
    awaiting_rating: bool
    entries: list[PublicEntry] = field(default_factory=list)


# --- the public form -------------------------------------------------------------------------

def public_areas(session: Session) -> list[Area]:
    return list(session.exec(select(Area).order_by(Area.path)).all())


def _public_area(session: Session, data: PublicRequestInput) -> int:
    """The chosen area; else the area of the nearest household to the given point; else the top area."""
    if data.area_id is not None and session.get(Area, data.area_id) is not None:
        return data.area_id
    if data.lat is not None and data.lng is not None:
        best, best_d = None, math.inf
        for area_id, lat, lng in session.exec(
                select(Household.area_id, Household.lat, Household.lng).where(col(Household.lat).is_not(None))).all():
            d = (lat - data.lat) ** 2 + ((lng - data.lng) * math.cos(math.radians(data.lat))) ** 2
            if d < best_d:
                best, best_d = area_id, d
        if best is not None and best_d < 0.05 ** 2:  # within ~5 km
            return best
    top = session.exec(select(Area.id).where(col(Area.parent_id).is_(None)).order_by(Area.id)).first()
    if top is None:
        raise InvalidInput(N_("Requests cannot be received yet."))
    return top


def submit_public_request(session: Session, data: PublicRequestInput, client_ip: str, challenge_token: str,
                          challenge_answer: str | int | None, photos: list[ProcessedPhoto] | None = None,
                          store: PhotoStore | None = None, now: datetime | None = None) -> ServiceRequest:
    """A resident's request without an account: limited per address, checked by a question."""
    key = client_ip or "unknown"
    PUBLIC_SUBMISSIONS.check(key)
    PUBLIC_ATTEMPTS.hit(key)
    verify_challenge(challenge_token, challenge_answer)
    category = _active_category(session, data.category_id)
    description = _check_description(data.description)
    photos = photos or []
    if len(photos) > MAX_PUBLIC_PHOTOS:
        raise InvalidInput(N_("At most {n} photos per request."), n=MAX_PUBLIC_PHOTOS)
    data = check_lengths(data.model_copy(update={  # a copy is not validated: check what will be stored
        "contact_name": data.contact_name.strip(), "contact_phone": data.contact_phone.strip(),
        "location_text": data.location_text.strip()}))
    name, phone, place = data.contact_name, data.contact_phone, data.location_text
    if phone and not all(c.isdigit() or c in "+- " for c in phone):
        raise InvalidInput(N_("Enter the phone number with digits only."))
    if data.sms_consent and sum(c.isdigit() for c in phone) < 7:
        raise InvalidInput(N_("Enter your phone number to get SMS about this request."))
    lat, lng = data.lat, data.lng
    if lat is None or lng is None or not (-90 <= lat <= 90 and -180 <= lng <= 180):
        lat = lng = None
    PUBLIC_SUBMISSIONS.hit(key)
    request = create_request(session, category=category, description=description, source=RequestSource.public_form,
                             area_id=_public_area(session, data), now=now, contact_name=name, contact_phone=phone,
                             location_text=place, lat=lat, lng=lng)
    for photo in photos:
        add_request_photo(session, None, request, photo, store)
    if data.sms_consent:
        notify_triggers.record_sms_consent(session, request, phone)
    return request


def send_public_request(data: PublicRequestInput, client_ip: str, challenge_token: str,
                        challenge_answer: str | int | None, photos: list[ProcessedPhoto]) -> str:
    """``submit_public_request`` in a transaction of its own, for a worker thread; returns the tracking code."""
    with session_scope() as session:
        return submit_public_request(session, data, client_ip, challenge_token, challenge_answer,
                                     photos).tracking_code


# --- the public status page ------------------------------------------------------------------

def _by_code(session: Session, code: str) -> ServiceRequest | None:
    code = normalise_code(code)
    if not code or len(code) > 16:
        return None
    return session.exec(select(ServiceRequest).where(ServiceRequest.tracking_code == code)).first()


def find_by_code(session: Session, code: str, client_ip: str) -> ServiceRequest:
    """Look a code up; unknown codes count against the caller so codes cannot be enumerated."""
    PUBLIC_LOOKUPS.check(client_ip or "unknown")
    request = _by_code(session, code)
    if request is None:
        PUBLIC_LOOKUPS.hit(client_ip or "unknown")
        raise NotFound(N_("No request has this tracking code. Check the code and try again."))
    return request


def public_view(session: Session, code: str, client_ip: str) -> PublicView:
    request = find_by_code(session, code, client_ip)
    category = session.get(RequestCategory, request.category_id)
    events = session.exec(select(RequestEvent).where(RequestEvent.request_id == request.id)
                          .order_by(RequestEvent.at, RequestEvent.id)).all()
    entries = []
    for event in events:
        if event.kind == EventKind.photo or (event.kind == EventKind.note and event.visibility != Visibility.public):
            continue
        note = event.note if event.visibility == Visibility.public else ""
        # A rating shows what was chosen, not the comment typed (it may hold a name or a number).
        detail = event.detail if event.kind in (EventKind.status, EventKind.rating) else ""
        entries.append(PublicEntry(event.at, event.kind, event.status, detail, note))
    return PublicView(
        code=request.tracking_code, category=category, status=request.status,  # type: ignore[arg-type]
        created_at=request.created_at,
        description=request.description if request.source == RequestSource.public_form else "",
        referred_to=request.referred_to, awaiting_rating=request.awaiting_rating, entries=entries,
    )


# --- closing the loop ------------------------------------------------------------------------

def _record_rating(session: Session, request: ServiceRequest, satisfaction: Satisfaction, comment: str,
                   recorded_by: User | None, now: datetime) -> Rating:
    if not request.awaiting_rating or request.status not in RATED_STATUSES:
        raise InvalidInput(N_("This request is not waiting for a rating."))
    comment = RatingInput(satisfaction=satisfaction, comment=(comment or "").strip()).comment
    rating = Rating(request_id=request.id, at=now, satisfaction=satisfaction, comment=comment,  # type: ignore[arg-type]
                    answered_status=request.status, recorded_by_id=recorded_by.id if recorded_by else None,
                    assignee_id=request.assignee_id)
    session.add(rating)
    request.awaiting_rating = False
    request.updated_at = now
    actor_id = recorded_by.id if recorded_by else None
    session.add(RequestEvent(request_id=request.id, at=now, kind=EventKind.rating, actor_id=actor_id,
                             detail=satisfaction.value, note=comment, visibility=Visibility.internal))
    if satisfaction == Satisfaction.not_satisfied:
        _reopen(session, request, now)
    session.add(request)
    session.flush()
    audit.record(session, recorded_by, "request.rate", "servicerequest", request.id)
    notify_triggers.rating_recorded(session, request, rating)
    return rating


def _reopen(session: Session, request: ServiceRequest, now: datetime) -> None:
    """A resident who is not satisfied gets the request back open, and the coordinators are told."""
    category = session.get(RequestCategory, request.category_id)
    request.status = RequestStatus.in_progress if request.assignee_id else RequestStatus.new
    request.closed_at = None
    request.reopened_count += 1
    request.due_at = now + timedelta(hours=category.response_hours if category else 72)
    session.add(RequestEvent(request_id=request.id, at=now + timedelta(microseconds=1), kind=EventKind.reopened,
                             status=request.status, visibility=Visibility.public))
    session.add(RequestAlert(request_id=request.id, area_id=request.area_id, kind="not_satisfied", created_at=now))


def rate_on_behalf(session: Session, actor: User, request_id: int, satisfaction: Satisfaction, comment: str = "",
                   now: datetime | None = None) -> Rating:
    """A member (at the next visit) or a coordinator records the resident's answer."""
    if actor.role not in REQUEST_STAFF:
        raise Forbidden(N_("You cannot record ratings."))
    request = get_request(session, actor, request_id, audit_read=False)
    return _record_rating(session, request, satisfaction, comment, actor, now or utcnow())


def rate_by_code(session: Session, code: str, satisfaction: Satisfaction, comment: str, client_ip: str,
                 now: datetime | None = None) -> Rating:
    """The resident rates on the public status page."""
    PUBLIC_ATTEMPTS.hit(client_ip or "unknown")
    request = find_by_code(session, code, client_ip)
    return _record_rating(session, request, satisfaction, comment, None, now or utcnow())


def send_rating(code: str, satisfaction: Satisfaction, comment: str, client_ip: str) -> None:
    """``rate_by_code`` in a transaction of its own, for a worker thread (no account behind it)."""
    with session_scope() as session:
        rate_by_code(session, code, satisfaction, comment, client_ip)


def awaiting_rating(session: Session, actor: User, household_id: int | None = None) -> list[ServiceRequest]:
    """Answered requests whose resident has not yet said whether they are satisfied ("ask about #…")."""
    query = select(ServiceRequest).where(col(ServiceRequest.awaiting_rating).is_(True),
                                         col(ServiceRequest.household_id).is_not(None),
                                         request_scope(session, actor))
    if household_id is not None:
        query = query.where(ServiceRequest.household_id == household_id)
    return list(session.exec(query.order_by(ServiceRequest.closed_at)).all())


# --- coordinators' alerts --------------------------------------------------------------------

def open_alerts(session: Session, actor: User) -> list[tuple[RequestAlert, ServiceRequest]]:
    if not holds(actor, MANAGERS):
        return []
    query = (select(RequestAlert, ServiceRequest).join(ServiceRequest, ServiceRequest.id == RequestAlert.request_id)
             .where(col(RequestAlert.dismissed_at).is_(None)))
    if actor.role == Role.coordinator:
        query = query.where(area_scope(session, actor, RequestAlert.area_id))
    return list(session.exec(query.order_by(col(RequestAlert.created_at).desc())).all())


def dismiss_alert(session: Session, actor: User, alert_id: int, now: datetime | None = None) -> None:
    found = [a for a, _r in open_alerts(session, actor) if a.id == alert_id]
    if not found:
        raise NotFound(N_("Alert not found."))
    alert = found[0]
    alert.dismissed_at, alert.dismissed_by_id = now or utcnow(), actor.id
    session.add(alert)

