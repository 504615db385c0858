"""Deleting photo files only once the database rows that point at them are gone for good.

Rows are deleted inside the caller's transaction; the files go after the commit, so a rollback
never leaves a row pointing at a missing file, and a committed deletion leaves no file behind.
A failed file delete is retried once and then logged: the file is unreachable from then on
(no row names it), `services.photos.guard.orphans.orphan_files` finds it, and the sweep at start-up
and daily (`sweep_orphans`) deletes it.
"""

from __future__ import annotations

import logging

from sqlalchemy import event
from sqlmodel import Session

from services.photos.store import PhotoStore, get_photo_store

log = logging.getLogger(__name__)
_KEY = "doorstep_delete_after_commit"


def delete_after_commit(session: Session, keys: list[str], store: PhotoStore | None = None) -> None:
    store = store or get_photo_store()
    session.info.setdefault(_KEY, []).extend((store, key) for key in keys)


@event.listens_for(Session, "after_commit")
def _delete_files(session: Session) -> None:
    for store, key in session.info.pop(_KEY, []):
        for attempt in range(2):
            try:
                store.delete(key)
                break
            except OSError:
                if attempt:
                    log.warning("could not delete photo file %s", key)


@event.listens_for(Session, "after_soft_rollback")
def _keep_files(session: Session, _previous: object) -> None:
    session.info.pop(_KEY, None)
