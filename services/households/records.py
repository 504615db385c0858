"""Households: create, edit, place on the map, pair with members, list what a user may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, Field
from sqlalchemy import case, func, nulls_first
from sqlmodel import Session, col, select

from core.i18n import N_
from models import GeocodeStatus, Household, HouseholdNeed, NeedCategory, Pairing, Role, User
from models.common import utcnow
from services import audit
from services.accounts.auth import normalise_login
from services.accounts.users import PHONE_RE
from services.errors import Forbidden, InvalidInput, NotFound
from services.org.areas import area_within
from services.policy import area_scope, household_scope, may_manage_households, reads_are_audited
from services.privacy.ethical_line.guard import refuse_marking_names
from services.visits.due import household_status, status_code


class HouseholdForm(BaseModel):
    area_id: int
    head_name: str
    address: str
    phone: str | None = None
    members_count: int = Field(default=1)
    notes: str = ""
    lat: float | None = None
    lng: float | None = None
    need_ids: list[int] = []


@dataclass
class HouseholdRow:
    """A household on a list, with what the list needs to sort and show it."""

    household: Household
    days_since_visit: int | None
    status: str  # services.visits.due: on_time / due_soon / overdue
    needs: list[str]

    @property
    def overdue(self) -> bool:
        return self.status == "overdue"

    @property
    def due_soon(self) -> bool:
        return self.status == "due_soon"


def get_household(session: Session, actor: User, household_id: int, audit_read: bool = True) -> Household:
    """The household if the actor may see it; NotFound otherwise (never says it exists)."""
    household = session.exec(
        select(Household).where(Household.id == household_id, household_scope(session, actor))
    ).first()
    if household is None:
        raise NotFound(N_("Household not found."))
    if audit_read and reads_are_audited(actor):
        audit.record(session, actor, "household.read", "household", household.id)
    return household


class InvalidHouseholdField(InvalidInput):
    """Input the user can correct, tied to one field of the form (so pages and imports can say which)."""

    def __init__(self, field: str, message: str, **params: object) -> None:
        super().__init__(message, **params)
        self.field = field


def validate_household_form(session: Session, actor: User, form: HouseholdForm) -> HouseholdForm:
    """The one set of household rules (form, import); returns the cleaned form or raises."""
    if not may_manage_households(actor):
        raise Forbidden(N_("You cannot manage households."))
    if actor.role == Role.coordinator and not area_within(session, form.area_id, actor.area_id):
        raise Forbidden(N_("You can only manage households in your own area."))
    if not form.head_name.strip():
        raise InvalidHouseholdField("head_name", N_("Enter the name of the head of household."))
    if not form.address.strip():
        raise InvalidHouseholdField("address", N_("Enter the address."))
    phone = normalise_login(form.phone) if form.phone and form.phone.strip() else None
    if phone and not PHONE_RE.match(phone):
        raise InvalidHouseholdField("phone", N_("Enter a valid phone number."))
    if not 1 <= form.members_count <= 50:
        raise InvalidHouseholdField("members_count", N_("The number of people must be between 1 and 50."))
    if (form.lat is None) != (form.lng is None):
        raise InvalidHouseholdField("lat", N_("Give both latitude and longitude, or neither."))
    if form.lat is not None and not (-90 <= form.lat <= 90 and -180 <= form.lng <= 180):  # type: ignore[operator]
        raise InvalidHouseholdField("lat", N_("The coordinates are out of range."))
    return form.model_copy(update={"head_name": form.head_name.strip(), "address": form.address.strip(),
                                   "phone": phone})


def _set_needs(session: Session, household_id: int, need_ids: list[int]) -> None:
    for link in session.exec(select(HouseholdNeed).where(HouseholdNeed.household_id == household_id)).all():
        session.delete(link)
    session.flush()
    valid = set(session.exec(select(NeedCategory.id).where(col(NeedCategory.id).in_(need_ids))).all())
    for need_id in sorted(valid):
        session.add(HouseholdNeed(household_id=household_id, category_id=need_id))


def create_household(session: Session, actor: User, form: HouseholdForm) -> Household:
    form = validate_household_form(session, actor, form)
    household = Household(**form.model_dump(exclude={"need_ids"}))
    household.geocode_status = GeocodeStatus.manual if form.lat is not None else GeocodeStatus.pending
    session.add(household)
    session.flush()
    _set_needs(session, household.id, form.need_ids)  # type: ignore[arg-type]
    audit.record(session, actor, "household.create", "household", household.id)
    return household


def update_household(session: Session, actor: User, household_id: int, form: HouseholdForm) -> Household:
    household = get_household(session, actor, household_id, audit_read=False)
    form = validate_household_form(session, actor, form)
    moved = (form.lat, form.lng) != (household.lat, household.lng)
    for key, value in form.model_dump(exclude={"need_ids"}).items():
        setattr(household, key, value)
    if moved:
        household.geocode_status = GeocodeStatus.manual if form.lat is not None else GeocodeStatus.pending
    household.updated_at = utcnow()
    session.add(household)
    _set_needs(session, household.id, form.need_ids)  # type: ignore[arg-type]
    audit.record(session, actor, "household.update", "household", household.id)
    return household


def set_location(session: Session, actor: User, household_id: int, lat: float, lng: float,
                 status: GeocodeStatus = GeocodeStatus.manual) -> Household:
    household = get_household(session, actor, household_id, audit_read=False)
    if not may_manage_households(actor):
        raise Forbidden(N_("You cannot manage households."))
    household.lat, household.lng, household.geocode_status = lat, lng, status
    session.add(household)
    return household


def need_categories(session: Session, active_only: bool = True) -> list[NeedCategory]:
    query = select(NeedCategory).order_by(NeedCategory.id)
    if active_only:
        query = query.where(col(NeedCategory.active).is_(True))
    return list(session.exec(query).all())


def add_need_category(session: Session, actor: User, name_en: str, name_zh: str) -> NeedCategory:
    if actor.role != Role.admin and actor.role != Role.coordinator:
        raise Forbidden(N_("You cannot edit the list of needs."))
    if not name_en.strip() or not name_zh.strip():
        raise InvalidInput(N_("Enter the name in both languages."))
    refuse_marking_names(name_en, name_zh)
    category = NeedCategory(name_en=name_en.strip(), name_zh=name_zh.strip())
    session.add(category)
    session.flush()
    return category


def household_need_ids(session: Session, household_id: int) -> list[int]:
    return list(session.exec(select(HouseholdNeed.category_id).where(HouseholdNeed.household_id == household_id)))


def household_query(session: Session, actor: User, search: str = "", area_id: int | None = None):
    """Households the actor may see, by area and a part of the name or address; not ordered."""
    query = select(Household).where(household_scope(session, actor))
    if area_id is not None:
        query = query.where(Household.area_id == area_id)
    if search.strip():
        term = f"%{search.strip()}%"
        query = query.where(col(Household.head_name).ilike(term) | col(Household.address).ilike(term))
    return query


def household_rows(session: Session, households: list[Household], interval_days: int, now: datetime,
                   lang: str) -> list[HouseholdRow]:
    """What a list shows of each household: days since the last visit, status, needs."""
    names = _need_names(session, [h.id for h in households], lang)  # type: ignore[misc]
    rows = []
    for household in households:
        days = (now - household.last_visit_at).days if household.last_visit_at else None
        status = household_status(household.last_visit_at, now, interval_days)
        rows.append(HouseholdRow(household, days, status, names.get(household.id, [])))
    return rows


def list_households(
    session: Session, actor: User, search: str = "", interval_days: int = 30, now: datetime | None = None,
    lang: str = "zh_CN", area_id: int | None = None, limit: int = 500,
) -> list[HouseholdRow]:
    """Households the actor may see, most overdue first (never visited counts as most overdue)."""
    query = household_query(session, actor, search, area_id)
    query = query.order_by(nulls_first(col(Household.last_visit_at).asc()), Household.id).limit(limit)
    return household_rows(session, list(session.exec(query).all()), interval_days, now or utcnow(), lang)


def _need_names(session: Session, household_ids: list[int], lang: str) -> dict[int, list[str]]:
    if not household_ids:
        return {}
    name = NeedCategory.name_zh if lang.startswith("zh") else NeedCategory.name_en
    result: dict[int, list[str]] = {}
    for household_id, label in session.exec(
        select(HouseholdNeed.household_id, name)
        .join(NeedCategory, NeedCategory.id == HouseholdNeed.category_id)
        .where(col(HouseholdNeed.household_id).in_(household_ids))
    ).all():
        result.setdefault(household_id, []).append(label)
    return result


# --- pairing -------------------------------------------------------------------------------

def pair_member(session: Session, actor: User, household_id: int, member_id: int) -> Pairing:
    household = get_household(session, actor, household_id, audit_read=False)
    if not may_manage_households(actor):
        raise Forbidden(N_("You cannot manage pairings."))
    member = session.get(User, member_id)
    if member is None or member.role != Role.member or not member.active:
        raise InvalidInput(N_("Choose an active member."))
    if actor.role == Role.coordinator and not area_within(session, member.area_id, actor.area_id):
        raise Forbidden(N_("You can only pair members of your own area."))
    existing = session.exec(
        select(Pairing).where(Pairing.household_id == household.id, Pairing.member_id == member_id,
                              col(Pairing.ended_at).is_(None))
    ).first()
    if existing:
        return existing
    pairing = Pairing(household_id=household.id, member_id=member_id)  # type: ignore[arg-type]
    session.add(pairing)
    session.flush()
    audit.record(session, actor, "pairing.create", "pairing", pairing.id)
    return pairing


def end_pairing(session: Session, actor: User, pairing_id: int) -> Pairing:
    pairing = session.get(Pairing, pairing_id)
    if pairing is None or pairing.ended_at is not None:
        raise NotFound(N_("Pairing not found."))
    get_household(session, actor, pairing.household_id, audit_read=False)
    if not may_manage_households(actor):
        raise Forbidden(N_("You cannot manage pairings."))
    pairing.ended_at = utcnow()
    session.add(pairing)
    audit.record(session, actor, "pairing.end", "pairing", pairing.id)
    return pairing


def active_pairings(session: Session, actor: User, household_id: int) -> list[tuple[Pairing, User]]:
    get_household(session, actor, household_id, audit_read=False)
    return list(session.exec(
        select(Pairing, User).join(User, User.id == Pairing.member_id)
        .where(Pairing.household_id == household_id, col(Pairing.ended_at).is_(None))
    ).all())


def is_paired(session: Session, member_id: int, household_id: int) -> bool:
    return session.exec(
        select(Pairing.id).where(Pairing.member_id == member_id, Pairing.household_id == household_id,
                                 col(Pairing.ended_at).is_(None))
    ).first() is not None


def members_for_pairing(session: Session, actor: User) -> list[User]:
    query = select(User).where(User.role == Role.member, col(User.active).is_(True)).order_by(User.name)
    if actor.role == Role.coordinator:
        query = query.where(area_scope(session, actor, User.area_id))
    elif actor.role != Role.admin:
        return []
    return list(session.exec(query).all())


def coverage_counts(session: Session, actor: User, interval_days: int, now: datetime | None = None) -> tuple[int, int]:
    """(households visible, of which overdue)."""
    now = now or utcnow()
    overdue = case((status_code(now, interval_days) == 2, 1), else_=0)
    total, late = session.exec(
        select(func.count(Household.id), func.coalesce(func.sum(overdue), 0)).where(household_scope(session, actor))
    ).one()
    return int(total), int(late)


def set_need_category_active(session: Session, actor: User, category_id: int, active: bool) -> NeedCategory:
    """Retire a need from the pick list (or bring it back); households keep the needs they have."""
    if actor.role != Role.admin and actor.role != Role.coordinator:
        raise Forbidden(N_("You cannot edit the list of needs."))
    category = session.get(NeedCategory, category_id)
    if category is None:
        raise NotFound(N_("Need not found."))
    category.active = active
    session.add(category)
    return category
