"""The in-process scheduler: daily jobs, safe with several instances (services.schedule.leases leases).

Plain asyncio, no NiceGUI: app.py starts ``scheduler_loop`` as a background task at start-up.
Every instance wakes each minute; the lease lets only one of them run a job per interval.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from services.callbacks.draw import weekly_callback_job
from services.events.attendance import attendance_job
from services.notify.jobs import NOTIFY_JOBS
from services.photos.guard.orphans import orphan_sweep_job, sweep_orphans
from services.privacy.session_files import sweep_session_files
from services.rollups.rebuild import rollups_job
from services.schedule.leases import retention_job, run_once_per_interval

log = logging.getLogger(__name__)
START_DELAY_S = 300.0  # let the app settle after a (re)start before the first job
WAKE_EVERY_S = 60.0  # each job still runs once per its own interval (its lease)

# (lease name, interval, job): jobs receive the current UTC time.
JOBS: list[tuple[str, timedelta, Callable[[datetime], Any]]] = [
    ("retention", timedelta(days=1), retention_job),
    ("orphan-photo-files", timedelta(days=1), orphan_sweep_job),
    # Daily, but it draws last week only once: the first run in a new week (organisation time zone).
    ("callback_draw", timedelta(days=1), weekly_callback_job),
    *NOTIFY_JOBS,
    ("rollups", timedelta(days=1), rollups_job),  # drift check, rebuild when anything drifted
    # Ended events: open check-ins end with the event, absentees become no-shows (pages only read).
    ("attendance", timedelta(hours=1), attendance_job),
]
# Jobs on each instance's own files (no lease: every instance runs them), at most once a day.
LOCAL_JOBS: list[tuple[str, timedelta, Callable[[], Any]]] = [
    ("session-files", timedelta(days=1), sweep_session_files),
]
_local_last_run: dict[str, datetime] = {}


def run_due_jobs(now: datetime | None = None) -> dict[str, bool]:
    """Run each job whose interval has passed (on this instance if it wins the lease)."""
    ran = {}
    for name, interval, job in JOBS:
        try:
            ran[name], _result = run_once_per_interval(name, interval, job, now)
        except Exception:
            log.exception("scheduled job %s failed", name)
            ran[name] = False
    when = now or datetime.now(UTC)
    for name, interval, local_job in LOCAL_JOBS:
        last = _local_last_run.get(name)
        ran[name] = last is None or when - last >= interval
        if ran[name]:
            _local_last_run[name] = when
            try:
                local_job()
            except Exception:
                log.exception("scheduled job %s failed", name)
    return ran


def sweep_at_start() -> None:
    """Files a crash (kill -9, power loss) left between a photo landing and its commit."""
    try:
        sweep_orphans()
    except Exception as exc:  # the app must start even if the bucket or folder is unreachable now
        log.warning("start-up sweep of orphan photo files failed: %s", exc)


async def sweep_at_start_in_background() -> None:
    """Started by app.py on every start, whether or not this instance runs the daily jobs."""
    await asyncio.to_thread(sweep_at_start)


async def scheduler_loop(start_delay: float = START_DELAY_S, wake_every: float = WAKE_EVERY_S) -> None:
    await asyncio.sleep(start_delay)
    while True:
        await asyncio.to_thread(run_due_jobs)
        await asyncio.sleep(wake_every)
