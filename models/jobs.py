"""Leases that let one of several app instances run a scheduled job."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel


class JobLease(SQLModel, table=True):
    """A job runs only where its lease was taken; the lease runs out at expires_at."""

    name: str = Field(primary_key=True, max_length=64)
    holder: str = ""
    expires_at: datetime
