"""Home visits: record one (idempotently, photos included), list them, read one."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from pydantic import BaseModel
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from core.config import get_settings
from core.db import session_scope
from core.i18n import N_, format_date
from models import Household, LocationSource, Photo, ReviewState, Role, User, Visit
from models.common import utcnow
from services import audit
from services.areas import subtree_ids
from services.door_cards.scans import check_scan, refusals_audited
from services.errors import InvalidInput, NotFound
from services.ethical_line.guard import audit_free_text
from services.geo import Verification, verify_location
from services.households import get_household, is_paired
from services.photo_files import store_photo_files
from services.photo_guard.decoding import decode_once
from services.photo_pipeline import ProcessedPhoto, hamming, process_photo
from services.photo_quota import check_daily_photo_quota
from services.photo_store import PhotoStore
from services.policy import household_scope, reads_are_audited
from services.visit_review.counting import apply_rule, refresh_household_clock, visit_pending
from services.visit_review.signals import add_signal, compute_signals, reused_photo_signal, signal_clause

DUPLICATE_PHASH_DISTANCE = 6
MAX_TEXT = 4000


class VisitInput(BaseModel):
    id: str
    household_id: int
    visited_at: datetime | None = None  # aware; None means now
    lat: float | None = None
    lng: float | None = None
    accuracy_m: float | None = None
    location_source: LocationSource = LocationSource.none
    notes: str = ""
    needs_raised: str = ""
    help_given: str = ""
    photo_consent: bool = False
    door_card_code: str | None = None  # what "Scan door card" read; checked, never stored
    queued_at: datetime | None = None  # aware; when the offline page queued it on the phone


@dataclass
class VisitFilters:
    member_id: int | None = None
    household_id: int | None = None
    date_from: datetime | None = None  # aware, inclusive
    date_to: datetime | None = None  # aware, exclusive
    verified: bool | None = None
    review_state: ReviewState | None = None
    pending_only: bool = False  # the review queue: visits waiting for a coordinator
    signal: str | None = None  # a signal code (services.visit_review.signals.SIGNAL_LABELS)
    area_id: int | None = None  # this area's subtree


def _check_input(data: VisitInput, household: Household, photo_count: int, now: datetime) -> VisitInput:
    try:
        uuid.UUID(data.id)
    except ValueError as exc:
        raise InvalidInput(N_("The visit id is not valid.")) from exc
    visited_at = data.visited_at or now
    if visited_at > now + timedelta(minutes=10):
        raise InvalidInput(N_("The visit time is in the future."))
    if visited_at < now - timedelta(days=366):
        raise InvalidInput(N_("The visit time is more than a year ago."))
    tz = ZoneInfo(get_settings().time_zone)
    registered = household.created_at
    if registered is not None and visited_at.astimezone(tz).date() < registered.astimezone(tz).date():
        raise InvalidInput(N_("The visit time is before the household was registered ({date})."),
                           date=format_date(household.created_at, get_settings().time_zone))
    if any(len(text) > MAX_TEXT for text in (data.notes, data.needs_raised, data.help_given)):
        raise InvalidInput(N_("A text field is longer than {n} characters."), n=MAX_TEXT)
    if photo_count and not data.photo_consent:
        raise InvalidInput(N_("Photos need the resident's consent. Tick consent or remove the photos."))
    if photo_count > get_settings().max_photos_per_visit:
        raise InvalidInput(N_("At most {n} photos per visit."), n=get_settings().max_photos_per_visit)
    source, lat, lng = data.location_source, data.lat, data.lng
    if source == LocationSource.address:
        lat, lng = household.lat, household.lng
        if lat is None:
            raise InvalidInput(N_("This household has no registered location. Drop a pin instead."))
    if source in (LocationSource.gps, LocationSource.pin):
        if lat is None or lng is None or not (-90 <= lat <= 90 and -180 <= lng <= 180):
            raise InvalidInput(N_("The location is missing or out of range."))
    if source == LocationSource.none:
        lat = lng = None
    accuracy = data.accuracy_m if source == LocationSource.gps else None
    # A phone's clock is its own: the queue time is kept between the visit and the arrival.
    queued = min(max(data.queued_at, visited_at), now) if data.queued_at else None
    return data.model_copy(update={"visited_at": visited_at, "lat": lat, "lng": lng, "accuracy_m": accuracy,
                                   "queued_at": queued})


def record_visit(
    session: Session, actor: User, data: VisitInput, photos: list[ProcessedPhoto] | None = None,
    store: PhotoStore | None = None, now: datetime | None = None,
) -> Visit:
    """Store a visit once, whatever the number of submissions with the same client-made id.

    A repeated submission returns the stored visit and adds only the photos it does not have yet
    (resume after a cut-off upload). Files are written before the commit and removed again if
    anything fails, so there is never a half-saved visit or an orphan file.
    """
    now = now or utcnow()
    photos = photos or []
    existing = session.get(Visit, data.id)
    if existing is not None:
        if existing.member_id != actor.id:
            raise NotFound(N_("Visit not found."))
        for photo in photos:
            add_photo(session, actor, existing, photo, store)
        return existing
    if actor.role != Role.member or not is_paired(session, actor.id, data.household_id):  # type: ignore[arg-type]
        raise NotFound(N_("Household not found."))
    household = get_household(session, actor, data.household_id, audit_read=False)
    data = _check_input(data, household, len(photos), now)
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


def add_photo(session: Session, actor: User, visit: Visit, processed: ProcessedPhoto,
              store: PhotoStore | None = None) -> Photo:
    """Attach one photo to a visit; the same upload twice is stored once."""
    if visit.member_id != actor.id:
        raise NotFound(N_("Visit not found."))
    if not visit.photo_consent:
        raise InvalidInput(N_("Photos need the resident's consent. Tick consent or remove the photos."))
    same = session.exec(
        select(Photo).where(Photo.visit_id == visit.id, Photo.upload_sha256 == processed.sha256)
    ).first()
    if same is not None:
        return same
    count = session.exec(select(func.count(Photo.id)).where(Photo.visit_id == visit.id)).one()
    if count >= get_settings().max_photos_per_visit:
        raise InvalidInput(N_("At most {n} photos per visit."), n=get_settings().max_photos_per_visit)
    check_daily_photo_quota(session, actor)
    file_key, thumb_key = store_photo_files(session, processed, store)
    photo = Photo(
        visit_id=visit.id, file_key=file_key, thumb_key=thumb_key, width=processed.width,
        height=processed.height, size_bytes=len(processed.image), phash=processed.phash,
        upload_sha256=processed.sha256, duplicate_of_visit_id=_earlier_use(session, visit, processed.phash),
    )
    session.add(photo)
    if photo.duplicate_of_visit_id and add_signal(visit, reused_photo_signal(photo.duplicate_of_visit_id)):
        session.add(visit)
        if apply_rule(visit):
            refresh_household_clock(session, visit.household_id)
    session.flush()
    return photo


def _earlier_use(session: Session, visit: Visit, phash: str) -> str | None:
    """The visit that already used this picture: same perceptual hash, or nearly, elsewhere."""
    exact = session.exec(
        select(Photo.visit_id).where(Photo.phash == phash, Photo.visit_id != visit.id).order_by(Photo.id)
    ).first()
    if exact:
        return exact
    # Near matches are looked for where reuse is likely: this household and this member.
    nearby = session.exec(
        select(Photo.visit_id, Photo.phash).join(Visit, Visit.id == Photo.visit_id)
        .where(Photo.visit_id != visit.id,
               (Visit.household_id == visit.household_id) | (Visit.member_id == visit.member_id))
    ).all()
    for visit_id, other in nearby:
        if hamming(phash, other) <= DUPLICATE_PHASH_DISTANCE:
            return visit_id
    return None


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


def list_visits(session: Session, actor: User, filters: VisitFilters | None = None,
                limit: int = 200, offset: int = 0) -> list[tuple[Visit, Household, User]]:
    filters = filters or VisitFilters()
    query = (
        select(Visit, Household, User)
        .join(Household, Household.id == Visit.household_id)
        .join(User, User.id == Visit.member_id)
        .where(household_scope(session, actor))
    )
    if filters.member_id is not None:
        query = query.where(Visit.member_id == filters.member_id)
    if filters.household_id is not None:
        query = query.where(Visit.household_id == filters.household_id)
    if filters.date_from is not None:
        query = query.where(Visit.visited_at >= filters.date_from)
    if filters.date_to is not None:
        query = query.where(Visit.visited_at < filters.date_to)
    if filters.verified is not None:
        query = query.where(Visit.verified == filters.verified)
    if filters.review_state is not None:
        query = query.where(Visit.review_state == filters.review_state)
    if filters.pending_only:
        query = query.where(visit_pending())
    if filters.signal:
        query = query.where(signal_clause(filters.signal))
    if filters.area_id is not None:
        query = query.where(col(Household.area_id).in_(subtree_ids(session, filters.area_id)))
    query = query.order_by(col(Visit.visited_at).desc()).limit(limit).offset(offset)
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
