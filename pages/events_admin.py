"""Coordinators: create, edit, duplicate and cancel events; roster with QR check-in; volunteers; hours."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import segno
from fastapi import Request
from nicegui import events, ui

from core.config import get_settings
from core.db import session_scope
from core.i18n import N_, _, format_datetime, labelled, to_local
from models import Event, EventAudience, EventStatus, SignupStatus
from models.common import utcnow
from pages.events import places_text, tz, when_text
from pages.frame import frame, not_found_message
from pages.messages import notify_error, notify_ok
from pages.session import require_user
from pages.walk_ins.form import walk_in_card
from services.attendance import (
    STATE_LABELS,
    check_out_participant,
    close_attendance,
    close_ended_events,
    correct_hours,
    hours_by_person,
    hours_table,
    roster,
    roster_table,
    set_present,
    to_csv,
    to_xlsx,
)
from services.errors import InvalidInput, NotFound, ServiceError
from services.events import (
    EventForm,
    RoleForm,
    cancel_event,
    categories,
    community_choices,
    create_event,
    duplicate_event,
    get_managed_event,
    managed_events,
    roles_of,
    update_event,
)
from services.policy import MANAGERS
from services.signups import cancel_signup
from services.volunteers import decide_volunteer, intake_settings, pending_volunteers, set_auto_approve

STATE_COLOURS = {"confirmed": "blue-7", "attended": "positive", "no_show": "negative", "waitlisted": "warning",
                 "cancelled": "grey-6"}


def _local(dt: datetime | None) -> tuple[str, str]:
    if dt is None:
        return "", ""
    local = to_local(dt, tz())
    return local.date().isoformat(), local.strftime("%H:%M")


def _combine(day: str | None, clock: str | None) -> datetime | None:
    if not day:
        return None
    try:
        return datetime.combine(date.fromisoformat(day), time.fromisoformat(clock or "00:00"), tzinfo=ZoneInfo(tz()))
    except ValueError:
        return None


@ui.page("/admin/events")
def manage_events_page(past: bool = False) -> None:
    user = require_user(*MANAGERS)
    if user is None:
        return
    with session_scope() as session:
        close_ended_events(session, user)
    with frame(_("Manage events"), user):
        with ui.row().classes("w-full items-center justify-between"):
            ui.button(_("New event"), icon="add", on_click=lambda: ui.navigate.to("/admin/events/new")).mark(
                "new-event")
            ui.switch(_("Show past events"), value=past,
                      on_change=lambda e: ui.navigate.to(f"/admin/events?past={'1' if e.value else ''}"))

        @ui.refreshable
        def listing() -> None:
            actor = require_user(*MANAGERS)
            if actor is None:
                return
            with session_scope(read_only=True) as session:
                rows = managed_events(session, actor, include_past=past)
            if not rows:
                ui.label(_("No events yet.")).classes("text-gray-600")
            for event in rows:
                with ui.card().classes("ds-card").props("flat bordered").mark(f"managed-{event.id}"):
                    with ui.link(target=f"/events/{event.id}").classes("no-underline text-inherit"):
                        ui.label(event.title).classes("text-lg font-medium")
                    ui.label(when_text(event)).classes("text-sm text-gray-700")
                    with ui.row().classes("items-center gap-2"):
                        ui.badge(places_text(event), color="negative" if event.status == EventStatus.cancelled
                                 else "primary")
                        ui.label(_("{n} confirmed").format(n=event.confirmed_count)).classes("text-sm")
                    with ui.row().classes("gap-1"):
                        ui.button(_("Roster"), icon="how_to_reg",
                                  on_click=lambda e=event: ui.navigate.to(f"/admin/events/{e.id}/roster")).props(
                            "dense no-caps")
                        if event.status == EventStatus.published:
                            ui.button(_("Edit"), icon="edit",
                                      on_click=lambda e=event: ui.navigate.to(f"/admin/events/{e.id}/edit")).props(
                                "dense flat no-caps")
                        ui.button(_("Duplicate"), icon="content_copy", on_click=lambda e=event: duplicate(e.id)).props(
                            "dense flat no-caps").mark(f"duplicate-{event.id}")
                        if event.status == EventStatus.published:
                            ui.button(_("Cancel event"), icon="cancel", on_click=lambda e=event: confirm_cancel(e)
                                      ).props("dense flat no-caps color=negative").mark(f"cancel-event-{event.id}")

        def duplicate(event_id: int) -> None:
            actor = require_user(*MANAGERS)
            if actor is None:
                return
            try:
                with session_scope() as session:
                    copy = duplicate_event(session, actor, event_id)
            except ServiceError as exc:
                notify_error(exc)
                return
            notify_ok(_("Copied to one week later. Check the details."))
            ui.navigate.to(f"/admin/events/{copy.id}/edit")

        def confirm_cancel(event: Event) -> None:
            with ui.dialog() as dialog, ui.card():
                ui.label(_("Cancel {title}? Everyone signed up is told.").format(title=event.title))

                def do_cancel() -> None:
                    actor = require_user(*MANAGERS)
                    if actor is None:
                        return
                    try:
                        with session_scope() as session:
                            cancel_event(session, actor, event.id)
                    except ServiceError as exc:
                        notify_error(exc)
                    dialog.close()
                    listing.refresh()

                with ui.row().classes("w-full justify-end"):
                    ui.button(_("Keep it"), on_click=dialog.close).props("flat")
                    ui.button(_("Cancel event"), on_click=do_cancel).props("color=negative").mark("confirm-cancel")
            dialog.open()

        listing()


@ui.page("/admin/events/new")
def new_event_page() -> None:
    user = require_user(*MANAGERS)
    if user is None:
        return
    with frame(_("New event"), user):
        EventEditor(user, None).build()


@ui.page("/admin/events/{event_id:int}/edit")
def edit_event_page(event_id: int) -> None:
    user = require_user(*MANAGERS)
    if user is None:
        return
    with frame(_("Edit event"), user):
        try:
            with session_scope(read_only=True) as session:
                event = get_managed_event(session, user, event_id)
                roles = roles_of(session, event_id)
        except NotFound:
            not_found_message()
            return
        EventEditor(user, event, roles).build()


class EventEditor:
    """The event form: details, time, place with a pin, capacity or roles, deadline, audience."""

    def __init__(self, user, event: Event | None, roles: list | None = None) -> None:
        self.user, self.event = user, event
        self.roles: list[dict] = [{"id": r.id, "name": r.name, "capacity": r.capacity} for r in roles or []]
        self.pin: tuple[float, float] | None = (event.lat, event.lng) if event and event.lat is not None else None

    def build(self) -> None:
        event = self.event
        with session_scope(read_only=True) as session:
            areas = community_choices(session, self.user)
            known = categories(session)
        start = event.starts_at if event else (utcnow() + timedelta(days=7)).replace(minute=0)
        end = event.ends_at if event else start + timedelta(hours=3)
        with ui.card().classes("ds-card"):
            self.title = ui.input(_("Title"), value=event.title if event else "").classes("w-full").mark("title")
            self.category = ui.input(_("Category"), value=event.category if event else "",
                                     autocomplete=known).classes("w-full").mark("category")
            self.description = ui.textarea(_("Description"), value=event.description if event else "").classes(
                "w-full").props("autogrow")
            self.area = ui.select(areas, value=event.area_id if event else self.user.area_id or next(iter(areas), None),
                                  label=_("Area")).classes("w-full")
            with ui.row().classes("w-full no-wrap gap-2"):
                self.start_day = ui.input(_("Start date"), value=_local(start)[0]).props("type=date").classes(
                    "grow").mark("start-date")
                self.start_time = ui.input(_("Start time"), value=_local(start)[1]).props("type=time").classes(
                    "grow").mark("start-time")
            with ui.row().classes("w-full no-wrap gap-2"):
                self.end_day = ui.input(_("End date"), value=_local(end)[0]).props("type=date").classes("grow")
                self.end_time = ui.input(_("End time"), value=_local(end)[1]).props("type=time").classes(
                    "grow").mark("end-time")
            with ui.row().classes("w-full no-wrap gap-2"):
                deadline = _local(event.signup_deadline) if event else ("", "")
                self.deadline_day = ui.input(_("Sign-up deadline (optional)"), value=deadline[0]).props(
                    "type=date clearable").classes("grow")
                self.deadline_time = ui.input(_("Time"), value=deadline[1] or "18:00").props("type=time").classes(
                    "w-28")
            self.audience = ui.select({EventAudience.both: _("Members and volunteers"),
                                       EventAudience.members: _("Members only"),
                                       EventAudience.volunteers: _("Volunteers only")},
                                      value=event.audience if event else EventAudience.both,
                                      label=_("Who may sign up")).classes("w-full")
        with ui.card().classes("ds-card"):
            ui.label(_("Place")).classes("font-medium")
            self.address = ui.input(_("Address"), value=event.address if event else "").classes("w-full").mark(
                "address")
            ui.label(_("Tap the map to place the pin.")).classes("text-sm text-gray-600")
            settings = get_settings()
            center = self.pin or (30.6586, 104.0648)
            pin_map = ui.leaflet(center=center, zoom=15 if self.pin else 12).classes("w-full h-56")
            pin_map.clear_layers()
            pin_map.tile_layer(url_template=settings.tile_url, options={"attribution": settings.tile_attribution,
                                                                        "maxZoom": 19})
            self.marker = pin_map.marker(latlng=center) if self.pin else None
            self.pin_label = ui.label().classes("text-sm")

            def place(e: events.GenericEventArguments) -> None:
                lat, lng = e.args["latlng"]["lat"], e.args["latlng"]["lng"]
                self.pin = (round(lat, 6), round(lng, 6))
                if self.marker is None:
                    self.marker = pin_map.marker(latlng=self.pin)
                else:
                    self.marker.move(*self.pin)
                self.show_pin()

            def clear_pin() -> None:
                self.pin = None
                if self.marker is not None:
                    pin_map.remove_layer(self.marker)
                    self.marker = None
                self.show_pin()

            pin_map.on("map-click", place)
            ui.button(_("Remove pin"), on_click=clear_pin).props("flat dense no-caps")
            self.show_pin()
        with ui.card().classes("ds-card"):
            ui.label(_("Places")).classes("font-medium")
            self.capacity = ui.number(_("Capacity"), value=event.capacity if event else 10, min=1, max=10000,
                                      precision=0).classes("w-full").mark("capacity")
            ui.label(_("Optional roles or shifts, each with its own places (the capacity is then their sum).")).classes(
                "text-sm text-gray-600")
            self.role_rows = ui.column().classes("w-full gap-1")
            self.show_roles()
            ui.button(_("Add role"), icon="add", on_click=self.add_role).props("flat dense no-caps").mark("add-role")
        ui.button(_("Save event"), icon="save", on_click=self.save).props("size=lg").classes("ds-card").mark(
            "save-event")

    def show_pin(self) -> None:
        self.pin_label.set_text(_("Pin: {lat}, {lng}").format(lat=self.pin[0], lng=self.pin[1]) if self.pin
                                else _("No pin"))

    def add_role(self) -> None:
        self.roles.append({"id": None, "name": "", "capacity": 1})
        self.show_roles()

    def show_roles(self) -> None:
        self.role_rows.clear()
        with self.role_rows:
            for index, role in enumerate(self.roles):
                with ui.row().classes("w-full no-wrap items-center gap-2"):
                    ui.input(_("Role"), value=role["name"]).bind_value(role, "name").classes("grow").mark(
                        f"role-name-{index}")
                    ui.number(_("Places"), value=role["capacity"], min=1, precision=0).bind_value(
                        role, "capacity").classes("w-20").mark(f"role-capacity-{index}")
                    ui.button(icon="delete", on_click=lambda i=index: self.remove_role(i)).props("flat round dense")
        self.capacity.set_enabled(not self.roles)

    def remove_role(self, index: int) -> None:
        self.roles.pop(index)
        self.show_roles()

    def form(self) -> EventForm:
        start = _combine(self.start_day.value, self.start_time.value)
        end = _combine(self.end_day.value, self.end_time.value)
        if start is None or end is None:
            raise InvalidInput(N_("Enter the start and end."))
        return EventForm(
            area_id=self.area.value, title=self.title.value or "", description=self.description.value or "",
            category=self.category.value or "", starts_at=start, ends_at=end, address=self.address.value or "",
            lat=self.pin[0] if self.pin else None, lng=self.pin[1] if self.pin else None,
            capacity=int(self.capacity.value or 0),
            signup_deadline=_combine(self.deadline_day.value, self.deadline_time.value),
            audience=self.audience.value,
            roles=[RoleForm(id=r["id"], name=r["name"] or "", capacity=int(r["capacity"] or 0)) for r in self.roles],
        )

    def save(self) -> None:
        actor = require_user(*MANAGERS)
        if actor is None:
            return
        try:
            form = self.form()
            with session_scope() as session:
                if self.event is None:
                    event = create_event(session, actor, form)
                else:
                    event = update_event(session, actor, self.event.id, form)
        except ServiceError as exc:
            notify_error(exc)
            return
        notify_ok(_("Event saved."))
        ui.navigate.to(f"/events/{event.id}")


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
    except NotFound:
        with frame(_("Roster"), user):
            not_found_message()
        return
    check_in_url = f"{str(request.base_url).rstrip('/')}/events/{event_id}/check-in?code={event.checkin_code}"
    with frame(_("Roster"), user):
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
        walk_in_card(event_id, lambda: refresh())
        body = ui.column().classes("w-full items-center gap-2")

    def refresh() -> None:
        actor = require_user(*MANAGERS)
        if actor is None:
            return
        with session_scope(read_only=True) as session:
            rows = roster(session, actor, event_id)
            current = get_managed_event(session, actor, event_id)
        body.clear()
        with body:
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
                person_card(row, current)

    def person_card(row, event: Event) -> None:
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
            if row.signup.status != SignupStatus.confirmed:
                return
            with ui.row().classes("w-full items-center gap-2"):
                present = bool(row.attendance and row.attendance.checked_in_at)
                ui.checkbox(_("Present"), value=present,
                            on_change=lambda e, s=row.signup.id: tick(s, e.value)).mark(f"present-{row.signup.id}")
                if present and row.attendance.checked_out_at is None:
                    ui.button(_("Check out"), on_click=lambda s=row.signup.id: out(s)).props("dense flat no-caps")
                ui.label(_("{hours} h").format(hours=row.hours)).classes("text-sm")
                ui.button(icon="edit_note", on_click=lambda r=row: correction(r)).props("flat round dense").tooltip(
                    _("Correct hours"))
                if utcnow() < event.starts_at:
                    ui.button(icon="person_remove", on_click=lambda s=row.signup.id: remove(s)).props(
                        "flat round dense color=negative").tooltip(_("Remove from the event"))
            if row.attendance and row.attendance.correction_reason:
                ui.label(_("Corrected: {reason}").format(reason=row.attendance.correction_reason)).classes(
                    "text-xs text-gray-600")

    def act(fn, *args) -> None:
        actor = require_user(*MANAGERS)
        if actor is None:
            return
        try:
            with session_scope() as session:
                fn(session, actor, *args)
        except ServiceError as exc:
            notify_error(exc)
        refresh()

    def tick(signup_id: int, present: bool) -> None:
        act(set_present, signup_id, present)

    def out(signup_id: int) -> None:
        act(check_out_participant, signup_id)

    def remove(signup_id: int) -> None:
        act(cancel_signup, signup_id)

    def correction(row) -> None:
        with ui.dialog() as dialog, ui.card().classes("w-80"):
            ui.label(_("Correct hours for {name}").format(name=row.name)).classes("font-medium")
            hours = ui.number(_("Hours"), value=row.hours, min=0, max=24, step=0.25).classes("w-full").mark(
                "correct-hours")
            reason = ui.input(_("Reason")).classes("w-full").mark("correct-reason")

            def save() -> None:
                act(correct_hours, row.signup.id, float(hours.value or 0), reason.value or "")
                dialog.close()

            with ui.row().classes("w-full justify-end"):
                ui.button(_("Close"), on_click=dialog.close).props("flat")
                ui.button(_("Save"), on_click=save).mark("save-correction")
        dialog.open()

    def export(kind: str) -> None:
        actor = require_user(*MANAGERS)
        if actor is None:
            return
        with session_scope(read_only=True) as session:
            table = roster_table(roster(session, actor, event_id), _)
        stem = f"roster-{event_id}-{to_local(event.starts_at, tz()):%Y%m%d}"
        if kind == "csv":
            ui.download.content(to_csv(table), f"{stem}.csv", "text/csv")
        else:
            ui.download.content(to_xlsx(table, _("Roster")), f"{stem}.xlsx",
                                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

    refresh()


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
            ui.label(_("Accept registrations without approval")).classes("text-lg font-medium ds-card")
            with ui.card().classes("ds-card").props("flat bordered"):
                for area, on in intake:
                    ui.switch(area.name, value=on, on_change=lambda e, i=area.id: toggle(i, e.value)).mark(
                        f"auto-approve-{area.id}")

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


@ui.page("/admin/hours")
def hours_page() -> None:
    user = require_user(*MANAGERS)
    if user is None:
        return
    today = to_local(utcnow(), tz()).date()
    with frame(_("Hours per person"), user):
        with ui.card().classes("ds-card"), ui.row().classes("w-full gap-2 items-end"):
            date_from = ui.input(_("From"), value=date(today.year, 1, 1).isoformat()).props("type=date dense")
            date_to = ui.input(_("To"), value=today.isoformat()).props("type=date dense")
            ui.button("CSV", icon="download", on_click=lambda: export("csv")).props("outline dense")
            ui.button("XLSX", icon="download", on_click=lambda: export("xlsx")).props("outline dense")

        def rows():
            actor = require_user(*MANAGERS)
            start, end = _combine(date_from.value, "00:00"), _combine(date_to.value, "00:00")
            if actor is None or start is None or end is None:
                return None
            with session_scope() as session:  # closes ended events' attendance first
                return hours_by_person(session, actor, start, end + timedelta(days=1))

        @ui.refreshable
        def table() -> None:
            people = rows()
            if not people:
                ui.label(_("No hours in this period.")).classes("text-gray-600")
                return
            ui.table(columns=[{"name": "name", "label": _("Name"), "field": "name", "align": "left"},
                              {"name": "events", "label": _("Events"), "field": "events"},
                              {"name": "hours", "label": _("Hours"), "field": "hours", "sortable": True},
                              {"name": "no_shows", "label": _("No-shows"), "field": "no_shows"}],
                     rows=[{"name": p.name, "events": p.events, "hours": p.hours, "no_shows": p.no_shows}
                           for p in people], row_key="name").classes("ds-card").props("flat bordered dense")

        def export(kind: str) -> None:
            people = rows()
            if people is None:
                return
            data = hours_table(people, _)
            name = f"hours-{date_from.value}-{date_to.value}"
            if kind == "csv":
                ui.download.content(to_csv(data), f"{name}.csv", "text/csv")
            else:
                ui.download.content(to_xlsx(data, _("Hours")), f"{name}.xlsx",
                                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

        date_from.on_value_change(table.refresh)
        date_to.on_value_change(table.refresh)
        table()
