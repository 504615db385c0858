"""Events: who may see and manage them; create, edit, duplicate, cancel; the upcoming list."""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from pydantic import BaseModel, Field
from sqlmodel import Session, col, select

from core.i18n import N_
from models import Area, Event, EventAudience, EventRole, EventStatus, Role, Signup, SignupStatus, User
from models.common import utcnow
from services import audit
from services.errors import InvalidInput, NotFound
from services.events.waitlist import promote_from_waitlist
from services.map.geo import distance_m
from services.notifications import notify
from services.notify import triggers as notify_triggers
from services.org.areas import area_within, subtree_ids
from services.policy import EVENT_SIGNERS, area_scope

ACTIVE = (SignupStatus.confirmed, SignupStatus.waitlisted)


class RoleForm(BaseModel):
    id: int | None = None
    name: str
    capacity: int


class EventForm(BaseModel):
    area_id: int
    title: str
    description: str = ""
    category: str = ""
    starts_at: datetime
    ends_at: datetime
    address: str = ""
    lat: float | None = None
    lng: float | None = None
    capacity: int = 10
    signup_deadline: datetime | None = None
    audience: EventAudience = EventAudience.both
    roles: list[RoleForm] = Field(default_factory=list)


@dataclass
class EventFilters:
    date_from: datetime | None = None
    date_to: datetime | None = None
    category: str = ""
    places_left_only: bool = False
    near: tuple[float, float] | None = None
    within_km: float = 5.0


@dataclass
class EventRow:
    event: Event
    places_left: int
    my_status: SignupStatus | None
    distance_km: float | None


def _ancestor_ids(session: Session, area_id: int | None) -> list[int]:
    area = session.get(Area, area_id) if area_id else None
    return [int(p) for p in area.path.strip("/").split("/") if p] if area else []


def audiences_for(role: Role) -> tuple[EventAudience, ...]:
    if role == Role.member:
        return (EventAudience.members, EventAudience.both)
    if role == Role.volunteer:
        return (EventAudience.volunteers, EventAudience.both)
    return tuple(EventAudience)


def may_sign_up(user: User, event: Event) -> bool:
    return user.active and event.audience in audiences_for(user.role) and user.role in EVENT_SIGNERS


def event_visible(session: Session, actor: User, event: Event) -> bool:
    """Events of one's own area, the areas above it (e.g. the street office) and the areas below."""
    if not actor.active:
        return False
    if actor.role == Role.admin:
        return True
    if event.audience not in audiences_for(actor.role):
        return False
    areas = set(_ancestor_ids(session, actor.area_id)) | set(subtree_ids(session, actor.area_id))
    return event.area_id in areas


def may_manage(session: Session, actor: User, area_id: int | None) -> bool:
    if not actor.active:
        return False
    if actor.role == Role.admin:
        return True
    return actor.role == Role.coordinator and area_within(session, area_id, actor.area_id)


def get_event(session: Session, actor: User, event_id: int) -> Event:
    event = session.get(Event, event_id)
    if event is None or not event_visible(session, actor, event):
        raise NotFound(N_("Event not found."))
    return event


def get_managed_event(session: Session, actor: User, event_id: int) -> Event:
    event = session.get(Event, event_id)
    if event is None or not may_manage(session, actor, event.area_id):
        raise NotFound(N_("Event not found."))
    return event


def roles_of(session: Session, event_id: int) -> list[EventRole]:
    return list(session.exec(select(EventRole).where(EventRole.event_id == event_id)
                             .order_by(col(EventRole.position), col(EventRole.id))))


def places_left(event: Event) -> int:
    return max(0, event.capacity - event.confirmed_count)


def signup_closed_reason(event: Event, now: datetime) -> str | None:
    """Why nobody may sign up for ``event`` at ``now``, or None while sign-up is open.

    Open until the event ends while places remain, so someone who arrives late can still
    sign up and check in; the waitlist only before it starts (nobody is moved up after that);
    a sign-up deadline the coordinator set still holds.
    """
    if event.status != EventStatus.published:
        return N_("This event was cancelled.")
    if now >= event.ends_at:
        return N_("This event has ended.")
    if event.signup_deadline and now > event.signup_deadline:
        return N_("Sign-up for this event has closed.")
    if now >= event.starts_at and places_left(event) == 0:
        return N_("This event has started and has no places left.")
    return None


def categories(session: Session) -> list[str]:
    rows = session.exec(select(Event.category).where(Event.category != "").distinct()).all()
    return sorted(set(rows))


