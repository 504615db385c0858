"""Cursors for keyset pagination: a row's sort key as text for the URL, and back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Generic, TypeVar

Row = TypeVar("Row")
SEPARATOR = "~"


@dataclass
class Page(Generic[Row]):
    """One page of a list: its rows and the cursors of the pages around it (None: there is none)."""

    rows: list[Row] = field(default_factory=list)
    next_after: str | None = None  # cursor of the last row, if more rows follow
    previous_before: str | None = None  # cursor of the first row, if rows come before it


def encode(moment: datetime | None, key: str | int) -> str:
    """``moment`` may be None (households never visited sort first)."""
    stamp = "-" if moment is None else moment.astimezone(UTC).strftime("%Y%m%dT%H%M%S.%f")
    return f"{stamp}{SEPARATOR}{key}"


def decode(cursor: str | None) -> tuple[datetime | None, str] | None:
    """(moment or None, key) of a cursor; None when the text is not a cursor."""
    if not cursor or SEPARATOR not in cursor or len(cursor) > 100:
        return None
    stamp, key = cursor.split(SEPARATOR, 1)
    if not key:
        return None
    if stamp == "-":
        return None, key
    try:
        return datetime.strptime(stamp, "%Y%m%dT%H%M%S.%f").replace(tzinfo=UTC), key
    except ValueError:
        return None
