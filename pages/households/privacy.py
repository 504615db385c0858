"""A household's personal-information rights: consent, data archive, deletion (PIPL)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from nicegui import ui
from sqlmodel import Session

from core.config import get_settings
from core.i18n import _, format_datetime
from models import Household, User, Visit
from pages.actions import page_user, perform
from pages.frame import frame, not_found_message
from pages.messages import notify_ok
from services.households.records import get_household
from services.policy import MANAGERS
from services.privacy import consent, resident_data
from services.requests.tracking import users_by_id
from services.visits.records import VisitFilters, list_visits, photos_of


@dataclass
class PrivacyView:
    household: Household
    recorder: User | None
    visits: list[tuple[Visit, Household, User]]
    photos: dict[int, list[Any]]


def privacy_view(session: Session, actor: User, household_id: int) -> PrivacyView:
    household = get_household(session, actor, household_id)
    recorder = users_by_id(session, [household.data_consent_recorded_by]).get(household.data_consent_recorded_by or 0)
    visits = list_visits(session, actor, VisitFilters(household_id=household_id), limit=500)
    return PrivacyView(household, recorder, visits, photos_of(session, [v.id for v, _h, _u in visits]))


def _photo_consent_card(visits: list, photos: dict, tz: str, act: Callable[..., Awaitable[object]]) -> None:
    """The household's visits with photos, each with a button that withdraws the photo consent."""
    with ui.card().classes("ds-card"):
        ui.label(_("Photo consent per visit")).classes("text-lg font-medium")
        with_photos = [(v, m) for v, _h, m in visits if photos.get(v.id)]
        if not with_photos:
            ui.label(_("No visit of this household has photos."))
        for visit, member in with_photos:
            with ui.row().classes("w-full items-center justify-between"):
                ui.label(_("{date} by {member}: {n} photos").format(
                    date=format_datetime(visit.visited_at, tz), member=member.name, n=len(photos[visit.id])))
                ui.button(_("Withdraw photo consent"), icon="hide_image", on_click=lambda v=visit.id: act(
                    consent.withdraw_photo_consent, v, done=_("The photos were deleted."))
                ).props("outline dense").mark(f"withdraw-photos-{visit.id}")


@ui.page("/admin/households/{household_id}/privacy")
async def household_privacy_page(household_id: int) -> None:
    user = await page_user(MANAGERS)
    if user is None:
        return
    tz = get_settings().time_zone
    with frame(_("Privacy and consent"), user):
        # Reading the household writes the audit entry of a coordinator's read: a change, not a load.
        opened = await perform(privacy_view, household_id, roles=MANAGERS, on_error=lambda _exc: None)
        if not opened or opened.value is None:
            not_found_message()
            return
        view = opened.value
        household, recorder, visits, photos = view.household, view.recorder, view.visits, view.photos

        def act(call: Callable[..., object], *args: object, done: str) -> Awaitable[object]:
            return perform(call, *args, roles=MANAGERS, done=done, refresh=ui.navigate.reload)

        with ui.card().classes("ds-card"):
            ui.label(household.head_name).classes("text-xl font-medium")
            ui.label(household.address).classes("text-gray-700")
            ui.label(_("Consent to keep and use this household's data")).classes("text-lg font-medium")
            ui.label(_consent_text(household, recorder, tz)).mark("consent-status")
            with ui.row().classes("gap-2"):
                ui.button(_("Record consent"), icon="task_alt", on_click=lambda: act(
                    consent.record_household_consent, household_id, done=_("Consent recorded."))).mark("record-consent")
                ui.button(_("Withdraw consent"), icon="block", on_click=lambda: act(
                    consent.withdraw_household_consent, household_id, done=_("Consent withdrawn."))
                ).props("outline").mark("withdraw-consent")
            if household.data_consent_withdrawn_at:
                ui.label(_("Consent was withdrawn: unless the law requires keeping it, delete the data below.")
                         ).classes("text-sm text-negative")

        _photo_consent_card(visits, photos, tz, act)

        async def download() -> None:
            archive = await perform(resident_data.export_household_archive, household_id, roles=MANAGERS)
            if archive:
                ui.download.content(archive.value, f"household-{household_id}.zip", "application/zip")

        async def delete() -> None:
            if (typed.value or "").strip() != household.head_name.strip():
                typed_error.set_text(_("Type the name exactly as shown to confirm."))
                return
            if not await perform(resident_data.delete_household_data, household_id, roles=MANAGERS):
                return
            dialog.close()
            notify_ok(_("All data of the household was deleted."))
            ui.navigate.to("/admin/households")

        with ui.dialog() as dialog, ui.card():
            ui.label(_("Delete everything about this household?")).classes("text-lg font-medium")
            ui.label(_("The household, its needs, pairings, visits and photos are deleted for good. Only an "
                       "audit entry with the household number remains. Download the archive first if the "
                       "resident asked for a copy."))
            ui.label(_("Type the name {name} to confirm.").format(name=household.head_name))
            typed = ui.input(_("Name")).classes("w-full").mark("delete-confirm-name")
            typed_error = ui.label().classes("text-negative").mark("delete-confirm-error")
            with ui.row():
                ui.button(_("Cancel"), on_click=dialog.close).props("flat")
                ui.button(_("Delete all data"), icon="delete_forever", on_click=delete).props(
                    "color=negative").mark("delete-confirmed")

        with ui.card().classes("ds-card"):
            ui.label(_("The resident's rights")).classes("text-lg font-medium")
            with ui.row().classes("gap-2"):
                ui.button(_("Download data archive"), icon="archive", on_click=download).mark("download-archive")
                ui.button(_("Delete all data"), icon="delete_forever", on_click=dialog.open).props(
                    "color=negative outline").mark("delete-all")


def _consent_text(household: Household, recorder: User | None, tz: str) -> str:
    if household.data_consent_withdrawn_at:
        return _("Withdrawn on {date}.").format(date=format_datetime(household.data_consent_withdrawn_at, tz))
    if household.data_consent_at:
        return _("Given on {date}, recorded by {name}.").format(
            date=format_datetime(household.data_consent_at, tz), name=recorder.name if recorder else "—")
    return _("Not recorded yet.")
