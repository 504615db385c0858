"""The map's layer registry: what a layer is, the filters every layer takes, and the registered layers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from core.config import get_settings
from core.i18n import N_
from models import User
from models.common import utcnow

BBox = tuple[float, float, float, float]  # west, south, east, north (WGS-84 degrees)
WORLD: BBox = (-180.0, -90.0, 180.0, 90.0)

@dataclass
class MapFilters:
    area_id: int | None = None  # this area and everything below it
    member_id: int | None = None
    date_from: datetime | None = None  # aware, inclusive (visits)
    date_to: datetime | None = None  # aware, exclusive (visits)
    need_id: int | None = None  # household has this category of need
    verified_only: bool = False  # visits verified at the household
    now: datetime | None = None
    interval_days: int | None = None  # target visit interval; None: the organisation's setting

    def effective_now(self) -> datetime:
        return self.now or utcnow()

    def effective_interval(self) -> int:
        return self.interval_days or get_settings().visit_interval_days


Layer = Callable[[Session, User, BBox, int, MapFilters], list[dict]]
LAYERS: dict[str, Layer] = {}
LAYER_LABELS = {
    "households": N_("Households"), "visits": N_("Visits"),
    "requests": N_("Open requests"), "service_points": N_("Service points"),
}


def register_layer(name: str, layer: Layer) -> None:
    LAYERS[name] = layer


def available_layers() -> list[str]:
    return list(LAYERS)


