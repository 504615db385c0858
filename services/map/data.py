"""Map data as one GeoJSON payload per view (bounding box + zoom), built from pluggable layers.

A layer is a function ``(session, actor, bbox, zoom, filters) -> list[feature]`` registered
under a name with ``register_layer``. It returns GeoJSON Point features in WGS-84 limited to
what the actor may see (``services.policy.household_scope`` or the layer's own rule). The
payload builder then converts coordinates for the tile layer (GCJ-02) and rounds them for
viewers who may not open the records.

At low zoom a layer sends grid cells (count and worst status per cell, grouped in SQL) instead
of points; when the view holds few enough points it sends the points themselves. Either way the
browser gets one HTTP response per view, never a websocket message per marker.

Feature properties the map page understands:
- points: ``kind`` (layer name or a kind of its own), optional ``title``, ``summary``,
  ``href`` (a record page that does its own access check and audit) and ``colour``;
- cells: ``cell: true``, ``kind``, ``count``, optional ``colour`` and per-status counts.
Households and visits carry more (``status``, ``days``, ``verified``, a visit's ``signals`` keys and
``review`` state...) which the page formats.

The registry (``services.map.registry``) sits below this module and services/map/layers.py (open
requests, service points); ``services.registries.assemble`` registers every layer at start-up, and
the page shows a toggle for every registered layer (labels in ``LAYER_LABELS``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from sqlalchemy import Float, Integer, case, cast, func
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session, col, select

from models import Household, HouseholdNeed, Pairing, ReviewState, User, Visit
from services.map.coords import wgs84_to_gcj02
from services.map.registry import LAYERS, WORLD, BBox, MapFilters
from services.org.areas import subtree_ids
from services.policy import HOUSEHOLD_READERS, holds, household_scope
from services.rollups.cells import household_cells, visit_cells
from services.rollups.read import NOT_USABLE, rollup_areas, uses_rollups
from services.visits.due import STATUSES, household_status, status_code, status_thresholds  # noqa: F401
from services.visits.review.signals import signal_keys

RAW_LIMIT = 1500  # points per layer and view before the layer switches to grid cells
CELL_PX = 64  # grid cell size on screen at the requested zoom
PRIVATE_DECIMALS = 3  # ~100 m: for viewers who may not open the records
PRECISE_DECIMALS = 6


@dataclass
class MapPayload:
    features: list[dict] = field(default_factory=list)
    layers: dict[str, dict] = field(default_factory=dict)


# --- who sees how precisely ------------------------------------------------------------------

def may_open_records(actor: User) -> bool:
    """Whether the actor may open the records behind the points (and so see exact positions).

    Today every layer returns only what the actor may open (household_scope), so this holds for
    every role that gets any data; a role that sees points it may not open gets ~100 m positions.
    """
    return holds(actor, HOUSEHOLD_READERS)


# --- filters shared by the layers ------------------------------------------------------------

def household_filters(session: Session, actor: User, filters: MapFilters) -> list[ColumnElement[bool]]:
    """WHERE clauses on Household: the visibility rule first, then the viewer's filters."""
    clauses: list[ColumnElement[bool]] = [household_scope(session, actor)]
    if filters.area_id is not None:
        clauses.append(col(Household.area_id).in_(subtree_ids(session, filters.area_id)))
    if filters.need_id is not None:
        clauses.append(col(Household.id).in_(
            select(HouseholdNeed.household_id).where(HouseholdNeed.category_id == filters.need_id)))
    return clauses


def visible_household_ids(session: Session, actor: User, filters: MapFilters):
    """Ids of the households the actor may see under the filters, as a subquery for visit queries.

    ``Visit.household_id IN (this)`` instead of a join lets the database start from the visit
    indexes (bbox, period) rather than walk every visible household's visits (measured: 5x faster
    on SQLite at 100,000 visits).
    """
    return select(Household.id).where(*household_filters(session, actor, filters))


def visit_in_scope(session: Session, actor: User, filters: MapFilters,
                   households: list[ColumnElement[bool]] | None = None) -> ColumnElement[bool]:
    """Visits of the households the actor may see (``households``: the household WHERE, if not the default).

    ``+ 0`` keeps SQLite from driving the query through the household_id index once per visible
    household; it scans the bbox/period index instead and checks membership (0.5 s -> 0.15 s).
    """
    ids = (select(Household.id).where(*households) if households is not None
           else visible_household_ids(session, actor, filters))
    return (col(Visit.household_id) + 0).in_(ids)


