"""The stored visit as a reloaded form shows it: "saved at HH:MM", and what the member can do next."""

from __future__ import annotations

import uuid
from datetime import datetime

from nicegui import ui

from core.config import get_settings
from core.i18n import _, format_datetime, to_local
from models import Household
from pages.visits.saving.drafts import forget_draft
from services.visits.corrections import StoredVisit


def saved_at_text(saved_at: datetime, tz: str) -> str:
    """ "Visit saved at 14:05." today, with the date on another day (organisation's time zone)."""
    local = to_local(saved_at, tz)
    if local.date() == to_local(datetime.now(local.tzinfo), tz).date():
        return _("Visit saved at {time}.").format(time=local.strftime("%H:%M"))
    return _("Visit saved on {date}.").format(date=format_datetime(saved_at, tz))


def saved_visit_view(stored: StoredVisit, household: Household, unsaved_changes: bool, photos_missing: int) -> None:
    visit, tz = stored.visit, get_settings().time_zone
    base = f"/households/{household.id}"
    with ui.card().classes("ds-card").mark("visit-saved-state"):
        ui.label(saved_at_text(stored.saved_at, tz)).classes("text-lg font-medium text-positive").mark("saved-at")
        if stored.corrected_at is not None:
            ui.label(_("Corrected: {when}").format(when=format_datetime(stored.corrected_at, tz))).classes(
                "text-sm").mark("corrected-at")
        ui.label(household.head_name).classes("font-medium")
        ui.label(_("Visited: {when}").format(when=format_datetime(visit.visited_at, tz))).classes("text-sm")
        for label, text in ((_("Notes"), visit.notes), (_("Needs raised"), visit.needs_raised),
                            (_("Help given"), visit.help_given)):
            if text:
                ui.label(f"{label}: {text}").classes("text-sm whitespace-pre-wrap")
        if stored.photo_count:
            ui.label(_("Photos stored: {n}").format(n=stored.photo_count)).classes("text-sm")
    if unsaved_changes:
        ui.label(_("Changes typed after this visit was saved are not stored yet. "
                   "Correct the visit to keep them.")).classes("text-warning font-medium").mark("unsaved-changes")
    if photos_missing:
        ui.label(_("Photos picked before the page was reloaded were not stored ({n}). "
                   "Correct the visit to add them again.").format(n=photos_missing)).classes(
            "text-warning font-medium").mark("photos-lost")
    with ui.column().classes("w-full gap-2"):
        if stored.editable:
            ui.button(_("Correct this visit"), icon="edit",
                      on_click=lambda: ui.navigate.to(f"{base}/visit?visit={visit.id}&edit=1")).classes(
                "w-full").props("size=lg").mark("correct-visit")
            ui.label(_("You can correct it until {when}.").format(
                when=format_datetime(stored.editable_until, tz))).classes("text-xs text-gray-600")
        else:
            ui.label(_("The time for corrections ({hours} hours after saving) is over.").format(
                hours=f"{get_settings().visit_edit_hours:g}")).classes("text-sm text-gray-600")
        ui.button(_("Back to the household"), icon="arrow_back",
                  on_click=lambda: ui.navigate.to(base)).classes("w-full").props("outline")

        def another() -> None:
            forget_draft(visit.id)
            ui.navigate.to(f"{base}/visit?visit={uuid.uuid4()}")

        ui.button(_("Log another visit"), icon="add_task", on_click=another).classes("w-full").props(
            "outline").mark("log-another")
