"""An event's roster: who signed up, present or not, hours and corrections, the QR check-in code, exports."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import segno
from fastapi import Request
from nicegui import ui

from core.i18n import _, format_datetime, labelled, to_local
from models import Event, SignupStatus
from pages.actions import in_worker, load, page_user, perform
from pages.events.browse import tz, when_text
from pages.events.walk_ins.form import walk_in_card
from pages.frame import frame, not_found_message
from services.events.attendance import (
    STATE_LABELS,
    EventRoster,
    RosterRow,
    check_out_participant,
    correct_hours,
    event_roster,
    roster_table,
    set_present,
    to_csv,
    to_xlsx,
)
from services.events.signups import cancel_signup
from services.policy import MANAGERS

STATE_COLOURS = {"confirmed": "blue-7", "attended": "positive", "no_show": "negative", "waitlisted": "warning",
                 "cancelled": "grey-6"}


def qr_svg_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=8, border=2)


@ui.page("/admin/events/{event_id:int}/roster")
async def roster_page(event_id: int, request: Request) -> None:
    """Only reads: ended events' attendance is closed by the scheduler (services.events.attendance.attendance_job)."""
    user = await page_user(MANAGERS)
    if user is None:
        return
    data = await load(event_roster, user, event_id)
    with frame(_("Roster"), user):
        if data is None:
            not_found_message()
            return
        event = data.event
        check_in_url = f"{str(request.base_url).rstrip('/')}/events/{event_id}/check-in?code={event.checkin_code}"
        view = RosterView(event)
        _header(event, check_in_url, view.export)
        walk_in_card(event_id, data.role_options, view.refresh)
        view.body = ui.column().classes("w-full items-center gap-2")
        view.show(data)


def _header(event: Event, check_in_url: str, export: Callable[[str], Any]) -> None:
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

    async def refresh(self) -> None:
        actor = await page_user(MANAGERS)
        if actor is None:
            return
        self.show(await load(event_roster, actor, self.event_id))

    def show(self, data: EventRoster | None) -> None:
        if self.body is None:
            return
        self.body.clear()
        with self.body:
            if data is None:  # no longer the coordinator's to manage
                not_found_message()
                return
            rows = data.rows
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
                self.person_card(row, data.removals_open)

    def person_card(self, row: RosterRow, removals_open: bool) -> None:
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
                self.attendance_controls(row, removals_open)

    def attendance_controls(self, row: RosterRow, removals_open: bool) -> None:
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
            if removals_open:
                ui.button(icon="person_remove", on_click=lambda s=row.signup.id: self.act(cancel_signup, s)).props(
                    "flat round dense color=negative").tooltip(_("Remove from the event"))
        if row.attendance and row.attendance.correction_reason:
            ui.label(_("Corrected: {reason}").format(reason=row.attendance.correction_reason)).classes(
                "text-xs text-gray-600")

    async def act(self, fn: Callable[..., Any], *args: Any) -> None:
        # Refreshed either way: a refused change puts the checkbox back to what is stored.
        if not await perform(fn, *args, roles=MANAGERS, refresh=self.refresh):
            await self.refresh()

    def correction(self, row: RosterRow) -> None:
        with ui.dialog() as dialog, ui.card().classes("w-80"):
            ui.label(_("Correct hours for {name}").format(name=row.name)).classes("font-medium")
            hours = ui.number(_("Hours"), value=row.hours, min=0, max=24, step=0.25).classes("w-full").mark(
                "correct-hours")
            reason = ui.input(_("Reason")).classes("w-full").mark("correct-reason")

            async def save() -> None:
                await self.act(correct_hours, row.signup.id, float(hours.value or 0), reason.value or "")
                dialog.close()

            with ui.row().classes("w-full justify-end"):
                ui.button(_("Close"), on_click=dialog.close).props("flat")
                ui.button(_("Save"), on_click=save).mark("save-correction")
        dialog.open()

    async def export(self, kind: str) -> None:
        actor = await page_user(MANAGERS)
        if actor is None:
            return
        data = await load(event_roster, actor, self.event_id)
        if data is None:
            return
        table = roster_table(data.rows, _)
        stem = f"roster-{self.event_id}-{to_local(self.event.starts_at, tz()):%Y%m%d}"
        if kind == "csv":
            ui.download.content(await in_worker(to_csv, table), f"{stem}.csv", "text/csv")
        else:
            ui.download.content(await in_worker(to_xlsx, table, _("Roster")), f"{stem}.xlsx",
                                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
