"""Test set-up: every test gets its own data folder with a migrated database and a fresh engine."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session

from core import config, db
from tests.databases import SERVER_URL, PostgresDatabases, SqliteDatabases


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SqliteDatabases | PostgresDatabases]:
    if SERVER_URL:
        backend = PostgresDatabases(SERVER_URL)
        yield backend
        backend.close()
    else:
        yield SqliteDatabases(tmp_path_factory.mktemp)


@pytest.fixture(autouse=True)
def data_dir(
    tmp_path: Path, request: pytest.FixtureRequest, databases: SqliteDatabases | PostgresDatabases,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Path]:
    folder = tmp_path / "data"
    folder.mkdir()
    url = databases.create(folder, with_demo="demo" in request.fixturenames)
    monkeypatch.setenv("DOORSTEP_DATA_DIR", str(folder))
    monkeypatch.setenv("DOORSTEP_DATABASE_URL", url)
    monkeypatch.setenv("DOORSTEP_SECRET_KEY", "test-secret")
    monkeypatch.setenv("DOORSTEP_DEFAULT_LANGUAGE", "en")
    monkeypatch.setenv("DOORSTEP_TILE_URL", "/static/tiles/blank.png")
    monkeypatch.delenv("DOORSTEP_DEMO", raising=False)
    config.get_settings.cache_clear()
    db.reset_engine()
    _reset_optional_caches()
    yield folder
    db.reset_engine()
    databases.drop(url)
    config.get_settings.cache_clear()
    _reset_optional_caches()


def _reset_optional_caches() -> None:
    from services import rate_limit

    rate_limit.reset_all()  # in-memory counters: every test starts with none used
    try:
        from services.photo_store import reset_photo_store
    except ImportError:
        return
    reset_photo_store()


@pytest.fixture
def session() -> Iterator[Session]:
    with Session(db.read_only_engine(), expire_on_commit=False) as s:
        yield s


@pytest.fixture
def demo(data_dir: Path) -> Iterator[Session]:
    """The demo organisation (admin, coord, member1..6, volunteer1..2; password doorstep-demo).

    data_dir already created the database from the demo template because this fixture is requested.
    """
    # Deferred transactions: a test's own session must not hold SQLite's write lock while the
    # code under test writes. Tests that write through it call commit() as usual.
    with Session(db.read_only_engine(), expire_on_commit=False) as s:
        yield s
