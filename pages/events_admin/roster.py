"""An event's roster: who signed up, present or not, hours and corrections, the QR check-in code, exports."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import segno
from fastapi import Request
from nicegui import ui

from core.db import session_scope
from core.i18n import _, format_datetime, labelled, to_local
from models import Event, SignupStatus
from models.common import utcnow
from pages.events import tz, when_text
from pages.frame import frame, not_found_message
from pages.messages import notify_error
from pages.session import require_user
from pages.walk_ins.form import walk_in_card
from services.attendance import (
    STATE_LABELS,
    RosterRow,
    check_out_participant,
    close_attendance,
    correct_hours,
    roster,
    roster_table,
    set_present,
    to_csv,
    to_xlsx,
)
from services.errors import NotFound, ServiceError
from services.events import get_managed_event
from services.policy import MANAGERS
from services.signups import cancel_signup
from services.walk_ins.roster import walk_in_roles

STATE_COLOURS = {"confirmed": "blue-7", "attended": "positive", "no_show": "negative", "waitlisted": "warning",
                 "cancelled": "grey-6"}


def qr_svg_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=8, border=2)


@ui.page("/admin/events/{event_id:int}/roster")
def roster_page(event_id: int, request: Request) -> None:
    user = require_user(*MANAGERS)
    if user is None:
        return
    try:
        with session_scope() as session:
            event = get_managed_event(session, user, event_id)
            close_attendance(session, event)
            walk_in_role_options = walk_in_roles(session, user, event_id)
    except NotFound:
        with frame(_("Roster"), user):
            not_found_message()
        return
    check_in_url = f"{str(request.base_url).rstrip('/')}/events/{event_id}/check-in?code={event.checkin_code}"
    view = RosterView(event)
    with frame(_("Roster"), user):
        _header(event, check_in_url, view.export)
        walk_in_card(event_id, view.refresh, walk_in_role_options)
        view.body = ui.column().classes("w-full items-center gap-2")
    view.refresh()


def _header(event: Event, check_in_url: str, export: Callable[[str], None]) -> None:
    """The event, the button that shows the check-in QR code full screen, and the exports."""
    with ui.card().classes("ds-card").props("flat bordered"):
        ui.label(event.title).classes("text-lg font-medium")
        ui.label(when_text(event)).classes("text-sm text-gray-700")
        with ui.row().classes("gap-2"):
            ui.button(_("Show check-in QR code"), icon="qr_code_2", on_click=lambda: qr_dialog.open()).mark(
                "show-qr")
            ui.button("CSV", icon="download", on_click=lambda: export("csv")).props("outline").mark("export-csv")
            ui.button("XLSX", icon="download", on_click=lambda: export("xlsx")).props("outline").mark(
                "export-xlsx")
    with ui.dialog().props("maximized") as qr_dialog, ui.card().classes("items-center justify-center"):
        ui.label(event.title).classes("text-2xl font-medium text-center")
        ui.label(_("Scan to check in")).classes("text-lg")
        ui.image(qr_svg_uri(check_in_url)).classes("w-[min(80vw,70vh)]").mark("qr-code")
        ui.label(check_in_url).classes("text-xs text-gray-500 break-all text-center")
        ui.button(_("Close"), on_click=qr_dialog.close).props("flat")


class RosterView:
    """The list of people on the roster and what a coordinator does with each."""

    def __init__(self, event: Event) -> None:
        self.event = event
        self.event_id: int = event.id  # type: ignore[assignment]
        self.body: ui.column | None = None

    def refresh(self) -> None:
        actor = require_user(*MANAGERS)
        if actor is None or self.body is None:
            return
        with session_scope(read_only=True) as session:
            rows = roster(session, actor, self.event_id)
            current = get_managed_event(session, actor, self.event_id)
        self.body.clear()
        with self.body:
            counts = {state: sum(1 for r in rows if r.state == state) for state in STATE_LABELS}
            ui.label(" · ".join(labelled(_(STATE_LABELS[s]), n) for s, n in counts.items() if n)
                     or _("Nobody has signed up yet.")).classes("text-sm text-gray-700").mark("roster-counts")
            late = [r for r in rows if r.late_cancel]
            if late:
                with ui.card().classes("ds-card bg-amber-50").props("flat bordered").mark("late-cancellations"):
                    ui.label(_("Late cancellations")).classes("font-medium")
                    for row in late:
                        ui.label(f"{row.name} · {format_datetime(row.signup.late_cancel_requested_at, tz())}")
            for row in rows:
                self.person_card(row, current)

    def person_card(self, row: RosterRow, event: Event) -> None:
        with ui.card().classes("ds-card").props("flat bordered").mark(f"roster-{row.signup.id}"):
            with ui.row().classes("w-full items-center justify-between no-wrap"):
                with ui.column().classes("gap-0"):
                    # Closed accounts keep an anonymous placeholder name (a msgid) on their rows.
                    ui.label(_(row.name) if row.name == "Former volunteer" else row.name).classes("font-medium")
                    details = [d for d in (row.role_name, row.phone) if d]
                    if details:
                        ui.label(" · ".join(details)).classes("text-xs text-gray-600")
                label = _(STATE_LABELS[row.state])
                if row.position:
                    label += f" #{row.position}"
                ui.badge(label, color=STATE_COLOURS[row.state])
            if row.signup.status == SignupStatus.confirmed:
                self.attendance_controls(row, event)

    def attendance_controls(self, row: RosterRow, event: Event) -> None:
        """Present or not, check-out, hours and their correction, and removal before the start."""
        with ui.row().classes("w-full items-center gap-2"):
            present = bool(row.attendance and row.attendance.checked_in_at)
            ui.checkbox(_("Present"), value=present,
                        on_change=lambda e, s=row.signup.id: self.act(set_present, s, e.value)).mark(
                f"present-{row.signup.id}")
            if present and row.attendance.checked_out_at is None:  # type: ignore[union-attr]
                ui.button(_("Check out"), on_click=lambda s=row.signup.id: self.act(check_out_participant, s)
                          ).props("dense flat no-caps")
            ui.label(_("{hours} h").format(hours=row.hours)).classes("text-sm")
            ui.button(icon="edit_note", on_click=lambda r=row: self.correction(r)).props("flat round dense").tooltip(
                _("Correct hours"))
            if utcnow() < event.starts_at:
                ui.button(icon="person_remove", on_click=lambda s=row.signup.id: self.act(cancel_signup, s)).props(
                    "flat round dense color=negative").tooltip(_("Remove from the event"))
        if row.attendance and row.attendance.correction_reason:
            ui.label(_("Corrected: {reason}").format(reason=row.attendance.correction_reason)).classes(
                "text-xs text-gray-600")

    def act(self, fn: Callable[..., Any], *args: Any) -> None:
        actor = require_user(*MANAGERS)
        if actor is None:
            return
        try:
            with session_scope() as session:
                fn(session, actor, *args)
        except ServiceError as exc:
            notify_error(exc)
        self.refresh()

    def correction(self, row: RosterRow) -> None:
        with ui.dialog() as dialog, ui.card().classes("w-80"):
            ui.label(_("Correct hours for {name}").format(name=row.name)).classes("font-medium")
            hours = ui.number(_("Hours"), value=row.hours, min=0, max=24, step=0.25).classes("w-full").mark(
                "correct-hours")
            reason = ui.input(_("Reason")).classes("w-full").mark("correct-reason")

            def save() -> None:
                self.act(correct_hours, row.signup.id, float(hours.value or 0), reason.value or "")
                dialog.close()

            with ui.row().classes("w-full justify-end"):
                ui.button(_("Close"), on_click=dialog.close).props("flat")
                ui.button(_("Save"), on_click=save).mark("save-correction")
        dialog.open()

    def export(self, kind: str) -> None:
        actor = require_user(*MANAGERS)
        if actor is None:
            return
        with session_scope(read_only=True) as session:
            table = roster_table(roster(session, actor, self.event_id), _)
        stem = f"roster-{self.event_id}-{to_local(self.event.starts_at, tz()):%Y%m%d}"
        if kind == "csv":
            ui.download.content(to_csv(table), f"{stem}.csv", "text/csv")
        else:
            ui.download.content(to_xlsx(table, _("Roster")), f"{stem}.xlsx",
                                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
