"""Shared column helpers for the models, and the app's one clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime


def _system_clock() -> datetime:
    return datetime.now(UTC)


_clock: Callable[[], datetime] = _system_clock


def utcnow() -> datetime:
    """Aware UTC timestamp: SQLModel stores datetimes in UTC and returns them aware.

    Every "now" in the app comes from here, so a test can set the clock in one place.
    """
    return _clock()


def set_clock(clock: Callable[[], datetime] | None) -> None:
    """Replace the app's clock (tests: a fixed instant); None restores the system clock."""
    global _clock
    _clock = clock or _system_clock
