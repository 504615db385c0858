"""The retention policy (PIPL: keep personal data no longer than needed), applied by a daily job.

Built in: photos are deleted ``photo_retention_days`` after their visit (rows now, files after
the commit). Other features add their own rules with a hook, which ``services.registries.assemble``
registers at start-up::

    from services.privacy.retention import register_retention_hook

    def anonymise_closed_requests(session, now, settings) -> int:
        cutoff = now - timedelta(days=settings.closed_request_anonymise_days)
        ...  # blank names, phone numbers and free text of requests closed before cutoff
        return how_many

    register_retention_hook("requests.anonymise", anonymise_closed_requests)

Each hook runs in the job's transaction and returns how many records it changed; the job writes
one audit entry per rule ("retention.<name>", the count as record id, never the records).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from core.config import Settings, get_settings
from models import Photo, Visit, VisitAnswer
from services import audit
from services.photos.cleanup import delete_after_commit

RetentionHook = Callable[[Session, datetime, Settings], int]
_HOOKS: dict[str, RetentionHook] = {}
BATCH = 500


def register_retention_hook(name: str, hook: RetentionHook) -> None:
    """Add (or replace, by name) a retention rule."""
    _HOOKS[name] = hook


def expire_photos(session: Session, now: datetime, settings: Settings) -> int:
    """Delete photos of visits made more than photo_retention_days before ``now``."""
    cutoff = now - timedelta(days=settings.photo_retention_days)
    photos = list(session.exec(
        select(Photo).join(Visit, Visit.id == Photo.visit_id).where(col(Visit.visited_at) < cutoff)
    ).all())
    keys = [k for p in photos for k in (p.file_key, p.thumb_key)]
    if photos:  # a member's answer to a review keeps its note when its photo expires
        session.exec(update(VisitAnswer).where(col(VisitAnswer.photo_id).in_([p.id for p in photos]))  # type: ignore[call-overload]
                     .values(photo_id=None))
    for photo in photos:
        session.delete(photo)
    session.flush()
    delete_after_commit(session, keys)
    return len(photos)


def run_retention(session: Session, now: datetime, settings: Settings | None = None) -> dict[str, int]:
    """Apply every rule once; returns {rule name: records changed}. The caller commits."""
    settings = settings or get_settings()
    results = {"photos": expire_photos(session, now, settings)}
    for name, hook in _HOOKS.items():
        results[name] = int(hook(session, now, settings))
    for name, count in results.items():
        audit.record(session, None, f"retention.{name}", "count", count)
    return results

