"""The retention job removes exactly what the policy says (fake clock); job leases across instances."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from core import config
from core.db import session_scope
from models import AuditEntry, Photo, Visit
from models.common import utcnow
from services.privacy import retention
from services.schedule import leases as jobs
from services.schedule.loop import run_due_jobs
from tests.helpers.security import days_ago, member_household, photo_files, visit_with_photos


def test_retention_deletes_photos_older_than_the_policy_and_nothing_else(demo: Session, data_dir: Path,
                                                                         monkeypatch) -> None:
    monkeypatch.setenv("DOORSTEP_PHOTO_RETENTION_DAYS", "365")
    config.get_settings.cache_clear()
    member, household = member_household(demo, "member1")
    old = visit_with_photos(member, household, [0, 1], visited_at=days_ago(300))
    edge = visit_with_photos(member, household, [2], visited_at=days_ago(200))
    new = visit_with_photos(member, household, [3], visited_at=days_ago(1))
    demo.rollback()
    kept_files = {k for p in demo.exec(select(Photo).where(Photo.visit_id != old.id)).all()
                  for k in (p.file_key, p.thumb_key)}
    # The fake clock: 100 days from now, the first visit is 400 days old, the second 300, the third 101.
    now = utcnow() + timedelta(days=100)
    calls = []
    retention.register_retention_hook("test.requests", lambda s, at, settings: calls.append(at) or 7)
    try:
        with session_scope() as s:
            results = retention.run_retention(s, now)
    finally:
        retention._HOOKS.pop("test.requests")
    demo.rollback()
    assert results == {"photos": 2, "closed_requests": 0, "notify.anonymise": 0, "test.requests": 7}
    assert calls == [now]
    counts = dict(demo.exec(select(Photo.visit_id, func.count(Photo.id)).group_by(Photo.visit_id)).all())
    assert old.id not in counts and counts[edge.id] == 1 and counts[new.id] == 1
    assert demo.get(Visit, old.id) is not None  # the visit itself stays; only its photos go
    assert set(photo_files(data_dir)) == kept_files
    entries = demo.exec(select(AuditEntry).where(AuditEntry.action.startswith("retention."))).all()
    assert {(e.action, e.record_id) for e in entries} == {
        ("retention.photos", "2"), ("retention.closed_requests", "0"), ("retention.notify.anonymise", "0"),
        ("retention.test.requests", "7")}
    # Run again at the same moment: nothing more to delete.
    with session_scope() as s:
        assert retention.run_retention(s, now)["photos"] == 0


def test_job_runs_once_per_interval_across_instances(demo: Session) -> None:
    now = utcnow()
    runs: list[str] = []
    day = timedelta(days=1)
    assert jobs.run_once_per_interval("nightly", day, lambda at: runs.append("a"), now, holder="instance-a")[0]
    # A second instance waking an hour later finds the lease taken.
    assert not jobs.run_once_per_interval("nightly", day, lambda at: runs.append("b"), now + timedelta(hours=1),
                                          holder="instance-b")[0]
    # After the interval, whichever wakes first runs it.
    assert jobs.run_once_per_interval("nightly", day, lambda at: runs.append("b"), now + day, holder="instance-b")[0]
    assert runs == ["a", "b"]


def test_a_failed_job_is_retried_sooner(demo: Session) -> None:
    now = utcnow()

    def boom(_at: object) -> None:
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        jobs.run_once_per_interval("flaky", timedelta(days=1), boom, now, retry_after=timedelta(hours=1))
    assert not jobs.run_once_per_interval("flaky", timedelta(days=1), lambda at: 1, now + timedelta(minutes=30))[0]
    assert jobs.run_once_per_interval("flaky", timedelta(days=1), lambda at: 1, now + timedelta(hours=1))[0]


def test_scheduler_runs_the_retention_job_daily(demo: Session) -> None:
    now = utcnow()
    assert run_due_jobs(now)["retention"] is True
    assert run_due_jobs(now + timedelta(hours=5))["retention"] is False
    assert run_due_jobs(now + timedelta(days=1, minutes=1))["retention"] is True
