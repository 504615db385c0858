"""ISO weeks (Monday to Sunday) in the organisation's time zone, as UTC instants."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.config import get_settings
from core.i18n import N_
from services.errors import InvalidInput

WEEK_LABEL = re.compile(r"^(\d{4})-W(\d{2})$")


@dataclass(frozen=True)
class Week:
    monday: date
    start: datetime  # UTC instant of Monday 00:00 local
    end: datetime  # exclusive: the next Monday 00:00 local

    @property
    def label(self) -> str:
        year, number, _day = self.monday.isocalendar()
        return f"{year}-W{number:02d}"


def _zone(tz: str | None) -> ZoneInfo:
    return ZoneInfo(tz or get_settings().time_zone)


def week_starting(monday: date, tz: str | None = None) -> Week:
    zone = _zone(tz)
    start = datetime.combine(monday, time(0), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(monday + timedelta(days=7), time(0), tzinfo=zone).astimezone(UTC)
    return Week(monday, start, end)


def week_of(moment: datetime, tz: str | None = None) -> Week:
    """The week an instant falls in, as the organisation counts days."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(_zone(tz)).date()
    return week_starting(local - timedelta(days=local.weekday()), tz)


def week_before(moment: datetime, tz: str | None = None) -> Week:
    """The whole week before the one ``moment`` falls in ("last week")."""
    return week_starting(week_of(moment, tz).monday - timedelta(days=7), tz)


def parse_week(label: str, tz: str | None = None) -> Week:
    match = WEEK_LABEL.match(label or "")
    try:
        monday = date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1) if match else None
    except ValueError:
        monday = None
    if monday is None:
        raise InvalidInput(N_("Give the week as YYYY-Www, e.g. 2026-W48."))
    return week_starting(monday, tz)
