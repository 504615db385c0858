"""Correcting a stored visit: only its member, only within the edit window, every change kept.

A correction is an explicit edit of a visit that is already stored (the same client-made id).
It is written to the audit log ("visit.edit") and, because audit entries never hold a record's
content, the changed fields' old and new values are kept in a VisitRevision beside it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from core.config import get_settings
from core.db import session_scope
from core.i18n import N_
from models import Household, Photo, User, Visit, VisitRevision
from models.common import utcnow
from services import audit
from services.errors import Forbidden, NotFound
from services.map.geo import verify_location
from services.photos.pipeline import ProcessedPhoto
from services.visits.input import VisitInput, check_visit_input
from services.visits.photos import add_photo

CORRECTABLE = ("visited_at", "lat", "lng", "accuracy_m", "location_source", "notes", "needs_raised",
               "help_given", "photo_consent")


@dataclass(frozen=True)
class StoredVisit:
    """What a reloaded visit form needs to know about its visit once it is stored."""

    visit: Visit
    photo_count: int
    saved_at: datetime  # aware UTC
    editable_until: datetime  # aware UTC
    editable: bool
    corrected_at: datetime | None = None  # aware UTC, the latest correction



def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def edit_deadline(visit: Visit) -> datetime:
    """The member may correct the visit until this moment (aware UTC)."""
    return _utc(visit.created_at) + timedelta(hours=get_settings().visit_edit_hours)


def own_stored_visit(session: Session, actor: User, visit_id: str, now: datetime | None = None) -> StoredVisit | None:
    """The actor's own visit with this client-made id, or None while it is not stored (or not theirs)."""
    visit = session.get(Visit, visit_id)
    if visit is None or visit.member_id != actor.id:
        return None
    count = session.exec(select(func.count(Photo.id)).where(Photo.visit_id == visit.id)).one()
    deadline = edit_deadline(visit)
    corrected = session.exec(select(func.max(VisitRevision.edited_at)).where(VisitRevision.visit_id == visit.id)).one()
    return StoredVisit(visit, int(count), _utc(visit.created_at), deadline, _utc(now or utcnow()) <= deadline,
                       _utc(corrected) if corrected else None)


def check_may_correct(actor: User, visit: Visit, now: datetime) -> None:
    """Refuse a correction by anyone but the visit's member, or after the edit window."""
    if visit.member_id != actor.id:
        raise NotFound(N_("Visit not found."))
    if _utc(now) > edit_deadline(visit):
        raise Forbidden(N_("A visit can be corrected only within {hours} hours of saving it. "
                           "This visit can no longer be changed."), hours=f"{get_settings().visit_edit_hours:g}")


def _comparable(name: str, value: object) -> object:
    if isinstance(value, datetime):
        return _utc(value).isoformat()
    return getattr(value, "value", value)


def apply_correction(session: Session, actor: User, visit: Visit, data: VisitInput, photo_count: int,
                     now: datetime | None = None) -> bool:
    """Give the stored visit the submitted values; False (and nothing written) when none differ.

    ``data`` names the same visit id; ``photo_count`` is the number of photos the visit will have.
    """
    now = now or utcnow()
    if visit.member_id != actor.id:
        raise NotFound(N_("Visit not found."))
    household = session.get(Household, visit.household_id)
    if household is None:
        raise NotFound(N_("Visit not found."))
    if data.visited_at is None:  # a retry without a time keeps the stored one
        data = data.model_copy(update={"visited_at": visit.visited_at})
    checked = check_visit_input(data, household, photo_count, now)
    old = {f: _comparable(f, getattr(visit, f)) for f in CORRECTABLE}
    new = {f: _comparable(f, getattr(checked, f)) for f in CORRECTABLE}
    changed = [f for f in CORRECTABLE if old[f] != new[f]]
    if not changed:
        return False
    check_may_correct(actor, visit, now)
    for name in changed:
        setattr(visit, name, getattr(checked, name))
    point = (visit.lat, visit.lng) if visit.lat is not None and visit.lng is not None else None
    home = (household.lat, household.lng) if household.lat is not None and household.lng is not None else None
    check = verify_location(point, home, visit.location_source, visit.accuracy_m, get_settings().verify_radius_m)
    visit.distance_m, visit.verified = check.distance_m, check.verified
    session.add(visit)
    session.flush()
    latest = session.exec(select(func.max(Visit.visited_at)).where(Visit.household_id == household.id)).one()
    household.last_visit_at = latest
    session.add(household)
    session.add(VisitRevision(
        visit_id=visit.id, editor_id=actor.id, edited_at=now,  # type: ignore[arg-type]
        old_values=json.dumps({f: old[f] for f in changed}, ensure_ascii=False),
        new_values=json.dumps({f: new[f] for f in changed}, ensure_ascii=False),
    ))
    audit.record(session, actor, "visit.edit", "visit", visit.id)
    return True


def correct_visit(actor: User, data: VisitInput, photos: list[ProcessedPhoto] | None = None,
                  now: datetime | None = None) -> Visit:
    """A member's explicit correction of their stored visit (photos may be added), in its own transaction."""
    now, photos = now or utcnow(), photos or []
    with session_scope() as session:
        visit = session.get(Visit, data.id)
        if visit is None or visit.member_id != actor.id:
            raise NotFound(N_("Visit not found."))
        check_may_correct(actor, visit, now)
        stored = set(session.exec(select(Photo.upload_sha256).where(Photo.visit_id == visit.id)).all())
        apply_correction(session, actor, visit, data, len(stored | {p.sha256 for p in photos}), now)
        for photo in photos:
            add_photo(session, actor, visit, photo)
        return visit


def revisions_of(session: Session, visit_id: str) -> list[VisitRevision]:
    """The corrections of one visit, oldest first (for the owner's and reviewers' views)."""
    return list(session.exec(select(VisitRevision).where(VisitRevision.visit_id == visit_id)
                             .order_by(VisitRevision.id)).all())
