"""Events for everyone allowed: the phone-first list, the event page with one-tap sign-up, QR check-in.

The event's calendar file and the personal feed are served by api/calendar.py. What a person may
do with an event, and until when, comes from services/events/view.py: these pages only render it.
"""

from __future__ import annotations

import contextlib
from datetime import datetime

from nicegui import ui
from sqlmodel import Session

from core.config import get_settings
from core.i18n import _, format_date, to_local
from models import Attendance, Event, EventStatus, Notice, SignupStatus, User
from pages.actions import load, page_user, perform
from pages.frame import frame, not_found_message
from pages.messages import error_text, notify_error, notify_ok
from services.errors import InvalidInput, NotFound, ServiceError
from services.events.attendance import check_in_with_code, check_out
from services.events.catalogue import EventFilters, categories, get_event, places_left
from services.events.signups import cancel_signup, report_late_cancellation, sign_up, signups_tomorrow
from services.events.view import ListedEvent, PersonalEvent, listed_events, personal_event
from services.notifications import mark_read, notice_params, notices_for
from services.org.clock import day_start
from services.policy import EVENT_SIGNERS, may_manage_events

GEOLOCATE_JS = """
new Promise(resolve => {
  if (!navigator.geolocation) { resolve({error: 'unsupported'}); return; }
  navigator.geolocation.getCurrentPosition(
    p => resolve({lat: p.coords.latitude, lng: p.coords.longitude}),
    e => resolve({error: e.code === 1 ? 'denied' : 'unavailable'}),
    {enableHighAccuracy: false, timeout: 15000, maximumAge: 300000});
})
"""


def tz() -> str:
    return get_settings().time_zone


def when_text(event: Event) -> str:
    """"28 Nov 2026 · 09:00–12:00" in the organisation's time zone (the end date too if it differs)."""
    start, end = to_local(event.starts_at, tz()), to_local(event.ends_at, tz())
    if start.date() == end.date():
        return f"{format_date(event.starts_at, tz())} · {start:%H:%M}–{end:%H:%M}"
    return f"{short_datetime(event.starts_at)} – {short_datetime(event.ends_at)}"


def short_datetime(dt: datetime) -> str:
    """Date and hours:minutes, without seconds."""
    return f"{format_date(dt, tz())} {to_local(dt, tz()):%H:%M}"


def places_text(event: Event) -> str:
    left = places_left(event)
    if event.status == EventStatus.cancelled:
        return _("Cancelled")
    if left == 0:
        return _("Full · waitlist open")
    return _("{left} of {capacity} places left").format(left=left, capacity=event.capacity)


def notice_text(notice: Notice) -> str:
    params = notice_params(notice)
    if "starts_at" in params:
        with contextlib.suppress(TypeError, ValueError):
            params["starts_at"] = short_datetime(datetime.fromisoformat(params["starts_at"]))
    try:
        return _(notice.msgid).format(**params)
    except (KeyError, IndexError):
        return _(notice.msgid)


def status_badge(status: SignupStatus | None, position: int | None = None) -> None:
    if status == SignupStatus.confirmed:
        ui.badge(_("You are signed up"), color="positive").mark("my-status")
    elif status == SignupStatus.waitlisted:
        text = _("Waitlist, position {n}").format(n=position) if position else _("On the waitlist")
        ui.badge(text, color="warning").mark("my-status")


async def _where_am_i() -> tuple[float, float] | None:
    """The phone's position, or None when it is not available (refused, no fix, timeout)."""
    try:
        result = await ui.run_javascript(GEOLOCATE_JS, timeout=20)
    except TimeoutError:
        return None
    if not isinstance(result, dict) or "lat" not in result:
        return None
    return float(result["lat"]), float(result["lng"])


def _manager_links() -> None:
    """Coordinators reach their event pages from the list."""
    with ui.row().classes("gap-2"):
        ui.button(_("Manage events"), icon="edit_calendar",
                  on_click=lambda: ui.navigate.to("/admin/events")).mark("manage-events")
        ui.button(_("Volunteers"), icon="group_add",
                  on_click=lambda: ui.navigate.to("/admin/volunteers")).props("outline")
        ui.button(_("Hours"), icon="schedule", on_click=lambda: ui.navigate.to("/admin/hours")).props(
            "outline")


