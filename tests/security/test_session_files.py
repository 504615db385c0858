"""Session files: none for anonymous requests, old ones swept daily, kept private under DOORSTEP_DATA_DIR."""

from __future__ import annotations

import asyncio
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from nicegui import app, background_tasks
from nicegui.storage import Storage
from nicegui.testing import User as TestUser
from sqlmodel import Session

from core import config
from services.privacy.session_files import sweep_session_files
from tests.helpers import sign_in

ROOT = Path(__file__).resolve().parents[2]
ANONYMOUS_PATHS = ["/health", "/login", "/register", "/public/board", "/manifest.webmanifest", "/sw.js"]


async def wait_for_storage_writes() -> None:
    for _ in range(100):
        if not background_tasks.lazy_tasks_running:
            return
        await asyncio.sleep(0.05)


async def test_session_file_is_not_written_for_cookieless_requests(
        user: TestUser, demo: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "sessions"  # NiceGUI's teardown removes it (Storage.clear)
    monkeypatch.setattr(Storage, "path", folder)
    before = set(app.storage._users)
    for _ in range(10):
        for path in ANONYMOUS_PATHS:
            async with httpx.AsyncClient(transport=user.http_client._transport,
                                         base_url="http://test") as browser:
                response = await browser.get(path, headers={"Accept-Language": "en-GB"})
                assert response.status_code == 200, path
    await wait_for_storage_writes()
    created = [app.storage._users[i] for i in set(app.storage._users) - before]
    assert [dict(s) for s in created if len(s)] == []
    assert list(folder.glob("storage-user-*.json")) == []
    # A browser that signs in does get its session file.
    await sign_in(user, "member1")
    await wait_for_storage_writes()
    assert list(folder.glob("storage-user-*.json"))


def test_session_file_sweep_removes_files_older_than_a_session(data_dir: Path) -> None:
    folder = data_dir / "sessions"
    folder.mkdir()
    max_age = config.get_settings().session_max_hours * 3600
    old, fresh, general = (folder / "storage-user-old.json", folder / "storage-user-new.json",
                           folder / "storage-general.json")
    for path in (old, fresh, general):
        path.write_text('{"lang": "en"}')
    os.utime(old, (time.time() - max_age - 60,) * 2)
    os.utime(general, (time.time() - max_age - 60,) * 2)
    assert sweep_session_files() == 1
    assert not old.exists() and fresh.exists() and general.exists()


def test_session_file_folder_is_private_and_under_the_data_dir(tmp_path: Path) -> None:
    """As `python app.py` starts: NiceGUI's storage path is chosen before NiceGUI is imported."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NICEGUI", "DOORSTEP", "PYTEST"))}
    env["DOORSTEP_DATA_DIR"] = str(tmp_path / "data")
    script = ("import os, app; from nicegui.storage import Storage; "
              "m = os.umask(0); print(Storage.path); print(oct(m))")
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120, check=True).stdout.split()
    folder = Path(out[0])
    assert folder == (tmp_path / "data" / "sessions").resolve()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert out[1] == "0o77"  # files the app creates are the owner's only (0600)
