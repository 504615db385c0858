"""Coordinators: the events they manage; create, edit, duplicate and cancel one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from nicegui import events, ui

from core.config import get_settings
from core.i18n import N_, _, to_local
from models import Event, EventAudience, EventStatus, User
from models.common import utcnow
from pages.actions import load, page_user, perform
from pages.events.browse import places_text, tz, when_text
from pages.frame import frame, not_found_message
from pages.messages import notify_error
from services.errors import InvalidInput
from services.events.catalogue import (
    EventEditing,
    EventForm,
    RoleForm,
    cancel_event,
    create_event,
    duplicate_event,
    event_editing,
    managed_events,
    update_event,
)
from services.policy import MANAGERS


def _local(dt: datetime | None) -> tuple[str, str]:
    if dt is None:
        return "", ""
    local = to_local(dt, tz())
    return local.date().isoformat(), local.strftime("%H:%M")


def local_datetime(day: str | None, clock: str | None) -> datetime | None:
    """The organisation's local day and time as an aware datetime; None if either is missing or wrong."""
    if not day:
        return None
    try:
        return datetime.combine(date.fromisoformat(day), time.fromisoformat(clock or "00:00"), tzinfo=ZoneInfo(tz()))
    except ValueError:
        return None


@ui.page("/admin/events")
async def manage_events_page(past: bool = False) -> None:
    user = await page_user(MANAGERS)
    if user is None:
        return
    with frame(_("Manage events"), user):
        with ui.row().classes("w-full items-center justify-between"):
            ui.button(_("New event"), icon="add", on_click=lambda: ui.navigate.to("/admin/events/new")).mark(
                "new-event")
            ui.switch(_("Show past events"), value=past,
                      on_change=lambda e: ui.navigate.to(f"/admin/events?past={'1' if e.value else ''}"))

        @ui.refreshable
        async def listing() -> None:
            actor = await page_user(MANAGERS)
            if actor is None:
                return
            rows = await load(managed_events, actor, include_past=past)
            if not rows:
                ui.label(_("No events yet.")).classes("text-gray-600")
            for event in rows:
                _managed_card(event, duplicate, confirm_cancel)

        async def duplicate(event_id: int) -> None:
            copy = await perform(duplicate_event, event_id, roles=MANAGERS,
                                 done=_("Copied to one week later. Check the details."))
            if copy and copy.value is not None:
                ui.navigate.to(f"/admin/events/{copy.value.id}/edit")

        def confirm_cancel(event: Event) -> None:
            with ui.dialog() as dialog, ui.card():
                ui.label(_("Cancel {title}? Everyone signed up is told.").format(title=event.title))

                async def do_cancel() -> None:
                    await perform(cancel_event, event.id, roles=MANAGERS)  # a refusal shows its reason
                    dialog.close()
                    await listing.refresh()

                with ui.row().classes("w-full justify-end"):
                    ui.button(_("Keep it"), on_click=dialog.close).props("flat")
                    ui.button(_("Cancel event"), on_click=do_cancel).props("color=negative").mark("confirm-cancel")
            dialog.open()

        await listing()


def _managed_card(event: Event, duplicate: Callable[[int], Any], confirm_cancel: Callable[[Event], Any]) -> None:
    """One managed event: when, places, and its roster, edit, duplicate and cancel buttons."""
    with ui.card().classes("ds-card").props("flat bordered").mark(f"managed-{event.id}"):
        with ui.link(target=f"/events/{event.id}").classes("no-underline text-inherit"):
            ui.label(event.title).classes("text-lg font-medium")
        ui.label(when_text(event)).classes("text-sm text-gray-700")
        with ui.row().classes("items-center gap-2"):
            ui.badge(places_text(event), color="negative" if event.status == EventStatus.cancelled
                     else "primary")
            ui.label(_("{n} confirmed").format(n=event.confirmed_count)).classes("text-sm")
        published = event.status == EventStatus.published
        with ui.row().classes("gap-1"):
            ui.button(_("Roster"), icon="how_to_reg",
                      on_click=lambda: ui.navigate.to(f"/admin/events/{event.id}/roster")).props("dense no-caps")
            if published:
                ui.button(_("Edit"), icon="edit",
                          on_click=lambda: ui.navigate.to(f"/admin/events/{event.id}/edit")).props(
                    "dense flat no-caps")
            ui.button(_("Duplicate"), icon="content_copy", on_click=lambda: duplicate(event.id)).props(
                "dense flat no-caps").mark(f"duplicate-{event.id}")
            if published:
                ui.button(_("Cancel event"), icon="cancel", on_click=lambda: confirm_cancel(event)
                          ).props("dense flat no-caps color=negative").mark(f"cancel-event-{event.id}")


@ui.page("/admin/events/new")
async def new_event_page() -> None:
    user = await page_user(MANAGERS)
    if user is None:
        return
    editing = await load(event_editing, user)
    with frame(_("New event"), user):
        if editing is not None:
            EventEditor(user, editing).build()


@ui.page("/admin/events/{event_id:int}/edit")
async def edit_event_page(event_id: int) -> None:
    user = await page_user(MANAGERS)
    if user is None:
        return
    editing = await load(event_editing, user, event_id)
    with frame(_("Edit event"), user):
        if editing is None:
            not_found_message()
            return
        EventEditor(user, editing).build()


