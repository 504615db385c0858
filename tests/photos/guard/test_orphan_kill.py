"""kill -9 of a real server at the moment a photo file is renamed into place, before its row commits:
the file is left behind, and the next start sweeps it (issue 16, item 3)."""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import threading
import time
import uuid
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session, select

from core.db import session_scope
from models import Photo
from models.common import utcnow
from services.accounts.api_tokens import issue_token
from tests.e2e.live_app import running_app_process
from tests.helpers.photos import photo_bytes
from tests.helpers.security import member_household

pytestmark = pytest.mark.e2e  # starts the real app twice


def _wait_for(condition, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def _photo_files(photo_dir: Path) -> set[Path]:
    return {p for p in photo_dir.glob("*/*") if p.is_file()} if photo_dir.exists() else set()


def test_orphan_left_by_kill_9_at_the_rename_is_swept_at_the_next_start(demo: Session, data_dir: Path) -> None:
    member, household = member_household(demo, "member1")
    with session_scope() as s:
        token = issue_token(s, s.merge(member)).raw
    photo_dir = data_dir / "photos"
    landed = data_dir.parent / "photo-landed"
    photo = photo_bytes(5)
    sha = hashlib.sha256(photo).hexdigest()
    visit_id = str(uuid.uuid4())
    auth = {"Authorization": f"Bearer {token}"}

    with running_app_process(data_dir, DOORSTEP_TEST_HOLD_AFTER_PHOTO_RENAME=str(landed)) as app:
        visit = {"household_id": household.id, "visited_at": utcnow().isoformat(),
                 "location_source": "address", "photo_consent": True, "photos": [sha]}
        answer = httpx.put(f"{app.url}/api/v1/visits/{visit_id}", json=visit, headers=auth, timeout=30)
        assert answer.status_code == 200, answer.text
        before = _photo_files(photo_dir)

        def send_photo() -> None:
            with contextlib.suppress(httpx.HTTPError):  # the server dies mid-request
                httpx.put(f"{app.url}/api/v1/visits/{visit_id}/photos/{sha}", content=photo,
                          headers={**auth, "Content-Type": "image/jpeg"}, timeout=60)

        sender = threading.Thread(target=send_photo, daemon=True)
        sender.start()
        assert _wait_for(landed.exists), "the photo never landed"
        os.kill(app.process.pid, signal.SIGKILL)
        app.process.wait(timeout=10)

    left = _photo_files(photo_dir) - before
    assert len(left) == 1, left  # the full-size photo landed under its name; its row never committed
    demo.rollback()
    assert demo.exec(select(Photo).where(Photo.visit_id == visit_id)).all() == []
    stale_temp = next(iter(left)).parent / ".upload-crashed.tmp"  # as a kill during a write leaves
    stale_temp.write_bytes(b"half a photo")
    then = time.time() - 3600
    os.utime(stale_temp, (then, then))

    time.sleep(1.1)  # older than the longest transaction below
    with running_app_process(data_dir, DOORSTEP_LONGEST_TRANSACTION_SECONDS="1", DOORSTEP_SCHEDULED_JOBS="false"):
        assert _wait_for(lambda: not any(p.exists() for p in left) and not stale_temp.exists(), 30), \
            "the start-up sweep left the orphan behind"
        assert before <= _photo_files(photo_dir)
