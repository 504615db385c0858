"""What a person sees of events and may do with one now: objects computed here, only rendered by the pages.

The event page asks ``personal_event`` once; its ``choices`` say what this person may do with the
event (sign up, join the waitlist, cancel, check in, check out), why not, and until when, so no
page compares the clock with an event's times or re-derives the sign-up window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from models import Attendance, Event, EventRole, EventStatus, Signup, SignupStatus, User
from models.common import utcnow
from services.errors import NotFound
from services.events.attendance import check_in_open, my_attendance
from services.events.catalogue import (
    EventFilters,
    EventRow,
    get_event,
    may_manage,
    may_sign_up,
    places_left,
    roles_of,
    signup_closed_reason,
    upcoming_events,
)
from services.events.signups import active_signup, cancellation_cutoff
from services.events.waitlist import waitlist_position


@dataclass(frozen=True)
class EventChoices:
    """What one person may do with one event at one moment, and until when."""

    open_to_them: bool
    """The event's audience includes them (else: "Sign-up is for members and volunteers.")."""
    closed_reason: str | None
    """Why nobody may sign up now (a msgid), or None while sign-up is open."""
    may_sign_up: bool
    """The sign-up button is offered: open to them, sign-up open, not signed up yet."""
    joins_waitlist: bool
    """Signing up now puts them on the waitlist (no place left)."""
    signup_deadline: datetime | None
    """Sign-up closes then (set by the coordinator), if at all."""
    may_cancel: bool
    """They may give up their place or leave the waitlist (until the start)."""
    cancel_until: datetime | None
    """A confirmed place may be cancelled without telling the coordinator until then (shown while ahead)."""
    may_check_in: bool
    """Confirmed, not in, and the event's QR code would be accepted now."""
    may_check_out: bool
    """Checked in, not out, and the event has not ended."""


def event_choices(actor: User, event: Event, signup: Signup | None, attendance: Attendance | None,
                  now: datetime) -> EventChoices:
    """The choices of ``actor`` for ``event`` at ``now``, given their sign-up and attendance."""
    published = event.status == EventStatus.published
    open_to_them = may_sign_up(actor, event)
    closed = signup_closed_reason(event, now)
    confirmed = signup is not None and signup.status == SignupStatus.confirmed
    checked_in = attendance is not None and attendance.checked_in_at is not None
    still_in = checked_in and attendance is not None and attendance.checked_out_at is None
    cutoff = cancellation_cutoff(event)
    return EventChoices(
        open_to_them=open_to_them,
        closed_reason=closed,
        may_sign_up=published and signup is None and open_to_them and closed is None,
        joins_waitlist=places_left(event) == 0,
        signup_deadline=event.signup_deadline,
        may_cancel=published and signup is not None and now < event.starts_at,
        cancel_until=cutoff if published and confirmed and now < cutoff else None,
        may_check_in=confirmed and not still_in and check_in_open(event, now),
        may_check_out=published and confirmed and still_in and now < event.ends_at,
    )


@dataclass
class PersonalEvent:
    """One event as the signed-in person sees it: everything the event page renders."""

    event: Event
    roles: list[EventRole]
    """The roles (or shifts) to choose from when signing up."""
    role_counts: list[EventRole]
    """The roles whose places taken are listed with the details (not for someone choosing one)."""
    signup: Signup | None
    position: int | None
    attendance: Attendance | None
    manages: bool
    choices: EventChoices


def personal_event(session: Session, actor: User, event_id: int, now: datetime | None = None
                   ) -> PersonalEvent | None:
    """The event page's data for ``actor``; None if the event does not exist or is not theirs to see."""
    now = now or utcnow()
    try:
        event = get_event(session, actor, event_id)
    except NotFound:
        return None
    roles = roles_of(session, event_id)
    signup = active_signup(session, actor.id, event_id)  # type: ignore[arg-type]
    attendance = my_attendance(session, actor, event_id)
    manages = may_manage(session, actor, event.area_id)
    choices = event_choices(actor, event, signup, attendance, now)
    choosing = not manages and signup is None and choices.open_to_them
    return PersonalEvent(event=event, roles=roles, role_counts=[] if choosing else roles, signup=signup,
                         position=waitlist_position(session, signup) if signup else None,
                         attendance=attendance, manages=manages, choices=choices)


@dataclass
class ListedEvent:
    row: EventRow
    position: int | None
    """Their place on the waitlist, if they wait for this event."""


def listed_events(session: Session, actor: User, filters: EventFilters) -> list[ListedEvent]:
    """The events list for ``actor``: upcoming events matching ``filters``, with their waitlist places."""
    listed = []
    for row in upcoming_events(session, actor, filters):
        position = None
        if row.my_status == SignupStatus.waitlisted:
            signup = active_signup(session, actor.id, row.event.id)  # type: ignore[arg-type]
            position = waitlist_position(session, signup) if signup else None
        listed.append(ListedEvent(row, position))
    return listed
