"""The organisation's clock: "now" and "today" in its own time zone (DOORSTEP_TIME_ZONE)."""

from __future__ import annotations

from datetime import date, datetime
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
