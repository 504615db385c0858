"""A household's page: who they are, what they need, and every visit with its photos."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from nicegui import ui
from sqlmodel import Session

from core.config import get_settings
from core.i18n import _, current_language, format_date
from models import Household, Photo, Role, User, Visit
from models.common import utcnow
from pages.actions import load, page_user, perform
from pages.frame import frame, not_found_message
from pages.requests.cards import HouseholdRequests, household_requests, household_requests_of
from pages.visits.cards import visit_card
from pages.visits.review.controls import card_actions
from pages.visits.saving.saved_view import saved_at_text
from services.errors import NotFound
from services.households.records import get_household, household_need_ids, need_categories
from services.policy import HOUSEHOLD_READERS, reads_are_audited
from services.visits.corrections import edit_deadline
from services.visits.records import VisitFilters, list_visits, photos_of, visit_dates
from services.visits.review.review import ReviewDetails, review_details


@dataclass
class HouseholdView:
    household: Household
    needs: list[str]
    visits: list[tuple[Visit, Household, User]]
    details: dict[str, ReviewDetails]
    photos: dict[str, list[Photo]]
    earlier: dict[str, datetime]
    requests: HouseholdRequests


def household_view(session: Session, actor: User, household_id: int, lang: str) -> HouseholdView:
    """Everything the page shows; the household read is audited for coordinators and admins (a write)."""
    household = get_household(session, actor, household_id)
    need_ids = set(household_need_ids(session, household_id))
    zh = lang.startswith("zh")
    needs = [c.name_zh if zh else c.name_en for c in need_categories(session, False) if c.id in need_ids]
    visits = list_visits(session, actor, VisitFilters(household_id=household_id), limit=100)
    photos = photos_of(session, [v.id for v, _h, _u in visits])
    earlier = visit_dates(session, [p.duplicate_of_visit_id for ps in photos.values() for p in ps
                                    if p.duplicate_of_visit_id])
    return HouseholdView(household, needs, visits, review_details(session, [v.id for v, _h, _u in visits]), photos,
                         earlier, household_requests_of(session, actor, household_id, lang))


async def open_household(user: User, household_id: int, lang: str) -> HouseholdView | None:
    """The page's data, or None when not found (or not allowed to know)."""
    if reads_are_audited(user):  # the read writes its audit entry: a change, in a write transaction
        opened = await perform(household_view, household_id, lang, roles=HOUSEHOLD_READERS, on_error=lambda _e: None)
        return opened.value if opened else None
    try:  # a member's read writes nothing: no write lock taken
        return await load(household_view, user, household_id, lang)
    except NotFound:
        return None


@ui.page("/households/{household_id}")
async def household_page(household_id: int, saved: str = "") -> None:
    user = await page_user(HOUSEHOLD_READERS)
    if user is None:
        return
    settings = get_settings()
    with frame(_("Household"), user):
        # Not found (or not allowed to know) is shown in the page, not as a notification.
        data = await open_household(user, household_id, current_language())
        if data is None:
            not_found_message()
            return
        household, visits = data.household, data.visits
        if saved:
            stored = next((v for v, _h, _m in visits if v.id == saved), None)
            text = saved_at_text(stored.created_at, settings.time_zone) if stored else _("Visit saved.")
            ui.label(text).classes("text-positive font-medium").mark("saved-at")
            if stored is not None and stored.member_id == user.id and utcnow() <= edit_deadline(stored):
                ui.button(_("Correct this visit"), icon="edit", on_click=lambda: ui.navigate.to(
                    f"/households/{household_id}/visit?visit={saved}&edit=1")).props("outline").mark("correct-visit")
        with ui.card().classes("ds-card"):
            ui.label(household.head_name).classes("text-xl font-medium")
            ui.label(household.address).classes("text-gray-700")
            if household.phone:
                ui.link(household.phone, f"tel:{household.phone}").classes("text-primary")
            ui.label(_("{n} people in the household").format(n=household.members_count)).classes("text-sm")
            if data.needs:
                with ui.row().classes("gap-1"):
                    for need in data.needs:
                        ui.chip(need).props("dense outline color=primary")
            if household.notes:
                ui.label(household.notes).classes("text-sm text-gray-600 whitespace-pre-wrap")
            ui.label(_("Last visit: {date}").format(date=format_date(household.last_visit_at, settings.time_zone)))
        if user.role == Role.member:
            ui.button(_("Log visit"), icon="add_task",
                      on_click=lambda: ui.navigate.to(f"/households/{household_id}/visit")).classes(
                "w-full").props("size=lg").mark("log-visit")
        else:
            ui.link(_("Edit household and pairings"), f"/admin/households/{household_id}")
            ui.link(_("Privacy and consent"), f"/admin/households/{household_id}/privacy").mark("privacy-link")
            ui.link(_("Door card"), f"/households/{household_id}/door-card").mark("door-card-link")
        household_requests(user, household_id, data.requests, visit_id=saved or None)
        ui.label(_("Visits")).classes("text-lg font-medium")
        if not visits:
            ui.label(_("No visits yet."))
        actions = card_actions(user, data.details, lambda: ui.navigate.to(f"/households/{household_id}"))
        for visit, _household, member in visits:
            visit_card(visit, member.name, data.photos.get(visit.id, []), data.earlier,
                       review=data.details.get(visit.id), actions=actions)
