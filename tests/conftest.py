"""Test set-up: every test gets its own data folder with a migrated database and a fresh engine."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session

from core import config, db

_TEMPLATES: dict[str, Path] = {}


def _template(tmp_path_factory: pytest.TempPathFactory, with_demo: bool = False) -> Path:
    """Migrate (and seed) once per test session; each test copies the resulting file."""
    name = "demo" if with_demo else "empty"
    if name not in _TEMPLATES:
        folder = tmp_path_factory.mktemp(f"template-{name}")
        url = f"sqlite:///{folder / 'doorstep.db'}"
        db.upgrade_schema(url)
        if with_demo:
            from services.demo import seed_demo

            engine = db.make_engine(url)
            with Session(engine) as s:
                seed_demo(s)
                s.commit()
            engine.dispose()
        _TEMPLATES[name] = folder / "doorstep.db"
    return _TEMPLATES[name]


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory,
             monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(_template(tmp_path_factory), folder / "doorstep.db")
    monkeypatch.setenv("DOORSTEP_DATA_DIR", str(folder))
    monkeypatch.setenv("DOORSTEP_SECRET_KEY", "test-secret")
    monkeypatch.setenv("DOORSTEP_DEFAULT_LANGUAGE", "en")
    monkeypatch.setenv("DOORSTEP_TILE_URL", "/static/tiles/blank.png")
    monkeypatch.delenv("DOORSTEP_DEMO", raising=False)
    config.get_settings.cache_clear()
    db.reset_engine()
    _reset_optional_caches()
    yield folder
    db.reset_engine()
    config.get_settings.cache_clear()
    _reset_optional_caches()


def _reset_optional_caches() -> None:
    try:
        from services.photo_store import reset_photo_store
    except ImportError:
        return
    reset_photo_store()


@pytest.fixture
def session() -> Iterator[Session]:
    with Session(db.get_engine(), expire_on_commit=False) as s:
        yield s


@pytest.fixture
def demo(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    """The demo organisation (admin, coord, member1..6, volunteer1..2; password doorstep-demo)."""
    db.reset_engine()
    shutil.copy(_template(tmp_path_factory, with_demo=True), data_dir / "doorstep.db")
    with Session(db.get_engine(), expire_on_commit=False) as s:
        yield s
