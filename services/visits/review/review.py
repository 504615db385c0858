"""Coordinator review of visits: state changes with their history, bulk approval, and the member's answer.

Who may review: an active coordinator for the visits of households in their area's subtree, an admin
for all (``services.policy.household_scope``, the one visibility rule); a visit outside that scope
is "not found". Nobody reviews their own visit. Every change writes a ``VisitReview`` row (who, when,
why, old and new state) and an audit entry, and re-applies the counting rule and the household clock
in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from core.i18n import N_
from models import Household, ReviewState, Role, User, Visit, VisitAnswer, VisitReview
from models.common import utcnow
from services import audit
from services.errors import Forbidden, InvalidInput, NotFound
from services.org.areas import subtree_ids
from services.photos.pipeline import ProcessedPhoto
from services.photos.store import PhotoStore
from services.policy import household_scope, may_review_visits
from services.visits.records import add_photo, get_visit
from services.visits.review.counting import apply_rule, refresh_household_clock, visit_pending

MAX_COMMENT = 2000
NEEDS_COMMENT = (ReviewState.has_issues, ReviewState.rejected)
REVIEW_STATES = (ReviewState.approved, ReviewState.has_issues, ReviewState.rejected)
STATE_LABELS = {
    ReviewState.received: N_("Received"),
    ReviewState.approved: N_("Approved"),
    ReviewState.has_issues: N_("Has issues"),
    ReviewState.rejected: N_("Rejected"),
}


def may_review(actor: User) -> bool:
    return may_review_visits(actor)


def _reviewable(session: Session, actor: User, visit_id: str) -> Visit:

    if not may_review(actor):
        raise NotFound(N_("Visit not found."))
    visit = get_visit(session, actor, visit_id, audit_read=False)  # the area scope: others get "not found"
    if visit.member_id == actor.id:
        raise Forbidden(N_("Nobody reviews their own visits."))
    return visit


def change_state(session: Session, visit: Visit, new_state: ReviewState, comment: str, actor_id: int | None,
                 now: datetime | None = None) -> VisitReview:
    """Record one state change and keep ``counts`` and the household clock right (no permission check:
    callers check; the system itself, e.g. a callback where the resident denies the visit, passes no actor)."""
    entry = VisitReview(visit_id=visit.id, actor_id=actor_id, old_state=visit.review_state, new_state=new_state,
                        comment=comment, created_at=now or utcnow())
    visit.review_state = new_state
    session.add(entry)
    session.add(visit)
    if apply_rule(visit):
        refresh_household_clock(session, visit.household_id)
    audit.record(session, actor_id, f"visit.review.{new_state.value}", "visit", visit.id)
    return entry


def review_visit(session: Session, actor: User, visit_id: str, new_state: ReviewState, comment: str = "",
                 now: datetime | None = None) -> Visit:
    """Mark a visit approved, has issues (comment required) or rejected (comment required)."""
    visit = _reviewable(session, actor, visit_id)
    new_state = ReviewState(new_state)
    comment = (comment or "").strip()
    if new_state not in REVIEW_STATES:
        raise InvalidInput(N_("Choose approved, has issues or rejected."))
    if new_state in NEEDS_COMMENT and not comment:
        raise InvalidInput(N_("Say what is wrong: a comment is required."))
    if len(comment) > MAX_COMMENT:
        raise InvalidInput(N_("A text field is longer than {n} characters."), n=MAX_COMMENT)
    if new_state == visit.review_state:
        raise InvalidInput(N_("The visit is already in this state."))
    change_state(session, visit, new_state, comment, actor.id, now)
    return visit


def approve_clean(session: Session, actor: User, visit_ids: list[str], now: datetime | None = None) -> int:
    """Approve the given visits that have no signal and are still ``received``; how many were approved.

    Visits with a signal are left for one-by-one review, whatever was ticked.
    """
    approved = 0
    for visit_id in dict.fromkeys(visit_ids):
        visit = _reviewable(session, actor, visit_id)
        if visit.review_state == ReviewState.received and not visit.signals:
            change_state(session, visit, ReviewState.approved, "", actor.id, now)
            approved += 1
    return approved


def answer_visit(session: Session, actor: User, visit_id: str, note: str = "",
                 photo: ProcessedPhoto | None = None, store: PhotoStore | None = None) -> VisitAnswer:
    """The member's one answer to a visit marked "has issues"; it goes back to the coordinator's queue."""

    visit = session.get(Visit, visit_id)
    if visit is None or visit.member_id != actor.id or not actor.active:
        raise NotFound(N_("Visit not found."))
    if visit.review_state != ReviewState.has_issues:
        raise InvalidInput(N_("Only a visit marked \"has issues\" can be answered."))
    if session.get(VisitAnswer, visit_id) is not None:
        raise InvalidInput(N_("This visit has been answered already."))
    note = (note or "").strip()
    if not note and photo is None:
        raise InvalidInput(N_("Write a note or add a photo."))
    if len(note) > MAX_COMMENT:
        raise InvalidInput(N_("A text field is longer than {n} characters."), n=MAX_COMMENT)
    answer = VisitAnswer(visit_id=visit_id, member_id=actor.id, note=note)  # type: ignore[arg-type]
    if photo is not None:
        answer.photo_id = add_photo(session, actor, visit, photo, store).id
    session.add(answer)
    audit.record(session, actor, "visit.answer", "visit", visit_id)
    session.flush()
    return answer


@dataclass
class ReviewDetails:
    history: list[VisitReview]  # oldest first
    answer: VisitAnswer | None

    @property
    def last_comment(self) -> str:
        return next((r.comment for r in reversed(self.history) if r.comment), "")


def review_details(session: Session, visit_ids: list[str]) -> dict[str, ReviewDetails]:
    """History and answer of each visit (for cards the caller was already allowed to show)."""
    result = {vid: ReviewDetails([], None) for vid in visit_ids}
    if not visit_ids:
        return result
    for entry in session.exec(select(VisitReview).where(col(VisitReview.visit_id).in_(visit_ids))
                              .order_by(col(VisitReview.created_at), col(VisitReview.id))).all():
        result[entry.visit_id].history.append(entry)
    for answer in session.exec(select(VisitAnswer).where(col(VisitAnswer.visit_id).in_(visit_ids))).all():
        result[answer.visit_id].answer = answer
    return result


def queue_clauses(session: Session, area_id: int | None) -> list:
    """The review queue: visits waiting for a coordinator, in an area's subtree if given."""
    clauses = [visit_pending()]
    if area_id is not None:
        clauses.append(col(Household.area_id).in_(subtree_ids(session, area_id)))
    return clauses


