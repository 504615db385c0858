"""Attendance: check-in by QR code or by the coordinator, check-out, no-shows, hours and the roster."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from core.config import get_settings
from core.db import session_scope
from core.i18n import N_
from models import Attendance, Event, EventRole, EventStatus, Signup, SignupStatus, User
from models.common import utcnow
from services import audit
from services.errors import Forbidden, InvalidInput, NotFound
from services.events.catalogue import get_event, get_managed_event, roles_of
from services.events.served_hours import attendance_hours
from services.events.waitlist import waitlist_position
from services.policy import MANAGERS, area_scope, holds
from services.spreadsheets.writer import Sheet, csv_bytes, xlsx_bytes

MAX_HOURS = 24.0


def _attendance_for(session: Session, signup: Signup) -> Attendance:
    record = session.exec(select(Attendance).where(Attendance.signup_id == signup.id)).first()
    return record or Attendance(signup_id=signup.id, event_id=signup.event_id, user_id=signup.user_id)


def _confirmed_signup(session: Session, event_id: int, user_id: int) -> Signup | None:
    return session.exec(select(Signup).where(Signup.event_id == event_id, Signup.user_id == user_id,
                                             Signup.status == SignupStatus.confirmed)).first()


def check_in_opens_at(event: Event) -> datetime:
    """The QR code is accepted from this moment (some minutes before the start) until the end."""
    return event.starts_at - timedelta(minutes=get_settings().event_checkin_opens_minutes)


def check_in_open(event: Event, now: datetime) -> bool:
    """Whether a confirmed person's scan of the event's code would be accepted at ``now``."""
    return event.status == EventStatus.published and check_in_opens_at(event) <= now < event.ends_at


def check_in_with_code(session: Session, actor: User, event_id: int, code: str,
                       now: datetime | None = None) -> Attendance:
    """A participant scanned the event's QR code. Repeating it changes nothing."""
    now = now or utcnow()
    event = get_event(session, actor, event_id)
    if not secrets.compare_digest(event.checkin_code.encode(), (code or "").encode()):
        raise InvalidInput(N_("This check-in code is not valid. Scan the code shown by the coordinator."))
    if event.status != EventStatus.published:
        raise InvalidInput(N_("This event was cancelled."))
    if now < check_in_opens_at(event):
        raise InvalidInput(N_("Check-in opens {minutes} minutes before the start."),
                           minutes=get_settings().event_checkin_opens_minutes)
    if now >= event.ends_at:
        raise InvalidInput(N_("This event has ended."))
    signup = _confirmed_signup(session, event_id, actor.id)
    if signup is None:
        raise InvalidInput(N_("You do not have a confirmed place at this event."))
    record = _attendance_for(session, signup)
    if record.checked_in_at is None or record.checked_out_at is not None:
        record.checked_in_at, record.checked_out_at, record.no_show = now, None, False
        session.add(record)
        session.flush()
        audit.record(session, actor, "attendance.check_in", "signup", signup.id)
    return record


def check_out(session: Session, actor: User, event_id: int, now: datetime | None = None) -> Attendance:
    now = now or utcnow()
    event = get_event(session, actor, event_id)
    signup = _confirmed_signup(session, event_id, actor.id)
    record = _attendance_for(session, signup) if signup else None
    if record is None or record.id is None or record.checked_in_at is None:
        raise InvalidInput(N_("You have not checked in."))
    if record.checked_out_at is None:
        record.checked_out_at = min(now, event.ends_at)
        session.add(record)
        audit.record(session, actor, "attendance.check_out", "signup", signup.id)
    return record


def my_attendance(session: Session, user: User, event_id: int) -> Attendance | None:
    return session.exec(select(Attendance).where(Attendance.event_id == event_id,
                                                 Attendance.user_id == user.id)).first()


def _managed_signup(session: Session, actor: User, signup_id: int) -> tuple[Signup, Event]:
    signup = session.get(Signup, signup_id)
    if signup is None:
        raise NotFound(N_("Sign-up not found."))
    event = get_managed_event(session, actor, signup.event_id)
    if signup.status != SignupStatus.confirmed:
        raise InvalidInput(N_("Only confirmed people can be checked in."))
    return signup, event


def set_present(session: Session, actor: User, signup_id: int, present: bool,
                now: datetime | None = None) -> Attendance:
    """The coordinator ticks (or unticks) a name on the roster."""
    now = now or utcnow()
    signup, event = _managed_signup(session, actor, signup_id)
    record = _attendance_for(session, signup)
    if present:
        if record.checked_in_at is None:
            # Ticked afterwards from a paper list: they were there for the whole event.
            record.checked_in_at = now if now < event.ends_at else event.starts_at
            record.checked_out_at = None if now < event.ends_at else event.ends_at
        record.no_show = False
    else:
        record.checked_in_at = record.checked_out_at = None
        record.no_show = now >= event.ends_at
    session.add(record)
    session.flush()
    audit.record(session, actor, "attendance.present" if present else "attendance.absent", "signup", signup.id)
    return record


