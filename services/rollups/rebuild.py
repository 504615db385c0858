"""The rollups recounted from the visits and households themselves: drift report and rebuild.

Used by ``python app.py rollups --check/--rebuild``, by the daily scheduled job (check, and rebuild
when anything drifted) and by migration 0130 (the first fill, in batches).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, Engine, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite

from models import Household, HouseholdRollup, Photo, Visit, VisitRollup
from services.rollups.keys import HouseholdFacts, VisitFacts, household_keys, visit_keys, zone
from services.rollups.maintain import HOUSEHOLD_KEY_COLUMNS, VISIT_KEY_COLUMNS
from services.visits.review.counting import tally_of

log = logging.getLogger(__name__)
BATCH = 20_000
TOLERANCE = 1e-6  # position sums are floats added and subtracted: compared within this per visit


def recount(conn: Connection, batch: int = BATCH) -> tuple[dict, dict]:
    """Every rollup row recounted: ({visit key: [n, photos, lat, lng]}, {household key: [n, 0, lat, lng]})."""
    tz = zone()
    visits: dict = defaultdict(lambda: [0, 0, 0.0, 0.0])
    households: dict = defaultdict(lambda: [0, 0, 0.0, 0.0])
    photos = dict(conn.execute(select(Photo.visit_id, func.count()).group_by(Photo.visit_id)).all())
    last = ""
    while True:  # keyset batches over the primary key: memory stays flat at any size
        rows = conn.execute(
            select(Visit.id, Household.area_id, Visit.member_id, Visit.visited_at, Visit.lat, Visit.lng,
                   Visit.verified, Visit.counts, Visit.review_state)
            .join(Household, Household.id == Visit.household_id).where(Visit.id > last)
            .order_by(Visit.id).limit(batch)
        ).all()
        if not rows:
            break
        for vid, area, member, when, lat, lng, verified, counts, state in rows:
            facts = VisitFacts(area, member, when, lat, lng, bool(verified), tally_of(bool(counts), state))
            p = photos.get(vid, 0)
            for key, klat, klng in visit_keys(facts, tz):
                d = visits[key]
                d[0] += 1
                d[1] += p
                d[2] += klat
                d[3] += klng
        last = rows[-1][0]
    for area, lat, lng, at in conn.execute(select(Household.area_id, Household.lat, Household.lng,
                                                  Household.last_visit_at)).all():
        for key, klat, klng in household_keys(HouseholdFacts(area, lat, lng, at), tz):
            d = households[key]
            d[0] += 1
            d[2] += klat
            d[3] += klng
    return dict(visits), dict(households)


def stored(conn: Connection) -> tuple[dict, dict]:
    v = {tuple(r[:9]): [r[9], r[10], r[11], r[12]] for r in conn.execute(
        select(*[VisitRollup.__table__.c[c] for c in VISIT_KEY_COLUMNS], VisitRollup.n, VisitRollup.photos,
               VisitRollup.lat_sum, VisitRollup.lng_sum).where(VisitRollup.n != 0)).all()}
    h = {tuple(r[:5]): [r[5], 0, r[6], r[7]] for r in conn.execute(
        select(*[HouseholdRollup.__table__.c[c] for c in HOUSEHOLD_KEY_COLUMNS], HouseholdRollup.n,
               HouseholdRollup.lat_sum, HouseholdRollup.lng_sum).where(HouseholdRollup.n != 0)).all()}
    # rows whose visits all left keep n = 0 (and photos 0): equal to no row
    return ({tuple(k[:7]) + (bool(k[7]), k[8]): d for k, d in v.items()}, h)


def _differ(a: list | None, b: list | None) -> bool:
    a, b = a or [0, 0, 0.0, 0.0], b or [0, 0, 0.0, 0.0]
    n = max(abs(a[0]), abs(b[0]), 1)
    return (a[0] != b[0] or a[1] != b[1] or abs(a[2] - b[2]) > TOLERANCE * n * 180
            or abs(a[3] - b[3]) > TOLERANCE * n * 180)


@dataclass
class Drift:
    visit_rows: int = 0  # rollup rows that differ from the recount
    household_rows: int = 0
    examples: list[str] = field(default_factory=list)

    @property
    def none(self) -> bool:
        return not self.visit_rows and not self.household_rows


def drift(conn: Connection) -> Drift:
    """Compare every stored rollup row with a full recount."""
    want_v, want_h = recount(conn)
    have_v, have_h = stored(conn)
    result = Drift()
    for name, want, have in (("visit", want_v, have_v), ("household", want_h, have_h)):
        for key in set(want) | set(have):
            if _differ(want.get(key), have.get(key)):
                if name == "visit":
                    result.visit_rows += 1
                else:
                    result.household_rows += 1
                if len(result.examples) < 10:
                    result.examples.append(f"{name} {key}: stored {have.get(key)}, recounted {want.get(key)}")
    return result


def _insert(conn: Connection, table: type, keys: list[str], rows: dict, batch: int) -> None:
    t = table.__table__  # type: ignore[attr-defined]
    out = []
    for key, d in rows.items():
        row = dict(zip(keys, key, strict=True), n=d[0], lat_sum=d[2], lng_sum=d[3])
        if "photos" in t.c:
            row["photos"] = d[1]
        out.append(row)
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    for start in range(0, len(out), batch):
        conn.execute(insert(t), out[start:start + batch])


def rebuild(conn: Connection, batch: int = BATCH) -> tuple[int, int]:
    """Replace every rollup row by the recount (in the caller's transaction); the row counts written."""
    if conn.dialect.name == "postgresql":  # no visit or household change may slip in between
        conn.exec_driver_sql("LOCK TABLE visit, household, photo IN SHARE MODE")
    visits, households = recount(conn, batch)
    conn.execute(delete(VisitRollup))
    conn.execute(delete(HouseholdRollup))
    _insert(conn, VisitRollup, VISIT_KEY_COLUMNS, visits, batch)
    _insert(conn, HouseholdRollup, HOUSEHOLD_KEY_COLUMNS, households, batch)
    return len(visits), len(households)


def check_database(engine: Engine) -> Drift:
    """The drift of the rollups in a consistent snapshot (PostgreSQL: repeatable read; SQLite: one read)."""
    options = {"isolation_level": "REPEATABLE READ"} if engine.dialect.name == "postgresql" else {
        "doorstep_read_only": True}
    with engine.connect().execution_options(**options) as conn, conn.begin():
        return drift(conn)


def rebuild_database(engine: Engine) -> tuple[int, int]:
    with engine.begin() as conn:
        return rebuild(conn)


def rollups_job(_now: datetime) -> dict[str, int]:
    """The daily check: report drift (logged as an error: it means a write bypassed the hook) and repair it."""
    from core.db import get_engine

    found = check_database(get_engine())
    if found.none:
        return {"visit_rows": 0, "household_rows": 0, "rebuilt": 0}
    log.error("rollups drifted: %s visit rows, %s household rows; e.g. %s; rebuilding",
              found.visit_rows, found.household_rows, found.examples[:3])
    rebuild_database(get_engine())
    return {"visit_rows": found.visit_rows, "household_rows": found.household_rows, "rebuilt": 1}
