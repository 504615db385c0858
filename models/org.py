"""The organisation, its area tree and its editable lists."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from models.common import utcnow


class Organisation(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str
    created_at: datetime = Field(default_factory=utcnow)


class Area(SQLModel, table=True):
    """A node of the area tree (street office > community > grid)."""

    id: int | None = Field(default=None, primary_key=True)
    name: str
    kind: str = "community"  # street_office, community, grid: free text for display
    parent_id: int | None = Field(default=None, foreign_key="area.id", index=True)
    # Materialised path of ids, e.g. "/1/4/9/": a subtree is one LIKE prefix query.
    path: str = Field(default="/", index=True)
    # Door cards are used in this area and everything below it (see services/door_cards).
    door_cards: bool = False


class NeedCategory(SQLModel, table=True):
    """Editable list of kinds of help a household needs."""

    id: int | None = Field(default=None, primary_key=True)
    name_en: str
    name_zh: str
    active: bool = True
