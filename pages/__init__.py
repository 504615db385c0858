"""NiceGUI pages, one module per screen (or feature package); ``register`` adds them all to the app."""

from __future__ import annotations

import importlib

from fastapi import FastAPI

# Each module declares its routes with ``@ui.page`` when it is imported.
PAGE_MODULES = (
    "pages.accounts.admin_users",
    "pages.accounts.login",
    "pages.accounts.profile",
    "pages.accounts.registration",
    "pages.accounts.two_factor",
    "pages.callbacks.lists",
    "pages.community.board",
    "pages.community.service_points",
    "pages.community.service_posts",
    "pages.door_cards.areas_page",
    "pages.door_cards.card_page",
    "pages.events.admin.editing",
    "pages.events.admin.hours",
    "pages.events.admin.roster",
    "pages.events.admin.volunteers",
    "pages.events.browse",
    "pages.events.my_activities",
    "pages.home",
    "pages.households.admin",
    "pages.households.coverage",
    "pages.households.household_page",
    "pages.households.import_page",
    "pages.households.privacy",
    "pages.map",
    "pages.notify.opt_out",
    "pages.notify.outbox",
    "pages.org.areas",
    "pages.org.audit",
    "pages.org.needs",
    "pages.requests.dashboard",
    "pages.requests.public",
    "pages.requests.staff",
    "pages.visits.form",
    "pages.visits.list_page",
    "pages.visits.review.queue",
    "pages.year.annual_record",
    "pages.year.commitments",
    "pages.year.field_days",
)


def register(app: FastAPI) -> None:
    """Add every page to ``app`` (NiceGUI's app: ``ui.page`` routes always go to it)."""
    for name in PAGE_MODULES:
        importlib.import_module(name)
