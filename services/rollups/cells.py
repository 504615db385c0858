"""Map grid cells from the rollups: visits by cell over a period, households by cell and status on a day.

The cells are those of the kept level nearest the view's zoom, overlapping the view. What the rollups
cannot say exactly (a period's ragged ends; households whose last visit fell on a status boundary day)
is read from the rows themselves and put in the same cells.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import and_, case, func, or_
from sqlmodel import Session, col, select

from models import Household, HouseholdRollup, Visit, VisitRollup
from services.rollups.keys import cell_degrees, cell_of, day_of, zone
from services.rollups.periods import midnight_on_or_before, split
from services.rollups.read import in_areas, level_for

BBox = tuple[float, float, float, float]


def _cell_range(level: int, bbox: BBox) -> tuple[tuple[int, int], tuple[int, int], BBox]:
    west, south, east, north = bbox
    (y0, x0), (y1, x1) = cell_of(level, south, west), cell_of(level, north, east)
    size = cell_degrees(level)
    outer = (x0 * size - 180.0, y0 * size - 90.0, (x1 + 1) * size - 180.0, (y1 + 1) * size - 90.0)
    return (y0, y1), (x0, x1), outer


class _Cells:
    def __init__(self, width: int) -> None:
        self.cells: dict[tuple[int, int], list[float]] = {}
        self.width = width  # values after n, lat_sum, lng_sum

    def add(self, key: tuple[int, int], n: float, lat_sum: float, lng_sum: float, *values: float) -> None:
        cell = self.cells.setdefault(key, [0, 0.0, 0.0] + [0] * self.width)
        for i, value in enumerate((n, lat_sum, lng_sum, *values)):
            cell[i] += value or 0

    def result(self) -> list[tuple]:
        return [(int(c[0]), c[1] / c[0], c[2] / c[0], *(int(v) for v in c[3:])) for c in self.cells.values() if c[0]]


def visit_cells(session: Session, areas: list[int] | None, bbox: BBox, zoom: int, filters: object,
                raw_where: Callable[[object], list]) -> list[tuple]:
    """[(count, lat, lng, verified)] per cell; ``raw_where(window)``: the visit WHERE for a ragged end."""
    level = level_for(zoom)
    (y0, y1), (x0, x1), outer = _cell_range(level, bbox)
    periods = split(filters.date_from, filters.date_to, zone())  # type: ignore[attr-defined]
    R = VisitRollup
    where = [R.kind == f"cell{level}", col(R.cy).between(y0, y1), col(R.cx).between(x0, x1),
             periods.where(R.unit, R.period), in_areas(R.area_id, areas)]
    if filters.verified_only:  # type: ignore[attr-defined]
        where.append(col(R.verified).is_(True))
    out = _Cells(1)
    for cy, cx, n, lat, lng, verified in session.exec(
        select(R.cy, R.cx, func.sum(R.n), func.sum(R.lat_sum), func.sum(R.lng_sum),
               func.sum(case((col(R.verified).is_(True), R.n), else_=0)))
        .where(*where).group_by(R.cy, R.cx)
    ).all():
        out.add((cy, cx), n, lat, lng, verified)
    west, south, east, north = outer
    for start, end in periods.raw:
        window = replace(filters, date_from=start, date_to=end)  # type: ignore[type-var]
        for lat, lng, verified in session.exec(
            select(Visit.lat, Visit.lng, Visit.verified).where(
                *raw_where(window), col(Visit.lat).is_not(None), col(Visit.lat).between(south, north),
                col(Visit.lng).between(west, east))
        ).all():
            out.add(cell_of(level, lat, lng), 1, lat, lng, 1 if verified else 0)
    return out.result()


def household_cells(session: Session, areas: list[int] | None, bbox: BBox, zoom: int,
                    overdue_at: datetime, due_at: datetime) -> list[tuple]:
    """[(count, lat, lng, overdue, due soon)] per cell for households in the given areas."""
    level = level_for(zoom)
    (y0, y1), (x0, x1), outer = _cell_range(level, bbox)
    tz = zone()
    b_over, b_due = day_of(overdue_at, tz), day_of(due_at, tz)
    R = HouseholdRollup
    overdue = or_(R.last_day == 0, R.last_day < b_over)
    due = and_(R.last_day > b_over, R.last_day < b_due)
    out = _Cells(2)
    for cy, cx, n, lat, lng, late, soon in session.exec(
        select(R.cy, R.cx, func.sum(R.n), func.sum(R.lat_sum), func.sum(R.lng_sum),
               func.sum(case((overdue, R.n), else_=0)), func.sum(case((due, R.n), else_=0)))
        .where(R.level == level, col(R.cy).between(y0, y1), col(R.cx).between(x0, x1), in_areas(R.area_id, areas),
               col(R.last_day).not_in([b_over, b_due]))
        .group_by(R.cy, R.cx)
    ).all():
        out.add((cy, cx), n, lat, lng, late, soon)
    west, south, east, north = outer
    days = {midnight_on_or_before(overdue_at, tz), midnight_on_or_before(due_at, tz)}
    on_boundary = or_(*[and_(col(Household.last_visit_at) >= d, col(Household.last_visit_at) < d + timedelta(days=1))
                        for d in days])
    for lat, lng, last in session.exec(
        select(Household.lat, Household.lng, Household.last_visit_at).where(
            on_boundary, in_areas(Household.area_id, areas), col(Household.lat).between(south, north),
            col(Household.lng).between(west, east))
    ).all():
        late = last <= overdue_at
        out.add(cell_of(level, lat, lng), 1, lat, lng, int(late), int(not late and last <= due_at))
    return out.result()
