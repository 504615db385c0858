"""Home visits: record one (idempotently, photos included), list them, read one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from core.config import get_settings
from core.db import session_scope
from core.i18n import N_
from models import Household, LocationSource, Photo, ReviewState, Role, User, Visit
from models.common import utcnow
from services import audit
from services.door_cards.scans import check_scan, refusals_audited
from services.errors import InvalidInput, NotFound
from services.households.records import get_household, is_paired
from services.map.geo import Verification, verify_location
from services.org.areas import subtree_ids
from services.photos.guard.decoding import decode_once
from services.photos.pipeline import ProcessedPhoto, process_photo
from services.photos.store import PhotoStore
from services.policy import household_scope, reads_are_audited
from services.privacy.ethical_line.guard import audit_free_text
from services.visits.corrections import apply_correction
from services.visits.input import VisitInput, check_visit_input
from services.visits.photos import add_photo
from services.visits.review.counting import apply_rule, visit_pending
from services.visits.review.signals import compute_signals, signal_clause


@dataclass
class VisitFilters:
    member_id: int | None = None
    household_id: int | None = None
    date_from: datetime | None = None  # aware, inclusive
    date_to: datetime | None = None  # aware, exclusive
    verified: bool | None = None
    review_state: ReviewState | None = None
    pending_only: bool = False  # the review queue: visits waiting for a coordinator
    signal: str | None = None  # a signal code (services.visits.review.signals.SIGNAL_LABELS)
    area_id: int | None = None  # this area's subtree
    search: str = ""  # part of the household's name or address


def record_visit(
    session: Session, actor: User, data: VisitInput, photos: list[ProcessedPhoto] | None = None,
    store: PhotoStore | None = None, now: datetime | None = None,
) -> Visit:
    """Store a visit once, whatever the number of submissions with the same client-made id.

    A repeated submission returns the stored visit and adds only the photos it does not have yet
    (resume after a cut-off upload). When it carries different values (typed after a reload while
    the first save was under way), they are applied as the member's audited correction, or
    refused after the edit window: never silently dropped. Files are written before the commit and removed again if
    anything fails, so there is never a half-saved visit or an orphan file.
    """
    now = now or utcnow()
    photos = photos or []
    existing = session.get(Visit, data.id)
    if existing is not None:
        if existing.member_id != actor.id:
            raise NotFound(N_("Visit not found."))
        stored = set(session.exec(select(Photo.upload_sha256).where(Photo.visit_id == existing.id)).all())
        apply_correction(session, actor, existing, data, len(stored | {p.sha256 for p in photos}), now)
        for photo in photos:
            add_photo(session, actor, existing, photo, store)
        return existing
    if actor.role != Role.member or not is_paired(session, actor.id, data.household_id):  # type: ignore[arg-type]
        raise NotFound(N_("Household not found."))
    household = get_household(session, actor, data.household_id, audit_read=False)
    data = check_visit_input(data, household, len(photos), now)
    settings = get_settings()
    point = (data.lat, data.lng) if data.lat is not None and data.lng is not None else None
    home = (household.lat, household.lng) if household.lat is not None and household.lng is not None else None
    check = verify_location(point, home, data.location_source, data.accuracy_m, settings.verify_radius_m)
    if data.door_card_code:  # the household's own card at its door: the best evidence of presence
        check_scan(session, household, data.door_card_code)
        data = data.model_copy(update={"location_source": LocationSource.door_card, "lat": household.lat,
                                       "lng": household.lng, "accuracy_m": None})
        check = Verification(None, True)
    elif data.location_source == LocationSource.door_card:
        raise InvalidInput(N_("Scan the door card to record the visit as verified by door card."))
    # The registered address is where the household is said to be, not a measurement: no distance.
    distance = None if data.location_source == LocationSource.address else check.distance_m
    visit = Visit(
        **data.model_dump(exclude={"door_card_code"}), member_id=actor.id, distance_m=distance,
        verified=check.verified, created_at=now,
    )
    visit.signals = compute_signals(session, visit, household)
    apply_rule(visit)
    session.add(visit)
    if visit.counts and (household.last_visit_at is None or visit.visited_at > household.last_visit_at):
        household.last_visit_at = visit.visited_at
        session.add(household)
    session.flush()
    audit_free_text(session, actor, "visit", visit.id,
                    {"notes": visit.notes, "needs_raised": visit.needs_raised, "help_given": visit.help_given})
    for photo in photos:
        add_photo(session, actor, visit, photo, store)
    return visit


def save_visit(actor: User, data: VisitInput, photos: list[ProcessedPhoto] | None = None) -> Visit:
    """record_visit in its own transaction; a concurrent duplicate that wins the race is returned.

    Two submissions of one visit can pass the existence check at the same moment (on PostgreSQL);
    the loser's insert hits the primary key, and the retry then finds the stored visit.
    """
    for attempt in range(2):
        try:
            with refusals_audited(actor), session_scope() as session:
                return record_visit(session, actor, data, photos)
        except IntegrityError:
            if attempt:
                raise
    raise AssertionError("unreachable")


def get_visit(session: Session, actor: User, visit_id: str, audit_read: bool = True) -> Visit:
    visit = session.exec(
        select(Visit).join(Household, Household.id == Visit.household_id)
        .where(Visit.id == visit_id, household_scope(session, actor))
    ).first()
    if visit is None:
        raise NotFound(N_("Visit not found."))
    if audit_read and reads_are_audited(actor):
        audit.record(session, actor, "visit.read", "visit", visit.id)
    return visit


def visit_conditions(session: Session, actor: User, filters: VisitFilters | None = None) -> list:
    """WHERE terms on Visit alone: the actor's households (and the search) as a subquery, then the filters.

    No join is needed to filter, so lists and counts walk the visits in date order and look each
    household and member up by key (see docs/BENCHMARKS.md "Visit list").
    """
    filters = filters or VisitFilters()
    households = select(Household.id).where(household_scope(session, actor))
    if filters.area_id is not None:
        households = households.where(col(Household.area_id).in_(subtree_ids(session, filters.area_id)))
    if filters.search.strip():
        term = f"%{filters.search.strip()}%"
        households = households.where(col(Household.head_name).ilike(term) | col(Household.address).ilike(term))
    # "+ 0": a membership test per visit, not the household index to drive the query (that made
    # SQLite read every visit of the area and sort them all for one page).
    where = [(col(Visit.household_id) + 0).in_(households)]
    if filters.member_id is not None:
        where.append(Visit.member_id == filters.member_id)
    if filters.household_id is not None:
        where.append(Visit.household_id == filters.household_id)
    if filters.date_from is not None:
        where.append(Visit.visited_at >= filters.date_from)
    if filters.date_to is not None:
        where.append(Visit.visited_at < filters.date_to)
    if filters.verified is not None:
        where.append(Visit.verified == filters.verified)
    if filters.review_state is not None:
        where.append(Visit.review_state == filters.review_state)
    if filters.pending_only:
        where.append(visit_pending())
    if filters.signal:
        where.append(signal_clause(filters.signal))
    return where


def visit_query(session: Session, actor: User, filters: VisitFilters | None = None):
    """Visits the actor may see matching ``filters``, with their household and member; not ordered."""
    # "+ 0": join households and members by their keys, never drive the query from them.
    return (
        select(Visit, Household, User)
        .join(Household, Household.id == col(Visit.household_id) + 0)
        .join(User, User.id == col(Visit.member_id) + 0)
        .where(*visit_conditions(session, actor, filters))
    )


def list_visits(session: Session, actor: User, filters: VisitFilters | None = None,
                limit: int = 200, offset: int = 0) -> list[tuple[Visit, Household, User]]:
    query = visit_query(session, actor, filters).order_by(col(Visit.visited_at).desc()).limit(limit).offset(offset)
    return list(session.exec(query).all())


def photos_of(session: Session, visit_ids: list[str]) -> dict[str, list[Photo]]:
    result: dict[str, list[Photo]] = {}
    if not visit_ids:
        return result
    for photo in session.exec(select(Photo).where(col(Photo.visit_id).in_(visit_ids)).order_by(Photo.id)).all():
        result.setdefault(photo.visit_id, []).append(photo)
    return result


def get_photo(session: Session, actor: User, photo_id: int) -> Photo:
    """The photo if the actor may see its visit; NotFound otherwise."""
    photo = session.get(Photo, photo_id)
    if photo is None:
        raise NotFound(N_("Photo not found."))
    get_visit(session, actor, photo.visit_id, audit_read=False)  # the visit page already logged the read
    return photo


def visit_dates(session: Session, visit_ids: list[str]) -> dict[str, datetime]:
    if not visit_ids:
        return {}
    return dict(session.exec(select(Visit.id, Visit.visited_at).where(col(Visit.id).in_(visit_ids))).all())


def prepare_photo(data: bytes) -> ProcessedPhoto:
    """Run an uploaded photo through the pipeline with the configured limits (CPU-bound).

    Every upload path comes here: decodes share the process's slots and memory budget, and the
    same bytes sent again are answered from their hash without a second decode.
    """
    settings = get_settings()
    limits = {"long_side": settings.photo_long_side, "thumb_long_side": settings.thumb_long_side,
              "max_bytes": settings.max_upload_bytes, "max_pixels": settings.max_image_pixels,
              "max_decode_bytes": settings.max_decode_bytes}
    return decode_once(data, tuple(limits.values()), lambda raw, reserve: process_photo(raw, **limits, reserve=reserve))
