"""Two app instances on one PostgreSQL database and one Redis: a member signs in and records a
visit through instance 1; the coordinator's session, begun on instance 1, reads it on instance 2."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.e2e.flows import log_visit, sign_in, watch_console
from tests.e2e.live_app import PHONE, running_app, screenshot_path

pytestmark = pytest.mark.e2e

PG_SERVER = os.environ.get("DOORSTEP_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("DOORSTEP_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def shared_database() -> Iterator[str]:
    try:
        admin = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        pytest.skip(f"PostgreSQL not reachable at {PG_SERVER}: {exc}")
    try:
        import redis

        redis.Redis.from_url(REDIS_URL).ping()
    except Exception as exc:
        pytest.skip(f"Redis not reachable at {REDIS_URL}: {exc}")
    name = f"doorstep_two_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(PG_SERVER).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()




async def test_visit_recorded_on_one_instance_is_read_on_the_other(
    async_browser: Browser, tmp_path: Path, shared_database: str
) -> None:
    shared = {"DOORSTEP_DATABASE_URL": shared_database, "NICEGUI_REDIS_URL": REDIS_URL,
              "NICEGUI_REDIS_KEY_PREFIX": f"doorstep-test-{uuid.uuid4().hex[:8]}:",
              "DOORSTEP_SECRET_KEY": "shared-secret-for-both-instances"}
    errors: list[str] = []
    # Photos are shared too, as with DOORSTEP_PHOTO_BACKEND=s3 in production (the demo visits have photos).
    (tmp_path / "one" / "photos").mkdir(parents=True)
    (tmp_path / "two").mkdir()
    (tmp_path / "two" / "photos").symlink_to(tmp_path / "one" / "photos")
    with running_app(tmp_path / "one", **shared) as one, running_app(tmp_path / "two", DOORSTEP_DEMO="0",
                                                                       **shared) as two:
        member = await async_browser.new_context(**PHONE, locale="en-GB", permissions=["geolocation"])
        page = await member.new_page()
        watch_console(page, errors)
        await sign_in(page, one, "member2")
        await log_visit(member, page, one, "Recorded through instance one", photos=[])

        coordinator = await async_browser.new_context(**PHONE, locale="en-GB")
        cpage = await coordinator.new_page()
        watch_console(cpage, errors)
        await sign_in(cpage, one, "coord")
        # Same browser session, other instance: the session lives in Redis, the visit in PostgreSQL.
        await cpage.goto(two + "/visits")
        await cpage.get_by_text("Recorded through instance one").wait_for(timeout=15000)
        await cpage.screenshot(path=screenshot_path("two-instances-coordinator-on-instance-two"))
        health = await cpage.request.get(two + "/health")
        assert health.ok and (await health.json())["database"] is True
    assert errors == []
