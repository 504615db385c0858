"""Shared column helpers for the models."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Aware UTC timestamp: SQLModel stores datetimes in UTC and returns them aware."""
    return datetime.now(UTC)