def _clean(session: Session, actor: User, form: EventForm) -> EventForm:
    if not may_manage(session, actor, form.area_id):
        raise InvalidInput(N_("You can only manage events in your own area."))
    title = form.title.strip()
    if not title:
        raise InvalidInput(N_("Enter a title."))
    if any(unicodedata.category(ch) == "Cc" for ch in title):
        raise InvalidInput(N_("A title fits on one line: remove line breaks and tabs from it."))
    if form.starts_at.tzinfo is None or form.ends_at.tzinfo is None:
        raise InvalidInput(N_("Enter the start and end."))
    if form.ends_at <= form.starts_at:
        raise InvalidInput(N_("The end must be after the start."))
    if form.signup_deadline and form.signup_deadline > form.starts_at:
        raise InvalidInput(N_("The sign-up deadline must be before the start."))
    if (form.lat is None) != (form.lng is None):
        raise InvalidInput(N_("Place the pin on the map or leave it out."))
    roles = [r.model_copy(update={"name": r.name.strip()}) for r in form.roles if r.name.strip()]
    if any(r.capacity < 1 for r in roles):
        raise InvalidInput(N_("Each role needs at least one place."))
    capacity = sum(r.capacity for r in roles) if roles else form.capacity
    if capacity < 1 or capacity > 10000:
        raise InvalidInput(N_("The capacity must be between 1 and 10000."))
    return form.model_copy(update={"title": title, "description": form.description.strip(),
                                   "category": form.category.strip(), "address": form.address.strip(),
                                   "roles": roles, "capacity": capacity})


def _apply(event: Event, form: EventForm) -> None:
    for key in ("area_id", "title", "description", "category", "starts_at", "ends_at", "address", "lat", "lng",
                "capacity", "signup_deadline", "audience"):
        setattr(event, key, getattr(form, key))
    event.updated_at = utcnow()


def create_event(session: Session, actor: User, form: EventForm) -> Event:
    form = _clean(session, actor, form)
    event = Event(checkin_code=secrets.token_urlsafe(24), created_by=actor.id, title=form.title,
                  starts_at=form.starts_at, ends_at=form.ends_at, area_id=form.area_id)
    _apply(event, form)
    session.add(event)
    session.flush()
    for position, role in enumerate(form.roles):
        session.add(EventRole(event_id=event.id, name=role.name, capacity=role.capacity, position=position))
    session.flush()
    audit.record(session, actor, "event.create", "event", event.id)
    return event


def update_event(session: Session, actor: User, event_id: int, form: EventForm) -> Event:
    """Edit an event; places already confirmed are kept, and freed room is offered to the waitlist."""
    event = get_managed_event(session, actor, event_id)
    if event.status == EventStatus.cancelled:
        raise InvalidInput(N_("This event was cancelled."))
    form = _clean(session, actor, form)
    existing = {r.id: r for r in roles_of(session, event_id)}
    if bool(existing) != bool(form.roles) and event.confirmed_count + _waitlisted(session, event_id) > 0:
        raise InvalidInput(N_("Roles cannot be added or removed once people have signed up."))
    kept = {r.id for r in form.roles if r.id in existing}
    for role_id, role in existing.items():
        if role_id not in kept:
            if _active_in_role(session, role_id):
                raise InvalidInput(N_("The role {name} has sign-ups and cannot be removed."), name=role.name)
            session.delete(role)
    for position, data in enumerate(form.roles):
        role = existing.get(data.id) if data.id else None
        if role is None:
            role = EventRole(event_id=event_id, name=data.name, capacity=data.capacity, position=position)
        elif data.capacity < role.confirmed_count:
            raise InvalidInput(N_("{name} already has {n} confirmed people."), name=role.name,
                               n=role.confirmed_count)
        role.name, role.capacity, role.position = data.name, data.capacity, position
        session.add(role)
    if form.capacity < event.confirmed_count:
        raise InvalidInput(N_("{n} people are already confirmed: the capacity cannot be lower."),
                           n=event.confirmed_count)
    moved_from = (event.starts_at, event.address)
    _apply(event, form)
    session.add(event)
    session.flush()
    notify_triggers.event_changed(session, event, *moved_from)
    for role_id in [None] if not form.roles else [r.id for r in roles_of(session, event_id)]:
        promote_from_waitlist(session, event, role_id)
    audit.record(session, actor, "event.update", "event", event.id)
    return event


def _waitlisted(session: Session, event_id: int) -> int:
    return len(session.exec(select(Signup.id).where(Signup.event_id == event_id,
                                                    Signup.status == SignupStatus.waitlisted)).all())


def _active_in_role(session: Session, role_id: int) -> bool:
    return session.exec(select(Signup.id).where(Signup.role_id == role_id,
                                                col(Signup.status).in_(ACTIVE))).first() is not None


