"""Visit drafts in the browser session's storage, keyed by the visit's client-made id."""

from __future__ import annotations

import uuid
from zoneinfo import ZoneInfo

from nicegui import app

from core.i18n import to_local
from models import LocationSource, Visit

# Values the form keeps in a draft; the rest of a draft is bookkeeping.
DRAFT_VALUES = ("date", "time", "notes", "needs_raised", "help_given", "photo_consent", "location")


def _drafts() -> dict:
    return app.storage.user.setdefault("visit_drafts", {})


def valid_visit_id(value: str) -> bool:
    try:
        return str(uuid.UUID(value)) == value.lower()
    except (ValueError, AttributeError, TypeError):
        return False


def draft_id_for(household_id: int) -> str:
    """The id of this household's unsaved draft in this browser, or a new one."""
    for key, draft in _drafts().items():
        if draft.get("household_id") == household_id and valid_visit_id(key):
            return key
        if key == str(household_id) and valid_visit_id(str(draft.get("id", ""))):  # drafts kept before ids were keys
            return str(draft["id"])
    return str(uuid.uuid4())


def load_draft(visit_id: str, household_id: int) -> dict:
    draft = _drafts().get(visit_id)
    if draft is None:
        old = _drafts().get(str(household_id))
        draft = old if old is not None and old.get("id") == visit_id else {}
    return dict(draft)


def store_draft(visit_id: str, household_id: int, draft: dict) -> None:
    _drafts().pop(str(household_id), None)
    _drafts()[visit_id] = {**draft, "household_id": household_id}
    app.storage.user.update()  # mark the storage dirty so the draft is persisted


def draft_values(draft: dict) -> dict:
    return {k: draft.get(k) for k in DRAFT_VALUES}


def forget_draft(visit_id: str, saved: dict | None = None) -> None:
    """Drop the draft once stored; with ``saved`` only while it still holds those values.

    A form reloaded during the save shares the draft: what was typed there after the save
    started must outlive the first save's clean-up.
    """
    draft = _drafts().get(visit_id)
    if draft is None:
        return
    if saved is None or draft_values(dict(draft)) == draft_values(saved):
        _drafts().pop(visit_id, None)
        app.storage.user.update()


def stored_values(visit: Visit, tz: ZoneInfo) -> dict:
    """A stored visit in the draft's terms, to start a correction or to compare a draft with."""
    local = to_local(visit.visited_at, str(tz))
    location = {} if visit.location_source == LocationSource.none else {
        "source": visit.location_source.value, "lat": visit.lat, "lng": visit.lng, "accuracy": visit.accuracy_m}
    return {"date": local.strftime("%Y-%m-%d"), "time": local.strftime("%H:%M"), "notes": visit.notes,
            "needs_raised": visit.needs_raised, "help_given": visit.help_given,
            "photo_consent": visit.photo_consent, "location": location}
