"""Volunteers' applications waiting for a coordinator, and which areas approve them by themselves."""

from __future__ import annotations

from collections.abc import Callable

from nicegui import ui

from core.db import session_scope
from core.i18n import _
from models import Area
from pages.frame import frame
from pages.messages import notify_error, notify_ok
from pages.session import require_user
from services.errors import ServiceError
from services.policy import MANAGERS
from services.volunteers import Applicant, decide_volunteer, intake_settings, pending_volunteers, set_auto_approve


def _applicant_card(a: Applicant, decide: Callable[[int, bool], None]) -> None:
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


def _intake_switches(intake: list[tuple[Area, bool]], toggle: Callable[[int, bool], None]) -> None:
    """One switch per area: registrations there are accepted without a coordinator's approval."""
    with ui.card().classes("ds-card").props("flat bordered"):
        for area, on in intake:
            ui.switch(area.name, value=on, on_change=lambda e, i=area.id: toggle(i, e.value)).mark(
                f"auto-approve-{area.id}")


@ui.page("/admin/volunteers")
def volunteers_page() -> None:
    user = require_user(*MANAGERS)
    if user is None:
        return
    with frame(_("Volunteers"), user):
        body = ui.column().classes("w-full items-center gap-2")

    def refresh() -> None:
        actor = require_user(*MANAGERS)
        if actor is None:
            return
        with session_scope(read_only=True) as session:
            applicants = pending_volunteers(session, actor)
            intake = intake_settings(session, actor)
        body.clear()
        with body:
            ui.label(_("Waiting for approval")).classes("text-lg font-medium ds-card")
            if not applicants:
                ui.label(_("Nobody is waiting.")).classes("text-gray-600 ds-card")
            for a in applicants:
                _applicant_card(a, decide)
            ui.label(_("Accept registrations without approval")).classes("text-lg font-medium ds-card")
            _intake_switches(intake, toggle)

    def decide(user_id: int, approve: bool) -> None:
        actor = require_user(*MANAGERS)
        if actor is None:
            return
        try:
            with session_scope() as session:
                decide_volunteer(session, actor, user_id, approve)
        except ServiceError as exc:
            notify_error(exc)
        notify_ok(_("Approved.") if approve else _("Declined; their data was removed."))
        refresh()

    def toggle(area_id: int, on: bool) -> None:
        actor = require_user(*MANAGERS)
        if actor is None:
            return
        try:
            with session_scope() as session:
                set_auto_approve(session, actor, area_id, on)
        except ServiceError as exc:
            notify_error(exc)

    refresh()