def _event_card(listed: ListedEvent) -> None:
    """One event of the list: title, when, where (how far), places, category and the person's own status."""
    row, event = listed.row, listed.row.event
    with ui.link(target=f"/events/{event.id}").classes("no-underline text-inherit w-full").mark(
            f"event-{event.id}"):
        with ui.card().classes("ds-card gap-2").props("flat bordered"):
            ui.label(event.title).classes("text-lg font-medium leading-tight")
            with ui.row().classes("items-center gap-1 text-sm text-gray-700"):
                ui.icon("event", size="18px")
                ui.label(when_text(event))
            if event.address:
                with ui.row().classes("items-center gap-1 text-sm text-gray-700 no-wrap"):
                    ui.icon("place", size="18px")
                    ui.label(event.address).classes("ellipsis")
                    if row.distance_km is not None:
                        ui.label(_("{km} km").format(km=f"{row.distance_km:.1f}")).classes(
                            "text-gray-500")
            with ui.row().classes("items-center gap-2"):
                left = places_left(event)
                ui.badge(places_text(event), color="positive" if left else "grey-7")
                if event.category:
                    ui.badge(event.category, color="secondary").props("outline")
                status_badge(row.my_status, listed.position)


@ui.page("/events")
async def events_page() -> None:
    user = await page_user()
    if user is None:
        return
    state: dict = {"near": None}
    category_options = {"": _("All categories"), **{c: c for c in await load(categories)}}
    with frame(_("Events"), user):
        if may_manage_events(user):
            _manager_links()
        with ui.expansion(_("Filters"), icon="filter_list").classes("ds-card bg-white rounded").props("dense"):
            with ui.column().classes("w-full gap-1 p-1"):
                day = ui.input(_("From date")).props("type=date dense outlined clearable").classes("w-full").mark(
                    "filter-date")
                category = ui.select(category_options, value="", label=_("Category")).props(
                    "dense outlined").classes("w-full").mark("filter-category")
                with ui.row().classes("w-full items-center justify-between"):
                    places = ui.switch(_("Has places left")).mark("filter-places")
                    near = ui.switch(_("Near me")).mark("filter-near")
                near_info = ui.label().classes("text-sm text-gray-600")

        @ui.refreshable
        async def event_list() -> None:
            actor = await page_user()
            if actor is None:
                return
            filters = EventFilters(date_from=day_start(day.value), category=category.value or "",
                                   places_left_only=bool(places.value), near=state["near"] if near.value else None)
            listed = await load(listed_events, actor, filters)
            if not listed:
                ui.label(_("No upcoming events match.")).classes("text-gray-600")
                return
            for item in listed:
                _event_card(item)

        async def toggle_near() -> None:
            if near.value and state["near"] is None:
                near_info.set_text(_("Finding your location…"))
                state["near"] = await _where_am_i()
                if state["near"] is None:
                    near.set_value(False)
                    near_info.set_text(_("Your location is not available. Allow location access and try again."))
                    return
            near_info.set_text(_("Within 5 km, nearest first.") if near.value else "")
            await event_list.refresh()

        for control in (day, category, places):
            control.on_value_change(event_list.refresh)
        near.on_value_change(toggle_near)
        await event_list()


@ui.page("/events/{event_id:int}")
async def event_page(event_id: int) -> None:
    user = await page_user()
    if user is None:
        return
    seen = await load(personal_event, user, event_id)
    with frame(_("Event"), user):
        content = ui.column().classes("w-full items-center gap-3")
        EventView(event_id, content).show(seen)


