"""Accounts, roles and sign-in attempts."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from models.common import utcnow


class Role(StrEnum):
    admin = "admin"
    coordinator = "coordinator"
    member = "member"
    volunteer = "volunteer"


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(index=True, unique=True)
    phone: str | None = Field(default=None, index=True, unique=True)
    name: str
    password_hash: str
    role: Role = Role.member
    area_id: int | None = Field(default=None, foreign_key="area.id", index=True)
    is_leader: bool = False
    leader_level: int = 1  # sets the yearly field-day quota (settings.field_day_quota_level1/2)
    active: bool = True
    must_change_password: bool = False
    language: str | None = None
    # Sessions started before this moment are no longer valid (deactivation, password change).
    sessions_valid_after: datetime = Field(default_factory=utcnow)
    created_at: datetime = Field(default_factory=utcnow)
    # Optional second factor (TOTP). The secret is never shown again after enrolment.
    totp_secret: str | None = None
    totp_enabled: bool = False
    totp_last_step: int | None = None  # the last accepted time step: a code works once


class LoginAttempt(SQLModel, table=True):
    """One sign-in attempt, kept for throttling and the audit trail."""

    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(index=True)
    user_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    success: bool
    at: datetime = Field(default_factory=utcnow, index=True)
