"""When a household is due a visit: on time, due soon or overdue (the map, the lists, coverage)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import case
from sqlalchemy.sql import ColumnElement
from sqlmodel import col

from models import Household

STATUSES = ("on_time", "due_soon", "overdue")
DUE_SOON_SHARE = 0.75  # the last quarter of the interval


def household_status(last_visit_at: datetime | None, now: datetime, interval_days: int) -> str:
    """on_time / due_soon (last quarter of the interval) / overdue (never visited counts as overdue)."""
    if last_visit_at is None:
        return "overdue"
    age = now - last_visit_at
    if age >= timedelta(days=interval_days):
        return "overdue"
    if age >= timedelta(days=interval_days * DUE_SOON_SHARE):
        return "due_soon"
    return "on_time"


def due_soon_after_days(interval_days: int) -> float:
    """Days since the last visit after which a household is due soon (the offline page applies it on the phone)."""
    return interval_days * DUE_SOON_SHARE


def status_thresholds(now: datetime, interval_days: int) -> tuple[datetime, datetime]:
    """(overdue at or before, due soon at or before) for a household's last visit."""
    return now - timedelta(days=interval_days), now - timedelta(days=interval_days * DUE_SOON_SHARE)


def status_code(now: datetime, interval_days: int) -> ColumnElement[int]:
    """household_status in SQL: 2 overdue, 1 due soon, 0 on time."""
    overdue_at, due_at = status_thresholds(now, interval_days)
    last = col(Household.last_visit_at)
    return case((last.is_(None) | (last <= overdue_at), 2), (last <= due_at, 1), else_=0)
