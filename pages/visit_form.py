"""Logging a home visit on a phone: when, where, what was said and done, and photos."""

from __future__ import annotations

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from nicegui import app, events, run, ui

from core.config import get_settings
from core.db import session_scope
from core.i18n import N_, _, format_number
from models import Household, LocationSource, Role, User
from pages.door_cards.scan_button import DoorCardScan
from pages.ethical_line.free_text import warn_on_marking_words
from pages.frame import frame, not_found_message
from pages.messages import error_text
from pages.photo_picker import PhotoPicker
from pages.session import require_user
from services.coords import gcj02_to_wgs84, wgs84_to_gcj02
from services.errors import InvalidInput, NotFound, ServiceError
from services.geo import verify_location
from services.households import get_household
from services.photo_pipeline import ProcessedPhoto
from services.tiles import tile_config
from services.visits import VisitInput, save_visit

# Always resolves (never rejects): a rejected promise reaches Python only as a timeout.
GEOLOCATE_JS = """
return await new Promise((resolve) => {
  if (!navigator.geolocation) { resolve({error: "unsupported"}); return; }
  navigator.geolocation.getCurrentPosition(
    (p) => resolve({lat: p.coords.latitude, lng: p.coords.longitude, accuracy: p.coords.accuracy}),
    (e) => resolve({error: e.code === 1 ? "denied" : (e.code === 3 ? "timeout" : "unavailable")}),
    {enableHighAccuracy: true, timeout: 20000, maximumAge: 30000});
});
"""
INACCURATE_M = 500
DRAFT_FIELDS = ("notes", "needs_raised", "help_given", "photo_consent", "date", "time")


def _drafts() -> dict:
    return app.storage.user.setdefault("visit_drafts", {})


def _save_visit(actor: User, data: VisitInput, photos: list[ProcessedPhoto]) -> str:
    return save_visit(actor, data, photos).id


@ui.page("/households/{household_id}/visit", reconnect_timeout=get_settings().reconnect_timeout)
def visit_form_page(household_id: int) -> None:
    user = require_user(Role.member)
    if user is None:
        return
    settings = get_settings()
    tz = ZoneInfo(settings.time_zone)
    with frame(_("Log visit"), user):
        try:
            with session_scope() as session:
                household = get_household(session, user, household_id)
        except NotFound:
            not_found_message()
            return
        VisitForm(user, household, tz).build()


