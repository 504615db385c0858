"""Request pages: raise from a visit in two taps, assign, resolve, rate; the public form and status page."""

from __future__ import annotations

import pytest
from nicegui.testing import User as TestUser
from sqlmodel import Session, select

from core.db import session_scope
from models import RequestAlert, RequestStatus, Satisfaction, ServiceRequest, Visibility
from models.common import max_length
from models.requests import PublicRequestBase, RatingBase, RequestEventBase, ServiceRequestBase
from services.rate_limits import counting as rate_limit
from services.requests.feedback import PublicRequestInput
from services.requests.tracking import add_note, assign_request, change_status, timeline
from services.visits.records import save_visit
from tests.helpers import account, answer_challenge, sign_in
from tests.helpers.request_pages import latest_request, set_value
from tests.helpers.requests import raise_from_visit, submit
from tests.helpers.visits import near_home, paired_household


@pytest.fixture(autouse=True)
def fresh_limits() -> None:
    rate_limit.reset_all()


async def test_visit_request_assign_resolve_rating_through_the_pages(user: TestUser, demo: Session) -> None:
    member1 = account(demo, "member1")
    household = paired_household(demo, member1)
    visit = save_visit(member1, near_home(household))
    await sign_in(user, "member1")
    await user.open(f"/households/{household.id}?saved={visit.id}")
    user.find(marker="raise-request").click()  # tap one
    user.find(marker="request-description").type("The stairwell light is broken")
    user.find(marker="save-request").click()  # tap two
    await user.should_see("raised.", retries=30)
    request = latest_request(demo)
    await user.should_see(f"Request #{request.id} raised.")
    assert request.visit_id == visit.id and request.household_id == household.id

    await sign_in(user, "coord")
    await user.open(f"/requests/{request.id}")
    await user.should_see("The stairwell light is broken")
    member3 = account(demo, "member3")
    set_value(user, "assignee", member3.id)
    user.find(marker="save-assign").click()
    await user.should_see("Request assigned.")

    await sign_in(user, "member3")
    await user.should_see("1 requests assigned to you")
    await user.open("/requests?view=mine")
    user.find(marker=f"request-{request.id}").click()
    await user.should_see("Change status")
    set_value(user, "new-status", RequestStatus.resolved.value)
    user.find(marker="status-note").type("A new bulb was fitted.")
    user.find(marker="save-status").click()
    await user.should_see("Status updated.")
    await user.should_see("A new bulb was fitted.")

    await sign_in(user, "member1")  # the next visit: "ask about request #…"
    await user.should_see(f"Ask about request #{request.id}")
    user.find(marker=f"rate-{request.id}").click()
    set_value(user, "rating-choice", Satisfaction.satisfied.value)
    user.find(marker="save-rating").click()
    await user.should_see("The resident's answer was recorded.", retries=30)  # saved off the event loop
    await user.should_not_see(f"Ask about request #{request.id}", retries=30)
    demo.rollback()
    stored = demo.get(ServiceRequest, request.id)
    assert stored.status == RequestStatus.resolved and not stored.awaiting_rating


async def test_public_form_gives_a_code_and_the_status_page_leaks_nothing_internal(user: TestUser,
                                                                                    demo: Session) -> None:
    await user.open("/public/request")
    set_value(user, "public-category", 1)
    user.find(marker="public-description").type("Rubbish piling up behind building 5")
    user.find(marker="public-name").type("李阿姨")
    user.find(marker="public-phone").type("13911112222")
    await answer_challenge(user)
    user.find(marker="public-send").click()
    await user.should_see("Your request was received.", retries=30)
    request = latest_request(demo)
    await user.should_see(request.tracking_code)
    assert request.contact_phone == "13911112222"

    with session_scope() as s:
        coord, member3 = account(s, "coord"), account(s, "member3")
        assign_request(s, coord, request.id, member3.id, note=f"{member3.name} knows the caretaker")
        add_note(s, coord, request.id, "Caretaker 王师傅 13700001111", Visibility.internal)
        change_status(s, coord, request.id, RequestStatus.resolved, "The rubbish was collected on Tuesday.")
        names = [coord.name, member3.name]
    await user.open(f"/public/request/{request.tracking_code}")
    await user.should_see("The rubbish was collected on Tuesday.")
    await user.should_see("Assigned to a staff member")
    for secret in ("knows the caretaker", "王师傅", "13700001111", "13911112222", "李阿姨", *names):
        await user.should_not_see(secret)
    response = await user.http_client.get(f"/public/request/{request.tracking_code}")
    for secret in ("13700001111", "13911112222", "李阿姨", *names):
        assert secret not in response.text

    set_value(user, "public-rating-choice", Satisfaction.not_satisfied.value)
    user.find(marker="public-rating-comment").type("Still smells")
    user.find(marker="public-rating-send").click()
    await user.should_see("Your request has been reopened", retries=30)
    demo.rollback()
    assert demo.get(ServiceRequest, request.id).status == RequestStatus.in_progress
    assert demo.exec(select(RequestAlert).where(RequestAlert.request_id == request.id)).one()

    await sign_in(user, "coord")
    await user.should_see(f"Request #{request.id}: the resident is not satisfied. It has been reopened.")
    alert = demo.exec(select(RequestAlert).where(RequestAlert.request_id == request.id)).one()
    user.find(marker=f"dismiss-{alert.id}").click()
    await user.should_not_see(marker=f"alert-{alert.id}", retries=30)  # dismissed off the event loop, then re-read
    demo.rollback()
    assert demo.get(RequestAlert, alert.id).dismissed_at is not None


