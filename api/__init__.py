"""HTTP routes outside NiceGUI pages: photos, map data, exports, health, and the JSON API under /api/v1."""

from __future__ import annotations

from fastapi import FastAPI


def register(app: FastAPI) -> None:
    from api import calendar, commitment_photos, exports, health, photos, request_photos
    from api import map as map_api
    from api.routing import include
    from api.v1 import register_v1

    include(app, health.router, photos.router, map_api.router, request_photos.router, commitment_photos.router,
            exports.router, calendar.router)
    register_v1(app)
