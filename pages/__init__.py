"""NiceGUI pages, one module per screen (or feature package); ``register`` adds them all to the app."""

from __future__ import annotations

import importlib

from fastapi import FastAPI

# Each module declares its routes with ``@ui.page`` when it is imported.
PAGE_MODULES = (
    "pages.admin_areas",
    "pages.admin_audit",
    "pages.admin_household_import",
    "pages.admin_households",
    "pages.admin_needs",
    "pages.admin_users",
    "pages.annual_record",
    "pages.callbacks.lists",
    "pages.commitments",
    "pages.coverage",
    "pages.door_cards.areas_page",
    "pages.door_cards.card_page",
    "pages.events",
    "pages.events_admin.editing",
    "pages.events_admin.hours",
    "pages.events_admin.roster",
    "pages.events_admin.volunteers",
    "pages.field_days",
    "pages.home",
    "pages.household_privacy",
    "pages.households",
    "pages.login",
    "pages.map",
    "pages.my_activities",
    "pages.notify.opt_out",
    "pages.notify.outbox",
    "pages.profile",
    "pages.public_board",
    "pages.public_requests",
    "pages.registration",
    "pages.requests",
    "pages.requests_dashboard",
    "pages.service_points",
    "pages.service_posts",
    "pages.two_factor",
    "pages.visit_form",
    "pages.visit_review.queue",
    "pages.visits",
)


def register(app: FastAPI) -> None:
    """Add every page to ``app`` (NiceGUI's app: ``ui.page`` routes always go to it)."""
    for name in PAGE_MODULES:
        importlib.import_module(name)
