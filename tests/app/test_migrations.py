"""Every migration runs on a database full of rows: down to the first round's schema and back up again."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlmodel import Session

from core import db
from core.config import get_settings

FIRST_ROUND_HEAD = "0070"  # the schema deployments ran before this round's migrations


def _alembic(target: str, down: bool = False) -> None:
    cfg = Config(str(db.ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(db.ROOT / "migrations"))
    cfg.set_main_option("sqlalchemy.url", get_settings().effective_database_url)
    (command.downgrade if down else command.upgrade)(cfg, target)


def _counts() -> dict[str, int]:
    engine = db.make_engine(get_settings().effective_database_url)
    try:
        with engine.connect() as conn:
            return {table: conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
                    for table in ("area", "household", "visit", '"user"')}
    finally:
        engine.dispose()


def test_migrations_upgrade_a_populated_first_round_database(demo: Session) -> None:
    demo.close()
    db.reset_engine()
    before = _counts()
    _alembic(FIRST_ROUND_HEAD, down=True)
    assert _counts() == before
    _alembic("head")  # a real deployment's upgrade: every table already holds rows
    assert _counts() == before
