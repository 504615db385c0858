"""Shared column helpers for the models."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Naive UTC timestamp: every datetime column holds UTC without tzinfo."""
    return datetime.now(UTC).replace(tzinfo=None)
