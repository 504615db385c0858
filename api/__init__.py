"""HTTP routes outside NiceGUI pages: photo files now, the JSON API under /api/v1."""

from __future__ import annotations

from fastapi import FastAPI


def register(app: FastAPI) -> None:
    from api import map as map_api
    from api import photos

    app.include_router(photos.router)
    app.include_router(map_api.router)

    from api.v1 import register_v1

    register_v1(app)
