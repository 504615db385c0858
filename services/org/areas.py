"""The area tree: create areas, find a subtree, check containment."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from core.i18n import N_
from models import Area, Household, Role, User
from services.errors import Forbidden, InvalidInput, NotFound

# Kinds of area, for display; Area.kind stores the key.
AREA_KINDS: dict[str, str] = {
    "street_office": N_("Street office"),
    "community": N_("Community"),
    "grid": N_("Grid"),
}


def create_area(session: Session, name: str, kind: str, parent_id: int | None = None) -> Area:
    name = name.strip()
    if not name:
        raise InvalidInput(N_("Enter a name."))
    if kind not in AREA_KINDS:
        raise InvalidInput(N_("Choose the kind of area."))
    parent = session.get(Area, parent_id) if parent_id else None
    if parent_id and parent is None:
        raise NotFound(N_("Area not found."))
    area = Area(name=name, kind=kind, parent_id=parent_id)
    session.add(area)
    session.flush()
    area.path = f"{parent.path if parent else '/'}{area.id}/"
    session.add(area)
    session.flush()
    return area


def add_area(session: Session, actor: User, name: str, kind: str, parent_id: int | None) -> Area:
    """An admin adds an area anywhere; a coordinator only below their own area."""
    if actor.role == Role.coordinator:
        if parent_id is None or not area_within(session, parent_id, actor.area_id):
            raise Forbidden(N_("You can only add areas inside your own area."))
    elif actor.role != Role.admin:
        raise Forbidden(N_("You cannot manage areas."))
    return create_area(session, name, kind, parent_id)


def subtree_ids(session: Session, area_id: int | None) -> list[int]:
    """The area and every area below it."""
    if area_id is None:
        return []
    area = session.get(Area, area_id)
    if area is None:
        return []
    return list(session.exec(select(Area.id).where(col(Area.path).startswith(area.path))).all())


def area_within(session: Session, area_id: int | None, ancestor_id: int | None) -> bool:
    if area_id is None or ancestor_id is None:
        return False
    area, ancestor = session.get(Area, area_id), session.get(Area, ancestor_id)
    return bool(area and ancestor and area.path.startswith(ancestor.path))


def areas_visible_to(session: Session, actor: User) -> list[Area]:
    """Areas an actor may pick from: all for an admin, their subtree for anyone else."""
    if actor.role == Role.admin:
        return list(session.exec(select(Area).order_by(Area.path)).all())
    ids = subtree_ids(session, actor.area_id)
    return list(session.exec(select(Area).where(col(Area.id).in_(ids)).order_by(Area.path)).all())


def area_label(session: Session, area_id: int | None) -> str:
    """"Street office / Community / Grid" for display."""
    area = session.get(Area, area_id) if area_id else None
    if area is None:
        return ""
    ids = [int(p) for p in area.path.strip("/").split("/") if p]
    names = {a.id: a.name for a in session.exec(select(Area).where(col(Area.id).in_(ids))).all()}
    return " / ".join(names[i] for i in ids if i in names)


@dataclass
class AreaCounts:
    users: int = 0
    households: int = 0


def area_counts(session: Session, actor: User) -> dict[int, AreaCounts]:
    """Accounts and households directly in each area the actor may see (not summed over subtrees)."""
    ids = [area.id for area in areas_visible_to(session, actor) if area.id is not None]
    counts = {area_id: AreaCounts() for area_id in ids}
    user_rows = session.exec(
        select(User.area_id, func.count()).where(col(User.area_id).in_(ids)).group_by(User.area_id)
    ).all()
    for area_id, n in user_rows:
        counts[area_id].users = n
    household_rows = session.exec(
        select(Household.area_id, func.count()).where(col(Household.area_id).in_(ids)).group_by(Household.area_id)
    ).all()
    for area_id, n in household_rows:
        counts[area_id].households = n
    return counts
