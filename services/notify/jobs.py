"""The notification jobs the scheduler runs (services/schedule/loop.py), each under its database lease."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from services.notify.digests import digest_job
from services.notify.scans import scan_job
from services.notify.sender import sender_job

# (lease name, interval, job): the sender every minute, reminders and overdue every 5, digests hourly.
NOTIFY_JOBS: list[tuple[str, timedelta, Callable[[datetime], Any]]] = [
    ("notify.scan", timedelta(minutes=5), scan_job),
    ("notify.digests", timedelta(hours=1), digest_job),
    ("notify.send", timedelta(minutes=1), sender_job),
]
