"""Recording a callback: "no visit" flags the visit and tells the admin, three tries close it, all audited."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from nicegui.testing import User as TestUser
from sqlmodel import Session, col, select

from core.db import session_scope
from models import AuditEntry, Callback, CallbackOutcome, Notice, ReviewState, Visit, VisitReview
from services.callbacks.calls import NO_VISIT_NOTICE, record_outcome
from services.errors import InvalidInput, NotFound
from services.privacy import resident_data
from tests.helpers import account, act_as, element, eventually, sign_in
from tests.helpers.callbacks import counted_visits, draws_of, quiet_week, run_draw
from tests.helpers.visit_review import COMMUNITY_A, COMMUNITY_B, coordinator_of, fresh


def about(callback: Callback) -> list:
    return [AuditEntry.record_type == "callback", col(AuditEntry.record_id) == str(callback.id)]


def drawn_callback(demo: Session, username: str = "member1") -> Callback:
    week = quiet_week()
    counted_visits(demo, week, account(demo, username), 3)
    run_draw(week)
    draw = draws_of(demo, week)[0]
    return demo.exec(select(Callback).where(Callback.draw_id == draw.id)).first()  # type: ignore[return-value]


async def test_callback_no_visit_flags_the_visit_and_tells_the_admin(user: TestUser, demo: Session) -> None:
    callback = drawn_callback(demo)
    assert fresh(demo, Visit, callback.visit_id).counts
    await sign_in(user, "coord")
    await user.open(f"/callbacks/{callback.draw_id}")
    with user:
        element(user, "callback-comment")  # the form is there
    with user.scope(marker=f"callback-{callback.id}"):
        act_as(user).find(marker="callback-comment").type("Says nobody came that week.")
        user.find(marker="callback-no-visit").click()
    await eventually(lambda: fresh(demo, Callback, callback.id).outcome == CallbackOutcome.no_visit)

    visit = fresh(demo, Visit, callback.visit_id)
    assert visit.review_state == ReviewState.has_issues and not visit.counts  # it no longer counts
    flag = demo.exec(select(VisitReview).where(VisitReview.visit_id == visit.id)).one()
    assert flag.actor_id is None and "no visit" in flag.comment  # by the system, with a comment for the member
    admin = account(demo, "admin")
    notices = demo.exec(select(Notice).where(Notice.user_id == admin.id, Notice.msgid == NO_VISIT_NOTICE)).all()
    assert len(notices) == 1
    actions = demo.exec(select(AuditEntry.action).where(*about(callback))).all()
    assert "callback.no_visit" in actions

    await sign_in(user, "admin")
    await user.open("/callbacks")
    await user.should_see(marker="callback-notice")
    await user.should_see("the resident says there was no visit by")
    act_as(user).find(marker="notice-read").click()
    await eventually(lambda: fresh(demo, Notice, notices[0].id).read_at is not None)


def test_callback_unreachable_three_tries_then_closed(demo: Session) -> None:
    callback = drawn_callback(demo)
    coord = account(demo, "coord")
    for attempt in (1, 2, 3):
        with session_scope() as s:
            record_outcome(s, coord, callback.id, CallbackOutcome.unreachable)
        row = fresh(demo, Callback, callback.id)
        assert row.tries == attempt
        assert row.outcome == (CallbackOutcome.unreachable if attempt == 3 else CallbackOutcome.open)
    with pytest.raises(InvalidInput, match="closed already"), session_scope() as s:
        record_outcome(s, coord, callback.id, CallbackOutcome.confirmed)
    actions = demo.exec(select(AuditEntry.action).where(*about(callback))
                        .order_by(col(AuditEntry.id))).all()
    assert actions == ["callback.not_reached", "callback.not_reached", "callback.unreachable"]


def test_callback_satisfaction_is_checked_and_outsiders_get_not_found(demo: Session) -> None:
    callback = drawn_callback(demo)
    coord = account(demo, "coord")
    with pytest.raises(InvalidInput, match="1 to 5"), session_scope() as s:
        record_outcome(s, coord, callback.id, CallbackOutcome.confirmed, satisfaction=7)
    with pytest.raises(InvalidInput, match="reached"), session_scope() as s:
        record_outcome(s, coord, callback.id, CallbackOutcome.unreachable, satisfaction=4)
    other = coordinator_of(demo, COMMUNITY_B if callback.area_id == COMMUNITY_A else COMMUNITY_A, "coord_other")
    for actor in (other, account(demo, "member2")):
        with pytest.raises(NotFound), session_scope() as s:
            record_outcome(s, actor, callback.id, CallbackOutcome.confirmed)
    with session_scope() as s:
        record_outcome(s, coord, callback.id, CallbackOutcome.confirmed, satisfaction=5, comment="Very kind.")
    row = fresh(demo, Callback, callback.id)
    assert (row.outcome, row.satisfaction, row.comment) == (CallbackOutcome.confirmed, 5, "Very kind.")
    assert fresh(demo, Visit, callback.visit_id).counts  # a confirmed visit keeps counting


def test_callback_goes_into_the_household_archive_and_is_deleted_with_it(demo: Session) -> None:
    callback = drawn_callback(demo)
    coord = account(demo, "coord")
    with session_scope() as s:
        record_outcome(s, coord, callback.id, CallbackOutcome.confirmed, satisfaction=4, comment="Friendly.")
    with session_scope() as s:
        archive = resident_data.export_household_archive(s, account(s, "coord"), callback.household_id)
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        exported = json.loads(z.read("household.json"))["callbacks"]
    assert [(c["outcome"], c["satisfaction"], c["comment"]) for c in exported] == [("confirmed", 4, "Friendly.")]
    with session_scope() as s:
        resident_data.delete_household_data(s, account(s, "coord"), callback.household_id)
    assert fresh(demo, Callback, callback.id) is None
