// Doorstep coordinator map: one fetch of /api/v1/map-data per view (bbox + zoom + filters), drawn
// by Leaflet in the browser. Grid cells at low zoom (count, worst status), points when zoomed in.
// Loaded only on the map page through ui.leaflet(additional_resources=[...]).
(function () {
  const COLOURS = { on_time: "#2e7d32", due_soon: "#f9a825", overdue: "#c62828" };
  const VISIT = { verified: "#1565c0", unverified: "#757575" };
  const maps = {};

  function text(tag, value, cls) {
    const el = document.createElement(tag);
    el.textContent = value;
    if (cls) el.className = cls;
    return el;
  }

  function popup(p, s) {
    const L_ = s.labels;
    const box = document.createElement("div");
    box.className = "ds-popup";
    const title = p.kind === "household" ? p.name : p.kind === "visit" ? p.name : p.title;
    if (p.href && title) {
      const a = text("a", title);
      a.href = p.href;
      box.appendChild(a);
    } else if (title) {
      box.appendChild(text("b", title));
    }
    if (p.kind === "household") {
      box.appendChild(text("div", L_[p.status]));
      box.appendChild(text("div", p.days === null ? L_.never : L_.days.replace("{days}", p.days)));
    } else if (p.kind === "visit") {
      const when = new Date(p.at).toLocaleString(s.locale, { timeZone: s.timeZone, dateStyle: "medium",
                                                             timeStyle: "short" });
      box.appendChild(text("div", L_.visit + " · " + when));
      if (p.member) box.appendChild(text("div", p.member));
      box.appendChild(text("div", p.verified ? L_.verified : L_.unverified));
      (p.signals || []).forEach((key) => box.appendChild(text("div", "⚠ " + (L_.signals[key] || key), "ds-signal")));
      if (p.review && L_.review[p.review]) box.appendChild(text("div", L_.review[p.review], "ds-review"));
    } else if (p.summary) {
      box.appendChild(text("div", p.summary));
    }
    if (p.href) {
      const open = text("a", L_.open, "ds-open");
      open.href = p.href;
      box.appendChild(open);
    }
    return box;
  }

  function cellMarker(f, latlng, s) {
    const p = f.properties;
    const size = Math.round(26 + Math.min(26, 6 * Math.log10(p.count + 1)));
    const colour = p.kind === "household" ? COLOURS[p.status] : p.kind === "visit" ? VISIT.verified
      : (p.colour || "#6a1b9a");
    const shape = p.kind === "household" ? "50%" : "6px";
    const label = p.count >= 10000 ? Math.round(p.count / 1000) + "k" : String(p.count);
    const icon = L.divIcon({
      className: "ds-cell",
      html: `<div style="width:${size}px;height:${size}px;line-height:${size}px;border-radius:${shape};` +
            `background:${colour};opacity:${p.kind === "visit" ? 0.75 : 0.9}">${label}</div>`,
      iconSize: [size, size],
    });
    const marker = L.marker(latlng, { icon, keyboard: false });
    let summary = p.kind === "household"
      ? s.labels.cellHouseholds.replace("{n}", p.count).replace("{overdue}", p.overdue)
          .replace("{due_soon}", p.due_soon).replace("{on_time}", p.on_time)
      : p.kind === "visit" ? s.labels.cellVisits.replace("{n}", p.count).replace("{verified}", p.verified)
      : String(p.count);
    marker.bindTooltip(summary);
    marker.on("click", () => s.map.setView(latlng, Math.min(s.map.getZoom() + 2, 18)));
    return marker;
  }

  function pointMarker(f, latlng) {
    const p = f.properties;
    if (p.kind === "household") {
      return L.circleMarker(latlng, { radius: 8, color: "#fff", weight: 2, fillOpacity: 0.95,
                                      fillColor: COLOURS[p.status] });
    }
    if (p.kind === "visit") {
      return L.circleMarker(latlng, { radius: 4, stroke: false, fillOpacity: 0.8,
                                      fillColor: p.verified ? VISIT.verified : VISIT.unverified });
    }
    return L.circleMarker(latlng, { radius: 7, color: "#fff", weight: 2, fillOpacity: 0.95,
                                    fillColor: p.colour || "#6a1b9a" });
  }

  function url(s) {
    const b = s.map.getBounds();
    const q = new URLSearchParams({
      bbox: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => v.toFixed(6)).join(","),
      zoom: String(s.map.getZoom()),
      layers: s.layers.join(","),
    });
    for (const [k, v] of Object.entries(s.filters)) if (v !== null && v !== "" && v !== false) q.set(k, v);
    return "/api/v1/map-data?" + q.toString();
  }

  async function load(s) {
    const seq = ++s.seq;
    if (s.abort) s.abort.abort();
    s.abort = new AbortController();
    const started = performance.now();
    let data;
    try {
      const response = await fetch(url(s), { credentials: "same-origin", signal: s.abort.signal });
      if (!response.ok) return;
      data = await response.json();
    } catch (e) {
      return; // aborted by a newer view, or offline: the last drawing stays
    }
    if (seq !== s.seq) return;
    // Visits under households: draw visits first.
    data.features.sort((a, b) => (a.properties.kind === "visit" ? 0 : 1) - (b.properties.kind === "visit" ? 0 : 1));
    const layer = L.geoJSON(data, {
      pointToLayer: (f, latlng) => (f.properties.cell ? cellMarker(f, latlng, s) : pointMarker(f, latlng)),
      onEachFeature: (f, l) => { if (!f.properties.cell) l.bindPopup(() => popup(f.properties, s)); },
    });
    s.group.clearLayers();
    s.group.addLayer(layer);
    s.last = data.meta;
    window.doorstepMapCount = data.features.length;
    window.doorstepMapMeta = data.meta;
    window.doorstepMapLoads = (window.doorstepMapLoads || 0) + 1;
    window.doorstepMapDrawnMs = performance.now() - started;
    if (!window.doorstepMapReadyAt) window.doorstepMapReadyAt = performance.now();
    if (s.onMeta) s.onMeta(data.meta);
  }

  window.DoorstepMap = {
    attach(id, options) {
      const map = getElement(id).map;
      const s = { map, seq: 0, group: L.layerGroup().addTo(map), ...options };
      maps[id] = s;
      map.invalidateSize(); // the container may have been laid out after the map was created
      if (options.extent) {
        const [w, so, e, n] = options.extent;
        map.fitBounds([[so, w], [n, e]], { padding: [16, 16], maxZoom: 16, animate: false });
      }
      load(s);
      // Listen only now: the first view is loaded above, not once more by fitBounds' moveend.
      let timer = null;
      map.on("moveend", () => { clearTimeout(timer); timer = setTimeout(() => load(s), 120); });
    },
    update(id, filters, layers) {
      const s = maps[id];
      if (!s) return;
      s.filters = filters;
      s.layers = layers;
      load(s);
    },
    exportUrl(id) {
      return maps[id] ? url(maps[id]) : null;
    },
  };
})();
