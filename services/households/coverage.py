"""Coverage: which households were visited in a period, which are overdue, who visits how often.

Every query is limited by the visibility rule (services.policy.household_scope) and the same
filters as the map (services.map.data.MapFilters). A member's coverage counts only their own
visits to the households paired with them. A household is "visited" when it has a visit that
counts (services.visits.review.counting); visits are shown as counted, pending review and rejected.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import case, distinct, func
from sqlmodel import Session, col, select

from core.config import get_settings
from models import Area, Household, Pairing, Photo, Role, User, Visit, VisitRollup
from services.map.data import (
    MapFilters,
    household_filters,
    paired_with,
    status_code,
    status_thresholds,
    visit_filters,
    visit_in_scope,
)
from services.rollups.keys import zone
from services.rollups.periods import split
from services.rollups.read import NOT_USABLE, household_sums, in_areas, rollup_areas, visit_sums
from services.visits.review.counting import tally_columns, visit_counts

OVERDUE = 2


def for_actor(actor: User, filters: MapFilters) -> MapFilters:
    """A member's coverage is always their own, whatever filter was asked for."""
    if actor.role == Role.member:
        return replace(filters, member_id=actor.id)
    return filters


def _household_where(session: Session, actor: User, filters: MapFilters) -> list:
    where = household_filters(session, actor, filters)
    if filters.member_id is not None:
        where.append(paired_with(filters.member_id))
    return where


@dataclass
class CoverageSummary:
    households: int
    visited: int  # households with at least one counted visit in the period
    overdue: int
    visits: int  # every visit, whatever its review
    verified: int
    photos: int
    counted: int = 0
    pending: int = 0  # waiting for review: not counted yet
    rejected: int = 0

    @property
    def visited_share(self) -> float:
        return self.visited / self.households if self.households else 0.0

    @property
    def verified_share(self) -> float:
        return self.verified / self.visits if self.visits else 0.0

    @property
    def photos_per_visit(self) -> float:
        return self.photos / self.visits if self.visits else 0.0


def coverage_summary(session: Session, actor: User, filters: MapFilters) -> CoverageSummary:
    filters = for_actor(actor, filters)
    areas = rollup_areas(session, actor, filters.area_id, filters.need_id, filters.member_id)
    if areas == NOT_USABLE:
        return _counted_summary(session, actor, filters)
    now, interval = filters.effective_now(), filters.effective_interval()
    with_visited = filters.date_to is None and not filters.verified_only
    homes = household_sums(session, areas, status_thresholds(now, interval)[0], filters.date_from,  # type: ignore[arg-type]
                           with_visited)
    total, overdue, visited = (sum(v[i] for v in homes.values()) for i in range(3))
    figures = _visit_figures(session, actor, filters, areas, by_area=False).get(None, [0] * 6)  # type: ignore[arg-type]
    visits, verified, counted, pending, rejected, photos = figures
    if not with_visited:  # a closed period, or verified visits only: the households are counted one by one
        visited = counted and _visited_households(session, actor, filters)
    return CoverageSummary(total, visited, overdue, visits, verified, photos, counted, pending, rejected)


def _visit_figures(session: Session, actor: User, filters: MapFilters, areas: list[int] | None,
                   by_area: bool) -> dict[int | None, list[int]]:
    """{area (None: all): [visits, verified, counted, pending, rejected, photos]}: whole months and days
    from the rollups, the ragged ends of the period from the visits."""
    R = VisitRollup
    periods = split(filters.date_from, filters.date_to, zone())
    where = [periods.where(R.unit, R.period), in_areas(R.area_id, areas)]
    if filters.verified_only:
        where.append(col(R.verified).is_(True))
    out: dict[int | None, list[int]] = {}

    def add(key: int | None, values: tuple) -> None:
        row = out.setdefault(key, [0] * 6)
        for i, value in enumerate(values):
            row[i] += int(value or 0)

    for row in visit_sums(session, "area", where, [R.area_id] if by_area else []):
        add(row[0] if by_area else None, row[-6:])
    for start, end in periods.raw:
        # A day or two of visits, read through the period index; the household's area (the scope: the areas
        # above) and the photos are looked up per visit (a join, or "household_id IN (the visible
        # households)", let SQLite start from the households or the photos instead).
        window = replace(filters, date_from=start, date_to=end)
        area = select(Household.area_id).where(Household.id == Visit.household_id).scalar_subquery()
        photos = select(func.count(Photo.id)).where(Photo.visit_id == Visit.id).scalar_subquery()
        group = [area] if by_area else []
        for row in session.execute(
            select(*group, func.count(), func.coalesce(func.sum(case((col(Visit.verified).is_(True), 1), else_=0)), 0),
                   *tally_columns(), func.coalesce(func.sum(photos), 0))
            .select_from(Visit).where(*visit_filters(window), in_areas(area, areas)).group_by(*group)
        ).all():
            add(row[0] if by_area else None, row[-6:])
    return out


