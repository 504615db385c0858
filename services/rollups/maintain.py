"""Keep the rollups in the same transaction as every visit, photo and household change (one flush hook).

Before each flush the hook compares what is about to be written with the rows as the database holds
them (read with ``FOR UPDATE`` on PostgreSQL, so a concurrent change of the same row is seen, not
overwritten in the counts; SQLite writers hold the database lock already) and turns the difference
into ``n = n + delta`` upserts, sorted by key so that concurrent transactions take row locks in the
same order. Writes through the ORM are all covered: record, edit, delete, review, photo add/remove,
household move or re-area. Bulk SQL writes to visit/household must call ``rebuild``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from functools import lru_cache
from zoneinfo import ZoneInfo

from sqlalchemy import Insert, event, func, inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session

from models import Household, HouseholdRollup, Photo, Visit, VisitRollup
from services.rollups.keys import HouseholdFacts, VisitFacts, household_keys, visit_keys, zone
from services.visits.review.counting import tally_of

Deltas = dict[tuple, list[float]]  # key -> [n, photos, lat_sum, lng_sum]
ENABLED = True  # bench/map.py switches it off to time a visit without rollups
READ_HOUSEHOLDS = "rollups: households read in this flush"  # session.info key, cleared per flush


VISIT_COLUMNS = ("household_id", "member_id", "visited_at", "lat", "lng", "verified", "counts", "review_state")
HOUSEHOLD_COLUMNS = ("area_id", "lat", "lng", "last_visit_at")


def _changed(obj: object, names: tuple[str, ...]) -> dict[str, object]:
    """The attributes this flush writes: the UPDATE sets only these, whatever else the object holds."""
    state = inspect(obj)
    return {n: getattr(obj, n) for n in names if state.attrs[n].history.has_changes()}


def _stored_visit(session: Session, visit_id: str) -> tuple[dict[str, object], int] | None:
    """The visit row as stored (locked on PostgreSQL: a concurrent change is waited for and seen) and its
    stored photo count."""
    row = session.execute(select(*[getattr(Visit, c) for c in VISIT_COLUMNS]).where(Visit.id == visit_id)
                          .with_for_update()).first()
    if row is None:
        return None
    photos = session.execute(select(func.count()).select_from(Photo).where(Photo.visit_id == visit_id)).scalar_one()
    return dict(zip(VISIT_COLUMNS, row, strict=True)), int(photos)


def _facts(values: dict[str, object], area_id: int) -> VisitFacts:
    return VisitFacts(area_id, values["member_id"], values["visited_at"], values["lat"], values["lng"],  # type: ignore[arg-type]
                      bool(values["verified"]), tally_of(bool(values["counts"]), values["review_state"]))  # type: ignore[arg-type]


def _household_area(session: Session, household_id: int, pending: dict[int, Household]) -> int:
    """The area the household has once this flush is written (its stored row, shared-locked on PostgreSQL,
    unless this flush moves it; a household this flush changes was read and locked once already)."""
    moving = pending.get(household_id)
    if moving is not None and "area_id" in _changed(moving, ("area_id",)):
        return moving.area_id
    read = session.info.get(READ_HOUSEHOLDS, {}).get(household_id)
    if read is not None:
        return read.area_id
    return session.execute(select(Household.area_id).where(Household.id == household_id)
                           .with_for_update(read=True)).scalar_one()


def _visit_facts_now(visit: Visit, area_id: int) -> VisitFacts:
    return _facts({c: getattr(visit, c) for c in VISIT_COLUMNS}, area_id)


def _add_visit(deltas: Deltas, facts: VisitFacts, tz: ZoneInfo, n: int, photos: int) -> None:
    for key, lat, lng in visit_keys(facts, tz):
        d = deltas[key]
        d[0] += n
        d[1] += photos
        d[2] += lat * n
        d[3] += lng * n


def _add_household(deltas: Deltas, facts: HouseholdFacts, tz: ZoneInfo, n: int) -> None:
    for key, lat, lng in household_keys(facts, tz):
        d = deltas[key]
        d[0] += n
        d[2] += lat * n
        d[3] += lng * n


def _household_db(session: Session, household_id: int) -> HouseholdFacts | None:
    row = session.execute(select(*[getattr(Household, c) for c in HOUSEHOLD_COLUMNS])
                          .where(Household.id == household_id).with_for_update()).first()
    facts = HouseholdFacts(*row) if row is not None else None
    if facts is not None:
        session.info.setdefault(READ_HOUSEHOLDS, {})[household_id] = facts
    return facts


def _household_now(h: Household) -> HouseholdFacts:
    return HouseholdFacts(h.area_id, h.lat, h.lng, h.last_visit_at)


def _household_after(before: HouseholdFacts, h: Household) -> HouseholdFacts:
    """The row as the flush leaves it: the stored row with the columns this flush writes."""
    return replace(before, **_changed(h, HOUSEHOLD_COLUMNS))


def _move_household_visits(session: Session, household_id: int, old_area: int, new_area: int, tz: ZoneInfo,
                           visits: Deltas, skip: set[str]) -> None:
    """A household moved to another area: its stored visits move with it."""
    photo_counts = (select(Photo.visit_id, func.count().label("p")).group_by(Photo.visit_id).subquery())
    rows = session.execute(
        select(Visit.id, Visit.member_id, Visit.visited_at, Visit.lat, Visit.lng, Visit.verified, Visit.counts,
               Visit.review_state, func.coalesce(photo_counts.c.p, 0))
        .outerjoin(photo_counts, photo_counts.c.visit_id == Visit.id).where(Visit.household_id == household_id)
    ).all()
    for vid, member, when, lat, lng, verified, counts, state, photos in rows:
        if vid in skip:  # handled as a changed visit with the new area already
            continue
        for area, sign in ((old_area, -1), (new_area, 1)):
            _add_visit(visits, VisitFacts(area, member, when, lat, lng, bool(verified), tally_of(bool(counts), state)),
                       tz, sign, sign * int(photos))


class _Collector:
    """The rollup deltas of one pending flush, gathered step by step (the order of the steps matters: a
    household read while going through the changed objects is not read, nor locked, again)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.tz = zone()
        self.visits: Deltas = defaultdict(lambda: [0, 0, 0.0, 0.0])
        self.households: Deltas = defaultdict(lambda: [0, 0, 0.0, 0.0])
        self.pending_households = {h.id: h for h in list(session.new) + list(session.dirty)
                                   if isinstance(h, Household) and h.id is not None}
        self.new_visits = {v.id: v for v in session.new if isinstance(v, Visit)}
        self.deleted_visits = {v.id for v in session.deleted if isinstance(v, Visit)}
        self.changed_visits: dict[str, Visit] = {}

    def changed_objects(self) -> None:
        """Changed visits are noted (counted in ``changed_visit_rows``); changed households are counted now,
        once every changed visit is known: a moved household's visit changed in the same flush moves once."""
        session = self.session
        dirty = list(session.dirty)
        for obj in dirty:
            if isinstance(obj, Visit) and session.is_modified(obj, include_collections=False):
                self.changed_visits[obj.id] = obj
        for obj in dirty:
            if isinstance(obj, Household) and session.is_modified(obj, include_collections=False):
                self.changed_household(obj)

    def changed_household(self, obj: Household) -> None:
        session, tz = self.session, self.tz
        before = _household_db(session, obj.id)  # type: ignore[arg-type]
        after = _household_after(before, obj) if before is not None else None
        if before is not None and after is not None and before != after:
            _add_household(self.households, before, tz, -1)
            _add_household(self.households, after, tz, 1)
            if before.area_id != after.area_id:
                _move_household_visits(session, obj.id, before.area_id, after.area_id, tz, self.visits,  # type: ignore[arg-type]
                                       set(self.changed_visits) | set(self.new_visits) | self.deleted_visits)

    def added_objects(self) -> None:
        session, tz = self.session, self.tz
        for obj in session.new:
            if isinstance(obj, Visit):
                area = _household_area(session, obj.household_id, self.pending_households)
                _add_visit(self.visits, _visit_facts_now(obj, area), tz, 1, 0)
            elif isinstance(obj, Household):
                _add_household(self.households, _household_now(obj), tz, 1)

    def deleted_objects(self) -> None:
        session, tz = self.session, self.tz
        for obj in session.deleted:
            if isinstance(obj, Visit):
                stored = _stored_visit(session, obj.id)
                if stored is not None:
                    area = _household_area(session, stored[0]["household_id"], {})  # type: ignore[arg-type]
                    _add_visit(self.visits, _facts(stored[0], area), tz, -1, -stored[1])
            elif isinstance(obj, Household):
                before = _household_db(session, obj.id)  # type: ignore[arg-type]
                if before is not None:
                    _add_household(self.households, before, tz, -1)

    def changed_visit_rows(self) -> None:
        session, tz = self.session, self.tz
        for vid, visit in self.changed_visits.items():
            stored = _stored_visit(session, vid)
            if stored is None:
                continue
            values, photos = stored
            before = _facts(values, _household_area(session, values["household_id"], {}))  # type: ignore[arg-type]
            written = {**values, **_changed(visit, VISIT_COLUMNS)}
            after = _facts(written, _household_area(session, written["household_id"], self.pending_households))  # type: ignore[arg-type]
            if after != before:
                _add_visit(self.visits, before, tz, -1, -photos)
                _add_visit(self.visits, after, tz, 1, photos)

    def photos(self) -> None:
        session = self.session
        for obj in list(session.new) + list(session.deleted):
            if not isinstance(obj, Photo) or obj.visit_id in self.deleted_visits:
                continue
            visit = (self.new_visits.get(obj.visit_id) or self.changed_visits.get(obj.visit_id)
                     or session.get(Visit, obj.visit_id))
            if visit is None:
                continue
            area = _household_area(session, visit.household_id, self.pending_households)
            _add_visit(self.visits, _visit_facts_now(visit, area), self.tz, 0, 1 if obj in session.new else -1)


