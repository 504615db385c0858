"""Coverage and map figures read from the rollups equal the same figures counted from the visits, under
every filter the rollups hold (whole and ragged periods, area, verified) and for every viewer."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session

from models import ReviewState, Visit
from models.common import utcnow
from services.households import coverage
from services.map.data import MapFilters
from services.rollups.read import uses_rollups
from services.visits.review.review import review_visit
from tests.helpers import account
from tests.helpers.visit_review import COMMUNITY_A, homes_of, store, visit_input


def _filters() -> list[MapFilters]:
    now = utcnow()
    return [
        MapFilters(now=now),
        MapFilters(now=now, date_from=now - timedelta(days=30, hours=5)),  # ragged start, open end
        MapFilters(now=now, date_from=now - timedelta(days=75, minutes=7), date_to=now - timedelta(days=3, hours=2)),
        MapFilters(now=now, date_from=now - timedelta(days=2)),  # inside a few days
        MapFilters(now=now, verified_only=True, date_from=now - timedelta(days=45)),
        MapFilters(now=now, area_id=COMMUNITY_A, interval_days=10),
    ]


def _mixed_visits(demo: Session) -> None:
    """Visits on the demo data with signals, reviews and a photo, spread over months."""
    member = account(demo, "member1")
    coord = account(demo, "coord")
    now = utcnow()
    for i, home in enumerate(homes_of(demo, member)):
        when = now - timedelta(days=7 * i + 1, hours=i)
        store(member, visit_input(home, "far" if i % 2 else "verified", when), now=when + timedelta(hours=1))
    demo.rollback()
    far = demo.exec(Visit.__table__.select().where(Visit.member_id == member.id,
                                                   Visit.verified.is_(False))).all()  # type: ignore[attr-defined]
    for n, row in enumerate(far):
        from core.db import session_scope

        with session_scope() as s:
            review_visit(s, coord, row.id, ReviewState.rejected if n % 2 else ReviewState.approved, "checked")


@pytest.mark.parametrize("who", ["admin", "coord"])
def test_rollup_coverage_equals_the_count_of_the_visits(demo: Session, who: str) -> None:
    _mixed_visits(demo)
    actor = account(demo, who)
    for filters in _filters():
        assert uses_rollups(demo, actor, filters.area_id, filters.need_id, filters.member_id)
        summary = coverage.coverage_summary(demo, actor, filters)
        assert summary == coverage._counted_summary(demo, actor, filters), filters
        assert summary.visits > 0 or filters.date_to is not None
        assert coverage.coverage_by_area(demo, actor, filters) == coverage._counted_by_area(demo, actor, filters)
    assert not uses_rollups(demo, actor, need_id=1)  # a filter the rollups do not hold: counted, "counting ..."
    assert not uses_rollups(demo, account(demo, "member1"))


def test_rollup_member_months_equal_the_count_of_the_visits(demo: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    _mixed_visits(demo)
    actor = account(demo, "coord")
    for filters in _filters():
        rolled = coverage.visits_per_member_month(demo, actor, filters)
        monkeypatch.setattr(coverage, "rollup_areas", lambda *a, **k: "not usable")
        counted = coverage.visits_per_member_month(demo, actor, filters)
        monkeypatch.undo()
        assert rolled == counted, filters
        assert sum(sum(m[2]) for m in rolled.members) > 0


@pytest.mark.parametrize("zoom", [9, 12, 16])
def test_rollup_map_cells_hold_every_household_and_visit_in_the_view(demo: Session, zoom: int,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlmodel import select

    from models import Household
    from services.map import data as map_data

    _mixed_visits(demo)
    coord = account(demo, "coord")
    monkeypatch.setattr(map_data, "RAW_LIMIT", 0)  # cells, whatever the number
    west, south, east, north = map_data.visible_extent(demo, coord)
    bbox = (west - 0.1, south - 0.1, east + 0.1, north + 0.1)  # the "far" visits are 3.3 km out
    for filters in _filters():
        payload = map_data.build_map_payload(demo, coord, bbox, zoom, filters, ["households", "visits"])
        assert payload["meta"]["rollups"] is True
        cells = [f["properties"] for f in payload["features"]]
        assert cells and all(c["cell"] for c in cells)
        homes = [c for c in cells if c["kind"] == "household"]
        now, interval = filters.effective_now(), filters.effective_interval()
        scope = map_data.household_filters(demo, coord, filters)
        expected = {"overdue": 0, "due_soon": 0, "on_time": 0}
        for last in demo.exec(select(Household.last_visit_at).where(*scope, Household.lat.is_not(None))).all():
            expected[map_data.household_status(last, now, interval)] += 1
        assert {k: sum(c[k] for c in homes) for k in expected} == expected, filters
        visits = [c for c in cells if c["kind"] == "visit"]
        where = [map_data.visit_in_scope(demo, coord, filters), *map_data.visit_filters(filters),
                 Visit.lat.is_not(None)]  # type: ignore[union-attr]
        rows = demo.exec(select(Visit.verified).where(*where)).all()
        assert sum(c["count"] for c in visits) == len(rows), filters
        assert sum(c["verified"] for c in visits) == sum(1 for v in rows if v), filters


def test_rollup_filters_they_do_not_hold_are_counted_and_said_so(demo: Session) -> None:
    from services.map import data as map_data

    coord = account(demo, "coord")
    payload = map_data.build_map_payload(demo, coord, None, 12, MapFilters(need_id=1), ["households"])
    assert payload["meta"]["rollups"] is False
