"""Rows for the exports (visits, households, coverage) under the map's filters and the visibility rule.

Generators: rows are read from the database in batches while they are written out, so an export
of 100,000 visits never sits in memory. The header row comes first, as msgids (translated by the
caller). Datetimes are naive local time of the organisation (spreadsheets have no time zones).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, col, select

from core.config import get_settings
from core.i18n import N_
from models import Area, Household, Pairing, Photo, User, Visit
from services.errors import Forbidden
from services.households.coverage import coverage_by_area, coverage_summary
from services.map.data import MapFilters, household_filters, household_status, paired_with, visit_filters
from services.policy import may_see_reports
from services.visits.review.signals import codes, describe_all

BATCH = 1000
EXPORTS = ("visits", "households", "coverage")

VISIT_HEADER = [N_("Visit id"), N_("Visited at"), N_("Household id"), N_("Head of household"), N_("Address"),
                N_("Area"), N_("Member"), N_("Latitude"), N_("Longitude"), N_("Location source"),
                N_("Verified"), N_("Distance from home (m)"), N_("Photos"), N_("Notes"), N_("Needs raised"),
                N_("Help given"), N_("Review state"), N_("Counts"), N_("Signals"), N_("Signal reasons")]
HOUSEHOLD_HEADER = [N_("Household id"), N_("Head of household"), N_("Address"), N_("Area"), N_("Phone"),
                    N_("People"), N_("Latitude"), N_("Longitude"), N_("Last visit"), N_("Days since last visit"),
                    N_("Status"), N_("Paired members")]
COVERAGE_HEADER = [N_("Area"), N_("Households"), N_("Visited in period"), N_("Visited share"), N_("Overdue"),
                   N_("Visits"), N_("Verified visits"), N_("Verified share"), N_("Visits counted"),
                   N_("Pending review"), N_("Rejected")]
STATUS_LABELS = {"on_time": N_("On time"), "due_soon": N_("Due soon"), "overdue": N_("Overdue")}


def check_may_export(actor: User) -> None:
    if not may_see_reports(actor):
        raise Forbidden(N_("You cannot export data."))


def _local(dt: datetime | None, tz: ZoneInfo) -> datetime | None:
    return dt.astimezone(tz).replace(tzinfo=None, microsecond=0) if dt else None


def _visit_query(session: Session, actor: User, filters: MapFilters):
    photos = select(func.count(Photo.id)).where(Photo.visit_id == Visit.id).correlate(Visit).scalar_subquery()
    return (
        select(Visit, Household.head_name, Household.address, Area.name, User.name, photos)
        .join(Household, Household.id == Visit.household_id).join(Area, Area.id == Household.area_id)
        .join(User, User.id == Visit.member_id)
        .where(*household_filters(session, actor, filters), *visit_filters(filters))
        .order_by(col(Visit.visited_at).desc(), Visit.id)
        .execution_options(yield_per=BATCH)
    )


def visit_rows(session: Session, actor: User, filters: MapFilters, lang: str | None = None) -> Iterator[list]:
    """Header then one row per visit; the signals' reasons in ``lang`` (default: the current language)."""
    check_may_export(actor)
    tz = ZoneInfo(get_settings().time_zone)
    yield list(VISIT_HEADER)
    for visit, head, address, area, member, photos in session.exec(_visit_query(session, actor, filters)):
        yield [visit.id, _local(visit.visited_at, tz), visit.household_id, head, address, area, member,
               visit.lat, visit.lng, visit.location_source.value, visit.verified,
               round(visit.distance_m) if visit.distance_m is not None else None, photos, visit.notes,
               visit.needs_raised, visit.help_given, visit.review_state.value, visit.counts,
               " ".join(codes(visit.signals)), "; ".join(describe_all(visit.signals, lang))]


def household_rows(session: Session, actor: User, filters: MapFilters, translate=lambda s: s) -> Iterator[list]:
    check_may_export(actor)
    tz = ZoneInfo(get_settings().time_zone)
    now, interval = filters.effective_now(), filters.effective_interval()
    where = household_filters(session, actor, filters)
    if filters.member_id is not None:
        where.append(paired_with(filters.member_id))
    yield list(HOUSEHOLD_HEADER)
    query = (select(Household, Area.name).join(Area, Area.id == Household.area_id).where(*where)
             .order_by(Household.id).execution_options(yield_per=BATCH))
    batch: list[tuple[Household, str]] = []
    for row in session.exec(query):
        batch.append(row)
        if len(batch) == BATCH:
            yield from _household_batch(session, batch, now, interval, tz, translate)
            batch = []
    yield from _household_batch(session, batch, now, interval, tz, translate)


def _household_batch(session: Session, batch: list, now: datetime, interval: int, tz: ZoneInfo,
                     translate) -> Iterator[list]:
    if not batch:
        return
    members: dict[int, list[str]] = {}
    for household_id, name in session.exec(
        select(Pairing.household_id, User.name).join(User, User.id == Pairing.member_id)
        .where(col(Pairing.household_id).in_([h.id for h, _a in batch]), col(Pairing.ended_at).is_(None))
    ).all():
        members.setdefault(household_id, []).append(name)
    for household, area in batch:
        last = household.last_visit_at
        yield [household.id, household.head_name, household.address, area, household.phone,
               household.members_count, household.lat, household.lng, _local(last, tz),
               (now - last).days if last else None,
               translate(STATUS_LABELS[household_status(last, now, interval)]),
               ", ".join(members.get(household.id, []))]


def coverage_rows(session: Session, actor: User, filters: MapFilters, translate=lambda s: s) -> Iterator[list]:
    check_may_export(actor)
    yield list(COVERAGE_HEADER)
    for r in coverage_by_area(session, actor, filters):
        yield [r.area, r.households, r.visited, _share(r.visited, r.households), r.overdue, r.visits, r.verified,
               _share(r.verified, r.visits), r.counted, r.pending, r.rejected]
    total = coverage_summary(session, actor, filters)
    yield [translate(N_("Total")), total.households, total.visited, _share(total.visited, total.households),
           total.overdue, total.visits, total.verified, _share(total.verified, total.visits), total.counted,
           total.pending, total.rejected]


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def visit_geojson(session: Session, actor: User, filters: MapFilters) -> Iterator[str]:
    """A FeatureCollection of the visits with a location, written feature by feature."""
    check_may_export(actor)
    yield '{"type":"FeatureCollection","features":['
    first = True
    for visit, head, _address, area, member, photos in session.exec(_visit_query(session, actor, filters)):
        if visit.lat is None or visit.lng is None:
            continue
        feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [visit.lng, visit.lat]},
                   "properties": {"id": visit.id, "visited_at": visit.visited_at.isoformat(),
                                  "household_id": visit.household_id, "household": head, "area": area,
                                  "member": member, "verified": visit.verified, "photos": photos,
                                  "location_source": visit.location_source.value,
                                  "review_state": visit.review_state.value, "counts": visit.counts,
                                  "signals": codes(visit.signals)}}
        yield ("" if first else ",") + json.dumps(feature, ensure_ascii=False)
        first = False
    yield "]}"
