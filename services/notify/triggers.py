"""The moments that send a message: one call from the service where each happens.

Each function only queues outbox rows in the caller's transaction (nothing leaves the machine
until the sender runs), and each row's idempotency key names the moment, so a repeated call
queues nothing new.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlmodel import Session, col, select

from core.config import get_settings
from models import (
    Event,
    Rating,
    RequestSmsConsent,
    RequestStatus,
    Satisfaction,
    ServiceRequest,
    Signup,
    SignupStatus,
    User,
)
from models.requests import RATED_STATUSES
from services.notify.optout import normalise_phone
from services.notify.recipients import coordinators_of, tell_bot, tell_resident, tell_user

ACCEPTED_STATUSES = (RequestStatus.assigned, RequestStatus.in_progress)


def _public_link(request: ServiceRequest) -> str:
    return f"{get_settings().public_url.rstrip('/')}/public/request/{request.tracking_code}"


# --- residents ---------------------------------------------------------------------------------

def record_sms_consent(session: Session, request: ServiceRequest, phone: str | None) -> None:
    """The resident ticked "send me SMS about this request" (public form or the member's form)."""
    number = normalise_phone(phone or "")
    if len(number) < 7 or session.get(RequestSmsConsent, request.id) is not None:
        return
    session.add(RequestSmsConsent(request_id=request.id, phone=number))
    session.flush()


def request_changed(session: Session, request: ServiceRequest) -> None:
    """Accepted (assigned or in progress) with the promised date; answered with the rating link."""
    round_ = request.reopened_count
    if request.status in ACCEPTED_STATUSES:
        tell_resident(session, request, "request.accepted", f"request-accepted:{request.id}:{round_}",
                      {"code": request.tracking_code, "due_date": request.due_at.isoformat()})
    elif request.status in RATED_STATUSES:
        tell_resident(session, request, "request.answered", f"request-answered:{request.id}:{round_}",
                      {"code": request.tracking_code, "link": _public_link(request)})


def request_overdue(session: Session, request: ServiceRequest, new_due: datetime) -> None:
    """An apology and the new date, once per promised date that passed."""
    tell_resident(session, request, "request.overdue",
                  f"request-overdue:{request.id}:{request.due_at.date().isoformat()}",
                  {"code": request.tracking_code, "due_date": new_due.isoformat()})


def rating_recorded(session: Session, request: ServiceRequest, rating: Rating) -> None:
    """A resident not satisfied: the area's coordinators and its bot are told at once."""
    if rating.satisfaction != Satisfaction.not_satisfied:
        return
    key = f"alert-not-satisfied:{rating.id}"
    for coordinator in coordinators_of(session, request.area_id):
        tell_user(session, coordinator, "alert.not_satisfied", f"{key}:user:{coordinator.id}", {},
                  link=f"/requests/{request.id}")
    tell_bot(session, request.area_id, "alert.not_satisfied", f"{key}:bot",
             {"link": f"{get_settings().public_url.rstrip('/')}/requests/{request.id}"})


# --- volunteers --------------------------------------------------------------------------------

def _event_params(event: Event) -> dict[str, str]:
    return {"title": event.title, "starts_at": event.starts_at.isoformat(), "address": event.address}


def signup_changed(session: Session, signup: Signup, event: Event) -> None:
    """Signed up (confirmed or on the waitlist): by SMS / e-mail; the page the person used already says it."""
    user = session.get(User, signup.user_id)
    if user is None or signup.status == SignupStatus.cancelled:
        return
    kind = "signup.confirmed" if signup.status == SignupStatus.confirmed else "signup.waitlisted"
    tell_user(session, user, kind, f"signup:{signup.id}:{signup.status.value}", _event_params(event),
              link=f"/events/{event.id}", expires_at=event.starts_at)


def signup_promoted(session: Session, signup: Signup, event: Event) -> None:
    """Moved up from the waitlist (the in-app notice is written by the caller)."""
    user = session.get(User, signup.user_id)
    if user is not None:
        tell_user(session, user, "signup.promoted", f"signup:{signup.id}:promoted", _event_params(event),
                  link=f"/events/{event.id}", expires_at=event.starts_at)


def event_cancelled(session: Session, event: Event, user_ids: list[int]) -> None:
    """Everyone whose sign-up the cancellation ended (the in-app notice is written by the caller)."""
    for user in session.exec(select(User).where(col(User.id).in_(user_ids))).all():
        tell_user(session, user, "event.cancelled", f"event-cancelled:{event.id}:{user.id}", _event_params(event),
                  link=f"/events/{event.id}")


def event_changed(session: Session, event: Event, old_starts_at: datetime, old_address: str) -> None:
    """Moved to another time or place: everyone signed up is told (not for other edits)."""
    if event.starts_at == old_starts_at and event.address == old_address:
        return
    where_when = hashlib.sha256(f"{event.starts_at.isoformat()}|{event.address}".encode()).hexdigest()[:12]
    active = session.exec(select(Signup).where(Signup.event_id == event.id,
                                               Signup.status != SignupStatus.cancelled)).all()
    for signup in active:
        user = session.get(User, signup.user_id)
        if user is not None:
            tell_user(session, user, "event.moved", f"event-moved:{event.id}:{where_when}:{user.id}",
                      _event_params(event), link=f"/events/{event.id}", in_app=True, expires_at=event.starts_at)
