"""Events through the pages: sign up on a phone, my activities, cut-off, check-in, roster, registration, privacy."""

from __future__ import annotations

from datetime import timedelta

from icalendar import Calendar
from nicegui.testing import User as TestUser
from sqlmodel import Session, select

from core import db
from models import Attendance, Event, Household, Signup, SignupStatus, User, VolunteerProfile
from models.common import utcnow
from services.events.attendance import check_in_with_code
from services.events.signups import sign_up
from services.schedule.loop import JOBS
from tests.helpers import account, answer_challenge, sign_in
from tests.helpers.events import event_tables, make_event


async def test_volunteer_signs_up_and_sees_it_in_my_activities(user: TestUser, demo: Session) -> None:
    event_id = make_event(demo, account(demo, "coord"), capacity=2, title="Riverbank clean-up")
    await sign_in(user, "volunteer1")
    await user.open("/events")
    await user.should_see("Riverbank clean-up")
    await user.should_see("2 of 2 places left")
    user.find(marker=f"event-{event_id}").click()
    await user.should_see(marker="sign-up")
    user.find(marker="sign-up").click()
    await user.should_see(marker="signup-confirmation")
    await user.should_see("You are signed up")
    await user.should_see("1 of 2 places left")
    await user.open("/me/activities")
    await user.should_see("Riverbank clean-up")
    await user.should_see("You are signed up")
    demo.rollback()
    assert demo.exec(select(Signup.status).where(Signup.event_id == event_id)).all() == [SignupStatus.confirmed]


async def test_full_event_offers_the_waitlist_with_position(user: TestUser, demo: Session) -> None:
    event_id = make_event(demo, account(demo, "coord"), capacity=1)
    with db.session_scope() as s:
        sign_up(s, account(demo, "member1"), event_id)
    await sign_in(user, "volunteer1")
    await user.open(f"/events/{event_id}")
    await user.should_see("Full · waitlist open")
    user.find(marker="sign-up").click()
    await user.should_see("Waitlist, position 1")
    await user.open("/me/activities")
    await user.should_see("Waitlist, position 1")


async def test_cancelling_after_the_cut_off_shows_why_and_tells_the_coordinator(user: TestUser, demo: Session) -> None:
    coord = account(demo, "coord")
    event_id = make_event(demo, coord, starts_in=timedelta(hours=1))
    with db.session_scope() as s:
        sign_up(s, account(demo, "volunteer1"), event_id)
    await sign_in(user, "volunteer1")
    await user.open(f"/events/{event_id}")
    user.find(marker="cancel-signup").click()
    await user.should_see("Cancelling closed 3 hours before the start. Tell the coordinator that you cannot come.")
    user.find(marker="cannot-come").click()
    await user.should_see("You told the coordinator that you cannot come.")
    await sign_in(user, "coord")
    await user.open(f"/admin/events/{event_id}/roster")
    await user.should_see(marker="late-cancellations")
    await user.should_see("志愿者1")


async def test_promotion_notice_and_tomorrow_reminder_on_home(user: TestUser, demo: Session) -> None:
    coord = account(demo, "coord")
    event_id = make_event(demo, coord, capacity=1, starts_in=timedelta(days=1), title="Seniors' lunch")
    with db.session_scope() as s:
        first = sign_up(s, account(demo, "volunteer2"), event_id)
        sign_up(s, account(demo, "volunteer1"), event_id)
    from services.events.signups import cancel_signup

    with db.session_scope() as s:
        cancel_signup(s, account(demo, "volunteer2"), first.id)
    await sign_in(user, "volunteer1")
    await user.should_see("A place became free: you are now confirmed for Seniors' lunch")
    demo.rollback()
    starts = demo.get(Event, event_id).starts_at
    from core.config import get_settings
    from core.i18n import to_local

    tz = get_settings().time_zone
    if to_local(starts, tz).date() == (to_local(utcnow(), tz) + timedelta(days=1)).date():
        await user.should_see(marker="tomorrow")