def _visited_households(session: Session, actor: User, filters: MapFilters) -> int:
    """Households with a counted visit in the period, counted from the visits."""
    h_where = _household_where(session, actor, filters)
    return int(session.exec(
        select(func.count(distinct(Visit.household_id)))
        .where(visit_in_scope(session, actor, filters, h_where), *visit_filters(filters), visit_counts())
    ).one())


def _counted_summary(session: Session, actor: User, filters: MapFilters) -> CoverageSummary:
    """coverage_summary from the visits themselves (filters the rollups do not hold)."""
    now, interval = filters.effective_now(), filters.effective_interval()
    h_where = _household_where(session, actor, filters)
    total, overdue = session.exec(
        select(func.count(Household.id), func.coalesce(func.sum(case((status_code(now, interval) == OVERDUE, 1),
                                                                     else_=0)), 0)).where(*h_where)
    ).one()
    # Visits as on the map and in the export; "visited" only among the households counted above
    # (a member's visits to a household no longer paired with them count as visits, not coverage).
    v_where = [visit_in_scope(session, actor, filters), *visit_filters(filters)]
    visits, verified, counted, pending, rejected = session.exec(
        select(func.count(), func.coalesce(func.sum(case((col(Visit.verified).is_(True), 1), else_=0)), 0),
               *tally_columns())
        .select_from(Visit).where(*v_where)
    ).one()
    visited = counted and session.exec(
        select(func.count(distinct(Visit.household_id)))
        .where(visit_in_scope(session, actor, filters, h_where), *visit_filters(filters), visit_counts())
    ).one()
    photos = visits and session.exec(
        select(func.count(Photo.id)).where(col(Photo.visit_id).in_(select(Visit.id).where(*v_where)))
    ).one()
    return CoverageSummary(int(total), int(visited), int(overdue), int(visits), int(verified), int(photos),
                           int(counted), int(pending), int(rejected))


@dataclass
class AreaCoverage:
    area_id: int
    area: str
    households: int
    visited: int
    overdue: int
    visits: int
    verified: int
    counted: int = 0
    pending: int = 0
    rejected: int = 0


def coverage_by_area(session: Session, actor: User, filters: MapFilters) -> list[AreaCoverage]:
    """One row per area that holds visible households, most overdue first."""
    filters = for_actor(actor, filters)
    areas = rollup_areas(session, actor, filters.area_id, filters.need_id, filters.member_id)
    if areas == NOT_USABLE or filters.date_to is not None or filters.verified_only:
        return _counted_by_area(session, actor, filters)
    now, interval = filters.effective_now(), filters.effective_interval()
    homes = household_sums(session, areas, status_thresholds(now, interval)[0], filters.date_from, True)  # type: ignore[arg-type]
    figures = _visit_figures(session, actor, filters, areas, by_area=True)  # type: ignore[arg-type]
    names = dict(session.exec(select(Area.id, Area.name).where(col(Area.id).in_(list(homes)))).all())
    rows = []
    for area_id, (total, late, visited) in homes.items():
        v, ver, cnt, pen, rej, _photos = figures.get(area_id, [0] * 6)
        rows.append(AreaCoverage(area_id, names.get(area_id, ""), total, visited, late, v, ver, cnt, pen, rej))
    return sorted(rows, key=lambda r: (-r.overdue, r.area))


