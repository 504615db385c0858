"""Placing households on the map from their address: a swappable geocoder and the batch that uses it."""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from geopy.exc import GeopyError
from geopy.extra.rate_limiter import RateLimiter
from sqlmodel import Session, col, select

from core.config import Settings, get_settings
from core.i18n import N_
from models import GeocodeStatus, Household, User
from models.common import utcnow
from services import audit
from services.errors import Forbidden
from services.map.coords import bd09_to_wgs84
from services.policy import household_scope, may_manage_households

log = logging.getLogger(__name__)


class GeocodingUnavailable(Exception):
    """The geocoding service could not be reached or refused to answer; try again later."""


class Geocoder(Protocol):
    def lookup(self, address: str) -> tuple[float, float] | None:
        """(lat, lng) in WGS-84, None when nothing matches; raises GeocodingUnavailable."""
        ...


class NullGeocoder:
    """geocoder = "none": every lookup is unavailable, so households wait for a manual pin or a later run."""

    def lookup(self, address: str) -> tuple[float, float] | None:
        raise GeocodingUnavailable("geocoding is switched off (DOORSTEP_GEOCODER=none)")


class GeopyGeocoder:
    """Any geopy geocoder, rate-limited, with an in-process cache of answers.

    Defaults to OpenStreetMap's Nominatim (its usage policy: at most one request a second and a
    real user agent, from settings.geocoder_user_agent). In mainland China Nominatim knows few
    street addresses: set DOORSTEP_GEOCODER=baidu and DOORSTEP_BAIDU_API_KEY to use Baidu's
    geocoding API v3 (geopy's BaiduV3); its BD-09 coordinates are converted to WGS-84 here.
    """

    def __init__(self, geocode: Callable[..., Any], min_delay_seconds: float = 1.0,
                 convert: Callable[[float, float], tuple[float, float]] | None = None,
                 timeout: float = 10.0, cache_size: int = 2048) -> None:
        # No retries and no swallowed errors: a failure must reach the caller as "unavailable",
        # not turn into "address not found" (RateLimiter's default swallows them into None).
        self._geocode = RateLimiter(geocode, min_delay_seconds=min_delay_seconds, max_retries=0,
                                    swallow_exceptions=False)
        self._convert = convert
        self._timeout = timeout
        self._cache: OrderedDict[str, tuple[float, float] | None] = OrderedDict()
        self._cache_size = cache_size

    def lookup(self, address: str) -> tuple[float, float] | None:
        key = " ".join(address.split())
        if not key:
            return None
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        try:
            location = self._geocode(key, timeout=self._timeout)
        except (GeopyError, OSError) as exc:  # service errors, timeouts, no network
            raise GeocodingUnavailable(str(exc)) from exc
        point = None
        if location is not None:
            point = (float(location.latitude), float(location.longitude))
            if self._convert is not None:
                point = self._convert(*point)
        self._cache[key] = point
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return point


def geocoder_from_settings(settings: Settings) -> Geocoder:
    if settings.geocoder == "baidu" and settings.baidu_api_key:
        from geopy.geocoders import BaiduV3

        baidu = BaiduV3(api_key=settings.baidu_api_key, user_agent=settings.geocoder_user_agent)
        # Baidu's free quota allows a few requests a second; stay well below it.
        return GeopyGeocoder(baidu.geocode, min_delay_seconds=0.5, convert=bd09_to_wgs84)
    if settings.geocoder == "nominatim":
        from geopy.geocoders import Nominatim

        return GeopyGeocoder(Nominatim(user_agent=settings.geocoder_user_agent).geocode)
    return NullGeocoder()


_geocoder: Geocoder | None = None


def get_geocoder() -> Geocoder:
    """The process-wide geocoder (built from settings on first use, keeping its cache)."""
    global _geocoder
    if _geocoder is None:
        _geocoder = geocoder_from_settings(get_settings())
    return _geocoder


def set_geocoder(geocoder: Geocoder | None) -> None:
    """Replace the geocoder (tests inject a fake); None rebuilds it from settings on next use."""
    global _geocoder
    _geocoder = geocoder


@dataclass
class GeocodeReport:
    placed: int = 0
    unresolved: int = 0
    remaining: int = 0  # still pending after this run (over the limit, or service unavailable)
    unavailable: bool = False


def _require_manager(actor: User) -> None:
    if not may_manage_households(actor):
        raise Forbidden(N_("You cannot manage households."))


def geocode_pending(session: Session, actor: User, geocoder: Geocoder, limit: int = 50) -> GeocodeReport:
    """Look up the addresses of pending households the actor manages; stop quietly when the service is down.

    Commits the caller's session before the lookups: with SQLite every transaction holds the
    write lock from its start (BEGIN IMMEDIATE), and lookups take about a second each.
    """
    _require_manager(actor)
    pending = select(Household.id, Household.address).where(
        household_scope(session, actor), Household.geocode_status == GeocodeStatus.pending)
    todo = list(session.exec(pending.order_by(Household.id)).all())
    session.commit()
    report = GeocodeReport()
    results: dict[int, tuple[str, tuple[float, float] | None]] = {}
    for household_id, address in todo[:limit]:
        try:
            results[household_id] = (address, geocoder.lookup(address))
        except GeocodingUnavailable as exc:
            log.warning("Geocoding unavailable, %d households stay pending: %s", len(todo) - len(results), exc)
            report.unavailable = True
            break
    for household_id, (address, point) in results.items():
        household = session.get(Household, household_id)
        # Skip households edited meanwhile (pinned by hand, or the address changed).
        if household is None or household.geocode_status != GeocodeStatus.pending or household.address != address:
            continue
        if point is None:
            household.geocode_status = GeocodeStatus.unresolved
            report.unresolved += 1
        else:
            household.lat, household.lng = point
            household.geocode_status = GeocodeStatus.geocoded
            report.placed += 1
        household.updated_at = utcnow()
        session.add(household)
    report.remaining = len(todo) - report.placed - report.unresolved
    if results:
        audit.record(session, actor, "household.geocode", "household", str(report.placed + report.unresolved),
                     outcome="unavailable" if report.unavailable else "ok")
    return report


def unresolved_households(session: Session, actor: User) -> list[Household]:
    """Households whose address could not be found: they need a pin dropped by hand."""
    _require_manager(actor)
    return list(session.exec(
        select(Household).where(household_scope(session, actor),
                                col(Household.geocode_status) == GeocodeStatus.unresolved)
        .order_by(Household.head_name)
    ).all())
