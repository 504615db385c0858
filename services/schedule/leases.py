"""Scheduled jobs that run once per interval even with several app instances on one database.

A job's lease row (JobLease) says until when it is taken. An instance runs the job only if it
moves the lease forward with one conditional UPDATE (or creates it with an INSERT that the primary
key lets only one instance win); whoever loses skips the run. The lease lasts one interval, so
the job runs at most once per interval whichever instance wakes first.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from core.db import session_scope
from models import JobLease
from models.common import utcnow
from services.privacy.retention import run_retention

log = logging.getLogger(__name__)
HOLDER = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
T = TypeVar("T")


def acquire_lease(session: Session, name: str, duration: timedelta, now: datetime, holder: str = HOLDER) -> bool:
    """Take the lease if it is free (missing or expired) and commit; False if another holds it."""
    result = session.exec(  # type: ignore[call-overload]
        update(JobLease).where(JobLease.name == name, col(JobLease.expires_at) <= now)
        .values(holder=holder, expires_at=now + duration)
    )
    if result.rowcount == 1:
        session.commit()
        return True
    if session.get(JobLease, name) is not None:
        session.rollback()
        return False
    session.add(JobLease(name=name, holder=holder, expires_at=now + duration))
    try:
        session.commit()
    except IntegrityError:  # another instance created it first
        session.rollback()
        return False
    return True


def release_early(session: Session, name: str, retry_at: datetime, holder: str = HOLDER) -> None:
    """Shorten our lease (after a failed run) so the job is tried again sooner."""
    session.exec(update(JobLease).where(JobLease.name == name, JobLease.holder == holder)  # type: ignore[call-overload]
                 .values(expires_at=retry_at))
    session.commit()


def run_once_per_interval(name: str, interval: timedelta, fn: Callable[[datetime], T], now: datetime | None = None,
                          holder: str = HOLDER, retry_after: timedelta = timedelta(hours=1)) -> tuple[bool, T | None]:
    """Run ``fn(now)`` if no instance ran ``name`` within ``interval``; returns (ran, result).

    If fn raises, the lease is shortened to ``retry_after`` and the error propagates.
    """
    now = now or utcnow()
    with session_scope() as session:
        if not acquire_lease(session, name, interval, now, holder):
            return False, None
    try:
        return True, fn(now)
    except Exception:
        with session_scope() as session:
            release_early(session, name, now + min(retry_after, interval), holder)
        raise


def retention_job(now: datetime) -> dict[str, int]:
    with session_scope() as session:
        return run_retention(session, now)