def _counted_by_area(session: Session, actor: User, filters: MapFilters) -> list[AreaCoverage]:
    """coverage_by_area from the visits themselves (filters the rollups do not hold)."""
    now, interval = filters.effective_now(), filters.effective_interval()
    h_where = _household_where(session, actor, filters)
    counts = session.exec(
        select(Household.area_id, func.count(Household.id),
               func.sum(case((status_code(now, interval) == OVERDUE, 1), else_=0)))
        .where(*h_where).group_by(Household.area_id)
    ).all()
    hid = (col(Visit.household_id) + 0).label("hid")  # + 0: group the period's rows, do not walk the id index
    counted, pending, rejected = tally_columns()
    per_household = (
        select(hid, func.count().label("n"), func.sum(case((col(Visit.verified).is_(True), 1), else_=0)).label("ver"),
               counted.label("cnt"), pending.label("pen"), rejected.label("rej"))
        .where(visit_in_scope(session, actor, filters, h_where), *visit_filters(filters))
        .group_by(hid).subquery()
    )
    c = per_household.c
    visited = {
        area_id: tuple(int(x or 0) for x in rest) for area_id, *rest in session.exec(
            select(Household.area_id, func.sum(case((c.cnt > 0, 1), else_=0)), func.sum(c.n), func.sum(c.ver),
                   func.sum(c.cnt), func.sum(c.pen), func.sum(c.rej))
            .select_from(per_household).join(Household, Household.id == c.hid)
            .group_by(Household.area_id)
        ).all()
    }
    names = dict(session.exec(select(Area.id, Area.name).where(col(Area.id).in_([c[0] for c in counts]))).all())
    rows = []
    for area_id, total, late in counts:
        h, v, ver, cnt, pen, rej = visited.get(area_id, (0, 0, 0, 0, 0, 0))
        rows.append(AreaCoverage(area_id, names.get(area_id, ""), int(total), h, int(late or 0), v, ver, cnt, pen, rej))
    return sorted(rows, key=lambda r: (-r.overdue, r.area))


@dataclass
class MemberOverdue:
    member_id: int | None  # None: households nobody is paired with
    member: str
    households: int
    overdue: int


def overdue_by_member(session: Session, actor: User, filters: MapFilters) -> list[MemberOverdue]:
    """Households and overdue households per paired member (a household with two members counts twice)."""
    filters = for_actor(actor, filters)
    now, interval = filters.effective_now(), filters.effective_interval()
    rows = session.exec(
        select(Pairing.member_id, User.name, func.count(Household.id),
               func.sum(case((status_code(now, interval) == OVERDUE, 1), else_=0)))
        .select_from(Household)
        .outerjoin(Pairing, (Pairing.household_id == Household.id) & col(Pairing.ended_at).is_(None))
        .outerjoin(User, User.id == Pairing.member_id)
        .where(*_household_where(session, actor, filters))
        .group_by(Pairing.member_id, User.name)
    ).all()
    result = [MemberOverdue(member_id, name or "", int(total), int(late or 0)) for member_id, name, total, late in rows]
    return sorted(result, key=lambda r: (-r.overdue, r.member))


@dataclass
class OverdueHousehold:
    household_id: int
    head_name: str
    address: str
    area: str
    members: list[str]
    last_visit_at: datetime | None


def overdue_households(session: Session, actor: User, filters: MapFilters, limit: int = 100) -> list[OverdueHousehold]:
    """Overdue households, never visited first, then longest since the last visit."""
    filters = for_actor(actor, filters)
    now, interval = filters.effective_now(), filters.effective_interval()
    where = _household_where(session, actor, filters)
    columns = (Household.id, Household.head_name, Household.address, Area.name, Household.last_visit_at)
    # Never visited first, then the longest since the last visit: two walks of the last_visit_at index
    # that stop at ``limit`` rows (one ORDER BY "IS NOT NULL, last_visit_at" sorted every household).
    rows = list(session.exec(
        select(*columns).join(Area, Area.id == Household.area_id)
        .where(*where, col(Household.last_visit_at).is_(None)).order_by(Household.id).limit(limit)
    ).all())
    if len(rows) < limit:
        rows += session.exec(
            select(*columns).join(Area, Area.id == Household.area_id)
            .where(*where, col(Household.last_visit_at) <= status_thresholds(now, interval)[0])
            .order_by(col(Household.last_visit_at), Household.id).limit(limit - len(rows))
        ).all()
    members: dict[int, list[str]] = {}
    for household_id, name in session.exec(
        select(Pairing.household_id, User.name).join(User, User.id == Pairing.member_id)
        .where(col(Pairing.household_id).in_([r[0] for r in rows]), col(Pairing.ended_at).is_(None))
    ).all():
        members.setdefault(household_id, []).append(name)
    return [OverdueHousehold(hid, name, address, area, members.get(hid, []), last)
            for hid, name, address, area, last in rows]