def visit_filters(filters: MapFilters) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    if filters.member_id is not None:
        clauses.append(Visit.member_id == filters.member_id)
    if filters.date_from is not None:
        clauses.append(Visit.visited_at >= filters.date_from)
    if filters.date_to is not None:
        clauses.append(Visit.visited_at < filters.date_to)
    if filters.verified_only:
        clauses.append(col(Visit.verified).is_(True))
    return clauses


def paired_with(member_id: int) -> ColumnElement[bool]:
    return col(Household.id).in_(
        select(Pairing.household_id).where(Pairing.member_id == member_id, col(Pairing.ended_at).is_(None)))


def _in_bbox(lat_col: object, lng_col: object, bbox: BBox) -> list[ColumnElement[bool]]:
    west, south, east, north = bbox
    return [col(lat_col).is_not(None), col(lat_col) >= south, col(lat_col) <= north,  # type: ignore[arg-type]
            col(lng_col) >= west, col(lng_col) <= east]  # type: ignore[arg-type]


# --- grid ------------------------------------------------------------------------------------

def cell_size(zoom: int, bbox: BBox) -> tuple[float, float]:
    """(degrees of latitude, degrees of longitude) of a grid cell about CELL_PX wide on screen."""
    lng_size = 360.0 / (2 ** max(0, min(zoom, 22))) * CELL_PX / 256
    mid_lat = max(-80.0, min(80.0, (bbox[1] + bbox[3]) / 2))
    return lng_size * math.cos(math.radians(mid_lat)), lng_size


def _cell_index(session: Session, column: object, size: float, offset: float) -> ColumnElement[int]:
    shifted = (col(column) + offset) / size  # type: ignore[arg-type]
    if session.get_bind().dialect.name == "sqlite":
        return cast(shifted, Integer)  # truncation is floor: the value is positive
    return func.floor(shifted)


def _cell_feature(kind: str, lat: float, lng: float, count: int, **props: object) -> dict:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lng, lat]},
            "properties": {"kind": kind, "cell": True, "count": count, **props}}


def _point(lat: float, lng: float, **props: object) -> dict:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lng, lat]}, "properties": props}


# --- households ------------------------------------------------------------------------------

def _household_cell_features(cells: list[tuple]) -> list[dict]:
    features = []
    for count, lat, lng, overdue, due_soon in cells:
        worst = "overdue" if overdue else "due_soon" if due_soon else "on_time"
        features.append(_cell_feature("household", lat, lng, count, status=worst, overdue=int(overdue),
                                      due_soon=int(due_soon), on_time=int(count - overdue - due_soon)))
    return features


def households_layer(session: Session, actor: User, bbox: BBox, zoom: int, filters: MapFilters) -> list[dict]:
    """Households coloured by days since the last visit; grid cells with the worst status when many."""
    now, interval = filters.effective_now(), filters.effective_interval()
    areas = rollup_areas(session, actor, filters.area_id, filters.need_id, filters.member_id)
    if areas != NOT_USABLE:
        cells = household_cells(session, areas, bbox, zoom, *status_thresholds(now, interval))  # type: ignore[arg-type]
        if sum(c[0] for c in cells) > RAW_LIMIT:
            return _household_cell_features(cells)
    where = household_filters(session, actor, filters) + _in_bbox(Household.lat, Household.lng, bbox)
    if filters.member_id is not None:
        where.append(paired_with(filters.member_id))
    code = status_code(now, interval)
    lat_size, lng_size = cell_size(zoom, bbox)
    cy = _cell_index(session, Household.lat, lat_size, 90.0)
    cx = _cell_index(session, Household.lng, lng_size, 180.0)
    cells = session.exec(
        select(func.count(), func.avg(cast(Household.lat, Float)), func.avg(cast(Household.lng, Float)),
               func.sum(case((code == 2, 1), else_=0)), func.sum(case((code == 1, 1), else_=0)))
        .where(*where).group_by(cy, cx)
    ).all()
    total = sum(c[0] for c in cells)
    if total > RAW_LIMIT:
        return _household_cell_features(cells)
    rows = session.exec(
        select(Household.id, Household.head_name, Household.lat, Household.lng, Household.last_visit_at)
        .where(*where).order_by(Household.id)
    ).all()
    return [
        _point(lat, lng, kind="household", id=hid, name=name, href=f"/households/{hid}",
               status=household_status(last, now, interval), days=(now - last).days if last else None)
        for hid, name, lat, lng, last in rows
    ]


# --- visits ----------------------------------------------------------------------------------

