"""Offline sync: what the offline page caches, and visits/photos sent later, each stored exactly once."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from core.config import get_settings
from core.db import session_scope
from core.i18n import N_
from models import Photo, Role, User, Visit
from models.common import utcnow
from services.door_cards.areas import areas_using_door_cards
from services.errors import InvalidInput, NotFound
from services.households.records import list_households
from services.photos.pipeline import ProcessedPhoto
from services.visits.due import due_soon_after_days
from services.visits.records import VisitInput, add_photo, save_visit

SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


@dataclass
class VisitReceipt:
    """What the server answers a sync: the stored visit, and which of its photos it holds."""

    id: str
    household_id: int
    visited_at: datetime
    created_at: datetime
    server_time: datetime
    stored_hashes: list[str]
    expected_hashes: list[str] | None = None
    missing: list[str] = field(default_factory=list)


def offline_households(session: Session, actor: User) -> list[dict]:
    """Only what the offline visit form needs, for the households the actor may log visits for."""
    if actor.role != Role.member:
        return []  # only members log visits
    interval = get_settings().visit_interval_days
    rows = list_households(session, actor, interval_days=interval, limit=1000)
    with_cards = areas_using_door_cards(session, {r.household.area_id for r in rows})
    # The phone counts the days itself (they go on while it is offline), with the same rule as the lists.
    return [{"id": r.household.id, "head_name": r.household.head_name, "address": r.household.address,
             "lat": r.household.lat, "lng": r.household.lng, "door_cards": r.household.area_id in with_cards,
             "last_visit_at": r.household.last_visit_at, "interval_days": interval,
             "due_soon_after_days": due_soon_after_days(interval)} for r in rows]


def check_photo_hashes(hashes: list[str], consent: bool) -> list[str]:
    if any(not SHA256_RE.match(h) for h in hashes):
        raise InvalidInput(N_("A photo hash is not a SHA-256 hex digest."))
    unique = list(dict.fromkeys(hashes))
    if unique and not consent:
        raise InvalidInput(N_("Photos need the resident's consent. Tick consent or remove the photos."))
    if len(unique) > get_settings().max_photos_per_visit:
        raise InvalidInput(N_("At most {n} photos per visit."), n=get_settings().max_photos_per_visit)
    return unique


def _own_visit(session: Session, actor: User, visit_id: str) -> Visit:
    # A member's own visit stays theirs to read back even if the pairing has ended since.
    visit = session.get(Visit, visit_id)
    if visit is None or visit.member_id != actor.id or not actor.active:
        raise NotFound(N_("Visit not found."))
    return visit


def visit_receipt(session: Session, actor: User, visit_id: str, expected: list[str] | None = None) -> VisitReceipt:
    visit = _own_visit(session, actor, visit_id)
    stored = list(session.exec(
        select(Photo.upload_sha256).where(Photo.visit_id == visit.id).order_by(col(Photo.id))
    ).all())
    missing = [h for h in expected if h not in stored] if expected is not None else []
    return VisitReceipt(visit.id, visit.household_id, visit.visited_at, visit.created_at, utcnow(), stored,
                        expected, missing)


def sync_visit(actor: User, data: VisitInput, photo_hashes: list[str]) -> VisitReceipt:
    """Store the visit once (a retry returns the stored one) and say which photos are still missing."""
    expected = check_photo_hashes(photo_hashes, data.photo_consent)
    save_visit(actor, data)
    with session_scope(read_only=True) as session:
        return visit_receipt(session, actor, data.id, expected)


def photo_already_stored(session: Session, actor: User, visit_id: str, sha256: str) -> bool:
    """Whether this exact upload is already attached (NotFound if the visit is not the actor's)."""
    _own_visit(session, actor, visit_id)
    return session.exec(
        select(Photo.id).where(Photo.visit_id == visit_id, Photo.upload_sha256 == sha256)
    ).first() is not None


def add_photo_to_visit(actor: User, visit_id: str, processed: ProcessedPhoto) -> VisitReceipt:
    """Attach one uploaded photo to the actor's visit in its own transaction; the same upload twice is stored once.

    Two concurrent uploads of one photo can both pass add_photo's check (PostgreSQL); the loser's
    insert hits the unique (visit, upload hash) constraint, its files are removed with the rollback,
    and the retry finds the stored photo.
    """
    for attempt in range(2):
        try:
            with session_scope() as session:
                visit = _own_visit(session, actor, visit_id)
                add_photo(session, actor, visit, processed)
                session.flush()
                return visit_receipt(session, actor, visit_id)
        except IntegrityError:
            if attempt:
                raise
    raise AssertionError("unreachable")
