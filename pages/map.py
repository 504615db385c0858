"""Coordinator's map: households coloured by days since visit, visits, and other registered layers.

The page only builds the controls; the map data arrives as one fetch of /api/v1/map-data per
view (static/js/doorstep-map.js). One websocket message per marker would take seconds.
"""

from __future__ import annotations

import json
from datetime import timedelta

from nicegui import ui
from sqlmodel import Session

from api.filters import filters_query
from core.config import get_settings
from core.i18n import _, current_language
from models import User
from pages.actions import load, page_user
from pages.filters_bar import FilterBar, FilterChoices, filter_choices
from pages.frame import frame
from services.map.coords import wgs84_to_gcj02
from services.map.data import visible_extent
from services.map.registry import LAYER_LABELS, BBox, available_layers
from services.map.tiles import tile_config
from services.org.clock import org_today
from services.policy import MANAGERS
from services.rollups.read import filters_held
from services.visits.review.review import STATE_LABELS
from services.visits.review.signals import KEY_LABELS

MAP_CSS = """
<style>
  .ds-cell div { color: #fff; font: 600 12px/1 sans-serif; text-align: center;
                 box-shadow: 0 0 0 3px rgba(255,255,255,.7); }
  .ds-popup a.ds-open { display: block; margin-top: 4px; font-weight: 600; }
  .ds-map { height: calc(100dvh - 230px); min-height: 320px; }
</style>
"""
LEGEND = (("#2e7d32", "Visited on time"), ("#f9a825", "Due soon"), ("#c62828", "Overdue"),
          ("#1565c0", "Verified visit"), ("#757575", "Visit not verified"))


def _on_tiles(extent: BBox | None, crs: str) -> BBox | None:
    """The households' extent in the tile layer's coordinates (GCJ-02 tiles are shifted)."""
    if extent and crs == "gcj02":
        south, west = wgs84_to_gcj02(extent[1], extent[0])
        north, east = wgs84_to_gcj02(extent[3], extent[2])
        return west, south, east, north
    return extent


def _layer_toggles_and_legend() -> dict[str, ui.checkbox]:
    """One checkbox per registered layer, then the colour legend; returns the checkboxes by layer."""
    with ui.row().classes("w-full items-center gap-x-4 gap-y-1 text-sm"):
        boxes = {name: ui.checkbox(_(LAYER_LABELS.get(name, name)), value=True).props("dense")
                 .mark(f"layer-{name}") for name in available_layers()}
        for colour, label in LEGEND:
            with ui.row().classes("items-center gap-1 no-wrap"):
                ui.element("span").style(f"display:inline-block;width:10px;height:10px;border-radius:5px;"
                                         f"background:{colour}")
                ui.label(_(label))
    return boxes


def _labels() -> dict:
    """The texts the map's script shows, in the user's language."""
    return {
        "visit": _("Visit"), "never": _("Never visited"), "days": _("{days} days since last visit"),
        "verified": _("Verified at the household"), "unverified": _("Not verified"),
        "on_time": _("Visited on time"), "due_soon": _("Due soon"), "overdue": _("Overdue"),
        "open": _("Open the record"),
        "cellHouseholds": _("{n} households: {overdue} overdue, {due_soon} due soon, {on_time} on time"),
        "cellVisits": _("{n} visits, {verified} verified"),
        "signals": {key: _(label) for key, label in KEY_LABELS.items()},
        "review": {state.value: _(label) for state, label in STATE_LABELS.items()},
    }


def map_view(session: Session, user: User) -> tuple[BBox | None, FilterChoices]:
    """The households' extent (for the first view) and the filter bar's choices."""
    return visible_extent(session, user), filter_choices(session, user)


@ui.page("/map")
async def map_page(days: int = 90) -> None:
    user = await page_user(MANAGERS)
    if user is None:
        return
    settings = get_settings()
    tiles = tile_config()
    extent, choices = await load(map_view, user)
    extent = _on_tiles(extent, tiles.crs)
    ui.add_head_html(MAP_CSS)
    with frame(_("Map"), user):
        today = org_today()
        bar = FilterBar(user, choices, date_from=(today - timedelta(days=days)).isoformat() if days else "",
                        date_to=today.isoformat())
        layer_boxes = _layer_toggles_and_legend()
        centre = ((extent[1] + extent[3]) / 2, (extent[0] + extent[2]) / 2) if extent else (30.6586, 104.0648)
        leaflet = ui.leaflet(center=centre, zoom=13, additional_resources=["/static/js/doorstep-map.js"]) \
            .classes("w-full ds-map").mark("map")
        leaflet.clear_layers()
        for tile in tiles.layers:
            leaflet.tile_layer(url_template=tile.url, options=tile.options)
        labels = _labels()

        def current_layers() -> list[str]:
            return [name for name, box in layer_boxes.items() if box.value]

        def options() -> dict:
            return {"labels": labels, "filters": bar.api_filters(), "layers": current_layers(),
                    "extent": extent, "locale": "zh-CN" if current_language().startswith("zh") else "en-GB",
                    "timeZone": settings.time_zone}

        def attach() -> None:
            ui.run_javascript(f"DoorstepMap.attach({leaflet.id}, {json.dumps(options())})")

        counting = ui.label(_("Counting … (this filter counts every visit)")).classes("text-sm text-gray-600") \
            .mark("map-counting")

        def show_counting() -> None:
            counting.set_visibility(not filters_held(bar.need.value, bar.member.value))

        show_counting()

        async def update() -> None:
            if await page_user(MANAGERS) is None:
                return
            show_counting()
            ui.run_javascript(f"DoorstepMap.update({leaflet.id}, {json.dumps(bar.api_filters())}, "
                              f"{json.dumps(current_layers())})")
            export_links.refresh()

        leaflet.on("init", attach)
        bar.on_change(update)
        for box in layer_boxes.values():
            box.on_value_change(update)

        @ui.refreshable
        def export_links() -> None:
            query = filters_query(**bar.values())
            with ui.row().classes("items-center gap-2 text-sm"):
                ui.label(_("Export for these filters:")).classes("text-gray-600")
                for label, path in ((_("Visits (CSV)"), "visits.csv"), (_("Visits (Excel)"), "visits.xlsx"),
                                    (_("Visits (GeoJSON)"), "visits.geojson"),
                                    (_("Households (CSV)"), "households.csv"),
                                    (_("Households (Excel)"), "households.xlsx")):
                    ui.link(label, f"/exports/{path}?{query}").props("download").mark(f"export-{path}")

        export_links()
