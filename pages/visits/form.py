"""Logging a home visit on a phone: when, where, what was said and done, and photos."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi.responses import RedirectResponse
from nicegui import events, ui
from sqlmodel import Session

from core.config import get_settings
from core.i18n import N_, _, format_number
from models import Household, LocationSource, User
from models.common import max_length
from models.visits import VisitBase
from pages.actions import load, page_user, perform
from pages.door_cards.scan_button import DoorCardScan
from pages.frame import frame, not_found_message
from pages.messages import error_text
from pages.photo_picker import PhotoPicker
from pages.privacy.ethical_line.free_text import warn_on_marking_words
from pages.visits.saving.drafts import (
    draft_id_for,
    draft_values,
    forget_draft,
    load_draft,
    store_draft,
    stored_values,
    valid_visit_id,
)
from pages.visits.saving.saved_view import saved_at_text, saved_visit_view
from services.errors import InvalidInput, NotFound, ServiceError
from services.households.records import get_household
from services.map.coords import gcj02_to_wgs84, wgs84_to_gcj02
from services.map.geo import verify_location
from services.map.tiles import tile_config
from services.photos.pipeline import ProcessedPhoto
from services.policy import VISITORS
from services.visits.corrections import StoredVisit, correct_visit, own_stored_visit
from services.visits.input import visit_input
from services.visits.records import VisitInput, save_visit

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
TEXT_FIELDS = (("notes", N_("Notes")), ("needs_raised", N_("Needs raised")), ("help_given", N_("Help given")))


def household_and_stored(session: Session, user: User, household_id: int,
                         visit_id: str) -> tuple[Household, StoredVisit | None] | None:
    """The household and, once stored, the user's visit with this id; None if either is not theirs to see."""
    try:
        household = get_household(session, user, household_id)  # a member's read: not audited
    except NotFound:
        return None
    stored = own_stored_visit(session, user, visit_id)
    if stored is not None and stored.visit.household_id != household_id:
        return None
    return household, stored


# save_visit and correct_visit keep their own transactions (a save that lost a race to its own retry is
# tried again, a refused door-card scan is audited apart), so the session ``perform`` opens stays unused.
def _save(_session: Session, actor: User, data: VisitInput, photos: list[ProcessedPhoto]) -> str:
    return save_visit(actor, data, photos).id


def _correct(_session: Session, actor: User, data: VisitInput, photos: list[ProcessedPhoto]) -> str:
    return correct_visit(actor, data, photos).id


@ui.page("/households/{household_id}/visit", reconnect_timeout=get_settings().reconnect_timeout)
async def visit_form_page(household_id: int, visit: str = "", edit: str = "") -> RedirectResponse | None:
    user = await page_user(VISITORS)
    if user is None:
        return None
    if not valid_visit_id(visit):  # the id goes into the URL, so a reload knows which visit it is about
        return RedirectResponse(f"/households/{household_id}/visit?visit={draft_id_for(household_id)}")
    tz = ZoneInfo(get_settings().time_zone)
    # Before the frame: its timer would have the page served before this is known.
    loaded = await load(household_and_stored, user, household_id, visit)
    with frame(_("Log visit"), user):
        if loaded is None:
            not_found_message()
            return None
        household, stored = loaded
        if stored is None or (edit and stored.editable):
            VisitForm(user, household, tz, visit, stored).build()
            return None
        draft = load_draft(visit, household_id)
        base = stored_values(stored.visit, tz)
        unsaved = bool(draft) and draft_values({**base, **draft}) != draft_values(base)
        if draft and not unsaved:
            forget_draft(visit)
        missing = max(0, int(draft.get("photo_count", 0)) - stored.photo_count)
        saved_visit_view(stored, household, unsaved, missing)
    return None


