"""The organisation's clock: "now" and "today" in its own time zone (DOORSTEP_TIME_ZONE)."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from core.config import get_settings
from models.common import utcnow


def org_zone() -> ZoneInfo:
    return ZoneInfo(get_settings().time_zone)


def org_now() -> datetime:
    """The current instant as a wall-clock time in the organisation's time zone."""
    return utcnow().astimezone(org_zone())


def org_today() -> date:
    """Today as the organisation counts days (not the server's UTC date)."""
    return org_now().date()


def parse_day(text: str | None) -> date | None:
    """The date a form field or a URL gives as YYYY-MM-DD; None when it gives none (or not a date)."""
    try:
        return date.fromisoformat(text or "")
    except ValueError:
        return None


def day_start(text: str | None, zone: ZoneInfo | None = None) -> datetime | None:
    """00:00 of the day ``text`` names, in ``zone`` (the organisation's by default); None if no date."""
    day = parse_day(text)
    return datetime.combine(day, time(0), tzinfo=zone or org_zone()) if day else None
