"""Exactly once with two senders on PostgreSQL (row claims with FOR UPDATE SKIP LOCKED); skipped without a server."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from core import config, db
from models import Channel, OutboxMessage, OutboxStatus
from services.notify import outbox as outbox_rows
from services.notify.sender import run_sender
from tests.helpers.notify import daytime
from tests.helpers.notify_fakes import FakeAliyunSms


@pytest.fixture
def pg_url(pg_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The app's settings pointed at that database, with an empty outbox."""
    with pg_engine.begin() as conn:
        conn.execute(text("DELETE FROM notifyoutbox"))
    url = pg_engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("DOORSTEP_DATABASE_URL", url)
    config.get_settings.cache_clear()
    db.reset_engine()
    yield url
    db.reset_engine()


def _queue(n: int) -> None:
    with db.session_scope() as s:
        for i in range(n):
            outbox_rows.enqueue(s, f"reminder-2h:signup:{i}", Channel.sms, "event.reminder_2h", f"139{i:08d}",
                                {"title": "义诊", "starts_at": ""})


def test_outbox_two_senders_on_postgres_send_each_message_once(pg_url: str, fake_sms: FakeAliyunSms) -> None:
    _queue(300)
    now = daytime()
    barrier = threading.Barrier(2)
    results: dict[str, dict[str, int]] = {}

    def sender(holder: str) -> None:
        barrier.wait()
        results[holder] = run_sender(now=now, holder=holder, batch=20, budget_s=120)

    threads = [threading.Thread(target=sender, args=(h,)) for h in ("instance-a", "instance-b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out_ids = Counter(a["out_id"] for a in fake_sms.accepted)
    assert len(out_ids) == 300 and max(out_ids.values()) == 1  # every message once, none twice
    with Session(db.get_engine()) as s:
        rows = s.exec(select(OutboxMessage)).all()
    assert {r.status for r in rows} == {OutboxStatus.sent}
    by_holder = Counter(r.lease_holder for r in rows)
    assert by_holder["instance-a"] > 0 and by_holder["instance-b"] > 0  # both really worked at once
    assert results["instance-a"]["sent"] + results["instance-b"]["sent"] == 300


def test_outbox_concurrent_claims_on_postgres_are_disjoint(pg_url: str) -> None:
    _queue(100)
    now = daytime()
    first = Session(db.get_engine(), expire_on_commit=False)
    second = Session(db.get_engine(), expire_on_commit=False)
    try:
        # The first claimer's row locks are held while the second picks: SKIP LOCKED passes them by.
        ids_a = list(first.exec(select(OutboxMessage.id).where(OutboxMessage.status == OutboxStatus.pending)
                                .order_by(OutboxMessage.next_attempt_at).limit(60)
                                .with_for_update(skip_locked=True)).all())
        claimed_b = outbox_rows.claim_batch(second, "instance-b", now, limit=100)
        first.rollback()
        claimed_a = outbox_rows.claim_batch(first, "instance-a", now, limit=100)
    finally:
        first.close()
        second.close()
    ids_b = {m.id for m in claimed_b}
    assert len(ids_b) == 40 and not ids_b & set(ids_a)
    assert {m.id for m in claimed_a} == set(ids_a)
