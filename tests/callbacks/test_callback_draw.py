"""The weekly callback draw: reproducible for a week, at least one visit per member, phones, area scope."""

from __future__ import annotations

import math
import random
from datetime import timedelta

from nicegui.testing import User as TestUser
from sqlmodel import Session, select

from core.config import get_settings
from models import AuditEntry, Callback, Household
from services.callbacks.draw import Candidate, choose, drawn_visit_ids, redraw
from services.callbacks.weeks import parse_week, week_before
from services.schedule.loop import run_due_jobs
from tests.helpers import account, sign_in
from tests.helpers.callbacks import counted_visits, draws_of, quiet_week, run_draw, without_phone
from tests.helpers.visit_review import COMMUNITY_A, COMMUNITY_B, coordinator_of, homes_of


def test_callback_draw_is_reproducible_and_takes_every_member_who_visited(demo: Session) -> None:
    week = quiet_week()
    members = [account(demo, f"member{i}") for i in (1, 2, 3, 4)]
    visits = {m.id: counted_visits(demo, week, m, 6) for m in members}
    no_phone_home = visits[members[0].id][0].household_id
    without_phone(no_phone_home)

    assert run_draw(week) >= 1
    draws = draws_of(demo, week)
    assert {d.area_id for d in draws} == {homes_of(demo, m)[0].area_id for m in members}
    for draw in draws:
        assert draw.seed == f"{week.label}/area-{draw.area_id}"  # recorded: the week and the area
        drawn = demo.exec(select(Callback).where(Callback.draw_id == draw.id)).all()
        in_area = [v for m in members for v in visits[m.id] if homes_of(demo, m)[0].area_id == draw.area_id]
        callable_visits = [v for v in in_area if v.household_id != no_phone_home]
        assert draw.visits_counted == len(in_area)
        assert len(drawn) == draw.drawn >= math.ceil(get_settings().callback_share * len(callable_visits))
        # Every member who visited a household with a phone is on the list at least once.
        assert {c.member_id for c in drawn} == {v.member_id for v in callable_visits}
        assert no_phone_home not in {c.household_id for c in drawn}
        skipped = 1 if any(v.household_id == no_phone_home for v in in_area) else 0
        assert draw.skipped_without_phone == skipped
        # Anyone can draw again from the same visits, with the stored seed, and get the same list.
        coord = account(demo, "coord")
        assert redraw(demo, coord, draw.id) == drawn_visit_ids(demo, draw.id)

    # Running again in the same week draws nothing new; the draw is audited.
    assert run_draw(week) == 0
    assert len(draws_of(demo, week)) == len(draws)
    assert len(demo.exec(select(AuditEntry).where(AuditEntry.action == "callback.draw")).all()) == len(draws)


def test_callback_draw_runs_with_the_scheduled_jobs_once_a_week(demo: Session) -> None:
    week = quiet_week()
    counted_visits(demo, week, account(demo, "member1"), 2)
    monday = week.end + timedelta(hours=1)
    assert run_due_jobs(monday)["callback_draw"] is True
    assert [d.week for d in draws_of(demo, week)] == [week.label]
    assert run_due_jobs(monday + timedelta(hours=5))["callback_draw"] is False  # the lease: once a day
    assert run_due_jobs(monday + timedelta(days=1, minutes=1))["callback_draw"] is True  # nothing new to draw
    assert len(draws_of(demo, week)) == 1


def test_callback_choice_depends_only_on_the_visits_the_week_and_the_area() -> None:
    pool = [Candidate(f"v{i:03d}", member_id=i % 4, household_id=i, has_phone=i % 9 != 0) for i in range(80)]
    seed = "2026-W10/area-2"
    first = choose(pool, seed, 0.1)
    shuffled = pool[:]
    random.Random(1).shuffle(shuffled)
    assert choose(shuffled, seed, 0.1) == first  # same inputs in another order: same sample
    assert {c.member_id for c in first} == {0, 1, 2, 3}
    assert len(first) == math.ceil(0.1 * sum(c.has_phone for c in pool))
    assert all(c.has_phone for c in first)
    assert choose(pool, "2026-W11/area-2", 0.1) != first  # another week, another sample


def test_callback_weeks_are_counted_in_the_organisation_time_zone() -> None:
    week = parse_week("2026-W49")
    # Monday 30 November 2026, 00:00 in Shanghai is Sunday 16:00 UTC.
    assert (week.start.isoformat(), week.end.isoformat()) == ("2026-11-29T16:00:00+00:00",
                                                              "2026-12-06T16:00:00+00:00")
    assert week_before(week.end).label == "2026-W49"
    assert week_before(week.start).label == "2026-W48"


async def test_callback_list_respects_the_area_scope(user: TestUser, demo: Session) -> None:
    week = quiet_week()
    member = account(demo, "member1")
    counted_visits(demo, week, member, 3)
    run_draw(week)
    draw = draws_of(demo, week)[0]
    other_area = COMMUNITY_B if draw.area_id == COMMUNITY_A else COMMUNITY_A
    coordinator_of(demo, other_area, "coord_other")
    coordinator_of(demo, draw.area_id, "coord_here")
    entry = demo.exec(select(Callback).where(Callback.draw_id == draw.id)).first()
    home = demo.get(Household, entry.household_id)

    await sign_in(user, "coord_other")
    await user.open(f"/callbacks/{draw.id}")
    await user.should_see("Not found")
    await user.should_not_see(draw.seed)
    await user.open("/callbacks")
    await user.should_see("No callback list yet.")

    await sign_in(user, "coord_here")
    await user.open("/callbacks")
    await user.should_see(marker=f"callback-list-{draw.id}")
    await user.open(f"/callbacks/{draw.id}")
    await user.should_see(draw.seed)
    await user.should_see(marker=f"callback-{entry.id}")
    await user.should_see(home.head_name)
    await user.should_see(home.phone)
    await user.should_see(f"by {member.name}")
    demo.rollback()
    opened = demo.exec(select(AuditEntry).where(AuditEntry.action == "callback.list.read")).all()
    assert [(e.actor_id, e.record_id) for e in opened] == [(account(demo, "coord_here").id, str(draw.id))]
