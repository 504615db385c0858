"""Geocoding pending households with a fake geocoder: never the network."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from geopy.exc import GeocoderTimedOut, GeocoderUnavailable
from geopy.location import Location
from sqlmodel import Session

from core.config import Settings
from models import GeocodeStatus, Household
from services.errors import Forbidden
from services.map.coords import bd09_to_wgs84
from services.map.geocoding import (
    GeocodingUnavailable,
    GeopyGeocoder,
    NullGeocoder,
    geocode_pending,
    geocoder_from_settings,
    set_geocoder,
    unresolved_households,
)
from tests.helpers import account


class FakeGeocoder:
    """Knows a few addresses; can be told to fail after some lookups."""

    def __init__(self, known: dict[str, tuple[float, float]], fail_after: int | None = None) -> None:
        self.known, self.fail_after, self.calls = known, fail_after, 0

    def lookup(self, address: str) -> tuple[float, float] | None:
        if self.fail_after is not None and self.calls >= self.fail_after:
            raise GeocodingUnavailable("network down")
        self.calls += 1
        return self.known.get(address)


@pytest.fixture(autouse=True)
def no_process_geocoder() -> Iterator[None]:
    yield
    set_geocoder(None)


def add_pending(session: Session, *addresses: str, area_id: int = 2) -> list[Household]:
    households = [Household(area_id=area_id, head_name=f"H{i}", address=a) for i, a in enumerate(addresses)]
    session.add_all(households)
    session.commit()
    return households


def test_found_addresses_get_coordinates_and_the_rest_need_a_pin(demo: Session) -> None:
    found, lost = add_pending(demo, "1 Found Road", "2 Nowhere Lane")
    coord = account(demo, "coord")
    report = geocode_pending(demo, coord, FakeGeocoder({"1 Found Road": (30.65, 104.09)}))
    demo.commit()
    assert (report.placed, report.unresolved, report.remaining, report.unavailable) == (1, 1, 0, False)
    demo.refresh(found)
    demo.refresh(lost)
    assert (found.lat, found.lng, found.geocode_status) == (30.65, 104.09, GeocodeStatus.geocoded)
    assert (lost.lat, lost.geocode_status) == (None, GeocodeStatus.unresolved)
    assert [h.id for h in unresolved_households(demo, coord)] == [lost.id]


def test_unavailable_service_leaves_households_pending(demo: Session) -> None:
    households = add_pending(demo, "1 A Road", "2 B Road", "3 C Road")
    coord = account(demo, "coord")
    geocoder = FakeGeocoder({"1 A Road": (30.6, 104.0)}, fail_after=1)
    report = geocode_pending(demo, coord, geocoder)
    demo.commit()
    assert (report.placed, report.unresolved, report.remaining, report.unavailable) == (1, 0, 2, True)
    for household in households:
        demo.refresh(household)
    assert [h.geocode_status for h in households] == ["geocoded", "pending", "pending"]


def test_only_households_the_coordinator_manages_are_looked_up(demo: Session) -> None:
    mine, other = add_pending(demo, "1 Mine Road", area_id=2)[0], add_pending(demo, "2 Other Road", area_id=3)[0]
    coord = account(demo, "coord")
    coord.area_id = 2
    demo.add(coord)
    demo.commit()
    geocoder = FakeGeocoder({})
    geocode_pending(demo, coord, geocoder)
    demo.commit()
    demo.refresh(mine)
    demo.refresh(other)
    assert (mine.geocode_status, other.geocode_status) == ("unresolved", "pending")
    with pytest.raises(Forbidden):
        geocode_pending(demo, account(demo, "member1"), geocoder)


def test_limit_leaves_the_rest_for_the_next_run(demo: Session) -> None:
    add_pending(demo, "a", "b", "c")
    report = geocode_pending(demo, account(demo, "coord"), FakeGeocoder({}), limit=2)
    assert (report.unresolved, report.remaining) == (2, 1)


def fake_location(lat: float, lng: float) -> Location:
    return Location("somewhere", (lat, lng, 0), {})


def test_geopy_geocoder_caches_and_maps_service_errors() -> None:
    calls: list[str] = []

    def geocode(query: str, timeout: float) -> Location | None:
        calls.append(query)
        return fake_location(30.5, 104.1) if "Road" in query else None

    geocoder = GeopyGeocoder(geocode, min_delay_seconds=0)
    assert geocoder.lookup("1  Road") == (30.5, 104.1)
    assert geocoder.lookup("1 Road") == (30.5, 104.1)
    assert geocoder.lookup("nowhere") is None
    assert calls == ["1 Road", "nowhere"]

    for error in (GeocoderUnavailable("down"), GeocoderTimedOut("slow"), OSError("no network")):
        def failing(query: str, timeout: float, error: Exception = error) -> Location | None:
            raise error

        with pytest.raises(GeocodingUnavailable):
            GeopyGeocoder(failing, min_delay_seconds=0).lookup("1 Road")


def test_baidu_results_are_converted_to_wgs84() -> None:
    geocoder = GeopyGeocoder(lambda query, timeout: fake_location(39.915119, 116.403963), min_delay_seconds=0,
                             convert=bd09_to_wgs84)
    lat, lng = geocoder.lookup("天安门")  # type: ignore[misc]
    assert abs(lat - 39.9074) < 0.001 and abs(lng - 116.3913) < 0.001


def test_settings_choose_the_geocoder() -> None:
    assert isinstance(geocoder_from_settings(Settings(geocoder="none")), NullGeocoder)
    assert isinstance(geocoder_from_settings(Settings(geocoder="nominatim")), GeopyGeocoder)
    baidu = geocoder_from_settings(Settings(geocoder="baidu", baidu_api_key="k"))
    assert isinstance(baidu, GeopyGeocoder) and baidu._convert is not None
    with pytest.raises(GeocodingUnavailable):
        NullGeocoder().lookup("1 Road")
