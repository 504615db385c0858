"""Builders for the callback tests: a quiet past week with counted visits, and its draw."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from core.db import session_scope
from models import CallbackDraw, Household, User, Visit
from models.common import utcnow
from services.callbacks.draw import weekly_callback_job
from services.callbacks.weeks import Week, week_before
from tests.helpers.visit_review import homes_of, store, visit_input


def quiet_week() -> Week:
    """A week long before the demo's visits (3-90 days old): only the test's visits are in it."""
    return week_before(utcnow() - timedelta(weeks=30))


def counted_visits(session: Session, week: Week, member: User, count: int, first_day: int = 0) -> list[Visit]:
    """``count`` verified visits by ``member`` to their households, one a day from ``first_day`` of the week."""
    homes = homes_of(session, member)
    visits = []
    for i in range(count):
        when = week.start + timedelta(days=(first_day + i) % 7, hours=3)
        visit = store(member, visit_input(homes[i % len(homes)], "verified", when=when),
                      now=when + timedelta(hours=1))
        assert visit.counts, visit.signals
        visits.append(visit)
    return visits


def without_phone(household_id: int) -> None:
    with session_scope() as s:
        home = s.get(Household, household_id)
        home.phone = None  # type: ignore[union-attr]
        s.add(home)


def run_draw(week: Week) -> int:
    """The scheduled job, run in the week after ``week``."""
    return weekly_callback_job(week.end + timedelta(days=1, hours=2))


def draws_of(session: Session, week: Week) -> list[CallbackDraw]:
    session.rollback()
    return list(session.exec(select(CallbackDraw).where(CallbackDraw.week == week.label)
                             .order_by(CallbackDraw.area_id)).all())
