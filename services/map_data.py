"""Map data as one GeoJSON payload: households coloured by days since visit, and visits."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from models import Household, User, Visit
from models.common import utcnow
from services.access import household_scope
from services.service_points import service_point_features


def household_status(last_visit_at: datetime | None, now: datetime, interval_days: int) -> str:
    """on_time / due_soon (last quarter of the interval) / overdue (never visited counts as overdue)."""
    if last_visit_at is None:
        return "overdue"
    age = now - last_visit_at
    if age >= timedelta(days=interval_days):
        return "overdue"
    if age >= timedelta(days=interval_days * 0.75):
        return "due_soon"
    return "on_time"


def map_features(session: Session, actor: User, interval_days: int, visit_days: int = 90,
                 now: datetime | None = None) -> dict:
    """Households and recent visits the actor may see, as one FeatureCollection."""
    now = now or utcnow()
    features: list[dict] = []
    scope = household_scope(session, actor)
    rows = session.exec(
        select(Household.id, Household.head_name, Household.lat, Household.lng, Household.last_visit_at)
        .where(scope, col(Household.lat).is_not(None))
    ).all()
    for hid, name, lat, lng, last in rows:
        features.append({
            "type": "Feature", "geometry": {"type": "Point", "coordinates": [round(lng, 6), round(lat, 6)]},
            "properties": {"kind": "household", "id": hid, "name": name,
                           "status": household_status(last, now, interval_days),
                           "days": (now - last).days if last else None},
        })
    visits = session.exec(
        select(Visit.id, Visit.household_id, Visit.lat, Visit.lng, Visit.verified, Visit.visited_at)
        .join(Household, Household.id == Visit.household_id)
        .where(scope, col(Visit.lat).is_not(None), Visit.visited_at >= now - timedelta(days=visit_days))
    ).all()
    for vid, hid, lat, lng, verified, when in visits:
        features.append({
            "type": "Feature", "geometry": {"type": "Point", "coordinates": [round(lng, 6), round(lat, 6)]},
            "properties": {"kind": "visit", "id": vid, "household_id": hid, "verified": verified,
                           "at": when.isoformat()},
        })
    features.extend(service_point_features(session, actor))
    return {"type": "FeatureCollection", "features": features}