def month_starts(end: datetime, months: int, tz: ZoneInfo) -> list[datetime]:
    """The first instants of the ``months`` calendar months up to ``end``'s month, in the given zone, oldest first."""
    local = end.astimezone(tz)
    year, month = local.year, local.month
    starts = []
    for _ in range(months):
        starts.append(datetime(year, month, 1, tzinfo=tz))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


@dataclass
class MonthlyVisits:
    months: list[str]  # 'YYYY-MM', oldest first
    members: list[tuple[int, str, list[int]]]  # (member id, name, visits per month), most visits first


def visits_per_member_month(session: Session, actor: User, filters: MapFilters, months: int = 6) -> MonthlyVisits:
    """Counted visits per member per month for the ``months`` calendar months ending with the period's end."""
    filters = for_actor(actor, filters)
    tz = ZoneInfo(get_settings().time_zone)
    end = filters.date_to - timedelta(microseconds=1) if filters.date_to else filters.effective_now()
    starts = month_starts(end, months, tz)
    keys = [f"{s.year:04d}-{s.month:02d}" for s in starts]
    window = replace(filters, date_from=starts[0])  # the chart shows whole months, not just the period
    areas = rollup_areas(session, actor, filters.area_id, filters.need_id)
    if areas == NOT_USABLE:
        rows = _counted_member_months(session, actor, window, starts)
    else:
        rows = _rolled_member_months(session, actor, window, starts, areas)  # type: ignore[arg-type]
    names = dict(session.exec(select(User.id, User.name).where(col(User.id).in_({r[0] for r in rows}))).all())
    per_member: dict[int, tuple[str, dict[str, int]]] = {}
    for member_id, index, count in rows:
        if index < 0:
            continue
        counts = per_member.setdefault(member_id, (names.get(member_id, ""), {}))[1]
        counts[keys[index]] = counts.get(keys[index], 0) + int(count)
    members = [(mid, name, [counts.get(k, 0) for k in keys]) for mid, (name, counts) in per_member.items()]
    members.sort(key=lambda m: (-sum(m[2]), m[1]))
    return MonthlyVisits(keys, members)


def _rolled_member_months(session: Session, actor: User, window: MapFilters, starts: list[datetime],
                          areas: list[int] | None) -> list[tuple[int, int, int]]:
    """(member, month index, counted visits) from the member rollups, the period's ragged end from the visits."""
    R = VisitRollup
    index = {s.year * 100 + s.month: i for i, s in enumerate(starts)}
    periods = split(window.date_from, window.date_to, zone())
    where = [R.kind == "member", periods.where(R.unit, R.period), in_areas(R.area_id, areas), R.status == 0]
    if window.verified_only:
        where.append(col(R.verified).is_(True))
    if window.member_id is not None:
        where.append(R.member_id == window.member_id)
    sums = session.exec(
        select(R.member_id, R.unit, R.period, func.sum(R.n)).where(*where).group_by(R.member_id, R.unit, R.period)
    ).all()
    rows = [(member, index.get(period if unit == "M" else period // 100, -1), n) for member, unit, period, n in sums]
    for start, end in periods.raw:
        rows += _counted_member_months(session, actor, replace(window, date_from=start, date_to=end), starts)
    return rows


def _counted_member_months(session: Session, actor: User, window: MapFilters,
                           starts: list[datetime]) -> list[tuple[int, int, int]]:
    """(member, month index, counted visits) from the visits themselves."""
    # Month buckets by comparing with the months' first instants (computed here, in the organisation's
    # time zone): cheaper than formatting every row's date, and the same SQL on SQLite and PostgreSQL.
    bucket = case(*[(Visit.visited_at >= start, i) for i, start in reversed(list(enumerate(starts)))], else_=-1)
    member = (col(Visit.member_id) + 0).label("member")  # + 0: not via the member index (random row reads)
    return [tuple(r) for r in session.exec(  # type: ignore[misc]
        select(member, bucket, func.count())
        .where(visit_in_scope(session, actor, window), *visit_filters(window), visit_counts())
        .group_by(member, bucket)
    ).all()]
