"""A visit's photos: attach one (stored once per upload), and find an earlier visit that used the picture."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from core.config import get_settings
from core.i18n import N_
from models import Photo, User, Visit
from services.errors import InvalidInput, NotFound
from services.photos.files import store_photo_files
from services.photos.pipeline import ProcessedPhoto, hamming
from services.photos.quota import check_daily_photo_quota
from services.photos.store import PhotoStore
from services.visits.review.counting import apply_rule, refresh_household_clock
from services.visits.review.signals import add_signal, reused_photo_signal

DUPLICATE_PHASH_DISTANCE = 6


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
