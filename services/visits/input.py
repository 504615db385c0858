"""A submitted visit: its fields and the checks every save and correction applies to them."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import AwareDatetime, ValidationError
from sqlmodel import Field

from core.config import get_settings
from core.i18n import N_, format_date
from models import Household, LocationSource
from models.common import max_length
from models.visits import VisitBase
from services.errors import InvalidInput

TEXT_FIELDS = ("notes", "needs_raised", "help_given")


class VisitSubmission(VisitBase):
    """A visit as the form or a phone submits it: its fields, and what a door-card scan read."""

    door_card_code: str | None = Field(default=None, max_length=200,
                                       description="What the phone read from the household's door card, if scanned")


class VisitInput(VisitSubmission):
    """What the services store: the visit with its client-made id. The door card code is checked, never stored."""

    id: str
    visited_at: AwareDatetime | None = None  # None means now


def visit_input(**values: Any) -> VisitInput:
    """A VisitInput from what a form holds; a text longer than the model takes is the user's message."""
    try:
        return VisitInput(**values)
    except ValidationError as exc:
        for error in exc.errors():
            if error["type"] == "string_too_long" and error["loc"][0] in TEXT_FIELDS:
                raise InvalidInput(N_("A text field is longer than {n} characters."),
                                   n=error["ctx"]["max_length"]) from exc
        raise


def check_visit_input(data: VisitInput, household: Household, photo_count: int, now: datetime) -> VisitInput:
    """The submitted visit validated and normalised (time, location by its source); InvalidInput if wrong."""
    try:
        uuid.UUID(data.id)
    except ValueError as exc:
        raise InvalidInput(N_("The visit id is not valid.")) from exc
    visited_at = data.visited_at or now
    if visited_at > now + timedelta(minutes=10):
        raise InvalidInput(N_("The visit time is in the future."))
    if visited_at < now - timedelta(days=366):
        raise InvalidInput(N_("The visit time is more than a year ago."))
    tz = ZoneInfo(get_settings().time_zone)
    registered = household.created_at
    if registered is not None and visited_at.astimezone(tz).date() < registered.astimezone(tz).date():
        raise InvalidInput(N_("The visit time is before the household was registered ({date})."),
                           date=format_date(household.created_at, get_settings().time_zone))
    for field in TEXT_FIELDS:  # a copy made with model_copy(update=...) was not validated
        if len(getattr(data, field)) > max_length(VisitBase, field):
            raise InvalidInput(N_("A text field is longer than {n} characters."), n=max_length(VisitBase, field))
    if photo_count and not data.photo_consent:
        raise InvalidInput(N_("Photos need the resident's consent. Tick consent or remove the photos."))
    if photo_count > get_settings().max_photos_per_visit:
        raise InvalidInput(N_("At most {n} photos per visit."), n=get_settings().max_photos_per_visit)
    lat, lng, accuracy = _location(data, household)
    # A phone's clock is its own: the queue time is kept between the visit and the arrival.
    queued = min(max(data.queued_at, visited_at), now) if data.queued_at else None
    return data.model_copy(update={"visited_at": visited_at, "lat": lat, "lng": lng, "accuracy_m": accuracy,
                                   "queued_at": queued})


def _location(data: VisitInput, household: Household) -> tuple[float | None, float | None, float | None]:
    """Latitude, longitude and accuracy as the location's source says; InvalidInput if they cannot be."""
    source, lat, lng = data.location_source, data.lat, data.lng
    if source == LocationSource.address:
        lat, lng = household.lat, household.lng
        if lat is None:
            raise InvalidInput(N_("This household has no registered location. Drop a pin instead."))
    if source in (LocationSource.gps, LocationSource.pin):
        if lat is None or lng is None or not (-90 <= lat <= 90 and -180 <= lng <= 180):
            raise InvalidInput(N_("The location is missing or out of range."))
    if source == LocationSource.none:
        lat = lng = None
    return lat, lng, data.accuracy_m if source == LocationSource.gps else None
