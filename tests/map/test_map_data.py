"""Map data: only what the viewer may see, coloured by the thresholds, cells at low zoom, GCJ-02, rounding."""

from __future__ import annotations

from datetime import timedelta

import pytest
from nicegui.testing import User as TestUser
from sqlmodel import Session, select

from models import Household, Visit
from models.common import utcnow
from services.map import data as map_data
from services.map.coords import distance_m, wgs84_to_gcj02
from services.map.data import MapFilters, build_map_payload, household_status
from tests.helpers import account, eventually, sign_in
from tests.helpers.communities import COMMUNITY_A, COMMUNITY_B, coordinator_of

CITY = (103.9, 30.5, 104.3, 30.8)


def household_ids(session: Session, area_id: int) -> set[int]:
    return set(session.exec(select(Household.id).where(Household.area_id == area_id)).all())


def points(payload: dict, kind: str) -> list[dict]:
    return [f for f in payload["features"] if f["properties"]["kind"] == kind and not f["properties"].get("cell")]


def test_status_thresholds_follow_the_interval() -> None:
    now = utcnow()
    assert household_status(None, now, 30) == "overdue"
    assert household_status(now - timedelta(days=22, hours=11), now, 30) == "on_time"
    assert household_status(now - timedelta(days=22, hours=13), now, 30) == "due_soon"
    assert household_status(now - timedelta(days=29, hours=23), now, 30) == "due_soon"
    assert household_status(now - timedelta(days=30), now, 30) == "overdue"
    assert household_status(now - timedelta(days=10), now, 12) == "due_soon"  # interval is a setting


def test_colours_in_points_and_cells_follow_the_thresholds(demo: Session) -> None:
    now = utcnow()
    ages = [None, timedelta(days=1), timedelta(days=22, hours=11), timedelta(days=22, hours=13),
            timedelta(days=29, hours=23), timedelta(days=30, minutes=1), timedelta(days=200)]
    households = demo.exec(select(Household).order_by(Household.id)).all()
    expected = {}
    for household, age in zip(households, ages * 10, strict=False):
        household.last_visit_at = now - age if age else None
        demo.add(household)
        expected[household.id] = household_status(household.last_visit_at, now, 30)
    demo.commit()
    admin = account(demo, "admin")
    filters = MapFilters(now=now, interval_days=30)
    got = {f["properties"]["id"]: f["properties"]["status"]
           for f in points(build_map_payload(demo, admin, CITY, 16, filters, ["households"]), "household")}
    assert got == expected
    assert set(got.values()) == {"on_time", "due_soon", "overdue"}
    # Cells carry the same counts and the worst status of their households.
    map_data_limit = map_data.RAW_LIMIT
    try:
        map_data.RAW_LIMIT = 5
        cells = build_map_payload(demo, admin, CITY, 10, filters, ["households"])["features"]
    finally:
        map_data.RAW_LIMIT = map_data_limit
    assert all(f["properties"]["cell"] for f in cells)
    assert sum(f["properties"]["count"] for f in cells) == 40
    for status in ("on_time", "due_soon", "overdue"):
        assert sum(f["properties"][status] for f in cells) == list(expected.values()).count(status)
    for f in cells:
        p = f["properties"]
        assert p["status"] == ("overdue" if p["overdue"] else "due_soon" if p["due_soon"] else "on_time")


