"""Coordinators keep the list of service points (with a map pin); residents see the nearest ones on
the public request form."""

from __future__ import annotations

from nicegui import background_tasks, ui
from sqlmodel import Session

from core.config import get_settings
from core.i18n import _
from models import ServicePoint, User
from pages.actions import load, page_user, perform
from pages.frame import frame
from services.community.service_points import (
    ServicePointForm,
    managed_points,
    nearest_service_points,
    save_service_point,
)
from services.org.areas import areas_visible_to
from services.policy import MANAGERS

DEFAULT_CENTRE = (30.6586, 104.0648)


def points_view(session: Session, actor: User) -> tuple[list[ServicePoint], dict[int, str]]:
    return managed_points(session, actor), {a.id: a.name for a in areas_visible_to(session, actor) if a.id}


@ui.page("/admin/service-points")
async def service_points_page(edit: int = 0) -> None:
    user = await page_user(MANAGERS)
    if user is None:
        return
    with frame(_("Service points"), user):
        points, areas = await load(points_view, user)
        current = next((p for p in points if p.id == edit), None)
        point_form(areas, current)
        ui.label(_("Service points")).classes("text-lg font-medium")
        if not points:
            ui.label(_("No service points yet.")).classes("text-gray-600")
        for point in points:
            with ui.card().classes("ds-card gap-1").props("flat bordered").mark(f"point-{point.id}"):
                with ui.row().classes("w-full items-center justify-between no-wrap"):
                    ui.label(point.name).classes("font-medium")
                    if not point.active:
                        ui.badge(_("Closed"), color="grey")
                    ui.link(_("Edit"), f"/admin/service-points?edit={point.id}")
                ui.label(" · ".join(t for t in (point.address, point.opening_hours, point.contact) if t)).classes(
                    "text-sm text-gray-600")
                if point.lat is None:
                    ui.label(_("No pin on the map")).classes("text-xs text-negative")


def point_form(areas: dict[int, str], point: ServicePoint | None) -> None:
    settings = get_settings()
    pin: dict[str, float | None] = {"lat": point.lat if point else None, "lng": point.lng if point else None}
    with ui.card().classes("ds-card gap-2").mark("service-point-form"):
        ui.label(_("Edit service point") if point else _("New service point")).classes("text-lg font-medium")
        area = ui.select(areas, value=point.area_id if point else next(iter(areas), None), label=_("Area")).props(
            "outlined dense").classes("w-full")
        fields = {
            "name": ui.input(_("Name"), value=point.name if point else "").mark("point-name"),
            "address": ui.input(_("Address"), value=point.address if point else "").mark("point-address"),
            "opening_hours": ui.input(_("Opening hours"), value=point.opening_hours if point else "").mark(
                "point-hours"),
            "contact": ui.input(_("Contact (the point's own phone or desk)"),
                                value=point.contact if point else "").mark("point-contact"),
            "services": ui.textarea(_("Services offered"), value=point.services if point else "").mark(
                "point-services"),
        }
        for field in fields.values():
            field.props("outlined dense").classes("w-full")
        active = ui.checkbox(_("Open to residents"), value=point.active if point else True)
        pin_label = ui.label().classes("text-sm text-gray-600").mark("point-pin")

        def show_pin() -> None:
            pin_label.set_text(_("Pin: {lat}, {lng}").format(lat=f"{pin['lat']:.5f}", lng=f"{pin['lng']:.5f}")
                               if pin["lat"] is not None else _("Tap the map to place the pin."))

        centre = (pin["lat"], pin["lng"]) if pin["lat"] is not None else DEFAULT_CENTRE
        leaflet = ui.leaflet(center=centre, zoom=15).classes("w-full").style("height: 280px")
        leaflet.clear_layers()
        leaflet.tile_layer(url_template=settings.tile_url,
                           options={"attribution": settings.tile_attribution, "maxZoom": 19})
        marker = leaflet.marker(latlng=centre) if pin["lat"] is not None else None

        def place(e) -> None:
            nonlocal marker
            lat, lng = e.args["latlng"]["lat"], e.args["latlng"]["lng"]
            pin.update(lat=round(lat, 6), lng=round(lng, 6))
            if marker is None:
                marker = leaflet.marker(latlng=(lat, lng))
            else:
                marker.move(lat, lng)
            show_pin()

        leaflet.on("map-click", place)
        show_pin()

        async def save() -> None:
            form = ServicePointForm(area_id=area.value or 0, lat=pin["lat"], lng=pin["lng"], active=active.value,
                                    **{k: v.value or "" for k, v in fields.items()})
            if await perform(save_service_point, form, point.id if point else None, roles=MANAGERS,
                             done=_("Service point saved.")):
                ui.navigate.to("/admin/service-points")

        with ui.row().classes("gap-2"):
            ui.button(_("Save"), icon="save", on_click=save).mark("save-point")
            if point:
                ui.button(_("Cancel"), on_click=lambda: ui.navigate.to("/admin/service-points")).props("flat")


def nearest_points_card(form) -> None:
    """On the public request form: the service points near the chosen community (or the location)."""
    from pages.community.board import service_point_card

    @ui.refreshable
    async def card() -> None:
        location = getattr(form, "location", None) or {}
        nearby = await load(nearest_service_points, location.get("lat"), location.get("lng"),
                            getattr(form.area, "value", None))
        if not nearby:
            return
        ui.label(_("Nearest service points")).classes("text-lg font-medium")
        ui.label(_("You can also come in person:")).classes("text-sm text-gray-600")
        for near in nearby:
            service_point_card(near.point, near.distance_m)

    form.area.on_value_change(card.refresh)
    # The form sets this label once the browser has given a location: look again from there.
    form.location_label.bind_text_to(_LocationWatch(), "text", forward=lambda text: (card.refresh(), text)[1])
    background_tasks.create(card(), name="nearest service points")


class _LocationWatch:
    text = ""