def check_out_participant(session: Session, actor: User, signup_id: int, now: datetime | None = None) -> Attendance:
    now = now or utcnow()
    signup, event = _managed_signup(session, actor, signup_id)
    record = _attendance_for(session, signup)
    if record.checked_in_at is None:
        raise InvalidInput(N_("This person has not checked in."))
    if record.checked_out_at is None:
        record.checked_out_at = min(now, event.ends_at)
        session.add(record)
        audit.record(session, actor, "attendance.check_out", "signup", signup.id)
    return record


def correct_hours(session: Session, actor: User, signup_id: int, hours: float, reason: str) -> Attendance:
    """The coordinator sets a person's hours for an event; the reason is kept with the record."""
    signup, _event = _managed_signup(session, actor, signup_id)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(N_("Give a reason for the correction."))
    if not 0 <= hours <= MAX_HOURS:
        raise InvalidInput(N_("Hours must be between 0 and {max}."), max=int(MAX_HOURS))
    record = _attendance_for(session, signup)
    record.hours_corrected, record.correction_reason = round(hours, 2), reason
    record.corrected_by, record.corrected_at = actor.id, utcnow()
    if hours > 0:
        record.no_show = False
    session.add(record)
    session.flush()
    audit.record(session, actor, "attendance.correct", "signup", signup.id)
    return record


def close_attendance(session: Session, event: Event, now: datetime | None = None) -> bool:
    """After the end: open check-ins end with the event and confirmed people who never came are no-shows."""
    now = now or utcnow()
    if now < event.ends_at or event.attendance_closed_at is not None or event.status != EventStatus.published:
        return False
    signups = session.exec(select(Signup).where(Signup.event_id == event.id, Signup.status == SignupStatus.confirmed))
    for signup in signups:
        record = _attendance_for(session, signup)
        if record.checked_in_at is not None:
            if record.checked_out_at is None:
                record.checked_out_at = event.ends_at
        elif record.hours_corrected is None:
            record.no_show = True
        session.add(record)
    event.attendance_closed_at = now
    session.add(event)
    session.flush()
    return True


def close_ended_attendance(session: Session, now: datetime | None = None) -> int:
    """Close the attendance of every event that has ended (the scheduler's job); returns how many were closed."""
    now = now or utcnow()
    ended = session.exec(select(Event).where(Event.status == EventStatus.published, Event.ends_at <= now,
                                             col(Event.attendance_closed_at).is_(None))).all()
    return sum(close_attendance(session, event, now) for event in ended)


def attendance_job(now: datetime) -> int:
    """The scheduled job (services/schedule/loop.py): ended events' attendance is closed off the pages,
    so opening a roster or a report only reads."""
    with session_scope() as session:
        return close_ended_attendance(session, now)


@dataclass
class RosterRow:
    signup: Signup
    name: str
    phone: str
    role_name: str
    state: str  # confirmed, waitlisted, cancelled, attended, no_show
    position: int | None
    attendance: Attendance | None
    hours: float
    late_cancel: bool


STATE_LABELS = {
    "confirmed": N_("Signed up"),
    "waitlisted": N_("Waitlisted"),
    "cancelled": N_("Cancelled"),
    "attended": N_("Attended"),
    "no_show": N_("No-show"),
}


def roster(session: Session, actor: User, event_id: int, now: datetime | None = None) -> list[RosterRow]:
    now = now or utcnow()
    event = get_managed_event(session, actor, event_id)
    rows = session.exec(
        select(Signup, User).join(User, col(User.id) == Signup.user_id).where(Signup.event_id == event_id)
        .order_by(col(Signup.status), col(Signup.waitlisted_at), col(Signup.id))
    ).all()
    roles = {r.id: r.name for r in session.exec(select(EventRole).where(EventRole.event_id == event_id))}
    records = {a.signup_id: a for a in session.exec(select(Attendance).where(Attendance.event_id == event_id))}
    result = []
    for signup, person in rows:
        record = records.get(signup.id)
        state = signup.status.value
        if signup.status == SignupStatus.confirmed:
            if record and (record.checked_in_at or (record.hours_corrected or 0) > 0):
                state = "attended"
            elif (record and record.no_show) or now >= event.ends_at:
                state = "no_show"  # what closing the attendance records (the scheduler does that soon after)
        result.append(RosterRow(
            signup=signup, name=person.name, phone=person.phone or "",
            role_name=roles.get(signup.role_id, "") if signup.role_id else "", state=state,
            position=waitlist_position(session, signup), attendance=record,
            hours=attendance_hours(record, event, now) if signup.status == SignupStatus.confirmed else 0.0,
            late_cancel=signup.late_cancel_requested_at is not None,
        ))
    order = {"attended": 0, "confirmed": 0, "no_show": 1, "waitlisted": 2, "cancelled": 3}
    result.sort(key=lambda r: (order[r.state], r.position or 0, r.name))
    return result