def test_coordinator_of_community_a_sees_nothing_of_b(demo: Session) -> None:
    coord_a = coordinator_of(demo, COMMUNITY_A)
    a_ids, b_ids = household_ids(demo, COMMUNITY_A), household_ids(demo, COMMUNITY_B)
    payload = build_map_payload(demo, coord_a, CITY, 16, MapFilters())
    seen = {f["properties"]["id"] for f in points(payload, "household")}
    assert seen == a_ids
    visit_households = {f["properties"]["household_id"] for f in points(payload, "visit")}
    assert visit_households and visit_households <= a_ids
    # Asking for community B explicitly gives nothing, in points and in cells.
    assert build_map_payload(demo, coord_a, CITY, 16, MapFilters(area_id=COMMUNITY_B))["features"] == []
    limit = map_data.RAW_LIMIT
    try:
        map_data.RAW_LIMIT = 1
        cells = build_map_payload(demo, coord_a, CITY, 8, MapFilters())
    finally:
        map_data.RAW_LIMIT = limit
    household_cells = [f for f in cells["features"] if f["properties"]["kind"] == "household"]
    assert sum(f["properties"]["count"] for f in household_cells) == len(a_ids)
    a_visits = demo.exec(select(Visit).join(Household).where(Household.area_id == COMMUNITY_A)).all()
    visit_cells = [f for f in cells["features"] if f["properties"]["kind"] == "visit"]
    assert sum(f["properties"]["count"] for f in visit_cells) == len(a_visits)
    assert not b_ids & seen


def test_bbox_and_filters(demo: Session) -> None:
    admin = account(demo, "admin")
    for visit in demo.exec(select(Visit).order_by(Visit.id).limit(10)).all():
        visit.verified = False
        demo.add(visit)
    demo.commit()
    everything = build_map_payload(demo, admin, CITY, 16, MapFilters())
    all_visits = points(everything, "visit")
    verified = points(build_map_payload(demo, admin, CITY, 16, MapFilters(verified_only=True)), "visit")
    assert 0 < len(verified) < len(all_visits) and all(f["properties"]["verified"] for f in verified)
    member = account(demo, "member1")
    mine = build_map_payload(demo, admin, CITY, 16, MapFilters(member_id=member.id))
    assert {f["properties"]["member"] for f in points(mine, "visit")} == {member.name}
    since = utcnow() - timedelta(days=30)
    recent = points(build_map_payload(demo, admin, CITY, 16, MapFilters(date_from=since)), "visit")
    assert 0 < len(recent) < len(all_visits)
    need = build_map_payload(demo, admin, CITY, 16, MapFilters(need_id=1), ["households"])
    assert 0 < len(points(need, "household")) < 40
    # A bounding box around one household holds that household only.
    h = demo.exec(select(Household).order_by(Household.id)).first()
    tiny = (h.lng - 0.00001, h.lat - 0.00001, h.lng + 0.00001, h.lat + 0.00001)
    inside = points(build_map_payload(demo, admin, tiny, 18, MapFilters(), ["households"]), "household")
    assert [f["properties"]["id"] for f in inside] == [h.id]


def test_gcj02_tiles_get_converted_positions(demo: Session) -> None:
    admin = account(demo, "admin")
    h = demo.exec(select(Household).order_by(Household.id)).first()
    payload = build_map_payload(demo, admin, CITY, 16, MapFilters(), ["households"], tile_crs="gcj02")
    lng, lat = next(f for f in points(payload, "household") if f["properties"]["id"] == h.id)["geometry"]["coordinates"]
    glat, glng = wgs84_to_gcj02(h.lat, h.lng)
    assert distance_m(lat, lng, glat, glng) < 0.2
    assert distance_m(lat, lng, h.lat, h.lng) > 100


