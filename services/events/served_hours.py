"""Hours served at an event, from one attendance record (used by sign-ups, attendance and the annual record)."""

from __future__ import annotations

from datetime import datetime

from models import Attendance, Event


def attendance_hours(record: Attendance | None, event: Event, now: datetime | None = None) -> float:
    """Hours served: a coordinator's correction wins; else check-in (not before the start) to check-out,
    or to the event's end when nobody checked out."""
    if record is None:
        return 0.0
    if record.hours_corrected is not None:
        return round(record.hours_corrected, 2)
    if record.no_show or record.checked_in_at is None:
        return 0.0
    start = max(record.checked_in_at, event.starts_at)
    end = record.checked_out_at or event.ends_at
    if record.checked_out_at is None and now is not None and now < event.ends_at:
        end = now  # still there: hours so far
    return round(max(0.0, (end - start).total_seconds() / 3600), 2)
