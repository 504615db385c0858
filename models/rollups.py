"""Rollups: visit and household counts kept per area, member, map grid cell and period (services/rollups)."""

from __future__ import annotations

from sqlalchemy import Index
from sqlmodel import Field, SQLModel


class VisitRollup(SQLModel, table=True):
    """Visits summed under one key: what (``kind``), when (a month or a day), where, whose, how reviewed.

    ``kind`` is "area" (per household area), "member" (per member and household area) or "cellN"
    (per map grid cell of level N and household area); ``unit`` is "M" (``period`` YYYYMM) or
    "D" (YYYYMMDD), both in the organisation's time zone. Keys that a kind does not use are 0.
    ``status``: 0 counted, 1 pending review, 2 rejected (services.visits.review.counting).
    """

    __table_args__ = (Index("ix_visitrollup_cells", "kind", "unit", "cy", "cx", "period"),)

    kind: str = Field(primary_key=True, max_length=8)
    unit: str = Field(primary_key=True, max_length=1)
    period: int = Field(primary_key=True)
    area_id: int = Field(primary_key=True)
    member_id: int = Field(primary_key=True)
    cy: int = Field(primary_key=True)
    cx: int = Field(primary_key=True)
    verified: bool = Field(primary_key=True)
    status: int = Field(primary_key=True)
    n: int = 0
    photos: int = 0
    lat_sum: float = 0.0
    lng_sum: float = 0.0


class HouseholdRollup(SQLModel, table=True):
    """Households summed by area, map grid cell (``level`` 0: the area alone, every household) and the
    organisation-local day of their last counted visit (``last_day`` YYYYMMDD, 0: never visited),
    so that "overdue on a given day" is a sum over days, whatever the day."""

    level: int = Field(primary_key=True)
    cy: int = Field(primary_key=True)
    cx: int = Field(primary_key=True)
    area_id: int = Field(primary_key=True)
    last_day: int = Field(primary_key=True)
    n: int = 0
    lat_sum: float = 0.0
    lng_sum: float = 0.0
