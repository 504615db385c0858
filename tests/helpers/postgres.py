"""A PostgreSQL engine fixture for the tests that need real row locks; skipped without a server."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine, make_url

from core import db

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@pytest.fixture(scope="module")
def pg_engine() -> Iterator[Engine]:
    psycopg = pytest.importorskip("psycopg", reason="psycopg is not installed")
    base = make_url(os.environ.get("DOORSTEP_TEST_DATABASE_URL") or DEFAULT_URL)
    admin_dsn = base.set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"doorstep_test_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(admin_dsn, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL not reachable at {base.render_as_string()}: {exc}".splitlines()[0])
    try:
        admin.execute(f'CREATE DATABASE "{name}"')
        url = base.set(database=name).render_as_string(hide_password=False)
        db.upgrade_schema(url)
        engine = db.make_engine(url)
        try:
            yield engine
        finally:
            engine.dispose()
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
