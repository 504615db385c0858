"""The map layers of features built outside services/map/data.py: open requests, service points.

services.registries.assemble registers them next to the households and visits layers at start-up.
"""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, col, select

from models import Household, User
from models.requests import OPEN_STATUSES, ServiceRequest
from services.community.service_points import service_point_features
from services.map.registry import BBox, MapFilters
from services.requests.tracking import request_scope


def _inside(lat: float, lng: float, bbox: BBox) -> bool:
    west, south, east, north = bbox
    return south <= lat <= north and west <= lng <= east


def open_requests_layer(session: Session, actor: User, bbox: BBox, zoom: int, filters: MapFilters) -> list[dict]:
    """Open requests where they were raised: the request's own pin, else its household's location."""
    lat = func.coalesce(ServiceRequest.lat, Household.lat)
    lng = func.coalesce(ServiceRequest.lng, Household.lng)
    west, south, east, north = bbox
    rows = session.exec(
        select(ServiceRequest.id, ServiceRequest.tracking_code, ServiceRequest.due_at, lat, lng)
        .outerjoin(Household, Household.id == ServiceRequest.household_id)
        .where(request_scope(session, actor), col(ServiceRequest.status).in_(OPEN_STATUSES),
               lat.is_not(None), lat.between(south, north), lng.between(west, east))
        .order_by(ServiceRequest.id)
    ).all()
    now = filters.effective_now()
    return [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [r_lng, r_lat]},
         "properties": {"kind": "request", "id": rid, "title": f"#{code}", "href": f"/requests/{rid}",
                        "colour": "#c62828" if due < now else "#ef6c00", "overdue": due < now}}
        for rid, code, due, r_lat, r_lng in rows
    ]


def service_points_layer(session: Session, actor: User, bbox: BBox, zoom: int, filters: MapFilters) -> list[dict]:
    features = []
    for feature in service_point_features(session, actor):
        lng, lat = feature["geometry"]["coordinates"]
        if _inside(lat, lng, bbox):
            props = feature["properties"]
            props.update(title=props["name"], summary=" · ".join(
                part for part in (props.get("address"), props.get("opening_hours")) if part), colour="#6a1b9a")
            features.append(feature)
    return features



