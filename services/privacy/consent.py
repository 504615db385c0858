"""Consent (PIPL): to process a household's data, and to keep a visit's photos; both can be withdrawn."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from core.i18n import N_
from models import Household, Photo, Role, User, Visit
from models.common import utcnow
from services import audit
from services.errors import Forbidden, NotFound
from services.households.records import get_household
from services.photos.cleanup import delete_after_commit
from services.policy import may_manage_households


def _managed_household(session: Session, actor: User, household_id: int) -> Household:
    household = get_household(session, actor, household_id, audit_read=False)
    if not may_manage_households(actor):
        raise Forbidden(N_("You cannot manage households."))
    return household


def record_household_consent(session: Session, actor: User, household_id: int,
                             now: datetime | None = None) -> Household:
    """The household agreed (again) that the organisation keeps and uses its data."""
    household = _managed_household(session, actor, household_id)
    household.data_consent_at = now or utcnow()
    household.data_consent_withdrawn_at = None
    household.data_consent_recorded_by = actor.id
    session.add(household)
    audit.record(session, actor, "household.consent_record", "household", household.id)
    return household


def withdraw_household_consent(session: Session, actor: User, household_id: int,
                               now: datetime | None = None) -> Household:
    """The household withdrew its consent. Its data stays until deleted (services.privacy.resident_data)."""
    household = _managed_household(session, actor, household_id)
    household.data_consent_withdrawn_at = now or utcnow()
    household.data_consent_recorded_by = actor.id
    session.add(household)
    audit.record(session, actor, "household.consent_withdraw", "household", household.id)
    return household


def withdraw_photo_consent(session: Session, actor: User, visit_id: str, now: datetime | None = None) -> int:
    """The resident withdrew consent to a visit's photos: delete them (rows now, files after commit).

    Allowed to the member who recorded the visit and to coordinators/admins who manage the
    household. Returns how many photos were deleted.
    """
    visit = session.get(Visit, visit_id)
    if visit is None:
        raise NotFound(N_("Visit not found."))
    if visit.member_id != actor.id or actor.role != Role.member:
        _managed_household(session, actor, visit.household_id)
    photos = list(session.exec(select(Photo).where(Photo.visit_id == visit.id)).all())
    keys = [k for p in photos for k in (p.file_key, p.thumb_key)]
    for photo in photos:
        session.delete(photo)
    visit.photo_consent = False
    visit.photo_consent_withdrawn_at = now or utcnow()
    session.add(visit)
    session.flush()
    delete_after_commit(session, keys)
    audit.record(session, actor, "visit.photo_consent_withdraw", "visit", visit.id)
    return len(photos)
