"""A member logs a visit through the pages; nobody sees what is not theirs through any URL."""

from __future__ import annotations

import re

from nicegui.testing import User as TestUser
from sqlmodel import Session, func, select

from models import Photo, Visit
from models.common import max_length
from models.visits import VisitBase
from services.visits.records import VisitInput, prepare_photo, save_visit
from tests.helpers import account, sign_in
from tests.helpers.photos import photo_bytes
from tests.helpers.visit_pages import most_overdue_household, upload, wait_for_images
from tests.helpers.visits import near_home, paired_household


def fake_gps(user: TestUser, lat: float, lng: float, accuracy: float = 12.0) -> None:
    user.javascript_rules[re.compile(r".*getCurrentPosition.*", re.S)] = lambda _m: {
        "lat": lat, "lng": lng, "accuracy": accuracy}


async def test_member_logs_a_visit_with_two_photos_and_gps(user: TestUser, demo: Session) -> None:
    household = most_overdue_household(demo, "member1")
    await sign_in(user, "member1")
    user.find(marker=f"household-{household.id}").click()
    await user.should_see("Log visit", retries=40)  # the household page is read off the event loop
    user.find(marker="log-visit").click()
    await user.should_see("Save visit")
    fake_gps(user, household.lat + 0.0002, household.lng)
    user.find(marker="use-location").click()
    await user.should_see("Verified at the household.", retries=20)
    user.find("Notes").type("Talked about the winter heating subsidy.")
    user.find("Needs raised").type("Help with the subsidy form")
    user.find(marker="photo-consent").click()
    await upload(user, photo_bytes(0))
    await upload(user, photo_bytes(1))
    await wait_for_images(user, 2)
    user.find(marker="save-visit").click()
    await user.should_see("Visit saved at", retries=40)
    await user.should_see("Talked about the winter heating subsidy.", retries=40)
    demo.rollback()
    visit = demo.exec(select(Visit).where(Visit.household_id == household.id).order_by(Visit.created_at.desc())).first()
    assert visit is not None and visit.verified and visit.photo_consent
    assert demo.exec(select(func.count(Photo.id)).where(Photo.visit_id == visit.id)).one() == 2


async def test_denied_location_offers_pin_or_address(user: TestUser, demo: Session) -> None:
    household = most_overdue_household(demo, "member1")
    await sign_in(user, "member1")
    await user.open(f"/households/{household.id}/visit")
    user.javascript_rules[re.compile(r".*getCurrentPosition.*", re.S)] = lambda _m: {"error": "denied"}
    user.find(marker="use-location").click()
    await user.should_see("Location access was denied. Drop a pin or use the registered address.", retries=20)
    user.find(marker="use-address").click()
    await user.should_see("At the registered address (not measured)")


async def test_typed_text_survives_a_reload(user: TestUser, demo: Session) -> None:
    household = most_overdue_household(demo, "member1")
    await sign_in(user, "member1")
    await user.open(f"/households/{household.id}/visit")
    user.find("Notes").type("Half-written note")
    await user.open(f"/households/{household.id}/visit")
    await user.should_see("Half-written note")


async def test_the_text_limits_are_the_visit_models(user: TestUser, demo: Session) -> None:
    household = most_overdue_household(demo, "member1")
    await sign_in(user, "member1")
    await user.open(f"/households/{household.id}/visit")
    limit = max_length(VisitBase, "notes")
    for label in ("Notes", "Needs raised", "Help given"):
        area = next(iter(user.find(label).elements))
        assert area.props["maxlength"] == str(max_length(VisitBase, "notes"))
    user.find("Notes").type("x" * (limit + 1))  # past the browser's limit, as a script could
    user.find(marker="use-address").click()
    user.find(marker="save-visit").click()
    await user.should_see(f"A text field is longer than {limit} characters.")
    demo.rollback()
    assert demo.exec(select(Visit).where(Visit.household_id == household.id, Visit.notes.startswith("xxx"))).first() \
        is None


async def test_another_members_household_in_the_url_shows_not_found(user: TestUser, demo: Session) -> None:
    foreign = paired_household(demo, account(demo, "member2"))
    await sign_in(user, "member1")
    for path in (f"/households/{foreign.id}", f"/households/{foreign.id}/visit"):
        await user.open(path)
        await user.should_see("Not found")
        await user.should_not_see(foreign.head_name)


async def test_photo_urls_answer_404_to_other_members(user: TestUser, demo: Session) -> None:
    owner = account(demo, "member2")
    data: VisitInput = near_home(paired_household(demo, owner), photo_consent=True)
    visit = save_visit(owner, data, [prepare_photo(photo_bytes(0))])
    demo.rollback()
    photo = demo.exec(select(Photo).where(Photo.visit_id == visit.id)).one()
    await sign_in(user, "member1")
    for path in (f"/photos/{photo.id}", f"/photos/{photo.id}/thumb"):
        response = await user.http_client.get(path)
        assert response.status_code == 404
    await sign_in(user, "member2")
    response = await user.http_client.get(f"/photos/{photo.id}")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "private, no-store"
    assert response.content.startswith(b"\xff\xd8")


async def test_volunteer_sees_no_household_data(user: TestUser, demo: Session) -> None:
    household = paired_household(demo, account(demo, "member1"))
    await sign_in(user, "volunteer1")
    await user.open(f"/households/{household.id}")
    await user.should_not_see(household.head_name)
    response = await user.http_client.get("/api/v1/map-data")
    assert response.json()["features"] == []


async def test_coordinator_sees_the_visit_in_the_list(user: TestUser, demo: Session) -> None:
    member = account(demo, "member1")
    data = near_home(paired_household(demo, member))
    data.notes = "Brought rice and oil"
    save_visit(member, data)
    await sign_in(user, "coord")
    await user.open("/visits")
    await user.should_see("Brought rice and oil")
    response = await user.http_client.get("/api/v1/map-data")
    kinds = {f["properties"]["kind"] for f in response.json()["features"]}
    assert kinds == {"household", "visit"}
