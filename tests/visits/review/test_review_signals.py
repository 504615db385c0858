"""Honesty signals found when a visit is stored, and visits refused outright (future, before registration)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlmodel import Session

from core.db import session_scope
from models import Household, Visit
from models.common import utcnow
from services.accounts.api_tokens import issue_token
from services.errors import InvalidInput
from services.visits.records import add_photo, prepare_photo
from services.visits.review.signals import codes
from tests.helpers import account
from tests.helpers.photos import photo_bytes
from tests.helpers.visit_review import KM_NORTH, fresh, homes_of, late_visit, store, visit_input


def test_review_a_verified_visit_in_time_has_no_signal_and_counts(demo: Session) -> None:
    member = account(demo, "member1")
    home = homes_of(demo, member)[0]
    visit = store(member, visit_input(home))
    assert visit.signals == [] and visit.counts and visit.review_state == "received"


@pytest.mark.parametrize(("kind", "signal"), [
    ("far", {"code": "unverified", "reason": "too_far"}),
    ("pin", {"code": "unverified", "reason": "no_fix"}),
    ("inaccurate", {"code": "unverified", "reason": "inaccurate"}),
    ("address", {"code": "unverified", "reason": "address"}),
    ("none", {"code": "no_location"}),
])
def test_review_location_signal_says_why(demo: Session, kind: str, signal: dict) -> None:
    member = account(demo, "member1")
    home = homes_of(demo, member)[0]
    visit = store(member, visit_input(home, kind))
    assert [{k: s[k] for k in signal} for s in visit.signals] == [signal]
    assert not visit.counts
    if kind == "far":
        assert 3200 < visit.signals[0]["m"] < 3400
    if kind == "address":
        assert visit.distance_m is None  # not measured, never "0 m"


def test_review_late_entry_counts_from_the_offline_queue_time(demo: Session) -> None:
    member = account(demo, "member1")
    home = homes_of(demo, member)[0]
    late = late_visit(member, home, days=12)
    assert late.signals == [{"code": "late", "hours": 288}]
    now = utcnow()
    when = now - timedelta(days=12)
    queued = store(member, visit_input(home, when=when + timedelta(hours=1), queued_at=when + timedelta(hours=2)),
                   now=now)  # logged offline on the day, synced 12 days later
    assert queued.signals == [] and queued.counts
    assert queued.queued_at is not None and queued.created_at - queued.queued_at > timedelta(days=11)
    # A queue time after the arrival is the phone's clock: kept at the arrival, so still late.
    bogus = store(member, visit_input(home, when=when + timedelta(hours=3), queued_at=now + timedelta(days=3)),
                  now=now)
    assert codes(bogus.signals) == ["late"]


def test_review_reused_photo_is_a_signal(demo: Session) -> None:
    member = account(demo, "member1")
    first_home, second_home = homes_of(demo, member)[:2]
    store(member, visit_input(first_home, photo_consent=True), photos=(3,))
    again = store(member, visit_input(second_home, photo_consent=True), photos=(3,))
    assert codes(again.signals) == ["reused_photo"] and not again.counts


def test_review_reused_photo_added_later_withdraws_the_count(demo: Session) -> None:
    member = account(demo, "member1")
    first_home, second_home = homes_of(demo, member)[:2]
    store(member, visit_input(first_home, photo_consent=True), photos=(4,))
    later = store(member, visit_input(second_home, photo_consent=True))
    assert later.counts
    before = fresh(demo, Household, second_home.id).last_visit_at
    with session_scope() as s:
        add_photo(s, member, s.get(Visit, later.id), prepare_photo(photo_bytes(4)))
    visit = fresh(demo, Visit, later.id)
    assert codes(visit.signals) == ["reused_photo"] and not visit.counts
    assert fresh(demo, Household, second_home.id).last_visit_at != before  # the clock no longer counts it


def test_review_impossible_travel_between_two_visits(demo: Session) -> None:
    member = account(demo, "member1")
    home = homes_of(demo, member)[0]
    now = utcnow()
    far = visit_input(home, "pin", when=now - timedelta(minutes=10))
    far = far.model_copy(update={"lat": home.lat + 5 * KM_NORTH})
    store(member, far, now=now)
    visit = store(member, visit_input(home, when=now - timedelta(minutes=5)), now=now)
    assert codes(visit.signals) == ["impossible_travel"]
    assert visit.signals[0]["kmh"] > 30 and not visit.counts


def test_review_future_or_before_registration_is_refused(demo: Session) -> None:
    member = account(demo, "member1")
    home = homes_of(demo, member)[0]
    with pytest.raises(InvalidInput, match="future"):
        store(member, visit_input(home, when=utcnow() + timedelta(hours=2)))
    with session_scope() as s:
        h = s.get(Household, home.id)
        h.created_at = utcnow() - timedelta(days=5)
        s.add(h)
    with pytest.raises(InvalidInput, match="before the household was registered"):
        store(member, visit_input(home, when=utcnow() - timedelta(days=9)))


async def test_review_api_refuses_a_visit_before_registration_with_422(user, demo: Session) -> None:
    member = account(demo, "member1")
    home = homes_of(demo, member)[0]
    with session_scope() as s:
        h = s.get(Household, home.id)
        h.created_at = utcnow() - timedelta(days=5)
        s.add(h)
    with session_scope() as s:
        headers = {"Authorization": f"Bearer {issue_token(s, member).raw}", "Accept-Language": "en"}
    body = {"household_id": home.id, "visited_at": (utcnow() - timedelta(days=9)).isoformat(),
            "location_source": "none"}
    response = await user.http_client.put(f"/api/v1/visits/{uuid.uuid4()}", json=body, headers=headers)
    assert response.status_code == 422
    assert "before the household was registered" in response.json()["detail"]
    body["visited_at"] = (utcnow() + timedelta(days=1)).isoformat()
    response = await user.http_client.put(f"/api/v1/visits/{uuid.uuid4()}", json=body, headers=headers)
    assert response.status_code == 422 and "future" in response.json()["detail"]


async def test_review_offline_sync_keeps_the_queue_time_for_late_entry(user, demo: Session) -> None:
    member = account(demo, "member1")
    home = homes_of(demo, member)[0]
    with session_scope() as s:
        headers = {"Authorization": f"Bearer {issue_token(s, member).raw}", "Accept-Language": "en"}
    visited = utcnow() - timedelta(days=5)
    on_time, late = str(uuid.uuid4()), str(uuid.uuid4())
    for vid, queued in ((on_time, visited + timedelta(minutes=20)), (late, None)):
        body = {"household_id": home.id, "visited_at": visited.isoformat(), "location_source": "gps",
                "lat": home.lat + 0.0003, "lng": home.lng, "accuracy_m": 12,
                "queued_at": queued.isoformat() if queued else None}
        response = await user.http_client.put(f"/api/v1/visits/{vid}", json=body, headers=headers)
        assert response.status_code == 200, response.text
    queued_visit, arrived_late = fresh(demo, Visit, on_time), demo.get(Visit, late)
    assert queued_visit.queued_at is not None and queued_visit.signals == [] and queued_visit.counts
    assert codes(arrived_late.signals) == ["late"] and not arrived_late.counts
