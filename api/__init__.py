"""HTTP routes outside NiceGUI pages: photo files now, the JSON API under /api/v1."""

from __future__ import annotations

from fastapi import FastAPI


def register(app: FastAPI) -> None:
    from api import commitment_photos, health, photos, request_photos
    from api import map as map_api

    app.include_router(health.router)
    app.include_router(photos.router)
    app.include_router(map_api.router)
    app.include_router(request_photos.router)
    app.include_router(commitment_photos.router)