class VisitForm:
    """The form's state lives here; a draft of the typed text is kept in user storage."""

    def __init__(self, user: User, household: Household, tz: ZoneInfo) -> None:
        self.user, self.household, self.tz = user, household, tz
        self.settings = get_settings()
        key = str(household.id)
        now = datetime.now(tz)
        draft = _drafts().get(key) or {}
        # The client-made id is the idempotency key: a double tap or a retry stores one visit.
        self.draft = {"id": str(uuid.uuid4()), "date": now.strftime("%Y-%m-%d"), "time": now.strftime("%H:%M"),
                      "notes": "", "needs_raised": "", "help_given": "", "photo_consent": False, **draft}
        _drafts()[key] = self.draft
        self.location: dict = self.draft.get("location") or {}
        self.saving = False

    def remember(self, field: str, value: object) -> None:
        self.draft[field] = value
        _drafts()[str(self.household.id)] = self.draft
        app.storage.user.update()  # mark the storage dirty so the draft is persisted

    def build(self) -> None:
        with ui.card().classes("ds-card"):
            ui.label(self.household.head_name).classes("text-lg font-medium")
            ui.label(self.household.address).classes("text-sm text-gray-600")
        with ui.card().classes("ds-card"):
            ui.label(_("When")).classes("font-medium")
            with ui.row().classes("w-full no-wrap"):
                date = ui.input(_("Date"), value=self.draft["date"]).props("type=date outlined dense").classes("grow")
                time = ui.input(_("Time"), value=self.draft["time"]).props("type=time outlined dense").classes("grow")
            date.on_value_change(lambda e: self.remember("date", e.value))
            time.on_value_change(lambda e: self.remember("time", e.value))
            self.date_input, self.time_input = date, time
        self.build_location()
        with ui.card().classes("ds-card"):
            for field, label in (("notes", _("Notes")), ("needs_raised", _("Needs raised")),
                                 ("help_given", _("Help given"))):
                area = ui.textarea(label, value=self.draft[field]).props("outlined autogrow").classes("w-full")
                area.on_value_change(lambda e, f=field: self.remember(f, e.value))
                warn_on_marking_words(area, f"ethics-warning-{field}")
                setattr(self, f"{field}_input", area)
        self.build_photos()
        self.error = ui.label().classes("text-negative").mark("visit-error")
        self.save_button = ui.button(_("Save visit"), icon="save", on_click=self.save).classes("w-full").props(
            "size=lg").mark("save-visit")

    # --- location ----------------------------------------------------------------------------

    def build_location(self) -> None:
        with ui.card().classes("ds-card"):
            ui.label(_("Where")).classes("font-medium")
            self.location_label = ui.label().classes("text-sm").mark("location-status")
            with ui.row().classes("gap-2"):
                ui.button(_("Use my location"), icon="my_location", on_click=self.locate).props("outline").mark(
                    "use-location")
                ui.button(_("Drop a pin"), icon="place", on_click=self.show_pin_map).props("outline").mark("drop-pin")
                if self.household.lat is not None:
                    ui.button(_("At the registered address"), icon="home",
                              on_click=self.use_address).props("outline").mark("use-address")
            self.door_card = DoorCardScan(self.household)
            self.map_slot = ui.column().classes("w-full")
        self.show_location()

    def set_location(self, source: LocationSource, lat: float | None = None, lng: float | None = None,
                     accuracy: float | None = None) -> None:
        self.location = {"source": source.value, "lat": lat, "lng": lng, "accuracy": accuracy}
        self.remember("location", self.location)
        self.show_location()

    def show_location(self) -> None:
        loc = self.location
        if not loc:
            self.location_label.set_text(_("No location yet."))
            return
        source = LocationSource(loc["source"])
        home = (self.household.lat, self.household.lng) if self.household.lat is not None else None
        point = (loc["lat"], loc["lng"]) if loc.get("lat") is not None else None
        if source == LocationSource.address:
            self.location_label.set_text(_("At the registered address (not measured)"))
            return
        check = verify_location(point, home, source, loc.get("accuracy"), self.settings.verify_radius_m)
        parts = []
        if source == LocationSource.gps:
            accuracy = format_number(round(loc["accuracy"]))
            parts.append(_("Location from the phone, accurate to {m} m.").format(m=accuracy))
        else:
            parts.append(_("Pin dropped on the map."))
        if check.distance_m is not None:
            parts.append(_("{m} m from the registered address.").format(m=format_number(round(check.distance_m))))
        parts.append(_("Verified at the household.") if check.verified else _("Not verified."))
        self.location_label.set_text(" ".join(parts))

    async def locate(self) -> None:
        self.location_label.set_text(_("Finding your location…"))
        try:
            result = await ui.run_javascript(GEOLOCATE_JS, timeout=25)
        except TimeoutError:
            result = {"error": "timeout"}
        if not isinstance(result, dict) or "error" in result:
            reason = (result or {}).get("error") if isinstance(result, dict) else "unavailable"
            messages = {
                "denied": _("Location access was denied. Drop a pin or use the registered address."),
                "unsupported": _("This browser cannot share its location. Drop a pin instead."),
            }
            fallback = _("The location could not be found. Try again or drop a pin.")
            self.location_label.set_text(messages.get(reason, fallback))
            return
        self.set_location(LocationSource.gps, float(result["lat"]), float(result["lng"]), float(result["accuracy"]))
        if result["accuracy"] > INACCURATE_M:
            ui.notify(_("The location is inaccurate. Consider dropping a pin."), type="warning")

    def use_address(self) -> None:
        self.set_location(LocationSource.address, self.household.lat, self.household.lng)

    def show_pin_map(self) -> None:
        self.map_slot.clear()
        loc = self.location
        center = ((loc["lat"], loc["lng"]) if loc.get("lat") is not None
                  else (self.household.lat, self.household.lng) if self.household.lat is not None
                  else (30.6586, 104.0648))
        with self.map_slot:
            ui.label(_("Tap the map where you are.")).classes("text-sm text-gray-600")
            tiles = tile_config()
            if tiles.crs == "gcj02":  # GCJ-02 tiles: draw converted, store WGS-84
                center = wgs84_to_gcj02(*center)
            pin_map = ui.leaflet(center=center, zoom=17, options={"attributionControl": True}).classes("w-full h-64")
            pin_map.clear_layers()
            for tile in tiles.layers:
                pin_map.tile_layer(url_template=tile.url, options=tile.options)
            marker = pin_map.marker(latlng=center)

            def place(e: events.GenericEventArguments) -> None:
                lat, lng = e.args["latlng"]["lat"], e.args["latlng"]["lng"]
                marker.move(lat, lng)
                if tiles.crs == "gcj02":
                    lat, lng = gcj02_to_wgs84(lat, lng)
                self.set_location(LocationSource.pin, lat, lng)

            pin_map.on("map-click", place)

    # --- photos ------------------------------------------------------------------------------

    def build_photos(self) -> None:
        max_photos = self.settings.max_photos_per_visit
        with ui.card().classes("ds-card"):
            ui.label(_("Photos")).classes("font-medium")
            consent = ui.checkbox(_("The resident agrees to photos being taken and kept"),
                                  value=bool(self.draft["photo_consent"])).mark("photo-consent")
            consent.on_value_change(lambda e: self.remember("photo_consent", e.value))
            self.consent = consent
            self.picker = PhotoPicker(max_photos, N_("At most {n} photos per visit."), "photo-upload",
                                      allowed=lambda: require_user(Role.member) is not None)
            self.picker.buttons.bind_visibility_from(consent, "value")
            ui.label(_("Up to {n} photos. They are shrunk on the phone before sending.").format(n=max_photos)).classes(
                "text-xs text-gray-500")

    # --- saving ------------------------------------------------------------------------------

    def visit_input(self) -> VisitInput:
        try:
            local = datetime.strptime(f"{self.date_input.value} {self.time_input.value}", "%Y-%m-%d %H:%M")
        except ValueError as exc:
            raise InvalidInput(N_("Enter the date and time of the visit.")) from exc
        loc = self.location
        return VisitInput(
            id=self.draft["id"], household_id=self.household.id, visited_at=local.replace(tzinfo=self.tz),
            lat=loc.get("lat"), lng=loc.get("lng"), accuracy_m=loc.get("accuracy"),
            location_source=LocationSource(loc["source"]) if loc else LocationSource.none,
            notes=self.notes_input.value or "", needs_raised=self.needs_raised_input.value or "",
            help_given=self.help_given_input.value or "", photo_consent=bool(self.consent.value),
            door_card_code=self.door_card.code,
        )

    async def save(self) -> None:
        if self.saving:
            return
        actor = require_user(Role.member)
        if actor is None:
            return
        self.saving = True
        self.save_button.disable()
        self.error.set_text("")
        try:
            data = self.visit_input()
            visit_id = await run.io_bound(_save_visit, actor, data, self.picker.photos)
        except ServiceError as exc:
            self.error.set_text(error_text(exc))
            return
        finally:
            self.saving = False
            self.save_button.enable()
        _drafts().pop(str(self.household.id), None)
        app.storage.user.update()
        ui.notify(_("Visit saved."), type="positive")
        ui.navigate.to(f"/households/{self.household.id}?saved={visit_id}")

