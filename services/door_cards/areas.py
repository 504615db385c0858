"""Which areas use door cards: a setting on an area that holds for everything below it."""

from __future__ import annotations

from sqlmodel import Session, col, select

from core.i18n import N_
from models import Area, Household, Role, User
from services import audit
from services.errors import Forbidden, NotFound
from services.org.areas import area_within, areas_visible_to
from services.policy import MANAGERS, holds


def _path_ids(area: Area) -> list[int]:
    return [int(part) for part in area.path.strip("/").split("/") if part]


def area_uses_door_cards(session: Session, area_id: int) -> bool:
    """True when the area or one above it has door cards turned on."""
    area = session.get(Area, area_id)
    if area is None:
        return False
    ids = _path_ids(area) or [area_id]
    return session.exec(select(Area.id).where(col(Area.id).in_(ids), col(Area.door_cards).is_(True))).first() \
        is not None


def household_uses_door_cards(session: Session, household: Household) -> bool:
    return area_uses_door_cards(session, household.area_id)


def _check_may_set(session: Session, actor: User, area_id: int) -> Area:
    if not holds(actor, MANAGERS):
        raise Forbidden(N_("You cannot change door card settings."))
    area = session.get(Area, area_id)
    if area is None or (actor.role == Role.coordinator and not area_within(session, area_id, actor.area_id)):
        raise NotFound(N_("Area not found."))
    return area


def set_area_door_cards(session: Session, actor: User, area_id: int, enabled: bool) -> Area:
    """Turn door cards on or off for an area (and so for the areas below it); audited."""
    area = _check_may_set(session, actor, area_id)
    area.door_cards = enabled
    session.add(area)
    audit.record(session, actor, "area.door_cards", "area", area.id, "on" if enabled else "off")
    return area


def door_card_areas(session: Session, actor: User) -> list[tuple[Area, bool]]:
    """(area, uses door cards through itself or an area above) for the areas the actor may set."""
    if not holds(actor, MANAGERS):
        raise Forbidden(N_("You cannot change door card settings."))
    areas = areas_visible_to(session, actor)
    on = {a.id for a in session.exec(select(Area).where(col(Area.door_cards).is_(True))).all()}
    return [(area, any(i in on for i in _path_ids(area))) for area in areas]


def areas_using_door_cards(session: Session, area_ids: set[int]) -> set[int]:
    """Those of ``area_ids`` that use door cards (one query for the on-areas, one for the paths)."""
    on = [a.path for a in session.exec(select(Area).where(col(Area.door_cards).is_(True))).all()]
    if not on or not area_ids:
        return set()
    areas = session.exec(select(Area).where(col(Area.id).in_(area_ids))).all()
    return {a.id for a in areas if a.id is not None and any(a.path.startswith(p) for p in on)}