def issues_for_member(session: Session, actor: User, limit: int = 20) -> list[tuple[Visit, Household, str]]:
    """The member's visits marked "has issues" and not answered yet, with the coordinator's comment."""
    if actor.role != Role.member:
        return []
    answered = select(VisitAnswer.visit_id)
    rows = session.exec(
        select(Visit, Household).join(Household, Household.id == Visit.household_id)
        .where(Visit.member_id == actor.id, Visit.review_state == ReviewState.has_issues,
               col(Visit.id).not_in(answered))
        .order_by(col(Visit.visited_at).desc()).limit(limit)
    ).all()
    details = review_details(session, [v.id for v, _h in rows])
    return [(visit, household, details[visit.id].last_comment) for visit, household in rows]


def pending_review_count(session: Session, actor: User) -> int:
    """Visits the actor may review that wait for a coordinator (the home page's figure)."""
    if not may_review(actor):
        return 0
    return int(session.exec(
        select(func.count()).select_from(Visit).join(Household, Household.id == Visit.household_id)
        .where(household_scope(session, actor), visit_pending())
    ).one())


def pending_by_household(session: Session, actor: User, household_ids: list[int]) -> dict[int, int]:
    """How many of the actor's own visits to each household wait for review (why a clock did not move)."""
    if not household_ids:
        return {}
    rows = session.exec(
        select(Visit.household_id, func.count()).where(
            Visit.member_id == actor.id, col(Visit.household_id).in_(household_ids), visit_pending())
        .group_by(Visit.household_id)
    ).all()
    return {hid: int(n) for hid, n in rows}
