"""Signing up for events: capacity that holds under concurrency, the waitlist, cancelling, my activities.

A place is taken by one conditional UPDATE (``confirmed_count = confirmed_count + 1 WHERE
confirmed_count < capacity``) in the same transaction as the sign-up row: the database decides,
so twenty people tapping at once get exactly the free places, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from core.config import get_settings
from core.i18n import N_
from models import Attendance, Event, EventRole, EventStatus, Signup, SignupStatus, User
from models.common import utcnow
from services import audit
from services.errors import InvalidInput, NotFound
from services.events.catalogue import ACTIVE, get_event, may_manage, may_sign_up, roles_of, signup_closed_reason
from services.events.served_hours import attendance_hours
from services.events.waitlist import (
    no_sync,
    promote_from_waitlist,
    release_place,
    take_place,
    waitlist_position,
)
from services.notify import triggers as notify_triggers


def active_signup(session: Session, user_id: int, event_id: int) -> Signup | None:
    return session.exec(select(Signup).where(Signup.user_id == user_id, Signup.event_id == event_id,
                                             col(Signup.status).in_(ACTIVE))).first()


def sign_up(session: Session, actor: User, event_id: int, role_id: int | None = None,
            now: datetime | None = None) -> Signup:
    """Sign the actor up: confirmed if a place is free, else on the waitlist. A repeat returns the first."""
    now = now or utcnow()
    event = get_event(session, actor, event_id)
    if not may_sign_up(actor, event):
        raise InvalidInput(N_("This event is not open to you."))
    existing = active_signup(session, actor.id, event_id)
    if existing is not None:
        return existing
    closed = signup_closed_reason(event, now)
    if closed:
        raise InvalidInput(closed)
    roles = {r.id: r for r in roles_of(session, event_id)}
    if roles and role_id not in roles:
        raise InvalidInput(N_("Choose a role."))
    if not roles:
        role_id = None
    signup = Signup(event_id=event_id, user_id=actor.id, role_id=role_id, status=SignupStatus.waitlisted,
                    waitlisted_at=now, created_at=now)
    try:
        with session.begin_nested():
            session.add(signup)
            session.flush()
    except IntegrityError:
        # A second tap raced the first past the check above: the unique index kept one.
        found = active_signup(session, actor.id, event_id)
        if found is None:
            raise
        return found
    if take_place(session, event_id, role_id):
        signup.status, signup.confirmed_at, signup.waitlisted_at = SignupStatus.confirmed, now, None
        session.add(signup)
        session.flush()
    elif now >= event.starts_at:  # the last place went meanwhile; nobody is moved up once it runs
        raise InvalidInput(N_("This event has started and has no places left."))
    audit.record(session, actor, f"signup.{signup.status.value}", "event", event_id)
    notify_triggers.signup_changed(session, signup, event)
    return signup


def cancellation_cutoff(event: Event) -> datetime:
    return event.starts_at - timedelta(hours=get_settings().event_cancel_cutoff_hours)


def _get_signup_for(session: Session, actor: User, signup_id: int) -> tuple[Signup, Event, bool]:
    """The sign-up, its event, and whether the actor acts as the event's coordinator."""
    signup = session.get(Signup, signup_id)
    event = session.get(Event, signup.event_id) if signup else None
    if signup is None or event is None:
        raise NotFound(N_("Sign-up not found."))
    if signup.user_id == actor.id and actor.active:
        return signup, event, False
    if may_manage(session, actor, event.area_id):
        return signup, event, True
    raise NotFound(N_("Sign-up not found."))


