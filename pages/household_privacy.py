"""A household's personal-information rights: consent, data archive, deletion (PIPL)."""

from __future__ import annotations

from nicegui import ui

from core.config import get_settings
from core.db import session_scope
from core.i18n import _, format_datetime
from models import Household, Role, User
from pages.frame import frame, not_found_message
from pages.messages import notify_error, notify_ok
from pages.session import require_user
from services import consent, resident_data
from services.errors import NotFound, ServiceError
from services.households import get_household
from services.requests import users_by_id
from services.visits import VisitFilters, list_visits, photos_of

MANAGERS = (Role.coordinator, Role.admin)


@ui.page("/admin/households/{household_id}/privacy")
def household_privacy_page(household_id: int) -> None:
    user = require_user(*MANAGERS)
    if user is None:
        return
    tz = get_settings().time_zone
    with frame(_("Privacy and consent"), user):
        try:
            with session_scope() as session:
                household = get_household(session, user, household_id)
                recorder = users_by_id(session, [household.data_consent_recorded_by]).get(
                    household.data_consent_recorded_by or 0)
                visits = list_visits(session, user, VisitFilters(household_id=household_id), limit=500)
                photos = photos_of(session, [v.id for v, _h, _u in visits])
        except NotFound:
            not_found_message()
            return

        def act(fn, done: str) -> None:  # noqa: ANN001
            actor = require_user(*MANAGERS)
            if actor is None:
                return
            try:
                with session_scope() as session:
                    fn(session, actor)
            except ServiceError as exc:
                notify_error(exc)
                return
            notify_ok(done)
            ui.navigate.reload()

        with ui.card().classes("ds-card"):
            ui.label(household.head_name).classes("text-xl font-medium")
            ui.label(household.address).classes("text-gray-700")
            ui.label(_("Consent to keep and use this household's data")).classes("text-lg font-medium")
            ui.label(_consent_text(household, recorder, tz)).mark("consent-status")
            with ui.row().classes("gap-2"):
                ui.button(_("Record consent"), icon="task_alt", on_click=lambda: act(
                    lambda s, a: consent.record_household_consent(s, a, household_id), _("Consent recorded."))
                ).mark("record-consent")
                ui.button(_("Withdraw consent"), icon="block", on_click=lambda: act(
                    lambda s, a: consent.withdraw_household_consent(s, a, household_id), _("Consent withdrawn."))
                ).props("outline").mark("withdraw-consent")
            if household.data_consent_withdrawn_at:
                ui.label(_("Consent was withdrawn: unless the law requires keeping it, delete the data below.")
                         ).classes("text-sm text-negative")

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
                        lambda s, a: consent.withdraw_photo_consent(s, a, v), _("The photos were deleted."))
                    ).props("outline dense").mark(f"withdraw-photos-{visit.id}")

        def download() -> None:
            actor = require_user(*MANAGERS)
            if actor is None:
                return
            try:
                with session_scope() as session:
                    data = resident_data.export_household_archive(session, actor, household_id)
            except ServiceError as exc:
                notify_error(exc)
                return
            ui.download.content(data, f"household-{household_id}.zip", "application/zip")

        def delete() -> None:
            actor = require_user(*MANAGERS)
            if actor is None:
                return
            if (typed.value or "").strip() != household.head_name.strip():
                typed_error.set_text(_("Type the name exactly as shown to confirm."))
                return
            try:
                with session_scope() as session:
                    resident_data.delete_household_data(session, actor, household_id)
            except ServiceError as exc:
                notify_error(exc)
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
