"""Door cards: a printed QR card per household whose secret proves a member stood at the door."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from models.common import utcnow


class DoorCard(SQLModel, table=True):
    """One printed card. Only a hash of its secret is kept: the secret exists on paper only."""

    id: int | None = Field(default=None, primary_key=True)
    household_id: int = Field(foreign_key="household.id", index=True)
    secret_sha256: str = Field(max_length=64)
    printed_by: int | None = None  # a user id (no foreign key: like audit actor ids)
    printed_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = Field(default=None, index=True)
    revoked_by: int | None = None