class EventView:
    """One event as the signed-in person sees it: details, their place (or the sign-up), and the map."""

    def __init__(self, event_id: int, content: ui.column) -> None:
        self.event_id, self.content = event_id, content

    async def render(self) -> None:
        actor = await page_user()
        if actor is None:
            return
        self.show(await load(personal_event, actor, self.event_id))

    def show(self, seen: PersonalEvent | None) -> None:
        self.content.clear()
        with self.content:
            if seen is None:
                not_found_message()
                return
            event = seen.event
            event_details(event, seen.role_counts)
            if seen.manages:
                with ui.row().classes("gap-2"):
                    ui.button(_("Roster and check-in"), icon="how_to_reg",
                              on_click=lambda: ui.navigate.to(f"/admin/events/{self.event_id}/roster")).mark("roster")
                    ui.button(_("Edit"), icon="edit",
                              on_click=lambda: ui.navigate.to(f"/admin/events/{self.event_id}/edit")).props("outline")
            with ui.card().classes("ds-card gap-2").props("flat bordered"):
                if event.status == EventStatus.cancelled:
                    ui.label(_("This event was cancelled.")).classes("text-negative font-medium")
                elif seen.signup is not None:
                    self.my_place(seen)
                else:
                    self.sign_up_form(seen)
            event_map(event)

    def my_place(self, seen: PersonalEvent) -> None:
        """The person's place: confirmed (until when they may cancel, check-in and out) or waitlisted."""
        signup, choices = seen.signup, seen.choices
        assert signup is not None
        status_badge(signup.status, seen.position)
        if signup.status == SignupStatus.confirmed:
            ui.label(_("See you there! It is in “My activities”.")).classes("font-medium").mark(
                "signup-confirmation")
            if choices.cancel_until is not None:
                ui.label(_("You can cancel until {time}.").format(time=short_datetime(choices.cancel_until))).classes(
                    "text-sm text-gray-600")
            if signup.late_cancel_requested_at:
                ui.label(_("You told the coordinator that you cannot come.")).classes("text-sm text-warning")
            self.attendance(seen.attendance, choices.may_check_out)
        else:
            ui.label(_("You will get a notice here if a place becomes free.")).classes("text-sm")
        if choices.may_cancel:
            ui.button(_("Leave the waitlist") if signup.status == SignupStatus.waitlisted
                      else _("Cancel my place"), icon="event_busy",
                      on_click=lambda: self.cancel(signup.id)).props("outline color=negative").classes(
                "w-full").mark("cancel-signup")

    def attendance(self, attendance: Attendance | None, may_check_out: bool) -> None:
        """When they checked in, and the check-out while the event runs."""
        if attendance and attendance.checked_in_at:
            checked_in = short_datetime(attendance.checked_in_at)
            ui.label(_("Checked in at {time}.").format(time=checked_in)).classes("text-positive")
            if may_check_out:
                ui.button(_("Check out"), icon="logout", on_click=self.leave).classes("w-full").mark("check-out")

    def sign_up_form(self, seen: PersonalEvent) -> None:
        """The sign-up (a role to choose where there are roles), or why there is none."""
        choices = seen.choices
        if not choices.open_to_them:
            ui.label(_("Sign-up is for members and volunteers.")).classes("text-gray-600")
            return
        if choices.closed_reason:
            ui.label(_(choices.closed_reason)).classes("text-gray-600").mark("signup-closed")
            return
        role_choice = None
        if seen.roles:
            options = {r.id: f"{r.name} · " + (
                _("{n} left").format(n=r.capacity - r.confirmed_count) if r.confirmed_count < r.capacity
                else _("full, waitlist")) for r in seen.roles}
            role_choice = ui.radio(options).props("dense").classes("w-full").mark("role-choice")
        ui.button(_("Join the waitlist") if choices.joins_waitlist else _("Sign up"), icon="how_to_reg",
                  on_click=lambda: self.join(role_choice.value if role_choice else None)).props("size=lg").classes(
            "w-full").mark("sign-up")
        if choices.signup_deadline:
            ui.label(_("Sign-up closes {time}.").format(time=short_datetime(choices.signup_deadline))).classes(
                "text-sm text-gray-600")

    async def join(self, role_id: int | None) -> None:
        joined = await perform(sign_up, self.event_id, role_id)
        if not joined:
            return
        assert joined.value is not None
        if joined.value.status == SignupStatus.confirmed:
            notify_ok(_("You are signed up."))
        else:
            ui.notify(_("The event is full: you are on the waitlist."), type="warning", position="top")
        await self.render()

    async def cancel(self, signup_id: int) -> None:
        def refused(exc: ServiceError) -> None:
            if isinstance(exc, InvalidInput):  # after the cut-off: they may tell the coordinator instead
                self.late_dialog(signup_id, error_text(exc))
            else:
                notify_error(exc)

        await perform(cancel_signup, signup_id, done=_("Cancelled."), refresh=self.render, on_error=refused)

    def late_dialog(self, signup_id: int, message: str) -> None:
        with ui.dialog() as dialog, ui.card():
            ui.label(message).mark("cutoff-message")

            async def tell() -> None:
                # "Told" only when the report was stored; a refusal shows its reason instead.
                if await perform(report_late_cancellation, signup_id, done=_("The coordinator has been told.")):
                    dialog.close()
                    await self.render()

            with ui.row().classes("w-full justify-end"):
                ui.button(_("Close"), on_click=dialog.close).props("flat")
                ui.button(_("I cannot come"), on_click=tell).props("color=negative").mark("cannot-come")
        dialog.open()

    async def leave(self) -> None:
        await perform(check_out, self.event_id, done=_("Checked out. Thank you!"), refresh=self.render)


