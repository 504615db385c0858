"""Photo files that no row references: left by a crash between a file landing and its commit.

Swept at start-up and daily (services/schedule/loop.py). A file is only an orphan once it is older than
the longest transaction (``DOORSTEP_LONGEST_TRANSACTION_SECONDS``): a younger one may belong to a
save that has not committed yet. The store is listed before the references are read, so a row
committed in between is seen and its file kept.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, inspect, select
from sqlmodel import Session

from core.config import get_settings
from core.db import session_scope
from models import CommitmentPhoto, Photo, RequestPhoto
from models.common import utcnow
from services.photos.store import PhotoStore, get_photo_store

log = logging.getLogger(__name__)
TEMP_FILE_MINUTES = 10  # a temp file lives for one write and fsync: seconds, not minutes
_PHOTO_TABLES = (Photo, RequestPhoto, CommitmentPhoto)


@dataclass(frozen=True)
class SweepResult:
    temp_files: int
    orphan_files: int


def referenced_keys(conn: Connection) -> set[str]:
    """Every photo and thumbnail key a row points at (visits, residents' requests, commitments)."""
    present = set(inspect(conn).get_table_names())
    keys: set[str] = set()
    for table in _PHOTO_TABLES:
        if table.__tablename__ in present:
            for file_key, thumb_key in conn.execute(select(table.file_key, table.thumb_key)):
                keys.update((file_key, thumb_key))
    return keys


def orphan_files(session: Session, store: PhotoStore, older_than: datetime) -> list[str]:
    """Keys of stored files last changed before ``older_than`` that no row references."""
    candidates = [f.key for f in store.list_files() if f.modified < older_than]
    if not candidates:
        return []
    referenced = referenced_keys(session.connection())
    return sorted(key for key in candidates if key not in referenced)


def sweep_orphans(now: datetime | None = None, store: PhotoStore | None = None) -> SweepResult:
    """Delete stale temp files and unreferenced photo files old enough to be past any transaction."""
    now = now or utcnow()
    store = store or get_photo_store()
    temp = store.remove_stale_temp_files(now - timedelta(minutes=TEMP_FILE_MINUTES))
    cutoff = now - timedelta(seconds=get_settings().longest_transaction_seconds)
    with session_scope(read_only=True) as session:
        orphans = orphan_files(session, store, cutoff)
    for key in orphans:
        store.delete(key)
    if temp or orphans:
        log.warning("removed %d unfinished uploads and %d photo files no record referenced", temp, len(orphans))
    return SweepResult(temp, len(orphans))


def orphan_sweep_job(now: datetime) -> SweepResult:
    """The daily job (services/schedule/loop.py)."""
    return sweep_orphans(now)
