"""Coordinator review: transitions and who may make them, the history, bulk approval, the member's answer,
and what counts (the household clock, coverage and the annual record)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from nicegui import ui
from nicegui.testing import User as TestUser
from sqlmodel import Session, select

from core.db import session_scope
from models import AuditEntry, Household, ReviewState, Visit, VisitAnswer, VisitReview
from models.common import utcnow
from services.errors import Forbidden, InvalidInput, NotFound
from services.households.coverage import coverage_summary
from services.map.data import MapFilters
from services.visits.review.review import answer_visit, approve_clean, review_visit
from services.year.annual_record import annual_record
from tests.helpers import account, act_as, eventually, sign_in
from tests.helpers.photos import photo_bytes
from tests.helpers.visit_review import (
    COMMUNITY_A,
    COMMUNITY_B,
    coordinator_of,
    fresh,
    homes_of,
    late_visit,
    store,
    visit_input,
)


def review(actor, visit_id: str, state: ReviewState, comment: str = "") -> Visit:
    with session_scope() as s:
        review_visit(s, actor, visit_id, state, comment)
    with session_scope(read_only=True) as s:
        return s.get(Visit, visit_id)  # type: ignore[return-value]


def test_review_pending_visit_does_not_reset_the_clock_until_approved(demo: Session) -> None:
    member, coord = account(demo, "member1"), account(demo, "coord")
    home = homes_of(demo, member)[0]
    before = home.last_visit_at
    visit = store(member, visit_input(home, "pin"))  # a pin is not a GPS fix: a signal
    assert not visit.counts
    assert fresh(demo, Household, home.id).last_visit_at == before  # pending review: the clock runs on
    approved = review(coord, visit.id, ReviewState.approved)
    assert approved.counts
    assert fresh(demo, Household, home.id).last_visit_at == visit.visited_at
    rejected = review(coord, visit.id, ReviewState.rejected, "The resident was away that week.")
    assert not rejected.counts
    assert fresh(demo, Household, home.id).last_visit_at == before  # a rejected visit never counts


def test_review_comment_is_required_for_has_issues_and_rejected(demo: Session) -> None:
    member, coord = account(demo, "member1"), account(demo, "coord")
    visit = late_visit(member, homes_of(demo, member)[0])
    for state in (ReviewState.has_issues, ReviewState.rejected):
        with pytest.raises(InvalidInput, match="comment is required"):
            review(coord, visit.id, state, "  ")
    with pytest.raises(InvalidInput):
        review(coord, visit.id, ReviewState.received)
    review(coord, visit.id, ReviewState.has_issues, "Entered 12 days late: what happened?")
    review(coord, visit.id, ReviewState.approved)
    demo.rollback()
    history = demo.exec(select(VisitReview).where(VisitReview.visit_id == visit.id).order_by(VisitReview.id)).all()
    assert [(h.actor_id, h.old_state, h.new_state, h.comment) for h in history] == [
        (coord.id, "received", "has_issues", "Entered 12 days late: what happened?"),
        (coord.id, "has_issues", "approved", ""),
    ]
    actions = demo.exec(select(AuditEntry.action).where(AuditEntry.record_id == visit.id)).all()
    assert {"visit.review.has_issues", "visit.review.approved"} <= set(actions)


def test_review_only_coordinators_of_the_area_may_review(demo: Session) -> None:
    member = account(demo, "member1")
    home = homes_of(demo, member)[0]
    visit = late_visit(member, home)
    inside = COMMUNITY_A if home.area_id == COMMUNITY_A else COMMUNITY_B
    outside = COMMUNITY_B if inside == COMMUNITY_A else COMMUNITY_A
    other_area = coordinator_of(demo, outside, "coord_other")
    with pytest.raises(NotFound):
        review(other_area, visit.id, ReviewState.approved)
    with pytest.raises(NotFound):  # a member never reviews, their own visits least of all
        review(member, visit.id, ReviewState.approved)
    with pytest.raises(NotFound):
        review(account(demo, "member2"), visit.id, ReviewState.approved)
    assert review(coordinator_of(demo, inside, "coord_inside"), visit.id, ReviewState.approved).counts


def test_review_nobody_reviews_their_own_visit(demo: Session) -> None:
    member, coord = account(demo, "member1"), account(demo, "coord")
    visit = late_visit(member, homes_of(demo, member)[0])
    with session_scope() as s:  # a visit stored under the coordinator's own account (e.g. a former member)
        v = s.get(Visit, visit.id)
        v.member_id = coord.id
        s.add(v)
    with pytest.raises(Forbidden):
        review(coord, visit.id, ReviewState.approved)


def test_review_bulk_approval_takes_only_clean_visits(demo: Session) -> None:
    member, coord = account(demo, "member1"), account(demo, "coord")
    first, second = homes_of(demo, member)[:2]
    clean = store(member, visit_input(first))
    flagged = store(member, visit_input(second, "pin"))
    with session_scope() as s:
        assert approve_clean(s, coord, [clean.id, flagged.id, clean.id]) == 1
    assert fresh(demo, Visit, clean.id).review_state == ReviewState.approved
    assert fresh(demo, Visit, flagged.id).review_state == ReviewState.received


def test_review_member_answers_once(demo: Session) -> None:
    member, coord = account(demo, "member1"), account(demo, "coord")
    visit = late_visit(member, homes_of(demo, member)[0])
    with session_scope() as s, pytest.raises(InvalidInput, match="has issues"):
        answer_visit(s, member, visit.id, "Too early")
    review(coord, visit.id, ReviewState.has_issues, "Why so late?")
    with session_scope() as s, pytest.raises(NotFound):
        answer_visit(s, account(demo, "member2"), visit.id, "Not mine")
    with session_scope() as s:
        answer_visit(s, member, visit.id, "No signal in the building; I typed it in later.")
    with session_scope() as s, pytest.raises(InvalidInput, match="answered already"):
        answer_visit(s, member, visit.id, "Again")


def test_review_coverage_and_annual_record_show_counted_pending_rejected(demo: Session) -> None:
    member, coord = account(demo, "member1"), account(demo, "coord")
    homes = homes_of(demo, member)
    filters = MapFilters(date_from=utcnow() - timedelta(days=30))
    before = coverage_summary(demo, coord, filters)
    store(member, visit_input(homes[0]))
    pending = store(member, visit_input(homes[1], "pin"))
    rejected = store(member, visit_input(homes[2 % len(homes)], "none"))
    review(coord, rejected.id, ReviewState.rejected, "No location and no notes.")
    demo.rollback()
    after = coverage_summary(demo, coord, filters)
    assert (after.counted - before.counted, after.pending - before.pending, after.rejected - before.rejected) == \
        (1, 1, 1)
    record = annual_record(demo, coord, member.id, utcnow().year)
    assert record.visits_pending >= 1 and record.visits_rejected >= 1
    assert pending.id != rejected.id


# --- pages -----------------------------------------------------------------------------------------


async def test_review_signals_show_with_their_reasons_on_the_household_page(user: TestUser, demo: Session) -> None:
    member = account(demo, "member1")
    home = homes_of(demo, member)[0]
    late_visit(member, home, days=12)
    store(member, visit_input(home, "address"))
    far = store(member, visit_input(home, "far", when=utcnow() - timedelta(hours=6)))
    await sign_in(user, "coord")
    await user.open(f"/households/{home.id}")
    await user.should_see("Entered late: 12 days after the visit")
    await user.should_see("At the registered address (not measured)")
    await user.should_not_see("· 0 m from the registered address")
    await user.should_see(f"Location not verified: {far.signals[0]['m']:,} m from the registered address")
    await user.should_see("Pending review")


async def test_review_coordinator_reviews_from_the_queue_and_member_answers(user: TestUser, demo: Session) -> None:
    member = account(demo, "member1")
    home = homes_of(demo, member)[0]
    visit = late_visit(member, home)
    await sign_in(user, "coord")
    await user.open("/review")
    await user.should_see(home.head_name)
    user.find(marker="review-has-issues").click()
    await user.should_see("Say what is wrong: a comment is required.")
    user.find(marker="review-comment-input").type("Entered 12 days late: what happened?")
    user.find(marker="review-has-issues").click()
    await user.should_see("Review saved.")
    assert fresh(demo, Visit, visit.id).review_state == ReviewState.has_issues

    await sign_in(user, "member1")
    await user.should_see("Visits a coordinator asked about")
    await user.should_see("Entered 12 days late: what happened?")
    await user.open(f"/households/{home.id}")
    act_as(user)
    user.find(marker="answer-note").type("No signal in the lift lobby; typed in later.")
    user.find(marker="answer-send").click()
    await user.should_see("Answer sent.")
    await user.should_see("No signal in the lift lobby; typed in later.")
    await user.open("/")
    await user.should_not_see("Visits a coordinator asked about")


async def test_review_member_answers_with_a_photo(user: TestUser, demo: Session) -> None:
    member = account(demo, "member1")
    home = homes_of(demo, member)[0]
    visit = store(member, visit_input(home, photo_consent=True))
    review(account(demo, "coord"), visit.id, ReviewState.has_issues, "Show us the repaired door, please.")
    await sign_in(user, "member1")
    await user.open(f"/households/{home.id}")
    await user.should_see(marker=f"answer-controls-{visit.id}")
    act_as(user)
    uploader = user.find(marker="answer-photo").elements.pop()
    assert isinstance(uploader, ui.upload)

    def images() -> int:
        try:
            return len(user.find(kind=ui.image).elements)
        except AssertionError:  # none on the page
            return 0

    before = images()
    # The picker reads the account off the event loop before it takes the photo.
    await uploader.handle_uploads([ui.upload.SmallFileUpload(name="door.jpg", content_type="image/jpeg",
                                                             _data=photo_bytes(3))])
    await eventually(lambda: images() > before)  # the preview
    user.find(marker="answer-note").type("Repaired on Monday.")
    user.find(marker="answer-send").click()
    await user.should_see("Answer sent.")
    answer = fresh(demo, VisitAnswer, visit.id)
    assert answer is not None and answer.note == "Repaired on Monday." and answer.photo_id is not None


async def test_review_coordinator_of_another_area_gets_not_found(user: TestUser, demo: Session) -> None:
    member = account(demo, "member1")
    home = homes_of(demo, member)[0]
    late_visit(member, home)
    outside = COMMUNITY_B if home.area_id == COMMUNITY_A else COMMUNITY_A
    coordinator_of(demo, outside, "coord_other")
    await sign_in(user, "coord_other")
    await user.open(f"/households/{home.id}")
    await user.should_see("Not found")
    await user.open("/review")
    await user.should_not_see(home.head_name)


def test_review_state_and_signals_reach_the_map_popup_and_the_export(demo: Session) -> None:
    from services.exports import VISIT_HEADER, visit_rows
    from services.map.data import build_map_payload

    member, coord = account(demo, "member1"), account(demo, "coord")
    home = homes_of(demo, member)[0]
    visit = store(member, visit_input(home, "pin"))
    demo.rollback()
    payload = build_map_payload(demo, coord, layers=["visits"])
    popup = next(f["properties"] for f in payload["features"] if f["properties"].get("id") == visit.id)
    assert popup["signals"] == ["unverified"] and popup["review"] == "received" and popup["counts"] is False
    rows = list(visit_rows(demo, coord, MapFilters(), "en"))
    header = rows[0]
    assert header[-4:] == VISIT_HEADER[-4:] == ["Review state", "Counts", "Signals", "Signal reasons"]
    row = next(r for r in rows if r[0] == visit.id)
    assert row[-4:-1] == ["received", False, "unverified"]
    assert row[-1].startswith("Location not verified: pin on the map, no GPS fix")


def test_review_history_and_answer_go_with_a_deleted_household_and_expired_photos(demo: Session) -> None:
    from core.config import get_settings
    from models import Photo, VisitAnswer
    from services.privacy import resident_data
    from services.privacy.retention import expire_photos
    from services.visits.records import prepare_photo
    from tests.helpers.photos import photo_bytes

    member, coord = account(demo, "member1"), account(demo, "coord")
    first, second = homes_of(demo, member)[:2]
    answered = []
    for home in (first, second):
        visit = store(member, visit_input(home, "pin", photo_consent=True))
        review(coord, visit.id, ReviewState.has_issues, "Where was this?")
        with session_scope() as s:
            answer_visit(s, member, visit.id, "In the courtyard.", prepare_photo(photo_bytes(7 + len(answered))))
        answered.append(visit)
    with session_scope() as s:  # the photos expire: the answer keeps its note
        expire_photos(s, utcnow() + timedelta(days=get_settings().photo_retention_days + 1), get_settings())
    answer = fresh(demo, VisitAnswer, answered[1].id)
    assert answer.note == "In the courtyard." and answer.photo_id is None
    assert demo.exec(select(Photo).where(Photo.visit_id == answered[1].id)).all() == []
    with session_scope() as s:  # the household's data is deleted on request: review rows included
        resident_data.delete_household_data(s, coord, first.id)
    demo.rollback()
    assert demo.get(Visit, answered[0].id) is None and demo.get(VisitAnswer, answered[0].id) is None
    assert demo.exec(select(VisitReview).where(VisitReview.visit_id == answered[0].id)).all() == []


async def test_review_visit_list_filters_by_signal_and_state_and_bulk_approves(user: TestUser, demo: Session) -> None:
    from tests.helpers import choose

    member = account(demo, "member1")
    first, second = homes_of(demo, member)[:2]
    clean = store(member, visit_input(first))
    flagged = late_visit(member, second)
    await sign_in(user, "coord")
    await user.open("/visits")
    choose(user, "filter-signal", "Entered late")  # the filters live in the URL: the list opens there
    await user.should_see("1 visits", retries=40)
    await user.should_see(marker=f"visit-{flagged.id}")
    await user.should_not_see(marker=f"visit-{clean.id}")
    await user.open("/visits?state=received")
    await user.should_see(marker=f"visit-{clean.id}", retries=40)
    user.find(marker="approve-clean").click()
    await user.should_see("visits approved.", retries=40)
    demo.rollback()
    assert demo.get(Visit, clean.id).review_state == ReviewState.approved
    assert demo.get(Visit, flagged.id).review_state == ReviewState.received  # a signal: reviewed one by one


async def test_review_queue_in_chinese(user: TestUser, demo: Session) -> None:
    member = account(demo, "member1")
    late_visit(member, homes_of(demo, member)[0], days=12)
    await sign_in(user, "coord")
    await user.open("/review")
    user.find(marker="language-switch").click()
    await user.should_see("审核队列", retries=20)
    await user.should_see("补录过晚：走访后 12 天才录入")
    await user.should_see("待审核")


async def test_review_member_home_says_why_the_clock_did_not_move(user: TestUser, demo: Session) -> None:
    member = account(demo, "member1")
    home = homes_of(demo, member)[0]
    store(member, visit_input(home, "pin"))
    await sign_in(user, "member1")
    await user.should_see(marker=f"pending-visits-{home.id}")
    await user.should_see("1 of your visits here pending review")
