"""Callbacks (回访): the weekly sample of counted visits a coordinator phones the household about."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from models.common import utcnow


class CallbackOutcome(StrEnum):
    open = "open"  # not called yet, or not reached yet (fewer than the allowed tries)
    confirmed = "confirmed"  # the resident confirms the visit
    no_visit = "no_visit"  # the resident says there was no visit
    unreachable = "unreachable"  # not reached after the allowed tries: closed


class CallbackDraw(SQLModel, table=True):
    """One area's draw for one ISO week (organisation time zone): what was drawn from, and how.

    The seed and the share are kept so anyone can draw again from the same visits and get the same list.
    """

    __table_args__ = (UniqueConstraint("area_id", "week", name="uq_callbackdraw_area_week"),)

    id: int | None = Field(default=None, primary_key=True)
    area_id: int = Field(foreign_key="area.id", index=True)
    week: str = Field(max_length=8, index=True)  # ISO week, e.g. "2026-W48"
    week_start: datetime  # UTC instant of Monday 00:00 in the organisation's time zone
    week_end: datetime  # exclusive
    seed: str = Field(max_length=64)
    share: float
    visits_counted: int = 0  # counted visits of the week in the area (the pool before phones)
    skipped_without_phone: int = 0  # households left out because no phone number is recorded
    drawn: int = 0
    created_at: datetime = Field(default_factory=utcnow)


class Callback(SQLModel, table=True):
    """One visit to call the household about, and what the call found."""

    id: int | None = Field(default=None, primary_key=True)
    draw_id: int = Field(foreign_key="callbackdraw.id", index=True)
    visit_id: str = Field(foreign_key="visit.id", index=True)
    household_id: int = Field(foreign_key="household.id", index=True)
    member_id: int = Field(foreign_key="user.id", index=True)  # who made the visit
    area_id: int = Field(foreign_key="area.id", index=True)  # the household's area when drawn
    outcome: CallbackOutcome = Field(default=CallbackOutcome.open, index=True)
    tries: int = 0  # calls made without reaching anyone
    last_try_at: datetime | None = None
    # The household's satisfaction with the member who visited, 1 (poor) to 5 (very good), if given.
    satisfaction: int | None = None
    comment: str = ""
    closed_at: datetime | None = Field(default=None, index=True)
    closed_by_id: int | None = Field(default=None, foreign_key="user.id")
