"""Which tiles the maps draw on, and in which coordinate system (WGS-84 or GCJ-02).

- ``osm`` (default): ``tile_url`` / ``tile_attribution`` / ``tile_crs`` as configured
  (OpenStreetMap unless changed; tests point tile_url at a local stub tile).
- ``tianditu``: the national Tianditu vector map and its Chinese labels, CGCS2000 which is
  WGS-84 to well under a metre; needs a free key (``DOORSTEP_TIANDITU_KEY``).
- ``amap``: AMap/Gaode street tiles, GCJ-02: positions are converted before drawing and pins
  dropped on the map are converted back before storing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.config import get_settings

TIANDITU = "https://t{s}.tianditu.gov.cn/DataServer?T=%s&x={x}&y={y}&l={z}&tk=%s"
AMAP = "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}"


@dataclass
class TileLayer:
    url: str
    options: dict = field(default_factory=dict)


@dataclass
class TileConfig:
    layers: list[TileLayer]
    crs: str  # "wgs84" or "gcj02": the system the tiles are drawn in


def tile_config() -> TileConfig:
    settings = get_settings()
    provider = settings.tile_provider.lower()
    if provider == "tianditu":
        options = {"subdomains": "01234567", "maxZoom": 18, "attribution": "&copy; 天地图 Tianditu"}
        return TileConfig([TileLayer(TIANDITU % ("vec_w", settings.tianditu_key), options),
                           TileLayer(TIANDITU % ("cva_w", settings.tianditu_key), options)], "wgs84")
    if provider == "amap":
        return TileConfig([TileLayer(AMAP, {"subdomains": "1234", "maxZoom": 18,
                                            "attribution": "&copy; 高德地图 AMap"})], "gcj02")
    crs = "gcj02" if settings.tile_crs.lower() == "gcj02" else "wgs84"
    return TileConfig([TileLayer(settings.tile_url, {"attribution": settings.tile_attribution, "maxZoom": 19})], crs)