@dataclass
class EventRoster:
    """Everything the roster page renders for one event, read without writing anything."""

    event: Event
    rows: list[RosterRow]
    role_options: dict[int, str]
    """The event's roles, for adding a walk-in."""
    removals_open: bool
    """The coordinator may still take people off the event (until the start)."""


def event_roster(session: Session, actor: User, event_id: int, now: datetime | None = None) -> EventRoster | None:
    """The roster page's data; None if the event does not exist or is not the actor's to manage."""
    now = now or utcnow()
    try:
        event = get_managed_event(session, actor, event_id)
    except NotFound:
        return None
    roles = {r.id: r.name for r in roles_of(session, event_id) if r.id is not None}
    return EventRoster(event, roster(session, actor, event_id, now), roles, now < event.starts_at)


def _fmt(dt: datetime | None, tz: str) -> str:
    from core.i18n import to_local

    return to_local(dt, tz).strftime("%Y-%m-%d %H:%M") if dt else ""


def roster_table(rows: list[RosterRow], translate=lambda s: s) -> list[list[str | float]]:
    """Header and rows for CSV/XLSX; ``translate`` turns msgids into the reader's language."""
    tz = get_settings().time_zone
    header = [translate(h) for h in (N_("Name"), N_("Phone"), N_("Role"), N_("Status"), N_("Waitlist position"),
                                     N_("Checked in"), N_("Checked out"), N_("Hours"), N_("Correction reason"),
                                     N_("Late cancellation"))]
    table: list[list[str | float]] = [header]
    for r in rows:
        a = r.attendance
        table.append([r.name, r.phone, r.role_name, translate(STATE_LABELS[r.state]), r.position or "",
                      _fmt(a.checked_in_at if a else None, tz), _fmt(a.checked_out_at if a else None, tz), r.hours,
                      a.correction_reason if a else "", translate(N_("Yes")) if r.late_cancel else ""])
    return table


def to_csv(table: list[list[str | float]]) -> bytes:
    return csv_bytes(table)


def to_xlsx(table: list[list[str | float]], title: str = "Roster") -> bytes:
    return xlsx_bytes(Sheet(title, table))


@dataclass
class PersonHours:
    user_id: int
    name: str
    events: int
    hours: float
    no_shows: int


def hours_by_person(session: Session, actor: User, date_from: datetime, date_to: datetime,
                    now: datetime | None = None) -> list[PersonHours]:
    """Hours per person for events starting in [date_from, date_to) in the actor's area."""
    now = now or utcnow()
    if not holds(actor, MANAGERS):
        raise Forbidden(N_("Only coordinators see hours per person."))
    area_filter = area_scope(session, actor, Event.area_id)
    rows = session.exec(
        select(Signup, Event, User, Attendance)
        .join(Event, col(Event.id) == Signup.event_id).join(User, col(User.id) == Signup.user_id)
        .outerjoin(Attendance, col(Attendance.signup_id) == Signup.id)
        .where(area_filter, Signup.status == SignupStatus.confirmed, Event.status == EventStatus.published,
               Event.starts_at >= date_from, Event.starts_at < date_to, Event.ends_at <= now)
    ).all()
    people: dict[int, PersonHours] = {}
    for _signup, event, person, record in rows:
        entry = people.setdefault(person.id, PersonHours(person.id, person.name, 0, 0.0, 0))
        hours = attendance_hours(record, event, now)
        if hours > 0:
            entry.events += 1
            entry.hours = round(entry.hours + hours, 2)
        elif _no_show(record):
            entry.no_shows += 1
    return sorted(people.values(), key=lambda p: (-p.hours, p.name))


def _no_show(record: Attendance | None) -> bool:
    """A confirmed place at an ended event that nobody came for, whether or not its attendance was closed yet."""
    return record is None or record.no_show or (record.checked_in_at is None and record.hours_corrected is None)


def hours_table(rows: list[PersonHours], translate=lambda s: s) -> list[list[str | float]]:
    table: list[list[str | float]] = [[translate(h) for h in (N_("Name"), N_("Events"), N_("Hours"),
                                                              N_("No-shows"))]]
    table += [[p.name, p.events, p.hours, p.no_shows] for p in rows]
    return table