def cancel_signup(session: Session, actor: User, signup_id: int, now: datetime | None = None,
                  closing_account: bool = False) -> Signup:
    """Cancel a sign-up; a freed place goes to the first on the waitlist.

    People cancel their own confirmed place only until the cut-off; coordinators may always.
    Leaving the waitlist is always allowed (it frees nobody's place). A closing account gives up
    its places whatever the time (recorded as a late cancellation after the cut-off).
    """
    now = now or utcnow()
    signup, event, as_coordinator = _get_signup_for(session, actor, signup_id)
    if signup.status == SignupStatus.cancelled:
        return signup
    late = signup.status == SignupStatus.confirmed and now >= cancellation_cutoff(event)
    if late and closing_account and signup.late_cancel_requested_at is None:
        signup.late_cancel_requested_at = now
        session.add(signup)
        session.flush()
    elif late and not as_coordinator:
        raise InvalidInput(
            N_("Cancelling closed {hours} hours before the start. Tell the coordinator that you cannot come."),
            hours=_hours_text(get_settings().event_cancel_cutoff_hours))
    was = signup.status
    ended = session.exec(no_sync(
        update(Signup).where(col(Signup.id) == signup.id, Signup.status == was)
        .values(status=SignupStatus.cancelled, cancelled_at=now, cancelled_by=actor.id)))
    session.refresh(signup)
    if ended.rowcount == 1 and was == SignupStatus.confirmed:
        release_place(session, event.id, signup.role_id)
        session.refresh(event)
        promote_from_waitlist(session, event, signup.role_id, now)
    audit.record(session, actor, "signup.cancel", "signup", signup.id)
    return signup


def report_late_cancellation(session: Session, actor: User, signup_id: int, now: datetime | None = None) -> Signup:
    """After the cut-off: the person says they cannot come; the coordinator sees it on the roster."""
    now = now or utcnow()
    signup, event, _ = _get_signup_for(session, actor, signup_id)
    if signup.user_id != actor.id or signup.status != SignupStatus.confirmed:
        raise NotFound(N_("Sign-up not found."))
    if signup.late_cancel_requested_at is None:
        signup.late_cancel_requested_at = now
        session.add(signup)
        audit.record(session, actor, "signup.late_cancel", "signup", signup.id)
    return signup


def _hours_text(hours: float) -> str:
    return f"{hours:g}"


@dataclass
class Activity:
    event: Event
    signup: Signup
    role_name: str
    position: int | None = None
    hours: float = 0.0
    attended: bool = False
    no_show: bool = False


@dataclass
class MyActivities:
    upcoming: list[Activity]
    past: list[Activity]
    hours_this_year: float


def my_activities(session: Session, user: User, now: datetime | None = None) -> MyActivities:
    now = now or utcnow()
    rows = session.exec(
        select(Signup, Event).join(Event, col(Event.id) == Signup.event_id)
        .where(Signup.user_id == user.id).order_by(col(Event.starts_at))
    ).all()
    role_names = {r.id: r.name for r in session.exec(
        select(EventRole).where(col(EventRole.event_id).in_({e.id for _s, e in rows})))}
    attendance = {a.signup_id: a for a in session.exec(select(Attendance).where(Attendance.user_id == user.id))}
    tz = ZoneInfo(get_settings().time_zone)
    year_start = datetime(now.astimezone(tz).year, 1, 1, tzinfo=tz)
    upcoming, past, total = [], [], 0.0
    for signup, event in rows:
        item = Activity(event, signup, role_names.get(signup.role_id, "") if signup.role_id else "")
        if event.ends_at > now and signup.status in ACTIVE and event.status == EventStatus.published:
            item.position = waitlist_position(session, signup)
            upcoming.append(item)
        elif event.ends_at <= now and signup.status == SignupStatus.confirmed:
            record = attendance.get(signup.id)
            item.hours = attendance_hours(record, event, now)
            item.attended = bool(record and (record.checked_in_at or (record.hours_corrected or 0) > 0))
            closed = event.attendance_closed_at is not None
            item.no_show = bool(record.no_show) if record else closed
            past.append(item)
            if event.starts_at >= year_start:
                total += item.hours
    past.reverse()
    return MyActivities(upcoming, past, round(total, 2))


def signups_tomorrow(session: Session, user: User, now: datetime | None = None) -> list[Event]:
    """Events tomorrow (organisation time) the user has a confirmed place at: the home-page reminder."""
    now = now or utcnow()
    tz = ZoneInfo(get_settings().time_zone)
    today = now.astimezone(tz).date()
    start = datetime.combine(today + timedelta(days=1), datetime.min.time(), tzinfo=tz)
    return list(session.exec(
        select(Event).join(Signup, col(Signup.event_id) == Event.id)
        .where(Signup.user_id == user.id, Signup.status == SignupStatus.confirmed,
               Event.status == EventStatus.published, Event.starts_at >= start,
               Event.starts_at < start + timedelta(days=1))
        .order_by(col(Event.starts_at))))
