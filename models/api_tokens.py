"""Bearer tokens for the JSON API (the offline page); only a hash of each token is stored."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from models.common import utcnow


class ApiToken(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    token_hash: str = Field(index=True, unique=True, max_length=64)  # sha256 hex of the raw token
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime = Field(index=True)
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None
