"""WGS-84 <-> GCJ-02 against published reference points.

Reference points: the test table of the widely used public "eviltransform" implementations
(github.com/googollee/eviltransform, go/transform_test.go; the same three pairs appear in its C,
JavaScript and Python tests): WGS-84 point and its GCJ-02 counterpart in Shanghai, Shenzhen
and Beijing.
"""

from __future__ import annotations

import pytest

from services.map.coords import distance_m, gcj02_to_wgs84, out_of_china, wgs84_to_gcj02

REFERENCE = [  # (wgs lat, wgs lng, gcj lat, gcj lng)
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),  # Shanghai
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),  # Shenzhen
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),  # Beijing
]


@pytest.mark.parametrize(("wlat", "wlng", "glat", "glng"), REFERENCE)
def test_wgs84_to_gcj02_matches_reference_within_1_m(wlat: float, wlng: float, glat: float, glng: float) -> None:
    lat, lng = wgs84_to_gcj02(wlat, wlng)
    assert distance_m(lat, lng, glat, glng) < 1.0
    assert distance_m(wlat, wlng, glat, glng) > 100  # the offset is real: hundreds of metres


@pytest.mark.parametrize(("wlat", "wlng", "glat", "glng"), REFERENCE)
def test_gcj02_to_wgs84_matches_reference_within_1_m(wlat: float, wlng: float, glat: float, glng: float) -> None:
    lat, lng = gcj02_to_wgs84(glat, glng)
    assert distance_m(lat, lng, wlat, wlng) < 1.0


def test_round_trip_in_chengdu_is_exact_to_a_centimetre() -> None:
    lat, lng = 30.6586, 104.0648
    back = gcj02_to_wgs84(*wgs84_to_gcj02(lat, lng))
    assert distance_m(lat, lng, *back) < 0.01


def test_outside_china_nothing_changes() -> None:
    assert out_of_china(51.5, -0.12)
    assert wgs84_to_gcj02(51.5, -0.12) == (51.5, -0.12)
    assert gcj02_to_wgs84(51.5, -0.12) == (51.5, -0.12)
