"""Accounts: create, edit, reset passwords, deactivate; each user's own profile."""

from __future__ import annotations

import re
import secrets

from pydantic import BaseModel
from sqlmodel import Session, col, select

from core.i18n import LANGUAGES, N_
from models import Role, User
from models.common import utcnow
from services import audit
from services.accounts.api_tokens import revoke_tokens_for
from services.accounts.auth import disable_totp, enable_totp, normalise_login
from services.accounts.passwords import check_password_policy, hash_password, verify_password
from services.errors import Forbidden, InvalidInput, NotFound
from services.org.areas import area_within
from services.policy import area_scope

PHONE_RE = re.compile(r"^\+?\d{6,15}$")
USERNAME_RE = re.compile(r"^[a-z0-9_.]{3,32}$")
ROLE_LABELS: dict[Role, str] = {
    Role.admin: N_("Administrator"),
    Role.coordinator: N_("Coordinator"),
    Role.member: N_("Member"),
    Role.volunteer: N_("Volunteer"),
}


class UserForm(BaseModel):
    username: str
    name: str
    phone: str | None = None
    role: Role = Role.member
    area_id: int | None = None
    is_leader: bool = False
    leader_level: int = 1  # field-day quota: settings.field_day_quota_level1 / _level2


def _may_manage(session: Session, actor: User, area_id: int | None, role: Role | None = None) -> bool:
    if not actor.active:
        return False
    if actor.role == Role.admin:
        return True
    if actor.role == Role.coordinator:
        # Coordinators manage accounts inside their area, and never create admins.
        return role != Role.admin and area_within(session, area_id, actor.area_id)
    return False


def assignable_roles(actor: User) -> list[Role]:
    """Roles the actor may give an account: coordinators never make admins."""
    if actor.role == Role.admin:
        return list(Role)
    if actor.role == Role.coordinator:
        return [Role.coordinator, Role.member, Role.volunteer]
    return []


def generate_password() -> str:
    """A password to hand over on paper or by phone: 14 characters, easy to read out."""
    return "-".join(secrets.token_hex(2) for _ in range(3))


def manageable_users(session: Session, actor: User, search: str = "") -> list[User]:
    query = select(User).order_by(User.name)
    if actor.role == Role.coordinator:
        # The same rule as _may_manage: their subtree, and no admins (they could not open them).
        query = query.where(area_scope(session, actor, User.area_id), User.role != Role.admin)
    elif actor.role != Role.admin:
        raise Forbidden(N_("You cannot manage accounts."))
    if search.strip():
        term = f"%{search.strip()}%"
        query = query.where(col(User.name).ilike(term) | col(User.username).ilike(term) | col(User.phone).ilike(term))
    return list(session.exec(query).all())