async def test_qr_check_in_and_coordinator_roster(user: TestUser, demo: Session) -> None:
    coord = account(demo, "coord")
    event_id = make_event(demo, coord, starts_in=timedelta(minutes=10))
    with db.session_scope() as s:
        sign_up(s, account(demo, "volunteer1"), event_id)
        sign_up(s, account(demo, "member1"), event_id)
    demo.rollback()
    code = demo.get(Event, event_id).checkin_code
    await sign_in(user, "volunteer1")
    await user.open(f"/events/{event_id}/check-in?code=wrong")
    await user.should_see("This check-in code is not valid.")
    await user.open(f"/events/{event_id}/check-in?code={code}")
    await user.should_see(marker="checked-in")
    await sign_in(user, "coord")
    await user.open(f"/admin/events/{event_id}/roster")
    await user.should_see("Attended: 1")
    user.find(marker="show-qr").click()
    await user.should_see(marker="qr-code")
    member_signup = demo.exec(select(Signup).where(Signup.event_id == event_id,
                                                   Signup.user_id == account(demo, "member1").id)).one()
    user.find(marker=f"present-{member_signup.id}").click()
    await user.should_see("Attended: 2")
    demo.rollback()
    assert len(demo.exec(select(Attendance).where(Attendance.event_id == event_id)).all()) == 2


async def test_opening_an_ended_events_roster_writes_nothing_and_the_job_closes_it(user: TestUser,
                                                                                  demo: Session) -> None:
    coord = account(demo, "coord")
    event_id = make_event(demo, coord, starts_in=timedelta(hours=-4), hours=3)  # ended an hour ago
    demo.rollback()
    event = demo.get(Event, event_id)
    came, stayed_away = account(demo, "volunteer1"), account(demo, "volunteer2")
    with db.session_scope() as s:
        sign_up(s, came, event_id, now=event.starts_at - timedelta(days=1))
        sign_up(s, stayed_away, event_id, now=event.starts_at - timedelta(days=1))
    with db.session_scope() as s:  # checked in, never checked out
        check_in_with_code(s, came, event_id, event.checkin_code, now=event.starts_at + timedelta(minutes=5))
    await sign_in(user, "coord")
    before = event_tables(demo)
    await user.open(f"/admin/events/{event_id}/roster")
    await user.should_see("Attended: 1 · No-show: 1")  # what closing will record, shown before it is
    assert event_tables(demo) == before
    assert demo.get(Event, event_id).attendance_closed_at is None

    closing = next(job for name, _interval, job in JOBS if name == "attendance")
    assert closing(utcnow()) == 1
    demo.rollback()
    assert demo.get(Event, event_id).attendance_closed_at is not None
    records = {a.user_id: a for a in demo.exec(select(Attendance).where(Attendance.event_id == event_id))}
    assert records[came.id].checked_out_at == event.ends_at and not records[came.id].no_show
    assert records[stayed_away.id].no_show
    await user.open(f"/admin/events/{event_id}/roster")
    await user.should_see("Attended: 1 · No-show: 1")


async def test_coordinator_creates_an_event_with_roles(user: TestUser, demo: Session) -> None:
    await sign_in(user, "coord")
    await user.open("/admin/events/new")
    user.find(marker="title").type("Flu jab day")
    user.find(marker="address").type("锦江社区服务中心")
    user.find(marker="add-role").click()
    user.find(marker="role-name-0").type("Registration desk")
    user.find(marker="add-role").click()
    user.find(marker="role-name-1").type("Home visits")
    user.find(marker="save-event").click()
    await user.should_see(marker="event-title", retries=100)  # the saved event's page (the form has no such mark)
    await user.should_see("Flu jab day")
    demo.rollback()
    event = demo.exec(select(Event).where(Event.title == "Flu jab day")).one()
    assert event.capacity == 2


