"""The callback list a coordinator works through, and the outcome of each call.

Who: a coordinator for their area's subtree, an admin for all (``services.policy.area_scope``);
anything else is "not found". Every outcome is audited. "The resident says there was no visit"
marks the visit "has issues" as the system (``services.visits.review.review.change_state``, with a
comment the member reads) and tells every administrator in the app. Unreachable households are
tried up to ``MAX_TRIES`` times, then the callback is closed as unreachable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from core.config import get_settings
from core.i18n import N_, to_local, translate
from models import (
    Area,
    Callback,
    CallbackDraw,
    CallbackOutcome,
    Household,
    Notice,
    ReviewState,
    Role,
    User,
    Visit,
)
from models.common import utcnow
from services import audit
from services.callbacks.draw import draw_in_scope, draws_visible
from services.errors import InvalidInput, NotFound
from services.notifications import notices_for, notify
from services.policy import area_scope, may_review_visits
from services.visits.review.review import change_state

MAX_TRIES = 3
MAX_COMMENT = 500
REACHED = (CallbackOutcome.confirmed, CallbackOutcome.no_visit)
OUTCOME_LABELS = {
    CallbackOutcome.open: N_("Not called yet"),
    CallbackOutcome.confirmed: N_("Visit confirmed"),
    CallbackOutcome.no_visit: N_("Resident says there was no visit"),
    CallbackOutcome.unreachable: N_("Unreachable"),
}
NO_VISIT_COMMENT = N_("Callback: the resident says there was no visit on {date}.")
NO_VISIT_NOTICE = N_("Callback in {area}: the resident says there was no visit by {member} on {date}.")


@dataclass
class CallbackEntry:
    """One line of the list: what the coordinator needs to make the call."""

    callback: Callback
    household: str
    phone: str
    visited_at: datetime
    member: str


@dataclass
class CallbackList:
    draw: CallbackDraw
    area: str
    entries: list[CallbackEntry]

    @property
    def open(self) -> int:
        return sum(1 for e in self.entries if e.callback.outcome == CallbackOutcome.open)


def callback_list(session: Session, actor: User, draw_id: int) -> CallbackList:
    """A draw's entries, open ones first; reading residents' phone numbers is audited."""
    if not may_review_visits(actor):
        raise NotFound(N_("Callback list not found."))
    draw = draw_in_scope(session, actor, draw_id)
    rows = session.exec(
        select(Callback, Household.head_name, Household.phone, Visit.visited_at, User.name)
        .join(Household, Household.id == Callback.household_id).join(Visit, Visit.id == Callback.visit_id)
        .join(User, User.id == Callback.member_id)
        .where(Callback.draw_id == draw.id)
        .order_by(col(Callback.closed_at).is_not(None), col(Visit.visited_at), col(Callback.id))
    ).all()
    audit.record(session, actor, "callback.list.read", "callbackdraw", draw.id or "")
    area = session.get(Area, draw.area_id)
    return CallbackList(draw, area.name if area else "", [CallbackEntry(cb, name, phone or "", when, member)
                                                         for cb, name, phone, when, member in rows])


def _callback_in_scope(session: Session, actor: User, callback_id: int) -> Callback:
    callback = None
    if may_review_visits(actor):
        callback = session.exec(select(Callback).where(Callback.id == callback_id,
                                                       area_scope(session, actor, Callback.area_id))).first()
    if callback is None:
        raise NotFound(N_("Callback not found."))
    return callback


def _check_satisfaction(outcome: CallbackOutcome, satisfaction: int | None, comment: str) -> None:
    if satisfaction is None and not comment:
        return
    if outcome not in REACHED:
        raise InvalidInput(N_("Satisfaction and a comment can be recorded only when the household was reached."))
    if satisfaction is not None and satisfaction not in range(1, 6):
        raise InvalidInput(N_("Satisfaction is a number from 1 to 5."))
    if len(comment) > MAX_COMMENT:
        raise InvalidInput(N_("A text field is longer than {n} characters."), n=MAX_COMMENT)


def record_outcome(session: Session, actor: User, callback_id: int, outcome: CallbackOutcome,
                   satisfaction: int | None = None, comment: str = "", now: datetime | None = None) -> Callback:
    """Record one call: confirmed, no visit, or not reached (closed as unreachable at the last try)."""
    callback = _callback_in_scope(session, actor, callback_id)
    now = now or utcnow()
    try:
        outcome = CallbackOutcome(outcome)
    except ValueError:
        raise InvalidInput(N_("Choose what the call found.")) from None
    comment = (comment or "").strip()
    if outcome == CallbackOutcome.open:
        raise InvalidInput(N_("Choose what the call found."))
    if callback.outcome != CallbackOutcome.open:
        raise InvalidInput(N_("This callback is closed already."))
    _check_satisfaction(outcome, satisfaction, comment)
    if outcome == CallbackOutcome.unreachable:
        callback.tries += 1
        callback.last_try_at = now
        closed = callback.tries >= MAX_TRIES
        if closed:
            _close(callback, outcome, actor, now)
        audit.record(session, actor, "callback.unreachable" if closed else "callback.not_reached", "callback",
                     callback.id or "", outcome=f"try {callback.tries}")
    else:
        callback.satisfaction, callback.comment = satisfaction, comment
        _close(callback, outcome, actor, now)
        audit.record(session, actor, f"callback.{outcome.value}", "callback", callback.id or "")
        if satisfaction is not None:
            audit.record(session, actor, "callback.satisfaction", "callback", callback.id or "")
        if outcome == CallbackOutcome.no_visit:
            _flag_visit(session, callback, now)
    session.add(callback)
    session.flush()
    return callback


def _close(callback: Callback, outcome: CallbackOutcome, actor: User, now: datetime) -> None:
    callback.outcome, callback.closed_at, callback.closed_by_id = outcome, now, actor.id


def _flag_visit(session: Session, callback: Callback, now: datetime) -> None:
    """The visit turns "has issues" (unless already questioned or rejected) and the administrators are told."""
    visit = session.get(Visit, callback.visit_id)
    if visit is None:
        return
    settings = get_settings()
    day = to_local(visit.visited_at, settings.time_zone).date().isoformat()
    if visit.review_state in (ReviewState.received, ReviewState.approved):
        # Stored text the member reads: in the organisation's language (this runs outside any page).
        comment = translate(NO_VISIT_COMMENT, settings.default_language).format(date=day)
        change_state(session, visit, ReviewState.has_issues, comment, None, now)
    member = session.get(User, visit.member_id)
    area = session.get(Area, callback.area_id)
    for admin_id in session.exec(select(User.id).where(User.role == Role.admin, col(User.active).is_(True))).all():
        notify(session, admin_id, NO_VISIT_NOTICE, link=f"/callbacks/{callback.draw_id}",  # type: ignore[arg-type]
               area=area.name if area else "", member=member.name if member else "", date=day)


@dataclass
class DrawSummary:
    draw: CallbackDraw
    area: str
    open: int


def draw_overview(session: Session, actor: User, limit: int = 60) -> list[DrawSummary]:
    """The actor's areas' callback lists, newest week first, with how many calls are still open."""
    if not may_review_visits(actor):
        return []
    draws = draws_visible(session, actor, limit)
    ids = [d.id for d in draws]
    areas = dict(session.exec(select(Area.id, Area.name).where(col(Area.id).in_({d.area_id for d in draws})))
                 .all()) if draws else {}
    still_open: dict[int, int] = dict(session.exec(  # type: ignore[arg-type]
        select(Callback.draw_id, func.count()).where(col(Callback.draw_id).in_(ids),
                                                     Callback.outcome == CallbackOutcome.open)
        .group_by(Callback.draw_id)).all()) if ids else {}
    return [DrawSummary(d, areas.get(d.area_id, ""), still_open.get(d.id, 0)) for d in draws]  # type: ignore[arg-type]


def callback_notices(session: Session, actor: User) -> list[Notice]:
    """The actor's unread notices about callbacks (an administrator's "no visit" alerts)."""
    return [n for n in notices_for(session, actor, unread_only=True, limit=50) if n.msgid == NO_VISIT_NOTICE]
