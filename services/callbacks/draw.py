"""The weekly callback draw: a random sample of each area's counted visits of last week.

Per area (the household's area): at least one visit of every member who visited, then more until
the share (``DOORSTEP_CALLBACK_SHARE``) of the visits that can be called back is reached,
preferring households not on the list yet. Households without a phone number cannot be called:
they are left out and counted. The random generator is seeded by the ISO week and the area id
(the seed is stored on the draw) and the visits are taken in id order, so the same visits, week
and area always give the same list: anyone can draw again and compare (``redraw``).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from core.config import get_settings
from core.db import session_scope
from core.i18n import N_
from models import Callback, CallbackDraw, Household, User, Visit
from models.common import utcnow
from services import audit
from services.callbacks.weeks import Week, parse_week, week_before
from services.errors import NotFound
from services.policy import area_scope
from services.visits.review.counting import visit_counts


@dataclass(frozen=True)
class Candidate:
    """A counted visit of the week, as the draw sees it."""

    visit_id: str
    member_id: int
    household_id: int
    has_phone: bool


def draw_seed(week: Week, area_id: int) -> str:
    return f"{week.label}/area-{area_id}"


def choose(candidates: list[Candidate], seed: str, share: float) -> list[Candidate]:
    """The sample itself: same candidates, seed and share, same result (whatever their order)."""
    rng = random.Random(seed)  # a str seed is hashed with SHA-512: the same on every machine and run
    pool = sorted((c for c in candidates if c.has_phone), key=lambda c: c.visit_id)
    chosen: dict[str, Candidate] = {}
    by_member: dict[int, list[Candidate]] = {}
    for candidate in pool:
        by_member.setdefault(candidate.member_id, []).append(candidate)
    for member_id in sorted(by_member):
        pick = rng.choice(by_member[member_id])
        chosen[pick.visit_id] = pick
    target = min(len(pool), math.ceil(share * len(pool) - 1e-9))
    rest = [c for c in pool if c.visit_id not in chosen]
    rng.shuffle(rest)
    called = {c.household_id for c in chosen.values()}
    # Households not on the list yet first, so one household is not phoned twice in a week when avoidable.
    for candidate in sorted(rest, key=lambda c: c.household_id in called):
        if len(chosen) >= target:
            break
        chosen[candidate.visit_id] = candidate
        called.add(candidate.household_id)
    return sorted(chosen.values(), key=lambda c: c.visit_id)


def candidates_by_area(session: Session, week: Week, area_id: int | None = None) -> dict[int, list[Candidate]]:
    """The week's counted visits, per household area."""
    query = (select(Visit.id, Visit.member_id, Visit.household_id, Household.area_id, Household.phone)
             .join(Household, Household.id == Visit.household_id)
             .where(visit_counts(), Visit.visited_at >= week.start, Visit.visited_at < week.end))
    if area_id is not None:
        query = query.where(Household.area_id == area_id)
    areas: dict[int, list[Candidate]] = {}
    for visit_id, member_id, household_id, area, phone in session.exec(query).all():
        areas.setdefault(area, []).append(Candidate(visit_id, member_id, household_id, bool((phone or "").strip())))
    return areas


def draw_area(session: Session, week: Week, area_id: int, candidates: list[Candidate], share: float,
              now: datetime | None = None) -> CallbackDraw:
    seed = draw_seed(week, area_id)
    chosen = choose(candidates, seed, share)
    draw = CallbackDraw(area_id=area_id, week=week.label, week_start=week.start, week_end=week.end, seed=seed,
                        share=share, visits_counted=len(candidates), drawn=len(chosen),
                        skipped_without_phone=len({c.household_id for c in candidates if not c.has_phone}),
                        created_at=now or utcnow())
    session.add(draw)
    session.flush()
    for c in chosen:
        session.add(Callback(draw_id=draw.id, visit_id=c.visit_id, household_id=c.household_id,  # type: ignore[arg-type]
                             member_id=c.member_id, area_id=area_id))
    audit.record(session, None, "callback.draw", "callbackdraw", draw.id or "")
    return draw


def draw_week(session: Session, week: Week, share: float, now: datetime | None = None) -> list[CallbackDraw]:
    """Draw the week for every area that has counted visits and no draw for it yet."""
    done = set(session.exec(select(CallbackDraw.area_id).where(CallbackDraw.week == week.label)).all())
    return [draw_area(session, week, area_id, candidates, share, now)
            for area_id, candidates in sorted(candidates_by_area(session, week).items()) if area_id not in done]


def weekly_callback_job(now: datetime) -> int:
    """Scheduled daily (services.schedule.loop): draws last week once, the first time it runs in a new week."""
    with session_scope() as session:
        return len(draw_week(session, week_before(now), get_settings().callback_share, now))


def draw_in_scope(session: Session, actor: User, draw_id: int) -> CallbackDraw:
    """A draw of an area the actor manages; any other is "not found"."""
    draw = session.exec(select(CallbackDraw).where(CallbackDraw.id == draw_id,
                                                   area_scope(session, actor, CallbackDraw.area_id))).first()
    if draw is None:
        raise NotFound(N_("Callback list not found."))
    return draw


def redraw(session: Session, actor: User, draw_id: int) -> list[str]:
    """Draw again from the visits that count now, with the stored seed and share: the visit ids.

    Equal to the stored list unless visits of that week were approved, rejected or entered since.
    """
    draw = draw_in_scope(session, actor, draw_id)
    week = parse_week(draw.week)
    candidates = candidates_by_area(session, week, draw.area_id).get(draw.area_id, [])
    return [c.visit_id for c in choose(candidates, draw.seed, draw.share)]


def drawn_visit_ids(session: Session, draw_id: int) -> list[str]:
    return sorted(session.exec(select(Callback.visit_id).where(Callback.draw_id == draw_id)).all())


def draws_visible(session: Session, actor: User, limit: int = 60) -> list[CallbackDraw]:
    """The actor's areas' draws, newest week first."""
    return list(session.exec(select(CallbackDraw).where(area_scope(session, actor, CallbackDraw.area_id))
                             .order_by(col(CallbackDraw.week).desc(), CallbackDraw.area_id).limit(limit)).all())
