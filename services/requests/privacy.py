"""Residents' requests under the resident's rights and the retention policy.

Registers with services/privacy/resident_data.py (a household's requests in its archive, and deleted
with it) and services/privacy/retention.py (closed requests lose their personal fields after
``closed_request_anonymise_days``). Both modules import this one at their end, so the rules
apply wherever an export, a deletion or the retention job runs.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from core.config import Settings
from models.requests import (
    CLOSED_STATUSES,
    Rating,
    RequestAlert,
    RequestEvent,
    RequestPhoto,
    ServiceRequest,
)
from models.year import FieldDayRequest
from services.photos.cleanup import delete_after_commit
from services.photos.store import get_photo_store
from services.privacy.resident_data import ResidentDataProvider, row_as_dict

ANONYMISED = "[anonymised]"


def _request_ids(session: Session, household_id: int) -> list[int]:
    return list(session.exec(select(ServiceRequest.id).where(ServiceRequest.household_id == household_id)).all())


def export_requests(session: Session, household_id: int) -> tuple[list[dict], dict[str, bytes]]:
    """Each request with its public and internal timeline, ratings and photos."""
    store = get_photo_store()
    section: list[dict] = []
    files: dict[str, bytes] = {}
    for request in session.exec(select(ServiceRequest).where(ServiceRequest.household_id == household_id)
                                .order_by(ServiceRequest.id)).all():
        item = row_as_dict(request, exclude={"household_id"})
        item["timeline"] = [row_as_dict(e, exclude={"request_id"}) for e in session.exec(
            select(RequestEvent).where(RequestEvent.request_id == request.id).order_by(RequestEvent.at)).all()]
        item["ratings"] = [row_as_dict(r, exclude={"request_id"}) for r in session.exec(
            select(Rating).where(Rating.request_id == request.id).order_by(Rating.at)).all()]
        item["photos"] = []
        for photo in session.exec(select(RequestPhoto).where(RequestPhoto.request_id == request.id)).all():
            path = f"requests/{request.id}/{photo.id}.jpg"
            try:
                files[path] = store.get(photo.file_key)
            except FileNotFoundError:
                continue
            item["photos"].append(path)
        section.append(item)
    return section, files


def delete_requests(session: Session, household_id: int) -> list[str]:
    """Delete the household's requests and everything hanging off them; returns the photo keys."""
    ids = _request_ids(session, household_id)
    if not ids:
        return []
    keys = [key for pair in session.exec(select(RequestPhoto.file_key, RequestPhoto.thumb_key)
                                         .where(col(RequestPhoto.request_id).in_(ids))).all() for key in pair]
    for model in (RequestPhoto, Rating, RequestAlert, RequestEvent, FieldDayRequest):
        session.exec(delete(model).where(col(model.request_id).in_(ids)))  # type: ignore[call-overload]
    session.exec(delete(ServiceRequest).where(col(ServiceRequest.id).in_(ids)))  # type: ignore[call-overload]
    session.flush()
    return keys


def anonymise_closed_requests(session: Session, now: datetime, settings: Settings) -> int:
    """Closed requests older than the policy keep their category, dates and outcome, not who or where.

    Contact details and free text a resident or member typed (description, location, notes,
    rating comments) are what identifies a person; they are replaced or cleared.
    """
    cutoff = now - timedelta(days=settings.closed_request_anonymise_days)
    ids = list(session.exec(
        select(ServiceRequest.id).where(col(ServiceRequest.status).in_(CLOSED_STATUSES),
                                        col(ServiceRequest.closed_at).is_not(None),
                                        col(ServiceRequest.closed_at) < cutoff,
                                        ServiceRequest.description != ANONYMISED)
    ).all())
    if not ids:
        return 0
    session.exec(update(ServiceRequest).where(col(ServiceRequest.id).in_(ids)).values(  # type: ignore[call-overload]
        description=ANONYMISED, contact_name="", contact_phone="", location_text="", lat=None, lng=None,
        household_id=None))
    session.exec(update(RequestEvent).where(col(RequestEvent.request_id).in_(ids)).values(note=""))  # type: ignore[call-overload]
    session.exec(update(Rating).where(col(Rating.request_id).in_(ids)).values(comment=""))  # type: ignore[call-overload]
    photos = list(session.exec(select(RequestPhoto).where(col(RequestPhoto.request_id).in_(ids))).all())
    delete_after_commit(session, [key for p in photos for key in (p.file_key, p.thumb_key)])
    for photo in photos:
        session.delete(photo)
    session.flush()
    return len(ids)


PROVIDER = ResidentDataProvider(name="requests", export=export_requests, delete=delete_requests)
