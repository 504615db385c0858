"""A per-user daily photo quota (setting ``daily_photo_quota``): one account cannot fill the disk."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, func, select

from core.config import get_settings
from core.i18n import N_
from models import Photo, RequestPhoto, User, Visit
from models.common import utcnow
from services.errors import InvalidInput


def check_daily_photo_quota(session: Session, actor: User, now: datetime | None = None) -> None:
    """InvalidInput once the actor has added ``daily_photo_quota`` photos in the last 24 hours."""
    quota = get_settings().daily_photo_quota
    since = (now or utcnow()) - timedelta(days=1)
    visit_photos = session.exec(select(func.count(Photo.id)).join(Visit, col(Visit.id) == Photo.visit_id).where(
        Visit.member_id == actor.id, Photo.created_at >= since)).one()
    request_photos = session.exec(select(func.count(RequestPhoto.id)).where(
        RequestPhoto.added_by_id == actor.id, RequestPhoto.created_at >= since)).one()
    if visit_photos + request_photos >= quota:
        raise InvalidInput(N_("You have added {n} photos in the last 24 hours, the most allowed. Try again later."),
                           n=quota)
