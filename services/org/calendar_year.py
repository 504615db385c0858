"""Years as the organisation counts them: 1 January to 31 December in its own time zone."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from core.config import get_settings
from models.common import utcnow


def _zone(tz: str | None) -> ZoneInfo:
    return ZoneInfo(tz or get_settings().time_zone)


def year_of(moment: datetime, tz: str | None = None) -> int:
    """The org-time-zone year an instant falls in (a stored UTC datetime)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(_zone(tz)).year


def current_year(tz: str | None = None, now: datetime | None = None) -> int:
    return year_of(now or utcnow(), tz)


def year_bounds(year: int, tz: str | None = None) -> tuple[datetime, datetime]:
    """[local midnight on 1 January, local midnight on the next 1 January), as UTC instants."""
    zone = _zone(tz)
    start = datetime(year, 1, 1, tzinfo=zone).astimezone(UTC)
    end = datetime(year + 1, 1, 1, tzinfo=zone).astimezone(UTC)
    return start, end


def share_of_year_elapsed(year: int, tz: str | None = None, now: datetime | None = None) -> float:
    """0.0 before the year starts, 1.0 once it has ended."""
    start, end = year_bounds(year, tz)
    now = now or utcnow()
    if now <= start:
        return 0.0
    if now >= end:
        return 1.0
    return (now - start) / (end - start)