class EventEditor:
    """The event form: details, time, place with a pin, capacity or roles, deadline, audience."""

    def __init__(self, user: User, editing: EventEditing) -> None:
        event = editing.event
        self.user, self.event, self.areas, self.known = user, event, editing.areas, editing.categories
        self.roles: list[dict] = [{"id": r.id, "name": r.name, "capacity": r.capacity} for r in editing.roles]
        self.pin: tuple[float, float] | None = (event.lat, event.lng) if event and event.lat is not None else None

    def build(self) -> None:
        self.details_card()
        self.place_card()
        self.places_card()
        ui.button(_("Save event"), icon="save", on_click=self.save).props("size=lg").classes("ds-card").mark(
            "save-event")

    def details_card(self) -> None:
        """Title, category, description, area, when, the sign-up deadline and who may sign up."""
        event = self.event
        with ui.card().classes("ds-card"):
            self.title = ui.input(_("Title"), value=event.title if event else "").classes("w-full").mark("title")
            self.category = ui.input(_("Category"), value=event.category if event else "",
                                     autocomplete=self.known).classes("w-full").mark("category")
            self.description = ui.textarea(_("Description"), value=event.description if event else "").classes(
                "w-full").props("autogrow")
            area = event.area_id if event else self.user.area_id or next(iter(self.areas), None)
            self.area = ui.select(self.areas, value=area, label=_("Area")).classes("w-full")
            self.time_inputs()
            self.audience = ui.select({EventAudience.both: _("Members and volunteers"),
                                       EventAudience.members: _("Members only"),
                                       EventAudience.volunteers: _("Volunteers only")},
                                      value=event.audience if event else EventAudience.both,
                                      label=_("Who may sign up")).classes("w-full")

    def time_inputs(self) -> None:
        """Start, end and the optional sign-up deadline (a new event: next week, three hours)."""
        event = self.event
        start = event.starts_at if event else (utcnow() + timedelta(days=7)).replace(minute=0)
        end = event.ends_at if event else start + timedelta(hours=3)
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

    def place_card(self) -> None:
        """The address and a map to tap for the pin."""
        event = self.event
        with ui.card().classes("ds-card"):
            ui.label(_("Place")).classes("font-medium")
            self.address = ui.input(_("Address"), value=event.address if event else "").classes("w-full").mark(
                "address")
            ui.label(_("Tap the map to place the pin.")).classes("text-sm text-gray-600")
            settings = get_settings()
            center = self.pin or (30.6586, 104.0648)
            self.pin_map = ui.leaflet(center=center, zoom=15 if self.pin else 12).classes("w-full h-56")
            self.pin_map.clear_layers()
            self.pin_map.tile_layer(url_template=settings.tile_url,
                                    options={"attribution": settings.tile_attribution, "maxZoom": 19})
            self.marker = self.pin_map.marker(latlng=center) if self.pin else None
            self.pin_label = ui.label().classes("text-sm")
            self.pin_map.on("map-click", self.place)
            ui.button(_("Remove pin"), on_click=self.clear_pin).props("flat dense no-caps")
            self.show_pin()

    def place(self, e: events.GenericEventArguments) -> None:
        lat, lng = e.args["latlng"]["lat"], e.args["latlng"]["lng"]
        self.pin = (round(lat, 6), round(lng, 6))
        if self.marker is None:
            self.marker = self.pin_map.marker(latlng=self.pin)
        else:
            self.marker.move(*self.pin)
        self.show_pin()

    def clear_pin(self) -> None:
        self.pin = None
        if self.marker is not None:
            self.pin_map.remove_layer(self.marker)
            self.marker = None
        self.show_pin()

    def places_card(self) -> None:
        """The capacity, or roles (shifts) each with its own places."""
        with ui.card().classes("ds-card"):
            ui.label(_("Places")).classes("font-medium")
            self.capacity = ui.number(_("Capacity"), value=self.event.capacity if self.event else 10, min=1,
                                      max=10000, precision=0).classes("w-full").mark("capacity")
            ui.label(_("Optional roles or shifts, each with its own places (the capacity is then their sum).")).classes(
                "text-sm text-gray-600")
            self.role_rows = ui.column().classes("w-full gap-1")
            self.show_roles()
            ui.button(_("Add role"), icon="add", on_click=self.add_role).props("flat dense no-caps").mark("add-role")

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
        start = local_datetime(self.start_day.value, self.start_time.value)
        end = local_datetime(self.end_day.value, self.end_time.value)
        if start is None or end is None:
            raise InvalidInput(N_("Enter the start and end."))
        return EventForm(
            area_id=self.area.value, title=self.title.value or "", description=self.description.value or "",
            category=self.category.value or "", starts_at=start, ends_at=end, address=self.address.value or "",
            lat=self.pin[0] if self.pin else None, lng=self.pin[1] if self.pin else None,
            capacity=int(self.capacity.value or 0),
            signup_deadline=local_datetime(self.deadline_day.value, self.deadline_time.value),
            audience=self.audience.value,
            roles=[RoleForm(id=r["id"], name=r["name"] or "", capacity=int(r["capacity"] or 0)) for r in self.roles],
        )

    async def save(self) -> None:
        try:
            form = self.form()
        except InvalidInput as exc:
            notify_error(exc)
            return
        if self.event is None:
            saved = await perform(create_event, form, roles=MANAGERS, done=_("Event saved."))
        else:
            saved = await perform(update_event, self.event.id, form, roles=MANAGERS, done=_("Event saved."))
        if saved and saved.value is not None:
            ui.navigate.to(f"/events/{saved.value.id}")
