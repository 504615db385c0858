"""When the map and coverage may read the rollups, and the sums they read from them.

The rollups hold visits by area, member, grid cell, verified and review tally, and households by area,
grid cell and last-visit day. A filter they do not hold (need category; a member's paired households)
or a viewer whose scope is not a set of areas (a member) is answered from the visits themselves,
and the page says "counting ..." meanwhile (``uses_rollups``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, or_, true
from sqlmodel import Session, col, select

from models import Household, HouseholdRollup, User, VisitRollup
from services.org.areas import subtree_ids
from services.policy import MANAGERS, area_ids_in_scope, holds
from services.rollups.keys import LEVELS, day_of, zone
from services.rollups.periods import midnight_on_or_after, midnight_on_or_before

NOT_USABLE = "not usable"


def filters_held(need_id: int | None, member_id: int | None) -> bool:
    """Whether the rollups hold these filters (a manager's map and coverage; area, period and verified
    always are): pages say "counting ..." when they are not."""
    return need_id is None and member_id is None


def rollup_areas(session: Session, actor: User, area_id: int | None, need_id: int | None,
                 member_id: int | None = None) -> list[int] | None | str:
    """The areas to sum (None: all) for this viewer and these filters, or NOT_USABLE."""
    if not holds(actor, MANAGERS) or not filters_held(need_id, member_id):
        return NOT_USABLE
    areas = area_ids_in_scope(session, actor)
    if area_id is not None:
        wanted = set(subtree_ids(session, area_id))
        areas = wanted if areas is None else areas & wanted
    return sorted(areas) if areas is not None else None


def uses_rollups(session: Session, actor: User, area_id: int | None = None, need_id: int | None = None,
                 member_id: int | None = None) -> bool:
    """Whether the figures for these filters come from the rollups (fast) or a count of the visits."""
    return rollup_areas(session, actor, area_id, need_id, member_id) != NOT_USABLE


def in_areas(column: object, areas: list[int] | None) -> ColumnElement[bool]:
    return true() if areas is None else column.in_(areas)  # type: ignore[attr-defined]


def level_for(zoom: int) -> int:
    """The kept grid level nearest the requested zoom's own cells."""
    return min(LEVELS, key=lambda level: (abs(level - zoom), -level))


def overdue_clause(overdue_at: datetime) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """(rollup rows surely overdue, households to check one by one): the boundary day is read raw."""
    tz = zone()
    boundary = day_of(overdue_at, tz)
    start = midnight_on_or_before(overdue_at, tz)
    surely = or_(HouseholdRollup.last_day == 0, HouseholdRollup.last_day < boundary)
    raw = and_(col(Household.last_visit_at) >= start, col(Household.last_visit_at) <= overdue_at)
    return surely, raw


def visited_since_clause(since: datetime | None) -> tuple[ColumnElement[bool], ColumnElement[bool] | None]:
    """(rollup rows whose last counted visit is on or after ``since``, households to check one by one)."""
    if since is None:
        return HouseholdRollup.last_day != 0, None
    tz = zone()
    first = midnight_on_or_after(since, tz)
    surely = HouseholdRollup.last_day >= day_of(first, tz)
    raw = and_(col(Household.last_visit_at) >= since, col(Household.last_visit_at) < first) \
        if first != since.astimezone(tz) else None
    return surely, raw


def household_sums(session: Session, areas: list[int] | None, overdue_at: datetime, visited_since: datetime | None,
                   with_visited: bool) -> dict[int, list[int]]:
    """{area: [households, overdue, visited (households whose last counted visit is since ...)]}."""
    surely_over, raw_over = overdue_clause(overdue_at)
    surely_vis, raw_vis = visited_since_clause(visited_since)
    R = HouseholdRollup
    out: dict[int, list[int]] = {}
    for area, total, over, vis in session.exec(
        select(R.area_id, func.sum(R.n), func.sum(func.coalesce(_if(surely_over, R.n), 0)),
               func.sum(func.coalesce(_if(surely_vis, R.n), 0)))
        .where(R.level == 0, in_areas(R.area_id, areas)).group_by(R.area_id)
    ).all():
        out[area] = [int(total or 0), int(over or 0), int(vis or 0) if with_visited else 0]
    for clause, index in ((raw_over, 1), (raw_vis if with_visited else None, 2)):
        if clause is None:
            continue
        for area, n in session.exec(select(Household.area_id, func.count())
                                    .where(clause, in_areas(Household.area_id, areas))
                                    .group_by(Household.area_id)).all():
            out.setdefault(area, [0, 0, 0])[index] += int(n)
    return {a: v for a, v in out.items() if v[0]}


def _if(clause: ColumnElement[bool], value: object) -> ColumnElement:
    from sqlalchemy import case

    return case((clause, value), else_=0)


def visit_sums(session: Session, kind: str, where: list, group: list) -> list[tuple]:
    """SUMs (n, verified n, counted, pending, rejected, photos) of VisitRollup rows of ``kind``, grouped."""
    R = VisitRollup
    return session.exec(
        select(*group, func.sum(R.n), func.sum(_if(col(R.verified).is_(True), R.n)), func.sum(_if(R.status == 0, R.n)),
               func.sum(_if(R.status == 1, R.n)), func.sum(_if(R.status == 2, R.n)), func.sum(R.photos))
        .where(R.kind == kind, *where).group_by(*group)
    ).all()
