"""The in-process scheduler: daily jobs, safe with several instances (services.jobs leases).

Plain asyncio, no NiceGUI: app.py starts ``scheduler_loop`` as a background task at start-up.
Every instance wakes hourly; the lease lets only one of them run a job per interval.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from services.jobs import retention_job, run_once_per_interval
from services.rollups.rebuild import rollups_job

log = logging.getLogger(__name__)
START_DELAY_S = 300.0  # let the app settle after a (re)start before the first job
WAKE_EVERY_S = 3600.0

# (lease name, interval, job): jobs receive the current UTC time.
JOBS: list[tuple[str, timedelta, Callable[[datetime], Any]]] = [
    ("retention", timedelta(days=1), retention_job),
    ("rollups", timedelta(days=1), rollups_job),  # drift check, rebuild when anything drifted
]


def run_due_jobs(now: datetime | None = None) -> dict[str, bool]:
    """Run each job whose interval has passed (on this instance if it wins the lease)."""
    ran = {}
    for name, interval, job in JOBS:
        try:
            ran[name], _result = run_once_per_interval(name, interval, job, now)
        except Exception:
            log.exception("scheduled job %s failed", name)
            ran[name] = False
    return ran


async def scheduler_loop(start_delay: float = START_DELAY_S, wake_every: float = WAKE_EVERY_S) -> None:
    await asyncio.sleep(start_delay)
    while True:
        await asyncio.to_thread(run_due_jobs)
        await asyncio.sleep(wake_every)