def duplicate_event(session: Session, actor: User, event_id: int, shift: timedelta = timedelta(days=7)) -> Event:
    """A copy one week later (the usual rhythm), with its roles and no sign-ups."""
    source = get_managed_event(session, actor, event_id)
    form = EventForm(
        area_id=source.area_id, title=source.title, description=source.description, category=source.category,
        starts_at=source.starts_at + shift, ends_at=source.ends_at + shift, address=source.address,
        lat=source.lat, lng=source.lng, capacity=source.capacity,
        signup_deadline=source.signup_deadline + shift if source.signup_deadline else None,
        audience=source.audience,
        roles=[RoleForm(name=r.name, capacity=r.capacity) for r in roles_of(session, event_id)],
    )
    copy = create_event(session, actor, form)
    audit.record(session, actor, "event.duplicate", "event", source.id)
    return copy


def cancel_event(session: Session, actor: User, event_id: int) -> Event:
    """Cancel the event: every active sign-up ends and each person is told."""
    event = get_managed_event(session, actor, event_id)
    if event.status == EventStatus.cancelled:
        return event
    now = utcnow()
    event.status = EventStatus.cancelled
    event.confirmed_count = 0
    event.updated_at = now
    session.add(event)
    for role in roles_of(session, event_id):
        role.confirmed_count = 0
        session.add(role)
    told: list[int] = []
    for signup in session.exec(select(Signup).where(Signup.event_id == event_id, col(Signup.status).in_(ACTIVE))):
        told.append(signup.user_id)
        signup.status, signup.cancelled_at, signup.cancelled_by = SignupStatus.cancelled, now, actor.id
        session.add(signup)
        notify(session, signup.user_id, N_("The event {title} on {starts_at} was cancelled."),
               link=f"/events/{event_id}", title=event.title, starts_at=event.starts_at.isoformat())
    notify_triggers.event_cancelled(session, event, told)
    audit.record(session, actor, "event.cancel", "event", event.id)
    return event


def managed_events(session: Session, actor: User, include_past: bool = False, now: datetime | None = None
                   ) -> list[Event]:
    query = select(Event).order_by(col(Event.starts_at))
    if actor.role == Role.coordinator:
        query = query.where(area_scope(session, actor, Event.area_id))
    elif actor.role != Role.admin:
        return []
    if not include_past:
        query = query.where(Event.ends_at >= (now or utcnow()) - timedelta(days=1))
    return list(session.exec(query))


def upcoming_events(session: Session, actor: User, filters: EventFilters | None = None,
                    now: datetime | None = None, limit: int = 200) -> list[EventRow]:
    """Published events not yet over that the actor may see, soonest first."""
    filters = filters or EventFilters()
    now = now or utcnow()
    query = select(Event).where(Event.status == EventStatus.published, Event.ends_at > now)
    if actor.role != Role.admin:
        areas = set(_ancestor_ids(session, actor.area_id)) | set(subtree_ids(session, actor.area_id))
        query = query.where(col(Event.area_id).in_(areas), col(Event.audience).in_(audiences_for(actor.role)))
    if filters.date_from:
        query = query.where(Event.ends_at >= filters.date_from)
    if filters.date_to:
        query = query.where(Event.starts_at < filters.date_to)
    if filters.category:
        query = query.where(Event.category == filters.category)
    if filters.places_left_only:
        query = query.where(Event.confirmed_count < Event.capacity)
    events = list(session.exec(query.order_by(col(Event.starts_at)).limit(limit)))
    mine = {s.event_id: s.status for s in session.exec(
        select(Signup).where(Signup.user_id == actor.id, col(Signup.status).in_(ACTIVE),
                             col(Signup.event_id).in_([e.id for e in events])))}
    rows = []
    for event in events:
        distance = None
        if filters.near and event.lat is not None and event.lng is not None:
            distance = distance_m(filters.near, (event.lat, event.lng)) / 1000
        if filters.near and (distance is None or distance > filters.within_km):
            continue
        rows.append(EventRow(event, places_left(event), mine.get(event.id), distance))
    if filters.near:
        rows.sort(key=lambda r: (r.distance_km or 0, r.event.starts_at))
    return rows


def community_choices(session: Session, actor: User) -> dict[int, str]:
    """Areas an event can belong to for this actor."""
    query = select(Area).order_by(Area.path)
    query = query.where(area_scope(session, actor, Area.id))
    return {a.id: a.name for a in session.exec(query) if a.id is not None}



@dataclass
class EventEditing:
    """What the event form needs: the event and its roles (None for a new one), the areas and known categories."""

    event: Event | None
    roles: list[EventRole]
    areas: dict[int, str]
    categories: list[str]


def event_editing(session: Session, actor: User, event_id: int | None = None) -> EventEditing | None:
    """The event form's data; None if ``event_id`` names no event the actor manages."""
    event = None
    if event_id is not None:
        try:
            event = get_managed_event(session, actor, event_id)
        except NotFound:
            return None
    return EventEditing(event, roles_of(session, event_id) if event_id is not None else [],
                        community_choices(session, actor), categories(session))
