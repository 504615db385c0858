"""Database engine, sessions and schema upgrades (Alembic)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine

from core.config import get_settings

_engine: Engine | None = None
ROOT = Path(__file__).resolve().parent.parent


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


def _sqlite_begin(conn) -> None:
    # Writers take the lock up front: read-then-write transactions otherwise fail with
    # "database is locked" under concurrent writers despite busy_timeout. Read-only work asks
    # for a deferred transaction (read_only=True) so it never waits for, or blocks, a writer.
    mode = "DEFERRED" if conn.get_execution_options().get("doorstep_read_only") else "IMMEDIATE"
    conn.exec_driver_sql(f"BEGIN {mode}")


def make_sqlite_private(url: str) -> None:
    """The SQLite file (created empty if missing) and its -wal/-shm readable by the owner only (0600).

    SQLite gives the -wal and -shm files it creates later the database file's permissions.
    """
    database = make_url(url).database if url.startswith("sqlite") else None
    if not database or database == ":memory:":
        return
    path = Path(database)
    if not path.exists() and path.parent.is_dir():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))  # SQLite accepts an empty file as a new database
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if file.exists():
            file.chmod(0o600)


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        make_sqlite_private(url)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10})
        event.listen(engine, "connect", _sqlite_pragmas)

        @event.listens_for(engine, "connect")
        def _no_pysqlite_begin(dbapi_conn, _record) -> None:
            dbapi_conn.isolation_level = None

        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def get_engine() -> Engine:
    global _engine
    if _engine is None:
        settings = get_settings()
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        _engine = make_engine(settings.effective_database_url)
    return _engine


def reset_engine() -> None:
    """Forget the engine (tests point the settings at a new data folder)."""
    global _engine
    if _engine is not None:
        _engine.dispose()
    _engine = None


def read_only_engine() -> Engine:
    return get_engine().execution_options(doorstep_read_only=True)


@contextmanager
def session_scope(read_only: bool = False) -> Iterator[Session]:
    """A session that commits on success and rolls back on error.

    read_only=True: for pages and endpoints that only read (no lock taken on SQLite).
    """
    engine = read_only_engine() if read_only else get_engine()
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def upgrade_schema(url: str | None = None, revision: str = "head") -> None:
    """Bring the database to the newest Alembic revision (or the given one)."""
    from alembic import command
    from alembic.config import Config

    get_settings().data_dir.mkdir(parents=True, exist_ok=True)
    make_sqlite_private(url or get_settings().effective_database_url)
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url or get_settings().effective_database_url)
    command.upgrade(cfg, revision)
