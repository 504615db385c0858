"""Append-only audit trail: who did what to which record, never the content."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from models.common import utcnow


class AuditEntry(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor_id: int | None = Field(default=None, index=True)
    action: str = Field(index=True)  # e.g. household.read, login.failure, user.update
    record_type: str = ""
    record_id: str = ""
    outcome: str = "ok"