def get_managed_user(session: Session, actor: User, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or not _may_manage(session, actor, user.area_id, user.role):
        raise NotFound(N_("Account not found."))
    return user


def _clean(session: Session, form: UserForm, existing_id: int | None = None) -> UserForm:
    username = form.username.strip().lower()
    if not USERNAME_RE.match(username):
        raise InvalidInput(N_("A username has 3-32 letters, digits, dots or underscores."))
    name = form.name.strip()
    if not name:
        raise InvalidInput(N_("Enter a name."))
    phone = normalise_login(form.phone) if form.phone else None
    if phone and not PHONE_RE.match(phone):
        raise InvalidInput(N_("Enter a valid phone number."))
    clash = session.exec(
        select(User).where((User.username == username) | ((User.phone == phone) if phone else False))
    ).first()
    if clash and clash.id != existing_id:
        raise InvalidInput(N_("That username or phone number is already used."))
    if form.leader_level not in (1, 2):
        raise InvalidInput(N_("Choose the leadership level."))
    return form.model_copy(update={"username": username, "name": name, "phone": phone})


def create_user(session: Session, actor: User | None, form: UserForm, password: str,
                must_change: bool = True, password_hash: str | None = None) -> User:
    """Create an account; actor None is the first-run set-up and the demo seeder.

    ``password_hash``: the hash of ``password`` made once for many accounts, for the demo seeder
    only (its shared password; Argon2 costs about 0.15 s of CPU a hash on purpose).
    """
    if actor is not None and not _may_manage(session, actor, form.area_id, form.role):
        raise Forbidden(N_("You cannot create this account."))
    form = _clean(session, form)
    check_password_policy(password)
    # Verifying the given hash would cost as much as making one: taken only from the seeder (no actor).
    hashed = password_hash if password_hash and actor is None else hash_password(password)
    user = User(**form.model_dump(), password_hash=hashed, must_change_password=must_change)
    session.add(user)
    session.flush()
    audit.record(session, actor, "user.create", "user", user.id)
    return user


def update_user(session: Session, actor: User, user_id: int, form: UserForm) -> User:
    user = get_managed_user(session, actor, user_id)
    if not _may_manage(session, actor, form.area_id, form.role):
        raise Forbidden(N_("You cannot give this account that role or area."))
    form = _clean(session, form, existing_id=user.id)
    role_changed = user.role != form.role or user.area_id != form.area_id
    for key, value in form.model_dump().items():
        setattr(user, key, value)
    session.add(user)
    audit.record(session, actor, "user.role_change" if role_changed else "user.update", "user", user.id)
    return user


def reset_password(session: Session, actor: User, user_id: int) -> str:
    """Give the user a temporary password they must change at next sign-in."""
    user = get_managed_user(session, actor, user_id)
    temporary = generate_password()
    user.password_hash = hash_password(temporary)
    user.must_change_password = True
    user.sessions_valid_after = utcnow()
    session.add(user)
    audit.record(session, actor, "user.password_reset", "user", user.id)
    return temporary


def set_active(session: Session, actor: User, user_id: int, active: bool) -> User:
    user = get_managed_user(session, actor, user_id)
    if user.id == actor.id:
        raise InvalidInput(N_("You cannot deactivate your own account."))
    user.active = active
    if not active:
        user.sessions_valid_after = utcnow()
        revoke_tokens_for(session, user)
    session.add(user)
    audit.record(session, actor, "user.activate" if active else "user.deactivate", "user", user.id)
    return user


def own_account(session: Session, user_id: int) -> User:
    """The signed-in user's own account, loaded in this session."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(N_("Account not found."))
    return user


def change_own_password(session: Session, user: User, current: str, new: str) -> None:
    if not verify_password(current, user.password_hash):
        raise InvalidInput(N_("The current password is wrong."))
    if current == new:
        raise InvalidInput(N_("Choose a password different from the current one."))
    check_password_policy(new)
    user.password_hash = hash_password(new)
    user.must_change_password = False
    user.sessions_valid_after = utcnow()  # other devices are signed out; the page renews its own
    session.add(user)
    audit.record(session, user, "user.password_change", "user", user.id)


def set_language(session: Session, user: User, language: str) -> None:
    if language not in LANGUAGES:
        raise InvalidInput(N_("Unknown language."))
    user.language = language
    session.add(user)


def update_own_password(session: Session, actor: User, current: str, new: str) -> None:
    """The signed-in user changes their own password (``change_own_password`` on their account, read afresh)."""
    change_own_password(session, own_account(session, actor.id or 0), current, new)


def update_own_language(session: Session, actor: User, language: str) -> None:
    set_language(session, own_account(session, actor.id or 0), language)


def enable_own_totp(session: Session, actor: User, secret: str, code: str) -> None:
    enable_totp(session, own_account(session, actor.id or 0), secret, code)


def disable_own_totp(session: Session, actor: User, code: str) -> None:
    disable_totp(session, own_account(session, actor.id or 0), code)


def reset_totp(session: Session, actor: User, user_id: int) -> User:
    """Remove an account's second factor (lost phone); the user sets it up again at next sign-in."""
    user = get_managed_user(session, actor, user_id)
    user.totp_secret, user.totp_enabled, user.totp_last_step = None, False, None
    user.sessions_valid_after = utcnow()
    session.add(user)
    audit.record(session, actor, "user.totp_reset", "user", user.id)
    return user
