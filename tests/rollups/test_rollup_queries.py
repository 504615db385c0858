"""Coverage and map figures read from the rollups equal the same figures counted from the visits, under
every filter the rollups hold (whole and ragged periods, area, verified) and for every viewer."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session

from models import ReviewState, Visit
from models.common import utcnow
from services import coverage
from services.map_data import MapFilters
from services.rollups.read import uses_rollups
from services.visit_review.review import review_visit
from tests.helpers import account
from tests.visit_review.builders import COMMUNITY_A, homes_of, store, visit_input


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