def event_details(event: Event, roles: list) -> None:
    with ui.card().classes("ds-card gap-2").props("flat bordered"):
        ui.label(event.title).classes("text-xl font-medium leading-tight").mark("event-title")
        with ui.row().classes("items-center gap-1 text-gray-800"):
            ui.icon("event", size="20px")
            ui.label(when_text(event))
        if event.address:
            with ui.row().classes("items-center gap-1 text-gray-800 no-wrap"):
                ui.icon("place", size="20px")
                ui.label(event.address)
        with ui.row().classes("items-center gap-2"):
            ui.badge(places_text(event), color="positive" if places_left(event) else "grey-7").mark("places-left")
            if event.category:
                ui.badge(event.category, color="secondary").props("outline")
        if roles:
            for role in roles:
                ui.label(_("{name}: {taken} of {capacity} taken").format(
                    name=role.name, taken=role.confirmed_count, capacity=role.capacity)).classes("text-sm")
        if event.description:
            ui.label(event.description).classes("whitespace-pre-wrap text-gray-800")
        ui.link(_("Add to my calendar"), f"/events/{event.id}.ics").classes("text-primary text-sm")


def event_map(event: Event) -> None:
    settings = get_settings()
    if event.lat is not None and event.lng is not None:
        pin = ui.leaflet(center=(event.lat, event.lng), zoom=16).classes("ds-card h-48 rounded")
        pin.clear_layers()
        pin.tile_layer(url_template=settings.tile_url, options={"attribution": settings.tile_attribution,
                                                                 "maxZoom": 19})
        # shows where; nothing happens on a tap, so it is no tap target
        pin.marker(latlng=(event.lat, event.lng), options={"interactive": False, "keyboard": False})


def _check_in(session: Session, actor: User, event_id: int, code: str) -> tuple[Attendance, Event]:
    return check_in_with_code(session, actor, event_id, code), get_event(session, actor, event_id)


@ui.page("/events/{event_id:int}/check-in")
async def check_in_page(event_id: int, code: str = "") -> None:
    user = await page_user()
    if user is None:
        return
    refusal: list[ServiceError] = []
    done = await perform(_check_in, event_id, code, on_error=refusal.append)
    if not done and not refusal:
        return  # signed out meanwhile: sent on already
    with frame(_("Check-in"), user), ui.card().classes("ds-card items-center"):
        if refusal:
            _check_in_refused(event_id, refusal[0])
            return
        assert done.value is not None
        record, event = done.value
        ui.icon("check_circle", size="56px").classes("text-positive")
        ui.label(_("You are checked in.")).classes("text-xl").mark("checked-in")
        ui.label(event.title).classes("text-gray-700")
        ui.label(_("Checked in at {time}.").format(time=short_datetime(record.checked_in_at)))
        ui.link(_("Back to the event"), f"/events/{event_id}")


def _check_in_refused(event_id: int, exc: ServiceError) -> None:
    """Why the code was not accepted (too early, ended, no confirmed place, a wrong code)."""
    if isinstance(exc, NotFound):
        not_found_message()
        return
    ui.icon("error_outline", size="48px").classes("text-negative")
    ui.label(error_text(exc)).classes("text-lg text-center").mark("check-in-error")
    ui.link(_("Back to the event"), f"/events/{event_id}")


def home_events_of(session: Session, user: User) -> tuple[list[Notice], list[Event]]:
    """What the home page's events block shows: unread notices and tomorrow's events (read in a worker)."""
    if user.role not in EVENT_SIGNERS:
        return [], []
    return notices_for(session, user, unread_only=True, limit=5), signups_tomorrow(session, user)


def home_events_block(user: User, loaded: tuple[list[Notice], list[Event]]) -> None:
    """Home page: unread notices and tomorrow's events for people who sign up for events."""
    if user.role not in EVENT_SIGNERS:
        return
    notices, tomorrow = loaded
    for notice in notices:
        with ui.card().classes("ds-card bg-amber-50").props("flat bordered").mark("notice"):
            with ui.row().classes("w-full items-center no-wrap gap-2"):
                ui.icon("notifications", color="warning")
                ui.link(notice_text(notice), notice.link or "/me/activities").classes("text-inherit grow")
    if tomorrow:
        with ui.card().classes("ds-card").props("flat bordered").mark("tomorrow"):
            ui.label(_("Tomorrow")).classes("text-lg font-medium")
            for event in tomorrow:
                with ui.link(target=f"/events/{event.id}").classes("no-underline text-inherit"):
                    ui.label(f"{to_local(event.starts_at, tz()):%H:%M} · {event.title}").classes("text-primary")
    if notices:
        async def dismiss() -> None:
            if await perform(mark_read):
                ui.navigate.reload()

        ui.button(_("Mark notices as read"), on_click=dismiss).props("flat dense no-caps").mark("notices-read")
    # No icons on these start-page buttons: the home page then needs no icon font (bench/pageload.py).
    with ui.row().classes("ds-card no-wrap gap-2"):
        ui.button(_("Find events"), on_click=lambda: ui.navigate.to("/events")).classes("grow").mark("find-events")
        ui.button(_("My activities"), on_click=lambda: ui.navigate.to("/me/activities")).props(
            "outline").classes("grow")

