"""Someone who arrives late can still sign up while places remain; a coordinator adds walk-ins from the roster."""

from __future__ import annotations

from datetime import timedelta

import pytest
from nicegui.testing import User as TestUser
from sqlmodel import Session, select

from models import AuditEntry, Event, Signup, SignupStatus, User
from services.errors import InvalidInput
from services.events.signups import sign_up
from services.events.walk_ins.roster import add_walk_in
from tests.helpers import account, sign_in
from tests.helpers.events import make_event, make_volunteers


def test_sign_up_after_the_start_while_places_remain(demo: Session) -> None:
    event_id = make_event(demo, account(demo, "coord"), capacity=2, starts_in=timedelta(minutes=-30))
    signup = sign_up(demo, account(demo, "volunteer1"), event_id)
    assert signup.status == SignupStatus.confirmed


def test_no_waitlist_once_started_and_none_after_the_end(demo: Session) -> None:
    coord = account(demo, "coord")
    full = make_event(demo, coord, capacity=1, starts_in=timedelta(minutes=-30))
    sign_up(demo, account(demo, "volunteer1"), full)
    with pytest.raises(InvalidInput, match="no places left"):
        sign_up(demo, account(demo, "volunteer2"), full)
    ended = make_event(demo, coord, starts_in=timedelta(hours=-4), hours=3)
    with pytest.raises(InvalidInput, match="ended"):
        sign_up(demo, account(demo, "volunteer2"), ended)


async def test_late_volunteer_sees_the_sign_up_button(user: TestUser, demo: Session) -> None:
    event_id = make_event(demo, account(demo, "coord"), starts_in=timedelta(minutes=-30), title="Started")
    await sign_in(user, "volunteer1")
    await user.open(f"/events/{event_id}")
    user.find(marker="sign-up").click()
    await user.should_see("You are signed up")


def test_walk_in_finds_an_existing_volunteer_by_phone_and_checks_them_in(demo: Session) -> None:
    coord = account(demo, "coord")
    event_id = make_event(demo, coord, starts_in=timedelta(minutes=-10))
    added = add_walk_in(demo, coord, event_id, "137 0000 0001")
    demo.commit()
    assert not added.created and added.person.username == "volunteer1"
    assert added.signup.status == SignupStatus.confirmed
    assert demo.exec(select(AuditEntry).where(AuditEntry.action == "signup.walk_in")).one().actor_id == coord.id
    assert demo.get(Event, event_id).confirmed_count == 1


def test_walk_in_creates_a_volunteer_for_a_new_phone_number(demo: Session) -> None:
    coord = account(demo, "coord")
    event_id = make_event(demo, coord, starts_in=timedelta(minutes=-10))
    with pytest.raises(InvalidInput, match="name"):
        add_walk_in(demo, coord, event_id, "13612345678")
    demo.rollback()
    added = add_walk_in(demo, coord, event_id, "13612345678", "赵新来")
    demo.commit()
    person = demo.exec(select(User).where(User.phone == "13612345678")).one()
    assert added.created and person.name == "赵新来" and person.role.value == "volunteer"
    actions = {a.action for a in demo.exec(select(AuditEntry).where(AuditEntry.actor_id == coord.id))}
    assert {"user.create", "signup.walk_in", "attendance.present"} <= actions


def test_walk_in_respects_places_and_the_coordinators_area(demo: Session) -> None:
    coord = account(demo, "coord")
    event_id = make_event(demo, coord, capacity=1, starts_in=timedelta(minutes=-10))
    crowd = make_volunteers(demo, 1)
    sign_up(demo, demo.get(User, crowd[0]), event_id)
    demo.commit()
    with pytest.raises(InvalidInput, match="no places left"):
        add_walk_in(demo, coord, event_id, "13700000002")
    demo.rollback()
    assert len(demo.exec(select(Signup).where(Signup.event_id == event_id)).all()) == 1


async def test_coordinator_adds_a_walk_in_on_the_roster(user: TestUser, demo: Session) -> None:
    event_id = make_event(demo, account(demo, "coord"), starts_in=timedelta(minutes=-10))
    await sign_in(user, "coord")
    await user.open(f"/admin/events/{event_id}/roster")
    user.find(marker="walk-in-phone").type("13700000002")
    user.find(marker="walk-in-add").click()
    await user.should_see("志愿者2 is checked in.")
    await user.should_see("志愿者2")
