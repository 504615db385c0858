"""Map data for the signed-in browser: one GeoJSON payload per view (bbox + zoom + filters)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse
from nicegui import app, run

from api.filters import bbox_from_request, filters_from_request
from core.db import session_scope
from services.accounts.auth import session_user_from
from services.map.data import BBox, MapFilters, build_map_payload
from services.map.tiles import tile_config

router = APIRouter()


def _payload(browser: dict, bbox: BBox | None, zoom: int, filters: MapFilters,
             layers: list[str] | None, tile_crs: str) -> dict | None:
    with session_scope(read_only=True) as session:
        user = session_user_from(session, browser)
        if user is None:
            return None
        return build_map_payload(session, user, bbox, zoom, filters, layers, tile_crs)


@router.get("/api/v1/map-data")
async def map_data(request: Request) -> JSONResponse:
    """?bbox=west,south,east,north&zoom=13&layers=households,visits&area=&member=&from=&to=&need=&verified=1

    Without bbox and zoom: every visible household and visit as points (a member's own few).
    """
    tile_crs = tile_config().crs
    bbox = bbox_from_request(request, tile_crs)
    try:
        zoom = int(request.query_params.get("zoom", "18"))
    except ValueError as exc:
        raise HTTPException(status_code=400, detail="zoom must be a whole number") from exc
    layers = [n for n in request.query_params.get("layers", "").split(",") if n] or None
    filters = filters_from_request(request)
    data = await run.io_bound(_payload, dict(app.storage.user),
                              bbox, zoom, filters, layers, tile_crs)
    if data is None:
        raise HTTPException(status_code=401)
    return JSONResponse(data, headers={"Cache-Control": "private, no-store"})
