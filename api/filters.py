"""Reading map, export and coverage filters from a query string (dates in the organisation's time zone)."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import HTTPException, Request

from core.config import get_settings
from services.map.coords import gcj02_to_wgs84
from services.map.data import BBox, MapFilters
from services.org.clock import day_start


def _int(value: str | None, name: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except ValueError as exc:
        raise HTTPException(status_code=400, detail=f"{name} must be a whole number") from exc


def _day(value: str | None, name: str, tz: ZoneInfo) -> datetime | None:
    if not value:
        return None
    start = day_start(value, tz)
    if start is None:
        raise HTTPException(status_code=400, detail=f"{name} must be a date (YYYY-MM-DD)")
    return start


def filters_from_request(request: Request) -> MapFilters:
    """area, member, need (ids), from and to (inclusive days), verified=1."""
    q = request.query_params
    tz = ZoneInfo(get_settings().time_zone)
    end = _day(q.get("to"), "to", tz)
    return MapFilters(
        area_id=_int(q.get("area"), "area"), member_id=_int(q.get("member"), "member"),
        need_id=_int(q.get("need"), "need"), date_from=_day(q.get("from"), "from", tz),
        date_to=end + timedelta(days=1) if end else None,
        verified_only=q.get("verified") in ("1", "true", "yes"),
    )


def filters_query(area: int | None = None, member: int | None = None, need: int | None = None,
                  date_from: str | None = None, date_to: str | None = None, verified: bool = False) -> str:
    """The query string filters_from_request reads (for links from pages)."""
    params = {"area": area, "member": member, "need": need, "from": date_from, "to": date_to,
              "verified": "1" if verified else None}
    return urlencode({k: v for k, v in params.items() if v not in (None, "")})


def bbox_from_request(request: Request, tile_crs: str) -> BBox | None:
    """west,south,east,north as drawn on the tiles; converted to WGS-84 for GCJ-02 tiles."""
    raw = request.query_params.get("bbox")
    if not raw:
        return None
    try:
        west, south, east, north = (float(v) for v in raw.split(","))
    except ValueError as exc:
        raise HTTPException(status_code=400, detail="bbox must be west,south,east,north") from exc
    if tile_crs == "gcj02":
        south, west = gcj02_to_wgs84(south, west)
        north, east = gcj02_to_wgs84(north, east)
    west, east = max(-180.0, west), min(180.0, east)
    south, north = max(-90.0, south), min(90.0, north)
    return west, south, east, north
