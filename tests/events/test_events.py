"""Event sign-ups: capacity under concurrency, waitlist promotion, cut-off, hours, calendar files."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from icalendar import Calendar
from sqlmodel import Session, func, select

from core import db
from models import Attendance, Event, Notice, Signup, SignupStatus, User
from models.common import utcnow
from services.errors import InvalidInput, NotFound
from services.events.attendance import (
    attendance_hours,
    attendance_job,
    check_in_with_code,
    check_out,
    close_attendance,
    correct_hours,
    hours_by_person,
    roster,
    roster_table,
    set_present,
    to_csv,
    to_xlsx,
)
from services.events.calendar import event_ics, feed_token, personal_feed
from services.events.catalogue import EventFilters, cancel_event, duplicate_event, upcoming_events
from services.events.signups import cancel_signup, my_activities, report_late_cancellation, sign_up, waitlist_position
from services.events.view import personal_event
from services.notifications import notices_for
from tests.helpers import account
from tests.helpers.events import concurrent_sign_ups, make_event, make_volunteers


def fresh(session: Session) -> Session:
    session.rollback()  # see what the code under test committed
    return session


def test_twenty_concurrent_sign_ups_for_five_places_on_sqlite(demo: Session) -> None:
    event_id = make_event(demo, account(demo, "coord"), capacity=5)
    users = make_volunteers(demo, 20)
    statuses = concurrent_sign_ups(db.get_engine(), event_id, users)
    assert Counter(statuses) == {SignupStatus.confirmed: 5, SignupStatus.waitlisted: 15}
    fresh(demo)
    assert demo.get(Event, event_id).confirmed_count == 5
    confirmed = demo.exec(select(func.count(Signup.id)).where(Signup.event_id == event_id,
                                                              Signup.status == SignupStatus.confirmed)).one()
    assert confirmed == 5
    positions = sorted(waitlist_position(demo, s) for s in demo.exec(
        select(Signup).where(Signup.event_id == event_id, Signup.status == SignupStatus.waitlisted)))
    assert positions == list(range(1, 16))


def test_double_tap_books_once(demo: Session) -> None:
    event_id = make_event(demo, account(demo, "coord"), capacity=5)
    volunteer = account(demo, "volunteer1")
    with db.session_scope() as s:
        first = sign_up(s, volunteer, event_id)
    with db.session_scope() as s:
        second = sign_up(s, volunteer, event_id)
    assert first.id == second.id
    fresh(demo)
    assert demo.get(Event, event_id).confirmed_count == 1


def test_cancellation_promotes_the_first_waitlisted_and_tells_them(demo: Session) -> None:
    event_id = make_event(demo, account(demo, "coord"), capacity=1)
    first, second, third = (account(demo, n) for n in ("volunteer1", "volunteer2", "member1"))
    with db.session_scope() as s:
        place = sign_up(s, first, event_id)
        waiting = sign_up(s, second, event_id)
        later = sign_up(s, third, event_id)
    assert (place.status, waiting.status, later.status) == (
        SignupStatus.confirmed, SignupStatus.waitlisted, SignupStatus.waitlisted)
    with db.session_scope() as s:
        cancel_signup(s, first, place.id)
    fresh(demo)
    assert demo.get(Signup, waiting.id).status == SignupStatus.confirmed
    assert demo.get(Signup, later.id).status == SignupStatus.waitlisted
    assert waitlist_position(demo, demo.get(Signup, later.id)) == 1
    assert demo.get(Event, event_id).confirmed_count == 1
    notices = notices_for(demo, second)
    assert len(notices) == 1 and "you are now confirmed" in notices[0].msgid
    assert notices_for(demo, third) == []


def test_roles_have_their_own_capacity_and_waitlist(demo: Session) -> None:
    event_id = make_event(demo, account(demo, "coord"), roles=[("Registration desk", 1), ("Home visits", 2)])
    fresh(demo)
    event = demo.get(Event, event_id)
    assert event.capacity == 3
    from services.events.catalogue import roles_of

    desk, visits = roles_of(demo, event_id)
    users = [account(demo, n) for n in ("volunteer1", "volunteer2", "member1")]
    with db.session_scope() as s:
        with pytest.raises(InvalidInput):
            sign_up(s, users[0], event_id)  # must choose a role
    with db.session_scope() as s:
        a = sign_up(s, users[0], event_id, desk.id)
        b = sign_up(s, users[1], event_id, desk.id)
        c = sign_up(s, users[2], event_id, visits.id)
    assert (a.status, b.status, c.status) == (SignupStatus.confirmed, SignupStatus.waitlisted, SignupStatus.confirmed)
    with db.session_scope() as s:
        cancel_signup(s, users[2], c.id)  # a home-visits place frees nothing at the desk
    fresh(demo)
    assert demo.get(Signup, b.id).status == SignupStatus.waitlisted
    with db.session_scope() as s:
        cancel_signup(s, users[0], a.id)
    fresh(demo)
    assert demo.get(Signup, b.id).status == SignupStatus.confirmed


def test_cancelling_after_the_cut_off_is_refused_and_shown_to_the_coordinator(demo: Session) -> None:
    coord = account(demo, "coord")
    event_id = make_event(demo, coord, capacity=2, starts_in=timedelta(hours=2))  # default cut-off: 3 hours
    volunteer = account(demo, "volunteer1")
    with db.session_scope() as s:
        signup = sign_up(s, volunteer, event_id)
    with db.session_scope() as s, pytest.raises(InvalidInput) as refused:
        cancel_signup(s, volunteer, signup.id)
    assert refused.value.params == {"hours": "3"}
    assert "Cancelling closed {hours} hours before the start" in refused.value.message
    with db.session_scope() as s:
        report_late_cancellation(s, volunteer, signup.id)
    fresh(demo)
    assert demo.get(Signup, signup.id).status == SignupStatus.confirmed
    rows = roster(demo, coord, event_id)
    assert [r.late_cancel for r in rows] == [True]
    with db.session_scope() as s:  # the coordinator can still take the name off
        cancel_signup(s, coord, signup.id)
    fresh(demo)
    assert demo.get(Signup, signup.id).status == SignupStatus.cancelled


def test_cut_off_is_configurable(demo: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    from core.config import get_settings

    monkeypatch.setattr(get_settings(), "event_cancel_cutoff_hours", 1.0)
    event_id = make_event(demo, account(demo, "coord"), starts_in=timedelta(hours=2))
    volunteer = account(demo, "volunteer1")
    with db.session_scope() as s:
        signup = sign_up(s, volunteer, event_id)
    with db.session_scope() as s:
        assert cancel_signup(s, volunteer, signup.id).status == SignupStatus.cancelled


def test_leaving_the_waitlist_is_allowed_after_the_cut_off(demo: Session) -> None:
    event_id = make_event(demo, account(demo, "coord"), capacity=1, starts_in=timedelta(hours=1))
    with db.session_scope() as s:
        sign_up(s, account(demo, "volunteer1"), event_id)
        waiting = sign_up(s, account(demo, "volunteer2"), event_id)
    with db.session_scope() as s:
        assert cancel_signup(s, account(demo, "volunteer2"), waiting.id).status == SignupStatus.cancelled


def test_hours_from_check_in_and_check_out(demo: Session) -> None:
    coord = account(demo, "coord")
    event_id = make_event(demo, coord, capacity=3, starts_in=timedelta(minutes=30), hours=3)
    fresh(demo)
    event = demo.get(Event, event_id)
    volunteer, other = account(demo, "volunteer1"), account(demo, "volunteer2")
    with db.session_scope() as s:
        mine = sign_up(s, volunteer, event_id)
        theirs = sign_up(s, other, event_id)
    with db.session_scope() as s, pytest.raises(InvalidInput):
        check_in_with_code(s, volunteer, event_id, "wrong-code", now=event.starts_at)
    with db.session_scope() as s:  # early arrival counts from the start
        check_in_with_code(s, volunteer, event_id, event.checkin_code, now=event.starts_at - timedelta(minutes=20))
    with db.session_scope() as s:
        check_out(s, volunteer, event_id, now=event.starts_at + timedelta(hours=2, minutes=30))
    with db.session_scope() as s:
        close_attendance(s, s.get(Event, event_id), now=event.ends_at + timedelta(minutes=1))
    fresh(demo)
    record = demo.exec(select(Attendance).where(Attendance.signup_id == mine.id)).one()
    assert attendance_hours(record, event) == 2.5
    no_show = demo.exec(select(Attendance).where(Attendance.signup_id == theirs.id)).one()
    assert no_show.no_show and attendance_hours(no_show, event) == 0
    states = {r.name: r.state for r in roster(demo, coord, event_id, now=event.ends_at + timedelta(hours=1))}
    assert states == {volunteer.name: "attended", other.name: "no_show"}
    with db.session_scope() as s, pytest.raises(InvalidInput):
        correct_hours(s, coord, theirs.id, 3, "")  # a correction needs a reason
    with db.session_scope() as s:
        correct_hours(s, coord, theirs.id, 3, "Came without scanning; signed the paper list")
    fresh(demo)
    totals = {p.name: p.hours for p in hours_by_person(demo, coord, event.starts_at - timedelta(days=1),
                                                       event.starts_at + timedelta(days=1),
                                                       now=event.ends_at + timedelta(hours=1))}
    assert totals == {volunteer.name: 2.5, other.name: 3.0}
    activities = my_activities(demo, volunteer, now=event.ends_at + timedelta(hours=1))
    assert activities.hours_this_year == 2.5 and activities.past[0].attended


def test_open_check_in_closes_at_the_end_and_coordinator_ticks(demo: Session) -> None:
    coord = account(demo, "coord")
    event_id = make_event(demo, coord, capacity=3, starts_in=timedelta(minutes=30), hours=2)
    fresh(demo)
    event = demo.get(Event, event_id)
    volunteer, other = account(demo, "volunteer1"), account(demo, "volunteer2")
    with db.session_scope() as s:
        sign_up(s, volunteer, event_id)
        ticked = sign_up(s, other, event_id)
    with db.session_scope() as s:
        check_in_with_code(s, volunteer, event_id, event.checkin_code, now=event.starts_at + timedelta(hours=1))
    with db.session_scope() as s:  # ticked from the paper list the day after
        set_present(s, coord, ticked.id, True, now=event.ends_at + timedelta(days=1))
    with db.session_scope() as s:
        close_attendance(s, s.get(Event, event_id), now=event.ends_at + timedelta(days=1))
    fresh(demo)
    hours = {r.name: r.hours for r in roster(demo, coord, event_id, now=event.ends_at + timedelta(days=1))}
    assert hours == {volunteer.name: 1.0, other.name: 2.0}


def test_the_scheduled_job_closes_ended_events_and_the_figures_do_not_wait_for_it(demo: Session) -> None:
    coord = account(demo, "coord")
    event_id = make_event(demo, coord, capacity=3, starts_in=timedelta(minutes=30), hours=2)
    later = make_event(demo, coord, starts_in=timedelta(days=2))
    fresh(demo)
    event = demo.get(Event, event_id)
    came, away = account(demo, "volunteer1"), account(demo, "volunteer2")
    with db.session_scope() as s:
        sign_up(s, came, event_id)
        sign_up(s, away, event_id)
    with db.session_scope() as s:
        check_in_with_code(s, came, event_id, event.checkin_code, now=event.starts_at)
    after = event.ends_at + timedelta(hours=1)
    fresh(demo)
    period = (event.starts_at - timedelta(days=1), event.starts_at + timedelta(days=1))
    before_closing = hours_by_person(demo, coord, *period, now=after)
    states = {r.name: r.state for r in roster(demo, coord, event_id, now=after)}
    assert states == {came.name: "attended", away.name: "no_show"}

    assert attendance_job(after) == 1  # the ended event only; the later one is left alone
    assert attendance_job(after) == 0  # closed once
    fresh(demo)
    assert demo.get(Event, event_id).attendance_closed_at is not None
    assert demo.get(Event, later).attendance_closed_at is None
    records = {a.user_id: a for a in demo.exec(select(Attendance).where(Attendance.event_id == event_id))}
    assert records[came.id].checked_out_at == event.ends_at and records[away.id].no_show
    assert hours_by_person(demo, coord, *period, now=after) == before_closing
    assert {p.name: (p.hours, p.no_shows) for p in before_closing} == {came.name: (2.0, 0), away.name: (0.0, 1)}
    assert {r.name: r.state for r in roster(demo, coord, event_id, now=after)} == states


def test_event_choices_say_what_a_volunteer_may_do_and_until_when(demo: Session) -> None:
    coord = account(demo, "coord")
    event_id = make_event(demo, coord, capacity=1, starts_in=timedelta(hours=5), hours=2)
    fresh(demo)
    event = demo.get(Event, event_id)
    volunteer, other = account(demo, "volunteer1"), account(demo, "volunteer2")
    start = event.starts_at

    def choices(who: User, at):
        fresh(demo)
        seen = personal_event(demo, who, event_id, now=at)
        assert seen is not None
        return seen.choices

    ahead = choices(volunteer, start - timedelta(hours=4))
    assert ahead.open_to_them and ahead.may_sign_up and not ahead.joins_waitlist and ahead.closed_reason is None
    assert not ahead.may_cancel and not ahead.may_check_in
    assert not choices(coord, start).open_to_them  # coordinators manage, they do not sign up
    with db.session_scope() as s:
        sign_up(s, volunteer, event_id)
    mine = choices(volunteer, start - timedelta(hours=4))
    assert not mine.may_sign_up and mine.may_cancel and mine.cancel_until == start - timedelta(hours=3)
    assert not mine.may_check_in and not mine.may_check_out
    waiting = choices(other, start - timedelta(hours=4))
    assert waiting.may_sign_up and waiting.joins_waitlist
    late = choices(volunteer, start - timedelta(minutes=30))  # past the cut-off, check-in open
    assert late.cancel_until is None and late.may_cancel and late.may_check_in
    with db.session_scope() as s:
        check_in_with_code(s, volunteer, event_id, event.checkin_code, now=start + timedelta(minutes=5))
    running = choices(volunteer, start + timedelta(minutes=10))
    assert not running.may_cancel and not running.may_check_in and running.may_check_out
    full_and_started = choices(other, start + timedelta(minutes=10))
    assert full_and_started.closed_reason == "This event has started and has no places left."
    assert not full_and_started.may_sign_up
    ended = choices(volunteer, event.ends_at)
    assert not ended.may_check_out and ended.closed_reason == "This event has ended."


def test_roster_exports(demo: Session) -> None:
    coord = account(demo, "coord")
    event_id = make_event(demo, coord, capacity=1)
    with db.session_scope() as s:
        sign_up(s, account(demo, "volunteer1"), event_id)
        sign_up(s, account(demo, "volunteer2"), event_id)
    fresh(demo)
    table = roster_table(roster(demo, coord, event_id))
    assert [row[3] for row in table[1:]] == ["Signed up", "Waitlisted"]
    assert to_csv(table).decode("utf-8-sig").splitlines()[0].startswith("Name,Phone,Role,Status")
    assert to_xlsx(table)[:2] == b"PK"


def test_member_cannot_manage_and_others_cannot_see_rosters(demo: Session) -> None:
    event_id = make_event(demo, account(demo, "coord"))
    fresh(demo)
    with pytest.raises(NotFound):
        roster(demo, account(demo, "volunteer1"), event_id)
    with pytest.raises(NotFound):
        roster(demo, account(demo, "member1"), event_id)


def test_audience_and_deadline(demo: Session) -> None:
    coord = account(demo, "coord")
    members_only = make_event(demo, coord, audience="members")
    closed = make_event(demo, coord, signup_deadline=utcnow() - timedelta(hours=1))
    fresh(demo)
    volunteer = account(demo, "volunteer1")
    assert members_only not in [r.event.id for r in upcoming_events(demo, volunteer)]
    with db.session_scope() as s, pytest.raises(NotFound):
        sign_up(s, volunteer, members_only)
    with db.session_scope() as s, pytest.raises(InvalidInput):
        sign_up(s, volunteer, closed)
    with db.session_scope() as s:
        assert sign_up(s, account(demo, "member1"), members_only).status == SignupStatus.confirmed


def test_filters_places_left_and_near(demo: Session) -> None:
    coord = account(demo, "coord")
    full = make_event(demo, coord, capacity=1, title="Full")
    far = make_event(demo, coord, title="Far away", lat=31.23, lng=121.47)
    with db.session_scope() as s:
        sign_up(s, account(demo, "member1"), full)
    fresh(demo)
    volunteer = account(demo, "volunteer1")
    open_ids = [r.event.id for r in upcoming_events(demo, volunteer, EventFilters(places_left_only=True))]
    assert full not in open_ids and far in open_ids
    near_ids = [r.event.id for r in upcoming_events(demo, volunteer, EventFilters(near=(30.65, 104.09)))]
    assert full in near_ids and far not in near_ids


def test_cancel_and_duplicate_event(demo: Session) -> None:
    coord = account(demo, "coord")
    event_id = make_event(demo, coord, roles=[("Desk", 2)])
    volunteer = account(demo, "volunteer1")
    from services.events.catalogue import roles_of

    fresh(demo)
    with db.session_scope() as s:
        sign_up(s, volunteer, event_id, roles_of(s, event_id)[0].id)
    with db.session_scope() as s:
        copy = duplicate_event(s, coord, event_id)
        cancel_event(s, coord, event_id)
    fresh(demo)
    assert demo.get(Event, copy.id).confirmed_count == 0
    assert [r.name for r in roles_of(demo, copy.id)] == ["Desk"]
    assert demo.get(Event, copy.id).checkin_code != demo.get(Event, event_id).checkin_code
    assert demo.exec(select(Signup.status).where(Signup.event_id == event_id)).all() == [SignupStatus.cancelled]
    assert "cancelled" in notices_for(demo, volunteer)[0].msgid


def test_event_ics_and_personal_feed_parse(demo: Session) -> None:
    event_id = make_event(demo, account(demo, "coord"), title="Winter coats drive")
    volunteer = account(demo, "volunteer1")
    with db.session_scope() as s:
        sign_up(s, volunteer, event_id)
        token = feed_token(s, volunteer)
    fresh(demo)
    event = demo.get(Event, event_id)
    parsed = Calendar.from_ical(event_ics(event, "https://doorstep.example"))
    item = parsed.walk("VEVENT")[0]
    assert str(item["summary"]) == "Winter coats drive"
    assert item.decoded("dtstart") == event.starts_at
    assert str(item["url"]) == f"https://doorstep.example/events/{event_id}"
    feed = Calendar.from_ical(personal_feed(demo, token))
    assert [str(e["summary"]) for e in feed.walk("VEVENT")] == ["Winter coats drive"]
    with pytest.raises(NotFound):
        personal_feed(demo, "not-a-token")


def test_volunteer_registration_approval_and_closing(demo: Session) -> None:
    from models import VolunteerProfile
    from services.accounts.auth import authenticate
    from services.accounts.volunteers import (
        RegistrationForm,
        close_own_account,
        decide_volunteer,
        pending_volunteers,
        register_volunteer,
        set_auto_approve,
    )

    coord = account(demo, "coord")
    form = RegistrationForm(name="李志愿", phone="13612345678", area_id=2, skills="first aid",
                            availability="weekends", password="a-long-secret-1", consent=True)
    with db.session_scope() as s, pytest.raises(InvalidInput):
        register_volunteer(s, form.model_copy(update={"consent": False}))
    with db.session_scope() as s:
        user, approved = register_volunteer(s, form)
    assert not approved
    with db.session_scope() as s, pytest.raises(InvalidInput):
        authenticate(s, "13612345678", "a-long-secret-1")  # pending: cannot sign in yet
    fresh(demo)
    assert [a.user.name for a in pending_volunteers(demo, coord)] == ["李志愿"]
    with db.session_scope() as s:
        decide_volunteer(s, coord, user.id, approve=True)
    with db.session_scope() as s:
        volunteer = authenticate(s, "13612345678", "a-long-secret-1")
    event_id = make_event(demo, coord)
    with db.session_scope() as s:
        signup = sign_up(s, volunteer, event_id)
    with db.session_scope() as s:
        close_own_account(s, s.get(User, volunteer.id))
    fresh(demo)
    closed = demo.get(User, volunteer.id)
    assert (closed.name, closed.phone, closed.active) == ("Former volunteer", None, False)
    assert "13612345678" not in closed.username
    assert demo.get(VolunteerProfile, volunteer.id).skills == ""
    assert demo.get(Signup, signup.id) is not None  # the anonymous count stays
    assert demo.get(Event, event_id).confirmed_count == 0
    with db.session_scope() as s:  # a community set to accept registrations directly
        set_auto_approve(s, coord, 3, True)
    with db.session_scope() as s:
        _user, approved = register_volunteer(s, form.model_copy(update={"phone": "13687654321", "area_id": 3}))
    assert approved


def test_notices_are_private(demo: Session) -> None:
    event_id = make_event(demo, account(demo, "coord"), capacity=1)
    with db.session_scope() as s:
        first = sign_up(s, account(demo, "volunteer1"), event_id)
        sign_up(s, account(demo, "volunteer2"), event_id)
    with db.session_scope() as s:
        cancel_signup(s, account(demo, "volunteer1"), first.id)
    fresh(demo)
    assert notices_for(demo, account(demo, "volunteer1")) == []
    assert demo.exec(select(func.count(Notice.id))).one() == 1


BAD_TITLE = "Coats\rX-INJECTED:1\x1b"  # no NUL: PostgreSQL cannot store one, and the form refuses it anyway


def test_event_titles_with_control_characters_are_refused(demo: Session) -> None:
    for title in ("Coats\rdrive", "Coats\ndrive", "Coats\x00"):
        with pytest.raises(InvalidInput):
            make_event(demo, account(demo, "coord"), title=title)


def test_calendar_feed_survives_one_event_with_a_carriage_return_in_its_title(demo: Session) -> None:
    good, bad = (make_event(demo, account(demo, "coord"), title=t) for t in ("Winter coats drive", "Placeholder"))
    volunteer = account(demo, "volunteer1")
    with db.session_scope() as s:
        for event_id in (good, bad):
            sign_up(s, volunteer, event_id)
        s.get(Event, bad).title = BAD_TITLE  # as a row written before titles were checked
        token = feed_token(s, volunteer)
    fresh(demo)
    for ics in (personal_feed(demo, token), event_ics(demo.get(Event, bad))):
        assert b"\rX-INJECTED" not in ics and b"\x00" not in ics
        parsed = Calendar.from_ical(ics)
        assert "X-INJECTED" not in [k for e in parsed.walk() for k in e]
    summaries = [str(e["summary"]) for e in Calendar.from_ical(personal_feed(demo, token)).walk("VEVENT")]
    assert summaries[0] == "Winter coats drive" and summaries[1].startswith("Coats") and len(summaries) == 2