def maxlength(user: TestUser, marker: str) -> int:
    return int(next(iter(user.find(marker=marker).elements)).props["maxlength"])


async def test_the_request_forms_limits_are_the_request_models(user: TestUser, demo: Session) -> None:
    await user.open("/public/request")
    for marker, field in (("public-description", "description"), ("public-place", "location_text"),
                          ("public-name", "contact_name"), ("public-phone", "contact_phone")):
        assert maxlength(user, marker) == max_length(PublicRequestBase, field)
    set_value(user, "public-category", 1)
    user.find(marker="public-description").type("Rubbish piling up behind building 5")
    user.find(marker="public-name").type("x" * (max_length(PublicRequestBase, "contact_name") + 1))  # as a script could
    await answer_challenge(user)
    user.find(marker="public-send").click()
    await user.should_see("A contact or location field is too long.", retries=30)
    assert latest_request(demo) is None

    request = raise_from_visit("member1")
    await sign_in(user, "coord")
    await user.open(f"/requests/{request.id}")
    limit = max_length(RequestEventBase, "note")
    for marker in ("note", "status-note", "assign-note"):
        assert maxlength(user, marker) == limit
    user.find(marker="note").type("n" * (limit + 1))
    user.find(marker="save-note").click()
    await user.should_see(f"The note is longer than {limit} characters.", retries=30)
    await user.open("/requests")
    user.find(marker="new-request").click()
    area = next(iter(user.find("Description").elements))
    assert int(area.props["maxlength"]) == max_length(ServiceRequestBase, "description")

    with session_scope() as s:
        change_status(s, account(s, "coord"), request.id, RequestStatus.resolved, "Fixed")
        assert [e.event.note for e in timeline(s, account(s, "coord"), request.id)] == ["", "Fixed"]  # nothing cut
    await user.open(f"/public/request/{request.tracking_code}")
    assert maxlength(user, "public-rating-comment") == max_length(RatingBase, "comment")


async def test_public_form_rate_limit_shows_a_clear_message(user: TestUser, demo: Session) -> None:
    for _ in range(5):
        submit(PublicRequestInput(category_id=2, description="help"), ip="127.0.0.1")  # the simulated browser's address
    await user.open("/public/request")
    set_value(user, "public-category", 2)
    user.find(marker="public-description").type("One more")
    await answer_challenge(user)
    user.find(marker="public-send").click()
    await user.should_see("Too many submissions from this connection.", retries=30)


async def test_wrong_challenge_answer_asks_a_new_question(user: TestUser, demo: Session) -> None:
    await user.open("/public/request")
    set_value(user, "public-category", 2)
    user.find(marker="public-description").type("Help")
    user.find(marker="challenge-answer").type("999")
    user.find(marker="public-send").click()
    await user.should_see("That answer is not right. Try again.", retries=30)


async def test_unknown_code_and_other_members_requests_show_not_found(user: TestUser, demo: Session) -> None:
    await user.open("/public/request/ZZZZZZZZZZ")
    await user.should_see("No request has this tracking code.")
    request = raise_from_visit("member1", text="Private matter of member1's household")
    await sign_in(user, "member2")
    await user.open(f"/requests/{request.id}")
    await user.should_see("Not found")
    await user.should_not_see("Private matter")
    await user.open("/requests")
    await user.should_not_see("Private matter")


async def test_coordinator_dashboard_shows_figures_and_exports(user: TestUser, demo: Session) -> None:
    request = raise_from_visit("member1")
    with session_scope() as s:
        change_status(s, account(s, "coord"), request.id, RequestStatus.resolved, "done")
    await sign_in(user, "coord")
    await user.open("/requests/dashboard")
    await user.should_see("Median time to close")
    await user.should_see("No ratings in this period.")
    user.find(marker="export-xlsx").click()
    xlsx = await user.download.next(timeout=20)  # made off the event loop: it arrives later
    assert xlsx.content.startswith(b"PK")
    user.find(marker="export-csv").click()
    csv = await user.download.next(timeout=20)
    assert csv.content and not csv.content.startswith(b"PK")
    await sign_in(user, "member1")
    await user.open("/requests/dashboard")
    await user.should_not_see("Median time to close")


async def test_request_photo_urls_answer_404_to_members_without_access(user: TestUser, demo: Session) -> None:
    from services.requests.tracking import add_photo_to_request
    from services.visits.records import prepare_photo
    from tests.helpers.photos import photo_bytes

    request = raise_from_visit("member1")
    with session_scope() as s:
        photo = add_photo_to_request(s, account(s, "member1"), request.id, prepare_photo(photo_bytes(0)))
    await sign_in(user, "member2")
    for path in (f"/request-photos/{photo.id}", f"/request-photos/{photo.id}/thumb"):
        assert (await user.http_client.get(path)).status_code == 404
    await sign_in(user, "member1")
    response = await user.http_client.get(f"/request-photos/{photo.id}")
    assert response.status_code == 200 and response.content.startswith(b"\xff\xd8")
