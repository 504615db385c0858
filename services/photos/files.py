"""Photo files written inside a database transaction: kept on commit, deleted again on rollback.

Visits and residents' requests both store processed photos this way, so a failed save never
leaves an orphan file and a committed row never points at nothing.
"""

from __future__ import annotations

from sqlalchemy import event
from sqlmodel import Session

from services.photos.pipeline import ProcessedPhoto
from services.photos.store import PhotoStore, get_photo_store, new_key

_PENDING = "uncommitted_photo_files"  # files written in a transaction that may still roll back


def store_photo_files(session: Session, processed: ProcessedPhoto,
                      store: PhotoStore | None = None) -> tuple[str, str]:
    """Write the photo and its thumbnail; returns (file_key, thumb_key). Undone if the session rolls back."""
    store = store or get_photo_store()
    file_key, thumb_key = new_key(".jpg"), new_key(".jpg")
    pending = session.info.setdefault(_PENDING, [])
    store.put(file_key, processed.image)
    pending.append((store, file_key))
    store.put(thumb_key, processed.thumb)
    pending.append((store, thumb_key))
    return file_key, thumb_key


@event.listens_for(Session, "after_soft_rollback")
def _drop_uncommitted_files(session: Session, _previous: object) -> None:
    for store, key in session.info.pop(_PENDING, []):
        store.delete(key)


@event.listens_for(Session, "after_commit")
def _keep_committed_files(session: Session) -> None:
    session.info.pop(_PENDING, None)
