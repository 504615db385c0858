"""Coordinator's map of households (coloured by days since visit) and recent visits."""

from __future__ import annotations

import json

from nicegui import ui

from core.config import get_settings
from core.i18n import _
from models import Role
from pages.frame import frame
from pages.session import require_user

# The whole layer arrives as one fetch of GeoJSON and is drawn by Leaflet in the browser:
# one websocket message per marker would take seconds for a few thousand points.
LOAD_LAYER_JS = """
(async () => {
  const map = getElement(%(id)s).map;
  const response = await fetch('/api/v1/map-data', {credentials: 'same-origin'});
  if (!response.ok) return;
  const data = await response.json();
  const colours = {on_time: '#2e7d32', due_soon: '#f9a825', overdue: '#c62828'};
  const labels = %(labels)s;
  const layer = L.geoJSON(data, {
    pointToLayer: (f, latlng) => f.properties.kind === 'service_point'
      ? L.circleMarker(latlng, {radius: 9, color: '#fff', weight: 3, fillOpacity: 1, fillColor: '#6a1b9a'})
      : f.properties.kind === 'household'
      ? L.circleMarker(latlng, {radius: 8, color: '#fff', weight: 2, fillOpacity: 0.9,
                                fillColor: colours[f.properties.status]})
      : L.circleMarker(latlng, {radius: 3, stroke: false, fillOpacity: 0.7,
                                fillColor: f.properties.verified ? '#1565c0' : '#757575'}),
    onEachFeature: (f, l) => {
      const p = f.properties;
      if (p.kind === 'service_point') {  // public information: name, address, hours
        l.bindPopup([p.name, p.address, p.opening_hours].filter(Boolean).map((t) => {
          const d = document.createElement('div'); d.textContent = t; return d.outerHTML; }).join(''));
        return;
      }
      const el = document.createElement('div');
      const a = document.createElement('a');
      a.href = '/households/' + (p.kind === 'household' ? p.id : p.household_id);
      a.textContent = p.kind === 'household' ? p.name : labels.visit;
      el.appendChild(a);
      const info = document.createElement('div');
      info.textContent = p.kind === 'household'
        ? (p.days === null ? labels.never : labels.days.replace('{days}', p.days))
        : (p.verified ? labels.verified : labels.unverified);
      el.appendChild(info);
      l.bindPopup(el);
    },
  }).addTo(map);
  window.doorstepMapCount = data.features.length;
  map.invalidateSize();  // the container may have been laid out after the map was created
  if (data.features.length) map.fitBounds(layer.getBounds(), {padding: [20, 20], maxZoom: 16});
})();
"""


@ui.page("/map")
def map_page() -> None:
    user = require_user(Role.coordinator, Role.admin)
    if user is None:
        return
    settings = get_settings()
    with frame(_("Map"), user):
        with ui.row().classes("gap-3 text-sm"):
            for colour, label in (("#2e7d32", _("Visited on time")), ("#f9a825", _("Due soon")),
                                  ("#c62828", _("Overdue")), ("#1565c0", _("Verified visit")),
                                  ("#6a1b9a", _("Service point"))):
                with ui.row().classes("items-center gap-1"):
                    ui.element("span").style(f"display:inline-block;width:12px;height:12px;border-radius:6px;"
                                             f"background:{colour}")
                    ui.label(label)
        leaflet = ui.leaflet(center=(30.6586, 104.0648), zoom=13).classes("w-full").style("height: 70vh")
        leaflet.clear_layers()
        leaflet.tile_layer(url_template=settings.tile_url,
                           options={"attribution": settings.tile_attribution, "maxZoom": 19})
        labels = {"visit": _("Visit"), "never": _("Never visited"), "days": _("{days} days since last visit"),
                  "verified": _("Verified at the household"), "unverified": _("Not verified")}
        leaflet.on("init", lambda: ui.run_javascript(LOAD_LAYER_JS % {"id": leaflet.id, "labels": json.dumps(labels)}))
