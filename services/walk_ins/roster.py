"""Add a walk-in to an event's roster: find the person by phone (or create a volunteer), confirm and tick them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from core.i18n import N_
from models import Role, Signup, SignupStatus, User, VolunteerProfile, VolunteerStatus
from models.common import utcnow
from services import audit
from services.attendance import set_present
from services.auth import normalise_login
from services.errors import InvalidInput
from services.events import get_managed_event, roles_of, signup_closed_reason
from services.policy import EVENT_SIGNERS, holds
from services.signups import active_signup
from services.users import PHONE_RE, UserForm, create_user, generate_password
from services.waitlist import take_place


@dataclass
class WalkIn:
    signup: Signup
    person: User
    created: bool  # a new volunteer account was made for them (they sign in with a password reset)


def walk_in_roles(session: Session, actor: User, event_id: int) -> dict[int, str]:
    """The roles a walk-in may be given at this event, by id (empty: it has none); NotFound if not the actor's."""
    get_managed_event(session, actor, event_id)
    return {r.id: r.name for r in roles_of(session, event_id) if r.id is not None}


def _find_or_create(session: Session, actor: User, phone: str, name: str, area_id: int | None) -> tuple[User, bool]:
    found = session.exec(select(User).where(User.phone == phone)).first()
    if found is not None:
        if not holds(found, EVENT_SIGNERS):
            raise InvalidInput(N_("This phone number belongs to an account that cannot sign up for events."))
        return found, False
    if not name.strip():
        raise InvalidInput(N_("Nobody has this phone number yet: enter the person's name to add them."))
    person = create_user(session, actor, UserForm(username=f"v{phone.lstrip('+')}"[:32], name=name.strip(),
                                                  phone=phone, role=Role.volunteer, area_id=area_id),
                         generate_password(), must_change=True)
    now = utcnow()
    session.add(VolunteerProfile(user_id=person.id, status=VolunteerStatus.approved, decided_at=now,
                                 decided_by=actor.id))
    session.flush()
    return person, True


def add_walk_in(session: Session, actor: User, event_id: int, phone: str, name: str = "",
                role_id: int | None = None, now: datetime | None = None) -> WalkIn:
    """Confirm and check in the person with this phone number (a new volunteer if nobody has it).

    The same window as signing up oneself (services.events.signup_closed_reason); audited.
    """
    now = now or utcnow()
    event = get_managed_event(session, actor, event_id)
    closed = signup_closed_reason(event, now)
    if closed:
        raise InvalidInput(closed)
    phone = normalise_login(phone or "")
    if not PHONE_RE.match(phone):
        raise InvalidInput(N_("Enter a valid phone number."))
    roles = {r.id for r in roles_of(session, event_id)}
    if roles and role_id not in roles:
        raise InvalidInput(N_("Choose a role."))
    person, created = _find_or_create(session, actor, phone, name, event.area_id)
    signup = active_signup(session, person.id, event_id)
    if signup is not None and signup.status == SignupStatus.confirmed:
        return WalkIn(signup, person, created)
    role = signup.role_id if signup is not None else role_id if roles else None
    if not take_place(session, event_id, role):
        raise InvalidInput(N_("There are no places left."))
    if signup is None:
        signup = Signup(event_id=event_id, user_id=person.id, role_id=role,
                        status=SignupStatus.confirmed, confirmed_at=now, created_at=now)
    else:  # on the waitlist: the place is theirs now
        signup.status, signup.confirmed_at, signup.waitlisted_at = SignupStatus.confirmed, now, None
    session.add(signup)
    session.flush()
    audit.record(session, actor, "signup.walk_in", "signup", signup.id, "new account" if created else "")
    set_present(session, actor, signup.id, True, now)
    return WalkIn(signup, person, created)
