"""The household form (fields, need chips, map pin) shared by the new and edit pages."""

from __future__ import annotations

from nicegui import events, ui

from core.config import get_settings
from core.i18n import _, current_language
from models import Area, Household, NeedCategory
from pages.messages import error_text, notify_error
from services.errors import ServiceError
from services.households.records import HouseholdForm
from services.map.coords import gcj02_to_wgs84, wgs84_to_gcj02

DEFAULT_CENTER = (30.6586, 104.0648)  # Chengdu; the map recentres on the household's pin


class HouseholdEditor:
    """Inputs for one household; keeps what was typed when saving fails."""

    def __init__(self, areas: list[tuple[Area, str]], needs: list[NeedCategory], household: Household | None,
                 need_ids: list[int]) -> None:
        zh = current_language().startswith("zh")
        need_options = {n.id: (n.name_zh if zh else n.name_en) for n in needs}
        area_options = {area.id: label for area, label in areas}
        default_area = household.area_id if household else next(iter(area_options), None)
        self.area = ui.select(area_options, value=default_area, label=_("Area")).classes("w-full").mark("area")
        self.head_name = ui.input(_("Head of household"), value=household.head_name if household else "").classes(
            "w-full").mark("head_name")
        self.address = ui.input(_("Address"), value=household.address if household else "").classes(
            "w-full").mark("address")
        self.phone = ui.input(_("Phone"), value=(household.phone or "") if household else "").props(
            "type=tel").classes("w-full").mark("phone")
        self.members_count = ui.number(_("Number of people"), value=household.members_count if household else 1,
                                       min=1, max=50, step=1, precision=0).classes("w-full").mark("members_count")
        self.needs = ui.select(need_options, multiple=True, value=[i for i in need_ids if i in need_options],
                               label=_("Needs")).props("use-chips").classes("w-full").mark("needs")
        self.notes = ui.textarea(_("Notes"), value=household.notes if household else "").classes("w-full").mark(
            "notes")
        ui.label(_("Location: type the coordinates or click the map to drop the pin.")).classes(
            "text-sm text-gray-600")
        with ui.row().classes("w-full no-wrap gap-2"):
            self.lat = ui.number(_("Latitude"), value=household.lat if household else None,
                                 min=-90, max=90).classes("grow").mark("lat")
            self.lng = ui.number(_("Longitude"), value=household.lng if household else None,
                                 min=-180, max=180).classes("grow").mark("lng")
            ui.button(icon="location_off", on_click=self._clear_pin).props("flat dense").tooltip(
                _("Remove the pin")).mark("clear-pin")
        self._gcj02 = get_settings().tile_crs == "gcj02"
        self._build_map()
        self.lat.on_value_change(self._sync_marker)
        self.lng.on_value_change(self._sync_marker)
        self._fields = {"area_id": self.area, "head_name": self.head_name, "address": self.address,
                        "phone": self.phone, "members_count": self.members_count, "lat": self.lat}

    def _build_map(self) -> None:
        settings = get_settings()
        point = self._map_point()
        self.map = ui.leaflet(center=point or DEFAULT_CENTER, zoom=17 if point else 13).classes("w-full h-64")
        self.map.clear_layers()  # the default layer loads OpenStreetMap tiles, which may be blocked or slow
        self.map.tile_layer(url_template=settings.tile_url,
                            options={"attribution": settings.tile_attribution, "maxZoom": 19})
        self.marker = self.map.marker(latlng=point) if point else None
        self.map.on("map-click", self._map_clicked)

    def _map_point(self) -> tuple[float, float] | None:
        """The pin in the tile layer's datum (GCJ-02 layers are offset from WGS-84 in China)."""
        if self.lat.value is None or self.lng.value is None:
            return None
        lat, lng = float(self.lat.value), float(self.lng.value)
        if not (-90 <= lat <= 90 and -180 <= lng <= 180):
            return None
        return wgs84_to_gcj02(lat, lng) if self._gcj02 else (lat, lng)

    def _map_clicked(self, e: events.GenericEventArguments) -> None:
        lat, lng = float(e.args["latlng"]["lat"]), float(e.args["latlng"]["lng"])
        if self._gcj02:
            lat, lng = gcj02_to_wgs84(lat, lng)
        self.lat.value, self.lng.value = round(lat, 6), round(lng, 6)

    def _sync_marker(self) -> None:
        point = self._map_point()
        if point is None:
            if self.marker is not None:
                self.map.remove_layer(self.marker)
                self.marker = None
            return
        if self.marker is None:
            self.marker = self.map.marker(latlng=point)
        else:
            self.marker.move(*point)
        self.map.set_center(point)

    def _clear_pin(self) -> None:
        self.lat.value = self.lng.value = None

    def form(self) -> HouseholdForm:
        count = self.members_count.value
        return HouseholdForm(
            area_id=int(self.area.value or 0), head_name=self.head_name.value or "", address=self.address.value or "",
            phone=(self.phone.value or "").strip() or None, members_count=int(count) if count is not None else 0,
            notes=self.notes.value or "", lat=self.lat.value, lng=self.lng.value,
            need_ids=[int(i) for i in self.needs.value or []],
        )

    def clear_errors(self) -> None:
        for element in self._fields.values():
            element.error = None

    def show_error(self, error: ServiceError) -> None:
        """Put the message under the field it is about, and in a notification everyone sees."""
        self.clear_errors()
        element = self._fields.get(getattr(error, "field", ""))
        if element is not None:
            element.error = error_text(error)
        notify_error(error)
