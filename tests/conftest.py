"""Test set-up: every test gets its own data folder with a migrated database and a fresh engine."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session

from core import config, db
from tests.helpers.databases import SERVER_URL, PostgresDatabases, SqliteDatabases

# Fixtures shared by several feature folders.
pytest_plugins = ["tests.helpers.api", "tests.helpers.postgres", "tests.helpers.s3"]

# Cheap Argon2 for the in-process tests (the demo templates, every sign-in): production's
# parameters cost ~0.15 s of CPU per hash, a fifth of the fast pass. The browser tests' app
# processes get none of the DOORSTEP_ variables, so they hash as production does, and
# tests/accounts/test_passwords.py checks the production defaults.
os.environ.update({"DOORSTEP_ARGON2_TIME_COST": "1", "DOORSTEP_ARGON2_MEMORY_KIB": "1024",
                   "DOORSTEP_ARGON2_PARALLELISM": "1"})


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
    from services.rate_limits import counting as rate_limit

    rate_limit.reset_all()  # in-memory counters: every test starts with none used
    try:
        from services.photos.store import reset_photo_store
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


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests: one file after another on each xdist worker (``--dist loadgroup``).

    Their files are dealt out over as many groups as there are workers, so that each worker runs
    one app and one Chromium at a time, and a file's tests share its module-scoped live server.
    The other tests are spread one by one.
    """
    workers = max(1, int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")))
    files: dict[str, int] = {}
    for item in items:
        if item.get_closest_marker("e2e"):
            index = files.setdefault(item.nodeid.split("::")[0], len(files))
            item.add_marker(pytest.mark.xdist_group(f"browser-{index % workers}"))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Keep what earlier tests left alive out of the garbage collector's way.

    NiceGUI's user fixture runs gc.collect() twice per test, and each call walks every object
    in the heap: with all the libraries the suite imports, and the caches the earlier tests
    filled, that was ~0.6 s a call and about half of the suite's time. Collect once, then
    freeze the survivors (gc.freeze): the fixture's collections see only this test's objects.
    """
    gc.collect()
    gc.freeze()


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    """Let the page modules of the test that ended be collected.

    NiceGUI re-imports the pages for every test; FastAPI's caches of which callables are
    coroutines or generators (lru_cache, 4096 entries) would keep every old copy, and the whole
    module it belongs to, alive: the heap then grew with each test and so did each gc.collect().
    """
    from fastapi.dependencies import models

    for name in ("_is_gen_callable_cached", "_is_async_gen_callable_cached", "_is_coroutine_callable_cached"):
        cache = getattr(models, name, None)
        if cache is not None:
            cache.cache_clear()


@pytest.fixture(autouse=True, scope="session")
def _registries() -> None:
    """Fill the registries as app.py does at start-up (imported here, after the settings above)."""
    from services.registries import assemble

    assemble()