def test_viewers_who_may_not_open_records_get_rounded_positions(demo: Session,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    admin = account(demo, "admin")
    monkeypatch.setattr(map_data, "may_open_records", lambda actor: False)
    payload = build_map_payload(demo, admin, CITY, 16, MapFilters(), ["households", "visits"])
    assert payload["features"]
    for f in payload["features"]:
        lng, lat = f["geometry"]["coordinates"]
        assert round(lng, 3) == lng and round(lat, 3) == lat
        assert not {"id", "household_id", "name", "member", "href"} & set(f["properties"])


def test_volunteers_and_members_see_only_their_share(demo: Session) -> None:
    assert build_map_payload(demo, account(demo, "volunteer1"), None, 18, MapFilters())["features"] == []
    member = account(demo, "member1")
    seen = {f["properties"]["id"] for f in points(build_map_payload(demo, member, None, 18, MapFilters()), "household")}
    from models import Pairing

    paired = set(demo.exec(select(Pairing.household_id).where(Pairing.member_id == member.id)).all())
    assert seen == paired


def test_layers_plug_in_through_the_registry(demo: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    def stub(session, actor, bbox, zoom, filters):
        calls.append((actor.username, bbox, zoom))
        return [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [104.08, 30.65]},
                 "properties": {"kind": "requests", "title": "x"}}]

    monkeypatch.setitem(map_data.LAYERS, "requests", stub)
    payload = build_map_payload(demo, account(demo, "coord"), CITY, 12, MapFilters(), ["requests", "unknown"])
    assert calls == [("coord", CITY, 12)]
    assert payload["meta"]["layers"] == {"requests": {"mode": "points", "features": 1, "count": 1}}


async def test_endpoint_limits_to_the_signed_in_coordinators_area(user: TestUser, demo: Session) -> None:
    coordinator_of(demo, COMMUNITY_A)
    a_ids = household_ids(demo, COMMUNITY_A)
    await sign_in(user, "coord_a")
    bbox = ",".join(str(v) for v in CITY)
    for query in (f"bbox={bbox}&zoom=16", f"bbox={bbox}&zoom=16&area={COMMUNITY_B}", ""):
        response = await user.http_client.get(f"/api/v1/map-data?{query}")
        assert response.status_code == 200
        assert response.headers["cache-control"] == "private, no-store"
        features = response.json()["features"]
        assert {f["properties"]["id"] for f in features if f["properties"]["kind"] == "household"} <= a_ids
        assert {f["properties"]["household_id"] for f in features if f["properties"]["kind"] == "visit"} <= a_ids
    everything = (await user.http_client.get(f"/api/v1/map-data?bbox={bbox}&zoom=16&layers=households")).json()
    assert {f["properties"]["id"] for f in everything["features"]} == a_ids
    assert (await user.http_client.get("/api/v1/map-data?bbox=1,2&zoom=3")).status_code == 400
    await user.http_client.get("/logout")
    assert (await user.http_client.get("/api/v1/map-data")).status_code == 401


async def test_endpoint_converts_the_view_for_gcj02_tiles(user: TestUser, demo: Session,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from core.config import get_settings

    monkeypatch.setenv("DOORSTEP_TILE_PROVIDER", "amap")
    get_settings.cache_clear()
    h = demo.exec(select(Household).order_by(Household.id)).first()
    glat, glng = wgs84_to_gcj02(h.lat, h.lng)
    await sign_in(user, "admin")
    box = f"{glng - 0.0001},{glat - 0.0001},{glng + 0.0001},{glat + 0.0001}"
    data = (await user.http_client.get(f"/api/v1/map-data?bbox={box}&zoom=18&layers=households")).json()
    assert data["meta"]["crs"] == "gcj02"
    assert [f["properties"]["id"] for f in data["features"]] == [h.id]
    lng, lat = data["features"][0]["geometry"]["coordinates"]
    assert distance_m(lat, lng, glat, glng) < 0.2


async def test_map_page_filters_feed_the_map_and_the_export_links(user: TestUser, demo: Session) -> None:
    # The map is drawn by the browser (DoorstepMap, fire-and-forget JavaScript): the browser test covers it.
    await sign_in(user, "coord")
    await user.open("/map")
    await user.should_see(marker="map")
    await user.should_see(marker="layer-households")
    await user.should_see(marker="layer-visits")
    await user.should_see("Overdue")
    user.find(marker="filter-verified").click()

    def link() -> str:
        return user.find(marker="export-visits.xlsx").elements.pop().props["href"]

    await eventually(lambda: "verified=1" in link())  # the links are redrawn once the account was read
    assert "from=" in link()
