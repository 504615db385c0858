"""Map data for the signed-in browser, as one GeoJSON payload per request."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from fastapi.responses import JSONResponse
from nicegui import app, run

from core.config import get_settings
from core.db import session_scope
from services.auth import session_user_from
from services.map_data import map_features

router = APIRouter()


def _features(browser_session: dict) -> dict | None:
    with session_scope() as session:
        user = session_user_from(session, browser_session)
        if user is None:
            return None
        return map_features(session, user, get_settings().visit_interval_days)


@router.get("/api/v1/map-data")
async def map_data() -> JSONResponse:
    data = await run.io_bound(_features, dict(app.storage.user))
    if data is None:
        raise HTTPException(status_code=401)
    return JSONResponse(data, headers={"Cache-Control": "private, no-store"})
