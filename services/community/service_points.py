"""Service points: fixed places where residents find help. Public information, kept by coordinators."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import true
from sqlmodel import Session, col, select

from core.i18n import N_
from models import Area, Role, ServicePoint, User
from models.common import utcnow
from services import audit
from services.errors import Forbidden, InvalidInput, NotFound
from services.map.geo import distance_m
from services.org.areas import area_within, subtree_ids
from services.policy import MANAGERS, area_scope, holds


class ServicePointForm(BaseModel):
    area_id: int
    name: str
    address: str = ""
    lat: float | None = None
    lng: float | None = None
    opening_hours: str = ""
    contact: str = ""
    services: str = ""
    active: bool = True


@dataclass
class NearbyPoint:
    point: ServicePoint
    distance_m: float | None


def _may_manage(session: Session, actor: User, area_id: int | None) -> bool:
    if not actor.active:
        return False
    return actor.role == Role.admin or (actor.role == Role.coordinator and area_within(session, area_id, actor.area_id))


def _clean(form: ServicePointForm) -> ServicePointForm:
    text = {k: (getattr(form, k) or "").strip() for k in ("name", "address", "opening_hours", "contact", "services")}
    if not text["name"]:
        raise InvalidInput(N_("Name the service point."))
    limits = {"name": 100, "address": 200, "opening_hours": 200, "contact": 100, "services": 2000}
    if any(len(text[k]) > n for k, n in limits.items()):
        raise InvalidInput(N_("A field of the service point is too long."))
    if (form.lat is None) != (form.lng is None):
        raise InvalidInput(N_("Place the pin on the map or leave it out."))
    if form.lat is not None and not (-90 <= form.lat <= 90 and -180 <= form.lng <= 180):  # type: ignore[operator]
        raise InvalidInput(N_("The location is missing or out of range."))
    return form.model_copy(update=text)


def save_service_point(session: Session, actor: User, form: ServicePointForm, point_id: int | None = None,
                       now: datetime | None = None) -> ServicePoint:
    if not _may_manage(session, actor, form.area_id):
        raise Forbidden(N_("You can only manage service points in your own area."))
    form = _clean(form)
    point = session.get(ServicePoint, point_id) if point_id else ServicePoint(area_id=form.area_id, name=form.name)
    if point is None or not _may_manage(session, actor, point.area_id):
        raise NotFound(N_("Service point not found."))
    for key, value in form.model_dump().items():
        setattr(point, key, value)
    point.updated_at = now or utcnow()
    session.add(point)
    session.flush()
    audit.record(session, actor, "service_point.save", "servicepoint", point.id)
    return point


def managed_points(session: Session, actor: User) -> list[ServicePoint]:
    if not holds(actor, MANAGERS):
        raise Forbidden(N_("Only coordinators manage service points."))
    query = select(ServicePoint)
    if actor.role == Role.coordinator:
        query = query.where(area_scope(session, actor, ServicePoint.area_id))
    return list(session.exec(query.order_by(ServicePoint.name)).all())


def _around(session: Session, area_id: int | None) -> list[int]:
    """An area's subtree and the areas above it: the street office's points serve its communities too."""
    area = session.get(Area, area_id) if area_id else None
    if area is None:
        return []
    return list(set(subtree_ids(session, area.id)) | {int(p) for p in area.path.strip("/").split("/") if p})


def service_point_features(session: Session, actor: User) -> list[dict]:
    """Active service points with a pin near the actor's area, as GeoJSON features (kind "service_point")."""
    if not actor.active:
        return []
    where = true() if actor.role == Role.admin else col(ServicePoint.area_id).in_(_around(session, actor.area_id))
    points = session.exec(select(ServicePoint).where(where, col(ServicePoint.active).is_(True),
                                                     col(ServicePoint.lat).is_not(None))
                          .order_by(ServicePoint.id)).all()
    return [{
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round(p.lng, 6), round(p.lat, 6)]},  # type: ignore[arg-type]
        "properties": {"kind": "service_point", "id": p.id, "name": p.name, "address": p.address,
                       "opening_hours": p.opening_hours, "contact": p.contact},
    } for p in points]


def public_points(session: Session, area_id: int | None = None) -> list[ServicePoint]:
    """Active points for residents: near one community, or all."""
    query = select(ServicePoint).where(col(ServicePoint.active).is_(True))
    if area_id is not None:
        query = query.where(col(ServicePoint.area_id).in_(_around(session, area_id)))
    return list(session.exec(query.order_by(ServicePoint.name)).all())


def nearest_service_points(session: Session, lat: float | None = None, lng: float | None = None,
                           area_id: int | None = None, limit: int = 3) -> list[NearbyPoint]:
    """For the public request form: nearest to a location when one is known, else those of the community."""
    points = public_points(session, area_id) if area_id is not None else public_points(session)
    if lat is None or lng is None:
        return [NearbyPoint(p, None) for p in points[:limit]]
    located = [NearbyPoint(p, distance_m((lat, lng), (p.lat, p.lng))) for p in points if p.lat is not None
               and p.lng is not None]
    return sorted(located, key=lambda n: n.distance_m or 0.0)[:limit]
