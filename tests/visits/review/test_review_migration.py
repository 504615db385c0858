"""Migration 0100 on visits stored before review existed: signals backfilled, the documented counting
rule (verified-or-no-signal), and each household's clock recomputed from the visits that count."""

from __future__ import annotations

from datetime import timedelta

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlmodel import Session, select

from core import db
from core.config import get_settings
from models import Household, Visit

ROOT = db.ROOT


def alembic(target: str, down: bool = False) -> None:
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    cfg.set_main_option("sqlalchemy.url", get_settings().effective_database_url)
    (command.downgrade if down else command.upgrade)(cfg, target)


def test_review_migration_backfills_signals_counts_and_the_clock(demo: Session) -> None:
    demo.close()
    db.reset_engine()
    alembic("0105", down=True)  # the revision before 0100
    engine = db.make_engine(get_settings().effective_database_url)
    with engine.begin() as conn:
        household_id = conn.execute(text("SELECT household_id FROM visit GROUP BY household_id "
                                         "HAVING count(*) >= 3 ORDER BY household_id LIMIT 1")).scalar_one()
        ids = [r[0] for r in conn.execute(text("SELECT id FROM visit WHERE household_id = :h ORDER BY visited_at DESC"),
                                          {"h": household_id})]
        latest, second = ids[0], ids[1]
        # The latest visit was "at the registered address" (0 m, never measured), the second entered 10 days late.
        conn.execute(text("UPDATE visit SET location_source = 'address', verified = :no, distance_m = 0 "
                          "WHERE id = :v"), {"v": latest, "no": False})
    with Session(engine) as s:  # through the model: the same datetime handling on SQLite and PostgreSQL
        row = s.exec(select(Visit.visited_at).where(Visit.id == second)).one()
    with engine.begin() as conn:
        conn.execute(text("UPDATE visit SET created_at = :at WHERE id = :v"),
                     {"at": row + timedelta(days=10), "v": second})
    engine.dispose()
    alembic("head")
    db.reset_engine()
    with Session(db.get_engine()) as s:
        address = s.get(Visit, latest)
        late = s.get(Visit, second)
        assert address.signals == [{"code": "unverified", "reason": "address"}] and not address.counts
        assert address.distance_m is None and address.review_state == "received"
        assert [s["code"] for s in late.signals] == ["late"] and late.signals[0]["hours"] in (239, 240)
        assert late.counts  # verified: keeps counting
        household = s.get(Household, household_id)
        assert household.last_visit_at == late.visited_at  # the address-only visit waits for review
        clean = s.exec(select(Visit).where(Visit.household_id != household_id)).all()
        assert all(v.counts and v.signals == [] for v in clean if v.verified)
        assert (late.visited_at - late.created_at) < -timedelta(days=9)
