"""The year's pages as people use them: a member's commitment, a resident's comment on the board and
its moderation, posts, field days, service points, the annual record and its exports."""

from __future__ import annotations

import re

import pytest
from nicegui.testing import User as TestUser
from sqlmodel import Session, select

from core.db import session_scope
from models import (
    AuditEntry,
    BoardComment,
    CommentStatus,
    Commitment,
    CommitmentStatus,
    FieldDay,
    FieldDayRequest,
    PostAssignment,
    ServicePoint,
    ServicePost,
)
from models.common import max_length
from models.year import CommitmentBase, CommitmentNoteBase, FieldDayBase, ServicePostBase
from services.community.service_points import ServicePointForm, save_service_point
from services.rate_limits import counting as rate_limit
from services.year.commitments import create_commitment
from tests.helpers import account, eventually, sign_in


@pytest.fixture(autouse=True)
def fresh_limits() -> None:
    rate_limit.reset_all()


def fresh(login: str):
    with session_scope(read_only=True) as s:
        return account(s, login)


def set_value(user: TestUser, marker: str, value: object) -> None:
    user.find(marker=marker).elements.pop().set_value(value)


async def test_member_makes_and_keeps_a_commitment(user: TestUser, demo: Session) -> None:
    await sign_in(user, "member1")
    await user.open("/me/commitments")
    user.find(marker="commitment-title").type("Fix the lights in stairwell 3")
    user.find(marker="save-commitment").click()
    await user.should_see("Commitment saved.")
    commitment = demo.exec(select(Commitment)).one()
    await user.should_see(marker=f"note-text-{commitment.id}")
    user.find(marker=f"note-text-{commitment.id}").type("Talked to the property office")
    user.find(marker=f"save-note-{commitment.id}").click()
    await user.should_see("Note saved.", retries=30)
    await user.should_see("Talked to the property office")
    await user.should_see(marker=f"kept-{commitment.id}")
    user.find(marker=f"kept-{commitment.id}").click()
    user.find(marker="close-reason").type("New lamps since March")
    user.find(marker="save-close").click()
    await user.should_see(marker="commitment-reason")  # shown on the card once it is stored
    await user.should_see("New lamps since March")

    def kept() -> bool:
        demo.rollback()
        return demo.get(Commitment, commitment.id).status == CommitmentStatus.kept

    await eventually(kept)


def maxlength(user: TestUser, marker: str) -> int:
    return int(next(iter(user.find(marker=marker).elements)).props["maxlength"])


async def test_the_commitment_and_post_forms_limits_are_the_models(user: TestUser, demo: Session) -> None:
    await sign_in(user, "member1")
    await user.open("/me/commitments")
    assert maxlength(user, "commitment-title") == max_length(CommitmentBase, "title")
    assert maxlength(user, "commitment-description") == max_length(CommitmentBase, "description")
    limit = max_length(CommitmentBase, "title")
    user.find(marker="commitment-title").type("t" * (limit + 1))  # past the browser's limit, as a script could
    user.find(marker="save-commitment").click()
    await user.should_see(f"The text is longer than {limit} characters.", retries=30)
    demo.rollback()
    assert demo.exec(select(Commitment)).all() == []
    with session_scope() as s:
        commitment = create_commitment(s, account(s, "member1"), "Fix the lights in stairwell 3")
    await user.open("/me/commitments")
    assert maxlength(user, f"note-text-{commitment.id}") == max_length(CommitmentNoteBase, "text")
    user.find(marker=f"kept-{commitment.id}").click()
    assert maxlength(user, "close-reason") == max_length(CommitmentBase, "outcome_reason")

    await sign_in(user, "coord")
    await user.open("/posts")
    assert maxlength(user, "post-name") == max_length(ServicePostBase, "name")
    assert maxlength(user, "post-duties") == max_length(ServicePostBase, "duties")
    user.find(marker="post-name").type("Safety watch")
    user.find(marker="post-duties").type("d" * (max_length(ServicePostBase, "duties") + 1))
    user.find(marker="save-post").click()
    await user.should_see("The name or duties are too long.", retries=30)
    demo.rollback()
    assert demo.exec(select(ServicePost)).all() == []


async def test_resident_comments_and_coordinator_approves(user: TestUser, demo: Session) -> None:
    member = fresh("member1")
    with session_scope() as s:
        commitment = create_commitment(s, member, "Fix the lights in stairwell 3")
    await user.open(f"/public/board/{member.area_id}")
    user.find(marker=f"comment-{commitment.id}").click()
    user.find(marker="comment-text").type("Thank you, much brighter")
    question = user.find(marker="challenge-question").elements.pop().text
    a, b = map(int, re.search(r"(\d+) \+ (\d+)", question).groups())
    user.find(marker="challenge-answer").type(str(a + b))
    user.find(marker="comment-send").click()
    # Stored in a worker thread: the thanks shows once the comment is committed.
    await user.should_see("Your comment will appear once a coordinator has read it.", retries=30)
    demo.rollback()
    comment = demo.exec(select(BoardComment)).one()
    assert comment.status == CommentStatus.pending

    await sign_in(user, "coord")
    await user.open("/commitments")
    await user.should_see("Thank you, much brighter")
    user.find(marker=f"approve-{comment.id}").click()
    await user.should_see("Comment shown on the board.")
    await user.open(f"/public/board/{member.area_id}")
    await user.should_see("Thank you, much brighter")