def visits_layer(session: Session, actor: User, bbox: BBox, zoom: int, filters: MapFilters) -> list[dict]:
    """Where visits were logged (the visit's own location); cells with the verified count when many."""
    areas = rollup_areas(session, actor, filters.area_id, filters.need_id, filters.member_id)
    if areas != NOT_USABLE:
        cells = visit_cells(session, areas, bbox, zoom, filters, lambda window: [  # type: ignore[arg-type]
            visit_in_scope(session, actor, window), *visit_filters(window)])
        if sum(c[0] for c in cells) > RAW_LIMIT:
            return [_cell_feature("visit", lat, lng, count, verified=int(verified))
                    for count, lat, lng, verified in cells]
    where = [visit_in_scope(session, actor, filters), *visit_filters(filters), *_in_bbox(Visit.lat, Visit.lng, bbox)]
    lat_size, lng_size = cell_size(zoom, bbox)
    cy = _cell_index(session, Visit.lat, lat_size, 90.0)
    cx = _cell_index(session, Visit.lng, lng_size, 180.0)
    cells = session.exec(
        select(func.count(), func.avg(cast(Visit.lat, Float)), func.avg(cast(Visit.lng, Float)),
               func.sum(case((col(Visit.verified).is_(True), 1), else_=0)))
        .where(*where).group_by(cy, cx)
    ).all()
    total = sum(c[0] for c in cells)
    if total > RAW_LIMIT:
        return [_cell_feature("visit", lat, lng, count, verified=int(verified))
                for count, lat, lng, verified in cells]
    rows = session.exec(
        select(Visit.id, Visit.household_id, Visit.lat, Visit.lng, Visit.verified, Visit.visited_at,
               Household.head_name, User.name, Visit.signals, Visit.review_state, Visit.counts)
        .join(Household, Household.id == Visit.household_id).join(User, User.id == Visit.member_id)
        .where(*where).order_by(col(Visit.visited_at).desc())
    ).all()
    return [
        _point(lat, lng, kind="visit", id=vid, household_id=hid, name=household, member=member,
               verified=verified, at=when.isoformat(), href=f"/households/{hid}", signals=signal_keys(signals),
               review=ReviewState(state).value, counts=counts)
        for vid, hid, lat, lng, verified, when, household, member, signals, state, counts in rows
    ]




# --- the payload -----------------------------------------------------------------------------

PRIVATE_PROPERTIES = ("id", "household_id", "name", "member", "href", "title")


def build_map_payload(session: Session, actor: User, bbox: BBox | None = None, zoom: int = 18,
                      filters: MapFilters | None = None, layers: list[str] | None = None,
                      tile_crs: str = "wgs84") -> dict:
    """One FeatureCollection for the view, already limited to what the actor may see."""
    filters = filters or MapFilters()
    bbox = bbox or WORLD
    wanted = [name for name in (layers or list(LAYERS)) if name in LAYERS]
    precise = may_open_records(actor)
    features: list[dict] = []
    meta: dict[str, dict] = {}
    for name in wanted:
        layer_features = LAYERS[name](session, actor, bbox, zoom, filters)
        cells = any(f["properties"].get("cell") for f in layer_features)
        meta[name] = {"mode": "cells" if cells else "points", "features": len(layer_features),
                      "count": sum(f["properties"].get("count", 1) for f in layer_features)}
        features.extend(layer_features)
    for feature in features:
        _publish(feature, precise, tile_crs)
    # False: a filter the rollups do not hold, so every visit was counted (the page says "counting ...")
    rolled = uses_rollups(session, actor, filters.area_id, filters.need_id, filters.member_id)
    return {"type": "FeatureCollection", "features": features,
            "meta": {"zoom": zoom, "layers": meta, "crs": tile_crs, "precise": precise, "rollups": rolled}}


def _publish(feature: dict, precise: bool, tile_crs: str) -> None:
    """Round (and for GCJ-02 tiles convert) a feature's position; strip record details if not precise."""
    lng, lat = feature["geometry"]["coordinates"]
    decimals = PRECISE_DECIMALS if precise else PRIVATE_DECIMALS
    if not precise:  # round first: the stored position never leaves the server unrounded
        lat, lng = round(lat, decimals), round(lng, decimals)
        for key in PRIVATE_PROPERTIES:
            feature["properties"].pop(key, None)
    if tile_crs == "gcj02":
        lat, lng = wgs84_to_gcj02(lat, lng)
    feature["geometry"]["coordinates"] = [round(lng, decimals), round(lat, decimals)]


def visible_extent(session: Session, actor: User, filters: MapFilters | None = None) -> BBox | None:
    """The bounding box of the households the actor may see (for the map's first view)."""
    filters = filters or MapFilters()
    west, south, east, north = session.exec(
        select(func.min(Household.lng), func.min(Household.lat), func.max(Household.lng), func.max(Household.lat))
        .where(*household_filters(session, actor, filters), col(Household.lat).is_not(None))
    ).one()
    if west is None:
        return None
    return float(west), float(south), float(east), float(north)
