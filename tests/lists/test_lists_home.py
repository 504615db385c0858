"""The start page on a phone: households first, "due soon", a volunteer's events, why a page was refused."""

from __future__ import annotations

from datetime import timedelta

from nicegui.testing import User as TestUser
from sqlmodel import Session, select

from models import Notice
from models.common import utcnow
from services.events.signups import sign_up
from services.year.field_days import quota_progress
from tests.helpers import account, element, sign_in
from tests.helpers.events import make_event
from tests.helpers.lists import _households_of


async def test_member_home_lists_households_before_events_and_field_days(user: TestUser, demo: Session) -> None:
    first = _households_of(demo, "member1")[0]
    await sign_in(user, "member1")
    search = element(user, "household-search")
    card = element(user, f"household-{first.id}")
    events = element(user, "find-events")
    # Elements are numbered in the order they are built, which is the order on the page.
    assert search.id < card.id < events.id


async def test_member_list_shows_due_soon_as_the_map_does(user: TestUser, demo: Session) -> None:
    households = _households_of(demo, "member1")
    due, fresh = households[0], households[1]
    due.last_visit_at = utcnow() - timedelta(days=25)  # the last quarter of a 30-day interval: the map's "due soon"
    fresh.last_visit_at = utcnow() - timedelta(days=5)
    demo.add_all([due, fresh])
    demo.commit()
    await sign_in(user, "member1")
    await user.should_see(marker=f"due-soon-{due.id}")
    await user.should_see("Due soon · 25 days since last visit")
    await user.should_not_see(marker=f"due-soon-{fresh.id}")


async def test_member_opening_a_coordinator_page_is_told_why(user: TestUser, demo: Session) -> None:
    await sign_in(user, "member1")
    for path in ("/map", "/admin/households"):
        await user.open(path)
        await user.should_see(marker="page-refused")
        await user.should_see("Your account cannot open that page")
    await user.open("/")
    await user.should_not_see(marker="page-refused")  # said once, not on every visit


async def test_refused_page_message_is_in_the_members_language(user: TestUser, demo: Session) -> None:
    await sign_in(user, "member1")
    await user.open("/profile")
    user.find(marker="language-switch").click()
    await user.should_see("个人资料", retries=40)  # the switch reloads the page in Chinese first
    await user.open("/map")
    await user.should_see("您的账号无法打开该页面", retries=40)


async def test_volunteer_home_lists_today_and_coming_events_with_own_sign_ups(user: TestUser, demo: Session) -> None:
    coord = account(demo, "coord")
    running = make_event(demo, coord, starts_in=timedelta(hours=-1), title="Running now")
    later_today = make_event(demo, coord, starts_in=timedelta(hours=2), title="Later today")
    next_week = make_event(demo, coord, starts_in=timedelta(days=7), title="Next week")
    volunteer = account(demo, "volunteer1")
    sign_up(demo, volunteer, next_week)
    demo.commit()
    await sign_in(user, "volunteer1")
    for event_id in (running, later_today, next_week):
        await user.should_see(marker=f"home-event-{event_id}")
    with user:
        mine = element(user, f"home-event-{next_week}")
        others = element(user, f"home-event-{later_today}")
    assert any(e.text == "You are signed up" for e in mine.descendants() if hasattr(e, "text"))
    assert not any(getattr(e, "text", "") == "You are signed up" for e in others.descendants())


async def test_member_search_narrows_the_household_list(user: TestUser, demo: Session) -> None:
    first, second = _households_of(demo, "member1")[:2]
    await sign_in(user, "member1")
    await user.should_see(marker=f"household-{second.id}")
    user.find(marker="household-search").type(first.head_name)
    await user.should_not_see(marker=f"household-{second.id}", retries=30)  # the list is read off the event loop
    await user.should_see(marker=f"household-{first.id}")
    user.find(marker="household-search").clear().type("No such household anywhere")
    await user.should_see("No households found.", retries=30)


async def test_notices_on_the_start_page_are_marked_read(user: TestUser, demo: Session) -> None:
    volunteer = account(demo, "volunteer1")
    demo.add(Notice(user_id=volunteer.id, msgid="Welcome! Your volunteer registration was approved.", link="/events"))
    demo.commit()
    await sign_in(user, "volunteer1")
    await user.should_see("Welcome! Your volunteer registration was approved.")
    user.find(marker="notices-read").click()
    await user.should_not_see(marker="notice", retries=30)  # stored off the event loop, then the page reloads
    demo.rollback()
    assert all(n.read_at is not None for n in demo.exec(select(Notice).where(Notice.user_id == volunteer.id)))


async def test_leader_behind_on_field_days_is_reminded_on_the_start_page(user: TestUser, demo: Session) -> None:
    leader = account(demo, "member1")
    leader.is_leader, leader.leader_level = True, 2
    demo.add(leader)
    demo.commit()
    progress = quota_progress(demo, leader)
    assert progress is not None
    await sign_in(user, "member1")
    if progress.behind:  # nothing is due yet in the first days of a year
        await user.should_see(marker="field-day-reminder")
        await user.should_see(f"Field days: {progress.done} of {progress.quota}")
    else:
        await user.should_not_see(marker="field-day-reminder")