class VisitForm:
    """The form's state lives here; a draft of what was typed is kept in user storage.

    Without ``stored`` the form logs the visit with the client-made id ``visit_id``; with it, the
    form corrects that stored visit (an explicit, audited edit).
    """

    def __init__(self, user: User, household: Household, tz: ZoneInfo, visit_id: str,
                 stored: StoredVisit | None = None) -> None:
        self.user, self.household, self.tz = user, household, tz
        self.visit_id, self.stored = visit_id, stored
        self.settings = get_settings()
        if stored is not None:
            base = {**stored_values(stored.visit, tz), "photo_count": stored.photo_count}
            base["no_location_ok"] = not base["location"]
        else:
            now = datetime.now(tz)
            base = {"date": now.strftime("%Y-%m-%d"), "time": now.strftime("%H:%M"), "notes": "",
                    "needs_raised": "", "help_given": "", "photo_consent": False, "location": {}}
        loaded = load_draft(visit_id, household.id)  # type: ignore[arg-type]
        self.draft = {**base, **loaded, "id": visit_id}
        # Photos live in the page that received them: after a reload they must be added again.
        self.photos_lost = max(0, int(loaded.get("photo_count", 0)) - int(base.get("photo_count", 0)))
        store_draft(visit_id, household.id, self.draft)  # type: ignore[arg-type]
        self.location: dict = self.draft.get("location") or {}
        self.saving = False

    def remember(self, field: str, value: object) -> None:
        self.draft[field] = value
        store_draft(self.visit_id, self.household.id, self.draft)  # type: ignore[arg-type]

    def build(self) -> None:
        with ui.card().classes("ds-card"):
            ui.label(self.household.head_name).classes("text-lg font-medium")
            ui.label(self.household.address).classes("text-sm text-gray-600")
            if self.stored is not None:
                ui.label(saved_at_text(self.stored.saved_at, str(self.tz))).classes("text-positive").mark("saved-at")
                ui.label(_("You are correcting this visit. The change is recorded with the old and new values.")
                         ).classes("text-sm").mark("correcting-visit")
            else:
                ui.label(_("Not saved yet.")).classes("text-sm text-gray-600").mark("draft-state")
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
            for field, label in TEXT_FIELDS:
                area = ui.textarea(_(label), value=self.draft[field]).props(
                    f"outlined autogrow maxlength={max_length(VisitBase, field)}").classes("w-full")
                area.on_value_change(lambda e, f=field: self.remember(f, e.value))
                warn_on_marking_words(area, f"ethics-warning-{field}")
                setattr(self, f"{field}_input", area)
        self.build_photos()
        self.error = ui.label().classes("text-negative").mark("visit-error")
        label = _("Save correction") if self.stored is not None else _("Save visit")
        self.save_button = ui.button(label, icon="save", on_click=self.save).classes("w-full").props(
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
                                      allowed=self.may_add_photos,
                                      on_change=self.photos_changed)
            if self.photos_lost:
                ui.label(_("Photos picked before the page was reloaded were not kept ({n}). Add them again.").format(
                    n=self.photos_lost)).classes("text-warning font-medium").mark("photos-lost")
            self.picker.buttons.bind_visibility_from(consent, "value")
            ui.label(_("Up to {n} photos. They are shrunk on the phone before sending.").format(n=max_photos)).classes(
                "text-xs text-gray-500")

    @staticmethod
    async def may_add_photos() -> bool:
        return await page_user(VISITORS) is not None

    def photos_changed(self, count: int) -> None:
        stored = self.stored.photo_count if self.stored is not None else 0
        self.remember("photo_count", stored + count)

    # --- saving ------------------------------------------------------------------------------

    def visit_input(self) -> VisitInput:
        try:
            local = datetime.strptime(f"{self.date_input.value} {self.time_input.value}", "%Y-%m-%d %H:%M")
        except ValueError as exc:
            raise InvalidInput(N_("Enter the date and time of the visit.")) from exc
        visited_at = local.replace(tzinfo=self.tz)
        if self.stored is not None:  # the form shows minutes: an unchanged time keeps the stored one exactly
            before = stored_values(self.stored.visit, self.tz)
            if (before["date"], before["time"]) == (self.date_input.value, self.time_input.value):
                visited_at = self.stored.visit.visited_at
        loc = self.location
        return visit_input(
            id=self.visit_id, household_id=self.household.id, visited_at=visited_at,
            lat=loc.get("lat"), lng=loc.get("lng"), accuracy_m=loc.get("accuracy"),
            location_source=LocationSource(loc["source"]) if loc else LocationSource.none,
            notes=self.notes_input.value or "", needs_raised=self.needs_raised_input.value or "",
            help_given=self.help_given_input.value or "", photo_consent=bool(self.consent.value),
            door_card_code=self.door_card.code,
        )

    async def confirm_no_location(self) -> bool:
        """Ask once per draft before a visit is saved with no location at all."""
        with ui.dialog().props("persistent") as dialog, ui.card().mark("no-location-dialog"):
            ui.label(_("Save without a location?")).classes("text-lg font-medium")
            ui.label(_("The visit will not show where it took place and cannot be verified."))
            with ui.row().classes("w-full justify-end gap-2"):
                ui.button(_("Add a location"), on_click=lambda: dialog.submit(False)).props("outline").mark(
                    "add-location")
                ui.button(_("Save without a location"), on_click=lambda: dialog.submit(True)).mark(
                    "save-without-location")
        confirmed = bool(await dialog)
        dialog.delete()
        if confirmed:
            self.remember("no_location_ok", True)
        return confirmed

    async def save(self) -> None:
        if self.saving:
            return
        self.saving = True
        self.save_button.disable()
        self.error.set_text("")
        try:
            data = self.visit_input()
            if (not self.location and not self.door_card.code and not self.draft.get("no_location_ok")
                    and not await self.confirm_no_location()):
                return
            saved = dict(self.draft)
            photos = list(self.picker.photos)
            outcome = await perform(_correct if self.stored is not None else _save, data, photos, roles=VISITORS,
                                    on_error=lambda exc: self.error.set_text(error_text(exc)))
        except ServiceError as exc:  # the form's own values (date and time, text lengths)
            self.error.set_text(error_text(exc))
            return
        finally:
            self.saving = False
            self.save_button.enable()
        if not outcome:
            return
        # A form reloaded meanwhile shares this draft: keep what was typed there since.
        forget_draft(self.visit_id, saved)
        if self.stored is not None:
            ui.notify(_("Correction saved."), type="positive")
            ui.navigate.to(f"/households/{self.household.id}/visit?visit={self.visit_id}")
        else:
            ui.notify(_("Visit saved."), type="positive")
            ui.navigate.to(f"/households/{self.household.id}?saved={self.visit_id}")
