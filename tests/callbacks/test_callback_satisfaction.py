"""Satisfaction as the yardstick: counts always shown, no percentage under 5 answers, each viewer their own."""

from __future__ import annotations

from nicegui import ui
from nicegui.testing import User as TestUser
from sqlmodel import Session, select

from core.db import session_scope
from models import Callback, CallbackOutcome
from services.callbacks.calls import record_outcome
from services.callbacks.draw import draw_week
from services.org.calendar_year import current_year
from services.year.annual_record import annual_record, record_rows
from tests.helpers import account, element, sign_in
from tests.helpers.callbacks import counted_visits, quiet_week


def callbacks_for(demo: Session, username: str, visits: int) -> list[int]:
    """Every counted visit of the member in a quiet week on the callback list (share 100 %)."""
    week = quiet_week()
    counted_visits(demo, week, account(demo, username), visits)
    with session_scope() as s:
        draws = draw_week(s, week, 1.0)
        ids = [d.id for d in draws]
    demo.rollback()
    return list(demo.exec(select(Callback.id).where(Callback.draw_id.in_(ids)).order_by(Callback.id)).all())


def answer(callback_ids: list[int], scores: list[int]) -> None:
    with session_scope() as s:
        coord = account(s, "coord")
        for callback_id, score in zip(callback_ids, scores, strict=False):
            record_outcome(s, coord, callback_id, CallbackOutcome.confirmed, satisfaction=score)


def texts(user: TestUser, marker: str) -> str:
    with user:
        column = element(user, marker)
        return " | ".join(label.text for label in column.descendants() if isinstance(label, ui.label))


async def test_callback_satisfaction_shows_answers_and_no_percentage_under_five(user: TestUser, demo: Session) -> None:
    member = account(demo, "member1")
    callbacks = callbacks_for(demo, "member1", 6)
    answer(callbacks[:2], [4, 5])

    await sign_in(user, "member1")
    await user.open("/me/coverage")
    await user.should_see(marker="satisfaction-own")
    own = texts(user, "satisfaction-own")
    assert "Callbacks: 5 · 4 (2 answers)" in own
    assert "%" not in own and "average" not in own
    assert "Request ratings: No answers yet" in own

    answer(callbacks[2:5], [5, 3, 4])  # five answers: now a figure, still with its count
    await user.open("/me/coverage")
    await user.should_see(marker="satisfaction-own")
    assert "Callbacks: 80% satisfied (4 or 5), average 4.2 of 5 (5 answers)" in texts(user, "satisfaction-own")

    await sign_in(user, "member2")  # a member sees only their own figures
    await user.open("/me/coverage")
    await user.should_see(marker="satisfaction-own")
    assert "Callbacks: No answers yet" in texts(user, "satisfaction-own")
    await user.should_not_see(marker="satisfaction-members")

    await sign_in(user, "coord")  # the coordinator sees the area's, by member and by area
    await user.open("/coverage")
    await user.should_see(marker=f"satisfaction-members-{member.id}")
    assert "(5 answers)" in texts(user, f"satisfaction-members-{member.id}")

    with session_scope() as s:
        record = annual_record(s, account(s, "coord"), member.id, current_year())
    rows = dict(record_rows(record))
    assert rows["Satisfaction in callbacks"] == "80% satisfied (4 or 5), average 4.2 of 5 (5 answers)"
    assert rows["Residents' satisfaction"] == "No answers yet"
