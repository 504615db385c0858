"""Reloading the visit form at any moment of a save: one clear state, no edit dropped, corrections audited."""

from __future__ import annotations

import json

from nicegui.testing import User as TestUser
from sqlmodel import Session

from tests.helpers import sign_in
from tests.helpers.photos import photo_bytes
from tests.helpers.visit_pages import upload, wait_for_images
from tests.helpers.visit_saving import (
    age_visit,
    corrections,
    draft_as_saved,
    form_visit_id,
    hh_mm,
    member_and_household,
    store_visit,
    stored,
    visit_input,
)


async def open_form(user: TestUser, household_id: int) -> str:
    await user.open(f"/households/{household_id}/visit")
    await user.should_see(marker="draft-state", retries=40)
    return form_visit_id(user)


async def test_reload_after_the_save_landed_shows_saved_at_not_an_empty_or_editable_form(
        user: TestUser, demo: Session) -> None:
    member, household = member_and_household(demo)
    await sign_in(user, "member1")
    visit_id = await open_form(user, household.id)
    user.find(marker="use-address").click()
    user.find("Notes").type("Heating subsidy form")
    # The first save (from the page the reload replaced) lands on the server with what was typed.
    store_visit(member, draft_as_saved(user, household, visit_id))
    await user.open(f"/households/{household.id}/visit?visit={visit_id}")
    visit = stored(visit_id)
    assert visit is not None
    await user.should_see(f"Visit saved at {hh_mm(visit.created_at)}.", retries=40)
    await user.should_see("Notes: Heating subsidy form", retries=40)
    await user.should_not_see(marker="save-visit")
    await user.should_not_see(marker="unsaved-changes")
    await user.open(f"/households/{household.id}/visit?visit={visit_id}")  # a second reload: the same state
    await user.should_see(f"Visit saved at {hh_mm(visit.created_at)}.", retries=40)
    # Once the saved state was seen, "Log visit" starts the next visit.
    assert await open_form(user, household.id) != visit_id


async def test_reload_before_the_save_landed_then_edit_is_stored_not_dropped(user: TestUser, demo: Session) -> None:
    """The reloaded page showed the draft; the first save lands; the member's edit must win, audited."""
    member, household = member_and_household(demo)
    await sign_in(user, "member1")
    visit_id = await open_form(user, household.id)
    user.find("Notes").type("First version")
    await user.open(f"/households/{household.id}/visit?visit={visit_id}")  # the reload
    await user.should_see(marker="draft-state", retries=40)
    await user.should_see("First version", retries=40)
    # The first save completes after the reloaded page was built.
    store_visit(member, visit_input(household, id=visit_id, notes="First version"))
    user.find(marker="use-address").click()
    user.find("Notes").type(" and the edit")
    user.find(marker="save-visit").click()
    await user.should_see("Visit saved at", retries=40)
    visit = stored(visit_id)
    assert visit is not None and visit.notes == "First version and the edit"
    revisions, audits = corrections(visit_id)
    assert len(audits) == 1 and audits[0].actor_id == member.id
    assert json.loads(revisions[0].old_values)["notes"] == "First version"
    assert json.loads(revisions[0].new_values)["notes"] == "First version and the edit"


async def test_own_visit_corrected_within_24_hours_is_audited_with_old_and_new_values(
        user: TestUser, demo: Session) -> None:
    member, household = member_and_household(demo)
    visit = store_visit(member, visit_input(household, notes="Talked about rent"), saved_hours_ago=23)
    await sign_in(user, "member1")
    await user.open(f"/households/{household.id}/visit?visit={visit.id}")
    await user.should_see("Visit saved on")  # yesterday or today, but with its date when not today
    user.find(marker="correct-visit").click()
    await user.should_see(marker="correcting-visit", retries=40)
    await user.should_see("Talked about rent", retries=40)
    user.find("Notes").clear()
    user.find("Notes").type("Talked about rent arrears")
    user.find(marker="save-visit").click()
    await user.should_see("Correction saved.", retries=40)
    await user.should_see("Notes: Talked about rent arrears", retries=40)
    await user.should_see(marker="corrected-at", retries=40)
    after = stored(visit.id)
    assert after is not None and after.notes == "Talked about rent arrears"
    revisions, audits = corrections(visit.id)
    assert [json.loads(r.old_values) for r in revisions] == [{"notes": "Talked about rent"}]
    assert [json.loads(r.new_values) for r in revisions] == [{"notes": "Talked about rent arrears"}]
    assert len(audits) == 1 and audits[0].actor_id == member.id


async def test_correction_after_24_hours_is_refused_with_a_clear_message(user: TestUser, demo: Session) -> None:
    member, household = member_and_household(demo)
    visit = store_visit(member, visit_input(household, notes="Old visit"), saved_hours_ago=25)
    await sign_in(user, "member1")
    await user.open(f"/households/{household.id}/visit?visit={visit.id}&edit=1")
    await user.should_see("The time for corrections (24 hours after saving) is over.", retries=40)
    await user.should_not_see(marker="correct-visit")
    await user.should_not_see(marker="save-visit")


async def test_correction_when_the_window_closes_while_editing_is_refused_and_nothing_changes(
        user: TestUser, demo: Session) -> None:
    member, household = member_and_household(demo)
    visit = store_visit(member, visit_input(household, notes="Almost a day ago"), saved_hours_ago=23.99)
    await sign_in(user, "member1")
    await user.open(f"/households/{household.id}/visit?visit={visit.id}&edit=1")
    await user.should_see(marker="correcting-visit", retries=40)
    age_visit(visit.id, hours=1)  # the member leaves the form open past the window
    user.find("Notes").type(" changed")
    user.find(marker="save-visit").click()
    await user.should_see("A visit can be corrected only within 24 hours of saving it. "
                          "This visit can no longer be changed.", retries=40)
    await user.should_not_see("Correction saved.")
    assert stored(visit.id).notes == "Almost a day ago"
    assert corrections(visit.id) == ([], [])


async def test_another_members_visit_cannot_be_corrected(user: TestUser, demo: Session) -> None:
    owner, foreign_household = member_and_household(demo, "member2")
    visit = store_visit(owner, visit_input(foreign_household, notes="Member 2's visit"))
    _member, own_household = member_and_household(demo, "member1")
    await sign_in(user, "member1")
    await user.open(f"/households/{foreign_household.id}/visit?visit={visit.id}&edit=1")
    await user.should_see("Not found", retries=40)
    await user.should_not_see("Member 2's visit")
    # The foreign id under the member's own household is not their visit: a save is refused.
    await user.open(f"/households/{own_household.id}/visit?visit={visit.id}&edit=1")
    await user.should_see(marker="draft-state", retries=40)
    await user.should_not_see("Member 2's visit")
    user.find(marker="use-address").click()
    user.find("Notes").type("Overwrite attempt")
    user.find(marker="save-visit").click()
    await user.should_see("Visit not found.", retries=40)
    assert stored(visit.id).notes == "Member 2's visit"
    assert corrections(visit.id) == ([], [])


async def test_photos_picked_before_a_reload_are_asked_for_again(user: TestUser, demo: Session) -> None:
    _member, household = member_and_household(demo)
    await sign_in(user, "member1")
    visit_id = await open_form(user, household.id)
    user.find(marker="photo-consent").click()
    await upload(user, photo_bytes(0))
    await wait_for_images(user, 1)
    await user.open(f"/households/{household.id}/visit?visit={visit_id}")
    await user.should_see("Photos picked before the page was reloaded were not kept (1). Add them again.", retries=40)
