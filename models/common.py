"""Shared column helpers for the models, and the app's one clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from pydantic import BaseModel

# Database ids are INTEGER columns: 32 bits on PostgreSQL. An API that takes an id refuses bigger
# ones (they were a 500 there, found by fuzzing).
MAX_INT_ID = 2**31 - 1


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


def max_length(model: type[BaseModel], field: str) -> int:
    """The longest value a text field of ``model`` takes: forms set their ``maxlength`` from it."""
    for rule in model.model_fields[field].metadata:
        if getattr(rule, "max_length", None) is not None:
            return int(rule.max_length)
    raise ValueError(f"{model.__name__}.{field} has no max_length")