def collect(session: Session) -> tuple[Deltas, Deltas]:
    """The rollup changes the pending flush makes: (visit rollup deltas, household rollup deltas)."""
    collector = _Collector(session)
    with session.no_autoflush:
        collector.changed_objects()
        collector.added_objects()
        collector.deleted_objects()
        collector.changed_visit_rows()
        collector.photos()
    return collector.visits, collector.households


def _upsert(session: Session, table: type, keys: list[str], deltas: Deltas) -> None:
    rows = [dict(zip(keys, key, strict=True), n=d[0], photos=d[1], lat_sum=d[2], lng_sum=d[3])
            for key, d in sorted(deltas.items()) if any(d)]
    if not rows:
        return
    if table is HouseholdRollup:
        for row in rows:
            row.pop("photos")
    session.execute(_upsert_statement(session.get_bind().dialect.name, table, tuple(keys)), rows)


@lru_cache(maxsize=8)
def _upsert_statement(dialect: str, table: type, keys: tuple[str, ...]) -> Insert:
    """``INSERT ... ON CONFLICT (key) DO UPDATE SET n = n + excluded.n, ...``, built once: run with
    executemany its compiled form is reused (a multi-row VALUES was compiled anew each flush, 6 ms)."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    t = table.__table__  # type: ignore[attr-defined]
    stmt = insert(t)
    updates = {c: t.c[c] + getattr(stmt.excluded, c) for c in ("n", "photos", "lat_sum", "lng_sum") if c in t.c}
    return stmt.on_conflict_do_update(index_elements=list(keys), set_=updates)


VISIT_KEY_COLUMNS = ["kind", "unit", "period", "area_id", "member_id", "cy", "cx", "verified", "status"]
HOUSEHOLD_KEY_COLUMNS = ["level", "cy", "cx", "area_id", "last_day"]


def apply(session: Session, visits: Deltas, households: Deltas) -> None:
    with session.no_autoflush:
        _upsert(session, VisitRollup, VISIT_KEY_COLUMNS, visits)
        _upsert(session, HouseholdRollup, HOUSEHOLD_KEY_COLUMNS, households)


@event.listens_for(OrmSession, "before_flush")
def _before_flush(session: Session, _context: object, _instances: object) -> None:
    if not ENABLED:
        return
    if not any(isinstance(o, (Visit, Household, Photo))
               for o in (*session.new, *session.dirty, *session.deleted)):
        return
    _one_rollup_writer_at_a_time(session)
    try:
        visits, households = collect(session)
    finally:
        session.info.pop(READ_HOUSEHOLDS, None)
    apply(session, visits, households)


ROLLUP_WRITERS_LOCK = 0x726F6C6C  # any fixed number: the PostgreSQL advisory lock the rollup writers share


def _one_rollup_writer_at_a_time(session: Session) -> None:
    """On PostgreSQL, transactions that change rollups take turns from their first such flush to their end.

    The upserts of one flush are sorted by key, but a transaction flushes more than once (a visit,
    then its photos) and each flush has its own keys, so two writers could still lock the same two
    rollup rows in opposite orders: a deadlock, seen once in about ten runs of 24 concurrent writers.
    Taken before the flush reads any row FOR UPDATE, the lock (held again by the same transaction
    at no cost) orders them. SQLite writers take turns anyway (one writer at a time).
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(ROLLUP_WRITERS_LOCK)))