async def test_ics_download_and_public_feed(user: TestUser, demo: Session) -> None:
    event_id = make_event(demo, account(demo, "coord"), title="Book swap")
    from services.events.calendar import feed_token

    with db.session_scope() as s:
        sign_up(s, account(demo, "volunteer1"), event_id)
        token = feed_token(s, account(demo, "volunteer1"))
    await sign_in(user, "volunteer1")
    response = await user.http_client.get(f"/events/{event_id}.ics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/calendar")
    assert str(Calendar.from_ical(response.content).walk("VEVENT")[0]["summary"]) == "Book swap"
    await user.http_client.get("/logout")
    feed = await user.http_client.get(f"/calendar/{token}.ics")
    assert feed.status_code == 200 and b"Book swap" in feed.content
    assert (await user.http_client.get("/calendar/guessed-token.ics")).status_code == 404


async def test_volunteer_registers_and_coordinator_approves(user: TestUser, demo: Session) -> None:
    await user.open("/register")
    user.find(marker="reg-name").type("赵小青")
    user.find(marker="reg-phone").type("13512345678")
    user.find(marker="reg-area").click()
    user.find("锦江社区").click()
    user.find(marker="reg-password").type("a-long-secret-1")
    user.find(marker="reg-password2").type("a-long-secret-1")
    user.find(marker="register").click()
    await user.should_see("Please agree to the privacy notice to register.", retries=20)
    user.find(marker="reg-consent").click()
    await answer_challenge(user)
    user.find(marker="register").click()
    await user.should_see(marker="registered", retries=40)
    demo.rollback()
    applicant = demo.exec(select(User).where(User.phone == "13512345678")).one()
    assert not applicant.active and demo.get(VolunteerProfile, applicant.id).consent_at is not None
    await sign_in(user, "coord")
    await user.open("/admin/volunteers")
    await user.should_see("赵小青")
    user.find(marker=f"approve-{applicant.id}").click()
    await user.should_see("Nobody is waiting.")
    await sign_in(user, "13512345678", "a-long-secret-1")
    await user.open("/events")
    await user.should_see("Events")


async def test_volunteer_never_sees_household_data(user: TestUser, demo: Session) -> None:
    event_id = make_event(demo, account(demo, "coord"))
    household = demo.exec(select(Household)).first()
    await sign_in(user, "volunteer1")
    await user.open(f"/events/{event_id}")
    await user.should_see(marker="event-title")
    await user.should_not_see(household.head_name)
    for path in ("/visits", "/map", "/admin/households", f"/households/{household.id}",
                 f"/admin/households/{household.id}"):
        # Pages send their elements in the first HTML: the names must not be anywhere in it.
        # (/admin/households may not exist in this branch: a 404 shows nothing either.)
        response = await user.http_client.get(path, follow_redirects=True)
        assert response.status_code in (200, 404)
        assert household.head_name not in response.text and household.address not in response.text
    await user.open(f"/households/{household.id}")
    await user.should_see("Welcome")  # sent back to the start page
    await user.should_not_see(household.head_name)
    data = (await user.http_client.get("/api/v1/map-data")).json()
    assert data["features"] == []
    await user.open("/me/activities")
    await user.should_not_see(household.head_name)


async def test_volunteer_closes_their_account(user: TestUser, demo: Session) -> None:
    event_id = make_event(demo, account(demo, "coord"))
    volunteer = account(demo, "volunteer2")
    with db.session_scope() as s:
        signup = sign_up(s, volunteer, event_id)
    await sign_in(user, "volunteer2")
    await user.open("/me/activities")
    user.find("Close my account").click()
    user.find(marker="close-account").click()
    await user.should_see("Sign in", retries=20)
    demo.rollback()
    closed = demo.get(User, volunteer.id)
    assert closed.phone is None and not closed.active and closed.name == "Former volunteer"
    assert demo.get(Signup, signup.id).status == SignupStatus.cancelled