async def test_posts_field_days_and_service_points_pages(user: TestUser, demo: Session) -> None:
    member = fresh("member1")
    await sign_in(user, "coord")
    await user.open("/posts")
    user.find(marker="post-name").type("Building safety watch")
    user.find(marker="post-duties").type("Walk the stairwells weekly")
    set_value(user, "post-seats", 2)
    user.find(marker="save-post").click()
    await user.should_see("Post saved.")
    post = demo.exec(select(ServicePost)).one()

    await sign_in(user, "member1")
    await user.open("/posts")
    user.find(marker=f"apply-{post.id}").click()
    await user.should_see("Application sent.")
    await sign_in(user, "coord")
    await user.open("/posts")
    set_value(user, f"assign-{post.id}", member.id)
    user.find(marker=f"save-assign-{post.id}").click()
    await user.should_see("Member assigned.")
    demo.rollback()
    assert demo.exec(select(PostAssignment)).one().status == "assigned"

    await sign_in(user, "member1")
    await user.open("/profile")
    await user.should_see("Building safety watch")
    await user.open("/field-days")
    await user.should_see("Field days in")
    user.find(marker="field-day-place").type("Contact point, 望江路 1 号")
    user.find(marker="field-day-problems").type("The gate of building 5 is broken")
    user.find(marker="save-field-day").click()
    await user.should_see("Field day recorded.", retries=30)  # saved off the event loop
    demo.rollback()
    day = demo.exec(select(FieldDay)).one()
    await user.should_see(marker=f"raise-{day.id}", retries=30)
    user.find(marker=f"raise-{day.id}").click()
    await user.should_see(marker="field-day-category", retries=30)  # the dialog opens once the categories are read
    set_value(user, "field-day-category", 1)
    user.find(marker="save-field-day-request").click()
    await user.should_see("raised.", retries=30)
    demo.rollback()
    assert demo.exec(select(FieldDayRequest)).one().field_day_id == day.id

    await sign_in(user, "coord")
    await user.open("/admin/service-points")
    user.find(marker="point-name").type("锦江社区服务站")
    user.find(marker="point-hours").type("9:00-17:00")
    user.find(marker="save-point").click()
    await user.should_see("Service point saved.")
    demo.rollback()
    assert demo.exec(select(ServicePoint)).one().name == "锦江社区服务站"


async def test_public_request_form_lists_nearest_service_points(user: TestUser, demo: Session) -> None:
    coord = fresh("coord")
    with session_scope() as s:
        save_service_point(s, coord, ServicePointForm(area_id=coord.area_id, name="望江路街道便民服务中心",
                                                      lat=30.65, lng=104.09, opening_hours="9:00-17:00"))
    await user.open("/public/request")
    await user.should_see("Nearest service points")
    await user.should_see("望江路街道便民服务中心")


async def test_annual_record_pages_and_audit(user: TestUser, demo: Session) -> None:
    member = fresh("member1")
    await sign_in(user, "member1")
    await user.open("/me/record")
    await user.should_see(member.name)
    await user.should_see("Households paired")
    await user.open(f"/records/{fresh('member2').id}")  # members do not open others' records
    await user.should_not_see("Households paired")

    await sign_in(user, "coord")
    await user.open("/records")
    await user.should_see(marker="records-table")
    table = user.find(marker="records-table").elements.pop()
    assert member.name in [row["0"] for row in table.rows]
    await user.open(f"/records/{member.id}")
    await user.should_see("Households paired")
    user.find(marker="export-xlsx").click()
    user.find(marker="export-pdf").click()
    demo.rollback()
    reads = demo.exec(select(AuditEntry).where(AuditEntry.action == "annual_record.read")).all()
    assert [(r.actor_id, r.record_id) for r in reads] == [(fresh("coord").id, str(member.id))]


async def test_coordinator_sets_a_leaders_level_and_the_quota_follows(user: TestUser, demo: Session) -> None:
    member = fresh("member1")
    await sign_in(user, "coord")
    await user.open(f"/admin/users/{member.id}")
    set_value(user, "account-leader-level", 2)
    user.find(marker="save-account").click()
    await user.should_see("Saved.")
    assert fresh("member1").leader_level == 2
    await sign_in(user, "member1")
    await user.open("/field-days")
    await user.should_see("0 / 60")


async def test_the_field_day_form_takes_the_models_limits_and_keeps_what_was_typed(user: TestUser,
                                                                                  demo: Session) -> None:
    await sign_in(user, "member1")
    await user.open("/field-days")
    for field in ("place", "purpose", "learned", "problems"):
        assert maxlength(user, f"field-day-{field}") == max_length(FieldDayBase, field)
    limit = max_length(FieldDayBase, "place")
    user.find(marker="field-day-place").type("p" * (limit + 1))  # past the browser's limit, as a script could
    user.find(marker="field-day-problems").type("The gate of building 5 is broken")
    user.find(marker="save-field-day").click()
    await user.should_see(f"A text field is longer than {limit} characters.", retries=30)
    demo.rollback()
    assert demo.exec(select(FieldDay)).all() == []
    with user:  # nothing typed is lost: the leader shortens the place and saves again
        assert next(iter(user.find(marker="field-day-problems").elements)).value == "The gate of building 5 is broken"
