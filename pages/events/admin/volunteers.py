"""Volunteers' applications waiting for a coordinator, and which areas approve them by themselves."""

from __future__ import annotations

from collections.abc import Callable

from nicegui import ui
from sqlmodel import Session

from core.i18n import _
from models import Area, User
from pages.actions import load, page_user, perform
from pages.frame import frame
from services.accounts.volunteers import (
    Applicant,
    decide_volunteer,
    intake_settings,
    pending_volunteers,
    set_auto_approve,
)
from services.policy import MANAGERS


def _applicant_card(a: Applicant, decide: Callable[[int, bool], object]) -> None:
    """One applicant: name, phone and area, skills and availability, approve or decline."""
    with ui.card().classes("ds-card").props("flat bordered").mark(f"applicant-{a.user.id}"):
        ui.label(a.user.name).classes("font-medium")
        ui.label(f"{a.user.phone or ''} · {a.area_name}").classes("text-sm text-gray-700")
        if a.profile.skills:
            ui.label(_("Skills: {text}").format(text=a.profile.skills)).classes("text-sm")
        if a.profile.availability:
            ui.label(_("Availability: {text}").format(text=a.profile.availability)).classes("text-sm")
        with ui.row().classes("gap-2"):
            ui.button(_("Approve"), on_click=lambda u=a.user.id: decide(u, True)).mark(
                f"approve-{a.user.id}")
            ui.button(_("Decline"), on_click=lambda u=a.user.id: decide(u, False)).props(
                "flat color=negative")


def _intake_switches(intake: list[tuple[Area, bool]], toggle: Callable[[int, bool], object]) -> None:
    """One switch per area: registrations there are accepted without a coordinator's approval."""
    with ui.card().classes("ds-card").props("flat bordered"):
        for area, on in intake:
            ui.switch(area.name, value=on, on_change=lambda e, i=area.id: toggle(i, e.value)).mark(
                f"auto-approve-{area.id}")


def intake_view(session: Session, actor: User) -> tuple[list[Applicant], list[tuple[Area, bool]]]:
    return pending_volunteers(session, actor), intake_settings(session, actor)


@ui.page("/admin/volunteers")
async def volunteers_page() -> None:
    user = await page_user(MANAGERS)
    if user is None:
        return
    with frame(_("Volunteers"), user):
        body = ui.column().classes("w-full items-center gap-2")

    async def refresh() -> None:
        actor = await page_user(MANAGERS)
        if actor is None:
            return
        applicants, intake = await load(intake_view, actor)
        body.clear()
        with body:
            ui.label(_("Waiting for approval")).classes("text-lg font-medium ds-card")
            if not applicants:
                ui.label(_("Nobody is waiting.")).classes("text-gray-600 ds-card")
            for a in applicants:
                _applicant_card(a, decide)
            ui.label(_("Accept registrations without approval")).classes("text-lg font-medium ds-card")
            _intake_switches(intake, toggle)

    async def decide(user_id: int, approve: bool) -> None:
        # Reported done only when it was: a refused decision shows its reason and nothing else.
        await perform(decide_volunteer, user_id, approve, roles=MANAGERS, refresh=refresh,
                      done=_("Approved.") if approve else _("Declined; their data was removed."))

    async def toggle(area_id: int, on: bool) -> None:
        if not await perform(set_auto_approve, area_id, on, roles=MANAGERS):
            await refresh()  # the switch goes back to what is stored

    await refresh()
