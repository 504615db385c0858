"""Which rollup rows a visit or a household adds to: the one definition of every rollup key."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from core.config import get_settings

LEVELS = (8, 11, 14)  # map grid levels kept: cells as wide as 64 px at these zooms
CELL_PX = 64
# kind, unit, period, area, member, cy, cx, verified, status
VisitKey = tuple[str, str, int, int, int, int, int, bool, int]
HouseholdKey = tuple[int, int, int, int, int]  # level, cy, cx, area, last_day
COUNTED, PENDING, REJECTED = 0, 1, 2


def cell_degrees(level: int) -> float:
    """A grid cell's side in degrees (square in degrees, as wide as CELL_PX at zoom ``level``)."""
    return 360.0 / (2 ** level) * CELL_PX / 256


def cell_of(level: int, lat: float, lng: float) -> tuple[int, int]:
    size = cell_degrees(level)
    return math.floor((lat + 90.0) / size), math.floor((lng + 180.0) / size)


def zone() -> ZoneInfo:
    return ZoneInfo(get_settings().time_zone)


def day_of(when: datetime, tz: ZoneInfo) -> int:
    local = when.astimezone(tz)
    return local.year * 10000 + local.month * 100 + local.day


@dataclass(frozen=True)
class VisitFacts:
    """What of a visit the rollups use (its household's area included)."""

    area_id: int
    member_id: int
    visited_at: datetime
    lat: float | None
    lng: float | None
    verified: bool
    status: int


def visit_keys(v: VisitFacts, tz: ZoneInfo) -> list[tuple[VisitKey, float, float]]:
    """(key, lat, lng) for every row the visit adds one to (lat/lng 0 where the row keeps no position)."""
    day = day_of(v.visited_at, tz)
    periods = (("M", day // 100), ("D", day))
    rows: list[tuple[VisitKey, float, float]] = []
    for unit, period in periods:
        rows.append((("area", unit, period, v.area_id, 0, 0, 0, v.verified, v.status), 0.0, 0.0))
        rows.append((("member", unit, period, v.area_id, v.member_id, 0, 0, v.verified, v.status), 0.0, 0.0))
        if v.lat is not None and v.lng is not None:
            for level in LEVELS:
                cy, cx = cell_of(level, v.lat, v.lng)
                rows.append(((f"cell{level}", unit, period, v.area_id, 0, cy, cx, v.verified, v.status), v.lat, v.lng))
    return rows


@dataclass(frozen=True)
class HouseholdFacts:
    area_id: int
    lat: float | None
    lng: float | None
    last_visit_at: datetime | None


def household_keys(h: HouseholdFacts, tz: ZoneInfo) -> list[tuple[HouseholdKey, float, float]]:
    last_day = day_of(h.last_visit_at, tz) if h.last_visit_at is not None else 0
    rows: list[tuple[HouseholdKey, float, float]] = [((0, 0, 0, h.area_id, last_day), 0.0, 0.0)]
    if h.lat is not None and h.lng is not None:
        for level in LEVELS:
            cy, cx = cell_of(level, h.lat, h.lng)
            rows.append(((level, cy, cx, h.area_id, last_day), h.lat, h.lng))
    return rows
