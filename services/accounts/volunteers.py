"""Volunteers: self-registration from a phone, approval by the community's coordinator, closing an account."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from pydantic import BaseModel
from sqlmodel import Session, col, delete, select

from core.db import session_scope
from core.i18n import N_
from models import Area, CalendarFeed, Notice, Role, Signup, User, VolunteerIntake, VolunteerProfile
from models.common import utcnow
from models.events import VolunteerStatus
from services import audit
from services.accounts.auth import normalise_login
from services.accounts.challenge import verify_challenge
from services.accounts.passwords import check_password_policy, hash_password
from services.accounts.users import PHONE_RE, UserForm, create_user
from services.errors import Forbidden, InvalidInput, NotFound
from services.events.catalogue import ACTIVE
from services.events.signups import cancel_signup
from services.notifications import notify
from services.org.areas import area_within
from services.policy import MANAGERS, area_scope, holds, in_area_scope
from services.rate_limits.counting import PUBLIC_ATTEMPTS, REGISTRATIONS

MAX_TEXT = 500
DUPLICATE_NOTICE = N_("Someone tried to register a volunteer account with your phone number. If it was you, you "
                      "already have an account: sign in with it. If not, nothing was changed.")


class RegistrationForm(BaseModel):
    name: str
    phone: str
    area_id: int | None
    skills: str = ""
    availability: str = ""
    password: str
    consent: bool = False


def registration_areas(session: Session) -> dict[int, str]:
    """Communities a volunteer can choose; every area if none is marked as a community."""
    areas = list(session.exec(select(Area).order_by(Area.path)))
    communities = [a for a in areas if a.kind == "community"] or areas
    return {a.id: a.name for a in communities if a.id is not None}


def auto_approves(session: Session, area_id: int) -> bool:
    intake = session.get(VolunteerIntake, area_id)
    return bool(intake and intake.auto_approve)


def register_volunteer(session: Session, form: RegistrationForm) -> tuple[User, bool]:
    """Create a volunteer account; returns (user, approved). Pending accounts cannot sign in yet."""
    if not form.consent:
        raise InvalidInput(N_("Please agree to the privacy notice to register."))
    if form.area_id not in registration_areas(session):
        raise InvalidInput(N_("Choose the community you want to serve in."))
    if not (form.phone or "").strip():
        raise InvalidInput(N_("Enter a valid phone number."))
    if len(form.skills) > MAX_TEXT or len(form.availability) > MAX_TEXT:
        raise InvalidInput(N_("Please keep skills and availability under {n} characters."), n=MAX_TEXT)
    phone_digits = "".join(ch for ch in form.phone if ch.isdigit())
    user = create_user(session, None, UserForm(username=f"v{phone_digits}"[:32] if phone_digits else "v",
                                               name=form.name, phone=form.phone, role=Role.volunteer,
                                               area_id=form.area_id), form.password, must_change=False)
    approved = auto_approves(session, form.area_id)
    user.active = approved
    session.add(user)
    now = utcnow()
    status = VolunteerStatus.approved if approved else VolunteerStatus.pending
    session.add(VolunteerProfile(user_id=user.id, skills=form.skills.strip(), availability=form.availability.strip(),
                                 consent_at=now, status=status, decided_at=now if approved else None))
    session.flush()
    audit.record(session, user, "volunteer.register", "user", user.id, "approved" if approved else "pending")
    return user, approved


def _login_owner(session: Session, form: RegistrationForm) -> User | None:
    """The account that already holds this phone number (or the username made from it), if any."""
    phone = normalise_login(form.phone)
    username = f"v{''.join(ch for ch in form.phone if ch.isdigit())}"[:32]
    return session.exec(select(User).where((User.phone == phone) | (User.username == username))).first()


def _check_form(session: Session, form: RegistrationForm) -> None:
    """Everything register_volunteer refuses, checked before anyone learns whether the phone is known."""
    if not form.consent:
        raise InvalidInput(N_("Please agree to the privacy notice to register."))
    if form.area_id not in registration_areas(session):
        raise InvalidInput(N_("Choose the community you want to serve in."))
    if not form.name.strip():
        raise InvalidInput(N_("Enter a name."))
    if not PHONE_RE.match(normalise_login(form.phone or "")):
        raise InvalidInput(N_("Enter a valid phone number."))
    if len(form.skills) > MAX_TEXT or len(form.availability) > MAX_TEXT:
        raise InvalidInput(N_("Please keep skills and availability under {n} characters."), n=MAX_TEXT)
    check_password_policy(form.password)


def register_from_public_form(session: Session, form: RegistrationForm, client_ip: str, challenge_token: str,
                              challenge_answer: str | int | None) -> bool:
    """The public form: limited per address, checked by a question; returns whether the area auto-approves.

    The answer is the same whether or not the phone number already has an account, so the form
    cannot be used to find out who is registered. The owner of an existing account is told in
    the app instead, and nothing is created or changed.
    """
    key = client_ip or "unknown"
    REGISTRATIONS.check(key)
    PUBLIC_ATTEMPTS.hit(key)
    _check_form(session, form)
    verify_challenge(challenge_token, challenge_answer)
    owner = _login_owner(session, form)
    REGISTRATIONS.hit(key)
    if owner is None:
        return register_volunteer(session, form)[1]
    hash_password(form.password)  # the same half second of work as a new account: timing tells nothing either
    notify(session, owner.id, DUPLICATE_NOTICE, link="/profile")  # type: ignore[arg-type]
    audit.record(session, None, "volunteer.register", "user", owner.id, "duplicate_phone")
    session.commit()
    return auto_approves(session, form.area_id)  # type: ignore[arg-type]


def submit_registration(form: RegistrationForm, client_ip: str, challenge_token: str,
                        challenge_answer: str | int | None) -> bool:
    """``register_from_public_form`` in a transaction of its own, for a worker thread (Argon2 hashing)."""
    with session_scope() as session:
        return register_from_public_form(session, form, client_ip, challenge_token, challenge_answer)


def _require_staff(actor: User) -> None:
    if not holds(actor, MANAGERS):
        raise Forbidden(N_("Only coordinators manage volunteers."))


@dataclass
class Applicant:
    user: User
    profile: VolunteerProfile
    area_name: str


def pending_volunteers(session: Session, actor: User) -> list[Applicant]:
    _require_staff(actor)
    query = (select(User, VolunteerProfile, Area).join(VolunteerProfile, col(VolunteerProfile.user_id) == User.id)
             .join(Area, col(Area.id) == User.area_id).where(VolunteerProfile.status == VolunteerStatus.pending)
             .order_by(col(VolunteerProfile.consent_at)))
    if actor.role == Role.coordinator:
        query = query.where(area_scope(session, actor, User.area_id))
    return [Applicant(u, p, a.name) for u, p, a in session.exec(query)]


def decide_volunteer(session: Session, actor: User, user_id: int, approve: bool) -> User:
    """Approve (the account can sign in) or decline (the applicant's personal data is removed)."""
    _require_staff(actor)
    user, profile = session.get(User, user_id), session.get(VolunteerProfile, user_id)
    if user is None or profile is None or profile.status != VolunteerStatus.pending or not (
            actor.role == Role.admin or area_within(session, user.area_id, actor.area_id)):
        raise NotFound(N_("Volunteer not found."))
    profile.decided_at, profile.decided_by = utcnow(), actor.id
    if approve:
        profile.status = VolunteerStatus.approved
        user.active = True
        session.add(user)
        notify(session, user.id, N_("Welcome! Your volunteer registration was approved."), link="/events")
    else:
        profile.status = VolunteerStatus.rejected
        _anonymise(session, user, profile)
    session.add(profile)
    audit.record(session, actor, "volunteer.approve" if approve else "volunteer.decline", "user", user.id)
    return user


def intake_settings(session: Session, actor: User) -> list[tuple[Area, bool]]:
    _require_staff(actor)
    areas = registration_areas(session)
    if actor.role == Role.coordinator:
        areas = {i: n for i, n in areas.items() if in_area_scope(session, actor, i)}
    flags = {i.area_id: i.auto_approve for i in session.exec(select(VolunteerIntake))}
    return [(session.get(Area, i), flags.get(i, False)) for i in areas]


def set_auto_approve(session: Session, actor: User, area_id: int, on: bool) -> None:
    _require_staff(actor)
    if actor.role != Role.admin and not area_within(session, area_id, actor.area_id):
        raise NotFound(N_("Area not found."))
    intake = session.get(VolunteerIntake, area_id) or VolunteerIntake(area_id=area_id)
    intake.auto_approve = on
    session.add(intake)
    audit.record(session, actor, "volunteer.auto_approve_on" if on else "volunteer.auto_approve_off", "area", area_id)


def _anonymise(session: Session, user: User, profile: VolunteerProfile | None) -> None:
    """Remove personal data; sign-ups and attendance stay, anonymous, so counts and hours add up."""
    user.name = N_("Former volunteer")
    user.phone = None
    user.username = f"closed-{user.id}-{secrets.token_hex(4)}"
    user.password_hash = hash_password(secrets.token_urlsafe(32))
    user.active = False
    user.language = None
    user.sessions_valid_after = utcnow()
    session.add(user)
    if profile is not None:
        profile.skills = profile.availability = ""
        session.add(profile)
    session.exec(delete(Notice).where(col(Notice.user_id) == user.id))
    session.exec(delete(CalendarFeed).where(col(CalendarFeed.user_id) == user.id))


def close_own_account(session: Session, actor: User) -> None:
    """A volunteer closes their account: future sign-ups end (freeing places), personal data goes."""
    if actor.role != Role.volunteer or not actor.active:
        raise Forbidden(N_("Only volunteers can close their own account here."))
    for signup in session.exec(select(Signup).where(Signup.user_id == actor.id, col(Signup.status).in_(ACTIVE))):
        cancel_signup(session, actor, signup.id, closing_account=True)
    profile = session.get(VolunteerProfile, actor.id)
    if profile is not None:
        profile.status, profile.closed_at = VolunteerStatus.closed, utcnow()
    _anonymise(session, actor, profile)
    audit.record(session, actor, "volunteer.close_account", "user", actor.id)
