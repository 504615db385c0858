"""Distances and whether a visit's location shows the member was at the household."""

from __future__ import annotations

from dataclasses import dataclass

from geopy.distance import geodesic

from models import LocationSource


@dataclass(frozen=True)
class Verification:
    distance_m: float | None
    verified: bool


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    return float(geodesic(a, b).meters)


def verify_location(
    visit_point: tuple[float, float] | None,
    household_point: tuple[float, float] | None,
    source: LocationSource,
    accuracy_m: float | None,
    radius_m: float,
) -> Verification:
    """Only a GPS fix can verify a visit: a pin or the registered address is the member's word.

    The radius is widened by the fix's accuracy, but at most doubled, so a fix that is 3 km off
    cannot verify a visit anywhere in the neighbourhood.
    """
    if visit_point is None or household_point is None:
        return Verification(None, False)
    dist = distance_m(visit_point, household_point)
    if source != LocationSource.gps:
        return Verification(dist, False)
    allowance = radius_m + min(max(accuracy_m or 0.0, 0.0), radius_m)
    return Verification(dist, dist <= allowance)
